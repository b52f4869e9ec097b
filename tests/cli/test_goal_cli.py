"""`circlekeeper goal …`: set, end, log and status via the CLI."""

from __future__ import annotations

import datetime as dt

import pytest

from circlekeeper.cli import output
from circlekeeper.db import Database
from circlekeeper.models import METRIC_PRESETS, GoalPer
from tests.cli.ambassador_helpers import (
    GOAL_KEYS,
    LAST_WEEK_START,
    PROGRESS_KEYS,
    STATUS_KEYS,
    WEEK_START,
    ambassador,
    past_goal,
)
from tests.cli.cli_helpers import Cli

WELCOME = "welcome new members"


@pytest.fixture
def cli(db: Database) -> Cli:
    """The CLI on a database with two ambassadors, Ana and Bo, serving since 1 October."""
    ambassador(db, "Ana", "ana", started_on=dt.date(2026, 10, 1))
    ambassador(db, "Bo", "bo", started_on=dt.date(2026, 10, 1))
    return Cli(db.path)


# set, end


def test_set_starts_this_period(cli: Cli) -> None:
    weekly = cli.json("goal", "set", "@ana", "--metric", WELCOME, "--target", "3")
    monthly = cli.json(
        "goal", "set", "@ana", "--metric", "host an event", "--target", "1", "--per", "month"
    )

    assert set(weekly) == GOAL_KEYS
    assert (weekly["metric"], weekly["target"], weekly["per"]) == (WELCOME, 3, "week")
    assert (weekly["starts_on"], weekly["ends_on"]) == (str(WEEK_START), None)
    assert (monthly["per"], monthly["starts_on"]) == ("month", "2026-11-01")


def test_set_confirms_on_stderr(cli: Cli) -> None:
    result = cli("goal", "set", "@ana", "--metric", "start threads", "--target", "1")

    assert result.stdout == ""
    assert "goal set: start threads 1 a week, from 2026-11-16" in result.stderr


def test_help_offers_the_metric_presets(cli: Cli) -> None:
    text = " ".join(cli("goal", "set", "--help").stdout.split())

    for preset in METRIC_PRESETS:
        assert preset in text
    assert "custom text is allowed" in text


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (("goal", "set", "@ana", "--metric", WELCOME, "--target", "0"), "target", 1),
        (("goal", "set", "@ana", "--metric", "", "--target", "1"), "metric: give 1 to 60", 1),
        (("goal", "set", "@ana", "--metric", WELCOME, "--target", "x"), "--target", 2),
        (("goal", "set", "@ana", "--metric", WELCOME, "--target", "1", "--per", "day"), "--per", 2),
        (("goal", "set", "@zed", "--metric", WELCOME, "--target", "1"), "no member matches", 1),
        (("goal", "end", "@ana", "--metric", WELCOME), "Ana has no current goal for", 1),
        (("goal", "log", "@ana", "--metric", WELCOME, "--count", "0"), "count", 1),
        (
            ("goal", "log", "@ana", "--metric", WELCOME, "--count", "1", "--date", "2026-11-22"),
            "is in the future",
            1,
        ),
        (
            ("goal", "log", "@ana", "--metric", WELCOME, "--count", "1", "--date", "2026-09-30"),
            "became an ambassador on 2026-10-01",
            1,
        ),
        (("goal", "log", "@ana", "--metric", WELCOME, "--count", "1", "--date", "x"), "--date", 1),
        (("goal", "status", "--period", "soon"), "--period", 1),
        (("goal", "status", "--ambassador", "@zed"), "no member matches", 1),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else str(value),
)
def test_refusals_say_why(cli: Cli, args: tuple[str, ...], message: str, code: int) -> None:
    result = cli(*args, code=code)

    assert message in result.stderr
    assert result.stdout == ""


def test_end_keeps_the_goal_for_finished_periods(db: Database) -> None:
    ana = ambassador(db, "Ana", "ana", started_on=dt.date(2026, 10, 1))
    past_goal(db, ana, WELCOME, 2, starts_on=dt.date(2026, 11, 2))
    cli = Cli(db.path)

    result = cli("goal", "end", "@ana", "--metric", "Welcome New Members")

    assert f"ended the goal {WELCOME}; it last applied on 2026-11-15" in result.stderr
    assert cli.json("goal", "status") == []
    found = cli.json("ambassador", "show", "@ana")
    assert [(g["metric"], g["ends_on"]) for g in found["all_goals"]] == [(WELCOME, "2026-11-15")]


def test_end_of_a_goal_set_this_period_removes_it(cli: Cli) -> None:
    cli("goal", "set", "@ana", "--metric", WELCOME, "--target", "3")

    result = cli("goal", "end", "@ana", "--metric", WELCOME)

    assert f"removed the goal {WELCOME}: it had only started this period" in result.stderr
    assert cli.json("ambassador", "show", "@ana")["all_goals"] == []


# log


