"""Session rules: plan a circle's rhythm, record what happened, and run a session with drafts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, delete, exists, func
from sqlmodel import Session, col, select

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import (
    SESSION_TRANSITIONS,
    Attendance,
    CheckIn,
    CheckInCreate,
    Circle,
    CircleSession,
    Member,
    Membership,
    Ritual,
    SessionDetail,
    SessionDraft,
    SessionPlan,
    SessionRead,
    SessionStatus,
)
from circlekeeper.models.enums import Cadence, CircleStatus, Weekday
from circlekeeper.services.checkin_rows import checkin_reads, refuse_ahead, write_checkin
from circlekeeper.services.errors import Conflict, InvalidInput, NotFound
from circlekeeper.services.lookup import find_circle, find_member
from circlekeeper.services.validation import clean_reason
from circlekeeper.services.versioning import versioned_update
from circlekeeper.text import clean_text, quoted

DEFAULT_HORIZON_WEEKS = 8
NOTES_MAX = 10_000
DEFAULT_MEETING_TIME = dt.time(18, 0)
MAX_LIST = 1000
WEEKDAY_INDEX = {day: index for index, day in enumerate(Weekday)}


def rhythm_of(
    circle: Circle, dates: Sequence[dt.date] = (), *, anchor: dt.date | None = None
) -> Any:
    """The circle's meeting rhythm as the schedule algorithm understands it.

    `anchor` sets the phase of an every-N-weeks rhythm when the circle has no start date; without
    a fixed phase, re-planning a week later would move every planned meeting by a week.
    """
    from circlekeeper.algorithms.schedule import Frequency, Rhythm

    local_time = (
        dt.time.fromisoformat(circle.meeting_time) if circle.meeting_time else DEFAULT_MEETING_TIME
    )
    if dates:
        return Rhythm(
            frequency=Frequency.EXPLICIT,
            timezone=circle.timezone,
            local_time=local_time,
            dates=tuple(dates),
        )
    if circle.weekday is None:
        raise InvalidInput(
            f"circle {quoted(circle.name)} has no meeting day — set one first "
            f"(circle edit {circle.id} --weekday tue --time 18:30) or give explicit dates"
        )
    return Rhythm(
        frequency=Frequency(Cadence(circle.cadence).value),
        timezone=circle.timezone,
        local_time=local_time,
        weekday=WEEKDAY_INDEX[Weekday(circle.weekday)],
        interval=circle.cadence_interval,
        week_of_month=(circle.week_of_month or 1) if circle.cadence == Cadence.MONTHLY else None,
        anchor=circle.starts_on or anchor,
    )


def _phase_anchor(session: Session, circle: Circle) -> dt.date:
    """The circle's first session date (else the day it was created): a phase that stays put."""
    first = session.exec(
        select(func.min(CircleSession.local_date)).where(col(CircleSession.circle_id) == circle.id)
    ).one()
    if first is not None:
        return first if isinstance(first, dt.date) else dt.date.fromisoformat(str(first))
    return _as_utc(circle.created_at).astimezone(ZoneInfo(circle.timezone)).date()


