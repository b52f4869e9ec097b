"""Goals through the services: periods in the facilitator's timezone, progress sums, rests and
streaks, and every refusal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import GoalPer, MemberCreate
from circlekeeper.services import ambassadors, goals, members
from circlekeeper.services.errors import Conflict, InvalidInput, NotFound
from circlekeeper.services.programme_settings import ProgrammeSettings

UTC = ProgrammeSettings(timezone="UTC")
UTC_SUNDAY = ProgrammeSettings(timezone="UTC", week_start=6)
AUCKLAND_SUNDAY = ProgrammeSettings(timezone="Pacific/Auckland", week_start=6)
LOS_ANGELES = ProgrammeSettings(timezone="America/Los_Angeles")
TODAY = dt.date(2026, 11, 21)
"""The frozen clock's date in UTC: a Saturday (already Sunday the 22nd in Auckland)."""


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@contextmanager
def _on(day: str) -> Iterator[None]:
    """Run a block as if it were noon UTC on `day`, then go back to the frozen test clock."""
    before = clock.now()
    clock.freeze(dt.datetime.combine(_day(day), dt.time(12), tzinfo=dt.UTC))
    try:
        yield
    finally:
        clock.freeze(before)


def _ambassador(
    db: Database, handle: str, *, name: str | None = None, started_on: str = "2025-01-06"
) -> int:
    members.add_member(db, data=MemberCreate(name=name or handle.title(), handle=handle))
    made = ambassadors.add_ambassador(
        db, member_ref=handle, focus=["welcome team"], started_on=_day(started_on), settings=UTC
    )
    return made.id


def _goal(
    db: Database, handle: str, *, since: str, target: int, per: str = "week", **kw: Any
) -> None:
    with _on(since):
        goals.set_goal(
            db,
            ref=handle,
            metric=kw.get("metric", "welcome new members"),
            target=target,
            per=GoalPer(per),
            settings=kw.get("settings", UTC),
        )


def _log(db: Database, handle: str, *days: str, metric: str = "welcome new members") -> None:
    for day in days:
        goals.log_progress(db, ref=handle, metric=metric, count=1, day=_day(day), settings=UTC)


def _streaks(
    db: Database, as_of: str = "2026-11-21", settings: ProgrammeSettings = UTC
) -> tuple[dict[int, int], dict[int, int]]:
    with db.read() as session:
        met = goals.met_streaks(session, as_of=_day(as_of), settings=settings)
        behind = goals.behind_streaks(session, as_of=_day(as_of), settings=settings)
    return met, behind


# --- periods in the facilitator's timezone -----------------------------------------------------


def test_a_goal_starts_at_the_facilitators_week_not_the_utc_one(db: Database) -> None:
    _ambassador(db, "ana")
    _ambassador(db, "bea")
    # Saturday noon in UTC is Sunday 01:00 in Auckland: a new week when weeks start on Sunday.
    in_utc = goals.set_goal(db, ref="ana", metric="start threads", target=2, settings=UTC_SUNDAY)
    in_auckland = goals.set_goal(
        db, ref="bea", metric="start threads", target=2, settings=AUCKLAND_SUNDAY
    )
    assert in_utc.starts_on == _day("2026-11-15")
    assert in_auckland.starts_on == _day("2026-11-22")
    monday = goals.set_goal(db, ref="ana", metric="host an event", target=1, settings=UTC)
    assert monday.starts_on == _day("2026-11-16")
    monthly = goals.set_goal(
        db, ref="ana", metric="answer questions", target=8, per=GoalPer.MONTH, settings=UTC
    )
    assert (monthly.starts_on, monthly.per) == (_day("2026-11-01"), GoalPer.MONTH)


def test_progress_defaults_to_the_facilitators_today(db: Database) -> None:
    _ambassador(db, "ana")
    logged = goals.log_progress(
        db, ref="ana", metric="welcome new members", count=2, settings=AUCKLAND_SUNDAY
    )
    assert logged.day == _day("2026-11-22")
    utc = goals.log_progress(db, ref="ana", metric="welcome new members", count=1, settings=UTC)
    assert utc.day == TODAY


