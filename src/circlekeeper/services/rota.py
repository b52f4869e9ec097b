"""Planning and showing a circle's rota: the pure planner fed from the database, results stored."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, delete, func
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import (
    AssignmentRead,
    Attendance,
    CheckIn,
    Circle,
    CircleSession,
    Member,
    Membership,
    MemberStatus,
    Role,
    RoleAssignment,
    RoleOptOut,
    RoleSkip,
    RotaChange,
    RotaRead,
    SessionStatus,
)
from circlekeeper.services.errors import InvalidInput
from circlekeeper.services.lookup import find_circle
from circlekeeper.services.roles import (
    assignment_reads,
    ensure_default_roles,
    record_event,
    role_read,
    upcoming_sessions_of,
)
from circlekeeper.services.turn_checks import CAP_WINDOW_DAYS, DEFAULT_CAP
from circlekeeper.text import quoted

MISSED = frozenset({Attendance.ABSENT.value, Attendance.EXCUSED.value})
"""Roll-call marks that mean the person did not hold the role they were given that day."""


def plan_roles(
    db: Database, *, circle_ref: str | int, sessions: int = 4, cap: int = DEFAULT_CAP
) -> RotaRead:
    """Assign every rotating role (and a deputy) for the circle's next planned sessions.

    Assignments already changed by hand (swapped or overridden) stay; the rest of the upcoming
    rota is planned again. Past assignments are history and are never touched.
    """
    from circlekeeper.algorithms import rotation

    if not 1 <= sessions <= 52:
        raise InvalidInput("plan between 1 and 52 sessions")
    with db.write() as session:
        circle = find_circle(session, circle_ref)
        roles = [r for r in ensure_default_roles(session, circle) if r.rotating]
        slots = list(upcoming_sessions_of(session, _id(circle.id), limit=sessions))
        if not slots:
            raise InvalidInput(
                f"{quoted(circle.name)} has no planned sessions — plan some first "
                f"('session plan {circle.id}' or p on the Sessions screen)"
            )
        slot_ids = [_id(s.id) for s in slots]
        kept = session.exec(
            select(RoleAssignment).where(
                col(RoleAssignment.session_id).in_(slot_ids), col(RoleAssignment.version) > 1
            )
        ).all()
        kept_keys = {(a.session_id, a.role_id) for a in kept}
        before = {
            (a.session_id, a.role_id): (a.member_id, a.deputy_id)
            for a in session.exec(
                select(RoleAssignment).where(
                    col(RoleAssignment.session_id).in_(slot_ids), col(RoleAssignment.version) == 1
                )
            ).all()
        }
        session.exec(
            delete(RoleAssignment).where(
                col(RoleAssignment.session_id).in_(slot_ids), col(RoleAssignment.version) == 1
            )
        )
        people = _people(session, circle, slots)
        history = _history(session, _id(circle.id), before=slots[0].local_date)
        role_names = {_id(r.id): r.name for r in roles}
        fixed = [
            rotation.Assignment(
                slot=_id(a.session_id),
                role=role_names[a.role_id],
                person=a.member_id,
                deputy=a.deputy_id,
            )
            for a in kept
            if a.role_id in role_names
        ]
        load = _load_elsewhere(session, _id(circle.id), [p.id for p in people], slots)
        names = {
            _id(member_id): name
            for member_id, name in session.exec(
                select(Member.id, Member.name).where(col(Member.id).in_([p.id for p in people]))
            ).all()
        }
        plan = rotation.plan_rotation(
            roles=[rotation.Role(name=r.name) for r in roles],
            slots=[rotation.Slot(key=_id(s.id), day=s.local_date) for s in slots],
            people=people,
            history=history,
            load=load,
            cap=cap,
            cap_window_days=CAP_WINDOW_DAYS,
            names=names,
            fixed=fixed,
        )
        by_name = {r.name: r for r in roles}
        moment = clock.now()
        for item in plan.assignments:
            role = by_name[item.role]
            if (item.slot, role.id) in kept_keys:
                _fill_deputy(kept, item, _id(role.id))
                continue
            session.add(
                RoleAssignment(
                    role_id=_id(role.id),
                    session_id=item.slot,
                    member_id=item.person,
                    deputy_id=item.deputy,
                    created_at=moment,
                    updated_at=moment,
                )
            )
        session.flush()
        record_event(
            session, circle_id=_id(circle.id), kind="planned", reason=f"{len(slots)} sessions"
        )
        found = _rota(session, circle, cap=cap, warnings=list(plan.warnings))
        found.changes = _changes(session, before, found.assignments, role_ids=set(role_names))
        return found


def rota(db: Database, *, circle_ref: str | int, cap: int = DEFAULT_CAP) -> RotaRead:
    """The circle's upcoming rota with each person's load across all circles."""
    with db.write() as session:
        circle = find_circle(session, circle_ref)
        ensure_default_roles(session, circle)
        return _rota(session, circle, cap=cap, warnings=[])


def session_roles(db: Database, *, session_id: int) -> list[AssignmentRead]:
    """Who holds which role (and who deputises) at one session."""
    with db.read() as session:
        return assignment_reads(session, col(RoleAssignment.session_id) == session_id)


def roles_for_sessions(
    db: Database, *, session_ids: Sequence[int]
) -> dict[int, list[AssignmentRead]]:
    """Who holds which role at each of these sessions, in one query (for calendars, reports)."""
    result: dict[int, list[AssignmentRead]] = {}
    if not session_ids:
        return result
    with db.read() as session:
        for read in assignment_reads(session, col(RoleAssignment.session_id).in_(session_ids)):
            if read.session_id is not None:
                result.setdefault(read.session_id, []).append(read)
    return result


def _rota(session: Session, circle: Circle, *, cap: int, warnings: list[str]) -> RotaRead:
    today = clock.today()
    upcoming = assignment_reads(
        session,
        and_(
            col(Role.circle_id) == circle.id,
            (col(CircleSession.local_date) >= today)
            | (col(RoleAssignment.ends_on).is_(None) & col(RoleAssignment.session_id).is_(None))
            | (col(RoleAssignment.ends_on) >= today),
        ),
    )
    member_ids = {a.member_id for a in upcoming if a.member_id is not None}
    window_end = today + dt.timedelta(days=CAP_WINDOW_DAYS)
    counts = session.exec(
        select(Member.id, Member.name, func.count())
        .join(RoleAssignment, col(RoleAssignment.member_id) == col(Member.id))
        .join(CircleSession, col(CircleSession.id) == col(RoleAssignment.session_id))
        .where(
            col(Member.id).in_(member_ids),
            col(CircleSession.local_date) >= today,
            col(CircleSession.local_date) < window_end,
        )
        .group_by(col(Member.id))
    ).all()
    roles = session.exec(
        select(Role).where(col(Role.circle_id) == circle.id).order_by(col(Role.position))
    ).all()
    return RotaRead(
        circle_id=_id(circle.id),
        circle_name=circle.name,
        roles=[role_read(role) for role in roles],
        assignments=upcoming,
        load=load_by_name([(_id(mid), str(name), int(count)) for mid, name, count in counts]),
        cap=cap,
        warnings=[*warnings, *_stale_turns(session, circle, upcoming, today)],
    )


def _stale_turns(
    session: Session, circle: Circle, upcoming: list[AssignmentRead], today: dt.date
) -> list[str]:
    """Turns at sessions ahead held (or deputised) by someone who has since left the circle or
    the community, or is paused on that day: the rota keeps them until it is planned again."""
    turns = [a for a in upcoming if a.session_id is not None and a.day is not None]
    people = {p for a in turns for p in (a.member_id, a.deputy_id) if p is not None}
    if not people:
        return []
    seated = set(
        session.exec(
            select(Membership.member_id).where(
                col(Membership.circle_id) == circle.id,
                col(Membership.left_on).is_(None),
                col(Membership.member_id).in_(people),
            )
        ).all()
    )
    status = {
        member_id: (member_status, until)
        for member_id, member_status, until in session.exec(
            select(col(Member.id), col(Member.status), col(Member.paused_until)).where(
                col(Member.id).in_(people)
            )
        ).all()
    }
    found = []
    for turn in sorted(turns, key=lambda a: (a.day or today, a.role)):
        assert turn.day is not None
        for member_id, name, what in (
            (turn.member_id, turn.member_name, turn.role),
            (turn.deputy_id, turn.deputy_name, f"deputy {turn.role}"),
        ):
            if member_id is None:
                continue
            member_status, until = status.get(member_id, (MemberStatus.LEFT.value, None))
            if member_status == MemberStatus.LEFT.value:
                why = "has left the community"
            elif member_id not in seated:
                why = "has left the circle"
            elif member_status == MemberStatus.PAUSED.value and (until is None or until > turn.day):
                why = "is paused" + (f" until {until}" if until else "")
            else:
                continue
            found.append(
                f"{name} {why} but is {what} on {turn.day:%a %d %b}: plan the rota again to "
                "give the turn to someone else"
            )
    return found


def load_by_name(counts: list[tuple[int, str, int]]) -> dict[str, int]:
    """Load per person keyed by name, with "(#id)" added where two people share a name."""
    seen = Counter(name for _, name, _ in counts)
    return {
        (f"{name} (#{member_id})" if seen[name] > 1 else name): count
        for member_id, name, count in counts
    }


def _people(session: Session, circle: Circle, slots: list[CircleSession]) -> list[Any]:
    """The circle's current members as the planner sees them."""
    from circlekeeper.algorithms import rotation

    rows = session.exec(
        select(Member)
        .join(Membership, col(Membership.member_id) == col(Member.id))
        .where(
            col(Membership.circle_id) == circle.id,
            col(Membership.left_on).is_(None),
            col(Member.status) != MemberStatus.LEFT.value,
        )
    ).all()
    ids = [_id(m.id) for m in rows]
    first_days = dict(
        session.exec(
            select(CheckIn.member_id, func.min(CheckIn.day))
            .where(
                col(CheckIn.circle_id) == circle.id,
                col(CheckIn.member_id).in_(ids),
                col(CheckIn.attendance) == Attendance.PRESENT.value,
            )
            .group_by(col(CheckIn.member_id))
        ).all()
    )
    skips: dict[int, set[dt.date]] = {}
    for member_id, day in session.exec(
        select(col(RoleSkip.member_id), col(RoleSkip.day)).where(
            col(RoleSkip.circle_id) == circle.id
        )
    ).all():
        skips.setdefault(member_id, set()).add(day)
    opt_outs: dict[int, set[str]] = {}
    for member_id, role_name in session.exec(
        select(RoleOptOut.member_id, Role.name)
        .join(Role, col(Role.id) == col(RoleOptOut.role_id))
        .where(col(Role.circle_id) == circle.id)
    ).all():
        opt_outs.setdefault(member_id, set()).add(role_name)
    people = []
    for member in rows:
        paused: tuple[tuple[dt.date, dt.date | None], ...] = ()
        if member.status == MemberStatus.PAUSED.value:
            back = member.paused_until
            paused = ((clock.today(), back - dt.timedelta(days=1) if back else None),)
        people.append(
            rotation.Person(
                id=_id(member.id),
                order_key=member.name_key,
                first_day=first_days.get(_id(member.id)),
                paused=paused,
                excused=frozenset(skips.get(_id(member.id), set())),
                opted_out=frozenset(opt_outs.get(_id(member.id), set())),
            )
        )
    return people