def plan_sessions(
    db: Database,
    *,
    circle_ref: str | int,
    until: dt.date | None = None,
    count: int | None = None,
    skip: Iterable[dt.date] = (),
    dates: Sequence[dt.date] = (),
) -> SessionPlan:
    """Expand the circle's rhythm (or the chosen `dates`) into planned sessions from today on.

    `count` means meetings still ahead. Re-planning replaces only future sessions that are still
    merely planned (and have no check-ins or draft); held, cancelled and past sessions are never
    touched. A closed circle, an end date or a chosen date in the past are refused.
    """
    from circlekeeper.algorithms.schedule import MAX_SLOTS, expand

    if count is not None and count < 1:
        raise InvalidInput("count must be at least 1")
    if count is not None and count > MAX_SLOTS:
        raise InvalidInput(f"at most {MAX_SLOTS:,} meetings can be planned at once")
    now = clock.now()
    with db.write() as session:
        circle = find_circle(session, circle_ref)
        if circle.status == CircleStatus.CLOSED:
            raise Conflict(f"circle {quoted(circle.name)} is closed — reopen it before planning")
        rhythm = rhythm_of(circle, dates, anchor=_phase_anchor(session, circle))
        today_local = now.astimezone(ZoneInfo(circle.timezone)).date()
        if until is not None and until < today_local:
            raise InvalidInput(
                f"the end date {until} is in the past — planning only adds meetings from today on"
            )
        start = max(today_local, circle.starts_on) if circle.starts_on else today_local
        past = sorted(day for day in dates if day < today_local)
        if past:
            raise InvalidInput(
                f"{past[0]} is in the past — planning only adds meetings from today on"
            )
        if until is None and count is None and dates:
            until = max(dates)
        if until is None and count is None and circle.ends_on is None:
            until = start + dt.timedelta(weeks=DEFAULT_HORIZON_WEEKS)
        try:
            slots = expand(
                rhythm,
                start=start,
                until=until,
                # today's meeting may have passed already: expand one more, keep `count` ahead
                count=None if count is None else min(count + 1, MAX_SLOTS),
                ends_on=circle.ends_on,
                skip=list(skip),
            )
        except ValueError as exc:
            raise InvalidInput(str(exc)) from exc
        slots = [slot for slot in slots if slot.starts_at > now][:count]
        wanted = {slot.starts_at for slot in slots}
        future = session.exec(
            select(CircleSession).where(
                col(CircleSession.circle_id) == circle.id, col(CircleSession.starts_at) > now
            )
        ).all()
        removable = [
            row
            for row in future
            if row.status == SessionStatus.PLANNED
            and _as_utc(row.starts_at) not in wanted
            and not _has_records(session, row.id)
        ]
        for row in removable:
            session.delete(row)
        session.flush()
        existing = {_as_utc(row.starts_at) for row in future if row not in removable}
        added: list[CircleSession] = []
        for slot in slots:
            if slot.starts_at in existing:
                continue
            row = CircleSession(
                circle_id=_id(circle.id),
                ritual_id=circle.ritual_id,
                local_date=slot.local_date,
                starts_at=slot.starts_at,
                status=SessionStatus.PLANNED.value,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            added.append(row)
        session.flush()
        reads = session_reads(session, col(CircleSession.id).in_([row.id for row in added]))
        return SessionPlan(
            circle_id=_id(circle.id),
            circle_name=circle.name,
            added=reads,
            removed=len(removable),
            kept=len(existing),
        )


def list_sessions(
    db: Database,
    *,
    circle_ref: str | int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    status: SessionStatus | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[SessionRead]:
    """Sessions across all circles (or one) between two dates, in time order — one query."""
    _check_window(limit, offset)
    with db.read() as session:
        clauses: list[ColumnElement[bool]] = []
        if circle_ref is not None:
            clauses.append(col(CircleSession.circle_id) == find_circle(session, circle_ref).id)
        if start is not None:
            clauses.append(col(CircleSession.local_date) >= start)
        if end is not None:
            clauses.append(col(CircleSession.local_date) <= end)
        if status is not None:
            clauses.append(col(CircleSession.status) == status.value)
        return session_reads(session, and_(True, *clauses), limit=limit, offset=offset)


def session_page(
    db: Database,
    *,
    circle_id: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    newest_first: bool = False,
    limit: int = 200,
    offset: int = 0,
) -> tuple[list[SessionRead], int]:
    """A window of sessions between two dates (optionally one circle's) and how many there are."""
    _check_window(limit, offset)
    clauses: list[ColumnElement[bool]] = []
    if circle_id is not None:
        clauses.append(col(CircleSession.circle_id) == circle_id)
    if start is not None:
        clauses.append(col(CircleSession.local_date) >= start)
    if end is not None:
        clauses.append(col(CircleSession.local_date) <= end)
    where = and_(True, *clauses)
    with db.read() as session:
        total = int(
            session.exec(select(func.count()).select_from(CircleSession).where(where)).one()
        )
        items = session_reads(session, where, limit=limit, offset=offset, newest_first=newest_first)
        return items, total


def upcoming_sessions(db: Database, *, days: int = 7, limit: int = 200) -> list[SessionRead]:
    """Planned sessions from now until `days` ahead, across every circle, in one query."""
    now = clock.now()
    with db.read() as session:
        where = and_(
            col(CircleSession.status) == SessionStatus.PLANNED.value,
            col(CircleSession.starts_at) >= now - dt.timedelta(hours=12),
            col(CircleSession.starts_at) <= now + dt.timedelta(days=days),
        )
        return session_reads(session, where, limit=limit)


def _check_window(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_LIST:
        raise InvalidInput(f"limit must be between 1 and {MAX_LIST}")
    if offset < 0:
        raise InvalidInput("offset must not be negative")


def get_session(db: Database, *, session_id: int) -> SessionDetail:
    """One session with its check-ins and its ritual's prompts."""
    with db.read() as session:
        return _detail(session, _find_session(session, session_id))


def session_for_runner(db: Database, *, circle_ref: str | int) -> SessionDetail:
    """The session to run now for a circle: the one planned for today (or yesterday, for one that
    ran past midnight), else a new one today. One planned for a later day is left as it is: a
    circle meeting early is recorded on the day it met.

    A session whose draft exists is preferred, so a facilitator who quit mid-session resumes it.
    """
    now = clock.now()
    with db.write() as session:
        circle = find_circle(session, circle_ref)
        tz = ZoneInfo(circle.timezone)
        today = now.astimezone(tz).date()
        drafted = session.exec(
            select(CircleSession)
            .join(SessionDraft, col(SessionDraft.session_id) == col(CircleSession.id))
            .where(col(CircleSession.circle_id) == circle.id)
            .order_by(col(SessionDraft.updated_at).desc())
        ).first()
        if drafted is not None:
            return _detail(session, drafted)
        planned = session.exec(
            select(CircleSession)
            .where(
                col(CircleSession.circle_id) == circle.id,
                col(CircleSession.status) == SessionStatus.PLANNED.value,
                col(CircleSession.local_date) >= today - dt.timedelta(days=1),
                col(CircleSession.local_date) <= today,
            )
            .order_by(col(CircleSession.local_date).desc(), col(CircleSession.starts_at))
        ).first()
        if planned is not None:
            return _detail(session, planned)
        local_time = (
            dt.time.fromisoformat(circle.meeting_time)
            if circle.meeting_time
            else now.astimezone(tz).time().replace(second=0, microsecond=0)
        )
        starts_at = dt.datetime.combine(today, local_time, tzinfo=tz).astimezone(dt.UTC)
        clash = session.exec(
            select(CircleSession).where(
                col(CircleSession.circle_id) == circle.id,
                col(CircleSession.starts_at) == starts_at,
            )
        ).first()
        if clash is not None:
            return _detail(session, clash)
        row = CircleSession(
            circle_id=_id(circle.id),
            ritual_id=circle.ritual_id,
            local_date=today,
            starts_at=starts_at,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        session.flush()
        return _detail(session, row)


def set_session_status(
    db: Database,
    *,
    session_id: int,
    status: SessionStatus,
    reason: str | None = None,
    expected_version: int | None = None,
) -> SessionRead:
    """Cancel a session or record that it did not happen (a reason is required), or re-plan it."""
    reason_text = clean_reason(reason)
    needs_reason = status in (SessionStatus.CANCELLED, SessionStatus.DID_NOT_HAPPEN)
    if needs_reason and not reason_text:
        raise InvalidInput(f"say why the session is {status.value} (--reason)")
    with db.write() as session:
        row = _find_session(session, session_id)
        current = SessionStatus(row.status)
        if status not in SESSION_TRANSITIONS[current]:
            allowed = ", ".join(sorted(s.value for s in SESSION_TRANSITIONS[current])) or "nothing"
            raise Conflict(f"session #{row.id} is {current.value}; it can become: {allowed}")
        if status == SessionStatus.DID_NOT_HAPPEN and _as_utc(row.starts_at) > clock.now():
            raise Conflict(
                f"session #{row.id} has not started yet — cancel it instead if it will not happen"
            )
        versioned_update(
            session,
            row,
            {"status": status.value, "reason": reason_text or ""},
            expected_version=expected_version,
            what=f"session #{row.id}",
        )
        return session_reads(session, col(CircleSession.id) == row.id)[0]


def record_session(
    db: Database,
    *,
    circle_ref: str | int,
    day: dt.date,
    present: Sequence[str | int] = (),
    absent: Sequence[str | int] = (),
    excused: Sequence[str | int] = (),
    notes: str = "",
) -> SessionDetail:
    """Record a session that was held on `day` with who came (the planned one that day if any).

    A member named in two lists, or never in the circle, is refused; so is a day still ahead.
    Notes are added after any the session already has, never in their place.
    """
    now = clock.now()
    notes_text = _clean_notes(notes)
    with db.write() as session:
        circle = find_circle(session, circle_ref)
        refuse_ahead(circle, day, now)
        marks = _attendance_marks(session, circle, present, absent, excused)
        that_day = session.exec(
            select(CircleSession)
            .where(col(CircleSession.circle_id) == circle.id, col(CircleSession.local_date) == day)
            .order_by(col(CircleSession.starts_at))
        ).all()
        usable = [r for r in that_day if r.status in (SessionStatus.PLANNED, SessionStatus.HELD)]
        row = usable[0] if usable else (that_day[0] if that_day else None)
        if row is None:
            tz = ZoneInfo(circle.timezone)
            local_time = (
                dt.time.fromisoformat(circle.meeting_time)
                if circle.meeting_time
                else DEFAULT_MEETING_TIME
            )
            row = CircleSession(
                circle_id=_id(circle.id),
                ritual_id=circle.ritual_id,
                local_date=day,
                starts_at=dt.datetime.combine(day, local_time, tzinfo=tz).astimezone(dt.UTC),
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
        elif row.status not in (SessionStatus.PLANNED, SessionStatus.HELD):
            raise Conflict(
                f"the session of {quoted(circle.name)} on {day} is {row.status}; "
                "it cannot be recorded as held"
            )
        for member_id, attendance in marks.items():
            write_checkin(
                session,
                circle_id=_id(circle.id),
                member_id=member_id,
                session_row=row,
                data=CheckInCreate(attendance=attendance, answers={}),
                keep_answers=True,
            )
        values: dict[str, Any] = {"status": SessionStatus.HELD.value}
        if notes_text and notes_text not in row.notes:
            values["notes"] = _clean_notes(f"{row.notes}\n\n{notes_text}".strip())
        versioned_update(session, row, values, expected_version=None, what=f"session #{row.id}")
        return _detail(session, row)


def save_session_run(
    db: Database,
    *,
    session_id: int,
    checkins: dict[int, CheckInCreate],
    notes: str = "",
) -> SessionDetail:
    """Save what the session runner collected, mark the session held and drop its draft.

    One transaction: either every member's check-in lands with the session marked held, or nothing.
    """
    notes_text = _clean_notes(notes)
    with db.write() as session:
        row = _find_session(session, session_id)
        if row.status not in (SessionStatus.PLANNED, SessionStatus.HELD):
            raise Conflict(f"session #{row.id} is {row.status}; it cannot be saved as held")
        circle = session.get(Circle, row.circle_id)
        assert circle is not None
        refuse_ahead(circle, row.local_date, clock.now())
        current = _current_member_ids(session, row.circle_id, row.local_date)
        for member_id, data in checkins.items():
            if member_id not in current:
                raise Conflict(f"member #{member_id} is not in this circle")
            write_checkin(
                session, circle_id=row.circle_id, member_id=member_id, session_row=row, data=data
            )
        versioned_update(
            session,
            row,
            {"status": SessionStatus.HELD.value, "notes": notes_text},
            expected_version=None,
            what=f"session #{row.id}",
        )
        session.exec(delete(SessionDraft).where(col(SessionDraft.session_id) == row.id))
        return _detail(session, row)


def save_draft(db: Database, *, session_id: int, payload: dict[str, Any]) -> None:
    """Keep the runner's work in progress (replaces the previous draft of this session)."""
    with db.write() as session:
        _find_session(session, session_id)
        draft = session.get(SessionDraft, session_id)
        if draft is None:
            session.add(
                SessionDraft(session_id=session_id, payload=payload, updated_at=clock.now())
            )
        else:
            draft.payload = payload
            draft.updated_at = clock.now()
            session.add(draft)


def load_draft(db: Database, *, session_id: int) -> dict[str, Any] | None:
    """The runner's saved work in progress for a session, if any."""
    with db.read() as session:
        draft = session.get(SessionDraft, session_id)
        return dict(draft.payload) if draft is not None else None


def discard_draft(db: Database, *, session_id: int) -> None:
    """Forget the runner's work in progress for a session."""
    with db.write() as session:
        session.exec(delete(SessionDraft).where(col(SessionDraft.session_id) == session_id))


def current_members(db: Database, *, session_id: int) -> list[tuple[int, str]]:
    """(id, name) of the members in the session's circle on its date, for the roll call."""
    with db.read() as session:
        row = _find_session(session, session_id)
        rows = session.exec(
            select(Member.id, Member.name)
            .join(Membership, col(Membership.member_id) == col(Member.id))
            .where(_in_circle_on(row.circle_id, row.local_date))
            .order_by(col(Member.name_key), col(Member.id))
        ).all()
        return [(_id(member_id), str(name)) for member_id, name in rows]


def session_reads(
    session: Session,
    where: ColumnElement[bool],
    *,
    limit: int = MAX_LIST,
    offset: int = 0,
    newest_first: bool = False,
) -> list[SessionRead]:
    """SessionRead rows for `where`, joined with circle and ritual names, in time order."""
    order = (
        (col(CircleSession.starts_at).desc(), col(CircleSession.id).desc())
        if newest_first
        else (col(CircleSession.starts_at), col(CircleSession.id))
    )
    rows = session.exec(
        select(CircleSession, Circle.name, Circle.timezone, Ritual.name)
        .join(Circle, col(Circle.id) == col(CircleSession.circle_id))
        .outerjoin(Ritual, col(Ritual.id) == col(CircleSession.ritual_id))
        .where(where)
        .order_by(*order)
        .limit(limit)
        .offset(offset)
    ).all()
    return [_read(row, circle_name, tz, ritual_name) for row, circle_name, tz, ritual_name in rows]


def _read(row: CircleSession, circle_name: str, tz: str, ritual_name: str | None) -> SessionRead:
    starts_at = _as_utc(row.starts_at)
    return SessionRead(
        id=_id(row.id),
        circle_id=row.circle_id,
        circle_name=circle_name,
        ritual_id=row.ritual_id,
        ritual_name=ritual_name,
        local_date=row.local_date,
        starts_at=starts_at,
        local_start=starts_at.astimezone(ZoneInfo(tz)),
        timezone=tz,
        status=SessionStatus(row.status),
        reason=row.reason,
        notes=row.notes,
        version=row.version,
    )


def _detail(session: Session, row: CircleSession) -> SessionDetail:
    read = session_reads(session, col(CircleSession.id) == row.id)[0]
    ritual = session.get(Ritual, row.ritual_id) if row.ritual_id is not None else None
    return SessionDetail(
        **read.model_dump(),
        prompts=list(ritual.prompts) if ritual else [],
        timebox_minutes=ritual.timebox_minutes if ritual else 3,
        checkins=checkin_reads(session, col(CheckIn.session_id) == row.id),
    )


def _clean_notes(notes: str | None) -> str:
    """Session notes: cleaned like any multi-line user text (newlines kept), with a size limit."""
    text = clean_text(notes or "", multiline=True).strip()
    if len(text) > NOTES_MAX:
        raise InvalidInput(f"notes: at most {NOTES_MAX:,} characters (these have {len(text):,})")
    return text


def _find_session(session: Session, session_id: int | str) -> CircleSession:
    text = str(session_id).strip().removeprefix("#")
    if text.isdigit() and text.isascii() and len(text) < 19:
        row = session.get(CircleSession, int(text))
        if row is not None:
            return row
    raise NotFound(f"no session #{text} — 'session list' shows them")


def _has_records(session: Session, session_id: int | None) -> bool:
    checkins = session.exec(select(exists().where(col(CheckIn.session_id) == session_id))).one()
    draft = session.get(SessionDraft, session_id) if session_id is not None else None
    return bool(checkins) or draft is not None


def _in_circle_on(circle_id: int, day: dt.date) -> ColumnElement[bool]:
    return and_(
        col(Membership.circle_id) == circle_id,
        col(Membership.joined_on) <= day,
        (col(Membership.left_on).is_(None)) | (col(Membership.left_on) > day),
    )


def _current_member_ids(session: Session, circle_id: int, day: dt.date) -> set[int]:
    rows = session.exec(select(Membership.member_id).where(_in_circle_on(circle_id, day))).all()
    current = {int(member_id) for member_id in rows}
    open_now = session.exec(
        select(Membership.member_id).where(
            col(Membership.circle_id) == circle_id, col(Membership.left_on).is_(None)
        )
    ).all()
    return current | {int(member_id) for member_id in open_now}


def _attendance_marks(
    session: Session,
    circle: Circle,
    present: Sequence[str | int],
    absent: Sequence[str | int],
    excused: Sequence[str | int],
) -> dict[int, Attendance]:
    marks: dict[int, Attendance] = {}
    names: dict[int, str] = {}
    members_here = _current_member_ids(session, _id(circle.id), clock.today())
    for refs, attendance in (
        (present, Attendance.PRESENT),
        (absent, Attendance.ABSENT),
        (excused, Attendance.EXCUSED),
    ):
        for ref in refs:
            member = find_member(session, ref)
            member_id = _id(member.id)
            if member_id in marks and marks[member_id] != attendance:
                raise InvalidInput(
                    f"{member.name} is listed as both {marks[member_id].value} "
                    f"and {attendance.value}"
                )
            if member_id not in members_here:
                past = session.exec(
                    select(func.count()).where(
                        col(Membership.circle_id) == circle.id,
                        col(Membership.member_id) == member_id,
                    )
                ).one()
                if not past:
                    raise Conflict(f"{member.name} is not in {quoted(circle.name)}")
            marks[member_id] = attendance
            names[member_id] = member.name
    return marks


def _as_utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _id(value: int | None) -> int:
    assert value is not None
    return value
