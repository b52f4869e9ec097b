"""Sessions through the service: planning a rhythm, re-planning, recording, status changes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from tests.sql_capture import captured, is_select, only

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import CheckInCreate, CircleCreate, CircleUpdate, MemberCreate, SessionRead
from circlekeeper.models.enums import Attendance, CircleStatus, SessionStatus
from circlekeeper.services import checkins, circles, members, rituals, sessions
from circlekeeper.services.errors import Conflict, InvalidInput, NotFound, StaleEdit

BERLIN = "Europe/Berlin"


def _circle(db: Database, name: str = "Builders", **fields: Any) -> int:
    values: dict[str, Any] = {
        "weekday": "tue",
        "meeting_time": "18:30",
        "timezone": BERLIN,
        **fields,
    }
    return circles.create_circle(db, data=CircleCreate(name=name, **values)).id


def _member(db: Database, handle: str, circle: str | None = "Builders") -> int:
    member = members.add_member(db, data=MemberCreate(name=handle.title(), handle=handle))
    if circle is not None:
        circles.add_member_to_circle(db, circle_ref=circle, member_ref=member.id)
    return member.id


def _days(plan_or_list: Any) -> list[dt.date]:
    items = plan_or_list.added if hasattr(plan_or_list, "added") else plan_or_list
    return [s.local_date for s in items]


# expanding a rhythm through the service


def test_weekly_meetings_stay_at_local_time_across_the_spring_change(db: Database) -> None:
    _circle(db)

    plan = sessions.plan_sessions(db, circle_ref="Builders", until=dt.date(2027, 4, 6))

    by_day = {s.local_date: s for s in plan.added}
    assert {s.local_start.strftime("%a %H:%M") for s in plan.added} == {"Tue 18:30"}
    assert by_day[dt.date(2027, 3, 23)].starts_at.time() == dt.time(17, 30)
    assert by_day[dt.date(2027, 3, 30)].starts_at.time() == dt.time(16, 30)
    assert _days(plan)[0] == dt.date(2026, 11, 24)
    assert _days(plan)[-1] == dt.date(2027, 4, 6)
    assert all(s.status == SessionStatus.PLANNED and s.timezone == BERLIN for s in plan.added)


def test_weekly_meetings_stay_at_local_time_across_the_autumn_change(db: Database) -> None:
    _circle(db)
    clock.freeze(dt.datetime(2027, 10, 9, 12, tzinfo=dt.UTC))

    plan = sessions.plan_sessions(db, circle_ref="Builders", until=dt.date(2027, 11, 9))

    assert _days(plan) == [
        dt.date(2027, 10, 12),
        dt.date(2027, 10, 19),
        dt.date(2027, 10, 26),
        dt.date(2027, 11, 2),
        dt.date(2027, 11, 9),
    ]
    assert [s.starts_at.hour for s in plan.added] == [16, 16, 16, 17, 17]
    assert {(s.local_start.hour, s.local_start.minute) for s in plan.added} == {(18, 30)}


def test_monthly_on_the_fifth_monday_skips_months_without_one(db: Database) -> None:
    _circle(db, "Fifth", cadence="monthly", weekday="mon", week_of_month=5)

    plan = sessions.plan_sessions(db, circle_ref="Fifth", until=dt.date(2027, 12, 31))

    assert _days(plan) == [
        dt.date(2026, 11, 30),
        dt.date(2027, 3, 29),
        dt.date(2027, 5, 31),
        dt.date(2027, 8, 30),
        dt.date(2027, 11, 29),
    ]


def test_monthly_on_the_last_friday_follows_month_ends(db: Database) -> None:
    _circle(db, "Last", cadence="monthly", weekday="fri", week_of_month=-1)

    plan = sessions.plan_sessions(db, circle_ref="Last", count=4)

    assert _days(plan) == [
        dt.date(2026, 11, 27),
        dt.date(2026, 12, 25),
        dt.date(2027, 1, 29),
        dt.date(2027, 2, 26),
    ]


def test_skipped_days_are_left_out_and_the_count_takes_the_next_meeting(db: Database) -> None:
    _circle(db)

    plan = sessions.plan_sessions(
        db, circle_ref="Builders", count=3, skip=[dt.date(2026, 12, 1), dt.date(2026, 12, 29)]
    )

    assert _days(plan) == [dt.date(2026, 11, 24), dt.date(2026, 12, 8), dt.date(2026, 12, 15)]


def test_the_circles_end_date_and_until_bound_the_plan(db: Database) -> None:
    _circle(db, starts_on=dt.date(2026, 12, 1), ends_on=dt.date(2026, 12, 22))
    _circle(db, "Open ended")

    bounded = sessions.plan_sessions(db, circle_ref="Builders", count=10)
    until = sessions.plan_sessions(db, circle_ref="Open ended", until=dt.date(2026, 12, 8))

    assert _days(bounded) == [dt.date(2026, 12, d) for d in (1, 8, 15, 22)]
    assert _days(until) == [dt.date(2026, 11, 24), dt.date(2026, 12, 1), dt.date(2026, 12, 8)]


def test_without_an_end_eight_weeks_are_planned(db: Database) -> None:
    _circle(db)

    plan = sessions.plan_sessions(db, circle_ref="Builders")

    assert len(plan.added) == 8
    assert _days(plan)[-1] <= dt.date(2026, 11, 21) + dt.timedelta(weeks=8)


def test_a_meeting_earlier_today_that_has_passed_is_not_planned(db: Database) -> None:
    _circle(db, weekday="sat", meeting_time="09:00", timezone="UTC")

    plan = sessions.plan_sessions(db, circle_ref="Builders", count=1)

    assert _days(plan) == [dt.date(2026, 11, 28)]


def test_explicit_dates_need_no_end_and_replace_the_rhythm(db: Database) -> None:
    _circle(db)
    sessions.plan_sessions(db, circle_ref="Builders", count=2)

    plan = sessions.plan_sessions(
        db, circle_ref="Builders", dates=[dt.date(2026, 12, 3), dt.date(2026, 12, 17)]
    )

    assert _days(plan) == [dt.date(2026, 12, 3), dt.date(2026, 12, 17)]
    assert plan.removed == 2
    assert plan.added[0].local_start.time() == dt.time(18, 30)


def test_explicit_dates_work_for_a_circle_without_a_meeting_day(db: Database) -> None:
    circles.create_circle(db, data=CircleCreate(name="Loose"))

    plan = sessions.plan_sessions(db, circle_ref="Loose", dates=[dt.date(2026, 12, 3)])

    assert _days(plan) == [dt.date(2026, 12, 3)]
    assert plan.added[0].local_start.time() == dt.time(18, 0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"until": dt.date(2026, 11, 1)}, "the end date 2026-11-01 is in the past"),
        ({"dates": [dt.date(2026, 11, 2)]}, "2026-11-02 is in the past"),
        ({"count": 0}, "count must be at least 1"),
        ({"count": 1001}, "at most 1,000 meetings"),
    ],
    ids=["until past", "date past", "count zero", "count huge"],
)
def test_planning_refuses_impossible_requests(
    db: Database, kwargs: dict[str, Any], message: str
) -> None:
    _circle(db)

    with pytest.raises(InvalidInput, match=message):
        sessions.plan_sessions(db, circle_ref="Builders", **kwargs)

    assert sessions.list_sessions(db) == []


def test_planning_needs_a_meeting_day_and_an_open_circle(db: Database) -> None:
    circles.create_circle(db, data=CircleCreate(name="No day"))
    _circle(db)
    circles.set_circle_status(db, ref="Builders", status=CircleStatus.CLOSED)

    with pytest.raises(InvalidInput, match="has no meeting day"):
        sessions.plan_sessions(db, circle_ref="No day", count=2)
    with pytest.raises(Conflict, match="is closed"):
        sessions.plan_sessions(db, circle_ref="Builders", count=2)
    with pytest.raises(NotFound):
        sessions.plan_sessions(db, circle_ref="Nobody", count=2)


def test_new_sessions_take_the_circles_ritual(db: Database) -> None:
    ritual = rituals.get_ritual(db, ref="Rose · Bud · Thorn")
    _circle(db, ritual_id=ritual.id)

    plan = sessions.plan_sessions(db, circle_ref="Builders", count=1)
    detail = sessions.get_session(db, session_id=plan.added[0].id)

    assert plan.added[0].ritual_name == "Rose · Bud · Thorn"
    assert detail.prompts == ritual.prompts
    assert detail.timebox_minutes == ritual.timebox_minutes


# re-planning


def test_replanning_after_a_cadence_change_keeps_what_was_recorded(db: Database) -> None:
    _circle(db)
    ana = _member(db, "ana")
    held = sessions.record_session(db, circle_ref="Builders", day=dt.date(2026, 11, 17))
    first, second, third, fourth = sessions.plan_sessions(db, circle_ref="Builders", count=4).added
    sessions.set_session_status(
        db, session_id=second.id, status=SessionStatus.CANCELLED, reason="holiday"
    )
    checkins.add_checkin(
        db, session_id=third.id, member_ref=ana, data=CheckInCreate(attendance="excused")
    )
    circles.edit_circle(db, ref="Builders", changes=CircleUpdate(weekday="thu"))

    plan = sessions.plan_sessions(db, circle_ref="Builders", count=4)

    assert plan.removed == 2
    assert plan.kept == 2
    assert _days(plan) == [dt.date(2026, 11, 26)] + [dt.date(2026, 12, d) for d in (3, 10, 17)]
    remaining = {s.local_date: s.status for s in sessions.list_sessions(db, circle_ref="Builders")}
    assert remaining[held.local_date] == SessionStatus.HELD
    assert remaining[second.local_date] == SessionStatus.CANCELLED
    assert remaining[third.local_date] == SessionStatus.PLANNED
    assert first.local_date not in remaining
    assert fourth.local_date not in remaining
    assert len(remaining) == 7


def test_replanning_the_same_rhythm_changes_nothing(db: Database) -> None:
    _circle(db)
    before = sessions.plan_sessions(db, circle_ref="Builders", count=5)

    again = sessions.plan_sessions(db, circle_ref="Builders", count=5)

    assert (len(again.added), again.removed, again.kept) == (0, 0, 5)
    assert [s.id for s in sessions.list_sessions(db)] == [s.id for s in before.added]


def test_every_other_week_keeps_its_phase_when_planned_again_a_week_later(db: Database) -> None:
    _circle(db, cadence="every-n-weeks", cadence_interval=2)
    first = sessions.plan_sessions(db, circle_ref="Builders", count=3)
    clock.freeze(dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC))

    again = sessions.plan_sessions(db, circle_ref="Builders", count=3)

    assert _days(first) == [dt.date(2026, 11, 24), dt.date(2026, 12, 8), dt.date(2026, 12, 22)]
    assert again.removed == 0
    assert _days(again) == [dt.date(2027, 1, 5)]


def test_every_other_week_follows_the_circles_start_date(db: Database) -> None:
    _circle(db, cadence="every-n-weeks", cadence_interval=2, starts_on=dt.date(2026, 11, 3))

    plan = sessions.plan_sessions(db, circle_ref="Builders", count=2)

    assert _days(plan) == [dt.date(2026, 12, 1), dt.date(2026, 12, 15)]


def test_skipping_a_planned_day_removes_that_meeting(db: Database) -> None:
    _circle(db)
    sessions.plan_sessions(db, circle_ref="Builders", until=dt.date(2026, 12, 15))

    plan = sessions.plan_sessions(
        db, circle_ref="Builders", until=dt.date(2026, 12, 15), skip=[dt.date(2026, 12, 8)]
    )

    assert (len(plan.added), plan.removed, plan.kept) == (0, 1, 3)
    assert dt.date(2026, 12, 8) not in _days(sessions.list_sessions(db))


# listing


def test_upcoming_sessions_across_circles_come_from_one_query(db: Database) -> None:
    for name in ("Alpha", "Beta", "Gamma", "Delta"):
        _circle(db, name)
        sessions.plan_sessions(db, circle_ref=name, count=3)

    with captured(db) as statements:
        upcoming = sessions.upcoming_sessions(db, days=7)
    with captured(db) as listed_statements:
        listed = sessions.list_sessions(db, start=dt.date(2026, 11, 21))

    assert len(only(statements, is_select)) == 1
    assert len(only(listed_statements, is_select)) == 1
    assert {s.circle_name for s in upcoming} == {"Alpha", "Beta", "Gamma", "Delta"}
    assert len(listed) == 12
    assert [s.starts_at for s in listed] == sorted(s.starts_at for s in listed)


def test_list_filters_by_circle_dates_and_status(db: Database) -> None:
    _circle(db)
    _circle(db, "Other", weekday="wed")
    planned = sessions.plan_sessions(db, circle_ref="Builders", count=4).added
    sessions.plan_sessions(db, circle_ref="Other", count=4)
    sessions.set_session_status(
        db, session_id=planned[1].id, status=SessionStatus.CANCELLED, reason="holiday"
    )

    one_circle = sessions.list_sessions(db, circle_ref="Builders")
    december = sessions.list_sessions(db, start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 9))
    cancelled = sessions.list_sessions(db, status=SessionStatus.CANCELLED)
    window = sessions.list_sessions(db, limit=3, offset=2)

    assert {s.circle_name for s in one_circle} == {"Builders"}
    assert _days(december) == [
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 2),
        dt.date(2026, 12, 8),
        dt.date(2026, 12, 9),
    ]
    assert [s.id for s in cancelled] == [planned[1].id]
    assert len(window) == 3


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"limit": 0}, "limit"), ({"limit": 1001}, "limit"), ({"offset": -1}, "offset")],
)
def test_list_refuses_a_bad_window(db: Database, kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        sessions.list_sessions(db, **kwargs)


def test_a_missing_session_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound, match="no session #99"):
        sessions.get_session(db, session_id=99)


# status changes


def test_cancel_needs_a_reason_and_can_be_undone(db: Database) -> None:
    _circle(db)
    session = sessions.plan_sessions(db, circle_ref="Builders", count=1).added[0]

    with pytest.raises(InvalidInput, match="say why"):
        sessions.set_session_status(db, session_id=session.id, status=SessionStatus.CANCELLED)
    with pytest.raises(InvalidInput, match="say why"):
        sessions.set_session_status(
            db, session_id=session.id, status=SessionStatus.CANCELLED, reason="  \x1b[2J "
        )
    cancelled = sessions.set_session_status(
        db, session_id=session.id, status=SessionStatus.CANCELLED, reason="public\nholiday"
    )
    restored = sessions.set_session_status(db, session_id=session.id, status=SessionStatus.PLANNED)

    assert (cancelled.status, cancelled.reason, cancelled.version) == (
        SessionStatus.CANCELLED,
        "public holiday",
        2,
    )
    assert (restored.status, restored.reason) == (SessionStatus.PLANNED, "")


def test_did_not_happen_only_once_the_start_has_passed(db: Database) -> None:
    _circle(db)
    future = sessions.plan_sessions(db, circle_ref="Builders", count=1).added[0]

    with pytest.raises(Conflict, match="has not started yet"):
        sessions.set_session_status(
            db, session_id=future.id, status=SessionStatus.DID_NOT_HAPPEN, reason="nobody"
        )
    clock.freeze(dt.datetime(2026, 11, 25, 9, tzinfo=dt.UTC))
    missed = sessions.set_session_status(
        db, session_id=future.id, status=SessionStatus.DID_NOT_HAPPEN, reason="nobody came"
    )

    assert missed.status == SessionStatus.DID_NOT_HAPPEN
    assert missed.reason == "nobody came"


@pytest.mark.parametrize(
    ("first", "then", "allowed"),
    [
        (SessionStatus.CANCELLED, SessionStatus.DID_NOT_HAPPEN, "planned"),
        (SessionStatus.CANCELLED, SessionStatus.CANCELLED, "planned"),
        (SessionStatus.HELD, SessionStatus.CANCELLED, "nothing"),
        (SessionStatus.DID_NOT_HAPPEN, SessionStatus.PLANNED, "nothing"),
    ],
)
def test_status_changes_follow_the_transitions(
    db: Database, first: SessionStatus, then: SessionStatus, allowed: str
) -> None:
    _circle(db)
    clock.freeze(dt.datetime(2026, 11, 10, 12, tzinfo=dt.UTC))
    session = sessions.plan_sessions(db, circle_ref="Builders", count=1).added[0]
    clock.freeze(dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC))
    sessions.set_session_status(db, session_id=session.id, status=first, reason="why")

    with pytest.raises(Conflict, match=f"is {first.value}; it can become: {allowed}"):
        sessions.set_session_status(db, session_id=session.id, status=then, reason="why")


def test_a_stale_status_change_is_refused(db: Database) -> None:
    _circle(db)
    session = sessions.plan_sessions(db, circle_ref="Builders", count=1).added[0]
    sessions.set_session_status(
        db, session_id=session.id, status=SessionStatus.CANCELLED, reason="x"
    )

    with pytest.raises(StaleEdit):
        sessions.set_session_status(
            db, session_id=session.id, status=SessionStatus.PLANNED, expected_version=1
        )


# recording


def test_record_marks_present_absent_and_excused(db: Database) -> None:
    _circle(db)
    ids = {h: _member(db, h) for h in ("ana", "bo", "cy", "di")}

    detail = sessions.record_session(
        db,
        circle_ref="Builders",
        day=dt.date(2026, 11, 17),
        present=["@ana", "bo"],
        absent=[str(ids["cy"])],
        excused=["@di"],
        notes="Warm\n\x1b[31mround",
    )

    marks = {c.member_name: c.attendance for c in detail.checkins}
    assert marks == {
        "Ana": Attendance.PRESENT,
        "Bo": Attendance.PRESENT,
        "Cy": Attendance.ABSENT,
        "Di": Attendance.EXCUSED,
    }
    assert detail.status == SessionStatus.HELD
    assert detail.notes == "Warm\nround"
    assert detail.local_start.time() == dt.time(18, 30)
    assert all(c.visibility == "private" and c.answers == {} for c in detail.checkins)


def test_record_uses_the_session_planned_that_day(db: Database) -> None:
    _circle(db)
    _member(db, "ana")
    clock.freeze(dt.datetime(2026, 11, 10, 12, tzinfo=dt.UTC))
    planned = sessions.plan_sessions(db, circle_ref="Builders", count=2).added
    clock.freeze(dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC))

    detail = sessions.record_session(
        db, circle_ref="Builders", day=dt.date(2026, 11, 17), present=["@ana"]
    )

    assert detail.id == planned[1].id
    assert len(sessions.list_sessions(db)) == 2


def test_record_refuses_a_member_in_two_lists_and_a_non_member(db: Database) -> None:
    _circle(db)
    _member(db, "ana")
    _member(db, "stranger", circle=None)
    day = dt.date(2026, 11, 17)

    with pytest.raises(InvalidInput, match="Ana is listed as both present and absent"):
        sessions.record_session(
            db, circle_ref="Builders", day=day, present=["@ana"], absent=["@ana"]
        )
    with pytest.raises(Conflict, match="Stranger is not in 'Builders'"):
        sessions.record_session(db, circle_ref="Builders", day=day, present=["@stranger"])
    with pytest.raises(NotFound):
        sessions.record_session(db, circle_ref="Builders", day=day, present=["@ghost"])

    assert sessions.list_sessions(db) == []


def test_record_refuses_a_day_still_ahead_and_a_cancelled_session(db: Database) -> None:
    _circle(db)
    clock.freeze(dt.datetime(2026, 11, 10, 12, tzinfo=dt.UTC))
    planned = sessions.plan_sessions(db, circle_ref="Builders", count=1).added[0]
    sessions.set_session_status(
        db, session_id=planned.id, status=SessionStatus.CANCELLED, reason="holiday"
    )
    clock.freeze(dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC))

    with pytest.raises(InvalidInput, match="still ahead"):
        sessions.record_session(db, circle_ref="Builders", day=dt.date(2026, 11, 24))
    with pytest.raises(Conflict, match="is cancelled"):
        sessions.record_session(db, circle_ref="Builders", day=planned.local_date)


def test_recording_again_changes_attendance_but_keeps_answers(db: Database) -> None:
    ritual = rituals.get_ritual(db, ref="Rose · Bud · Thorn")
    _circle(db, ritual_id=ritual.id)
    _member(db, "ana")
    day = dt.date(2026, 11, 17)
    first = sessions.record_session(db, circle_ref="Builders", day=day, present=["@ana"])
    checkins.add_checkin(
        db,
        session_id=first.id,
        member_ref="@ana",
        data=CheckInCreate(answers={ritual.prompts[0]: "a win"}, mood=4),
    )

    again = sessions.record_session(db, circle_ref="Builders", day=day, excused=["@ana"])

    (only,) = again.checkins
    assert only.attendance == Attendance.EXCUSED
    assert only.answers == {ritual.prompts[0]: "a win"}
    assert only.mood == 4


def _planned_last_week(db: Database) -> SessionRead:
    """A session of Builders planned a week ago for Tuesday 2026-11-17 (today is the 21st)."""
    clock.freeze(dt.datetime(2026, 11, 10, 12, tzinfo=dt.UTC))
    planned = sessions.plan_sessions(db, circle_ref="Builders", count=2).added[1]
    clock.freeze(dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC))
    return planned


def test_saving_a_run_cleans_the_notes(db: Database) -> None:
    _circle(db)
    ana = _member(db, "ana")
    session = _planned_last_week(db)

    saved = sessions.save_session_run(
        db,
        session_id=session.id,
        checkins={ana: CheckInCreate()},
        notes="  line one\n\x1b]0;title\x07line two\x00  ",
    )

    assert saved.notes == "line one\nline two"
    assert saved.status == SessionStatus.HELD
    with pytest.raises(InvalidInput, match="notes: at most"):
        sessions.save_session_run(db, session_id=session.id, checkins={}, notes="x" * 10_001)


def test_a_removed_session_id_is_never_reused(db: Database) -> None:
    """Calendar UIDs come from session ids: a re-planned-away session's id must not come back."""
    from circlekeeper.models import CircleCreate, CircleUpdate
    from circlekeeper.services import circles as circle_service
    from circlekeeper.services import sessions as session_service

    circle_service.create_circle(
        db, data=CircleCreate(name="Ids", weekday="tue", meeting_time="18:00")
    )
    first = session_service.plan_sessions(db, circle_ref="Ids", count=3)
    removed_ids = {s.id for s in first.added}
    circle_service.edit_circle(db, ref="Ids", changes=CircleUpdate(weekday="thu"))
    second = session_service.plan_sessions(db, circle_ref="Ids", count=3)
    assert second.removed == 3
    assert not removed_ids & {s.id for s in second.added}


