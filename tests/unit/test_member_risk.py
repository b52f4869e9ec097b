"""Members at risk where a set-based read could go wrong: runs of absences across two circles,
marks that break a run, sessions that were not held, circles left, paused members, the edge of
`today`, seats per circle status, members who share their figures, and ties in the order."""

from __future__ import annotations

import datetime as dt

from tests.health_helpers import (
    LAST_TUESDAY,
    TODAY,
    clock_on,
    held,
    make_circle,
    person,
    seat,
    tuesdays,
)

from circlekeeper.algorithms.circle_health import RiskKind
from circlekeeper.db import Database
from circlekeeper.models import CheckInCreate, CircleCreate, MemberCreate
from circlekeeper.models.enums import Attendance, CircleStatus, MemberStatus, SessionStatus
from circlekeeper.services import checkins, circles, members, rituals, sessions
from circlekeeper.services.health_models import MemberAtRisk
from circlekeeper.services.health_settings import HealthSettings
from circlekeeper.services.member_risk import members_at_risk, members_at_risk_overview

SINCE = dt.date(2026, 9, 1)
"""When the members of these tests joined their circles: long enough ago to be quiet."""


def at_risk(db: Database, *, today: dt.date | None = None) -> dict[str, MemberAtRisk]:
    """Members at risk by name."""
    return {item.name: item for item in members_at_risk(db, today=today)}


def two_circles(db: Database, *handles: str) -> None:
    """Alpha and Beta, both active, with everyone in `handles` in both since SINCE."""
    for name in ("Alpha", "Beta"):
        make_circle(db, name)
        seat(db, name, *handles, joined_on=SINCE)


def marked_at_planned_session(
    db: Database, circle: str, day: dt.date, handle: str, attendance: Attendance
) -> int:
    """A session planned for `day` (while it was still ahead) with one check-in, never held."""
    with clock_on(day - dt.timedelta(days=1)):
        planned = sessions.plan_sessions(db, circle_ref=circle, dates=[day]).added[0]
    checkins.add_checkin(
        db,
        session_id=planned.id,
        member_ref=f"@{handle}",
        data=CheckInCreate(attendance=attendance),
    )
    return planned.id


def test_a_run_of_absences_counts_across_both_circles_newest_first(db: Database) -> None:
    two_circles(db, "ana", "dee")
    days = tuesdays(4)
    held(db, "Alpha", days[0], present=("ana", "dee"))
    held(db, "Beta", days[1] - dt.timedelta(days=1), present=("ana",), absent=("dee",))
    held(db, "Alpha", days[2], present=("ana",), absent=("dee",))
    held(db, "Beta", days[3] - dt.timedelta(days=1), present=("ana",), absent=("dee",))

    found = at_risk(db)

    assert set(found) == {"Dee"}
    assert found["Dee"].absent_streak == 3
    assert found["Dee"].kinds == (RiskKind.ABSENCES,)
    assert found["Dee"].active_circles == 2
    assert found["Dee"].last_check_in == days[0]


def test_an_absence_on_the_day_of_the_last_present_mark_is_not_in_the_run(db: Database) -> None:
    two_circles(db, "dee")
    days = tuesdays(3)
    held(db, "Alpha", days[0], absent=("dee",))
    held(db, "Beta", days[0], present=("dee",))
    held(db, "Alpha", days[1], absent=("dee",))
    held(db, "Beta", days[2], absent=("dee",))

    [found] = members_at_risk(db, settings=HealthSettings(at_risk_absences=2), today=days[2])

    assert found.absent_streak == 2
    assert found.reasons == ("absent from the last 2 sessions in a row",)
    assert found.last_check_in == days[0]


def test_an_excused_mark_in_the_other_circle_breaks_the_run(db: Database) -> None:
    two_circles(db, "dee")
    days = tuesdays(5)
    for day in days[:3]:
        held(db, "Alpha", day, absent=("dee",))
    held(db, "Beta", days[3], excused=("dee",))
    held(db, "Alpha", days[4], absent=("dee",))

    found = members_at_risk(db)

    assert [(item.name, item.absent_streak) for item in found] == [("Dee", 1)]
    assert found[0].kinds == (RiskKind.QUIET,)
    assert found[0].last_check_in is None


def test_check_ins_at_sessions_that_were_not_held_are_left_out_of_the_run(db: Database) -> None:
    make_circle(db, "Alpha")
    seat(db, "Alpha", "ana", "dee", joined_on=SINCE)
    days = tuesdays(4)
    for day in days[:3]:
        held(db, "Alpha", day, present=("ana",), absent=("dee",))
    sunday = days[3] - dt.timedelta(days=2)
    cancelled = marked_at_planned_session(db, "Alpha", sunday, "dee", Attendance.PRESENT)
    sessions.set_session_status(
        db, session_id=cancelled, status=SessionStatus.CANCELLED, reason="snow"
    )
    marked_at_planned_session(db, "Alpha", days[3], "dee", Attendance.EXCUSED)

    [found] = members_at_risk(db)

    assert found.name == "Dee"
    assert found.absent_streak == 3, "neither the cancelled nor the planned session breaks it"
    assert found.last_check_in == sunday, "present is present, held or not"
    assert found.kinds == (RiskKind.ABSENCES,)


def test_a_circle_they_left_neither_breaks_the_run_nor_counts_as_a_seat(db: Database) -> None:
    two_circles(db, "dee")
    days = tuesdays(3)
    held(db, "Beta", days[0], absent=("dee",))
    held(db, "Alpha", days[1], present=("dee",))
    held(db, "Beta", days[2], absent=("dee",))
    held(db, "Beta", LAST_TUESDAY - dt.timedelta(days=3), absent=("dee",))
    circles.remove_member_from_circle(db, circle_ref="Alpha", member_ref="@dee")

    [found] = members_at_risk(db)

    assert found.absent_streak == 3
    assert found.active_circles == 1
    assert found.last_check_in == days[1]
    assert found.quiet_days == (TODAY - days[1]).days


