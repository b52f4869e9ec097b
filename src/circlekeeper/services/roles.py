"""Role rules: a circle's roles, the rota with deputies, swaps and skips recorded with who/why."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, func
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import (
    AssignmentRead,
    Circle,
    CircleSession,
    CircleStatus,
    Member,
    Membership,
    OverrideRead,
    Role,
    RoleAssignment,
    RoleEvent,
    RoleEventRead,
    RoleOptOut,
    RoleRead,
    RoleSkip,
    SessionStatus,
    TermWarning,
)
from circlekeeper.models.role import DEFAULT_ROLES
from circlekeeper.services.actor import current_actor
from circlekeeper.services.errors import Conflict, InvalidInput, NotFound, StaleEdit
from circlekeeper.services.lookup import find_circle, find_member
from circlekeeper.services.turn_checks import DEFAULT_CAP, turn_warnings
from circlekeeper.services.validation import clean_reason
from circlekeeper.text import clean_text, identity_key, quoted

ROLE_NAME_MAX = 40
TERM_WARNING_DAYS = 14
"""How many days before a term ends that it is flagged, so a successor can be found."""


def ensure_default_roles(session: Session, circle: Circle) -> list[Role]:
    """The circle's roles, creating facilitator, timekeeper and note-taker the first time."""
    roles = list(
        session.exec(
            select(Role).where(col(Role.circle_id) == circle.id).order_by(col(Role.position))
        ).all()
    )
    if roles:
        return roles
    moment = clock.now()
    for position, name in enumerate(DEFAULT_ROLES):
        role = Role(
            circle_id=_id(circle.id),
            name=name,
            name_key=identity_key(name),
            position=position,
            created_at=moment,
        )
        session.add(role)
        roles.append(role)
    session.flush()
    return roles


def list_roles(db: Database, *, circle_ref: str | int) -> list[RoleRead]:
    """A circle's roles in rota order (the defaults are created on first use)."""
    with db.write() as session:
        circle = find_circle(session, circle_ref)
        return [role_read(role) for role in ensure_default_roles(session, circle)]


def add_role(db: Database, *, circle_ref: str | int, name: str, rotating: bool = True) -> RoleRead:
    """Add a custom role (rotating per session, or held for a term) to a circle."""
    text = clean_text(name)
    if not text or len(text) > ROLE_NAME_MAX:
        raise InvalidInput(f"a role name needs 1 to {ROLE_NAME_MAX} characters")
    with db.write() as session:
        circle = find_circle(session, circle_ref)
        roles = ensure_default_roles(session, circle)
        if any(role.name_key == identity_key(text) for role in roles):
            raise Conflict(f"{quoted(circle.name)} already has a role named {quoted(text)}")
        role = Role(
            circle_id=_id(circle.id),
            name=text,
            name_key=identity_key(text),
            rotating=rotating,
            position=max((r.position for r in roles), default=-1) + 1,
            created_at=clock.now(),
        )
        session.add(role)
        session.flush()
        return role_read(role)


def remove_role(db: Database, *, circle_ref: str | int, name: str) -> RoleRead:
    """Remove a role and all its assignments (the record of changes keeps its name); returns it."""
    with db.write() as session:
        circle = find_circle(session, circle_ref)
        role = find_role(session, circle, name)
        removed = role_read(role)
        session.delete(role)
        return removed


def find_role(session: Session, circle: Circle, name: str) -> Role:
    """The role called `name` in this circle (case-insensitive)."""
    ensure_default_roles(session, circle)
    role = session.exec(
        select(Role).where(
            col(Role.circle_id) == circle.id, col(Role.name_key) == identity_key(name)
        )
    ).first()
    if role is None:
        raise NotFound(f"{quoted(circle.name)} has no role {quoted(name)} — 'role list' shows them")
    return role


def set_opt_out(
    db: Database, *, circle_ref: str | int, member_ref: str | int, role: str, opted_out: bool = True
) -> None:
    """Record that a member does (not) want to take a role in this circle."""
    with db.write() as session:
        circle = find_circle(session, circle_ref)
        member = find_member(session, member_ref)
        found = find_role(session, circle, role)
        existing = session.get(RoleOptOut, (found.id, member.id))
        if opted_out and existing is None:
            session.add(RoleOptOut(role_id=_id(found.id), member_id=_id(member.id)))
        elif not opted_out and existing is not None:
            session.delete(existing)


