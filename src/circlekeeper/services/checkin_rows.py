"""Writing and reading check-in rows inside a transaction (shared by sessions and check-ins)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from circlekeeper import clock
from circlekeeper.models import (
    Attendance,
    CheckIn,
    CheckInCreate,
    CheckInRead,
    Circle,
    CircleSession,
    Member,
    Visibility,
)
from circlekeeper.services.errors import InvalidInput


def is_ahead(circle: Circle, day: dt.date, now: dt.datetime) -> bool:
    """Whether `day` has not come yet in the circle's time zone."""
    return day > now.astimezone(ZoneInfo(circle.timezone)).date()


def refuse_ahead(circle: Circle, day: dt.date, now: dt.datetime) -> None:
    """A session is recorded as held only from its own day on, in its circle's time zone."""
    if is_ahead(circle, day, now):
        raise InvalidInput(
            f"{day} is still ahead in {circle.timezone} — record a session once it was held"
        )


def write_checkin(
    session: Session,
    *,
    circle_id: int,
    member_id: int,
    session_row: CircleSession | None,
    data: CheckInCreate,
    keep_answers: bool = False,
    day: object = None,
) -> CheckIn:
    """Insert or replace one member's check-in at a session (or on a day, for written ones).

    With `keep_answers`, an existing check-in keeps its answers, mood and visibility and only its
    attendance changes (recording attendance after the fact must not erase what was written).
    """
    moment = clock.now()
    existing = None
    if session_row is not None:
        existing = session.exec(
            select(CheckIn).where(
                col(CheckIn.session_id) == session_row.id, col(CheckIn.member_id) == member_id
            )
        ).first()
    if existing is not None:
        existing.attendance = data.attendance.value
        if not keep_answers:
            existing.answers = dict(data.answers)
            existing.mood = data.mood
            existing.visibility = data.visibility.value
        existing.version += 1
        existing.updated_at = moment
        session.add(existing)
        session.flush()
        return existing
    row = CheckIn(
        session_id=session_row.id if session_row is not None else None,
        circle_id=circle_id,
        member_id=member_id,
        day=session_row.local_date if session_row is not None else day,  # type: ignore[arg-type]
        attendance=data.attendance.value,
        answers=dict(data.answers),
        mood=data.mood,
        visibility=data.visibility.value,
        created_at=moment,
        updated_at=moment,
    )
    session.add(row)
    session.flush()
    return row


def checkin_reads(
    session: Session, where: ColumnElement[bool], *, limit: int = 1000, offset: int = 0
) -> list[CheckInRead]:
    """CheckInRead rows for `where` with circle and member names, newest day first."""
    rows = session.exec(
        select(CheckIn, Circle.name, Member.name)
        .join(Circle, col(Circle.id) == col(CheckIn.circle_id))
        .join(Member, col(Member.id) == col(CheckIn.member_id))
        .where(where)
        .order_by(col(CheckIn.day).desc(), col(Member.name_key), col(CheckIn.id))
        .limit(limit)
        .offset(offset)
    ).all()
    return [
        CheckInRead(
            id=row.id or 0,
            session_id=row.session_id,
            circle_id=row.circle_id,
            circle_name=circle_name,
            member_id=row.member_id,
            member_name=member_name,
            day=row.day,
            attendance=Attendance(row.attendance),
            answers=dict(row.answers),
            mood=row.mood,
            visibility=Visibility(row.visibility),
            version=row.version,
        )
        for row, circle_name, member_name in rows
    ]
