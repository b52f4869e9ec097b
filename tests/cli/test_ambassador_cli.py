"""`circlekeeper ambassador …`: add, list, show, edit, rest, back and retire via the CLI."""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import Result

from circlekeeper.cli import output
from circlekeeper.cli.main import app
from circlekeeper.db import Database
from circlekeeper.services import goals
from tests.cli.ambassador_helpers import (
    AMBASSADOR_KEYS,
    DETAIL_KEYS,
    GOAL_KEYS,
    PROGRESS_KEYS,
    REST_KEYS,
    ROW_KEYS,
    STATUS_KEYS,
    WEEK_START,
    ambassador,
    member,
    past_goal,
)
from tests.cli.cli_helpers import HOSTILE_NAMES, WIDTH, Cli, shown


@pytest.fixture
def cli(db: Database) -> Cli:
    """The CLI on a database with Ana (an ambassador: welcome team) and Bo (a member)."""
    ambassador(db, "Ana", "ana")
    member(db, "Bo", "bo")
    return Cli(db.path)


def answering(cli: Cli, answer: str, *args: str) -> Result:
    """Run a command that asks a question, typing `answer` at the prompt."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(output.stdout, "_width", WIDTH)
        patch.setattr(output.stderr, "_width", WIDTH)
        return cli.runner.invoke(app, ["--db", str(cli.db_path), *args], input=answer)


# add


def test_add_makes_a_member_an_ambassador(cli: Cli) -> None:
    made = cli.json(
        "ambassador", "add", "@bo", "--focus", "Event Promoter", "--focus", "garden club",
        "--capacity", "3", "--note", "likes mornings",
    )  # fmt: skip

    assert set(made) == AMBASSADOR_KEYS
    assert made["focus"] == ["event promoter", "garden club"]
    assert (made["status"], made["capacity_per_week"], made["note"]) == (
        "active",
        3,
        "likes mornings",
    )
    result = cli("ambassador", "add", "@bo", "--focus", "culture keeper", code=1)
    assert "Bo is already an ambassador" in result.stderr


def test_add_says_who_on_stderr_and_nothing_on_stdout(cli: Cli) -> None:
    result = cli("ambassador", "add", "@bo", "--focus", "welcome team")

    assert result.stdout == ""
    assert "Bo (#2) is now an ambassador: welcome team" in result.stderr


def test_add_needs_a_focus(cli: Cli) -> None:
    result = cli("ambassador", "add", "@bo", code=2)

    assert "--focus" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("ambassador", "add", "@zed", "--focus", "welcome team"), "no member matches '@zed'"),
        (("ambassador", "add", "@bo", "--focus", "x" * 41), "longer than 40 characters"),
        (("ambassador", "add", "@bo", "--focus", "w", "--capacity", "0"), "capacity"),
        (("ambassador", "show", "@bo"), "Bo (#2) is not an ambassador"),
        (("ambassador", "edit", "@zed", "--capacity", "2"), "no member matches '@zed'"),
        (("ambassador", "rest", "@bo", "--until", "2026-12-01"), "is not an ambassador"),
        (("ambassador", "back", "@ana"), "Ana is not resting"),
        (("ambassador", "retire", "@bo", "--yes"), "is not an ambassador"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else value,
)
def test_refusals_say_why_on_stderr(cli: Cli, args: tuple[str, ...], message: str) -> None:
    result = cli(*args, code=1)

    assert message in result.stderr
    assert result.stdout == ""


# list


def test_list_shows_focus_status_and_this_periods_goals(db: Database) -> None:
    ana = ambassador(db, "Ana", "ana", focus=("welcome team", "event promoter"))
    cli = Cli(db.path)
    cli("goal", "set", "@ana", "--metric", "welcome new members", "--target", "3")
    cli("goal", "log", "@ana", "--metric", "welcome new members", "--count", "2")

    table = cli("ambassador", "list").stdout
    rows = cli.json("ambassador", "list")

    for text in ("member", "focus", "goals this period", "welcome team, event promoter"):
        assert text in table
    assert "welcome new members 2/3" in table
    assert [row["id"] for row in rows] == [ana]
    assert set(rows[0]) == ROW_KEYS
    assert [set(goal) for goal in rows[0]["goals"]] == [STATUS_KEYS]
    assert (rows[0]["goals"][0]["done"], rows[0]["goals"][0]["target"]) == (2, 3)


def test_list_shows_a_behind_streak(db: Database) -> None:
    ana = ambassador(db, "Ana", "ana", started_on=dt.date(2026, 10, 1))
    past_goal(db, ana, "start threads", 2, starts_on=dt.date(2026, 10, 26))
    cli = Cli(db.path)

    table = cli("ambassador", "list").stdout
    rows = cli.json("ambassador", "list")

    # Weeks of 26 Oct, 2 Nov and 9 Nov are finished and missed; this week is still open.
    assert rows[0]["behind_streak"] == 3
    assert "start threads 0/2" in table
    assert table.splitlines()[-2].rstrip("│ ").endswith("3")


def test_list_filters_by_status_focus_and_search(db: Database) -> None:
    ambassador(db, "Ana", "ana", focus=("welcome team",))
    ambassador(db, "Bo", "bo", focus=("event promoter",))
    ambassador(db, "Cy", "cy", focus=("event promoter",))
    cli = Cli(db.path)
    cli("ambassador", "rest", "@bo", "--until", "2026-12-31")
    cli("ambassador", "retire", "@cy", "--yes")

    def names(*args: str) -> list[str]:
        return [row["member_name"] for row in cli.json("ambassador", "list", *args)]

    assert names() == ["Ana", "Bo"]
    assert names("--all") == ["Ana", "Bo", "Cy"]
    assert names("--status", "resting") == ["Bo"]
    assert names("--status", "alumni") == ["Cy"]
    assert names("--focus", "EVENT PROMOTER", "--all") == ["Bo", "Cy"]
    assert names("--search", "an") == ["Ana"]
    assert "resting until 2026-12-31" in cli("ambassador", "list").stdout


def test_list_table_stops_at_the_first_rows_and_json_has_all(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("Ana", "Bo", "Cy"):
        ambassador(db, name, name.lower())
    monkeypatch.setattr(output, "TABLE_ROWS", 2)
    cli = Cli(db.path)

    table = cli("ambassador", "list")

    assert " Ana " in table.stdout
    assert " Bo " in table.stdout
    assert " Cy " not in table.stdout
    assert "showing the first 2 of 3 ambassadors — --limit N for more" in table.stderr
    assert " Cy " in cli("ambassador", "list", "--limit", "3").stdout
    assert len(cli.json("ambassador", "list")) == 3
    assert [row["member_name"] for row in cli.json("ambassador", "list", "--limit", "1")] == ["Ana"]


def test_list_refuses_an_unknown_status(cli: Cli) -> None:
    assert "--status" in cli("ambassador", "list", "--status", "tired", code=2).stderr


def test_an_empty_list_says_what_to_do(db: Database) -> None:
    cli = Cli(db.path)

    assert "ambassador add MEMBER --focus" in cli("ambassador", "list").stderr
    assert cli.json("ambassador", "list") == []
    assert "no ambassadors match" in cli("ambassador", "list", "--focus", "x").stderr


# show


def test_show_draws_goals_as_bars_with_history_and_rests(cli: Cli) -> None:
    cli("goal", "set", "@ana", "--metric", "welcome new members", "--target", "3")
    cli("goal", "log", "@ana", "--metric", "welcome new members", "--count", "2", "--note", "hi")
    cli("ambassador", "rest", "@ana", "--from", "2026-12-07", "--until", "2026-12-13")

    result = cli("ambassador", "show", "@ana")

    out = result.stdout
    assert "name: Ana" in out
    assert "focus: welcome team" in out
    assert "status: active" in out
    assert "load this week: 3 of 5" in out
    assert "███░░ 2/3" in out
    assert "recent progress" in out
    assert "hi" in out
    assert "rests" in out
    assert "2026-12-07" in out
    assert "2026-12-13" in out
    assert result.stderr == ""


def test_show_json_is_the_detail(cli: Cli) -> None:
    cli("goal", "set", "@ana", "--metric", "start threads", "--target", "1")
    cli("goal", "log", "@ana", "--metric", "start threads", "--count", "1")
    cli("ambassador", "rest", "@ana", "--from", "2026-12-07", "--until", "2026-12-13")

    found = cli.json("ambassador", "show", "@ana")

    assert set(found) == DETAIL_KEYS
    assert [set(goal) for goal in found["all_goals"]] == [GOAL_KEYS]
    assert [set(line) for line in found["history"]] == [PROGRESS_KEYS]
    assert [set(rest) for rest in found["rests"]] == [REST_KEYS]
    assert found["goals"][0]["met"] is True
    assert (found["load"], found["warnings"]) == (1, [])


def test_show_warns_on_stderr_and_lists_past_periods(db: Database) -> None:
    ana = ambassador(db, "Ana", "ana", started_on=dt.date(2026, 10, 1), capacity=2)
    past_goal(db, ana, "start threads", 3, starts_on=dt.date(2026, 10, 26))
    cli = Cli(db.path)

    result = cli("ambassador", "show", "@ana")

    assert "load this week: 3 of 2 — over capacity" in result.stdout
    assert "behind: 3 periods in a row" in result.stdout
    assert "past periods" in result.stdout
    assert "2026-11-09 to 2026-11-15" in result.stdout
    assert "missed" in result.stdout
    assert "warning: this week's load of 3 is over the 2" in result.stderr
    assert "warning: behind on goals 3 periods in a row" in result.stderr
    assert "warning" not in result.stdout


def test_show_without_goals_says_how_to_set_one(cli: Cli) -> None:
    assert "goals: none — circlekeeper goal set" in cli("ambassador", "show", "@ana").stdout


# edit


def test_edit_changes_only_what_is_given(cli: Cli) -> None:
    changed = cli.json("ambassador", "edit", "@ana", "--focus", "culture keeper", "--capacity", "8")

    assert changed["focus"] == ["culture keeper"]
    assert changed["capacity_per_week"] == 8
    assert changed["version"] == 2
    result = cli("ambassador", "edit", "@ana", "--note", "back in March")
    assert "updated Ana (#1, now version 3)" in result.stderr
    shown_now = cli.json("ambassador", "show", "@ana")
    assert (shown_now["note"], shown_now["focus"]) == ("back in March", ["culture keeper"])


def test_edit_with_nothing_to_change_is_a_usage_error(cli: Cli) -> None:
    assert "nothing to change" in cli("ambassador", "edit", "@ana", code=2).stderr


def test_edit_refuses_a_stale_version(cli: Cli) -> None:
    cli("ambassador", "edit", "@ana", "--capacity", "4")

    result = cli("ambassador", "edit", "@ana", "--capacity", "6", "--expect-version", "1", code=1)

    assert "changed elsewhere" in result.stderr
    assert cli.json("ambassador", "show", "@ana")["capacity_per_week"] == 4


# rest, back


def test_rest_and_back(cli: Cli) -> None:
    rested = cli.json(
        "ambassador", "rest", "@ana", "--from", "2026-11-18", "--until", "2026-12-31",
        "--reason", "exams",
    )  # fmt: skip

    assert (rested["status"], rested["resting_until"]) == ("resting", "2026-12-31")
    shown_now = cli("ambassador", "show", "@ana")
    assert "status: resting until 2026-12-31" in shown_now.stdout
    assert "warning: resting until 2026-12-31" in shown_now.stderr
    result = cli("ambassador", "back", "@ana")
    assert "Ana (#1) is active again" in result.stderr
    assert cli.json("ambassador", "show", "@ana")["status"] == "active"


def test_a_rest_planned_for_later_leaves_them_active(cli: Cli) -> None:
    result = cli("ambassador", "rest", "@ana", "--from", "2026-12-07", "--until", "2026-12-13")

    assert "Ana (#1) will rest from 2026-12-07" in result.stderr
    assert cli.json("ambassador", "show", "@ana")["status"] == "active"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--until", "31/12/2026"), "--until"),
        (("--until", "2026-12-01", "--from", "tomorrow"), "--from"),
        (("--until", "2026-11-01"), "a rest ends on or after its first day"),
    ],
    ids=["bad-until", "bad-from", "until-before-from"],
)
def test_rest_refuses_bad_dates(cli: Cli, args: tuple[str, ...], message: str) -> None:
    result = cli("ambassador", "rest", "@ana", *args, code=1)

    assert message in result.stderr


def test_rest_needs_until(cli: Cli) -> None:
    assert "--until" in cli("ambassador", "rest", "@ana", code=2).stderr


# retire


def test_retire_asks_first_and_does_nothing_without_a_yes(cli: Cli) -> None:
    refused = answering(cli, "n\n", "ambassador", "retire", "@ana")
    silent = cli("ambassador", "retire", "@ana", code=1)

    assert refused.exit_code == 1
    assert "Retire @ana as an ambassador?" in refused.stderr
    assert "not retired — answer y, or add --yes" in refused.stderr
    assert "not retired" in silent.stderr
    assert cli.json("ambassador", "show", "@ana")["status"] == "active"


def test_retire_after_a_yes_at_the_prompt(cli: Cli) -> None:
    result = answering(cli, "y\n", "ambassador", "retire", "@ana", "--reason", "moved on")

    assert result.exit_code == 0, result.stderr
    assert "Ana (#1) is alumni since 2026-11-21" in result.stderr
    found = cli.json("ambassador", "show", "@ana")
    assert (found["status"], found["retired_on"]) == ("alumni", "2026-11-21")
    assert "moved on" in found["note"]


def test_retire_with_yes_keeps_history_and_refuses_twice(cli: Cli, db: Database) -> None:
    cli("goal", "set", "@ana", "--metric", "start threads", "--target", "1")
    cli("goal", "log", "@ana", "--metric", "start threads", "--count", "1")

    retired = cli.json("ambassador", "retire", "@ana", "--yes")

    assert retired["status"] == "alumni"
    assert len(cli.json("ambassador", "show", "@ana")["history"]) == 1
    assert goals.goal_status(db) == []
    again = cli("ambassador", "retire", "@ana", "--yes", code=1)
    assert "already alumni" in again.stderr


# hostile names


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_names_and_focus_print_literally(db: Database, name: str) -> None:
    member(db, name, "odd")
    cli = Cli(db.path)
    cli("ambassador", "add", "@odd", "--focus", name[:40], "--note", name)
    cli("goal", "set", "@odd", "--metric", name, "--target", "2")
    cli("goal", "log", "@odd", "--metric", name, "--count", "1", "--note", name)

    table = cli("ambassador", "list").stdout
    detail = cli("ambassador", "show", "@odd").stdout
    rows = cli.json("ambassador", "list")

    assert shown(name) in table
    assert f"name: {shown(name)}" in detail
    assert f"note: {shown(name)}" in detail
    assert f"focus: {shown(name)}" in detail
    assert "\x1b" not in table + detail
    assert rows[0]["member_name"] == shown(name)
    assert rows[0]["goals"][0]["metric"] == shown(name)


def test_this_week_starts_on_monday_by_default(cli: Cli) -> None:
    goal = cli.json("goal", "set", "@ana", "--metric", "host an event", "--target", "1")

    assert goal["starts_on"] == str(WEEK_START)
