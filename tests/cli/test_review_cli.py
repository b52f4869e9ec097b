"""`circlekeeper review start|record|show|apply|cancel|due` via the CLI: output, --json shapes,
the confirmation before applying, the regroup hint that really runs, refusals and hostile text."""

from __future__ import annotations

import shlex

import pytest
from typer.testing import Result

from circlekeeper.cli import output
from circlekeeper.cli.main import app
from circlekeeper.db import Database
from tests.cli.cli_helpers import HOSTILE_NAMES, WIDTH, Cli, shown

REVIEW_KEYS = {
    "id",
    "circle_id",
    "circle_name",
    "status",
    "started_on",
    "applied_on",
    "session_id",
    "entries",
}
ENTRY_KEYS = {"member_id", "member_name", "choice", "pause_until", "note"}
APPLIED_KEYS = {"review", "outcomes", "undecided", "regroup_pool", "regroup_members"}
OUTCOME_KEYS = {
    "member_id",
    "member_name",
    "choice",
    "pause_until",
    "leave_reason",
    "member_paused",
}
DUE_KEYS = {"circle_id", "circle_name", "due_on", "reason", "last_review_on", "ends_on"}


@pytest.fixture
def cli(db: Database) -> Cli:
    """An active circle "Tuesday" (#1) with Ana, Bo, Cy, Dee and Eve (handles = names)."""
    runner = Cli(db.path)
    names = ("Ana", "Bo", "Cy", "Dee", "Eve")
    for name in names:
        runner.member(name, "--handle", name.lower())
    runner.circle("Tuesday", "--min", "2", "--starts-on", "2026-06-01")
    runner("circle", "add", "Tuesday", *(f"@{name.lower()}" for name in names))
    runner("circle", "start", "Tuesday")
    return runner


