"""The recognition log: shout-outs, spotlights, badges, notes and gifts, public only with consent.

Rules kept here:
- a badge entry names a badge (kind badge), and only a badge entry names one;
- a badge is given to a member once (the earlier entry's date is named when refused);
- a member who has not agreed to public recognition is recognised privately only;
- members who have left may still be thanked (thanks after leaving is fine);
- an entry is dated today or earlier, never ahead.
"""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from sqlalchemy import ColumnElement, and_, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import (
    Member,
    Recognition,
    RecognitionKind,
    RecognitionPage,
    RecognitionRead,
    Visibility,
)
from circlekeeper.models.recognition import MESSAGE_MAX
from circlekeeper.services.actor import current_actor
from circlekeeper.services.badges import find_badge
from circlekeeper.services.errors import Conflict, InvalidInput
from circlekeeper.services.lookup import find_member
from circlekeeper.text import clean_text, quoted

MAX_PAGE = 1000

EnumT = TypeVar("EnumT", RecognitionKind, Visibility)


def recognize(
    db: Database,
    *,
    member_ref: str | int,
    kind: RecognitionKind,
    message: str,
    badge: str | None = None,
    visibility: Visibility = Visibility.PRIVATE,
    day: dt.date | None = None,
    by_ref: str | int | None = None,
) -> RecognitionRead:
    """Add one entry to the recognition log, after the consent and badge rules (module doc).

    `by_ref` names the member who gives the thanks; without it the entry is given by this
    computer's user (the facilitator). `day` defaults to today in the facilitator's timezone.
    """
    with db.write() as session:
        return record(
            session,
            member_ref=member_ref,
            kind=kind,
            message=message,
            badge=badge,
            visibility=visibility,
            day=day,
            by_ref=by_ref,
        )


def record(
    session: Session,
    *,
    member_ref: str | int,
    kind: RecognitionKind,
    message: str,
    badge: str | int | None = None,
    visibility: Visibility = Visibility.PRIVATE,
    day: dt.date | None = None,
    by_ref: str | int | None = None,
) -> RecognitionRead:
    """`recognize` inside the caller's write transaction (granting a suggestion uses it)."""
    kind = _enum(RecognitionKind, kind, "kind")
    visibility = _enum(Visibility, visibility, "visibility")
    text = clean_text(message or "", multiline=True).strip()
    if not text:
        raise InvalidInput("say what the recognition is for (--message)")
    if len(text) > MESSAGE_MAX:
        raise InvalidInput(f"message: at most {MESSAGE_MAX} characters (this one has {len(text)})")
    when = _day(day)
    if kind is RecognitionKind.BADGE and badge is None:
        raise InvalidInput("a badge entry names the badge (--badge NAME; 'badge list' shows them)")
    if kind is not RecognitionKind.BADGE and badge is not None:
        raise InvalidInput(f"--badge goes with --kind badge, not {kind.value}")
    member = find_member(session, member_ref)
    if visibility is not Visibility.PRIVATE and not member.consent_recognised:
        raise InvalidInput(
            f"{member.name} has not agreed to public recognition; record it privately "
            f"(--visibility private) or update their consent with "
            f"'member edit {member.id} --consent-recognised'"
        )
    giver = find_member(session, by_ref) if by_ref is not None else None
    if giver is not None and giver.id == member.id:
        raise InvalidInput(
            "someone else gives the recognition — leave out --by to give it yourself"
        )
    found = find_badge(session, badge) if badge is not None else None
    if found is not None:
        earlier = session.exec(
            select(col(Recognition.day))
            .where(col(Recognition.member_id) == member.id, col(Recognition.badge_id) == found.id)
            .order_by(col(Recognition.day))
        ).first()
        if earlier is not None:
            raise Conflict(
                f"{member.name} already received the {quoted(found.name)} badge on {earlier} — "
                "a badge is given once; a shout-out can thank them again"
            )
    entry = Recognition(
        member_id=_id(member.id),
        kind=kind.value,
        message=text,
        badge_id=found.id if found else None,
        badge_name=found.name if found else "",
        given_by_id=giver.id if giver else None,
        given_by=giver.name if giver else current_actor(),
        day=when,
        visibility=visibility.value,
        created_at=clock.now(),
    )
    session.add(entry)
    session.flush()
    return recognition_reads(session, col(Recognition.id) == entry.id, limit=1, offset=0)[0]


def list_recognitions(
    db: Database,
    *,
    member_ref: str | int | None = None,
    kind: RecognitionKind | None = None,
    visibility: Visibility | None = None,
    offset: int = 0,
    limit: int = 50,
) -> RecognitionPage:
    """A page of the log, newest first (day, then entry), filtered by member, kind and exact
    visibility; each filter walks its own index."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}")
    if offset < 0:
        raise InvalidInput("offset must not be negative")
    with db.read() as session:
        clauses: list[ColumnElement[bool]] = []
        if member_ref is not None:
            clauses.append(col(Recognition.member_id) == find_member(session, member_ref).id)
        if kind is not None:
            clauses.append(col(Recognition.kind) == _enum(RecognitionKind, kind, "kind").value)
        if visibility is not None:
            value = _enum(Visibility, visibility, "visibility").value
            clauses.append(col(Recognition.visibility) == value)
        where = and_(True, *clauses)
        total = session.execute(
            sa_select(func.count()).select_from(Recognition).where(where)
        ).scalar_one()
        items = recognition_reads(session, where, limit=limit, offset=offset)
        return RecognitionPage(items=items, total=int(total), offset=offset, limit=limit)


def recognition_reads(
    session: Session, where: ColumnElement[bool], *, limit: int, offset: int
) -> list[RecognitionRead]:
    """One window of the log, newest first, with the member's name joined in."""
    rows = session.execute(
        sa_select(Recognition, col(Member.name))
        .join(Member, col(Member.id) == col(Recognition.member_id))
        .where(where)
        .order_by(col(Recognition.day).desc(), col(Recognition.id).desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return [
        RecognitionRead(
            id=_id(entry.id),
            member_id=entry.member_id,
            member_name=name,
            kind=RecognitionKind(entry.kind),
            message=entry.message,
            badge=entry.badge_name or None,
            given_by_id=entry.given_by_id,
            given_by=entry.given_by,
            day=entry.day,
            visibility=Visibility(entry.visibility),
            created_at=entry.created_at,
        )
        for entry, name in rows
    ]


def _day(day: dt.date | None) -> dt.date:
    """The entry's date: today in the facilitator's timezone by default, never ahead of it."""
    from circlekeeper.services.programme_settings import programme_settings

    today = programme_settings().today()
    if day is None:
        return today
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        raise InvalidInput("the date of a recognition must be a date (YYYY-MM-DD)")
    if day > today:
        raise InvalidInput(f"{day} is still ahead — record a recognition on or after the day")
    return day


def _enum(enum: type[EnumT], value: object, what: str) -> EnumT:
    """`value` as a member of `enum`, or InvalidInput listing the words allowed."""
    try:
        return enum(str(value))
    except ValueError:
        allowed = ", ".join(item.value for item in enum)
        raise InvalidInput(f"{what} must be one of {allowed}, not {quoted(value)}") from None


def _id(value: int | None) -> int:
    assert value is not None
    return value