def test_log_records_a_count_with_a_note(cli: Cli) -> None:
    cli("goal", "set", "@ana", "--metric", WELCOME, "--target", "3")

    logged = cli.json(
        "goal", "log", "@ana", "--metric", "WELCOME new members", "--count", "2",
        "--date", "2026-11-17", "--note", "two on Discord",
    )  # fmt: skip

    assert set(logged) == PROGRESS_KEYS
    assert (logged["metric"], logged["count"], logged["day"]) == (WELCOME, 2, "2026-11-17")
    assert logged["note"] == "two on Discord"
    result = cli("goal", "log", "@ana", "--metric", "answer questions", "--count", "4")
    assert "logged 4 answer questions for Ana on 2026-11-21" in result.stderr


# status


def test_status_this_period_shows_bars_and_results(cli: Cli) -> None:
    cli("goal", "set", "@ana", "--metric", WELCOME, "--target", "3")
    cli("goal", "set", "@bo", "--metric", "start threads", "--target", "1")
    cli("goal", "log", "@ana", "--metric", WELCOME, "--count", "2")
    cli("goal", "log", "@bo", "--metric", "start threads", "--count", "1")

    table = cli("goal", "status").stdout
    found = cli.json("goal", "status", "--period", "this")

    assert "███░░ 2/3" in table
    assert "█████ 1/1" in table
    [ana_line] = [line for line in table.splitlines() if "Ana" in line]
    [bo_line] = [line for line in table.splitlines() if "Bo" in line]
    assert ana_line.rstrip("│ ").endswith("not met")
    assert bo_line.rstrip("│ ").endswith("│ met")
    assert "2026-11-16 to 2026-11-22" in table
    assert all(set(line) == STATUS_KEYS for line in found)
    assert [(s["member_name"], s["done"], s["met"]) for s in found] == [
        ("Ana", 2, False),
        ("Bo", 1, True),
    ]


def test_status_table_stops_at_the_first_rows_and_json_has_all(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli("goal", "set", "@ana", "--metric", WELCOME, "--target", "3")
    cli("goal", "set", "@bo", "--metric", "start threads", "--target", "1")
    monkeypatch.setattr(output, "TABLE_ROWS", 1)

    table = cli("goal", "status")

    assert "Ana" in table.stdout
    assert "Bo" not in table.stdout
    assert "showing the first 1 of 2 goals — --limit N for more" in table.stderr
    assert "Bo" in cli("goal", "status", "--limit", "2").stdout
    assert len(cli.json("goal", "status")) == 2
    assert len(cli.json("goal", "status", "--limit", "1")) == 1


def test_status_of_the_last_period_and_of_a_date(db: Database) -> None:
    ana = ambassador(db, "Ana", "ana", started_on=dt.date(2026, 10, 1))
    past_goal(db, ana, WELCOME, 2, starts_on=dt.date(2026, 10, 5))
    past_goal(db, ana, "host an event", 1, starts_on=dt.date(2026, 10, 1), per=GoalPer.MONTH)
    cli = Cli(db.path)
    cli("goal", "log", "@ana", "--metric", WELCOME, "--count", "2", "--date", "2026-11-10")
    cli("goal", "log", "@ana", "--metric", "host an event", "--count", "1", "--date", "2026-10-20")

    last = cli.json("goal", "status", "--period", "last")
    dated = cli.json("goal", "status", "--period", "2026-11-03")

    assert sorted((s["metric"], s["period_start"], s["done"], s["met"]) for s in last) == [
        ("host an event", "2026-10-01", 1, True),
        (WELCOME, str(LAST_WEEK_START), 2, True),
    ]
    assert sorted((s["metric"], s["period_start"], s["done"]) for s in dated) == [
        ("host an event", "2026-11-01", 0),
        (WELCOME, "2026-11-02", 0),
    ]


def test_status_for_one_ambassador_and_a_rest_week(cli: Cli) -> None:
    cli("goal", "set", "@ana", "--metric", WELCOME, "--target", "3")
    cli("goal", "set", "@bo", "--metric", WELCOME, "--target", "3")
    cli("ambassador", "rest", "@bo", "--from", "2026-11-16", "--until", "2026-11-29")

    only_bo = cli.json("goal", "status", "--ambassador", "@bo")
    table = cli("goal", "status", "--ambassador", "@bo").stdout

    assert [(s["member_name"], s["due"]) for s in only_bo] == [("Bo", False)]
    assert "not due" in table
    assert "Ana" not in table


def test_status_without_goals_says_how_to_set_one(cli: Cli) -> None:
    result = cli("goal", "status")

    assert result.stdout == ""
    assert "goal set AMBASSADOR --metric M --target N" in result.stderr
    assert cli.json("goal", "status") == []


def test_hostile_metric_prints_literally(cli: Cli) -> None:
    metric = "[b]threads[/] [@click=app.quit]x"
    cli("goal", "set", "@ana", "--metric", metric, "--target", "1")

    table = cli("goal", "status").stdout

    assert metric in table