def answering(cli: Cli, answer: str, *args: str) -> Result:
    """Run a command that asks a question, typing `answer` at the prompt."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(output.stdout, "_width", WIDTH)
        patch.setattr(output.stderr, "_width", WIDTH)
        return cli.runner.invoke(app, ["--db", str(cli.db_path), *args], input=answer)


def choose(cli: Cli) -> None:
    """Start a review: Ana leaves, Bo pauses, Cy and Dee regroup, Eve says nothing."""
    cli("review", "start", "Tuesday")
    cli("review", "record", "Tuesday", "@ana", "--choice", "leave")
    cli("review", "record", "Tuesday", "@bo", "--choice", "pause", "--until", "2027-03-01")
    cli("review", "record", "Tuesday", "@cy", "--choice", "regroup")
    cli("review", "record", "Tuesday", "@dee", "--choice", "regroup", "--note", "new faces")


def seats(cli: Cli) -> list[str]:
    """The names of the members now in Tuesday."""
    return [m["name"] for m in cli.json("circle", "show", "Tuesday")["members"]]


def test_start_record_and_show(cli: Cli) -> None:
    started = cli.json("review", "start", "Tuesday")
    recorded = cli.json(
        "review", "record", "Tuesday", "@bo", "--choice", "pause", "--until", "2027-03-01",
        "--note", "new baby",
    )  # fmt: skip
    table = cli("review", "show", "Tuesday").stdout
    shown_json = cli.json("review", "show", "Tuesday")

    assert set(started) == REVIEW_KEYS
    assert all(set(entry) == ENTRY_KEYS for entry in started["entries"])
    assert [e["choice"] for e in started["entries"]] == [None] * 5
    bo = next(e for e in recorded["entries"] if e["member_name"] == "Bo")
    assert (bo["choice"], bo["pause_until"], bo["note"]) == ("pause", "2027-03-01", "new baby")
    assert shown_json == recorded
    for text in ("status: open", "Bo", "pause", "2027-03-01", "new baby", "not yet"):
        assert text in table


def test_start_says_how_to_record(cli: Cli) -> None:
    result = cli("review", "start", "Tuesday")

    assert result.stdout == ""
    assert "started review #1 of Tuesday: 5 members to hear from" in result.stderr
    assert "circlekeeper review record Tuesday MEMBER --choice continue" in result.stderr


def test_start_with_the_ritual_plans_a_session(cli: Cli) -> None:
    started = cli.json("review", "start", "Tuesday", "--with-ritual")

    [planned] = cli.json("session", "list", "--circle", "Tuesday")
    assert started["session_id"] == planned["id"]
    assert planned["ritual_name"] == "Seasonal review"


def test_start_all_starts_and_reports_the_skipped(cli: Cli) -> None:
    cli.circle("Wednesday", "--min", "2")
    cli("circle", "add", "Wednesday", "@ana", "@bo")
    cli("circle", "start", "Wednesday")
    cli("review", "start", "Tuesday")

    result = cli("review", "start", "--all")
    batch = cli.json("review", "start", "--all")

    assert "started review #2 of Wednesday" in result.stderr
    assert "skipped Tuesday (#1): 'Tuesday' already has an open review (#1)" in result.stderr
    assert batch["started"] == []
    assert {s["circle_name"] for s in batch["skipped"]} == {"Tuesday", "Wednesday"}
    assert all(set(s) == {"circle_id", "circle_name", "reason"} for s in batch["skipped"])


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (("review", "start"), "give one CIRCLE, or --all", 2),
        (("review", "start", "Tuesday", "--all"), "give one CIRCLE, or --all", 2),
        (("review", "start", "Nowhere"), "no circle matches 'Nowhere'", 1),
        (("review", "record", "Tuesday", "@ana", "--choice", "stay"), "--choice", 2),
        (("review", "record", "Tuesday", "@ana", "--choice", "leave"), "has no open review", 1),
        (("review", "show", "Tuesday"), "has had no review", 1),
        (("review", "apply", "Tuesday", "--yes"), "has no open review", 1),
        (("review", "cancel", "Tuesday"), "has no open review", 1),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else str(value),
)
def test_refusals_say_why(cli: Cli, args: tuple[str, ...], message: str, code: int) -> None:
    result = cli(*args, code=code)

    assert message in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--choice", "pause"), "a pause needs the day it ends"),
        (("--choice", "pause", "--until", "2026-11-21"), "not in the future"),
        (("--choice", "pause", "--until", "soon"), "--until"),
        (("--choice", "leave", "--until", "2027-01-01"), "only a pause takes an until date"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else str(value),
)
def test_bad_records_are_refused(cli: Cli, args: tuple[str, ...], message: str) -> None:
    cli("review", "start", "Tuesday")

    result = cli("review", "record", "Tuesday", "@ana", *args, code=1)

    assert message in result.stderr
    assert all(e["choice"] is None for e in cli.json("review", "show", "Tuesday")["entries"])


def test_a_non_member_cannot_record(cli: Cli) -> None:
    cli.member("Zed", "--handle", "zed")
    cli("review", "start", "Tuesday")

    result = cli("review", "record", "Tuesday", "@zed", "--choice", "leave", code=1)

    assert "Zed is not in 'Tuesday'" in result.stderr


def test_apply_asks_first_and_a_no_changes_nothing(cli: Cli) -> None:
    choose(cli)

    result = answering(cli, "n\n", "review", "apply", "Tuesday")

    assert result.exit_code == 1
    assert "review not applied" in result.stderr
    for line in (
        "applying review #1 of Tuesday will:",
        "Ana: seat ends (left at seasonal review)",
        "Bo: seat ends (paused at seasonal review until 2027-03-01); paused as a member",
        "Cy: seat ends (regroup)",
        "Eve: keeps their seat (no choice recorded)",
    ):
        assert line in result.stderr
    assert seats(cli) == ["Ana", "Bo", "Cy", "Dee", "Eve"]
    assert cli.json("review", "show", "Tuesday")["status"] == "open"


def test_apply_after_yes_changes_the_seats(cli: Cli) -> None:
    choose(cli)

    result = answering(cli, "y\n", "review", "apply", "Tuesday")

    assert result.exit_code == 0, result.stderr
    assert seats(cli) == ["Eve"]
    assert cli.json("member", "show", "@bo")["status"] == "paused"
    assert "applied review #1 of Tuesday" in result.stderr
    assert "undecided, kept their seats: Eve (#5)" in result.stderr
    for text in ("left at seasonal review", "regroup", "Ana", "Dee"):
        assert text in result.stdout


def test_apply_json_has_the_outcomes_and_the_pool(cli: Cli) -> None:
    choose(cli)

    applied = cli.json("review", "apply", "Tuesday", "--yes")

    assert set(applied) == APPLIED_KEYS
    assert set(applied["review"]) == REVIEW_KEYS
    assert all(set(o) == OUTCOME_KEYS for o in applied["outcomes"])
    assert applied["review"]["status"] == "applied"
    assert applied["regroup_pool"] == [3, 4]
    assert applied["regroup_members"] == "review:1"
    assert applied["undecided"] == [{"member_id": 5, "name": "Eve"}]
    paused = {o["member_name"]: o["member_paused"] for o in applied["outcomes"]}
    assert paused == {"Ana": False, "Bo": True, "Cy": False, "Dee": False}


def test_the_regroup_hint_runs_as_printed(cli: Cli) -> None:
    choose(cli)

    result = cli("review", "apply", "Tuesday", "--yes")

    assert "regroup pool (2): Cy (#3), Dee (#4)" in result.stderr
    hint = result.stderr.split("form new circles from them with: ", 1)[1].splitlines()[0]
    words = shlex.split(hint)
    assert words[:4] == ["circlekeeper", "circle", "form", "--members"]
    assert words[4] == "review:1"
    formed = cli(*words[1:])
    assert "Cy (#3)" in formed.stdout
    assert "Dee (#4)" in formed.stdout
    assert "Eve" not in formed.stdout


def test_a_pool_of_one_is_pointed_to_circle_add(cli: Cli) -> None:
    cli("review", "start", "Tuesday")
    cli("review", "record", "Tuesday", "@cy", "--choice", "regroup")

    result = cli("review", "apply", "Tuesday", "--yes")

    assert "regroup pool (1): Cy (#3)" in result.stderr
    assert "circlekeeper circle add CIRCLE 3" in result.stderr
    assert "circle form" not in result.stderr


def test_cancel_keeps_every_seat(cli: Cli) -> None:
    choose(cli)

    cancelled = cli.json("review", "cancel", "Tuesday")

    assert cancelled["status"] == "cancelled"
    assert seats(cli) == ["Ana", "Bo", "Cy", "Dee", "Eve"]
    assert cli.json("review", "show", "Tuesday")["id"] == cancelled["id"]


def test_due_lists_circles_whose_review_is_due(cli: Cli) -> None:
    table = cli("review", "due").stdout
    [due] = cli.json("review", "due")

    assert set(due) == DUE_KEYS
    assert (due["circle_name"], due["due_on"]) == ("Tuesday", "2026-08-24")
    assert due["reason"] == "12 weeks since it started on 2026-06-01"
    assert "12 weeks since it started on 2026-06-01" in table
    cli("review", "start", "Tuesday")
    assert cli.json("review", "due") == []
    assert "no reviews due" in cli("review", "due").stderr


def test_due_stops_at_the_first_rows_and_json_holds_them_all(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At community scale thousands of reviews fall due: the table shows the soonest and says
    how many more; --json holds all unless --limit is given."""
    for name in ("Wednesday", "Thursday"):
        cli.circle(name, "--min", "2", "--starts-on", "2026-06-08")
        cli("circle", "add", name, "@ana", "@bo")
        cli("circle", "start", name)
    monkeypatch.setattr(output, "TABLE_ROWS", 2)

    table = cli("review", "due")
    more = cli("review", "due", "--limit", "3")

    assert "Tuesday" in table.stdout
    assert "showing the first 2 of 3 reviews due — --limit N for more" in table.stderr
    assert all(name in more.stdout for name in ("Tuesday", "Wednesday", "Thursday"))
    assert "showing" not in more.stderr
    assert len(cli.json("review", "due")) == 3
    assert len(cli.json("review", "due", "--limit", "1")) == 1