def test_the_week_a_sunday_counts_in_depends_on_the_week_start(db: Database) -> None:
    _ambassador(db, "ana")
    goals.set_goal(db, ref="ana", metric="welcome new members", target=3, settings=UTC)
    _goal(db, "ana", since="2026-11-10", target=3)
    goals.log_progress(
        db, ref="ana", metric="welcome new members", count=2, settings=AUCKLAND_SUNDAY
    )
    _log(db, "ana", "2026-11-16", "2026-11-21")
    [monday_week] = goals.goal_status(db, settings=UTC)
    assert (monday_week.period_start, monday_week.period_end) == (
        _day("2026-11-16"),
        _day("2026-11-22"),
    )
    assert (monday_week.done, monday_week.met) == (4, True)
    [auckland_week] = goals.goal_status(db, settings=AUCKLAND_SUNDAY)
    assert auckland_week.period_start == _day("2026-11-22")
    assert auckland_week.done == 2
    [utc_sunday_week] = goals.goal_status(db, settings=UTC_SUNDAY)
    assert utc_sunday_week.period_start == _day("2026-11-15")
    assert utc_sunday_week.done == 2


def test_los_angeles_is_still_on_sunday_when_utc_is_on_monday(db: Database) -> None:
    _ambassador(db, "ana")
    _goal(db, "ana", since="2026-11-10", target=1)
    clock.freeze(dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC))
    with pytest.raises(InvalidInput, match="2026-11-23 is in the future"):
        goals.log_progress(
            db,
            ref="ana",
            metric="welcome new members",
            count=1,
            day=_day("2026-11-23"),
            settings=LOS_ANGELES,
        )
    logged = goals.log_progress(
        db, ref="ana", metric="welcome new members", count=1, settings=LOS_ANGELES
    )
    assert logged.day == _day("2026-11-22")
    [status] = goals.goal_status(db, settings=LOS_ANGELES)
    assert (status.period_start, status.done, status.met) == (_day("2026-11-16"), 1, True)
    [utc_status] = goals.goal_status(db, settings=UTC)
    assert (utc_status.period_start, utc_status.done) == (_day("2026-11-23"), 0)


def test_goal_status_reads_the_timezone_from_config(db: Database) -> None:
    from circlekeeper.paths import config_file, private_mkdir

    private_mkdir(config_file().parent)
    config_file().write_text('timezone = "Pacific/Auckland"\nweek_starts_on = "sun"\n')
    _ambassador(db, "ana")
    goal = goals.set_goal(db, ref="ana", metric="start threads", target=1)
    assert goal.starts_on == _day("2026-11-22")


# --- progress sums and status ------------------------------------------------------------


def test_progress_sums_only_the_metric_ambassador_and_period(db: Database) -> None:
    _ambassador(db, "ana")
    _ambassador(db, "bea")
    goals.set_goal(db, ref="ana", metric="Welcome new members", target=5, settings=UTC)
    goals.set_goal(db, ref="ana", metric="start threads", target=1, settings=UTC)
    for day, count in (("2026-11-16", 2), ("2026-11-18", 1), ("2026-11-21", 1)):
        goals.log_progress(
            db, ref="ana", metric="WELCOME new members", count=count, day=_day(day), settings=UTC
        )
    goals.log_progress(
        db, ref="ana", metric="welcome new members", count=9, day=_day("2026-11-15"), settings=UTC
    )
    goals.log_progress(db, ref="bea", metric="welcome new members", count=7, settings=UTC)
    goals.log_progress(db, ref="ana", metric="answer questions", count=3, settings=UTC)
    statuses = goals.goal_status(db, settings=UTC)
    assert [(s.metric, s.done, s.target, s.met, s.due) for s in statuses] == [
        ("start threads", 0, 1, False, True),
        ("Welcome new members", 4, 5, False, True),
    ]


