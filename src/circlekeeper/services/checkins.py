"""Check-in rules: one member's attendance and answers at a session, or a written check-in."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_
from sqlmodel import Session, col, select

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import (
    Attendance,
    CheckIn,
    CheckInCreate,
    CheckInRead,
    CheckInUpdate,
    Circle,
    CircleSession,
    Member,
    Membership,
    Ritual,
)
from circlekeeper.models.enums import RitualMode, SessionStatus, Visibility
from circlekeeper.services.checkin_rows import checkin_reads, is_ahead, write_checkin
from circlekeeper.services.errors import Conflict, InvalidInput, NotFound
from circlekeeper.services.lookup import find_circle, find_member
from circlekeeper.services.validation import parse
from circlekeeper.services.versioning import versioned_update
from circlekeeper.text import quoted

MAX_LIST = 1000


def add_checkin(
    db: Database, *, session_id: int, member_ref: str | int, data: CheckInCreate
) -> CheckInRead:
    """Record one member's check-in at a session.

    A check-in that only holds attendance (from `record_session`) is filled in; one that already
    has answers or a mood is refused rather than overwritten.
    """
    with db.write() as session:
        row = session.get(CircleSession, session_id)
        if row is None:
            raise NotFound(f"no session #{session_id} — 'session list' shows them")
        if row.status in (SessionStatus.CANCELLED, SessionStatus.DID_NOT_HAPPEN):
            raise Conflict(f"session #{session_id} is {row.status}; it has no check-ins")
        member = find_member(session, member_ref)
        _ensure_member_of(session, row.circle_id, member.id, member.name)
        clash = session.exec(
            select(CheckIn).where(
                col(CheckIn.session_id) == session_id, col(CheckIn.member_id) == member.id
            )
        ).first()
        if clash is not None and (clash.answers or clash.mood is not None):
            raise Conflict(f"{member.name} already has a check-in at session #{session_id}")
        circle = session.get(Circle, row.circle_id)
        assert circle is not None
        _refuse_ahead_unless_excused(circle, row.local_date, data)
        if clash is not None and "attendance" not in data.model_fields_set:
            if clash.attendance != Attendance.PRESENT.value and (data.answers or data.mood):
                raise Conflict(
                    f"{member.name} is marked {clash.attendance} at session #{session_id}: "
                    "mark them present (--attendance present) to add what they said"
                )
            data = data.model_copy(update={"attendance": Attendance(clash.attendance)})
        data = _with_prompts(data, _prompts(session, row.ritual_id))
        written = write_checkin(
            session, circle_id=row.circle_id, member_id=member.id or 0, session_row=row, data=data
        )
        return checkin_reads(session, col(CheckIn.id) == written.id)[0]


def _refuse_ahead_unless_excused(circle: Circle, day: dt.date, data: CheckInCreate) -> None:
    """Before a session's day a member can only be excused (they said they cannot come): what
    they said, their mood and whether they came wait for the day itself."""
    if not is_ahead(circle, day, clock.now()):
        return
    if data.attendance != Attendance.EXCUSED or data.answers or data.mood is not None:
        raise InvalidInput(
            f"{day} is still ahead in {circle.timezone} — until then a member can only be "
            "marked excused (--attendance excused)"
        )


def add_written_checkin(
    db: Database, *, circle_ref: str | int, member_ref: str | int, day: dt.date, data: CheckInCreate
) -> CheckInRead:
    """A written check-in for an async circle, on its own date and without a session.

    Refused for a circle whose ritual is run live (those check-ins belong to a session), for a
    day still ahead, and for a second written check-in by the same member on the same day.
    """
    with db.write() as session:
        circle = find_circle(session, circle_ref)
        ritual = session.get(Ritual, circle.ritual_id) if circle.ritual_id is not None else None
        if ritual is None or ritual.mode != RitualMode.ASYNC:
            how = f"its ritual {quoted(ritual.name)} is run live" if ritual else "it has no ritual"
            raise Conflict(
                f"{quoted(circle.name)} does not take written check-ins: {how} — record the "
                "check-in "
                "at a session (checkin add SESSION MEMBER), or give the circle an async ritual"
            )
        if day > clock.now().astimezone(ZoneInfo(circle.timezone)).date():
            raise InvalidInput(f"{day} is still ahead in {circle.timezone}")
        member = find_member(session, member_ref)
        _ensure_member_of(session, circle.id or 0, member.id, member.name)
        clash = session.exec(
            select(CheckIn.id).where(
                col(CheckIn.circle_id) == circle.id,
                col(CheckIn.member_id) == member.id,
                col(CheckIn.day) == day,
                col(CheckIn.session_id).is_(None),
            )
        ).first()
        if clash is not None:
            raise Conflict(f"{member.name} already has a written check-in on {day}")
        written = write_checkin(
            session,
            circle_id=circle.id or 0,
            member_id=member.id or 0,
            session_row=None,
            data=_with_prompts(data, list(ritual.prompts)),
            day=day,
        )
        return checkin_reads(session, col(CheckIn.id) == written.id)[0]


def edit_checkin(
    db: Database,
    *,
    checkin_id: int,
    data: CheckInUpdate,
    expected_version: int | None = None,
) -> CheckInRead:
    """Correct one check-in: only what `data` gives changes, answers prompt by prompt.

    An empty answer removes that prompt's answer; the rest stay. The same rules as adding hold:
    answers and a mood only for someone present, only "excused" before the session's day.
    """
    with db.write() as session:
        row = session.get(CheckIn, checkin_id)
        if row is None:
            raise NotFound(f"no check-in #{checkin_id} — 'checkin list' shows them")
        if not data.model_fields_set:
            raise InvalidInput(
                "nothing to change — give answers, a mood, a visibility or attendance"
            )
        circle = session.get(Circle, row.circle_id)
        assert circle is not None
        held = session.get(CircleSession, row.session_id) if row.session_id is not None else None
        prompts = _prompts(session, held.ritual_id if held is not None else circle.ritual_id)
        answers = dict(row.answers)
        for key, text in (data.answers or {}).items():
            prompt = _prompt_of(key, prompts, answers)
            if text.strip():
                answers[prompt] = text
            else:
                answers.pop(prompt, None)
        given = data.model_fields_set
        merged = parse(
            CheckInCreate,
            attendance=data.attendance or row.attendance,
            answers=answers,
            mood=data.mood if "mood" in given else row.mood,
            visibility=data.visibility or row.visibility,
        )
        member = session.get(Member, row.member_id)
        name = member.name if member is not None else f"member #{row.member_id}"
        if merged.attendance != Attendance.PRESENT and (merged.answers or merged.mood is not None):
            raise Conflict(
                f"{name} would be marked {merged.attendance} with answers or a mood kept: mark "
                "them present, or remove what they said first"
            )
        if held is not None:
            _refuse_ahead_unless_excused(circle, held.local_date, merged)
        versioned_update(
            session,
            row,
            {
                "attendance": merged.attendance.value,
                "answers": dict(merged.answers),
                "mood": merged.mood,
                "visibility": merged.visibility.value,
            },
            expected_version=expected_version,
            what=f"check-in #{checkin_id}",
        )
        return checkin_reads(session, col(CheckIn.id) == checkin_id)[0]


def checkin_prompts(db: Database, *, checkin_id: int) -> list[str]:
    """The prompts a check-in answers: its session's ritual, or its circle's for a written one."""
    with db.read() as session:
        row = session.get(CheckIn, checkin_id)
        if row is None:
            raise NotFound(f"no check-in #{checkin_id} — 'checkin list' shows them")
        return _prompts(session, _ritual_of(session, row))


def _ritual_of(session: Session, row: CheckIn) -> int | None:
    held = session.get(CircleSession, row.session_id) if row.session_id is not None else None
    if held is not None:
        return held.ritual_id
    circle = session.get(Circle, row.circle_id)
    return circle.ritual_id if circle is not None else None


def _prompt_of(key: str, prompts: list[str], answers: dict[str, str]) -> str:
    """The prompt an edited answer belongs to: one of the ritual's (any case), else one the
    check-in already answers, else the key itself when there is no ritual to match."""
    for known in (*prompts, *answers):
        if known.casefold() == key.strip().casefold():
            return known
    if prompts:
        listed = "; ".join(f"{n}. {p}" for n, p in enumerate(prompts, start=1))
        raise InvalidInput(f"{quoted(key)} is not one of this ritual's prompts: {listed}")
    return key.strip()


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
    if offset < 0:
        raise InvalidInput("offset must not be negative")
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


def _prompts(session: Session, ritual_id: int | None) -> list[str]:
    ritual = session.get(Ritual, ritual_id) if ritual_id is not None else None
    return list(ritual.prompts) if ritual is not None else []


def _with_prompts(data: CheckInCreate, prompts: list[str]) -> CheckInCreate:
    """Answers keyed by the ritual's own prompts (matched regardless of case); others refused.

    A session without a ritual has no prompts to match, so its answers keep the keys given.
    """
    if not prompts or not data.answers:
        return data
    by_key = {prompt.casefold(): prompt for prompt in prompts}
    answers: dict[str, str] = {}
    for key, answer in data.answers.items():
        prompt = by_key.get(key.casefold())
        if prompt is None:
            listed = "; ".join(f"{n}. {p}" for n, p in enumerate(prompts, start=1))
            raise InvalidInput(f"{quoted(key)} is not one of this ritual's prompts: {listed}")
        answers[prompt] = answer
    return data.model_copy(update={"answers": answers})


def _ensure_member_of(session: Session, circle_id: int, member_id: int | None, name: str) -> None:
    stays = session.exec(
        select(Membership.id).where(
            col(Membership.circle_id) == circle_id, col(Membership.member_id) == member_id
        )
    ).first()
    if stays is None:
        raise Conflict(f"{name} has never been in this circle")
