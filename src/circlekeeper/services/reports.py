"""The circle summary, the community digest and the facilitator report as read models.

Every query filters by the audience itself (visibility, consent to be named or recognised,
incidents and session notes for facilitators only): text the audience may not read never leaves
the database, so no renderer can leak it.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import String, and_, case, func, literal, literal_column, or_, type_coerce
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import (
    Attendance,
    Audience,
    CheckIn,
    Circle,
    CircleSession,
    CircleStatus,
    CircleVisibility,
    Incident,
    IncidentStatus,
    Member,
    Membership,
    Recognition,
    RecognitionKind,
    Role,
    RoleAssignment,
    SessionStatus,
)
from circlekeeper.models.ambassador import Ambassador, GoalProgress
from circlekeeper.services.errors import InvalidInput
from circlekeeper.services.lookup import find_circle
from circlekeeper.services.report_models import (
    CircleHighlight,
    CircleNews,
    CircleSummary,
    Digest,
    FacilitatorReport,
    IncidentLine,
    Quote,
    RecognitionLine,
    ReportPeriod,
    SessionLine,
    Theme,
)
from circlekeeper.services.report_scope import (
    audience_of,
    may_read,
    members_of,
    period,
    reading_circle,
    shown_name,
)

QUOTES_PER_CIRCLE = 3
"""Highlights per circle in the digest: enough to give a flavour, short enough to read."""
UPCOMING = 4
CLOSING_AHEAD_DAYS = 28
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
        scope = _scope(audience, start, end, circle.id)
        return _circle_summary(session, circle, scope)


def community_digest(
    db: Database,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    audience: Audience | str = Audience.COMMUNITY,
    circle_ref: str | int | None = None,
) -> Digest:
    """The community newsletter: each circle's readable highlights, new and closing circles,
    spotlights and badges, the ambassadors' collective progress and circles open to join; for
    the circle audience, `circle_ref` is the circle reading it."""
    reader = audience_of(audience)
    with db.read() as session:
        scope = _scope(reader, start, end, reading_circle(session, reader, circle_ref))
        held, present = _activity(session, scope)
        logged, by_metric, ambassadors = _ambassador_progress(session, scope)
        return Digest(
            scope=scope,
            highlights=_highlights(session, scope),
            new_circles=_new_circles(session, scope),
            closing_circles=_closing_circles(session, scope),
            spotlights=_recognitions(
                session,
                scope,
                kinds=(RecognitionKind.SPOTLIGHT.value, RecognitionKind.BADGE.value),
            ),
            ambassadors=ambassadors,
            progress_logged=logged,
            progress_by_metric=by_metric,
            invitations=_invitations(session, scope),
            sessions_held=held,
            members_present=present,
        )


def facilitator_report(
    db: Database,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    audience: Audience | str = Audience.FACILITATOR,
) -> FacilitatorReport:
    """Every active or paused circle in full, private notes included, and every incident open
    or touched in the period: refused for any audience but facilitators."""
    scope = _scope(audience, start, end, None)
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


def _scope(
    audience: Audience | str, start: dt.date | None, end: dt.date | None, circle_id: int | None
) -> ReportPeriod:
    first, last = period(start, end)
    reader = audience_of(audience)
    reading = circle_id if reader == Audience.CIRCLE else None
    return ReportPeriod(audience=reader, start=first, end=last, circle_id=reading)


def _circle_summary(session: Session, circle: Circle, scope: ReportPeriod) -> CircleSummary:
    circle_id = _id(circle.id)
    facilitators = scope.audience == Audience.FACILITATOR
    lines = _sessions(session, circle_id, scope)
    present, expected = _attendance(session, scope, CheckIn.circle_id == circle_id)
    quotes = _quotes(session, scope, circle_id=circle_id)
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
        recognitions=_recognitions(session, scope, circle_id=circle_id),
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


def _attendance(session: Session, scope: ReportPeriod, where: Any) -> tuple[int, int]:
    """Present and expected (not excused) marks at held sessions in the period: the period's
    held sessions (circle_session(local_date, status)), then their marks (the covering index
    checkin(session_id, attendance, member_id)); a check-in's day is its session's."""
    present = func.coalesce(
        func.sum(case((col(CheckIn.attendance) == Attendance.PRESENT.value, 1), else_=0)), 0
    )
    expected = func.coalesce(
        func.sum(case((col(CheckIn.attendance) != Attendance.EXCUSED.value, 1), else_=0)), 0
    )
    row = session.exec(
        select(present, expected)
        .join(CircleSession, col(CircleSession.id) == col(CheckIn.session_id))
        .where(
            where,
            col(CircleSession.local_date).between(scope.start, scope.end),
            col(CircleSession.status) == SessionStatus.HELD.value,
        )
    ).one()
    return int(row[0]), int(row[1])


def _quotes(
    session: Session, scope: ReportPeriod, *, circle_id: int | None, limit: int | None = None
) -> list[Quote]:
    """Answers of check-ins whose visibility the audience may read, newest last."""
    query = (
        select(  # type: ignore[call-overload]
            CheckIn.day,
            CheckIn.answers,
            CheckIn.visibility,
            shown_name(scope.audience, circle_id=scope.circle_id).label("name"),
        )
        .join(Member, col(Member.id) == col(CheckIn.member_id))
        .where(*_readable_answers(scope))
        .order_by(col(CheckIn.day), col(CheckIn.id))
    )
    if circle_id is not None:
        query = query.where(col(CheckIn.circle_id) == circle_id)
    quotes = [
        Quote(day=day, prompt=prompt, answer=answer, member=name, visibility=visibility)
        for day, answers, visibility, name in session.exec(query).all()
        for prompt, answer in answers.items()
        if answer.strip()
    ]
    return quotes[-limit:] if limit else quotes


def _readable_answers(scope: ReportPeriod) -> list[Any]:
    """SQL: check-ins in the period with answers whose visibility the audience may read; "with
    answers" is spelt as the partial index checkin(day, circle_id) WHERE answers != '{}' says
    it (a literal, not a parameter), so the period is one range of that index."""
    return [
        col(CheckIn.day).between(scope.start, scope.end),
        may_read(
            scope.audience,
            CheckIn.visibility,
            own_circle=_own(CheckIn.circle_id == scope.circle_id, scope),
        ),
        col(CheckIn.answers) != literal_column("'{}'"),
    ]


def _themes(quotes: list[Quote]) -> list[Theme]:
    """The prompts behind the readable answers, most answered first."""
    counts: dict[str, int] = {}
    for quote in quotes:
        counts[quote.prompt] = counts.get(quote.prompt, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold()))
    return [Theme(prompt=prompt, answers=count) for prompt, count in ranked]


def _recognitions(
    session: Session,
    scope: ReportPeriod,
    *,
    circle_id: int | None = None,
    kinds: tuple[str, ...] | None = None,
) -> list[RecognitionLine]:
    """Recognitions in the period the audience may read: their visibility, and outside the
    facilitators only for members who consented to be recognised."""
    query = (
        select(  # type: ignore[call-overload]
            Recognition.day,
            shown_name(scope.audience, circle_id=scope.circle_id).label("name"),
            Recognition.kind,
            Recognition.message,
            Recognition.badge_name,
        )
        .join(Member, col(Member.id) == col(Recognition.member_id))
        .where(
            col(Recognition.day).between(scope.start, scope.end),
            may_read(
                scope.audience,
                Recognition.visibility,
                own_circle=_own(
                    col(Recognition.member_id).in_(members_of(scope.circle_id or 0)), scope
                ),
            ),
        )
        .order_by(col(Recognition.day), col(Recognition.id))
    )
    if scope.audience != Audience.FACILITATOR:
        query = query.where(col(Member.consent_recognised).is_(True))
    if kinds is not None:
        query = query.where(col(Recognition.kind).in_(kinds))
    if circle_id is not None:
        seated = select(Membership.member_id).where(
            col(Membership.circle_id) == circle_id,
            col(Membership.joined_on) <= scope.end,
            or_(col(Membership.left_on).is_(None), col(Membership.left_on) >= scope.start),
        )
        query = query.where(col(Recognition.member_id).in_(seated))
    return [
        RecognitionLine(day=day, member=name, kind=kind, message=message, badge=badge or "")
        for day, name, kind, message, badge in session.exec(query).all()
    ]


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


def _own(belongs: Any, scope: ReportPeriod) -> Any:
    """`belongs` when a circle reads the report, else nothing is its own."""
    return belongs if scope.circle_id is not None else None


def _activity(session: Session, scope: ReportPeriod) -> tuple[int, int]:
    held = session.exec(
        select(func.count())
        .select_from(CircleSession)
        .where(
            col(CircleSession.local_date).between(scope.start, scope.end),
            col(CircleSession.status) == SessionStatus.HELD.value,
        )
    ).one()
    present, _ = _attendance(session, scope, literal(True))
    return int(held), present


def _highlights(session: Session, scope: ReportPeriod) -> list[CircleHighlight]:
    """Circles that met in the period, each with its latest readable answers."""
    held = func.count(col(CircleSession.id))
    rows = session.exec(
        select(Circle.id, Circle.name, held)
        .join(CircleSession, col(CircleSession.circle_id) == col(Circle.id))
        .where(
            col(CircleSession.local_date).between(scope.start, scope.end),
            col(CircleSession.status) == SessionStatus.HELD.value,
        )
        .group_by(col(Circle.id))
        .order_by(col(Circle.name_key))
    ).all()
    quotes = _latest_quotes(session, scope, QUOTES_PER_CIRCLE)
    return [
        CircleHighlight(circle=name, held=count, quotes=quotes.get(_id(circle_id), []))
        for circle_id, name, count in rows
    ]


def _latest_quotes(session: Session, scope: ReportPeriod, limit: int) -> dict[int, list[Quote]]:
    """Circle id → its `limit` latest readable answers in the period (as `_quotes` gives them for
    one circle), for every circle in one query: a window function keeps each circle's `limit`
    latest check-ins with answers, which hold at least `limit` answers between them."""
    newest = (col(CheckIn.day).desc(), col(CheckIn.id).desc())
    ranked = (
        select(  # type: ignore[call-overload]
            CheckIn.circle_id,
            CheckIn.day,
            CheckIn.id,
            CheckIn.answers,
            CheckIn.visibility,
            shown_name(scope.audience, circle_id=scope.circle_id).label("name"),
            func.row_number()
            .over(partition_by=col(CheckIn.circle_id), order_by=newest)
            .label("rank"),
        )
        .join(Member, col(Member.id) == col(CheckIn.member_id))
        .where(*_readable_answers(scope))
        .subquery("ranked")
    )
    r = ranked.c
    rows: dict[int, list[tuple[str, str, str, str]]] = {}
    for circle_id, day, answers, visibility, name in session.exec(
        select(  # type: ignore[call-overload]
            r.circle_id,
            type_coerce(r.day, String),
            type_coerce(r.answers, String),
            r.visibility,
            r.name,
        )
        .where(r.rank <= limit)
        .order_by(r.circle_id, r.day, r.id)
    ).all():
        rows.setdefault(circle_id, []).append((day, answers, visibility, name))
    return {circle_id: _newest_quotes(kept, limit) for circle_id, kept in rows.items()}


def _newest_quotes(rows: list[tuple[str, str, str, str]], limit: int) -> list[Quote]:
    """The `limit` latest non-blank answers of one circle's check-in rows (day and answers as
    stored text, oldest first), oldest first: rows are decoded newest first and only until
    `limit` answers are found, so most of a digest's check-ins are never parsed."""
    kept: list[Quote] = []
    for day, answers, visibility, name in reversed(rows):
        for prompt, answer in reversed(json.loads(answers).items()):
            if answer.strip():
                kept.append(
                    Quote(
                        day=dt.date.fromisoformat(day),
                        prompt=prompt,
                        answer=answer,
                        member=name,
                        visibility=visibility,
                    )
                )
                if len(kept) == limit:
                    return kept[::-1]
    return kept[::-1]