def test_a_monthly_goal_sums_the_calendar_month(db: Database) -> None:
    _ambassador(db, "ana")
    goals.set_goal(db, ref="ana", metric="host an event", target=2, per=GoalPer.MONTH, settings=UTC)
    _log(db, "ana", "2026-10-31", "2026-11-01", "2026-11-20", metric="host an event")
    [status] = goals.goal_status(db, settings=UTC)
    assert (status.period_start, status.period_end) == (_day("2026-11-01"), _day("2026-11-30"))
    assert (status.done, status.met) == (2, True)


def test_goal_status_orders_by_member_name_then_metric_and_skips_alumni(db: Database) -> None:
    for handle, name in (("z", "Zoë"), ("a", "Ámbar"), ("b", "bo"), ("gone", "Al")):
        _ambassador(db, handle, name=name)
        for metric in ("start threads", "answer questions"):
            goals.set_goal(db, ref=handle, metric=metric, target=1, settings=UTC)
    ambassadors.retire_ambassador(db, ref="gone", settings=UTC)
    statuses = goals.goal_status(db, settings=UTC)
    assert [(s.member_name, s.metric) for s in statuses] == [
        ("Ámbar", "answer questions"),
        ("Ámbar", "start threads"),
        ("bo", "answer questions"),
        ("bo", "start threads"),
        ("Zoë", "answer questions"),
        ("Zoë", "start threads"),
    ]
    assert [s.member_name for s in goals.goal_status(db, ref="b", settings=UTC)] == ["bo", "bo"]


def test_goal_status_of_an_earlier_day_uses_the_goals_of_then(db: Database) -> None:
    _ambassador(db, "ana")
    _goal(db, "ana", since="2026-10-14", target=2)
    goals.set_goal(db, ref="ana", metric="welcome new members", target=4, settings=UTC)
    _log(db, "ana", "2026-10-13", "2026-10-14")
    [then] = goals.goal_status(db, day=_day("2026-10-15"), settings=UTC)
    assert (then.target, then.done, then.met) == (2, 2, True)
    [now] = goals.goal_status(db, settings=UTC)
    assert (now.target, now.done) == (4, 0)


def test_goal_status_sums_with_one_query_over_goal_progress(db: Database) -> None:
    for handle in ("ana", "bea", "cy", "dev"):
        _ambassador(db, handle)
        goals.set_goal(db, ref=handle, metric="start threads", target=1, settings=UTC)
        goals.set_goal(
            db, ref=handle, metric="host an event", target=1, per=GoalPer.MONTH, settings=UTC
        )
        _log(db, handle, "2026-11-20", metric="start threads")
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        statuses = goals.goal_status(db, settings=UTC)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert len(statuses) == 8
    assert sum(1 for s in statuses if s.met) == 4
    progress_queries = [s for s in statements if "FROM goal_progress" in s]
    assert len(progress_queries) == 1
    assert "GROUP BY" in progress_queries[0]


def test_current_goal_statuses_answers_for_every_id(db: Database) -> None:
    ana = _ambassador(db, "ana")
    bea = _ambassador(db, "bea")
    goals.set_goal(db, ref="ana", metric="start threads", target=1, settings=UTC)
    with db.read() as session:
        found = goals.current_goal_statuses(
            session, ambassador_ids=[ana, bea], today=TODAY, settings=UTC
        )
    assert [s.metric for s in found[ana]] == ["start threads"]
    assert found[bea] == []


# --- rests ---------------------------------------------------------------------------------


def test_a_resting_week_has_no_goals_due(db: Database) -> None:
    _ambassador(db, "ana")
    _ambassador(db, "bea")
    _goal(db, "ana", since="2026-11-02", target=1)
    _goal(db, "bea", since="2026-11-02", target=1)
    ambassadors.rest_ambassador(
        db, ref="ana", starts_on=_day("2026-11-18"), until=_day("2026-11-30"), settings=UTC
    )
    # Three days of rest out of seven leave the week due.
    ambassadors.rest_ambassador(
        db, ref="bea", starts_on=_day("2026-11-10"), until=_day("2026-11-12"), settings=UTC
    )
    [ana] = goals.goal_status(db, ref="ana", settings=UTC)
    assert (ana.due, ana.met) == (False, False)
    [bea] = goals.goal_status(db, ref="bea", settings=UTC)
    assert bea.due is True
    [bea_then] = goals.goal_status(db, ref="bea", day=_day("2026-11-11"), settings=UTC)
    assert bea_then.due is True


