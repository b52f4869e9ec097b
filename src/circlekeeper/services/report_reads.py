"""The queries the circle summary and the community digest share: the report's period and
audience, attendance at held sessions, which check-in answers an audience may read, and the
recognitions it may read. Built on services.core_tables, so the digest imports no ORM model."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, Connection, case, func, literal_column, or_, select

from circlekeeper.models.enums import Attendance, Audience, SessionStatus
from circlekeeper.services.core_tables import (
    CHECKIN,
    CIRCLE_SESSION,
    MEMBER,
    MEMBERSHIP,
    RECOGNITION,
)
from circlekeeper.services.report_models import RecognitionLine, ReportPeriod
from circlekeeper.services.report_scope import audience_of, may_read, members_of, period, shown_name


def report_period(
    audience: Audience | str, start: dt.date | None, end: dt.date | None, circle_id: int | None
) -> ReportPeriod:
    """The report's audience and days; `circle_id` is kept only for the circle audience."""
    first, last = period(start, end)
    reader = audience_of(audience)
    reading = circle_id if reader == Audience.CIRCLE else None
    return ReportPeriod(audience=reader, start=first, end=last, circle_id=reading)


def own(belongs: ColumnElement[bool], scope: ReportPeriod) -> ColumnElement[bool] | None:
    """`belongs` when a circle reads the report, else nothing is its own."""
    return belongs if scope.circle_id is not None else None


def attendance(
    connection: Connection, scope: ReportPeriod, where: ColumnElement[bool]
) -> tuple[int, int]:
    """Present and expected (not excused) marks at held sessions in the period: the period's
    held sessions (circle_session(local_date, status)), then their marks (the covering index
    checkin(session_id, attendance, member_id)); a check-in's day is its session's."""
    present = func.coalesce(
        func.sum(case((CHECKIN.c.attendance == Attendance.PRESENT.value, 1), else_=0)), 0
    )
    expected = func.coalesce(
        func.sum(case((CHECKIN.c.attendance != Attendance.EXCUSED.value, 1), else_=0)), 0
    )
    row = connection.execute(
        select(present, expected)
        .select_from(CHECKIN)
        .join(CIRCLE_SESSION, CIRCLE_SESSION.c.id == CHECKIN.c.session_id)
        .where(
            where,
            CIRCLE_SESSION.c.local_date.between(scope.start, scope.end),
            CIRCLE_SESSION.c.status == SessionStatus.HELD.value,
        )
    ).one()
    return int(row[0]), int(row[1])


def readable_answers(scope: ReportPeriod) -> list[ColumnElement[bool]]:
    """SQL: check-ins in the period with answers whose visibility the audience may read; "with
    answers" is spelt as the partial index checkin(day, circle_id) WHERE answers != '{}' says
    it (a literal, not a parameter), so the period is one range of that index."""
    return [
        CHECKIN.c.day.between(scope.start, scope.end),
        may_read(
            scope.audience,
            CHECKIN.c.visibility,
            own_circle=own(CHECKIN.c.circle_id == scope.circle_id, scope),
        ),
        CHECKIN.c.answers != literal_column("'{}'"),
    ]


def recognitions(
    connection: Connection,
    scope: ReportPeriod,
    *,
    circle_id: int | None = None,
    kinds: tuple[str, ...] | None = None,
) -> list[RecognitionLine]:
    """Recognitions in the period the audience may read: their visibility, and outside the
    facilitators only for members who consented to be recognised."""
    query = (
        select(
            RECOGNITION.c.day,
            shown_name(scope.audience, MEMBER, circle_id=scope.circle_id).label("name"),
            RECOGNITION.c.kind,
            RECOGNITION.c.message,
            RECOGNITION.c.badge_name,
        )
        .select_from(RECOGNITION)
        .join(MEMBER, MEMBER.c.id == RECOGNITION.c.member_id)
        .where(
            RECOGNITION.c.day.between(scope.start, scope.end),
            may_read(
                scope.audience,
                RECOGNITION.c.visibility,
                own_circle=own(
                    RECOGNITION.c.member_id.in_(members_of(scope.circle_id or 0)), scope
                ),
            ),
        )
        .order_by(RECOGNITION.c.day, RECOGNITION.c.id)
    )
    if scope.audience != Audience.FACILITATOR:
        query = query.where(MEMBER.c.consent_recognised.is_(True))
    if kinds is not None:
        query = query.where(RECOGNITION.c.kind.in_(kinds))
    if circle_id is not None:
        seated = select(MEMBERSHIP.c.member_id).where(
            MEMBERSHIP.c.circle_id == circle_id,
            MEMBERSHIP.c.joined_on <= scope.end,
            or_(MEMBERSHIP.c.left_on.is_(None), MEMBERSHIP.c.left_on >= scope.start),
        )
        query = query.where(RECOGNITION.c.member_id.in_(seated))
    return [
        RecognitionLine(day=day, member=name, kind=kind, message=message, badge=badge or "")
        for day, name, kind, message, badge in connection.execute(query).all()
    ]
