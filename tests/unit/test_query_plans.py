"""Hot queries use their indexes: the member list walks its sort index, sizes use seat indexes,
circle health walks each circle's sessions newest first and counts marks from a covering index
one circle at a time with nothing to sort, counts who spoke from a partial index of answered
check-ins, the digest reads a month's sessions by day and its quotes from answered check-ins by
day, and goal status sums a period's progress from a covering index by day without walking the
member-name index."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.health_helpers import TODAY, make_circle, seat, tuesdays, weeks_held
from tests.sql_capture import TEMP_SORT, captured, only, plan

from circlekeeper.algorithms.goal_periods import Period
from circlekeeper.db import Database
from circlekeeper.export.reports import build_report
from circlekeeper.models import CircleCreate, GoalPer, MemberCreate, MemberStatus
from circlekeeper.services import ambassadors, circles, goals, members
from circlekeeper.services.core_tables import CIRCLE
from circlekeeper.services.health import JUDGED, circle_health, inline_sql, recount_statement
from circlekeeper.services.programme_settings import ProgrammeSettings

SESSIONS_NEWEST_FIRST = "COVERING INDEX ix_circle_session_circle_day (circle_id=? AND local_date<?)"
MARKS = "SEARCH checkin USING COVERING INDEX ix_checkin_session_attendance (session_id=?)"
SEAT_INDEXES = ("ix_membership_circle", "uq_membership_current")
SPEAKERS = "SEARCH checkin USING INDEX ix_checkin_session_spoke (session_id=? AND attendance=?)"
QUOTES = "SEARCH checkin USING INDEX ix_checkin_day_answered (day>? AND day<?)"
PERIOD_SUMS = "SEARCH goal_progress USING COVERING INDEX ix_goal_progress_day (day>? AND day<?)"


@pytest.fixture
def populated(db: Database) -> Database:
    """A database with members, tags, circles and seats, so the planner has work."""
    for i in range(12):
        members.add_member(
            db, data=MemberCreate(name=f"Person {i:02}", handle=f"p{i}", tags={"lang": "en"})
        )
    for name in ("Alpha", "Beta"):
        circles.create_circle(db, data=CircleCreate(name=name))
        for i in range(3):
            circles.add_member_to_circle(db, circle_ref=name, member_ref=f"p{i}")
    return db


@pytest.mark.parametrize(
    ("search", "status", "index"),
    [
        (None, None, "ix_member_name_key_id"),
        ("person", None, "ix_member_name_key_id"),
        ("@p1", None, "ix_member_name_key_id"),
        (None, MemberStatus.ACTIVE, "ix_member_status_name_key_id"),
        ("lang=en", MemberStatus.PAUSED, "ix_member_status_name_key_id"),
    ],
)
def test_member_list_walks_a_name_ordered_index_without_sorting(
    populated: Database, search: str | None, status: MemberStatus | None, index: str
) -> None:
    with captured(populated) as statements, populated.read() as session:
        members.member_rows(session, members.member_filter(search, status), limit=5, offset=0)
    for sql, params in only(statements, lambda s: "ORDER BY member.name_key, member.id" in s):
        steps = plan(populated, sql, params)
        assert f"USING INDEX {index}" in steps
        assert TEMP_SORT not in steps


def test_member_circle_count_uses_the_member_seat_index(populated: Database) -> None:
    with captured(populated) as statements:
        members.list_members(populated)
    for sql, params in only(statements, lambda s: "ORDER BY member.name_key" in s):
        assert "SEARCH membership USING COVERING INDEX ix_membership_member" in plan(
            populated, sql, params
        )


def test_circle_size_subquery_uses_a_seat_index(populated: Database) -> None:
    with captured(populated) as statements:
        circles.list_circles(populated)
        circles.get_circle(populated, ref="Alpha")
    counts = only(statements, lambda s: "count(*)" in s and "membership.circle_id" in s)
    for sql, params in counts:
        steps = plan(populated, sql, params)
        assert "SEARCH membership USING" in steps
        assert any(index in steps for index in SEAT_INDEXES), steps


def test_circle_list_sorts_by_its_unique_name_index(populated: Database) -> None:
    with captured(populated) as statements:
        circles.list_circles(populated)
    for sql, params in only(statements, lambda s: "ORDER BY circle.name_key" in s):
        assert TEMP_SORT not in plan(populated, sql, params)


@pytest.fixture
def history(db: Database) -> Database:
    """Two circles with nine weeks of held sessions and check-ins, so health has windows."""
    for name in ("Alpha", "Beta"):
        make_circle(db, name)
        people = [f"{name.lower()}{i}" for i in range(5)]
        seat(db, name, *people)
        weeks_held(db, name, tuesdays(9), people[:4], absent=people[4:])
    return db


def counting_plan(db: Database) -> str:
    """The plan of the statement that counts (and keeps) every judged circle's health figures."""
    scope = CIRCLE.c.status.in_([status.value for status in JUDGED])
    return plan(db, inline_sql(recount_statement(scope, TODAY)), ())