def test_a_rest_from_saturday_leaves_this_week_due_and_frees_the_next(db: Database) -> None:
    _ambassador(db, "ana")
    goals.set_goal(db, ref="ana", metric="start threads", target=1, settings=UTC)
    ambassadors.rest_ambassador(db, ref="ana", until=_day("2026-11-30"), settings=UTC)
    [this_week] = goals.goal_status(db, settings=UTC)
    assert this_week.due is True
    [next_week] = goals.goal_status(db, day=_day("2026-11-25"), settings=UTC)
    assert next_week.due is False
    [december] = goals.goal_status(db, day=_day("2026-12-01"), settings=UTC)
    assert december.due is True


def test_periods_outside_service_are_not_due(db: Database) -> None:
    _ambassador(db, "ana", started_on="2026-11-20")
    goals.set_goal(db, ref="ana", metric="start threads", target=1, settings=UTC)
    [status] = goals.goal_status(db, settings=UTC)
    assert status.due is True
    [before] = goals.goal_status(db, day=_day("2026-11-25"), settings=UTC)
    assert before.period_start == _day("2026-11-23")


# --- streaks -------------------------------------------------------------------------------


def test_a_rest_week_neither_breaks_nor_extends_a_streak(db: Database) -> None:
    ana = _ambassador(db, "ana")
    _goal(db, "ana", since="2026-10-14", target=2)
    _log(db, "ana", "2026-10-12", "2026-10-13")  # week of Oct 12: met
    _log(db, "ana", "2026-10-19")  # week of Oct 19: missed
    ambassadors.rest_ambassador(
        db, ref="ana", starts_on=_day("2026-10-26"), until=_day("2026-11-01"), settings=UTC
    )
    _log(db, "ana", "2026-11-02", "2026-11-03", "2026-11-04")  # met
    _log(db, "ana", "2026-11-09", "2026-11-15")  # met
    _log(db, "ana", "2026-11-16")  # this week: unfinished, not counted
    met, behind = _streaks(db)
    assert (met[ana], behind[ana]) == (2, 0)
    met, behind = _streaks(db, as_of="2026-11-02")
    assert (met[ana], behind[ana]) == (0, 1)
    met, behind = _streaks(db, as_of="2026-10-20")
    assert (met[ana], behind[ana]) == (1, 0)


def test_behind_three_periods_in_a_row_across_a_rest(db: Database) -> None:
    ana = _ambassador(db, "ana")
    _goal(db, "ana", since="2026-10-12", target=1)
    _log(db, "ana", "2026-10-12")
    ambassadors.rest_ambassador(
        db, ref="ana", starts_on=_day("2026-11-02"), until=_day("2026-11-06"), settings=UTC
    )
    met, behind = _streaks(db)
    assert (met[ana], behind[ana]) == (0, 3)


def test_weeks_before_a_goal_started_do_not_count(db: Database) -> None:
    ana = _ambassador(db, "ana")
    bea = _ambassador(db, "bea")
    _goal(db, "ana", since="2026-11-03", target=1)
    _log(db, "ana", "2026-11-03", "2026-11-10")
    met, behind = _streaks(db)
    assert (met[ana], behind[ana]) == (2, 0)
    assert (met[bea], behind[bea]) == (0, 0)


def test_a_replaced_goal_judges_each_week_by_the_target_of_then(db: Database) -> None:
    ana = _ambassador(db, "ana")
    _goal(db, "ana", since="2026-10-19", target=2)
    _log(db, "ana", "2026-10-19", "2026-10-20", "2026-10-26", "2026-10-27")
    _goal(db, "ana", since="2026-11-04", target=3)
    _log(db, "ana", "2026-11-02", "2026-11-03", "2026-11-04", "2026-11-09", "2026-11-10")
    met, behind = _streaks(db)
    assert (met[ana], behind[ana]) == (0, 1)
    met, _ = _streaks(db, as_of="2026-11-10")
    assert met[ana] == 3


