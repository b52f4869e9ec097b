"""The facilitator's Monday question — where do I need to look this week? — in one read model.

Each part comes from the service that owns it (health, risk, incidents, reviews, the ambassador
programme); this module ranks their findings into alerts and adds the week's sessions and a
12-week attendance line, computed with one GROUP BY over the check-ins.
"""

from __future__ import annotations

import datetime as dt

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
    alerts: list[Alert] = []
    members, members_total = _member_alerts(db, settings, today)
    for kind, found, total in (
        ("circle", _circle_alerts(db, settings, today), None),
        ("member", members, members_total),
        ("incident", _incident_alerts(db, today), None),
        ("ambassador", _programme_alerts(db), None),
        ("review", _review_alerts(db, settings, today), None),
    ):
        alerts += _capped(kind, found, len(found) if total is None else total)
    return alerts


def _capped(kind: str, found: list[Alert], total: int) -> list[Alert]:
    """The `PER_KIND` most urgent alerts of `kind` (others, like coverage, pass untouched) and
    an alert counting the rest."""
    same = sorted(
        (alert for alert in found if alert.kind == kind),
        key=lambda a: (-a.urgency, a.title.casefold()),
    )
    others = [alert for alert in found if alert.kind != kind]
    kept = same[:PER_KIND]
    more = total - len(others) - len(kept)
    if more > 0:
        one, many, target = MORE[kind]
        kept.append(
            Alert(
                kind=f"{kind}s",
                urgency=1,
                title=f"{more:,} more {one if more == 1 else many}",
                detail="the most urgent are listed above",
                target=target,
                target_id=None,
            )
        )
    return kept + others


def _circle_alerts(db: Database, settings: HealthSettings, today: dt.date) -> list[Alert]:
    from circlekeeper.services.health import circle_health

    urgency = {"dormant": 3, "fading": 2}
    return [
        Alert(
            kind="circle",
            urgency=urgency[str(found.status)],
            title=f"{found.name} is {found.status}",
            detail="; ".join(found.reasons),
            target="health",
            target_id=found.circle_id,
        )
        for found in circle_health(db, settings=settings, today=today)
        if str(found.status) in urgency
    ]


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
    return alerts, overview.total


def _incident_alerts(db: Database, today: dt.date) -> list[Alert]:
    """Overdue follow-ups, without a word of the incident itself (it is confidential)."""
    from circlekeeper.services.incidents import overdue_incidents

    return [
        Alert(
            kind="incident",
            urgency=3 if str(found.severity) == "high" else 2,
            title=f"Incident #{found.id}: follow-up overdue since {found.follow_up_on}",
            detail=f"{found.severity} severity · contact {found.contact or 'not set'}",
            target="incidents",
            target_id=found.id,
        )
        for found in overdue_incidents(db, today=today)
    ]


def _programme_alerts(db: Database) -> list[Alert]:
    """Ambassadors behind or overloaded, and a coverage gap or thin coverage."""
    from circlekeeper.services.programme_health import programme_health

    health = programme_health(db)
    alerts = [
        Alert(
            kind="ambassador",
            urgency=2 if over.behind_streak >= 3 else 1,
            title=f"{over.member_name} is overloaded or behind",
            detail="; ".join(over.reasons),
            target="ambassadors",
            target_id=over.ambassador_id,
        )
        for over in health.overload
    ]
    if health.coverage.flag:
        alerts.append(
            Alert(
                kind="coverage",
                urgency=1,
                title="Ambassador coverage",
                detail=health.coverage.flag,
                target="ambassadors",
                target_id=None,
            )
        )
    return alerts


def _review_alerts(db: Database, settings: HealthSettings, today: dt.date) -> list[Alert]:
    from circlekeeper.services.reviews import reviews_due

    return [
        Alert(
            kind="review",
            urgency=2 if due.due_on <= today else 1,
            title=f"Seasonal review due for {due.circle_name}",
            detail=f"{due.reason} — v on Circles opens it",
            target="circles",
            target_id=due.circle_id,
        )
        for due in reviews_due(db, settings=settings, today=today)
    ]


def _count(session: Session, table: type, where: object) -> int:
    return int(session.exec(select(func.count()).select_from(table).where(where)).one())  # type: ignore[arg-type]