def test_circle_health_walks_sessions_newest_first_and_counts_marks_from_a_covering_index(
    history: Database,
) -> None:
    steps = counting_plan(history)

    assert SESSIONS_NEWEST_FIRST in steps
    assert "SCAN circle_session" not in steps
    assert MARKS in steps
    assert "SCAN checkin" not in steps


def test_circle_health_counts_each_circle_on_its_own_without_grouping_or_sorting(
    history: Database,
) -> None:
    """Every figure is a correlated subquery over one circle's latest sessions: no GROUP BY sorts
    check-ins of every circle together, and no table of every circle's sessions is built."""
    steps = counting_plan(history)

    assert "CORRELATED SCALAR SUBQUERY" in steps
    assert "GROUP BY" not in steps
    assert "MATERIALIZE latest" not in steps


def test_kept_circle_health_reads_its_row_by_key_and_no_check_in_or_session(
    history: Database,
) -> None:
    counted = circle_health(history)
    with captured(history) as statements:
        again = circle_health(history)
    assert again == counted
    [(sql, params)] = only(statements, lambda s: "health_figures" in s)
    steps = plan(history, sql, params)
    assert "SEARCH health_figures USING INTEGER PRIMARY KEY" in steps
    assert "checkin" not in steps
    assert "circle_session" not in steps
    assert {item.name for item in again} == {"Alpha", "Beta"}


def test_digest_reads_the_months_sessions_by_day_and_their_marks_from_a_covering_index(
    history: Database,
) -> None:
    with captured(history) as statements:
        build_report(history, "digest", circle_ref=None, start=None, end=None, texts={})
    [(sql, params)] = only(statements, lambda s: "sum(CASE WHEN (checkin.attendance" in s)
    steps = plan(history, sql, params)
    assert "SEARCH circle_session USING COVERING INDEX ix_circle_session_day_status" in steps
    assert MARKS in steps


def test_circle_health_counts_speakers_from_the_partial_index_of_answered_checkins(
    history: Database,
) -> None:
    assert SPEAKERS in counting_plan(history)


def test_digest_reads_quotes_from_answered_checkins_by_day(history: Database) -> None:
    with captured(history) as statements:
        build_report(history, "digest", circle_ref=None, start=None, end=None, texts={})
    quotes = only(statements, lambda s: "row_number()" in s and "checkin.answers" in s)
    for sql, params in quotes:
        steps = plan(history, sql, params)
        assert QUOTES in steps
        assert "ix_checkin_circle_day" not in steps


@pytest.fixture
def programme(populated: Database) -> Database:
    """Two ambassadors with weekly goals and some progress this week."""
    utc = ProgrammeSettings(timezone="UTC")
    for handle in ("p1", "p2"):
        ambassadors.add_ambassador(populated, member_ref=handle, focus=["welcome"], settings=utc)
        goals.set_goal(
            populated, ref=handle, metric="welcome", target=2, per=GoalPer.WEEK, settings=utc
        )
        goals.log_progress(populated, ref=handle, metric="welcome", count=1, settings=utc)
    return populated


def test_goal_status_finds_ambassadors_without_walking_the_member_name_index(
    programme: Database,
) -> None:
    with captured(programme) as statements:
        found = goals.goal_status(programme, settings=ProgrammeSettings(timezone="UTC"))
    assert {status.done for status in found} == {1}
    [(sql, params)] = only(statements, lambda s: s.startswith("SELECT ambassador.id, member.name"))
    steps = plan(programme, sql, params)
    assert "ix_member_name_key_id" not in steps
    assert TEMP_SORT not in steps


def test_progress_sums_for_a_whole_programme_read_only_the_periods_from_a_covering_index(
    programme: Database,
) -> None:
    """With thousands of ambassadors (as goal status at community scale asks), each period is
    one range of goal_progress(day, ambassador_id, metric_key, count), not every history."""
    week = Period(start=dt.date(2026, 11, 16), end=dt.date(2026, 11, 22))
    month = Period(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30))
    with captured(programme) as statements, programme.read() as session:
        sums = goals.progress_sums(session, ambassador_ids=range(1, 5001), periods=[week, month])
    assert set(sums.values()) == {1}
    [(sql, params)] = only(statements, lambda s: "sum(goal_progress.count)" in s)
    assert PERIOD_SUMS in plan(programme, sql, params)