def test_an_ended_goal_leaves_later_weeks_undue(db: Database) -> None:
    ana = _ambassador(db, "ana")
    _goal(db, "ana", since="2026-10-19", target=1)
    _log(db, "ana", "2026-10-19", "2026-10-26")
    with _on("2026-11-04"):
        ended = goals.end_goal(db, ref="ana", metric="welcome new members", settings=UTC)
    assert ended.ends_on == _day("2026-11-01")
    met, behind = _streaks(db)
    assert (met[ana], behind[ana]) == (2, 0)


def test_the_week_start_changes_which_weeks_were_met(db: Database) -> None:
    ana = _ambassador(db, "ana")
    _goal(db, "ana", since="2026-11-01", target=1, settings=UTC_SUNDAY)
    _log(db, "ana", "2026-11-08", "2026-11-15")
    assert _streaks(db)[0][ana] == 2
    assert _streaks(db, settings=UTC_SUNDAY)[0][ana] == 1


def test_monthly_goals_alone_are_judged_month_by_month(db: Database) -> None:
    ana = _ambassador(db, "ana")
    _goal(db, "ana", since="2026-08-10", target=2, per="month")
    _log(db, "ana", "2026-08-03", "2026-08-30", "2026-09-01", "2026-09-30", "2026-10-05")
    met, behind = _streaks(db)
    assert (met[ana], behind[ana]) == (0, 1)
    _log(db, "ana", "2026-10-31")
    met, behind = _streaks(db)
    assert (met[ana], behind[ana]) == (3, 0)


def test_a_monthly_goal_in_a_mixed_set_counts_in_the_week_its_month_ends(db: Database) -> None:
    ana = _ambassador(db, "ana")
    _goal(db, "ana", since="2026-10-07", target=1, metric="start threads")
    _goal(db, "ana", since="2026-10-07", target=3, per="month")
    _log(db, "ana", "2026-10-05", "2026-10-12", "2026-10-19", "2026-10-26", metric="start threads")
    _log(db, "ana", "2026-11-02", "2026-11-09", metric="start threads")
    _log(db, "ana", "2026-10-02", "2026-10-20")
    met, behind = _streaks(db)
    # October (2 of 3) ends in the week of Oct 26, which is therefore missed.
    assert (met[ana], behind[ana]) == (2, 0)
    _log(db, "ana", "2026-10-30")
    met, _ = _streaks(db)
    assert met[ana] == 6


def test_streaks_look_back_at_most_52_periods(db: Database) -> None:
    ana = _ambassador(db, "ana", started_on="2025-06-02")
    _goal(db, "ana", since="2025-06-04", target=1)
    day = _day("2025-06-02")
    while day < _day("2026-11-16"):
        goals.log_progress(
            db, ref="ana", metric="welcome new members", count=1, day=day, settings=UTC
        )
        day += dt.timedelta(days=7)
    met, _ = _streaks(db)
    assert met[ana] == 52


def test_a_long_behind_streak_is_counted_past_the_first_pass(db: Database) -> None:
    ana = _ambassador(db, "ana")
    bea = _ambassador(db, "bea")
    for handle in ("ana", "bea"):
        _goal(db, handle, since="2026-08-12", target=1)
    _log(db, "ana", "2026-08-10", "2026-08-17", "2026-08-24", "2026-09-01")
    _log(db, "bea", "2026-08-10", "2026-11-10")
    met, behind = _streaks(db)
    # Ana met four weeks from Aug 10, then missed the ten weeks from Sep 7 to Nov 15.
    assert (met[ana], behind[ana]) == (0, 10)
    assert (met[bea], behind[bea]) == (1, 0)


