"""`circlekeeper incident add|list|show|update` via the CLI: the confidential notice, --json
shapes, the lifecycle, refusals with their exit codes, and hostile text printed literally."""

from __future__ import annotations

import pytest

from circlekeeper.db import Database
from tests.cli.cli_helpers import HOSTILE_NAMES, Cli, shown

INCIDENT_KEYS = {
    "id",
    "kind",
    "occurred_on",
    "circle_id",
    "circle_name",
    "summary",
    "severity",
    "status",
    "contact",
    "alternate_contact",
    "follow_up_on",
    "resolution",
    "resolved_on",
    "people",
    "overdue",
    "version",
    "created_at",
    "updated_at",
}
NOTICE = "confidential: incidents are private to the facilitators"


@pytest.fixture
def cli(db: Database) -> Cli:
    """The CLI with Ana (#1), Bo (#2) and Cy (#3) and the circle "Tuesday" (#1)."""
    runner = Cli(db.path)
    for name in ("Ana", "Bo", "Cy"):
        runner.member(name, "--handle", name.lower())
    runner.circle("Tuesday")
    return runner


def add(cli: Cli, *options: str) -> dict[str, object]:
    """`incident add --json` with a summary and these options."""
    made: dict[str, object] = cli.json("incident", "add", "--summary", "something", *options)
    return made


def test_add_records_everything_given(cli: Cli) -> None:
    made = cli.json(
        "incident", "add", "--summary", "retold a story", "--kind", "breach", "--severity", "high",
        "--circle", "Tuesday", "--person", "@bo", "--person", "@cy", "--contact", "Sam",
        "--alternate", "Ana", "--follow-up", "2026-11-25", "--on", "2026-11-18",
    )  # fmt: skip

    assert set(made) == INCIDENT_KEYS
    assert (made["kind"], made["severity"], made["status"]) == ("breach", "high", "open")
    assert (made["occurred_on"], made["follow_up_on"]) == ("2026-11-18", "2026-11-25")
    assert (made["circle_name"], made["contact"], made["alternate_contact"]) == (
        "Tuesday",
        "Sam",
        "Ana",
    )
    assert made["people"] == [{"member_id": 2, "name": "Bo"}, {"member_id": 3, "name": "Cy"}]
    assert cli.json("incident", "show", "1") == made


@pytest.mark.parametrize(
    "args",
    [
        ("incident", "add", "--summary", "x"),
        ("incident", "add", "--summary", "x", "--json"),
        ("incident", "list"),
        ("incident", "list", "--json"),
        ("incident", "show", "1"),
        ("incident", "show", "1", "--json"),
        ("incident", "update", "1", "--severity", "low"),
    ],
    ids=" ".join,
)
def test_every_command_that_shows_one_says_it_is_confidential(
    cli: Cli, args: tuple[str, ...]
) -> None:
    add(cli)

    result = cli(*args)

    assert result.stderr.count(NOTICE) == 1
    assert NOTICE not in result.stdout


def test_list_hides_resolved_ones_unless_all(cli: Cli) -> None:
    add(cli, "--on", "2026-11-01")
    cli("incident", "add", "--summary", "still open", "--on", "2026-11-20")
    cli("incident", "update", "1", "--status", "resolved", "--resolution", "talked it through")

    table = cli("incident", "list").stdout
    listed = cli.json("incident", "list")
    everything = cli.json("incident", "list", "--all")
    resolved = cli.json("incident", "list", "--status", "resolved")

    assert "still open" in table
    assert "something" not in table
    assert [i["id"] for i in listed] == [2]
    assert [i["id"] for i in everything] == [2, 1]
    assert [(i["id"], i["resolution"]) for i in resolved] == [(1, "talked it through")]
    assert all(set(i) == INCIDENT_KEYS for i in everything)


def test_an_empty_list_says_so(cli: Cli) -> None:
    result = cli("incident", "list")

    assert result.stdout == ""
    assert "no open incidents" in result.stderr
    assert cli.json("incident", "list", "--all") == []


def test_overdue_follow_ups_are_marked(cli: Cli) -> None:
    add(cli, "--on", "2026-11-01", "--follow-up", "2026-11-10")

    table = cli("incident", "list").stdout
    shown_text = cli("incident", "show", "1").stdout

    assert "(overdue)" in table
    assert "follow up: 2026-11-10 (overdue)" in shown_text
    assert cli.json("incident", "show", "1")["overdue"] is True


