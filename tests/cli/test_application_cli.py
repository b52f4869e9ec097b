"""`circlekeeper application add|list|accept|decline|withdraw` via the CLI: output, --json
shapes, refusals with their exit codes, and hostile text printed literally."""

from __future__ import annotations

import pytest

from circlekeeper.db import Database
from tests.cli.cli_helpers import HOSTILE_NAMES, Cli, shown

APPLICATION_KEYS = {
    "id",
    "circle_id",
    "circle_name",
    "member_id",
    "member_name",
    "answer",
    "status",
    "created_at",
    "decided_on",
    "decided_by",
    "decision_note",
}
OSC_TITLE = "\x1b]0;pwned\x07"
"""A terminal escape that would set the window title if it reached the terminal."""


@pytest.fixture(autouse=True)
def _facilitator(monkeypatch: pytest.MonkeyPatch) -> None:
    """The person at the computer is "sam"."""
    monkeypatch.setattr("getpass.getuser", lambda: "sam")


@pytest.fixture
def cli(db: Database) -> Cli:
    """The CLI with Ana (#1), Bo (#2) and Cy (#3), the two-seat application circle "Founders"
    (#1) and the open circle "Open Table" (#2)."""
    runner = Cli(db.path)
    for name in ("Ana", "Bo", "Cy"):
        runner.member(name, "--handle", name.lower())
    runner.circle("Founders", "--visibility", "application", "--min", "2", "--max", "2")
    runner.circle("Open Table")
    return runner


def _seated(cli: Cli, circle: str) -> list[str]:
    """The names of the members sitting in a circle now."""
    return [m["name"] for m in cli.json("circle", "show", circle)["members"]]


def test_add_records_a_pending_application_and_says_how_to_decide(cli: Cli) -> None:
    result = cli("application", "add", "Founders", "@bo", "--answer", "I run a studio")

    assert result.stdout == ""
    assert "Bo (#2) applied to Founders as application #1" in result.stderr
    assert "circlekeeper application accept 1" in result.stderr
    [stored] = cli.json("application", "list")
    assert (stored["member_name"], stored["circle_name"], stored["answer"]) == (
        "Bo",
        "Founders",
        "I run a studio",
    )


def test_add_json_has_the_documented_shape(cli: Cli) -> None:
    made = cli.json("application", "add", "#1", "bo", "--answer", "  why not\x1b[31m ")

    assert set(made) == APPLICATION_KEYS
    assert (made["id"], made["circle_id"], made["member_id"]) == (1, 1, 2)
    assert (made["answer"], made["status"], made["created_at"]) == (
        "why not",
        "pending",
        "2026-11-21T12:00:00Z",
    )
    assert (made["decided_on"], made["decided_by"], made["decision_note"]) == (None, "", "")


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (("application", "add", "Open Table", "@bo"), "circlekeeper circle add #2 MEMBER", 1),
        (("application", "add", "Nowhere", "@bo"), "no circle matches 'Nowhere'", 1),
        (("application", "add", "Founders", "@zed"), "no member matches '@zed'", 1),
        (
            ("application", "add", "Founders", "@bo", "--answer", "a" * 1001),
            "answer: at most 1000 characters (this one has 1001)",
            1,
        ),
        (("application", "add", "Founders"), "MEMBER", 2),
        (("application", "accept", "9"), "no application #9", 1),
        (("application", "decline", "#9"), "no application #9", 1),
        (("application", "withdraw", "9"), "no application #9", 1),
        (("application", "accept", "first"), "ID must be an id from 'application list'", 2),
        (("application", "list", "--status", "maybe"), "--status", 2),
        (("application", "list", "--limit", "0"), "limit must be between 1 and 1000", 1),
        (("application", "list", "--circle", "Nowhere"), "no circle matches 'Nowhere'", 1),
    ],
    ids=lambda value: " ".join(value)[:60] if isinstance(value, tuple) else str(value),
)
def test_refusals_say_why(cli: Cli, args: tuple[str, ...], message: str, code: int) -> None:
    result = cli(*args, code=code)

    assert message in result.stderr
    assert result.stdout == ""
    assert cli.json("application", "list", "--status", "all") == []


def test_a_second_pending_application_is_refused_until_the_first_is_declined(cli: Cli) -> None:
    cli("application", "add", "Founders", "@bo")

    twice = cli("application", "add", "Founders", "@bo", "--json", code=1)
    cli("application", "decline", "1")
    again = cli.json("application", "add", "Founders", "@bo")

    assert twice.stdout == ""
    assert "Bo already applied to 'Founders' (application #1, still pending)" in twice.stderr
    assert (again["id"], again["status"]) == (2, "pending")


def test_list_shows_pending_newest_first_and_filters(cli: Cli) -> None:
    cli.circle("Makers", "--visibility", "application")
    cli("application", "add", "Founders", "@ana", "--answer", "first")
    cli("application", "add", "Makers", "@bo", "--answer", "second")
    cli("application", "add", "Founders", "@cy", "--answer", "third")
    cli("application", "decline", "3", "--note", "next season")

    table = cli("application", "list").stdout
    pending = cli.json("application", "list")
    everything = cli.json("application", "list", "--status", "all")
    founders = cli.json("application", "list", "--circle", "Founders", "--status", "all")
    declined = cli.json("application", "list", "--status", "declined")
    page = cli.json("application", "list", "--status", "all", "--limit", "1", "--offset", "1")

    for column in ("id", "circle", "member", "name", "answer", "status", "applied"):
        assert column in table
    for shown_text in ("Ana", "Bo", "Makers", "first", "second"):
        assert shown_text in table
    assert "Cy" not in table
    assert [a["id"] for a in pending] == [2, 1]
    assert [a["id"] for a in everything] == [3, 2, 1]
    assert [a["id"] for a in founders] == [3, 1]
    assert [(a["member_name"], a["decision_note"]) for a in declined] == [("Cy", "next season")]
    assert [a["id"] for a in page] == [2]
    assert all(set(a) == APPLICATION_KEYS for a in everything)