def test_streaks_cover_the_ids_asked_for_and_leave_alumni_out_by_default(db: Database) -> None:
    ana = _ambassador(db, "ana")
    gone = _ambassador(db, "gone")
    for handle in ("ana", "gone"):
        _goal(db, handle, since="2026-11-10", target=1)
        _log(db, handle, "2026-11-10")
    ambassadors.retire_ambassador(db, ref="gone", settings=UTC)
    met, _ = _streaks(db)
    assert met == {ana: 1}
    with db.read() as session:
        asked = goals.met_streaks(
            session, as_of=TODAY, settings=UTC, ambassador_ids=[gone, ana, 999]
        )
    assert asked == {ana: 1, gone: 1, 999: 0}


# --- setting, ending, logging, refusals ----------------------------------------------------


def test_a_new_target_ends_the_old_goal_the_day_before_this_period(db: Database) -> None:
    ana = _ambassador(db, "ana")
    _goal(db, "ana", since="2026-11-04", target=2)
    new = goals.set_goal(db, ref="ana", metric="welcome new members", target=3, settings=UTC)
    assert (new.starts_on, new.ends_on, new.target) == (_day("2026-11-16"), None, 3)
    with db.read() as session:
        detail_goals = sorted(
            (g.starts_on, g.ends_on, g.target)
            for g in goals.load_goals(
                session,
                goals.col(goals.Ambassador.id) == ana,
                first=_day("2026-01-01"),
                last=_day("2026-12-31"),
            )
        )
    assert detail_goals == [
        (_day("2026-11-02"), _day("2026-11-15"), 2),
        (_day("2026-11-16"), None, 3),
    ]


def test_a_second_target_in_the_same_period_replaces_the_first(db: Database) -> None:
    _ambassador(db, "ana")
    first = goals.set_goal(db, ref="ana", metric="start threads", target=2, settings=UTC)
    again = goals.set_goal(db, ref="ana", metric="Start Threads", target=2, settings=UTC)
    assert again == first
    second = goals.set_goal(db, ref="ana", metric="start threads", target=4, settings=UTC)
    assert (second.target, second.starts_on) == (4, first.starts_on)
    detail = ambassadors.ambassador_detail(db, ref="ana", settings=UTC)
    assert [(g.metric, g.target) for g in detail.all_goals] == [("start threads", 4)]


def test_end_goal_deletes_a_goal_that_began_this_period(db: Database) -> None:
    _ambassador(db, "ana")
    goals.set_goal(db, ref="ana", metric="start threads", target=2, settings=UTC)
    ended = goals.end_goal(db, ref="ana", metric="start threads", settings=UTC)
    assert ended.ends_on == _day("2026-11-15")
    assert goals.goal_status(db, settings=UTC) == []
    with pytest.raises(NotFound, match="no current goal for 'start threads'"):
        goals.end_goal(db, ref="ana", metric="start threads", settings=UTC)


@pytest.mark.parametrize(
    ("metric", "target", "per", "error"),
    [
        ("", 1, "week", "metric"),
        ("   ", 1, "week", "metric"),
        ("x" * 61, 1, "week", "metric"),
        ("start threads", 0, "week", "target"),
        ("start threads", -2, "week", "target"),
        ("start threads", 1001, "week", "target"),
        ("start threads", True, "week", "target"),
        ("start threads", 2.5, "week", "target"),
        ("start threads", 1, "fortnight", "per"),
    ],
)
def test_set_goal_refuses_bad_input(
    db: Database, metric: str, target: Any, per: Any, error: str
) -> None:
    _ambassador(db, "ana")
    with pytest.raises(InvalidInput, match=error):
        goals.set_goal(db, ref="ana", metric=metric, target=target, per=per, settings=UTC)


def test_set_goal_cleans_the_metric_and_keeps_sixty_characters(db: Database) -> None:
    _ambassador(db, "ana")
    goal = goals.set_goal(
        db, ref="ana", metric="  \x1b[31mWelcome\nnewcomers ", target=1, settings=UTC
    )
    assert goal.metric == "Welcome newcomers"
    long = goals.set_goal(db, ref="ana", metric="y" * 60, target=1000, settings=UTC)
    assert len(long.metric) == 60