def _seats_open() -> Any:
    taken = (
        select(func.count())
        .where(col(Membership.circle_id) == col(Circle.id), col(Membership.left_on).is_(None))
        .correlate(Circle)
        .scalar_subquery()
    )
    return col(Circle.max_size) - taken


def _news(session: Session, where: Any, day: Any) -> list[CircleNews]:
    rows = session.exec(
        select(  # type: ignore[call-overload]
            Circle.name,
            Circle.kind,
            Circle.purpose,
            day,
            _seats_open(),
            Circle.visibility,
        )
        .where(where)
        .order_by(day, col(Circle.name_key))
    ).all()
    return [
        CircleNews(
            circle=name,
            kind=kind,
            purpose=purpose,
            day=on,
            seats_open=max(int(seats), 0),
            how_to_join=_how_to_join(visibility),
        )
        for name, kind, purpose, on, seats, visibility in rows
    ]


def _how_to_join(visibility: str) -> str:
    return {
        CircleVisibility.OPEN.value: "open to everyone",
        CircleVisibility.OPT_IN.value: "opt in with a facilitator",
        CircleVisibility.APPLICATION.value: "apply to join",
    }.get(visibility, visibility)


def _new_circles(session: Session, scope: ReportPeriod) -> list[CircleNews]:
    """Circles that started in the period (their start date, else the day they were made)."""
    began = func.coalesce(col(Circle.starts_on), func.date(col(Circle.created_at)))
    return _news(
        session,
        and_(
            began.between(scope.start.isoformat(), scope.end.isoformat()),
            col(Circle.status) != CircleStatus.CLOSED.value,
        ),
        began,
    )