def test_update_walks_the_lifecycle(cli: Cli) -> None:
    add(cli, "--person", "@bo")

    escalated = cli.json("incident", "update", "1", "--status", "escalated")
    reopened = cli.json("incident", "update", "1", "--status", "open", "--add-person", "@cy")
    resolved = cli.json(
        "incident", "update", "1", "--status", "resolved", "--resolution", "apologised",
        "--remove-person", "@bo", "--follow-up", "2026-12-01", "--severity", "low",
        "--contact", "Sam", "--alternate", "Tia",
    )  # fmt: skip

    assert [s["status"] for s in (escalated, reopened, resolved)] == [
        "escalated",
        "open",
        "resolved",
    ]
    assert [p["name"] for p in reopened["people"]] == ["Bo", "Cy"]
    assert [p["name"] for p in resolved["people"]] == ["Cy"]
    assert (resolved["resolution"], resolved["resolved_on"], resolved["severity"]) == (
        "apologised",
        "2026-11-21",
        "low",
    )
    assert (resolved["contact"], resolved["alternate_contact"], resolved["version"]) == (
        "Sam",
        "Tia",
        4,
    )


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (("incident", "add"), "--summary", 2),
        (("incident", "add", "--summary", " "), "summary: say what happened", 1),
        (("incident", "add", "--summary", "x", "--kind", "theft"), "--kind", 2),
        (("incident", "add", "--summary", "x", "--on", "2026-11-22"), "still ahead", 1),
        (("incident", "add", "--summary", "x", "--on", "yesterday"), "--on", 1),
        (("incident", "add", "--summary", "x", "--person", "@zed"), "no member matches '@zed'", 1),
        (
            ("incident", "add", "--summary", "x", "--person", "@bo", "--contact", "bo"),
            "contact: Bo is involved in this incident",
            1,
        ),
        (
            ("incident", "add", "--summary", "x", "--contact", "Sam", "--alternate", "sam"),
            "alternate contact: must be someone other than the contact",
            1,
        ),
        (("incident", "show", "9"), "no incident #9", 1),
        (("incident", "show", "first"), "ID must be an id from 'incident list'", 2),
        (("incident", "update", "9", "--severity", "low"), "no incident #9", 1),
        (("incident", "update", "1", "--status", "closed"), "--status", 2),
        (("incident", "list", "--limit", "0"), "limit must be between 1 and 1000", 1),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else str(value),
)
def test_refusals_say_why(cli: Cli, args: tuple[str, ...], message: str, code: int) -> None:
    result = cli(*args, code=code)

    assert message in result.stderr
    assert result.stdout == ""


def test_update_refusals_change_nothing(cli: Cli) -> None:
    add(cli, "--person", "@bo")

    nothing = cli("incident", "update", "1", code=1)
    unresolved = cli("incident", "update", "1", "--status", "resolved", code=1)
    involved = cli("incident", "update", "1", "--contact", "Bo", code=1)
    stale = cli("incident", "update", "1", "--severity", "low", "--expect-version", "7", code=1)

    assert "nothing to change" in nothing.stderr
    assert "resolution: say how it was resolved" in unresolved.stderr
    assert "contact: Bo is involved" in involved.stderr
    assert "incident #1 changed elsewhere — reload" in stale.stderr
    found = cli.json("incident", "show", "1")
    assert (found["status"], found["contact"], found["severity"], found["version"]) == (
        "open",
        "",
        "medium",
        1,
    )


def test_a_resolved_incident_cannot_be_reopened(cli: Cli) -> None:
    add(cli)
    cli("incident", "update", "1", "--status", "resolved", "--resolution", "done")

    result = cli("incident", "update", "1", "--status", "open", code=1)

    assert "stays resolved" in result.stderr


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_text_prints_literally(db: Database, name: str) -> None:
    cli = Cli(db.path)
    cli.member(name, "--handle", "odd")
    cli.circle(name)
    cli(
        "incident", "add", "--summary", f"{name} said\nmore", "--person", "@odd",
        "--circle", "1", "--contact", f"{name} helper", "--alternate", "Sam",
    )  # fmt: skip

    table = cli("incident", "list").stdout
    detail = cli("incident", "show", "1").stdout
    [found] = cli.json("incident", "list")

    assert table.count(shown(name)) >= 2
    assert f"people: {shown(name)} (#1)" in detail
    assert f"contact: {shown(name)} helper" in detail
    assert f"summary: {shown(name)} said\n  more" in detail
    assert (found["summary"], found["circle_name"]) == (f"{shown(name)} said\nmore", shown(name))