def test_set_goal_refuses_alumni_non_ambassadors_and_strangers(db: Database) -> None:
    _ambassador(db, "ana")
    members.add_member(db, data=MemberCreate(name="Plain", handle="plain"))
    ambassadors.retire_ambassador(db, ref="ana", settings=UTC)
    with pytest.raises(Conflict, match="alumni"):
        goals.set_goal(db, ref="ana", metric="start threads", target=1, settings=UTC)
    with pytest.raises(NotFound, match="not an ambassador"):
        goals.set_goal(db, ref="plain", metric="start threads", target=1, settings=UTC)
    with pytest.raises(NotFound, match="no member matches"):
        goals.set_goal(db, ref="nobody", metric="start threads", target=1, settings=UTC)


def test_log_progress_records_who_and_keeps_the_goals_spelling(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "sam")
    _ambassador(db, "ana")
    goals.set_goal(db, ref="ana", metric="Welcome new members", target=1, settings=UTC)
    logged = goals.log_progress(
        db,
        ref="ana",
        metric="welcome NEW members",
        count=3,
        note="  met \x1b[2Jthree [b]new[/b] folks ",
        settings=UTC,
    )
    assert (logged.metric, logged.by, logged.note, logged.count) == (
        "Welcome new members",
        "sam",
        "met three [b]new[/b] folks",
        3,
    )
    assert logged.member_name == "Ana"
    free = goals.log_progress(db, ref="ana", metric="Hosted a picnic", count=1, settings=UTC)
    assert free.metric == "Hosted a picnic"


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"count": 0}, "count"),
        ({"count": 10_001}, "count"),
        ({"count": True}, "count"),
        ({"metric": ""}, "metric"),
        ({"note": "n" * 501}, "note"),
        ({"day": dt.date(2026, 11, 22)}, "in the future"),
        ({"day": dt.date(2024, 12, 31)}, "became an ambassador on 2025-01-06"),
    ],
)
def test_log_progress_refuses_bad_input(db: Database, changes: dict[str, Any], error: str) -> None:
    _ambassador(db, "ana")
    values: dict[str, Any] = {"metric": "start threads", "count": 1} | changes
    with pytest.raises(InvalidInput, match=error):
        goals.log_progress(db, ref="ana", settings=UTC, **values)


def test_log_progress_refuses_days_after_retiring(db: Database) -> None:
    _ambassador(db, "ana")
    with _on("2026-11-10"):
        ambassadors.retire_ambassador(db, ref="ana", settings=UTC)
    with pytest.raises(Conflict, match="alumni since 2026-11-10"):
        goals.log_progress(db, ref="ana", metric="start threads", count=1, settings=UTC)
    kept = goals.log_progress(
        db, ref="ana", metric="start threads", count=1, day=_day("2026-11-09"), settings=UTC
    )
    assert kept.day == _day("2026-11-09")


def test_progress_history_is_newest_first_and_limited(db: Database) -> None:
    ana = _ambassador(db, "ana")
    _log(db, "ana", "2026-11-02", "2026-11-20", "2026-11-10")
    goals.log_progress(
        db, ref="ana", metric="start threads", count=2, day=_day("2026-11-20"), settings=UTC
    )
    with db.read() as session:
        history = goals.progress_history(session, ana)
        short = goals.progress_history(session, ana, limit=2)
    assert [(p.day, p.metric) for p in history] == [
        (_day("2026-11-20"), "start threads"),
        (_day("2026-11-20"), "welcome new members"),
        (_day("2026-11-10"), "welcome new members"),
        (_day("2026-11-02"), "welcome new members"),
    ]
    assert short == history[:2]