def _closing_circles(session: Session, scope: ReportPeriod) -> list[CircleNews]:
    """Circles that end within four weeks of the period's end (or ended in it)."""
    horizon = scope.end + dt.timedelta(days=CLOSING_AHEAD_DAYS)
    return _news(
        session,
        and_(
            col(Circle.ends_on).between(scope.start, horizon),
            col(Circle.status) != CircleStatus.FORMING.value,
        ),
        col(Circle.ends_on),
    )


def _invitations(session: Session, scope: ReportPeriod) -> list[CircleNews]:
    """Opt-in and application circles, forming or active, with seats open."""
    return _news(
        session,
        and_(
            col(Circle.visibility).in_(
                [CircleVisibility.OPT_IN.value, CircleVisibility.APPLICATION.value]
            ),
            col(Circle.status).in_([CircleStatus.FORMING.value, CircleStatus.ACTIVE.value]),
            _seats_open() > 0,
        ),
        col(Circle.starts_on),
    )


def _ambassador_progress(
    session: Session, scope: ReportPeriod
) -> tuple[int, list[tuple[str, int]], int]:
    """Everything the ambassadors logged in the period, in all and per metric, and how many
    ambassadors logged anything."""
    total = func.coalesce(func.sum(col(GoalProgress.count)), 0)
    rows = session.exec(
        select(GoalProgress.metric, total)
        .where(col(GoalProgress.day).between(scope.start, scope.end))
        .group_by(col(GoalProgress.metric_key))
        .order_by(total.desc(), col(GoalProgress.metric_key))
    ).all()
    people = session.exec(
        select(func.count(func.distinct(col(GoalProgress.ambassador_id))))
        .join(Ambassador, col(Ambassador.id) == col(GoalProgress.ambassador_id))
        .where(col(GoalProgress.day).between(scope.start, scope.end))
    ).one()
    by_metric = [(metric, int(count)) for metric, count in rows]
    return sum(count for _, count in by_metric), by_metric, int(people)


def _id(value: int | None) -> int:
    assert value is not None
    return value