def test_an_empty_list_says_so(cli: Cli) -> None:
    result = cli("application", "list")

    assert result.stdout == ""
    assert "no pending applications" in result.stderr
    assert "no withdrawn applications" in cli("application", "list", "--status", "withdrawn").stderr
    assert cli.json("application", "list", "--status", "all") == []


def test_accept_seats_the_member(cli: Cli) -> None:
    cli("application", "add", "Founders", "@bo")

    result = cli("application", "accept", "#1", "--note", "welcome")

    assert result.stdout == ""
    assert "accepted application #1: Bo (#2) joined Founders" in result.stderr
    assert _seated(cli, "Founders") == ["Bo"]
    [decided] = cli.json("application", "list", "--status", "accepted")
    assert (decided["decided_on"], decided["decided_by"], decided["decision_note"]) == (
        "2026-11-21",
        "sam",
        "welcome",
    )
    again = cli("application", "accept", "1", code=1)
    assert "application #1 of Bo to 'Founders' was already accepted on 2026-11-21" in again.stderr


def test_accept_json_prints_the_accepted_application(cli: Cli) -> None:
    cli("application", "add", "Founders", "@bo")

    decided = cli.json("application", "accept", "1")

    assert set(decided) == APPLICATION_KEYS
    assert (decided["id"], decided["status"], decided["decided_by"]) == (1, "accepted", "sam")


def test_accept_into_a_full_circle_fails_and_keeps_the_application_pending(cli: Cli) -> None:
    for handle in ("@ana", "@bo", "@cy"):
        cli("application", "add", "Founders", handle)
    cli("application", "accept", "1")
    cli("application", "accept", "2")

    full = cli("application", "accept", "3", "--json", code=1)

    assert full.stdout == ""
    assert "circle 'Founders' is full: 2 of 2 seats taken" in full.stderr
    assert "application #3 stays pending" in full.stderr
    assert _seated(cli, "Founders") == ["Ana", "Bo"]
    assert [(a["id"], a["member_name"]) for a in cli.json("application", "list")] == [(3, "Cy")]


def test_accept_of_a_member_seated_meanwhile_is_a_conflict(cli: Cli) -> None:
    cli("application", "add", "Founders", "@bo")
    cli("circle", "add", "Founders", "@bo")

    result = cli("application", "accept", "1", code=1)

    assert "Bo is already in 'Founders' — decline or withdraw application #1" in result.stderr
    assert [a["status"] for a in cli.json("application", "list")] == ["pending"]


def test_decline_keeps_the_application_with_the_note(cli: Cli) -> None:
    cli("application", "add", "Founders", "@bo")

    result = cli("application", "decline", "1", "--note", "full this season")
    declined = cli.json("application", "list", "--status", "declined")

    assert "declined application #1 of Bo to Founders" in result.stderr
    assert [(a["decided_on"], a["decision_note"]) for a in declined] == [
        ("2026-11-21", "full this season")
    ]
    assert _seated(cli, "Founders") == []


def test_decline_and_withdraw_json_print_the_application(cli: Cli) -> None:
    cli("application", "add", "Founders", "@bo")
    cli("application", "add", "Founders", "@cy")

    declined = cli.json("application", "decline", "1", "--note", "no")
    withdrawn = cli.json("application", "withdraw", "2")

    assert set(declined) == set(withdrawn) == APPLICATION_KEYS
    assert (declined["status"], declined["decided_by"], declined["decision_note"]) == (
        "declined",
        "sam",
        "no",
    )
    assert (withdrawn["status"], withdrawn["decided_by"]) == ("withdrawn", "Cy")


def test_withdraw_ends_a_pending_application(cli: Cli) -> None:
    cli("application", "add", "Founders", "@bo")

    result = cli("application", "withdraw", "1")

    assert result.stdout == ""
    assert "withdrew application #1 of Bo to Founders" in result.stderr
    assert cli.json("application", "list") == []
    assert "was already withdrawn" in cli("application", "decline", "1", code=1).stderr


def test_a_note_that_is_too_long_is_refused(cli: Cli) -> None:
    cli("application", "add", "Founders", "@bo")

    result = cli("application", "accept", "1", "--note", "n" * 501, code=1)

    assert "note: at most 500 characters" in result.stderr
    assert _seated(cli, "Founders") == []


@pytest.mark.parametrize("name", [*HOSTILE_NAMES, f"Eve{OSC_TITLE}"])
def test_hostile_names_and_answers_print_literally(db: Database, name: str) -> None:
    cli = Cli(db.path)
    cli.member(name, "--handle", "@odd")
    cli.circle(name, "--visibility", "application")
    answer = f"{name} {OSC_TITLE}wants in"
    cli("application", "add", "1", "@odd", "--answer", answer)

    table = cli("application", "list").stdout
    [found] = cli.json("application", "list")
    twice = cli("application", "add", "1", "@odd", code=1)
    accepted = cli("application", "accept", "1")

    assert table.count(shown(name)) >= 3
    assert (found["member_name"], found["circle_name"]) == (shown(name), shown(name))
    assert found["answer"] == shown(answer) == f"{shown(name)} wants in"
    assert shown(name) in twice.stderr
    assert f"{shown(name)} (#1) joined {shown(name)}" in accepted.stderr
    for text in (table, twice.stderr, accepted.stderr):
        assert "\x1b" not in text
        assert "\x07" not in text
        assert "pwned" not in text