def _history(session: Session, circle_id: int, *, before: dt.date) -> list[Any]:
    """Who served which rotating role at this circle's sessions before `before`.

    A turn counts for whoever held it unless the roll call marked them absent or excused: then
    it counts for the deputy if the roll call has them present (they stood in), else for nobody,
    so someone who missed their turn is due again rather than sent to the back of the rotation.
    """
    from circlekeeper.algorithms import rotation

    main = aliased(CheckIn)
    deputy = aliased(CheckIn)
    statement = (
        sa_select(
            col(RoleAssignment.member_id),
            col(RoleAssignment.deputy_id),
            col(Role.name),
            col(CircleSession.local_date),
            col(main.attendance),
            col(deputy.attendance),
        )
        .join(Role, col(Role.id) == col(RoleAssignment.role_id))
        .join(CircleSession, col(CircleSession.id) == col(RoleAssignment.session_id))
        .outerjoin(
            main,
            and_(
                col(main.session_id) == col(RoleAssignment.session_id),
                col(main.member_id) == col(RoleAssignment.member_id),
            ),
        )
        .outerjoin(
            deputy,
            and_(
                col(deputy.session_id) == col(RoleAssignment.session_id),
                col(deputy.member_id) == col(RoleAssignment.deputy_id),
            ),
        )
        .where(
            col(Role.circle_id) == circle_id,
            col(Role.rotating).is_(True),
            col(CircleSession.local_date) < before,
            col(CircleSession.status) != SessionStatus.CANCELLED.value,
            col(RoleAssignment.member_id).is_not(None),
        )
    )
    rows = session.connection().execute(statement).all()
    served = []
    for person, stand_in, role, day, attended, stand_in_attended in rows:
        held_by = person
        if attended in MISSED:
            held_by = stand_in if stand_in_attended == Attendance.PRESENT.value else None
        if held_by is not None:
            served.append(rotation.Served(person=held_by, role=role, day=day))
    return served


