"""The circle summary and the facilitator report as read models (the community digest is
services.report_digest).

Every query filters by the audience itself (visibility, consent to be named or recognised,
incidents and session notes for facilitators only): text the audience may not read never leaves
the database, so no renderer can leak it.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import literal, or_
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import (
    Audience,
    Circle,
    CircleSession,
    CircleStatus,
    Incident,
    IncidentStatus,
    Member,
    Role,
    RoleAssignment,
    SessionStatus,
)
from circlekeeper.services.core_tables import CHECKIN, MEMBER
from circlekeeper.services.errors import InvalidInput
from circlekeeper.services.lookup import find_circle
from circlekeeper.services.report_models import (
    CircleSummary,
    FacilitatorReport,
    IncidentLine,
    Quote,
    ReportPeriod,
    SessionLine,
    Theme,
)
from circlekeeper.services.report_reads import (
    attendance,
    readable_answers,
    recognitions,
    report_period,
)
from circlekeeper.services.report_scope import shown_name

UPCOMING = 4
"""Planned sessions a circle summary lists ahead."""
FACILITATOR_ROLE = "facilitator"


def circle_summary(
    db: Database,
    *,
    circle_ref: str | int,
    start: dt.date | None = None,
    end: dt.date | None = None,
    audience: Audience | str = Audience.COMMUNITY,
) -> CircleSummary:
    """One circle over the period: sessions, attendance, themes and quotes the audience may read,
    recognitions, who facilitates next and the sessions ahead (and, for facilitators, session
    notes and the circle's incidents)."""
    with db.read() as session:
        circle = find_circle(session, circle_ref)
        scope = report_period(audience, start, end, circle.id)
        return _circle_summary(session, circle, scope)


def facilitator_report(
    db: Database,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    audience: Audience | str = Audience.FACILITATOR,
) -> FacilitatorReport:
    """Every active or paused circle in full, private notes included, and every incident open
    or touched in the period: refused for any audience but facilitators."""
    scope = report_period(audience, start, end, None)
    if scope.audience != Audience.FACILITATOR:
        raise InvalidInput(
            "the facilitator report holds private notes and incidents: it is only made with "
            "--audience facilitator"
        )
    with db.read() as session:
        circles = session.exec(
            select(Circle)
            .where(col(Circle.status).in_([CircleStatus.ACTIVE.value, CircleStatus.PAUSED.value]))
            .order_by(col(Circle.name_key))
        ).all()
        return FacilitatorReport(
            scope=scope,
            circles=[_circle_summary(session, circle, scope) for circle in circles],
            incidents=_incidents(session, scope, circle_id=None),
        )


def _circle_summary(session: Session, circle: Circle, scope: ReportPeriod) -> CircleSummary:
    circle_id = _id(circle.id)
    facilitators = scope.audience == Audience.FACILITATOR
    lines = _sessions(session, circle_id, scope)
    connection = session.connection()
    present, expected = attendance(connection, scope, CHECKIN.c.circle_id == circle_id)
    quotes = _quotes(session, scope, circle_id)
    lead, deputy = _next_facilitator(session, circle_id, scope)
    return CircleSummary(
        scope=scope,
        circle_id=circle_id,
        circle=circle.name,
        purpose=circle.purpose,
        sessions=lines,
        held=sum(1 for line in lines if line.status == SessionStatus.HELD),
        missed=sum(1 for line in lines if line.status != SessionStatus.HELD),
        present=present,
        expected=expected,
        themes=_themes(quotes),
        quotes=quotes,
        recognitions=recognitions(connection, scope, circle_id=circle_id),
        next_facilitator=lead,
        next_deputy=deputy,
        upcoming=_upcoming(session, circle_id),
        incidents=_incidents(session, scope, circle_id=circle_id) if facilitators else [],
    )


def _sessions(session: Session, circle_id: int, scope: ReportPeriod) -> list[SessionLine]:
    """Decided sessions in the period; notes are selected for facilitators only."""
    notes = col(CircleSession.notes) if scope.audience == Audience.FACILITATOR else literal("")
    rows = session.exec(
        select(  # type: ignore[call-overload]
            CircleSession.local_date, CircleSession.status, CircleSession.reason, notes
        )
        .where(
            col(CircleSession.circle_id) == circle_id,
            col(CircleSession.local_date).between(scope.start, scope.end),
            col(CircleSession.status) != SessionStatus.PLANNED.value,
        )
        .order_by(col(CircleSession.local_date), col(CircleSession.starts_at))
    ).all()
    return [
        SessionLine(day=day, status=status, reason=reason or "", notes=note or "")
        for day, status, reason, note in rows
    ]


def _quotes(session: Session, scope: ReportPeriod, circle_id: int) -> list[Quote]:
    """Answers of the circle's check-ins whose visibility the audience may read, newest last."""
    query = (
        sa_select(
            CHECKIN.c.day,
            CHECKIN.c.answers,
            CHECKIN.c.visibility,
            shown_name(scope.audience, MEMBER, circle_id=scope.circle_id).label("name"),
        )
        .select_from(CHECKIN)
        .join(MEMBER, MEMBER.c.id == CHECKIN.c.member_id)
        .where(*readable_answers(scope), CHECKIN.c.circle_id == circle_id)
        .order_by(CHECKIN.c.day, CHECKIN.c.id)
    )
    return [
        Quote(day=day, prompt=prompt, answer=answer, member=name, visibility=visibility)
        for day, answers, visibility, name in session.connection().execute(query).all()
        for prompt, answer in json.loads(answers).items()
        if answer.strip()
    ]


def _themes(quotes: list[Quote]) -> list[Theme]:
    """The prompts behind the readable answers, most answered first."""
    counts: dict[str, int] = {}
    for quote in quotes:
        counts[quote.prompt] = counts.get(quote.prompt, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold()))
    return [Theme(prompt=prompt, answers=count) for prompt, count in ranked]


