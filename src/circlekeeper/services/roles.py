"""Role rules: a circle's roles, the rota with deputies, swaps and skips recorded with who/why."""

from __future__ import annotations

import datetime as dt
import getpass
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
    Member,
    Role,
    RoleAssignment,
    RoleEvent,
    RoleEventRead,
    RoleOptOut,
    RoleRead,
    RoleSkip,
    SessionStatus,
)
from circlekeeper.models.role import DEFAULT_ROLES
from circlekeeper.services.errors import Conflict, InvalidInput, NotFound, StaleEdit
from circlekeeper.services.lookup import find_circle, find_member
from circlekeeper.services.validation import clean_reason
from circlekeeper.text import clean_text, identity_key

ROLE_NAME_MAX = 40


def current_actor() -> str:
    """Who is making a change, for the record: the login name of this computer's user."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "facilitator"


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
            raise Conflict(f"{circle.name!r} already has a role named {text!r}")
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


def remove_role(db: Database, *, circle_ref: str | int, name: str) -> None:
    """Remove a role and its future assignments; past assignments go with it from the rota."""
    with db.write() as session:
        circle = find_circle(session, circle_ref)
        role = find_role(session, circle, name)
        session.delete(role)


def find_role(session: Session, circle: Circle, name: str) -> Role:
    """The role called `name` in this circle (case-insensitive)."""
    ensure_default_roles(session, circle)
    role = session.exec(
        select(Role).where(
            col(Role.circle_id) == circle.id, col(Role.name_key) == identity_key(name)
        )
    ).first()
    if role is None:
        raise NotFound(f"{circle.name!r} has no role {name!r} — 'role list' shows them")
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
) -> None:
    """Excuse a member from roles in a circle on one date (recorded with who and why)."""
    why = clean_reason(reason)
    if not why:
        raise InvalidInput("say why the member is skipped (--reason)")
    with db.write() as session:
        circle = find_circle(session, circle_ref)
        member = find_member(session, member_ref)
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
) -> AssignmentRead:
    """Put someone else (or nobody) in a role for a session, recorded with who and why."""
    why = clean_reason(reason) or ""
    with db.write() as session:
        assignment = _find_assignment(session, assignment_id)
        role = session.get(Role, assignment.role_id)
        assert role is not None
        before = assignment.member_id
        member = find_member(session, member_ref) if member_ref is not None else None
        deputy = find_member(session, deputy_ref) if deputy_ref is not None else None
        if member is not None and deputy is not None and member.id == deputy.id:
            raise InvalidInput("the deputy must be someone other than the person in the role")
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
        return assignment_reads(session, col(RoleAssignment.id) == assignment.id)[0]


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