def _changes(
    session: Session,
    before: dict[tuple[int | None, int], tuple[int | None, int | None]],
    after: Sequence[AssignmentRead],
    *,
    role_ids: set[int],
) -> list[RotaChange]:
    """The turns planned before that now go to someone else, holder and deputy apart, in rota
    order; sessions planned for the first time are not changes."""
    if not before:
        return []
    now: dict[tuple[int | None, str], AssignmentRead] = {(a.session_id, a.role): a for a in after}
    role_name = dict(
        session.exec(select(Role.id, Role.name).where(col(Role.id).in_(role_ids))).all()
    )
    people = {p for pair in before.values() for p in pair if p is not None}
    names = dict(
        session.exec(select(Member.id, Member.name).where(col(Member.id).in_(people))).all()
    )
    changes = []
    for (session_id, role_id), (holder, stand_in) in before.items():
        line = now.get((session_id, role_name.get(role_id, "")))
        if session_id is None or line is None or line.day is None:
            continue
        for deputy, was, was_name, is_now, now_name in (
            (False, holder, names.get(holder or 0), line.member_id, line.member_name),
            (True, stand_in, names.get(stand_in or 0), line.deputy_id, line.deputy_name),
        ):
            if was != is_now:
                what = f"deputy {line.role}" if deputy else line.role
                changes.append(
                    RotaChange(
                        session_id=session_id,
                        day=line.day,
                        role=line.role,
                        deputy=deputy,
                        before=was_name,
                        after=now_name,
                        message=f"{line.day:%a %d %b} {what}: {was_name or 'nobody'} → "
                        f"{now_name or 'nobody'}",
                    )
                )
    order = {(a.session_id, a.role): index for index, a in enumerate(after)}
    return sorted(changes, key=lambda c: (order[(c.session_id, c.role)], c.deputy))