def _next_facilitator(
    session: Session, circle_id: int, scope: ReportPeriod
) -> tuple[str | None, str | None]:
    """Who facilitates the circle's next planned session, and their deputy."""
    deputy = aliased(Member)
    reader, reading = scope.audience, scope.circle_id
    row = session.exec(
        select(
            shown_name(reader, Member, circle_id=reading),
            shown_name(reader, deputy, circle_id=reading),
        )
        .select_from(RoleAssignment)
        .join(Role, col(Role.id) == col(RoleAssignment.role_id))
        .join(CircleSession, col(CircleSession.id) == col(RoleAssignment.session_id))
        .join(Member, col(Member.id) == col(RoleAssignment.member_id))
        .outerjoin(deputy, col(deputy.id) == col(RoleAssignment.deputy_id))
        .where(
            col(CircleSession.circle_id) == circle_id,
            col(CircleSession.status) == SessionStatus.PLANNED.value,
            col(CircleSession.local_date) >= clock.today(),
            col(Role.name_key) == FACILITATOR_ROLE,
        )
        .order_by(col(CircleSession.starts_at))
        .limit(1)
    ).first()
    if row is None:
        return None, None
    return row[0], row[1]


def _upcoming(session: Session, circle_id: int) -> list[SessionLine]:
    rows = session.exec(
        select(col(CircleSession.local_date))
        .where(
            col(CircleSession.circle_id) == circle_id,
            col(CircleSession.status) == SessionStatus.PLANNED.value,
            col(CircleSession.local_date) >= clock.today(),
        )
        .order_by(col(CircleSession.starts_at))
        .limit(UPCOMING)
    ).all()
    return [SessionLine(day=day, status="planned", reason="", notes="") for day in rows]


def _incidents(
    session: Session, scope: ReportPeriod, *, circle_id: int | None
) -> list[IncidentLine]:
    """Incidents that happened in the period or are still open: facilitators only."""
    if scope.audience != Audience.FACILITATOR:
        return []
    query = (
        select(Incident, Circle.name)
        .outerjoin(Circle, col(Circle.id) == col(Incident.circle_id))
        .where(
            or_(
                col(Incident.occurred_on).between(scope.start, scope.end),
                col(Incident.status) != IncidentStatus.RESOLVED.value,
            ),
            col(Incident.occurred_on) <= scope.end,
        )
        .order_by(col(Incident.occurred_on), col(Incident.id))
    )
    if circle_id is not None:
        query = query.where(col(Incident.circle_id) == circle_id)
    return [
        IncidentLine(
            id=_id(incident.id),
            occurred_on=incident.occurred_on,
            circle=name or "",
            severity=incident.severity,
            status=incident.status,
            summary=incident.summary,
            follow_up_on=incident.follow_up_on,
            resolution=incident.resolution,
        )
        for incident, name in session.exec(query).all()
    ]


def _id(value: int | None) -> int:
    assert value is not None
    return value