def skip_member(
    db: Database,
    *,
    circle_ref: str | int,
    member_ref: str | int,
    day: dt.date,
    reason: str,
    by: str | None = None,
) -> list[AssignmentRead]:
    """Excuse a member from roles in a circle on one date (recorded with who and why).

    Returns the planned assignments of that date that still name them, as holder or deputy:
    the rota keeps them until it is planned again.
    """
    why = clean_reason(reason)
    if not why:
        raise InvalidInput("say why the member is skipped (--reason)")
    if day < clock.today():
        raise InvalidInput(f"{day} is in the past — a skip excuses someone from upcoming sessions")
    with db.write() as session:
        circle = find_circle(session, circle_ref)
        member = find_member(session, member_ref)
        _require_seat(session, circle, member)
        clash = session.exec(
            select(RoleSkip.id).where(
                col(RoleSkip.circle_id) == circle.id,
                col(RoleSkip.member_id) == member.id,
                col(RoleSkip.day) == day,
            )
        ).first()
        if clash is not None:
            raise Conflict(f"{member.name} is already skipped on {day}")
        session.add(
            RoleSkip(
                circle_id=_id(circle.id),
                member_id=_id(member.id),
                day=day,
                reason=why,
                created_at=clock.now(),
            )
        )
        record_event(
            session, circle_id=_id(circle.id), kind="skip", member_id=member.id, by=by, reason=why
        )
        return assignment_reads(
            session,
            and_(
                col(Role.circle_id) == circle.id,
                col(CircleSession.local_date) == day,
                (col(RoleAssignment.member_id) == member.id)
                | (col(RoleAssignment.deputy_id) == member.id),
            ),
        )


def swap_assignments(
    db: Database,
    *,
    first_id: int,
    second_id: int,
    reason: str = "",
    by: str | None = None,
    expected_versions: tuple[int, int] | None = None,
) -> tuple[AssignmentRead, AssignmentRead]:
    """Exchange the people of two assignments (two weeks' facilitators, say), recorded."""
    if first_id == second_id:
        raise InvalidInput("pick two different assignments to swap")
    why = clean_reason(reason) or ""
    with db.write() as session:
        first = _find_assignment(session, first_id)
        second = _find_assignment(session, second_id)
        if expected_versions is not None and (first.version, second.version) != expected_versions:
            raise StaleEdit("the rota")
        first_role = session.get(Role, first.role_id)
        second_role = session.get(Role, second.role_id)
        assert first_role is not None
        assert second_role is not None
        if first_role.circle_id != second_role.circle_id:
            raise Conflict("both assignments must be in the same circle")
        if (first.session_id is None) != (second.session_id is None):
            raise Conflict(
                "a term can only be swapped with another term, and a session's role with "
                "another session's role"
            )
        first_member, second_member = first.member_id, second.member_id
        first.member_id, second.member_id = second_member, first_member
        for assignment in (first, second):
            if assignment.deputy_id is not None and assignment.deputy_id == assignment.member_id:
                assignment.deputy_id = first_member if assignment is first else second_member
            assignment.version += 1
            assignment.updated_at = clock.now()
            session.add(assignment)
        session.flush()
        record_event(
            session,
            circle_id=first_role.circle_id,
            kind="swap",
            role_name=first_role.name,
            session_id=first.session_id,
            member_id=first_member,
            other_member_id=second_member,
            by=by,
            reason=why,
        )
        reads = assignment_reads(session, col(RoleAssignment.id).in_([first_id, second_id]))
        by_id = {read.id: read for read in reads}
        return by_id[first_id], by_id[second_id]


def override_assignment(
    db: Database,
    *,
    assignment_id: int,
    member_ref: str | int | None,
    deputy_ref: str | int | None = None,
    reason: str = "",
    by: str | None = None,
    cap: int = DEFAULT_CAP,
) -> OverrideRead:
    """Put someone else (or nobody) in a role for a session, recorded with who and why.

    Only members who sit in the circle can be put in; a choice that breaks a rota rule (paused
    or excused that day, opted out, a second role that session, over `cap`) is made, with warnings.
    """
    why = clean_reason(reason) or ""
    with db.write() as session:
        assignment = _find_assignment(session, assignment_id)
        role = session.get(Role, assignment.role_id)
        assert role is not None
        circle = session.get(Circle, role.circle_id)
        assert circle is not None
        before = assignment.member_id
        member = find_member(session, member_ref) if member_ref is not None else None
        deputy = find_member(session, deputy_ref) if deputy_ref is not None else None
        if member is not None and deputy is not None and member.id == deputy.id:
            raise InvalidInput("the deputy must be someone other than the person in the role")
        for person in (member, deputy):
            if person is not None:
                _require_seat(session, circle, person)
        assignment.member_id = member.id if member else None
        if deputy_ref is not None:
            assignment.deputy_id = deputy.id if deputy else None
        elif assignment.deputy_id == assignment.member_id:
            assignment.deputy_id = None
        assignment.version += 1
        assignment.updated_at = clock.now()
        session.add(assignment)
        session.flush()
        record_event(
            session,
            circle_id=role.circle_id,
            kind="override",
            role_name=role.name,
            session_id=assignment.session_id,
            member_id=assignment.member_id,
            other_member_id=before,
            by=by,
            reason=why,
        )
        return OverrideRead(
            line=assignment_reads(session, col(RoleAssignment.id) == assignment.id)[0],
            warnings=turn_warnings(session, assignment, role, cap=cap),
        )


