"""The members who may need a personal note: quiet for a long time, absent several times in a
row, or pausing with no circle to come back to.

One row per active or paused member is read with correlated look-ups (seats per circle status,
the last day present from check-in(member_id, day), the run of absences); no check-in is loaded
into Python, and algorithms.circle_health judges each member's figures.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, case, func
from sqlalchemy import select as sa_select

from circlekeeper import clock
from circlekeeper.algorithms import circle_health as rules
from circlekeeper.db import Database
from circlekeeper.models.enums import Attendance, CircleStatus, MemberStatus, SessionStatus
from circlekeeper.services.errors import InvalidInput
from circlekeeper.services.health_models import MemberAtRisk, MembersAtRisk
from circlekeeper.services.health_settings import HealthSettings
from circlekeeper.services.health_tables import (
    CHECKIN,
    CIRCLE,
    CIRCLE_SESSION,
    MEMBER,
    MEMBERSHIP,
)
from circlekeeper.services.sql_values import as_date


def members_at_risk(
    db: Database,
    *,
    settings: HealthSettings = HealthSettings(),  # noqa: B008 - frozen, so sharing it is safe
    today: dt.date | None = None,
    limit: int | None = None,
) -> list[MemberAtRisk]:
    """Active and paused members who are at risk as of `today` (default clock.today()), most
    urgent first, then by name; at most `limit` of them when given."""
    return members_at_risk_overview(db, settings=settings, today=today, limit=limit).members


def members_at_risk_overview(
    db: Database,
    *,
    settings: HealthSettings = HealthSettings(),  # noqa: B008 - frozen, so sharing it is safe
    today: dt.date | None = None,
    limit: int | None = None,
) -> MembersAtRisk:
    """How many members are at risk, with the `limit` most urgent of them in full (read models
    are built for those only, so a community with thousands at risk stays quick to summarise)."""
    if limit is not None and limit < 1:
        raise InvalidInput("limit must be at least 1")
    day = today or clock.today()
    with db.read() as session:
        rows = session.execute(member_figures_query(day)).all()
    found: list[tuple[tuple[int, str, int], Any, rules.MemberFigures, Any, rules.MemberRisk]] = []
    for row in rows:
        figures, last_check_in = _member_figures(row, day)
        risk = rules.assess_member(figures, settings)
        if risk.kinds:
            order = (-risk.urgency, row.name_key, row.id)
            found.append((order, row, figures, last_check_in, risk))
    found.sort(key=lambda entry: entry[0])
    members = [
        MemberAtRisk(
            member_id=row.id,
            name=row.name,
            member_status=MemberStatus(row.status),
            kinds=risk.kinds,
            reasons=risk.reasons,
            urgency=risk.urgency,
            absent_streak=figures.absent_streak,
            last_check_in=last_check_in,
            quiet_days=figures.quiet_days,
            active_circles=figures.active_circles,
            paused_until=row.paused_until,
        )
        for _, row, figures, last_check_in, risk in found[:limit]
    ]
    return MembersAtRisk(total=len(found), members=members)


def member_figures_query(today: dt.date) -> Any:
    """One row per active or paused member with their seats and check-in figures as of `today`;
    the check-in look-ups run for active members only, each a search of check-in(member_id,
    day)."""
    active = MEMBER.c.status == MemberStatus.ACTIVE.value
    return sa_select(
        MEMBER.c.id,
        MEMBER.c.name,
        MEMBER.c.name_key,
        MEMBER.c.status,
        MEMBER.c.paused_until,
        _seats(CircleStatus.ACTIVE).label("active_circles"),
        _seats(CircleStatus.FORMING).label("forming_circles"),
        _seats(CircleStatus.PAUSED).label("paused_circles"),
        _active_since().label("active_since"),
        case((active, _last_present(today))).label("last_present"),
        case((active, _absent_streak(today)), else_=0).label("absent_streak"),
    ).where(MEMBER.c.status.in_([MemberStatus.ACTIVE.value, MemberStatus.PAUSED.value]))


def _open_seats() -> Any:
    return (
        sa_select(func.count())
        .select_from(MEMBERSHIP)
        .join(CIRCLE, CIRCLE.c.id == MEMBERSHIP.c.circle_id)
        .where(MEMBERSHIP.c.member_id == MEMBER.c.id, MEMBERSHIP.c.left_on.is_(None))
    )


def _seats(status: CircleStatus) -> Any:
    return _open_seats().where(CIRCLE.c.status == status.value).correlate(MEMBER).scalar_subquery()


def _active_since() -> Any:
    """The day the member joined the earliest of their current active circles."""
    return (
        _open_seats()
        .with_only_columns(func.min(MEMBERSHIP.c.joined_on))
        .where(CIRCLE.c.status == CircleStatus.ACTIVE.value)
        .correlate(MEMBER)
        .scalar_subquery()
    )


def _last_present(today: dt.date) -> Any:
    """The member's last day present at a session or with a written check-in."""
    return (
        sa_select(CHECKIN.c.day)
        .where(
            CHECKIN.c.member_id == MEMBER.c.id,
            CHECKIN.c.day <= today,
            CHECKIN.c.attendance == Attendance.PRESENT.value,
        )
        .order_by(CHECKIN.c.day.desc())
        .limit(1)
        .correlate(MEMBER)
        .scalar_subquery()
    )


