"""Member rules: add, find, list, edit with lost-update protection, pause, resume, leave."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, update
from sqlmodel import Session, col, select

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import (
    Circle,
    Member,
    MemberCircle,
    MemberCreate,
    MemberDetail,
    MemberPage,
    MemberRead,
    MemberRow,
    Membership,
    MemberStatus,
    MemberTag,
    MemberUpdate,
)
from circlekeeper.services.errors import Conflict, InvalidInput
from circlekeeper.services.lookup import find_member, like_pattern
from circlekeeper.services.validation import clean_reason
from circlekeeper.services.versioning import versioned_update
from circlekeeper.text import clean_text, fold, handle_key, identity_key, quoted, sort_key

LEFT_COMMUNITY_REASON = "left the community"
MAX_PAGE = 1000


def add_member(db: Database, *, data: MemberCreate) -> MemberRead:
    """Add one member; email and handle must not belong to anyone else."""
    with db.write() as session:
        member = new_member_row(data)
        ensure_unique_contact(session, member.email_key, member.handle_key)
        session.add(member)
        session.flush()
        assert member.id is not None
        _replace_tags(session, member.id, data.tags)
        return _read(session, member)


def new_member_row(data: MemberCreate) -> Member:
    """The table row for a validated MemberCreate (keys derived, timestamps set)."""
    moment = clock.now()
    return Member(
        name=data.name,
        name_key=sort_key(data.name),
        email=data.email,
        email_key=identity_key(data.email) if data.email else None,
        handle=data.handle,
        handle_key=handle_key(data.handle) if data.handle else None,
        timezone=data.timezone,
        joined_on=data.joined_on or clock.today(),
        status=MemberStatus.ACTIVE.value,
        consent_named=data.consent_named,
        consent_recognised=data.consent_recognised,
        created_at=moment,
        updated_at=moment,
    )


def get_member(db: Database, *, ref: str | int) -> MemberDetail:
    """One member with their circles (current first, then past stays, newest first)."""
    with db.read() as session:
        member = find_member(session, ref)
        read = _read(session, member)
        rows = session.exec(
            select(  # type: ignore[call-overload]
                Membership.circle_id,
                Circle.name,
                Membership.joined_on,
                Membership.left_on,
                Membership.leave_reason,
            )
            .join(Circle, col(Circle.id) == col(Membership.circle_id))
            .where(Membership.member_id == member.id)
            .order_by(col(Membership.left_on).is_not(None), col(Membership.joined_on).desc())
        ).all()
        circles = [
            MemberCircle(
                circle_id=row[0],
                circle_name=row[1],
                joined_on=row[2],
                left_on=row[3],
                leave_reason=row[4],
            )
            for row in rows
        ]
        return MemberDetail(**read.model_dump(), circles=circles)


def member_filter(search: str | None, status: MemberStatus | None) -> ColumnElement[bool]:
    """The WHERE clause for a search over name, email, handle and tags, and a status.

    `key=value` finds members with that tag (case-insensitive in every script). Anything else
    is a substring of the name (folded like the sort key, ignoring accents, punctuation and
    spaces, so "obrien" finds "O'Brien"), of the email, of the handle, or of a tag.
    """
    clauses: list[ColumnElement[bool]] = []
    if status is not None:
        clauses.append(col(Member.status) == status.value)
    text = (search or "").strip()
    if text:
        key = identity_key(text)
        if "=" in key:
            tag_key, _, tag_value = key.partition("=")
            clauses.append(
                _has_tag(
                    and_(
                        col(MemberTag.key) == tag_key.strip(),
                        col(MemberTag.value_key) == tag_value.strip(),
                    )
                )
            )
        else:
            pattern = like_pattern(key)
            clauses.append(
                or_(
                    _name_contains(text),
                    col(Member.email_key).like(pattern, escape="\\"),
                    col(Member.handle_key).like(like_pattern(key.removeprefix("@")), escape="\\"),
                    _has_tag(
                        or_(
                            col(MemberTag.key).like(pattern, escape="\\"),
                            col(MemberTag.value_key).like(pattern, escape="\\"),
                        )
                    ),
                )
            )
    return and_(True, *clauses)


def _name_contains(text: str) -> ColumnElement[bool]:
    """Names containing `text`'s letters and digits; a search of only symbols matches as typed."""
    folded = fold(text).replace(" ", "")
    if folded:
        squeezed = func.replace(col(Member.name_key), " ", "")
        return squeezed.like(like_pattern(folded), escape="\\")
    return col(Member.name).like(like_pattern(clean_text(text)), escape="\\")


