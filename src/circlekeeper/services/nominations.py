"""Nominations: anyone can put a member forward as an ambassador, with a reason; the facilitator
accepts (the member becomes an ambassador in the same transaction) or declines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_
from sqlmodel import Session, col, select

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import (
    Ambassador,
    AmbassadorRead,
    AmbassadorStatus,
    Member,
    MemberStatus,
    Nomination,
    NominationRead,
    NominationStatus,
)
from circlekeeper.services.actor import current_actor
from circlekeeper.services.ambassadors import (
    ambassador_read,
    check_capacity,
    clean_focus,
    clean_note,
    make_ambassador,
)
from circlekeeper.services.errors import Conflict, InvalidInput, NotFound
from circlekeeper.services.lookup import find_member
from circlekeeper.services.programme_settings import ProgrammeSettings, programme_settings
from circlekeeper.text import clean_text

REASON_MAX = 500
DEFAULT_FOCUS = "welcome team"
"""The focus an accepted nominee starts with when neither the nomination nor the facilitator
names one: welcoming is where most ambassadors begin."""


def nominate(
    db: Database,
    *,
    member_ref: str | int,
    reason: str,
    by_ref: str | int | None = None,
    focus: str = "",
) -> NominationRead:
    """Put a member forward as an ambassador, by another member (`by_ref`) or, when None, by
    the person at this computer; one pending nomination per nominator and member."""
    why = clean_text(reason or "", multiline=True).strip()
    if not why or len(why) > REASON_MAX:
        raise InvalidInput(
            f"reason: say in 1 to {REASON_MAX} characters why they would make a good ambassador"
        )
    area = clean_focus([focus])[0][0] if clean_text(focus or "") else ""
    with db.write() as session:
        member = find_member(session, member_ref)
        if member.status == MemberStatus.LEFT:
            raise Conflict(f"{member.name} has left the community and cannot be nominated")
        ambassador = session.exec(
            select(Ambassador).where(col(Ambassador.member_id) == member.id)
        ).first()
        if ambassador is not None and ambassador.status != AmbassadorStatus.ALUMNI:
            raise Conflict(f"{member.name} is already an ambassador ({ambassador.status})")
        nominator = find_member(session, by_ref) if by_ref is not None else None
        by_name = nominator.name if nominator is not None else current_actor()
        same_nominator: ColumnElement[bool] = (
            col(Nomination.nominated_by_id) == nominator.id
            if nominator is not None
            else and_(
                col(Nomination.nominated_by_id).is_(None), col(Nomination.nominated_by) == by_name
            )
        )
        clash = session.exec(
            select(Nomination.id).where(
                col(Nomination.member_id) == member.id,
                col(Nomination.status) == NominationStatus.PENDING.value,
                same_nominator,
            )
        ).first()
        if clash is not None:
            raise Conflict(
                f"{by_name} already nominated {member.name} (nomination #{clash}, still "
                "pending) — 'nomination list' shows it"
            )
        nomination = Nomination(
            member_id=_id(member.id),
            nominated_by_id=nominator.id if nominator is not None else None,
            nominated_by=by_name,
            reason=why,
            focus=area,
            status=NominationStatus.PENDING.value,
            created_at=clock.now(),
        )
        session.add(nomination)
        session.flush()
        return _read(nomination, member.name)


def list_nominations(
    db: Database, *, status: NominationStatus | None = NominationStatus.PENDING
) -> list[NominationRead]:
    """Nominations with this status (None: all), newest first."""
    with db.read() as session:
        query = select(Nomination, Member.name).join(
            Member, col(Member.id) == col(Nomination.member_id)
        )
        if status is not None:
            query = query.where(col(Nomination.status) == NominationStatus(status).value)
        rows = session.exec(
            query.order_by(col(Nomination.created_at).desc(), col(Nomination.id).desc())
        ).all()
        return [_read(nomination, name) for nomination, name in rows]


def accept_nomination(
    db: Database,
    *,
    nomination_id: int,
    focus: Sequence[str] | None = None,
    capacity_per_week: int = 5,
    note: str = "",
    settings: ProgrammeSettings | None = None,
) -> tuple[NominationRead, AmbassadorRead]:
    """Accept a pending nomination and make the member an ambassador, in one transaction.

    The focus is `focus` if given, else the nomination's own focus, else "welcome team". Any
    other pending nominations of the same member are accepted with it. `note` is the decision
    note and starts the ambassador's note.
    """
    settings = settings or programme_settings()
    text = clean_note(note)
    capacity = check_capacity(capacity_per_week)
    explicit = clean_focus(focus) if focus else None
    today = settings.today()
    with db.write() as session:
        nomination, member = _pending(session, nomination_id)
        areas = explicit or clean_focus([nomination.focus or DEFAULT_FOCUS])
        ambassador = make_ambassador(
            session,
            member,
            focus=areas,
            capacity_per_week=capacity,
            started_on=None,
            note=text,
            today=today,
        )
        others = session.exec(
            select(Nomination).where(
                col(Nomination.member_id) == member.id,
                col(Nomination.status) == NominationStatus.PENDING.value,
            )
        ).all()
        for other in others:
            _decide(other, NominationStatus.ACCEPTED, text, today)
            session.add(other)
        session.flush()
        return _read(nomination, member.name), ambassador_read(session, ambassador, today=today)


def decline_nomination(
    db: Database,
    *,
    nomination_id: int,
    note: str = "",
    settings: ProgrammeSettings | None = None,
) -> NominationRead:
    """Decline a pending nomination (the note says why, for the record)."""
    settings = settings or programme_settings()
    text = clean_note(note)
    with db.write() as session:
        nomination, member = _pending(session, nomination_id)
        _decide(nomination, NominationStatus.DECLINED, text, settings.today())
        session.add(nomination)
        session.flush()
        return _read(nomination, member.name)


def _pending(session: Session, nomination_id: int) -> tuple[Nomination, Member]:
    nomination = session.get(Nomination, nomination_id)
    if nomination is None:
        raise NotFound(f"no nomination #{nomination_id} — 'nomination list' shows them")
    member = session.get(Member, nomination.member_id)
    assert member is not None
    if nomination.status != NominationStatus.PENDING:
        raise Conflict(
            f"nomination #{nomination_id} of {member.name} was already {nomination.status} "
            f"on {nomination.decided_on}"
        )
    return nomination, member


def _decide(nomination: Nomination, status: NominationStatus, note: str, today: dt.date) -> None:
    nomination.status = status.value
    nomination.decided_on = today
    nomination.decided_by = current_actor()
    nomination.decision_note = note


def _read(nomination: Nomination, member_name: str) -> NominationRead:
    return NominationRead(
        id=_id(nomination.id),
        member_id=nomination.member_id,
        member_name=member_name,
        nominated_by_id=nomination.nominated_by_id,
        nominated_by=nomination.nominated_by,
        reason=nomination.reason,
        focus=nomination.focus,
        status=NominationStatus(nomination.status),
        created_at=nomination.created_at,
        decided_on=nomination.decided_on,
        decided_by=nomination.decided_by,
        decision_note=nomination.decision_note,
    )


def _id(value: int | None) -> int:
    assert value is not None
    return value