def _held_checkins(today: dt.date) -> list[ColumnElement[bool]]:
    """The member's check-ins at held sessions up to `today` of the circles they sit in now."""
    current = sa_select(MEMBERSHIP.c.circle_id).where(
        MEMBERSHIP.c.member_id == MEMBER.c.id, MEMBERSHIP.c.left_on.is_(None)
    )
    return [
        CHECKIN.c.member_id == MEMBER.c.id,
        CHECKIN.c.day <= today,
        CIRCLE_SESSION.c.status == SessionStatus.HELD.value,
        CHECKIN.c.circle_id.in_(current.correlate(MEMBER)),
    ]


def _absent_streak(today: dt.date) -> Any:
    """How many of the member's latest held-session check-ins in a row say absent: those after
    the last one that does not (excused breaks the run too)."""
    joined = CIRCLE_SESSION.c.id == CHECKIN.c.session_id
    last_unbroken = (
        sa_select(CHECKIN.c.day)
        .join(CIRCLE_SESSION, joined)
        .where(*_held_checkins(today), CHECKIN.c.attendance != Attendance.ABSENT.value)
        .order_by(CHECKIN.c.day.desc())
        .limit(1)
        .correlate(MEMBER)
        .scalar_subquery()
    )
    return (
        sa_select(func.count())
        .select_from(CHECKIN)
        .join(CIRCLE_SESSION, joined)
        .where(
            *_held_checkins(today),
            CHECKIN.c.attendance == Attendance.ABSENT.value,
            CHECKIN.c.day > func.coalesce(last_unbroken, dt.date.min),
        )
        .correlate(MEMBER)
        .scalar_subquery()
    )


def _member_figures(row: Any, today: dt.date) -> tuple[rules.MemberFigures, dt.date | None]:
    """The rules' figures for one member row, and their last day present."""
    last_present = as_date(row.last_present)
    active_since = as_date(row.active_since)
    quiet, from_check_in = rules.quiet_days(last_present, active_since, today)
    paused_until = row.paused_until if row.status == MemberStatus.PAUSED else None
    figures = rules.MemberFigures(
        status=row.status,
        absent_streak=int(row.absent_streak or 0),
        quiet_days=quiet,
        checked_in_since_joining=from_check_in,
        active_circles=int(row.active_circles),
        forming_circles=int(row.forming_circles),
        paused_circles=int(row.paused_circles),
        paused_until=paused_until,
        pause_days_left=(paused_until - today).days if paused_until is not None else None,
    )
    return figures, last_present