def _load_elsewhere(
    session: Session, circle_id: int, member_ids: list[int], slots: list[CircleSession]
) -> list[Any]:
    """Role assignments these members hold in other circles around the planned dates."""
    from circlekeeper.algorithms import rotation

    start = slots[0].local_date - dt.timedelta(days=CAP_WINDOW_DAYS)
    end = slots[-1].local_date + dt.timedelta(days=CAP_WINDOW_DAYS)
    rows = session.exec(
        select(col(RoleAssignment.member_id), col(CircleSession.local_date))
        .join(Role, col(Role.id) == col(RoleAssignment.role_id))
        .join(CircleSession, col(CircleSession.id) == col(RoleAssignment.session_id))
        .where(
            col(Role.circle_id) != circle_id,
            col(RoleAssignment.member_id).in_(member_ids),
            col(CircleSession.local_date) >= start,
            col(CircleSession.local_date) <= end,
        )
    ).all()
    return [rotation.Load(person=m, day=d) for m, d in rows if m is not None]


def _fill_deputy(kept: Sequence[RoleAssignment], item: Any, role_id: int) -> None:
    """A hand-made assignment without a deputy gets the one the planner chose."""
    for assignment in kept:
        if assignment.session_id == item.slot and assignment.role_id == role_id:
            if assignment.deputy_id is None and item.deputy is not None:
                assignment.deputy_id = item.deputy
            return


def _id(value: int | None) -> int:
    assert value is not None
    return value
