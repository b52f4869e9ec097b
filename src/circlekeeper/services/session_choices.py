"""Choices around one session: run it with another ritual; see a member's sessions in their time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import and_
from sqlmodel import col, select

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import (
    CircleSession,
    MemberSessionRead,
    Membership,
    SessionRead,
    SessionStatus,
)
from circlekeeper.services.errors import Conflict, NotFound
from circlekeeper.services.lookup import find_member
from circlekeeper.services.rituals import find_ritual
from circlekeeper.services.sessions import session_reads
from circlekeeper.services.versioning import versioned_update


def use_ritual_for_session(
    db: Database, *, session_id: int, ritual_ref: str | int, expected_version: int | None = None
) -> SessionRead:
    """Run one planned session with a different ritual than the circle's default."""
    with db.write() as session:
        row = session.get(CircleSession, session_id)
        if row is None:
            raise NotFound(f"no session #{session_id} — 'session list' shows them")
        if row.status != SessionStatus.PLANNED:
            raise Conflict(f"session #{session_id} is {row.status}; only a planned one can change")
        ritual = find_ritual(session, ritual_ref)
        versioned_update(
            session,
            row,
            {"ritual_id": ritual.id},
            expected_version=expected_version,
            what=f"session #{session_id}",
        )
        return session_reads(session, col(CircleSession.id) == row.id)[0]


def upcoming_for_member(
    db: Database, *, member_ref: str | int, days: int = 28, limit: int = 10
) -> list[MemberSessionRead]:
    """The member's planned sessions in the coming `days`, each also in the member's own time.

    One query across all the member's current circles, not one per circle.
    """
    now = clock.now()
    with db.read() as session:
        member = find_member(session, member_ref)
        circles_now = select(Membership.circle_id).where(
            col(Membership.member_id) == member.id, col(Membership.left_on).is_(None)
        )
        where = and_(
            col(CircleSession.circle_id).in_(circles_now),
            col(CircleSession.status) == SessionStatus.PLANNED.value,
            col(CircleSession.starts_at) >= now,
            col(CircleSession.starts_at) <= now + dt.timedelta(days=days),
        )
        zone = ZoneInfo(member.timezone)
        return [
            MemberSessionRead(
                **read.model_dump(),
                member_timezone=member.timezone,
                member_local_start=read.starts_at.astimezone(zone),
            )
            for read in session_reads(session, where, limit=limit)
        ]