def assign_term(
    db: Database,
    *,
    circle_ref: str | int,
    role: str,
    member_ref: str | int,
    starts_on: dt.date,
    ends_on: dt.date,
    deputy_ref: str | int | None = None,
    reason: str = "",
    by: str | None = None,
) -> AssignmentRead:
    """Give a term role (one held for a period, not rotated per session) to a circle member.

    Terms of one role never overlap; the change is recorded with who made it and why.
    """
    _check_day(starts_on, "the first day")
    _check_day(ends_on, "the last day")
    if ends_on < starts_on:
        raise InvalidInput(f"a term ends on or after its first day ({starts_on}), not {ends_on}")
    why = clean_reason(reason) or ""
    with db.write() as session:
        circle = find_circle(session, circle_ref)
        found = _term_role(session, circle, role)
        member = find_member(session, member_ref)
        _require_seat(session, circle, member)
        deputy = find_member(session, deputy_ref) if deputy_ref is not None else None
        if deputy is not None:
            if deputy.id == member.id:
                raise InvalidInput("the deputy must be someone other than the person in the role")
            _require_seat(session, circle, deputy)
        terms = _terms_of(session, _id(found.id))
        for term in terms:
            assert term.starts_on is not None
            if term.starts_on <= ends_on and (term.ends_on is None or term.ends_on >= starts_on):
                holder = session.get(Member, term.member_id) if term.member_id else None
                raise Conflict(
                    f"{quoted(found.name)} in {circle.name} is already held "
                    f"{'by ' + holder.name + ' ' if holder else ''}from {term.starts_on} to "
                    f"{term.ends_on or 'an open end'} — terms of one role cannot overlap"
                )
        earlier = [term for term in terms if term.starts_on and term.starts_on < starts_on]
        moment = clock.now()
        assignment = RoleAssignment(
            role_id=_id(found.id),
            member_id=member.id,
            deputy_id=deputy.id if deputy else None,
            starts_on=starts_on,
            ends_on=ends_on,
            created_at=moment,
            updated_at=moment,
        )
        session.add(assignment)
        session.flush()
        record_event(
            session,
            circle_id=_id(circle.id),
            kind="term",
            role_name=found.name,
            member_id=member.id,
            other_member_id=earlier[-1].member_id if earlier else None,
            by=by,
            reason=why,
        )
        return assignment_reads(session, col(RoleAssignment.id) == assignment.id)[0]


def term_holders(db: Database, *, circle_ref: str | int, role: str) -> list[AssignmentRead]:
    """Everyone who holds, held or will hold a term role, the latest term first."""
    with db.write() as session:
        circle = find_circle(session, circle_ref)
        found = _term_role(session, circle, role)
        reads = assignment_reads(
            session,
            and_(col(RoleAssignment.role_id) == found.id, col(RoleAssignment.session_id).is_(None)),
        )
        return sorted(
            reads, key=lambda read: (read.starts_on or dt.date.min, read.id), reverse=True
        )