def _has_tag(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists().where(and_(col(MemberTag.member_id) == col(Member.id), condition))


def count_members(
    db: Database, *, search: str | None = None, status: MemberStatus | None = None
) -> int:
    """How many members match."""
    with db.read() as session:
        return _count(session, member_filter(search, status))


def list_members(
    db: Database,
    *,
    search: str | None = None,
    status: MemberStatus | None = None,
    limit: int = 50,
    offset: int = 0,
) -> MemberPage:
    """A page of members sorted by name, selected as columns (never whole tables)."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}")
    if offset < 0:
        raise InvalidInput("offset must not be negative")
    where = member_filter(search, status)
    with db.read() as session:
        total = _count(session, where)
        items = member_rows(session, where, limit=limit, offset=offset)
        return MemberPage(items=items, total=total, offset=offset, limit=limit)


def member_rows(
    session: Session, where: ColumnElement[bool], *, limit: int, offset: int
) -> list[MemberRow]:
    """Rows for one window of the sorted list, with their tags and current circle counts."""
    circle_count = (
        select(func.count())
        .where(col(Membership.member_id) == col(Member.id), col(Membership.left_on).is_(None))
        .correlate(Member)
        .scalar_subquery()
    )
    rows = session.exec(
        select(  # type: ignore[call-overload]
            Member.id,
            Member.name,
            Member.email,
            Member.handle,
            Member.timezone,
            Member.status,
            Member.paused_until,
            circle_count,
        )
        .where(where)
        .order_by(col(Member.name_key), col(Member.id))
        .limit(limit)
        .offset(offset)
    ).all()
    tags = _tags_for(session, [row[0] for row in rows])
    return [
        MemberRow(
            id=row[0],
            name=row[1],
            email=row[2],
            handle=row[3],
            timezone=row[4],
            status=MemberStatus(row[5]),
            paused_until=row[6],
            circle_count=row[7],
            tags=tags.get(row[0], {}),
        )
        for row in rows
    ]


def member_position(
    db: Database, *, member_id: int, search: str | None = None, status: MemberStatus | None = None
) -> int | None:
    """Where member `member_id` sits in the sorted list for this search (None if not in it)."""
    where = member_filter(search, status)
    with db.read() as session:
        found = session.exec(
            select(Member.name_key).where(where, col(Member.id) == member_id)
        ).first()
        if found is None:
            return None
        before = or_(
            col(Member.name_key) < found,
            and_(col(Member.name_key) == found, col(Member.id) < member_id),
        )
        return _count(session, and_(where, before))


def edit_member(
    db: Database, *, ref: str | int, changes: MemberUpdate, expected_version: int | None = None
) -> MemberRead:
    """Apply the fields set in `changes`; refused if the member changed since `expected_version`."""
    values: dict[str, Any] = changes.model_dump(exclude_unset=True)
    tags = values.pop("tags", None)
    with db.write() as session:
        member = find_member(session, ref)
        if "name" in values:
            if values["name"] is None:
                raise InvalidInput("name: cannot be empty")
            values["name_key"] = sort_key(values["name"])
        if "email" in values:
            values["email_key"] = identity_key(values["email"]) if values["email"] else None
        if "handle" in values:
            values["handle_key"] = handle_key(values["handle"]) if values["handle"] else None
        for field in ("timezone", "joined_on", "consent_named", "consent_recognised"):
            if field in values and values[field] is None:
                del values[field]
        email = values.get("email", member.email)
        handle = values.get("handle", member.handle)
        if email is None and handle is None:
            raise InvalidInput("a member needs an email or a handle; keep at least one")
        ensure_unique_contact(
            session,
            values.get("email_key", member.email_key),
            values.get("handle_key", member.handle_key),
            exclude_id=member.id,
        )
        versioned_update(
            session,
            member,
            values,
            expected_version=expected_version,
            what=f"member {quoted(member.name)}",
        )
        if tags is not None:
            assert member.id is not None
            _replace_tags(session, member.id, tags)
        return _read(session, member)


def pause_member(
    db: Database,
    *,
    ref: str | int,
    until: dt.date | None = None,
    expected_version: int | None = None,
) -> MemberRead:
    """Pause a member (optionally until a date); their circles keep their seats.

    A member already paused may have their end date moved by giving a new one; pausing them
    again without a date is refused rather than silently making a dated pause open-ended."""
    if until is not None and until <= clock.today():
        raise InvalidInput(f"pause until {until} is not in the future")
    with db.write() as session:
        member = find_member(session, ref)
        if member.status == MemberStatus.LEFT:
            raise Conflict(f"{member.name} has left the community; they cannot be paused")
        if member.status == MemberStatus.PAUSED and until in (None, member.paused_until):
            raise Conflict(_already_paused(member.name, member.paused_until))
        versioned_update(
            session,
            member,
            {"status": MemberStatus.PAUSED.value, "paused_until": until},
            expected_version=expected_version,
            what=f"member {quoted(member.name)}",
        )
        return _read(session, member)


def _already_paused(name: str, until: dt.date | None) -> str:
    """Why pausing a paused member again changes nothing, and what would."""
    if until is None:
        return f"{name} is already paused until resumed — give a date to end the pause"
    return (
        f"{name} is already paused until {until} — give another date to move it, or "
        "resume them first to pause with no end date"
    )


def resume_member(
    db: Database, *, ref: str | int, expected_version: int | None = None
) -> MemberRead:
    """Make a paused or departed member active again (their circle history is kept)."""
    with db.write() as session:
        member = find_member(session, ref)
        if member.status == MemberStatus.ACTIVE:
            raise Conflict(f"{member.name} is already active")
        versioned_update(
            session,
            member,
            {"status": MemberStatus.ACTIVE.value, "paused_until": None},
            expected_version=expected_version,
            what=f"member {quoted(member.name)}",
        )
        return _read(session, member)


def leave_member(
    db: Database, *, ref: str | int, reason: str | None = None, expected_version: int | None = None
) -> MemberRead:
    """Mark a member as having left; every current circle stay ends today with the reason."""
    reason = clean_reason(reason)
    with db.write() as session:
        member = find_member(session, ref)
        if member.status == MemberStatus.LEFT:
            raise Conflict(f"{member.name} has already left")
        versioned_update(
            session,
            member,
            {"status": MemberStatus.LEFT.value, "paused_until": None},
            expected_version=expected_version,
            what=f"member {quoted(member.name)}",
        )
        end_memberships(session, member_id=member.id, reason=reason or LEFT_COMMUNITY_REASON)
        _withdraw_applications(session, member_id=member.id)
        return _read(session, member)


def _withdraw_applications(session: Session, *, member_id: int | None) -> None:
    """A member who leaves no longer waits for a seat: their pending applications end today."""
    from circlekeeper.models import Application, ApplicationStatus

    session.exec(
        update(Application)
        .where(
            col(Application.member_id) == member_id,
            col(Application.status) == ApplicationStatus.PENDING.value,
        )
        .values(
            status=ApplicationStatus.WITHDRAWN.value,
            decided_on=clock.today(),
            decided_by=LEFT_COMMUNITY_REASON,
        )
    )


def end_memberships(session: Session, *, member_id: int | None, reason: str) -> int:
    """Close every open stay of a member today; returns how many were closed."""
    today = clock.today()
    result = session.exec(
        update(Membership)
        .where(col(Membership.member_id) == member_id, col(Membership.left_on).is_(None))
        .values(
            left_on=case(
                (col(Membership.joined_on) > today, col(Membership.joined_on)), else_=today
            ),
            leave_reason=reason,
        )
    )
    return int(result.rowcount or 0)


def ensure_unique_contact(
    session: Session,
    email_key: str | None,
    handle_key_: str | None,
    *,
    exclude_id: int | None = None,
) -> None:
    """Refuse an email or handle that another member already has, naming that member."""
    for column, key, label in (
        (Member.email_key, email_key, "email"),
        (Member.handle_key, handle_key_, "handle"),
    ):
        if key is None:
            continue
        clash = session.exec(select(Member.id, Member.name).where(col(column) == key)).first()
        if clash is not None and clash[0] != exclude_id:
            raise Conflict(f"{label} is already used by member #{clash[0]} ({clash[1]})")


def _replace_tags(session: Session, member_id: int, tags: dict[str, str]) -> None:
    session.exec(
        MemberTag.__table__.delete().where(MemberTag.__table__.c.member_id == member_id)  # type: ignore[attr-defined]
    )
    for key, value in tags.items():
        session.add(
            MemberTag(member_id=member_id, key=key, value=value, value_key=identity_key(value))
        )
    session.flush()


def _tags_for(session: Session, member_ids: list[int]) -> dict[int, dict[str, str]]:
    result: dict[int, dict[str, str]] = {}
    if not member_ids:
        return result
    rows = session.exec(
        select(MemberTag.member_id, MemberTag.key, MemberTag.value)
        .where(col(MemberTag.member_id).in_(member_ids))
        .order_by(col(MemberTag.key))
    ).all()
    for member_id, key, value in rows:
        result.setdefault(member_id, {})[key] = value
    return result


def _count(session: Session, where: ColumnElement[bool]) -> int:
    return int(session.exec(select(func.count()).select_from(Member).where(where)).one())


def _read(session: Session, member: Member) -> MemberRead:
    assert member.id is not None
    return MemberRead(
        id=member.id,
        name=member.name,
        email=member.email,
        handle=member.handle,
        timezone=member.timezone,
        joined_on=member.joined_on,
        status=MemberStatus(member.status),
        paused_until=member.paused_until,
        tags=_tags_for(session, [member.id]).get(member.id, {}),
        consent_named=member.consent_named,
        consent_recognised=member.consent_recognised,
        version=member.version,
        created_at=member.created_at,
        updated_at=member.updated_at,
    )