def test_paused_members_have_no_run_and_no_last_check_in(db: Database) -> None:
    make_circle(db, "Alpha")
    seat(db, "Alpha", "ana", "dee", joined_on=SINCE)
    for day in tuesdays(4):
        held(db, "Alpha", day, present=("ana",), absent=("dee",))
    members.pause_member(db, ref="@dee", until=TODAY + dt.timedelta(days=5))

    [found] = members_at_risk(db)

    assert (found.name, found.member_status) == ("Dee", MemberStatus.PAUSED)
    assert found.kinds == (RiskKind.PAUSE_ENDING,)
    assert (found.absent_streak, found.last_check_in) == (0, None)
    assert found.quiet_days == (TODAY - SINCE).days
    assert found.paused_until == TODAY + dt.timedelta(days=5)


def test_a_check_in_dated_today_counts_and_one_after_today_does_not(db: Database) -> None:
    make_circle(db, "Alpha")
    seat(db, "Alpha", "dee", joined_on=SINCE)
    days = tuesdays(4)
    for day in days[:3]:
        held(db, "Alpha", day, absent=("dee",))
    held(db, "Alpha", days[3], present=("dee",))

    on_the_day = at_risk(db, today=days[3])
    the_day_before = at_risk(db, today=days[3] - dt.timedelta(days=1))

    assert "Dee" not in on_the_day
    assert the_day_before["Dee"].absent_streak == 3
    assert the_day_before["Dee"].last_check_in is None
    assert the_day_before["Dee"].quiet_days == (days[3] - dt.timedelta(days=1) - SINCE).days


def test_quiet_days_count_from_joining_the_earliest_active_circle(db: Database) -> None:
    make_circle(db, "Resting", status=CircleStatus.PAUSED)
    make_circle(db, "Soon", status=CircleStatus.FORMING)
    make_circle(db, "Alpha")
    make_circle(db, "Beta")
    seat(db, "Resting", "dee", joined_on=dt.date(2026, 1, 5))
    seat(db, "Soon", "dee", joined_on=dt.date(2026, 2, 5))
    seat(db, "Beta", "dee", joined_on=dt.date(2026, 10, 1))
    seat(db, "Alpha", "dee", joined_on=dt.date(2026, 9, 20))

    [found] = members_at_risk(db)

    assert found.quiet_days == (TODAY - dt.date(2026, 9, 20)).days
    assert found.reasons == (f"no check-in in the {found.quiet_days} days since joining",)
    assert found.active_circles == 2


def test_seats_in_closed_or_paused_circles_leave_a_member_in_no_active_circle(
    db: Database,
) -> None:
    make_circle(db, "Resting", status=CircleStatus.PAUSED)
    for handle in ("ana", "bo"):
        make_circle(db, f"Over {handle}")
        seat(db, f"Over {handle}", handle)
        circles.set_circle_status(db, ref=f"Over {handle}", status=CircleStatus.CLOSED)
    seat(db, "Resting", "bo")

    found = at_risk(db)

    assert found["Ana"].reasons == ("in no active circle",)
    assert found["Bo"].reasons == ("in no active circle (their circles are paused)",)
    assert found["Ana"].active_circles == found["Bo"].active_circles == 0


def test_a_written_check_in_is_a_day_present_but_not_part_of_a_run(db: Database) -> None:
    written = rituals.get_ritual(db, ref="Weekly written check-in").id
    circles.create_circle(db, data=CircleCreate(name="Writers", weekday="tue", ritual_id=written))
    circles.set_circle_status(db, ref="Writers", status=CircleStatus.ACTIVE)
    seat(db, "Writers", "dee", joined_on=SINCE)
    days = tuesdays(4)
    for day in days[:3]:
        held(db, "Writers", day, absent=("dee",))
    checkins.add_written_checkin(
        db, circle_ref="Writers", member_ref="@dee", day=days[3], data=CheckInCreate()
    )

    [found] = members_at_risk(db)

    assert found.absent_streak == 3
    assert found.last_check_in == days[3]
    assert found.kinds == (RiskKind.ABSENCES,)


def test_members_who_share_their_figures_keep_their_own_names_and_dates(db: Database) -> None:
    for handle in ("cy", "ana", "bo"):
        person(db, handle)
    members.pause_member(db, ref="@ana", until=TODAY + dt.timedelta(days=3))
    members.pause_member(db, ref="@bo", until=TODAY + dt.timedelta(days=4))
    person(db, "eve")

    found = members_at_risk(db)

    assert [item.name for item in found] == ["Cy", "Eve", "Ana", "Bo"]
    assert [item.paused_until for item in found] == [
        None,
        None,
        TODAY + dt.timedelta(days=3),
        TODAY + dt.timedelta(days=4),
    ]
    assert found[2].reasons == (f"pause ends in 3 days, on {TODAY + dt.timedelta(days=3)}",)
    assert found[3].reasons == (f"pause ends in 4 days, on {TODAY + dt.timedelta(days=4)}",)
    assert len({item.member_id for item in found}) == 4


def test_namesakes_come_in_the_order_they_were_added(db: Database) -> None:
    first = members.add_member(db, data=MemberCreate(name="Sam", handle="sam2")).id
    second = members.add_member(db, data=MemberCreate(name="Sam", handle="sam1")).id

    overview = members_at_risk_overview(db, limit=1)

    assert overview.total == 2
    assert [item.member_id for item in overview.members] == [first]
    assert [item.member_id for item in members_at_risk(db)] == [first, second]