def test_a_run_is_saved_only_from_the_sessions_own_day_in_its_time_zone(db: Database) -> None:
    _circle(db, timezone="Pacific/Auckland")
    ana = _member(db, "ana")
    clock.freeze(dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC))
    ahead = sessions.plan_sessions(db, circle_ref="Builders", count=1).added[0]
    assert ahead.local_date == dt.date(2026, 11, 24)

    with pytest.raises(InvalidInput, match="2026-11-24 is still ahead in Pacific/Auckland"):
        sessions.save_session_run(db, session_id=ahead.id, checkins={ana: CheckInCreate()})
    assert sessions.get_session(db, session_id=ahead.id).status == SessionStatus.PLANNED

    clock.freeze(dt.datetime(2026, 11, 23, 11, 30, tzinfo=dt.UTC))  # 00:30 on the 24th there
    saved = sessions.save_session_run(db, session_id=ahead.id, checkins={ana: CheckInCreate()})
    assert saved.status == SessionStatus.HELD


def test_run_now_takes_todays_planned_session_never_a_later_one(db: Database) -> None:
    _circle(db)
    _member(db, "ana")
    clock.freeze(dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC))  # Saturday; Builders meet Tuesdays
    tuesday = sessions.plan_sessions(db, circle_ref="Builders", count=1).added[0]

    early = sessions.session_for_runner(db, circle_ref="Builders")
    assert early.local_date == dt.date(2026, 11, 21)
    assert early.id != tuesday.id
    assert sessions.get_session(db, session_id=tuesday.id).status == SessionStatus.PLANNED

    clock.freeze(dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC))
    assert sessions.session_for_runner(db, circle_ref="Builders").id == tuesday.id
    clock.freeze(dt.datetime(2026, 11, 24, 23, 30, tzinfo=dt.UTC))  # past midnight in Berlin
    assert sessions.session_for_runner(db, circle_ref="Builders").id == tuesday.id


def test_recording_again_adds_notes_after_the_earlier_ones(db: Database) -> None:
    _circle(db)
    _member(db, "ana")
    day = dt.date(2026, 11, 17)
    sessions.record_session(db, circle_ref="Builders", day=day, notes="Ana cried; follow up")
    sessions.record_session(db, circle_ref="Builders", day=day, present=["@ana"])
    sessions.record_session(db, circle_ref="Builders", day=day, notes="Ana cried; follow up")

    again = sessions.record_session(db, circle_ref="Builders", day=day, notes="called her")

    assert again.notes == "Ana cried; follow up\n\ncalled her"
    with pytest.raises(InvalidInput, match="notes: at most"):
        sessions.record_session(db, circle_ref="Builders", day=day, notes="x" * 9_990)
    assert sessions.get_session(db, session_id=again.id).notes == again.notes
