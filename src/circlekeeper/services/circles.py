"""Circle rules: create, edit with lost-update protection, seats, membership history, lifecycle."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, func, insert, or_
from sqlmodel import Session, col, select

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import (
    CIRCLE_TRANSITIONS,
    Cadence,
    Circle,
    CircleCreate,
    CircleDetail,
    CircleKind,
    CircleMember,
    CirclePage,
    CircleRead,
    CircleRow,
    CircleStatus,
    CircleUpdate,
    Member,
    Membership,
    MemberStatus,
    Ritual,
)
from circlekeeper.models.circle import validate_circle_fields
from circlekeeper.services.errors import CapacityExceeded, Conflict, InvalidInput
from circlekeeper.services.lookup import find_circle, find_member, like_pattern
from circlekeeper.services.validation import clean_reason
from circlekeeper.services.versioning import versioned_update
from circlekeeper.text import identity_key, quoted

T = TypeVar("T")
MAX_PAGE = 1000
CHUNK = 500
"""Circles per INSERT or IN (...) list when working on many at once (SQLite caps the parameters of
one statement)."""


def create_circle(db: Database, *, data: CircleCreate) -> CircleRead:
    """Create a circle in the forming state; names are unique regardless of case."""
    with db.write() as session:
        return _read(session, insert_circle(session, data))


def insert_circle(session: Session, data: CircleCreate) -> Circle:
    """Add a forming circle inside the caller's transaction, refusing a name already taken."""
    [circle_id] = insert_circles(session, [data])
    circle = session.get(Circle, circle_id)
    assert circle is not None
    return circle


def insert_circles(session: Session, circles: Sequence[CircleCreate]) -> list[int]:
    """Add forming circles inside the caller's transaction, CHUNK to an INSERT, refusing a name
    already taken or given twice; their ids in the order given. A round of 18,000 circles added
    one ORM flush at a time took half a minute."""
    _ensure_unique_names(session, [data.name for data in circles])
    moment = clock.now()
    statement = insert(Circle).returning(col(Circle.id), sort_by_parameter_order=True)
    ids: list[int] = []
    for chunk in chunks(circles):
        rows = [
            {
                **data.model_dump(),
                "name_key": identity_key(data.name),
                "status": CircleStatus.FORMING.value,
                "version": 1,
                "created_at": moment,
                "updated_at": moment,
            }
            for data in chunk
        ]
        ids += session.scalars(statement, rows)
    return ids


def chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    """`items` CHUNK at a time."""
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def get_circle(db: Database, *, ref: str | int) -> CircleDetail:
    """One circle with its current and past members and any warnings (e.g. below min size)."""
    with db.read() as session:
        circle = find_circle(session, ref)
        return circle_detail(session, circle)


def circle_filter(
    search: str | None, status: CircleStatus | None, kind: CircleKind | None
) -> ColumnElement[bool]:
    """The WHERE clause for a search over circle names and purposes, a status and a kind."""
    clauses: list[ColumnElement[bool]] = []
    if status is not None:
        clauses.append(col(Circle.status) == status.value)
    if kind is not None:
        clauses.append(col(Circle.kind) == kind.value)
    text = (search or "").strip()
    if text:
        pattern = like_pattern(identity_key(text))
        clauses.append(
            or_(
                col(Circle.name_key).like(pattern, escape="\\"),
                func.lower(Circle.purpose).like(pattern, escape="\\"),
            )
        )
    return and_(True, *clauses)


def list_circles(
    db: Database,
    *,
    search: str | None = None,
    status: CircleStatus | None = None,
    kind: CircleKind | None = None,
    limit: int = 50,
    offset: int = 0,
) -> CirclePage:
    """A page of circles sorted by name, with their current sizes."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}")
    if offset < 0:
        raise InvalidInput("offset must not be negative")
    where = circle_filter(search, status, kind)
    with db.read() as session:
        total = int(session.exec(select(func.count()).select_from(Circle).where(where)).one())
        return CirclePage(
            items=circle_rows(session, where, limit=limit, offset=offset),
            total=total,
            offset=offset,
            limit=limit,
        )


def count_circles(
    db: Database,
    *,
    search: str | None = None,
    status: CircleStatus | None = None,
    kind: CircleKind | None = None,
) -> int:
    """How many circles match."""
    with db.read() as session:
        where = circle_filter(search, status, kind)
        return int(session.exec(select(func.count()).select_from(Circle).where(where)).one())


def circle_names(db: Database) -> list[str]:
    """Every circle's name in name order, closed circles last: what a circle field suggests."""
    closed = col(Circle.status) == CircleStatus.CLOSED.value
    with db.read() as session:
        return list(
            session.exec(
                select(col(Circle.name)).order_by(closed, col(Circle.name_key), col(Circle.id))
            ).all()
        )


