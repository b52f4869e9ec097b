"""The facilitator's Monday question — where do I need to look this week? — in one read model.

Each part comes from the service that owns it (health, risk, incidents, reviews, the ambassador
programme); this module ranks their findings into alerts and adds the week's sessions and a
12-week attendance line, computed with one GROUP BY over the check-ins.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TypeVar

from sqlalchemy import func
from sqlmodel import Session, col, select

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import (
    Attendance,
    CheckIn,
    Circle,
    CircleSession,
    CircleStatus,
    Member,
    MemberStatus,
    SessionStatus,
)
from circlekeeper.services.dashboard_models import (
    Alert,
    Dashboard,
    DashboardWeek,
    WeekAttendance,
    WeekSession,
)
from circlekeeper.services.health_settings import HealthSettings

WEEKS = 12
PER_KIND = 25
"""Alerts of one kind listed one by one on the dashboard; the rest are counted in one alert, so
a large community's thousands of quiet members or fading circles do not bury everything else."""
MORE = {
    "circle": ("circle is fading or dormant", "circles are fading or dormant", "health"),
    "member": ("member may be drifting away", "members may be drifting away", "members"),
    "incident": ("incident follow-up is overdue", "incident follow-ups are overdue", "incidents"),
    "ambassador": (
        "ambassador is overloaded or behind",
        "ambassadors are overloaded or behind",
        "ambassadors",
    ),
    "review": (
        "circle is due a seasonal review",
        "circles are due a seasonal review",
        "circles",
    ),
}
FACILITATOR = "facilitator"
T = TypeVar("T")


def dashboard(
    db: Database,
    *,
    settings: HealthSettings = HealthSettings(),  # noqa: B008 (frozen dataclass)
    today: dt.date | None = None,
    alert_limit: int = 200,
) -> Dashboard:
    """This week's sessions, the alerts ranked by urgency, and the attendance of 12 weeks."""
    today = today or clock.today()
    week = dashboard_week(db, today=today)
    alerts = ranked_alerts(db, settings=settings, today=today, limit=alert_limit)
    return Dashboard(**dict(week), alerts=alerts)


def dashboard_week(db: Database, *, today: dt.date | None = None) -> DashboardWeek:
    """This week's sessions, the attendance of 12 weeks and the active counts: what the
    dashboard can show before its alerts are worked out."""
    today = today or clock.today()
    with db.read() as session:
        attendance = weekly_attendance(session, today)
        active_members = _count(session, Member, col(Member.status) == MemberStatus.ACTIVE.value)
        active_circles = _count(session, Circle, col(Circle.status) == CircleStatus.ACTIVE.value)
    return DashboardWeek(
        today=today,
        sessions=week_sessions(db),
        attendance=attendance,
        active_members=active_members,
        active_circles=active_circles,
    )


def ranked_alerts(
    db: Database,
    *,
    settings: HealthSettings = HealthSettings(),  # noqa: B008 (frozen dataclass)
    today: dt.date | None = None,
    limit: int = 200,
) -> list[Alert]:
    """The `limit` most urgent alerts as of `today`: by urgency, then kind, then title."""
    alerts = sorted(
        collect_alerts(db, settings=settings, today=today or clock.today()),
        key=lambda a: (-a.urgency, a.kind, a.title.casefold()),
    )
    return alerts[:limit]


def week_sessions(db: Database) -> list[WeekSession]:
    """Planned sessions of the next seven days with their facilitator and deputy."""
    from circlekeeper.services.rota import roles_for_sessions
    from circlekeeper.services.sessions import upcoming_sessions

    planned = upcoming_sessions(db, days=7)
    roles = roles_for_sessions(db, session_ids=[s.id for s in planned])
    found = []
    for read in planned:
        lead = next((a for a in roles.get(read.id, []) if a.role.casefold() == FACILITATOR), None)
        found.append(
            WeekSession(
                session_id=read.id,
                circle_id=read.circle_id,
                circle_name=read.circle_name,
                local_start=read.local_start,
                facilitator=lead.member_name if lead else None,
                deputy=lead.deputy_name if lead else None,
            )
        )
    return found


def weekly_attendance(session: Session, today: dt.date, weeks: int = WEEKS) -> list[WeekAttendance]:
    """Present and expected check-ins of held sessions per week, oldest first, `weeks` weeks.

    Counted per day and mark from check-in(day, attendance, session_id), each check-in's session
    looked up by id for its status, and folded into weeks here (a week expression per row in
    SQL cost as much as the look-ups)."""
    monday = today - dt.timedelta(days=today.weekday())
    first = monday - dt.timedelta(weeks=weeks - 1)
    rows = session.exec(
        select(col(CheckIn.day), col(CheckIn.attendance), func.count())
        .join(CircleSession, col(CircleSession.id) == col(CheckIn.session_id))
        .where(
            col(CheckIn.day) >= first,
            col(CheckIn.day) <= today,
            col(CircleSession.status) == SessionStatus.HELD.value,
        )
        .group_by(col(CheckIn.day), col(CheckIn.attendance))
    ).all()
    present, expected = [0] * weeks, [0] * weeks
    for day, attendance, count in rows:
        index = (day - first).days // 7
        present[index] += count if attendance == Attendance.PRESENT.value else 0
        expected[index] += count if attendance != Attendance.EXCUSED.value else 0
    return [
        WeekAttendance(
            week_start=first + dt.timedelta(weeks=index),
            present=present[index],
            expected=expected[index],
            rate=present[index] / expected[index] if expected[index] else None,
        )
        for index in range(weeks)
    ]


