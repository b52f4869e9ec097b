"""Circle health and members at risk end to end: histories recorded through the services, judged
from a real database, with thresholds passed in, read from config.toml, and indexed queries."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func
from sqlmodel import col, select
from tests.health_helpers import (
    LAST_TUESDAY,
    TODAY,
    clock_on,
    held,
    make_circle,
    not_held,
    person,
    seat,
    tuesdays,
    weeks_held,
)
from tests.sql_capture import plans_reading

from circlekeeper import paths
from circlekeeper.algorithms.circle_health import HealthStatus, RiskKind
from circlekeeper.db import Database
from circlekeeper.models import RoleAssignment
from circlekeeper.models.enums import CircleStatus, MemberStatus, SessionStatus
from circlekeeper.services import circles, members, rota, sessions
from circlekeeper.services.errors import Conflict, InvalidInput
from circlekeeper.services.health import circle_health
from circlekeeper.services.health_models import CircleHealth, MemberAtRisk
from circlekeeper.services.health_settings import HealthSettings, health_settings
from circlekeeper.services.member_risk import members_at_risk

FIVE = ("ana", "bo", "cy", "dee", "eli")


def one(db: Database, name: str, settings: HealthSettings | None = None) -> CircleHealth:
    """The health of the circle named `name`."""
    [found] = circle_health(db, circle_ref=name, settings=settings or HealthSettings())
    assert found.name == name
    return found


def at_risk(db: Database, settings: HealthSettings | None = None) -> dict[str, MemberAtRisk]:
    """Members at risk by name."""
    found = members_at_risk(db, settings=settings or HealthSettings())
    return {item.name: item for item in found}


# --- circle statuses -----------------------------------------------------------------------


def test_a_circle_that_meets_weekly_with_everyone_there_thrives(db: Database) -> None:
    make_circle(db, "Builders")
    seat(db, "Builders", *FIVE)
    weeks_held(db, "Builders", tuesdays(7, last=LAST_TUESDAY - dt.timedelta(weeks=1)), FIVE)
    held(db, "Builders", LAST_TUESDAY, present=FIVE, spoke=FIVE[:3])

    found = one(db, "Builders")

    assert found.status == HealthStatus.THRIVING
    assert found.lifecycle == CircleStatus.ACTIVE
    figures = found.figures
    assert (figures.recent_attendance, figures.earlier_attendance) == (1.0, 1.0)
    assert (figures.recent_sessions, figures.earlier_sessions) == (4, 4)
    assert (figures.window_sessions, figures.missed_sessions) == (4, 0)
    assert (figures.last_held_on, figures.days_since_held) == (LAST_TUESDAY, 4)
    assert (figures.size, figures.min_size, figures.max_size, figures.cadence_days) == (5, 4, 10, 7)
    assert figures.speaking_share == 3 / 5
    assert figures.as_of == TODAY
    assert "attendance 100% over the last 4 sessions" in found.reasons


def test_attendance_falling_against_the_four_before_is_fading(db: Database) -> None:
    make_circle(db, "Builders")
    seat(db, "Builders", *FIVE)
    days = tuesdays(8)
    weeks_held(db, "Builders", days[:4], FIVE)
    weeks_held(db, "Builders", days[4:], FIVE[:3], absent=FIVE[3:])

    found = one(db, "Builders")

    assert found.status == HealthStatus.FADING
    assert found.reasons == ("attendance 60% over the last 4 sessions, down from 100%",)
    assert (found.figures.recent_attendance, found.figures.earlier_attendance) == (0.6, 1.0)


def test_excused_marks_count_on_neither_side_of_attendance(db: Database) -> None:
    make_circle(db, "Builders")
    seat(db, "Builders", *FIVE)
    weeks_held(db, "Builders", tuesdays(4), FIVE[:4], excused=FIVE[4:])

    assert one(db, "Builders").figures.recent_attendance == 1.0


def test_thresholds_passed_in_change_the_outcome(db: Database) -> None:
    make_circle(db, "Builders")
    seat(db, "Builders", *FIVE)
    days = tuesdays(8)
    weeks_held(db, "Builders", days[:4], FIVE)
    weeks_held(db, "Builders", days[4:], FIVE[:3], absent=FIVE[3:])

    lenient = one(db, "Builders", HealthSettings(fading_attendance_drop=0.5, low_attendance=0.5))
    strict = one(db, "Builders", HealthSettings(dormant_cadences=0.5, overdue_cadences=0.5))

    assert lenient.status == HealthStatus.STEADY
    assert lenient.reasons == ("attendance 60% over the last 4 sessions, down from 100%",)
    assert strict.status == HealthStatus.DORMANT


def test_a_circle_not_met_for_more_than_three_weeks_is_dormant(db: Database) -> None:
    make_circle(db, "Builders")
    seat(db, "Builders", *FIVE)
    weeks_held(db, "Builders", tuesdays(4, last=dt.date(2026, 10, 27)), FIVE)

    found = one(db, "Builders")

    assert found.status == HealthStatus.DORMANT
    assert found.reasons == ("no session for 25 days; meets every 7 days",)
    assert found.figures.days_since_held == 25


def test_a_circle_not_met_for_twelve_days_is_overdue(db: Database) -> None:
    make_circle(db, "Builders")
    seat(db, "Builders", *FIVE)
    weeks_held(db, "Builders", tuesdays(4, last=dt.date(2026, 11, 9)), FIVE)

    found = one(db, "Builders")

    assert found.status == HealthStatus.FADING
    assert found.reasons == ("no session for 12 days; meets every 7 days",)


def test_two_of_the_last_four_sessions_not_held_is_fading(db: Database) -> None:
    make_circle(db, "Builders")
    seat(db, "Builders", *FIVE)
    days = tuesdays(6)
    weeks_held(db, "Builders", [days[0], days[1], days[3], days[5]], FIVE)
    not_held(db, "Builders", days[2], SessionStatus.CANCELLED)
    not_held(db, "Builders", days[4], SessionStatus.DID_NOT_HAPPEN)

    found = one(db, "Builders")

    assert found.status == HealthStatus.FADING
    assert found.reasons == ("2 of the last 4 sessions were cancelled or did not happen",)
    assert (found.figures.missed_sessions, found.figures.window_sessions) == (2, 4)
    assert found.figures.recent_sessions == 4


def test_planned_sessions_and_future_ones_are_not_counted_as_missed(db: Database) -> None:
    make_circle(db, "Builders")
    seat(db, "Builders", *FIVE)
    weeks_held(db, "Builders", tuesdays(4), FIVE)
    not_held(db, "Builders", TODAY + dt.timedelta(days=3), SessionStatus.CANCELLED)

    found = one(db, "Builders")

    assert found.figures.missed_sessions == 0
    assert found.status == HealthStatus.THRIVING


def test_below_the_minimum_size_is_fading(db: Database) -> None:
    make_circle(db, "Builders", min_size=4)
    seat(db, "Builders", "ana", "bo", "cy")
    weeks_held(db, "Builders", tuesdays(4), ("ana", "bo", "cy"))

    found = one(db, "Builders")

    assert found.status == HealthStatus.FADING
    assert found.reasons == ("3 members, below the minimum of 4",)


def test_a_dip_or_a_quiet_circle_is_steady(db: Database) -> None:
    make_circle(db, "Dip")
    seat(db, "Dip", *FIVE)
    days = tuesdays(8)
    weeks_held(db, "Dip", days[:4], FIVE)
    weeks_held(db, "Dip", days[4:7], FIVE)
    held(db, "Dip", days[7], present=FIVE[:4], absent=FIVE[4:])
    make_circle(db, "Quiet")
    seat(db, "Quiet", "fay", "gus", "hal", "ivy")
    before = LAST_TUESDAY - dt.timedelta(weeks=1)
    weeks_held(db, "Quiet", tuesdays(3, last=before), ("fay", "gus", "hal", "ivy"))
    held(db, "Quiet", LAST_TUESDAY, present=("fay", "gus", "hal", "ivy"), spoke=("fay",))

    dip, quiet = one(db, "Dip"), one(db, "Quiet")

    assert dip.status == HealthStatus.STEADY
    assert dip.reasons == ("attendance 95% over the last 4 sessions, down from 100%",)
    assert quiet.status == HealthStatus.STEADY
    assert quiet.figures.speaking_share == 0.25
    assert quiet.reasons == (
        "quiet: 25% of those who came spoke in check-ins over the last 4 sessions",
    )


def test_a_forming_circle_without_sessions_is_steady(db: Database) -> None:
    make_circle(db, "Newcomers", status=CircleStatus.FORMING, starts_on=dt.date(2026, 1, 5))
    seat(db, "Newcomers", "ana", "bo")

    found = one(db, "Newcomers")

    assert found.status == HealthStatus.STEADY
    assert found.lifecycle == CircleStatus.FORMING
    assert found.reasons == ("forming; no sessions held yet", "2 members, below the minimum of 4")
    assert found.figures.last_held_on is None
    assert found.figures.recent_attendance is None


def test_an_active_circle_that_never_met_goes_dormant_after_its_start(db: Database) -> None:
    make_circle(db, "Late", starts_on=dt.date(2026, 10, 1))
    seat(db, "Late", *FIVE)

    found = one(db, "Late")

    assert found.status == HealthStatus.DORMANT
    assert found.reasons == ("no session held in the 51 days since it started; meets every 7 days",)
    assert found.figures.age_days == 51


def test_paused_circles_are_listed_and_closed_ones_left_out(db: Database) -> None:
    make_circle(db, "Resting", status=CircleStatus.PAUSED)
    seat(db, "Resting", *FIVE)
    weeks_held(db, "Resting", tuesdays(2), FIVE[:1], absent=FIVE[1:])
    make_circle(db, "Over", status=CircleStatus.CLOSED)

    found = {item.name: item for item in circle_health(db)}

    assert set(found) == {"Resting"}
    assert found["Resting"].status == HealthStatus.STEADY
    assert found["Resting"].lifecycle == CircleStatus.PAUSED
    assert found["Resting"].reasons == ("paused; attendance, rhythm and size are not judged",)
    with pytest.raises(Conflict, match="'Over' is closed"):
        circle_health(db, circle_ref="Over")


def test_circles_come_fading_first_then_dormant_steady_and_thriving(db: Database) -> None:
    for name in ("A thriving", "B dormant", "C steady", "D fading"):
        make_circle(db, name)
        seat(db, name, *(f"{name[0].lower()}{i}" for i in range(4)))
    team = {name: [f"{name[0].lower()}{i}" for i in range(4)] for name in ("A", "B", "C", "D")}
    weeks_held(db, "A thriving", tuesdays(4), team["A"])
    weeks_held(db, "B dormant", tuesdays(2, last=dt.date(2026, 10, 20)), team["B"])
    weeks_held(db, "C steady", tuesdays(4), team["C"][:3], absent=team["C"][3:])
    weeks_held(db, "D fading", tuesdays(4), team["D"][:1], absent=team["D"][1:])

    found = circle_health(db)

    assert [(item.name, item.status) for item in found] == [
        ("D fading", HealthStatus.FADING),
        ("B dormant", HealthStatus.DORMANT),
        ("C steady", HealthStatus.STEADY),
        ("A thriving", HealthStatus.THRIVING),
    ]


def test_role_load_is_assignments_at_the_last_four_sessions_per_member(db: Database) -> None:
    make_circle(db, "Builders")
    seat(db, "Builders", *FIVE)
    days = tuesdays(4)
    with clock_on(days[0] - dt.timedelta(days=1)):
        sessions.plan_sessions(db, circle_ref="Builders", dates=days)
        rota.plan_roles(db, circle_ref="Builders", sessions=4)
    weeks_held(db, "Builders", days, FIVE)
    with db.read() as session:
        assigned = session.exec(
            select(func.count()).where(col(RoleAssignment.member_id).is_not(None))
        ).one()

    found = one(db, "Builders")

    assert assigned > 0
    assert found.figures.role_load == assigned / 5


def test_today_can_be_given(db: Database) -> None:
    make_circle(db, "Builders")
    seat(db, "Builders", *FIVE)
    weeks_held(db, "Builders", tuesdays(4), FIVE)

    [later] = circle_health(db, today=TODAY + dt.timedelta(days=30))

    assert later.figures.days_since_held == 34
    assert later.status == HealthStatus.DORMANT


def test_no_circles_is_an_empty_list(db: Database) -> None:
    assert circle_health(db) == []


# --- members at risk -----------------------------------------------------------------------


def test_absent_from_the_last_three_sessions_is_at_risk(db: Database) -> None:
    make_circle(db, "Builders")
    seat(db, "Builders", *FIVE)
    days = tuesdays(4)
    held(db, "Builders", days[0], present=FIVE)
    weeks_held(db, "Builders", days[1:], FIVE[:3], absent=("dee",), excused=("eli",))

    found = at_risk(db)

    assert set(found) == {"Dee"}
    assert found["Dee"].kinds == (RiskKind.ABSENCES,)
    assert found["Dee"].reasons == ("absent from the last 3 sessions in a row",)
    assert (found["Dee"].absent_streak, found["Dee"].urgency) == (3, 3)
    assert found["Dee"].last_check_in == days[0]
    assert found["Dee"].member_status == MemberStatus.ACTIVE


def test_an_excused_or_present_session_breaks_the_run(db: Database) -> None:
    make_circle(db, "Builders")
    seat(db, "Builders", *FIVE)
    days = tuesdays(4)
    weeks_held(db, "Builders", days[:2], FIVE[:3], absent=("dee", "eli"))
    held(db, "Builders", days[2], present=FIVE[:3], absent=("dee",), excused=("eli",))
    held(db, "Builders", days[3], present=FIVE[:3], absent=("dee", "eli"))

    found = at_risk(db)

    assert set(found) == {"Dee"}
    assert found["Dee"].absent_streak == 4


def test_absences_in_a_circle_they_left_do_not_count(db: Database) -> None:
    make_circle(db, "Old")
    make_circle(db, "New")
    seat(db, "Old", *FIVE)
    seat(db, "New", "dee")
    weeks_held(db, "Old", tuesdays(3), FIVE[:3], absent=("dee",), excused=("eli",))
    circles.remove_member_from_circle(db, circle_ref="Old", member_ref="@dee")

    assert "Dee" not in at_risk(db)


def test_quiet_for_thirty_days_in_an_active_circle_is_at_risk(db: Database) -> None:
    make_circle(db, "Builders")
    seat(db, "Builders", "ana", "bo", joined_on=dt.date(2026, 9, 1))
    seat(db, "Builders", "cy", joined_on=dt.date(2026, 11, 1))
    held(db, "Builders", dt.date(2026, 10, 20), present=("ana",))
    held(db, "Builders", dt.date(2026, 11, 10), present=("bo",))

    found = at_risk(db)

    assert set(found) == {"Ana"}
    assert found["Ana"].reasons == ("no check-in for 32 days",)
    assert (found["Ana"].quiet_days, found["Ana"].last_check_in) == (32, dt.date(2026, 10, 20))
    lenient = at_risk(db, HealthSettings(at_risk_quiet_days=33))
    assert "Ana" not in lenient
    strict = at_risk(db, HealthSettings(at_risk_quiet_days=20))
    assert strict["Cy"].reasons == ("no check-in in the 20 days since joining",)


def test_a_member_in_only_a_forming_circle_is_not_quiet(db: Database) -> None:
    make_circle(db, "Soon", status=CircleStatus.FORMING)
    seat(db, "Soon", "ana", joined_on=dt.date(2026, 1, 1))

    assert at_risk(db) == {}


def test_a_pause_ending_within_two_weeks_is_listed(db: Database) -> None:
    for handle in ("ana", "bo"):
        person(db, handle)
    members.pause_member(db, ref="@ana", until=TODAY + dt.timedelta(days=10))
    members.pause_member(db, ref="@bo", until=TODAY + dt.timedelta(days=40))

    found = at_risk(db)

    assert set(found) == {"Ana"}
    assert found["Ana"].kinds == (RiskKind.PAUSE_ENDING,)
    assert found["Ana"].reasons == ("pause ends in 10 days, on 2026-12-01",)
    assert found["Ana"].member_status == MemberStatus.PAUSED
    assert found["Ana"].paused_until == dt.date(2026, 12, 1)
    assert set(at_risk(db, HealthSettings(pause_ending_days=45))) == {"Ana", "Bo"}


def test_a_pause_that_ended_while_still_paused_weighs_more(db: Database) -> None:
    person(db, "ana")
    with clock_on(dt.date(2026, 11, 1)):
        members.pause_member(db, ref="@ana", until=dt.date(2026, 11, 18))

    [found] = members_at_risk(db)

    assert found.reasons == ("pause ended 3 days ago, on 2026-11-18; still marked paused",)
    assert found.urgency == 2


def test_an_active_member_in_no_active_circle_is_listed(db: Database) -> None:
    make_circle(db, "Resting", status=CircleStatus.PAUSED)
    make_circle(db, "Soon", status=CircleStatus.FORMING)
    make_circle(db, "Over", status=CircleStatus.CLOSED)
    person(db, "ana")
    seat(db, "Resting", "bo")
    seat(db, "Soon", "cy")
    person(db, "dee")
    members.leave_member(db, ref="@dee")

    found = at_risk(db)

    assert set(found) == {"Ana", "Bo"}
    assert found["Ana"].reasons == ("in no active circle",)
    assert found["Bo"].reasons == ("in no active circle (their circles are paused)",)
    assert found["Ana"].active_circles == 0


def test_the_most_urgent_come_first_and_limit_keeps_the_top(db: Database) -> None:
    make_circle(db, "Builders")
    seat(db, "Builders", *FIVE, joined_on=dt.date(2026, 9, 1))
    weeks_held(db, "Builders", tuesdays(3, last=dt.date(2026, 10, 27)), FIVE[:4], absent=("eli",))
    weeks_held(db, "Builders", tuesdays(3), FIVE[:3], absent=("dee", "eli"))
    person(db, "zed")

    found = members_at_risk(db)

    assert [(item.name, item.urgency) for item in found] == [("Eli", 5), ("Dee", 3), ("Zed", 2)]
    assert [item.name for item in members_at_risk(db, limit=2)] == ["Eli", "Dee"]
    with pytest.raises(InvalidInput, match="limit"):
        members_at_risk(db, limit=0)


# --- thresholds from config.toml -----------------------------------------------------------


def test_thresholds_are_read_from_config_toml(db: Database) -> None:
    config = paths.config_file()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        "at_risk_absences = 2\nat_risk_quiet_days = 90\nlow_attendance = 0.9\n"
        "dormant_cadences = 10\n",
        encoding="utf-8",
    )
    make_circle(db, "Builders")
    seat(db, "Builders", *FIVE)
    weeks_held(db, "Builders", tuesdays(2), FIVE[:4], absent=("eli",))

    settings = health_settings()

    assert (settings.at_risk_absences, settings.at_risk_quiet_days) == (2, 90)
    assert (settings.low_attendance, settings.dormant_cadences) == (0.9, 10)
    assert settings.pause_ending_days == HealthSettings().pause_ending_days
    assert set(at_risk(db, settings)) == {"Eli"}
    assert at_risk(db) == {}
    assert one(db, "Builders", settings).status == HealthStatus.FADING
    assert one(db, "Builders").status == HealthStatus.THRIVING


# --- the queries use their indexes ---------------------------------------------------------


@pytest.fixture
def history(db: Database) -> Database:
    """Two circles with a few weeks of sessions, check-ins and a member who stays away."""
    for name in ("Alpha", "Beta"):
        make_circle(db, name)
        seat(db, name, *(f"{name.lower()}{i}" for i in range(5)))
        weeks_held(
            db,
            name,
            tuesdays(9),
            [f"{name.lower()}{i}" for i in range(4)],
            absent=[f"{name.lower()}4"],
        )
    return db


def test_members_at_risk_searches_check_ins_by_member_and_day(history: Database) -> None:
    [steps] = plans_reading(history, "checkin", lambda: members_at_risk(history))

    assert "SEARCH checkin USING COVERING INDEX ix_checkin_member_day" in steps
    assert "SCAN checkin" not in steps
    assert "SCAN membership" not in steps
