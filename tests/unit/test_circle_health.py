"""The health rules on hand-built figures: every status, every reason, every at-risk rule, and
thresholds that move the lines."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from circlekeeper.algorithms.circle_health import (
    ATTENTION_ORDER,
    CircleFigures,
    HealthStatus,
    MemberFigures,
    RiskKind,
    assess_member,
    cadence_days,
    judge,
    quiet_days,
    rate,
)
from circlekeeper.services.health_settings import HealthSettings

DEFAULTS = HealthSettings()
THRIVING = CircleFigures(
    lifecycle="active",
    age_days=200,
    cadence_days=7,
    size=6,
    min_size=4,
    max_size=10,
    recent_attendance=0.9,
    earlier_attendance=0.9,
    recent_sessions=4,
    earlier_sessions=4,
    window_sessions=4,
    missed_sessions=0,
    days_since_held=3,
    speaking_share=0.8,
    role_load=1.5,
)
"""A circle every rule is happy with; each test changes what it is about."""


def circle(**changes: object) -> CircleFigures:
    """THRIVING with some figures changed."""
    return THRIVING._replace(**changes)


# --- thriving and steady -------------------------------------------------------------------


def test_a_circle_meeting_often_with_high_attendance_thrives_and_says_why() -> None:
    status, reasons = judge(THRIVING, DEFAULTS)

    assert status == HealthStatus.THRIVING
    assert reasons == [
        "attendance 90% over the last 4 sessions",
        "last session 3 days ago; meets every 7 days",
        "80% of those who came spoke in check-ins",
    ]


def test_attendance_of_exactly_80_percent_still_thrives() -> None:
    assert judge(circle(recent_attendance=0.8, earlier_attendance=0.8), DEFAULTS)[0] == (
        HealthStatus.THRIVING
    )


def test_attendance_below_80_percent_is_steady_and_named() -> None:
    status, reasons = judge(circle(recent_attendance=0.7, earlier_attendance=0.7), DEFAULTS)

    assert status == HealthStatus.STEADY
    assert reasons == ["attendance 70% over the last 4 sessions"]


def test_any_dip_below_the_sessions_before_keeps_a_circle_steady() -> None:
    status, reasons = judge(circle(recent_attendance=0.85, earlier_attendance=0.95), DEFAULTS)

    assert status == HealthStatus.STEADY
    assert reasons == ["attendance 85% over the last 4 sessions, down from 95%"]


def test_a_rise_is_not_a_dip() -> None:
    status, reasons = judge(circle(recent_attendance=0.9, earlier_attendance=0.6), DEFAULTS)

    assert status == HealthStatus.THRIVING
    assert reasons[0] == "attendance 90% over the last 4 sessions, up from 60%"


def test_a_new_circle_without_sessions_before_can_thrive_on_its_first_ones() -> None:
    figures = circle(earlier_attendance=None, earlier_sessions=0, recent_sessions=2)

    status, reasons = judge(figures, DEFAULTS)

    assert status == HealthStatus.THRIVING
    assert reasons[0] == "attendance 90% over the last 2 sessions"


def test_a_quiet_circle_is_steady_with_the_share_named() -> None:
    status, reasons = judge(circle(speaking_share=0.3), DEFAULTS)

    assert status == HealthStatus.STEADY
    assert reasons == ["quiet: 30% of those who came spoke in check-ins over the last 4 sessions"]


def test_no_answers_recorded_is_not_held_against_a_circle() -> None:
    status, reasons = judge(circle(speaking_share=None), DEFAULTS)

    assert status == HealthStatus.THRIVING
    assert not any("spoke" in reason for reason in reasons)


def test_more_members_than_the_maximum_is_steady() -> None:
    status, reasons = judge(circle(size=11), DEFAULTS)

    assert status == HealthStatus.STEADY
    assert reasons == ["11 members, above the maximum of 10"]


def test_held_sessions_without_attendance_marks_are_steady() -> None:
    status, reasons = judge(circle(recent_attendance=None, earlier_attendance=None), DEFAULTS)

    assert status == HealthStatus.STEADY
    assert reasons == ["no attendance recorded at the last 4 sessions"]


def test_an_active_circle_that_started_days_ago_and_has_not_met_is_steady() -> None:
    figures = circle(
        age_days=5,
        days_since_held=None,
        recent_attendance=None,
        earlier_attendance=None,
        recent_sessions=0,
        earlier_sessions=0,
        window_sessions=0,
        speaking_share=None,
    )

    assert judge(figures, DEFAULTS) == (HealthStatus.STEADY, ["no session held yet"])


# --- fading --------------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "fading"), [(10, False), (11, True), (21, True)])
def test_no_session_for_more_than_one_and_a_half_cadences_is_fading(
    days: int, fading: bool
) -> None:
    status, reasons = judge(circle(days_since_held=days), DEFAULTS)

    if fading:
        assert status == HealthStatus.FADING
        assert reasons == [f"no session for {days} days; meets every 7 days"]
    else:
        assert status == HealthStatus.THRIVING


def test_a_drop_of_20_points_is_fading_and_says_from_what() -> None:
    status, reasons = judge(circle(recent_attendance=0.6, earlier_attendance=0.8), DEFAULTS)

    assert status == HealthStatus.FADING
    assert reasons == ["attendance 60% over the last 4 sessions, down from 80%"]


def test_a_drop_made_of_inexact_floats_still_counts_as_20_points() -> None:
    assert 0.7 - 0.5 < 0.2
    assert judge(circle(recent_attendance=0.5, earlier_attendance=0.7), DEFAULTS)[0] == (
        HealthStatus.FADING
    )


def test_a_drop_of_less_than_20_points_is_not_fading() -> None:
    assert judge(circle(recent_attendance=0.65, earlier_attendance=0.8), DEFAULTS)[0] == (
        HealthStatus.STEADY
    )


def test_attendance_below_half_is_fading_even_without_a_drop() -> None:
    status, reasons = judge(circle(recent_attendance=0.45, earlier_attendance=None), DEFAULTS)

    assert status == HealthStatus.FADING
    assert reasons == ["attendance 45% over the last 4 sessions, below 50%"]


def test_the_brief_s_example_names_both_figures() -> None:
    status, reasons = judge(circle(recent_attendance=0.45, earlier_attendance=0.8), DEFAULTS)

    assert status == HealthStatus.FADING
    assert reasons == ["attendance 45% over the last 4 sessions, down from 80%"]


@pytest.mark.parametrize(("missed", "fading"), [(1, False), (2, True), (4, True)])
def test_two_of_the_last_four_sessions_not_held_is_fading(missed: int, fading: bool) -> None:
    status, reasons = judge(circle(missed_sessions=missed), DEFAULTS)

    assert (status == HealthStatus.FADING) is fading
    if fading:
        assert reasons == [
            f"{missed} of the last 4 sessions were cancelled or did not happen",
        ]


def test_fewer_members_than_the_minimum_is_fading() -> None:
    status, reasons = judge(circle(size=3), DEFAULTS)

    assert status == HealthStatus.FADING
    assert reasons == ["3 members, below the minimum of 4"]


def test_a_fading_circle_lists_every_reason_and_a_quiet_one_too() -> None:
    figures = circle(
        days_since_held=12,
        recent_attendance=0.4,
        earlier_attendance=0.9,
        missed_sessions=2,
        size=1,
        speaking_share=0.25,
    )

    status, reasons = judge(figures, DEFAULTS)

    assert status == HealthStatus.FADING
    assert reasons == [
        "no session for 12 days; meets every 7 days",
        "attendance 40% over the last 4 sessions, down from 90%",
        "2 of the last 4 sessions were cancelled or did not happen",
        "1 member, below the minimum of 4",
        "quiet: 25% of those who came spoke in check-ins over the last 4 sessions",
    ]


def test_an_active_circle_that_never_met_fades_then_goes_dormant() -> None:
    never = circle(
        days_since_held=None,
        recent_attendance=None,
        earlier_attendance=None,
        recent_sessions=0,
        earlier_sessions=0,
        speaking_share=None,
    )

    assert judge(never._replace(age_days=12), DEFAULTS) == (
        HealthStatus.FADING,
        ["no session held in the 12 days since it started; meets every 7 days"],
    )
    assert judge(never._replace(age_days=30), DEFAULTS) == (
        HealthStatus.DORMANT,
        ["no session held in the 30 days since it started; meets every 7 days"],
    )


# --- dormant -------------------------------------------------------------------------------


def test_no_session_for_more_than_three_cadences_is_dormant_not_fading() -> None:
    status, reasons = judge(circle(days_since_held=22, recent_attendance=0.2), DEFAULTS)

    assert status == HealthStatus.DORMANT
    assert reasons == ["no session for 22 days; meets every 7 days"]


def test_a_monthly_circle_is_measured_in_months() -> None:
    monthly = circle(cadence_days=cadence_days("monthly"))

    assert judge(monthly._replace(days_since_held=40), DEFAULTS)[0] == (HealthStatus.THRIVING)
    assert judge(monthly._replace(days_since_held=46), DEFAULTS)[0] == (HealthStatus.FADING)
    assert judge(monthly._replace(days_since_held=91), DEFAULTS)[0] == (HealthStatus.DORMANT)


# --- forming and paused --------------------------------------------------------------------


def test_a_forming_circle_without_sessions_is_steady_whatever_its_age() -> None:
    figures = circle(
        lifecycle="forming",
        age_days=400,
        days_since_held=None,
        recent_attendance=None,
        earlier_attendance=None,
        size=3,
    )

    assert judge(figures, DEFAULTS) == (
        HealthStatus.STEADY,
        ["forming; no sessions held yet", "3 members, below the minimum of 4"],
    )


def test_a_forming_circle_that_meets_already_is_judged_like_an_active_one() -> None:
    assert judge(circle(lifecycle="forming", days_since_held=30), DEFAULTS)[0] == (
        HealthStatus.DORMANT
    )


def test_a_paused_circle_is_steady_until_the_rest_runs_long() -> None:
    short = circle(lifecycle="paused", days_since_held=15, recent_attendance=0.1, size=2)
    long = circle(lifecycle="paused", days_since_held=40)

    assert judge(short, DEFAULTS) == (
        HealthStatus.STEADY,
        ["paused; attendance, rhythm and size are not judged"],
    )
    assert judge(long, DEFAULTS) == (
        HealthStatus.DORMANT,
        ["paused", "no session for 40 days; meets every 7 days"],
    )


# --- thresholds ----------------------------------------------------------------------------


def test_thresholds_passed_in_move_every_line() -> None:
    assert judge(circle(days_since_held=22), HealthSettings(dormant_cadences=4))[0] == (
        HealthStatus.FADING
    )
    assert judge(circle(days_since_held=11), HealthSettings(overdue_cadences=2))[0] == (
        HealthStatus.THRIVING
    )
    drop = circle(recent_attendance=0.6, earlier_attendance=0.8)
    assert judge(drop, HealthSettings(fading_attendance_drop=0.3))[0] == HealthStatus.STEADY
    low = circle(recent_attendance=0.7, earlier_attendance=0.7)
    assert judge(low, HealthSettings(low_attendance=0.75))[0] == HealthStatus.FADING
    assert judge(circle(speaking_share=0.6), HealthSettings(quiet_share=0.7))[0] == (
        HealthStatus.STEADY
    )


def test_the_attention_order_puts_fading_and_dormant_first() -> None:
    assert ATTENTION_ORDER == (
        HealthStatus.FADING,
        HealthStatus.DORMANT,
        HealthStatus.STEADY,
        HealthStatus.THRIVING,
    )


@pytest.mark.parametrize(
    ("cadence", "interval", "days"),
    [("weekly", 1, 7), ("every-n-weeks", 3, 21), ("monthly", 1, 30), ("weekly", 5, 7)],
)
def test_cadence_in_days(cadence: str, interval: int, days: int) -> None:
    assert cadence_days(cadence, interval) == days


def test_rate_of_nothing_is_unknown() -> None:
    assert rate(0, 0) is None
    assert rate(3, 4) == 0.75


# --- members at risk -----------------------------------------------------------------------

TODAY = dt.date(2026, 11, 21)
WELL = MemberFigures(
    status="active",
    absent_streak=0,
    quiet_days=6,
    checked_in_since_joining=True,
    active_circles=1,
    forming_circles=0,
    paused_circles=0,
    paused_until=None,
    pause_days_left=None,
)


def member(**changes: object) -> MemberFigures:
    """WELL with some figures changed."""
    return dataclasses.replace(WELL, **changes)  # type: ignore[arg-type]


def test_a_member_who_comes_is_not_at_risk() -> None:
    risk = assess_member(WELL, DEFAULTS)

    assert (risk.kinds, risk.reasons, risk.urgency) == ((), (), 0)


@pytest.mark.parametrize(("streak", "at_risk"), [(2, False), (3, True), (7, True)])
def test_absent_from_three_sessions_in_a_row(streak: int, at_risk: bool) -> None:
    risk = assess_member(member(absent_streak=streak), DEFAULTS)

    if at_risk:
        assert risk.kinds == (RiskKind.ABSENCES,)
        assert risk.reasons == (f"absent from the last {streak} sessions in a row",)
        assert risk.urgency == 3
    else:
        assert risk.kinds == ()


@pytest.mark.parametrize(("days", "at_risk"), [(29, False), (30, True)])
def test_no_check_in_for_thirty_days(days: int, at_risk: bool) -> None:
    risk = assess_member(member(quiet_days=days), DEFAULTS)

    assert risk.kinds == ((RiskKind.QUIET,) if at_risk else ())
    if at_risk:
        assert risk.reasons == (f"no check-in for {days} days",)
        assert risk.urgency == 2


def test_quiet_since_joining_says_so() -> None:
    risk = assess_member(member(quiet_days=45, checked_in_since_joining=False), DEFAULTS)

    assert risk.reasons == ("no check-in in the 45 days since joining",)


def test_quiet_counts_only_in_an_active_circle() -> None:
    assert assess_member(member(quiet_days=None, forming_circles=1), DEFAULTS).kinds == ()


@pytest.mark.parametrize(
    ("left", "reason", "urgency"),
    [
        (14, "pause ends in 14 days, on 2026-12-05", 1),
        (1, "pause ends in 1 day, on 2026-11-22", 1),
        (0, "pause ends today", 1),
        (-3, "pause ended 3 days ago, on 2026-11-18; still marked paused", 2),
    ],
)
def test_a_pause_ending_soon(left: int, reason: str, urgency: int) -> None:
    figures = member(
        status="paused", paused_until=TODAY + dt.timedelta(days=left), pause_days_left=left
    )

    risk = assess_member(figures, DEFAULTS)

    assert risk.kinds == (RiskKind.PAUSE_ENDING,)
    assert risk.reasons == (reason,)
    assert risk.urgency == urgency


def test_a_pause_ending_later_or_without_a_date_is_not_listed() -> None:
    later = member(status="paused", paused_until=TODAY + dt.timedelta(15), pause_days_left=15)
    open_ended = member(status="paused")

    assert assess_member(later, DEFAULTS).kinds == ()
    assert assess_member(open_ended, DEFAULTS).kinds == ()


def test_a_paused_member_is_not_at_risk_for_being_away() -> None:
    away = member(status="paused", absent_streak=9, quiet_days=90, active_circles=0)

    assert assess_member(away, DEFAULTS).kinds == ()


def test_an_active_member_in_no_active_circle() -> None:
    alone = assess_member(member(active_circles=0, quiet_days=None), DEFAULTS)
    resting = assess_member(member(active_circles=0, paused_circles=1, quiet_days=None), DEFAULTS)
    waiting = assess_member(member(active_circles=0, forming_circles=1, quiet_days=None), DEFAULTS)

    assert (alone.kinds, alone.reasons, alone.urgency) == (
        (RiskKind.NO_CIRCLE,),
        ("in no active circle",),
        2,
    )
    assert resting.reasons == ("in no active circle (their circles are paused)",)
    assert waiting.kinds == ()


def test_urgency_adds_up_the_reasons() -> None:
    risk = assess_member(member(absent_streak=4, quiet_days=35), DEFAULTS)

    assert risk.kinds == (RiskKind.ABSENCES, RiskKind.QUIET)
    assert risk.urgency == 5


def test_member_thresholds_passed_in_move_the_lines() -> None:
    figures = member(absent_streak=2, quiet_days=20)
    pause = member(status="paused", paused_until=TODAY + dt.timedelta(20), pause_days_left=20)

    assert assess_member(figures, HealthSettings(at_risk_absences=2)).kinds == (RiskKind.ABSENCES,)
    assert assess_member(figures, HealthSettings(at_risk_quiet_days=20)).kinds == (RiskKind.QUIET,)
    assert assess_member(pause, HealthSettings(pause_ending_days=30)).kinds == (
        RiskKind.PAUSE_ENDING,
    )


def test_quiet_days_count_from_the_later_of_check_in_and_joining() -> None:
    joined = dt.date(2026, 10, 1)

    assert quiet_days(None, None, TODAY) == (None, False)
    assert quiet_days(dt.date(2026, 11, 1), None, TODAY) == (None, False)
    assert quiet_days(None, joined, TODAY) == (51, False)
    assert quiet_days(dt.date(2026, 9, 1), joined, TODAY) == (51, False)
    assert quiet_days(dt.date(2026, 11, 11), joined, TODAY) == (10, True)
