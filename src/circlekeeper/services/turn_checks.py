"""What to tell a facilitator who puts someone in a rota turn by hand: the planner's own rules
(pauses, skips, opt-outs, one role a session, the load cap) become warnings, because a hand-made
choice is theirs to make but should never break a rule without a word."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from circlekeeper.models import (
    CircleSession,
    Member,
    MemberStatus,
    Role,
    RoleAssignment,
    RoleOptOut,
    RoleSkip,
    SessionStatus,
)

DEFAULT_CAP = 2
"""Rotating roles one person may hold in any CAP_WINDOW_DAYS days (the rota's `--cap`)."""
CAP_WINDOW_DAYS = 28


def turn_warnings(
    session: Session, assignment: RoleAssignment, role: Role, *, cap: int = DEFAULT_CAP
) -> list[str]:
    """The rules a session's turn breaks as it now stands: its holder or deputy paused or
    excused that day, the holder opted out of the role, holding another role that session, or
    over the load cap in some window of CAP_WINDOW_DAYS days around it."""
    if assignment.session_id is None:
        return []
    held = session.get(CircleSession, assignment.session_id)
    if held is None:
        return []
    day = held.local_date
    when = f"{day:%a %d %b}"
    warnings = []
    for member_id, what in ((assignment.member_id, role.name), (assignment.deputy_id, "deputy")):
        member = session.get(Member, member_id) if member_id is not None else None
        if member is None:
            continue
        away = _away(session, member, role.circle_id, day)
        if away:
            warnings.append(f"{member.name} ({what} on {when}) {away}")
    holder = session.get(Member, assignment.member_id) if assignment.member_id else None
    if holder is None:
        return warnings
    opted_out = session.exec(
        select(RoleOptOut.role_id).where(
            col(RoleOptOut.role_id) == role.id, col(RoleOptOut.member_id) == holder.id
        )
    ).first()
    if opted_out is not None:
        warnings.append(f"{holder.name} asked not to be {role.name} (role opt-out)")
    others = session.exec(
        select(Role.name)
        .join(RoleAssignment, col(RoleAssignment.role_id) == col(Role.id))
        .where(
            col(RoleAssignment.session_id) == assignment.session_id,
            col(RoleAssignment.member_id) == holder.id,
            col(RoleAssignment.id) != assignment.id,
        )
        .order_by(col(Role.position))
    ).all()
    if others:
        warnings.append(f"{holder.name} is also {' and '.join(others)} on {when}")
    most = _busiest_window(session, holder.id, day)
    if most > cap:
        warnings.append(
            f"{holder.name} now has {most} roles within {CAP_WINDOW_DAYS // 7} weeks around "
            f"{when}, over the cap of {cap}"
        )
    return warnings


def _away(session: Session, member: Member, circle_id: int, day: dt.date) -> str:
    """Why the member cannot be there on `day` ("is paused until …", "was excused: …"), or ""."""
    if member.status == MemberStatus.PAUSED.value and (
        member.paused_until is None or member.paused_until > day
    ):
        return "is paused" + (f" until {member.paused_until}" if member.paused_until else "")
    reason = session.exec(
        select(RoleSkip.reason).where(
            col(RoleSkip.circle_id) == circle_id,
            col(RoleSkip.member_id) == member.id,
            col(RoleSkip.day) == day,
        )
    ).first()
    if reason is not None:
        return f"was excused from roles that day ({reason})" if reason else "was excused that day"
    return ""


def _busiest_window(session: Session, member_id: int | None, day: dt.date) -> int:
    """The most session roles the member holds, in any circle, in one window of CAP_WINDOW_DAYS
    days that contains `day` (as the planner counts the cap)."""
    span = dt.timedelta(days=CAP_WINDOW_DAYS - 1)
    days: list[dt.date] = sorted(
        session.exec(
            select(col(CircleSession.local_date))
            .join(RoleAssignment, col(RoleAssignment.session_id) == col(CircleSession.id))
            .where(
                col(RoleAssignment.member_id) == member_id,
                col(CircleSession.status) != SessionStatus.CANCELLED.value,
                col(CircleSession.local_date) >= day - span,
                col(CircleSession.local_date) <= day + span,
            )
        ).all()
    )
    return max(
        (sum(1 for d in days if start <= d <= start + span) for start in days if start <= day),
        default=0,
    )