def circle_rows(
    session: Session, where: ColumnElement[bool], *, limit: int, offset: int
) -> list[CircleRow]:
    """Rows for one window of the sorted circle list."""
    size = _size_subquery()
    rows = session.exec(
        select(  # type: ignore[call-overload]
            Circle.id,
            Circle.name,
            Circle.kind,
            Circle.status,
            Circle.visibility,
            size,
            Circle.min_size,
            Circle.max_size,
            Circle.cadence,
            Circle.cadence_interval,
            Circle.weekday,
            Circle.meeting_time,
            Circle.timezone,
        )
        .where(where)
        .order_by(col(Circle.name_key), col(Circle.id))
        .limit(limit)
        .offset(offset)
    ).all()
    fields = list(CircleRow.model_fields)
    return [CircleRow.model_validate(dict(zip(fields, row, strict=True))) for row in rows]


def circle_position(db: Database, *, circle_id: int, search: str | None = None) -> int | None:
    """Where circle `circle_id` sits in the sorted list for this search (None if not in it)."""
    where = circle_filter(search, None, None)
    with db.read() as session:
        found = session.exec(
            select(Circle.name_key).where(where, col(Circle.id) == circle_id)
        ).first()
        if found is None:
            return None
        before = or_(
            col(Circle.name_key) < found,
            and_(col(Circle.name_key) == found, col(Circle.id) < circle_id),
        )
        return int(
            session.exec(select(func.count()).select_from(Circle).where(where, before)).one()
        )


def edit_circle(
    db: Database, *, ref: str | int, changes: CircleUpdate, expected_version: int | None = None
) -> CircleRead:
    """Apply the fields set in `changes`; refused if the circle changed since `expected_version`."""
    values: dict[str, Any] = changes.model_dump(exclude_unset=True)
    with db.write() as session:
        circle = find_circle(session, ref)
        required = ("name", "kind", "visibility", "min_size", "max_size", "cadence", "timezone")
        for field in (*required, "cadence_interval"):
            if field in values and values[field] is None:
                del values[field]
        for field in ("purpose", "trust_focus", "agreements"):
            if field in values and values[field] is None:
                values[field] = ""
        merged = {**circle.model_dump(), **values}
        if merged["cadence"] != Cadence.EVERY_N_WEEKS and merged["cadence_interval"] != 1:
            values["cadence_interval"] = merged["cadence_interval"] = 1  # as CircleCreate does
        try:
            validate_circle_fields(merged)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from exc
        if "name" in values:
            _ensure_unique_name(session, values["name"], exclude_id=circle.id)
            values["name_key"] = identity_key(values["name"])
        size = seats_taken(session, circle.id)
        if "max_size" in values and values["max_size"] < size:
            raise CapacityExceeded(
                f"circle {quoted(circle.name)} has {size} members; max size {values['max_size']} "
                f"would be below that — remove members first"
            )
        versioned_update(
            session,
            circle,
            values,
            expected_version=expected_version,
            what=f"circle {quoted(circle.name)}",
        )
        return _read(session, circle)


def add_member_to_circle(
    db: Database, *, circle_ref: str | int, member_ref: str | int, joined_on: dt.date | None = None
) -> CircleDetail:
    """Give a member a seat; refused when the circle is full, closed, or they are already in it.

    The seat count is read inside the write transaction (BEGIN IMMEDIATE), so two processes adding
    the last seat at the same moment cannot both succeed.
    """
    with db.write() as session:
        circle = find_circle(session, circle_ref)
        member = find_member(session, member_ref)
        if circle.status == CircleStatus.CLOSED:
            raise Conflict(f"circle {quoted(circle.name)} is closed — reopen it first")
        if member.status == MemberStatus.LEFT:
            raise Conflict(f"{member.name} has left the community — resume them first")
        already = session.exec(
            select(Membership.id).where(
                Membership.circle_id == circle.id,
                Membership.member_id == member.id,
                col(Membership.left_on).is_(None),
            )
        ).first()
        if already is not None:
            raise Conflict(f"{member.name} is already in {quoted(circle.name)}")
        size = seats_taken(session, circle.id)
        if size >= circle.max_size:
            raise CapacityExceeded(
                f"circle {quoted(circle.name)} is full: {size} of {circle.max_size} seats taken — "
                f"raise its max size or remove someone first"
            )
        assert circle.id is not None
        assert member.id is not None
        session.add(
            Membership(
                member_id=member.id,
                circle_id=circle.id,
                joined_on=joined_on or clock.today(),
                created_at=clock.now(),
            )
        )
        session.flush()
        return circle_detail(session, circle)


def remove_member_from_circle(
    db: Database, *, circle_ref: str | int, member_ref: str | int, reason: str | None = None
) -> CircleDetail:
    """End a member's current stay in a circle today; the history keeps it."""
    reason = clean_reason(reason)
    with db.write() as session:
        circle = find_circle(session, circle_ref)
        member = find_member(session, member_ref)
        stay = session.exec(
            select(Membership).where(
                Membership.circle_id == circle.id,
                Membership.member_id == member.id,
                col(Membership.left_on).is_(None),
            )
        ).first()
        if stay is None:
            raise Conflict(f"{member.name} is not in {quoted(circle.name)}")
        stay.left_on = max(clock.today(), stay.joined_on)
        stay.leave_reason = reason
        session.add(stay)
        session.flush()
        return circle_detail(session, circle)