def test_due_follows_the_configured_weeks(cli: Cli, db: Database) -> None:
    from circlekeeper import paths

    config = paths.config_dir() / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("review_every_weeks = 40\n", encoding="utf-8")

    assert cli.json("review", "due") == []


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_names_print_literally(db: Database, name: str) -> None:
    cli = Cli(db.path)
    cli.member(name, "--handle", "odd")
    cli.member("Bo", "--handle", "bo")
    cli.circle(name, "--min", "2")
    cli("circle", "add", "1", "@odd", "@bo")
    cli("circle", "start", "1")
    started = cli("review", "start", "1")
    cli("review", "record", "1", "@odd", "--choice", "regroup", "--note", name)
    cli("review", "record", "1", "@bo", "--choice", "regroup")

    table = cli("review", "show", "1").stdout
    applied = cli("review", "apply", "1", "--yes")
    formed = cli(*shlex.split(applied.stderr.split("with: ", 1)[1].splitlines()[0])[1:])

    assert f"of {shown(name)}:" in started.stderr
    assert table.count(shown(name)) >= 3
    assert shown(name) in applied.stdout
    pool = applied.stderr.split("regroup pool (2): ", 1)[1].splitlines()[0]
    assert sorted(pool.split(", ")) == sorted([f"{shown(name)} (#1)", "Bo (#2)"])
    assert shown(name) in formed.stdout
