"""Check-in rules: one member's attendance and answers at a session, or a written check-in."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, and_
from sqlmodel import col, select

from circlekeeper.db import Database
from circlekeeper.models import CheckIn, CheckInCreate, CheckInRead, CircleSession, Membership
from circlekeeper.models.enums import SessionStatus, Visibility
from circlekeeper.services.checkin_rows import checkin_reads, write_checkin
from circlekeeper.services.errors import Conflict, InvalidInput, NotFound
from circlekeeper.services.lookup import find_circle, find_member

MAX_LIST = 1000


def add_checkin(
    db: Database, *, session_id: int, member_ref: str | int, data: CheckInCreate
) -> CheckInRead:
    """Record one member's check-in at a session; refused if they already have one there."""
    with db.write() as session:
        row = session.get(CircleSession, session_id)
        if row is None:
            raise NotFound(f"no session #{session_id} — 'session list' shows them")
        if row.status in (SessionStatus.CANCELLED, SessionStatus.DID_NOT_HAPPEN):
            raise Conflict(f"session #{session_id} is {row.status}; it has no check-ins")
        member = find_member(session, member_ref)
        _ensure_member_of(session, row.circle_id, member.id, member.name)
        clash = session.exec(
            select(CheckIn.id).where(
                col(CheckIn.session_id) == session_id, col(CheckIn.member_id) == member.id
            )
        ).first()
        if clash is not None:
            raise Conflict(f"{member.name} already has a check-in at session #{session_id}")
        written = write_checkin(
            session, circle_id=row.circle_id, member_id=member.id or 0, session_row=row, data=data
        )
        return checkin_reads(session, col(CheckIn.id) == written.id)[0]


def add_written_checkin(
    db: Database, *, circle_ref: str | int, member_ref: str | int, day: dt.date, data: CheckInCreate
) -> CheckInRead:
    """A written check-in for an async circle, on its own date and without a session."""
    with db.write() as session:
        circle = find_circle(session, circle_ref)
        member = find_member(session, member_ref)
        _ensure_member_of(session, circle.id or 0, member.id, member.name)
        written = write_checkin(
            session,
            circle_id=circle.id or 0,
            member_id=member.id or 0,
            session_row=None,
            data=data,
            day=day,
        )
        return checkin_reads(session, col(CheckIn.id) == written.id)[0]


def list_checkins(
    db: Database,
    *,
    circle_ref: str | int | None = None,
    member_ref: str | int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    visibility: Visibility | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[CheckInRead]:
    """History of check-ins for a circle and/or a member over a date range, newest first."""
    if not 1 <= limit <= MAX_LIST:
        raise InvalidInput(f"limit must be between 1 and {MAX_LIST}")
    with db.read() as session:
        clauses: list[ColumnElement[bool]] = []
        if circle_ref is not None:
            clauses.append(col(CheckIn.circle_id) == find_circle(session, circle_ref).id)
        if member_ref is not None:
            clauses.append(col(CheckIn.member_id) == find_member(session, member_ref).id)
        if start is not None:
            clauses.append(col(CheckIn.day) >= start)
        if end is not None:
            clauses.append(col(CheckIn.day) <= end)
        if visibility is not None:
            clauses.append(col(CheckIn.visibility) == visibility.value)
        return checkin_reads(session, and_(True, *clauses), limit=limit, offset=offset)


def _ensure_member_of(session: object, circle_id: int, member_id: int | None, name: str) -> None:
    stays = session.exec(  # type: ignore[attr-defined]
        select(Membership.id).where(
            col(Membership.circle_id) == circle_id, col(Membership.member_id) == member_id
        )
    ).first()
    if stays is None:
        raise Conflict(f"{name} has never been in this circle")