def set_circle_status(
    db: Database, *, ref: str | int, status: CircleStatus, expected_version: int | None = None
) -> CircleRead:
    """Move a circle along its lifecycle: forming → active ⇄ paused → closed, closed → active."""
    with db.write() as session:
        circle = find_circle(session, ref)
        current = CircleStatus(circle.status)
        if status not in CIRCLE_TRANSITIONS[current]:
            allowed = ", ".join(sorted(s.value for s in CIRCLE_TRANSITIONS[current]))
            raise Conflict(
                f"circle {quoted(circle.name)} is {current.value}; it can become: {allowed}"
            )
        versioned_update(
            session,
            circle,
            {"status": status.value},
            expected_version=expected_version,
            what=f"circle {quoted(circle.name)}",
        )
        return _read(session, circle)


def _ensure_unique_name(session: Session, name: str, *, exclude_id: int | None = None) -> None:
    _ensure_unique_names(session, [name], exclude_id=exclude_id)


def _ensure_unique_names(
    session: Session, names: Sequence[str], *, exclude_id: int | None = None
) -> None:
    """Refuse when one of `names` is another circle's (regardless of case) or is given twice."""
    wanted: dict[str, str] = {}
    for name in names:
        twice = wanted.setdefault(identity_key(name), name)
        if twice is not name:
            raise Conflict(f"the circle name {quoted(name)} is given twice")
    for chunk in chunks(list(wanted)):
        found = select(Circle.name_key, Circle.id).where(col(Circle.name_key).in_(chunk))
        for key, clash in session.exec(found):
            if clash != exclude_id:
                raise Conflict(f"a circle named {quoted(wanted[key])} already exists (#{clash})")


def _size_subquery() -> Any:
    return (
        select(func.count())
        .where(col(Membership.circle_id) == col(Circle.id), col(Membership.left_on).is_(None))
        .correlate(Circle)
        .scalar_subquery()
    )


def seats_taken(session: Session, circle_id: int | None) -> int:
    """How many members sit in the circle now (open stays), read in the caller's transaction."""
    return int(
        session.exec(
            select(func.count()).where(
                col(Membership.circle_id) == circle_id, col(Membership.left_on).is_(None)
            )
        ).one()
    )


def _read(session: Session, circle: Circle) -> CircleRead:
    data = circle.model_dump(exclude={"name_key"})
    return CircleRead(**data, size=seats_taken(session, circle.id))


def size_warnings(circle: CircleRead) -> list[str]:
    """What a facilitator should notice about a circle's size (warnings, not errors)."""
    warnings = []
    if (
        circle.status in (CircleStatus.ACTIVE, CircleStatus.FORMING)
        and circle.size < circle.min_size
    ):
        warnings.append(f"below minimum size: {circle.size} of at least {circle.min_size} members")
    if circle.size >= circle.max_size:
        warnings.append(f"full: {circle.size} of {circle.max_size} seats taken")
    return warnings


def circle_detail(session: Session, circle: Circle) -> CircleDetail:
    """A circle with its current and past members, read inside the caller's transaction."""
    assert circle.id is not None
    [detail] = circle_details(session, [circle.id])
    return detail


def circle_details(session: Session, circle_ids: Sequence[int]) -> list[CircleDetail]:
    """Circles with their current and past members, read inside the caller's transaction: four
    queries per CHUNK circles, however many there are."""
    fields = list(CircleMember.model_fields)
    details = []
    for chunk in chunks(circle_ids):
        circles = {c.id: c for c in session.exec(select(Circle).where(col(Circle.id).in_(chunk)))}
        stays: dict[int, list[CircleMember]] = defaultdict(list)
        rows = session.exec(
            select(  # type: ignore[call-overload]
                Membership.circle_id,
                Membership.member_id,
                Member.name,
                Member.handle,
                Member.email,
                Member.status,
                Membership.joined_on,
                Membership.left_on,
                Membership.leave_reason,
            )
            .join(Member, col(Member.id) == col(Membership.member_id))
            .where(col(Membership.circle_id).in_(chunk))
            .order_by(
                col(Membership.circle_id),
                col(Membership.left_on).is_not(None),
                col(Member.name_key),
                col(Membership.joined_on),
            )
        )
        for circle_id, *stay in rows:
            stays[circle_id].append(
                CircleMember.model_validate(dict(zip(fields, stay, strict=True)))
            )
        rituals = {c.ritual_id for c in circles.values() if c.ritual_id is not None}
        ritual_names = dict(
            session.exec(select(Ritual.id, Ritual.name).where(col(Ritual.id).in_(rituals))).all()
            if rituals
            else []
        )
        for circle_id in chunk:
            circle = circles[circle_id]
            members = [s for s in stays[circle_id] if s.left_on is None]
            read = CircleRead(**circle.model_dump(exclude={"name_key"}), size=len(members))
            details.append(
                CircleDetail(
                    **read.model_dump(),
                    members=members,
                    past_members=[s for s in stays[circle_id] if s.left_on is not None],
                    warnings=size_warnings(read),
                    ritual_name=ritual_names.get(circle.ritual_id),
                )
            )
    return details
