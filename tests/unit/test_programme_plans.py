"""The ambassador programme's queries use their indexes: streaks read each goal's own range of
progress by (ambassador, metric, day), goals and rests are found by ambassador, and a list of
thousands of ids is one JSON parameter that still finds rows by index."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select
from tests.sql_capture import captured, only, plan
from tests.unit.test_goal_streaks import TODAY, _community

from circlekeeper.algorithms.goal_periods import Period
from circlekeeper.db import Database
from circlekeeper.models import Ambassador
from circlekeeper.services import ambassadors, goals
from circlekeeper.services.goals_data import FEW_IDS, id_in, plain_rows
from circlekeeper.services.programme_health import programme_health
from circlekeeper.services.programme_settings import ProgrammeSettings

UTC = ProgrammeSettings(timezone="UTC")
GOAL_RANGE = (
    "SEARCH goal_progress USING INDEX ix_goal_progress_ambassador "
    "(ambassador_id=? AND metric_key=? AND day>? AND day<?)"
)
FULL_SCAN = re.compile(r"\bSCAN (member|goal|goal_progress|ambassador_rest)\b")


@pytest.fixture
def programme(db: Database) -> tuple[Database, list[int]]:
    """Eight ambassadors with a year and more of goals, rests and progress."""
    return db, _community(db, 3)


def test_streaks_read_each_goals_own_range_of_progress(
    programme: tuple[Database, list[int]],
) -> None:
    db, ids = programme
    with captured(db) as statements, db.read() as session:
        behind = goals.behind_streaks(session, as_of=TODAY, settings=UTC, ambassador_ids=ids)
    assert behind[ids[0]] > 8
    passes = only(statements, lambda sql: "met_periods" in sql)
    assert len(passes) >= 3, "the streak of the idle ambassador takes every pass"
    for sql, params in passes:
        steps = plan(db, sql, params)
        assert GOAL_RANGE in steps, steps
        assert not FULL_SCAN.search(steps), steps


def test_a_shared_read_finds_goals_and_rests_by_ambassador(
    programme: tuple[Database, list[int]],
) -> None:
    db, ids = programme
    with captured(db) as statements, db.read() as session:
        who = goals.load_who(session, goals.col(Ambassador.id).in_(ids))
        ambassadors.programme_view(session, who, today=TODAY, settings=UTC)
    [(goal_sql, goal_params)] = only(statements, lambda sql: sql.startswith("SELECT goal.id"))
    [(rest_sql, rest_params)] = only(
        statements, lambda sql: sql.startswith("SELECT ambassador_rest.ambassador_id")
    )
    assert "SEARCH goal USING INDEX ix_goal_ambassador" in plan(db, goal_sql, goal_params)
    assert "INDEX ix_ambassador_rest_ambassador" in plan(db, rest_sql, rest_params)


@pytest.mark.parametrize("count", [3, FEW_IDS, FEW_IDS + 1, 4000])
def test_an_id_list_is_one_parameter_past_a_few_and_finds_rows_by_key(
    programme: tuple[Database, list[int]], count: int
) -> None:
    db, ids = programme
    asked = [*ids, *range(10_000, 10_000 + count - len(ids))][:count]
    statement = select(Ambassador.id).where(id_in(Ambassador.id, asked))
    with captured(db) as statements, db.read() as session:
        found = [row[0] for row in plain_rows(session, statement)]
    assert sorted(found) == sorted(set(ids) & set(asked))
    [(sql, params)] = statements[-1:]
    assert len(params) == (count if count <= FEW_IDS else 1)
    assert ("json_each" in sql) is (count > FEW_IDS)
    assert "SEARCH ambassador USING INTEGER PRIMARY KEY" in plan(db, sql, params)


def test_many_ambassadors_sum_a_period_by_day_and_few_by_ambassador(
    programme: tuple[Database, list[int]],
) -> None:
    db, ids = programme
    week = Period(dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    many = [*ids, *range(10_000, 10_000 + FEW_IDS)]
    with captured(db) as statements, db.read() as session:
        few_sums = goals.progress_sums(session, ambassador_ids=ids, periods=[week])
        many_sums = goals.progress_sums(session, ambassador_ids=many, periods=[week])
    assert few_sums == many_sums
    [few, lots] = only(statements, lambda sql: "sum(goal_progress.count)" in sql)
    assert "ix_goal_progress_ambassador" in plan(db, *few)
    assert "COVERING INDEX ix_goal_progress_day (day>? AND day<?)" in plan(db, *lots)


@pytest.mark.parametrize("screen", ["list", "health"])
def test_the_list_and_the_health_panel_read_goals_and_rests_once(
    programme: tuple[Database, list[int]], screen: str
) -> None:
    """This period's statuses, the weekly loads and the streaks share one read of the goals
    and one of the rests."""
    db, _ = programme
    with captured(db) as statements:
        if screen == "list":
            assert ambassadors.list_ambassadors(db, settings=UTC)
        else:
            assert programme_health(db, settings=UTC).overload
    assert len(only(statements, lambda sql: sql.startswith("SELECT goal.id"))) == 1
    rests = only(statements, lambda sql: sql.startswith("SELECT ambassador_rest.ambassador_id, "))
    assert len([sql for sql, _ in rests if "max(" not in sql]) == 1