def collect_alerts(db: Database, *, settings: HealthSettings, today: dt.date) -> list[Alert]:
    """The findings of the services that watch the community as alerts (unranked): the
    `PER_KIND` most urgent of each kind, and one alert counting the rest of a kind."""
    coverage, ambassadors = _programme_alerts(db)
    alerts: list[Alert] = []
    for kind, (kept, total) in (
        ("circle", _circle_alerts(db, settings, today)),
        ("member", _member_alerts(db, settings, today)),
        ("incident", _incident_alerts(db, today)),
        ("ambassador", ambassadors),
        ("review", _review_alerts(db, settings, today)),
    ):
        alerts += kept + _more(kind, total - len(kept))
    return alerts + coverage


def _most_urgent(found: Iterable[T], alert: Callable[[T], Alert]) -> tuple[list[Alert], int]:
    """The `PER_KIND` most urgent of `found` as alerts, and how many were found.

    Only the kept few are held as alerts at once: a large community has thousands of fading
    circles or reviews due, and an alert for each would be built to be thrown away."""
    total = 0
    kept: list[Alert] = []
    for item in found:
        total += 1
        kept.append(alert(item))
        if len(kept) > 4 * PER_KIND:
            kept = _ranked(kept)[:PER_KIND]
    return _ranked(kept)[:PER_KIND], total


def _ranked(alerts: list[Alert]) -> list[Alert]:
    """Alerts of one kind, most urgent first, then by title."""
    return sorted(alerts, key=lambda a: (-a.urgency, a.title.casefold()))


def _more(kind: str, more: int) -> list[Alert]:
    """One alert counting the `more` alerts of `kind` not listed, or none."""
    if more <= 0:
        return []
    one, many, target = MORE[kind]
    return [
        Alert(
            kind=f"{kind}s",
            urgency=1,
            title=f"{more:,} more {one if more == 1 else many}",
            detail="the most urgent are listed above",
            target=target,
            target_id=None,
        )
    ]


def _circle_alerts(
    db: Database, settings: HealthSettings, today: dt.date
) -> tuple[list[Alert], int]:
    from circlekeeper.services.health import circle_health

    urgency = {"dormant": 3, "fading": 2}
    return _most_urgent(
        (
            found
            for found in circle_health(db, settings=settings, today=today)
            if str(found.status) in urgency
        ),
        lambda found: Alert(
            kind="circle",
            urgency=urgency[str(found.status)],
            title=f"{found.name} is {found.status}",
            detail="; ".join(found.reasons),
            target="health",
            target_id=found.circle_id,
        ),
    )


def _member_alerts(
    db: Database, settings: HealthSettings, today: dt.date
) -> tuple[list[Alert], int]:
    """The most urgent members at risk, and how many are at risk in all."""
    from circlekeeper.services.member_risk import members_at_risk_overview

    overview = members_at_risk_overview(db, settings=settings, today=today, limit=PER_KIND)
    alerts = [
        Alert(
            kind="member",
            urgency=1,
            title=f"{found.name} may be drifting away",
            detail="; ".join(found.reasons),
            target="members",
            target_id=found.member_id,
        )
        for found in overview.members
    ]
    return _ranked(alerts), overview.total


def _incident_alerts(db: Database, today: dt.date) -> tuple[list[Alert], int]:
    """Overdue follow-ups, without a word of the incident itself (it is confidential)."""
    from circlekeeper.services.incidents import overdue_incidents

    return _most_urgent(
        overdue_incidents(db, today=today),
        lambda found: Alert(
            kind="incident",
            urgency=3 if str(found.severity) == "high" else 2,
            title=f"Incident #{found.id}: follow-up overdue since {found.follow_up_on}",
            detail=f"{found.severity} severity · contact {found.contact or 'not set'}",
            target="incidents",
            target_id=found.id,
        ),
    )


def _programme_alerts(db: Database) -> tuple[list[Alert], tuple[list[Alert], int]]:
    """A coverage gap or thin coverage, and the ambassadors behind or overloaded."""
    from circlekeeper.services.programme_health import programme_health

    health = programme_health(db)
    coverage: list[Alert] = []
    if health.coverage.flag:
        coverage.append(
            Alert(
                kind="coverage",
                urgency=1,
                title="Ambassador coverage",
                detail=health.coverage.flag,
                target="ambassadors",
                target_id=None,
            )
        )
    overloaded = _most_urgent(
        health.overload,
        lambda over: Alert(
            kind="ambassador",
            urgency=2 if over.behind_streak >= 3 else 1,
            title=f"{over.member_name} is overloaded or behind",
            detail="; ".join(over.reasons),
            target="ambassadors",
            target_id=over.ambassador_id,
        ),
    )
    return coverage, overloaded


def _review_alerts(
    db: Database, settings: HealthSettings, today: dt.date
) -> tuple[list[Alert], int]:
    from circlekeeper.services.reviews import reviews_due

    return _most_urgent(
        reviews_due(db, settings=settings, today=today),
        lambda due: Alert(
            kind="review",
            urgency=2 if due.due_on <= today else 1,
            title=f"Seasonal review due for {due.circle_name}",
            detail=f"{due.reason} — v on Circles opens it",
            target="circles",
            target_id=due.circle_id,
        ),
    )


def _count(session: Session, table: type, where: object) -> int:
    return int(session.exec(select(func.count()).select_from(table).where(where)).one())  # type: ignore[arg-type]