@pytest.mark.parametrize("seed", range(6))
def test_streaks_agree_with_a_week_by_week_count(db: Database, seed: int) -> None:
    import random

    from circlekeeper.algorithms.goal_periods import WEEK, is_rest_period, period_of
    from circlekeeper.models import AmbassadorRest, Goal, GoalProgress

    rng = random.Random(seed)
    ids = [_ambassador(db, f"p{n}") for n in range(6)]
    moment = clock.now()
    plans: dict[int, tuple[dt.date, int, list[tuple[dt.date, dt.date]], dict[dt.date, int]]] = {}
    with db.write() as session:
        for ambassador_id in ids:
            start = period_of(TODAY - dt.timedelta(weeks=rng.randint(1, 70)), WEEK).start
            target = rng.randint(1, 3)
            session.add(
                Goal(
                    ambassador_id=ambassador_id,
                    metric="m",
                    metric_key="m",
                    target=target,
                    starts_on=start,
                    created_at=moment,
                )
            )
            rests = []
            for _ in range(rng.randint(0, 3)):
                first = TODAY - dt.timedelta(days=rng.randint(0, 400))
                last = first + dt.timedelta(days=rng.randint(0, 20))
                if any(a <= last and b >= first for a, b in rests):
                    continue
                rests.append((first, last))
                session.add(
                    AmbassadorRest(
                        ambassador_id=ambassador_id,
                        starts_on=first,
                        ends_on=last,
                        created_at=moment,
                    )
                )
            done: dict[dt.date, int] = {}
            keen = rng.random()
            for offset in range(1, 500):
                day = TODAY - dt.timedelta(days=offset)
                if rng.random() < keen / 2:
                    count = rng.randint(1, 2)
                    done[day] = count
                    session.add(
                        GoalProgress(
                            ambassador_id=ambassador_id,
                            metric="m",
                            metric_key="m",
                            day=day,
                            count=count,
                            created_at=moment,
                        )
                    )
            plans[ambassador_id] = (start, target, rests, done)
    met, behind = _streaks(db)
    for ambassador_id, (start, target, rests, done) in plans.items():
        outcomes = []
        week = period_of(period_of(TODAY, WEEK).start - dt.timedelta(days=1), WEEK)
        for _ in range(52):
            if week.end < start:
                break
            if not is_rest_period(week, rests):
                total = sum(c for d, c in done.items() if week.contains(d))
                outcomes.append(total >= target)
            week = period_of(week.start - dt.timedelta(days=1), WEEK)
        leading_met = next((i for i, o in enumerate(outcomes) if not o), len(outcomes))
        leading_behind = next((i for i, o in enumerate(outcomes) if o), len(outcomes))
        assert (met[ambassador_id], behind[ambassador_id]) == (leading_met, leading_behind)


def test_a_backdated_goal_starts_in_the_period_of_its_day_and_counts_history(
    db: Database,
) -> None:
    ana = _ambassador(db, "ana")
    goal = goals.set_goal(
        db, ref="ana", metric="start threads", target=1, settings=UTC, starts_on=_day("2026-10-28")
    )
    assert goal.starts_on == _day("2026-10-26")
    _log(db, "ana", "2026-10-28", "2026-11-04", "2026-11-11", metric="start threads")
    met, behind = _streaks(db)
    assert (met[ana], behind[ana]) == (3, 0)


@pytest.mark.parametrize(
    ("starts_on", "error", "message"),
    [
        ("2026-11-30", InvalidInput, "in the future"),
        ("2024-12-01", InvalidInput, "cannot start before"),
    ],
)
def test_a_backdated_goal_is_refused_outside_the_ambassadors_time(
    db: Database, starts_on: str, error: type[Exception], message: str
) -> None:
    _ambassador(db, "ana")
    with pytest.raises(error, match=message):
        goals.set_goal(
            db, ref="ana", metric="start threads", target=1, settings=UTC, starts_on=_day(starts_on)
        )


def test_an_existing_goal_cannot_be_backdated(db: Database) -> None:
    _ambassador(db, "ana")
    goals.set_goal(db, ref="ana", metric="start threads", target=1, settings=UTC)
    with pytest.raises(Conflict, match="already has a goal"):
        goals.set_goal(
            db,
            ref="ana",
            metric="start threads",
            target=2,
            settings=UTC,
            starts_on=_day("2026-11-02"),
        )