def term_warnings(
    db: Database, *, circle_ref: str | int | None = None, within_days: int = TERM_WARNING_DAYS
) -> list[TermWarning]:
    """Term roles whose latest term ends within `within_days` days or has ended, most urgent first.

    A term that has a later term after it is not flagged: someone is lined up. Without a circle,
    every circle that is not closed is looked at.
    """
    if not 0 <= within_days <= 366:
        raise InvalidInput("warn between 0 and 366 days before a term ends")
    today = clock.today()
    with db.read() as session:
        clauses: list[ColumnElement[bool]] = [
            col(Role.rotating).is_(False),
            col(RoleAssignment.session_id).is_(None),
        ]
        if circle_ref is not None:
            clauses.append(col(Role.circle_id) == find_circle(session, circle_ref).id)
        else:
            clauses.append(col(Circle.status) != CircleStatus.CLOSED.value)
        reads = assignment_reads(session, and_(*clauses))
    by_role: dict[tuple[int, str], list[AssignmentRead]] = {}
    for read in sorted(reads, key=lambda read: (read.starts_on or dt.date.min, read.id)):
        by_role.setdefault((read.circle_id, read.role), []).append(read)
    warnings = []
    for terms in by_role.values():
        last = terms[-1]
        if last.ends_on is None or last.starts_on is None:
            continue
        days_left = (last.ends_on - today).days
        if days_left > within_days:
            continue
        previous = terms[-2] if len(terms) > 1 else None
        warnings.append(
            TermWarning(
                circle_id=last.circle_id,
                circle_name=last.circle_name,
                role=last.role,
                assignment_id=last.id,
                member_id=last.member_id,
                member_name=last.member_name,
                starts_on=last.starts_on,
                ends_on=last.ends_on,
                days_left=days_left,
                previous_member_id=previous.member_id if previous else None,
                previous_member_name=previous.member_name if previous else None,
                message=_term_message(last, days_left, previous),
            )
        )
    return sorted(warnings, key=lambda w: (w.days_left, w.circle_name.casefold(), w.role))


def _term_message(term: AssignmentRead, days_left: int, previous: AssignmentRead | None) -> str:
    """One sentence a facilitator can act on: whose term ends when, and who held it before."""
    holder = f"{term.member_name}'s term" if term.member_name else "the term"
    if days_left > 1:
        when = f"ends on {term.ends_on}, in {days_left} days, and nobody is lined up to follow"
    elif days_left == 1:
        when = f"ends tomorrow ({term.ends_on}) and nobody is lined up to follow"
    elif days_left == 0:
        when = "ends today and nobody is lined up to follow"
    else:
        ago = -days_left
        when = (
            f"ended on {term.ends_on}, {ago} day{'s' if ago != 1 else ''} ago, "
            "and nobody holds the role now"
        )
    before = ""
    if previous is not None:
        before = f" (before: {previous.member_name or 'nobody'})"
    return f"{term.circle_name} — {term.role}: {holder} {when}{before}"


def _term_role(session: Session, circle: Circle, name: str) -> Role:
    """The role `name` of this circle, which must be held for a term rather than rotate."""
    role = find_role(session, circle, name)
    if role.rotating:
        raise InvalidInput(
            f"{quoted(role.name)} rotates per session ('role plan' assigns it) — only a term "
            "role is "
            "held for a period ('role add CIRCLE NAME --term' makes one)"
        )
    return role


def _terms_of(session: Session, role_id: int) -> list[RoleAssignment]:
    """The terms of one role, earliest first."""
    return list(
        session.exec(
            select(RoleAssignment)
            .where(col(RoleAssignment.role_id) == role_id, col(RoleAssignment.session_id).is_(None))
            .order_by(col(RoleAssignment.starts_on), col(RoleAssignment.id))
        ).all()
    )


def _require_seat(session: Session, circle: Circle, member: Member) -> None:
    """Refuse unless the member currently sits in the circle."""
    seat = session.exec(
        select(Membership.id).where(
            col(Membership.circle_id) == circle.id,
            col(Membership.member_id) == member.id,
            col(Membership.left_on).is_(None),
        )
    ).first()
    if seat is None:
        raise Conflict(
            f"{member.name} does not sit in {circle.name} — 'circle add' gives them a seat"
        )


def _check_day(value: object, what: str) -> None:
    """Terms are whole days: refuse anything but a date (a datetime would compare wrongly)."""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise InvalidInput(f"{what} of a term must be a date (YYYY-MM-DD)")


def assignment_reads(session: Session, where: ColumnElement[bool]) -> list[AssignmentRead]:
    """Rota lines for `where`, with circle, role, member and deputy names, in date order."""
    holder = aliased(Member)
    deputy = aliased(Member)
    rows = session.execute(
        sa_select(
            RoleAssignment,
            Role,
            col(Circle.name),
            col(CircleSession.local_date),
            col(holder.name),
            col(deputy.name),
        )
        .join(Role, col(Role.id) == col(RoleAssignment.role_id))
        .join(Circle, col(Circle.id) == col(Role.circle_id))
        .outerjoin(CircleSession, col(CircleSession.id) == col(RoleAssignment.session_id))
        .outerjoin(holder, col(holder.id) == col(RoleAssignment.member_id))
        .outerjoin(deputy, col(deputy.id) == col(RoleAssignment.deputy_id))
        .where(where)
        .order_by(
            func.coalesce(col(CircleSession.local_date), col(RoleAssignment.starts_on)),
            col(Role.position),
        )
    ).all()
    return [
        AssignmentRead(
            id=_id(assignment.id),
            circle_id=role.circle_id,
            circle_name=circle_name,
            role=role.name,
            rotating=role.rotating,
            session_id=assignment.session_id,
            day=day,
            starts_on=assignment.starts_on,
            ends_on=assignment.ends_on,
            member_id=assignment.member_id,
            member_name=member_name,
            deputy_id=assignment.deputy_id,
            deputy_name=deputy_name,
            version=assignment.version,
        )
        for assignment, role, circle_name, day, member_name, deputy_name in rows
    ]


