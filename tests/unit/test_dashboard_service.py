"""The dashboard read model: alerts from every watcher ranked by urgency, members at risk summed
up beyond the first few, the week's sessions with their facilitator, and weekly attendance."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.health_helpers import (
    LAST_TUESDAY,
    TODAY,
    clock_on,
    held,
    make_circle,
    person,
    seat,
    tuesdays,
    weeks_held,
)

from circlekeeper.db import Database
from circlekeeper.models import CheckInCreate
from circlekeeper.models.enums import SessionStatus
from circlekeeper.services import checkins, rota, sessions
from circlekeeper.services import dashboard as dashboard_module
from circlekeeper.services.dashboard import dashboard
from circlekeeper.services.dashboard_models import Alert
from circlekeeper.services.incidents import add_incident

FIVE = ("ana", "bo", "cy", "dee", "eli")
CANARY = "CANARY-harm-summary-7f3a"


def fading_circle(db: Database) -> None:
    """Builders: everyone came for four weeks, then two of five stopped coming."""
    make_circle(db, "Builders", starts_on=TODAY - dt.timedelta(weeks=9))
    seat(db, "Builders", *FIVE, joined_on=TODAY - dt.timedelta(weeks=9))
    days = tuesdays(8)
    weeks_held(db, "Builders", days[:4], FIVE)
    weeks_held(db, "Builders", days[4:], FIVE[:3], absent=FIVE[3:])


def test_alerts_come_from_every_watcher_ranked_by_urgency(db: Database) -> None:
    fading_circle(db)
    make_circle(db, "Old Oaks", starts_on=TODAY - dt.timedelta(weeks=13))
    seat(db, "Old Oaks", "fay", "gus", "hal", "ivy")
    weeks_held(db, "Old Oaks", tuesdays(4), ("fay", "gus", "hal", "ivy"))
    person(db, "zed")
    add_incident(
        db,
        summary=CANARY,
        severity="high",
        occurred_on=TODAY - dt.timedelta(days=20),
        follow_up_on=TODAY - dt.timedelta(days=3),
    )

    found = dashboard(db)

    kinds = [(alert.kind, alert.urgency) for alert in found.alerts]
    assert kinds[0] == ("incident", 3)
    assert ("circle", 2) in kinds
    assert ("review", 2) in kinds
    assert ("member", 1) in kinds
    assert [a.urgency for a in found.alerts] == sorted(
        (a.urgency for a in found.alerts), reverse=True
    )
    titles = {alert.kind: alert for alert in found.alerts}
    assert titles["circle"].title == "Builders is fading"
    assert titles["circle"].target == "health"
    assert titles["review"].title == "Seasonal review due for Old Oaks"
    assert titles["review"].target == "circles"
    assert "v on Circles opens it" in titles["review"].detail
    assert titles["member"].title == "Zed may be drifting away"
    assert titles["member"].detail == "in no active circle"
    incident = titles["incident"]
    assert incident.title == f"Incident #{incident.target_id}: follow-up overdue since " + str(
        TODAY - dt.timedelta(days=3)
    )
    assert all(CANARY not in f"{a.title} {a.detail}" for a in found.alerts)


def test_members_at_risk_beyond_the_first_few_become_one_counted_alert(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    for handle in ("amy", "ben", "cat", "dan", "eve"):
        person(db, handle)
    monkeypatch.setattr(dashboard_module, "PER_KIND", 2)

    found = dashboard(db)

    members = [a for a in found.alerts if a.kind == "member"]
    summary = [a for a in found.alerts if a.kind == "members"]
    assert [a.title for a in members] == [
        "Amy may be drifting away",
        "Ben may be drifting away",
    ]
    assert [(a.title, a.target, a.target_id) for a in summary] == [
        ("3 more members may be drifting away", "members", None)
    ]
    assert found.alerts.index(summary[0]) > found.alerts.index(members[-1])


def test_nobody_at_risk_beyond_the_limit_adds_no_summary(db: Database) -> None:
    person(db, "amy")

    found = dashboard(db)

    assert [a.kind for a in found.alerts if a.kind.startswith("member")] == ["member"]


def test_the_weeks_sessions_show_their_facilitator_and_deputy(db: Database) -> None:
    make_circle(db, "Builders")
    seat(db, "Builders", *FIVE)
    sessions.plan_sessions(db, circle_ref="Builders", count=2)
    rota.plan_roles(db, circle_ref="Builders", sessions=2)

    found = dashboard(db)

    assert len(found.sessions) == 1, "one Tuesday in the coming seven days"
    [week] = found.sessions
    assert week.circle_name == "Builders"
    assert week.local_start.date() == LAST_TUESDAY + dt.timedelta(weeks=1)
    assert week.facilitator in {name.title() for name in FIVE}
    assert week.deputy in {name.title() for name in FIVE} - {week.facilitator}


def test_attendance_counts_present_against_expected_per_week(db: Database) -> None:
    fading_circle(db)

    found = dashboard(db)

    assert len(found.attendance) == 12
    assert found.attendance[-1].week_start == TODAY - dt.timedelta(days=TODAY.weekday())
    by_week = {week.week_start: week for week in found.attendance}
    last = by_week[LAST_TUESDAY - dt.timedelta(days=LAST_TUESDAY.weekday())]
    assert (last.present, last.expected, last.rate) == (3, 5, 0.6)
    early = by_week[tuesdays(8)[0] - dt.timedelta(days=1)]
    assert (early.present, early.expected, early.rate) == (5, 5, 1.0)
    assert found.attendance[0].rate is None
    assert (found.active_members, found.active_circles) == (5, 1)


def checked_in_at_unheld_session(db: Database, day: dt.date, handle: str, cancel: bool) -> None:
    """A Builders session planned for `day` while it was ahead, with one present check-in, then
    cancelled or left planned."""
    with clock_on(day - dt.timedelta(days=1)):
        planned = sessions.plan_sessions(db, circle_ref="Builders", dates=[day]).added[0]
    checkins.add_checkin(db, session_id=planned.id, member_ref=f"@{handle}", data=CheckInCreate())
    if cancel:
        sessions.set_session_status(
            db, session_id=planned.id, status=SessionStatus.CANCELLED, reason="snow"
        )


def test_attendance_weeks_start_on_monday_and_count_only_held_sessions_up_to_today(
    db: Database,
) -> None:
    make_circle(db, "Builders")
    seat(db, "Builders", "ana", "bo", "cy")
    sunday, monday = dt.date(2026, 11, 15), dt.date(2026, 11, 16)
    held(db, "Builders", sunday, present=("ana",), absent=("bo",), excused=("cy",))
    held(db, "Builders", monday, present=("ana", "bo"))
    checked_in_at_unheld_session(db, dt.date(2026, 11, 18), "cy", cancel=False)
    checked_in_at_unheld_session(db, dt.date(2026, 11, 19), "ana", cancel=True)

    weeks = {week.week_start: week for week in dashboard(db).attendance}
    on_sunday = dashboard(db, today=sunday).attendance

    assert (weeks[monday].present, weeks[monday].expected, weeks[monday].rate) == (2, 2, 1.0)
    earlier = weeks[dt.date(2026, 11, 9)]
    assert (earlier.present, earlier.expected, earlier.rate) == (1, 2, 0.5)
    assert on_sunday[-1].week_start == dt.date(2026, 11, 9)
    assert (on_sunday[-1].present, on_sunday[-1].expected) == (1, 2)
    assert on_sunday[0].week_start == dt.date(2026, 8, 24)
    assert all(week.rate is None for week in on_sunday[:-1])


def test_fading_circles_beyond_the_limit_are_counted_in_one_alert(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("Alders", "Birches"):
        make_circle(db, name)
        seat(db, name, *(f"{name.lower()}{n}" for n in range(3)))
    monkeypatch.setattr(dashboard_module, "PER_KIND", 1)

    found = dashboard(db)

    circles = [(a.kind, a.title, a.target) for a in found.alerts if a.kind.startswith("circle")]
    assert circles == [
        ("circle", "Alders is fading", "health"),
        ("circles", "1 more circle is fading or dormant", "health"),
    ]


@given(
    found=st.lists(
        st.tuples(st.integers(1, 3), st.text(alphabet="abcAB", min_size=1, max_size=3)),
        max_size=60,
    ),
    per_kind=st.integers(1, 4),
)
def test_the_most_urgent_kept_while_reading_are_the_most_urgent_of_all(
    found: list[tuple[int, str]], per_kind: int
) -> None:
    def alert(item: tuple[int, str]) -> Alert:
        urgency, title = item
        return Alert(
            kind="circle", urgency=urgency, title=title, detail="", target="health", target_id=None
        )

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dashboard_module, "PER_KIND", per_kind)
        kept, total = dashboard_module._most_urgent(iter(found), alert)

    ranked = sorted(found, key=lambda item: (-item[0], item[1].casefold()))[:per_kind]
    assert total == len(found)
    assert [(a.urgency, a.title.casefold()) for a in kept] == [
        (urgency, title.casefold()) for urgency, title in ranked
    ]


def test_an_empty_community_needs_nothing(db: Database) -> None:
    found = dashboard(db)

    assert found.alerts == []
    assert (found.active_members, found.active_circles, found.sessions) == (0, 0, [])