def member_history(
    db: Database, *, member_ref: str | int, limit: int = 200
) -> list[AssignmentRead]:
    """Every role a member has held or is planned to hold, across circles, newest first."""
    with db.read() as session:
        member = find_member(session, member_ref)
        reads = assignment_reads(
            session,
            (col(RoleAssignment.member_id) == member.id)
            | (col(RoleAssignment.deputy_id) == member.id),
        )
        return list(reversed(reads))[:limit]


def role_events(
    db: Database, *, circle_ref: str | int | None = None, member_ref: str | int | None = None
) -> list[RoleEventRead]:
    """Recorded swaps, skips and overrides, newest first."""
    with db.read() as session:
        clauses: list[ColumnElement[bool]] = []
        if circle_ref is not None:
            clauses.append(col(RoleEvent.circle_id) == find_circle(session, circle_ref).id)
        if member_ref is not None:
            member = find_member(session, member_ref)
            clauses.append(
                (col(RoleEvent.member_id) == member.id)
                | (col(RoleEvent.other_member_id) == member.id)
            )
        first = aliased(Member)
        second = aliased(Member)
        rows = session.execute(
            sa_select(
                RoleEvent,
                col(Circle.name),
                col(CircleSession.local_date),
                col(first.name),
                col(second.name),
            )
            .join(Circle, col(Circle.id) == col(RoleEvent.circle_id))
            .outerjoin(CircleSession, col(CircleSession.id) == col(RoleEvent.session_id))
            .outerjoin(first, col(first.id) == col(RoleEvent.member_id))
            .outerjoin(second, col(second.id) == col(RoleEvent.other_member_id))
            .where(and_(True, *clauses))
            .order_by(col(RoleEvent.created_at).desc(), col(RoleEvent.id).desc())
        ).all()
        return [
            RoleEventRead(
                id=_id(event.id),
                circle_name=circle_name,
                kind=event.kind,
                role_name=event.role_name,
                day=day,
                member_name=member_name,
                other_member_name=other_name,
                by=event.by,
                reason=event.reason,
                created_at=event.created_at,
            )
            for event, circle_name, day, member_name, other_name in rows
        ]


def upcoming_sessions_of(
    session: Session, circle_id: int, *, limit: int
) -> Sequence[CircleSession]:
    """The circle's planned sessions from today on, in date order."""
    return session.exec(
        select(CircleSession)
        .where(
            col(CircleSession.circle_id) == circle_id,
            col(CircleSession.status) == SessionStatus.PLANNED.value,
            col(CircleSession.starts_at) >= clock.now(),
        )
        .order_by(col(CircleSession.starts_at))
        .limit(limit)
    ).all()


def record_event(
    session: Session,
    *,
    circle_id: int,
    kind: str,
    role_name: str = "",
    session_id: int | None = None,
    member_id: int | None = None,
    other_member_id: int | None = None,
    by: str | None = None,
    reason: str = "",
) -> None:
    """Add one line to the record of rota changes (who made it defaults to this computer's user)."""
    session.add(
        RoleEvent(
            circle_id=circle_id,
            kind=kind,
            role_name=role_name,
            session_id=session_id,
            member_id=member_id,
            other_member_id=other_member_id,
            by=clean_text(by) if by else current_actor(),
            reason=reason,
            created_at=clock.now(),
        )
    )
    session.flush()


def _find_assignment(session: Session, assignment_id: int) -> RoleAssignment:
    found = session.get(RoleAssignment, assignment_id)
    if found is None:
        raise NotFound(f"no assignment #{assignment_id} — 'role show CIRCLE' lists them")
    return found


def role_read(role: Role) -> RoleRead:
    """The read model of a role row."""
    return RoleRead(
        id=_id(role.id), circle_id=role.circle_id, name=role.name, rotating=role.rotating
    )


def _id(value: int | None) -> int:
    assert value is not None
    return value
