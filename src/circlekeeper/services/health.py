"""Circle health (thriving, steady, fading, dormant) and the members who may need a personal note.

Every figure is counted in SQL: per circle, short walks of circle_session(circle_id, local_date,
starts_at, status) find where its recent and earlier windows begin; the sessions from there on
are read once, and GROUP BY queries count check-ins at them (the covering index
checkin(session_id, attendance, member_id)) and role assignments. No window function ranks a
circle's whole history, so the work grows with the circles, not with years of sessions. Members
are read one row each with correlated look-ups on check-in(member_id, day). No check-in is loaded
into Python; algorithms.circle_health turns the figures into a status and reasons.

Closed circles are left out. Paused circles are listed: dormant after a long rest, else steady,
never judged on attendance, rhythm or size (see algorithms.circle_health).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CTE, ColumnElement, and_, case, func, literal_column, not_, or_, tuple_
from sqlalchemy import select as sa_select
from sqlmodel import col

from circlekeeper import clock
from circlekeeper.algorithms import circle_health as rules
from circlekeeper.db import Database
from circlekeeper.models import (
    Attendance,
    CheckIn,
    Circle,
    CircleSession,
    CircleStatus,
    Member,
    Membership,
    MemberStatus,
    RoleAssignment,
    SessionStatus,
)
from circlekeeper.services.errors import Conflict, InvalidInput
from circlekeeper.services.health_models import (
    CircleHealth,
    MemberAtRisk,
    MembersAtRisk,
)
from circlekeeper.services.health_settings import HealthSettings
from circlekeeper.services.lookup import find_circle

DAY_CHARS = len("2026-11-21")
"""A stored date's length: a session's key is its local date followed by its start."""
JUDGED = (CircleStatus.FORMING, CircleStatus.ACTIVE, CircleStatus.PAUSED)
"""The circles health is judged for; closed ones are history."""


def circle_health(
    db: Database,
    *,
    circle_ref: str | int | None = None,
    settings: HealthSettings = HealthSettings(),  # noqa: B008 - frozen, so sharing it is safe
    today: dt.date | None = None,
) -> list[CircleHealth]:
    """Every forming, active and paused circle (or only `circle_ref`) with its health as of
    `today` (default clock.today()), fading first, then dormant, steady and thriving, by name.

    A closed `circle_ref` is refused: a closed circle has no health to judge.
    """
    day = today or clock.today()
    with db.read() as session:
        if circle_ref is not None:
            circle = find_circle(session, circle_ref)
            if circle.status == CircleStatus.CLOSED:
                raise Conflict(
                    f"circle {circle.name!r} is closed — health is judged for forming, active "
                    "and paused circles ('circle reopen' brings it back)"
                )
            scope = col(Circle.id) == circle.id
        else:
            scope = col(Circle.status).in_([status.value for status in JUDGED])
        rows = session.connection().execute(health_query(scope, day)).all()
    found = [_judged(row, day, settings) for row in rows]
    order = {status: index for index, status in enumerate(rules.ATTENTION_ORDER)}
    return [item for _, _, item in sorted(found, key=lambda f: (order[f[2].status], f[0], f[1]))]


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


# --- circles: queries ----------------------------------------------------------------------


def health_query(scope: ColumnElement[bool], today: dt.date) -> Any:
    """One statement: each circle in `scope` with its size and, outer-joined, the counts over
    its latest sessions (read once into `latest` and shared by the three GROUP BYs)."""
    latest = latest_sessions(scope, today)
    held = _session_counts(latest).subquery("held")
    marks = _checkin_counts(latest).subquery("marks")
    roles = _role_counts(latest).subquery("roles")
    size = (
        sa_select(func.count())
        .where(col(Membership.circle_id) == col(Circle.id), col(Membership.left_on).is_(None))
        .correlate(Circle)
        .scalar_subquery()
    )
    counts = [c for c in (*held.c, *marks.c, *roles.c) if c.name != "circle_id"]
    return (
        sa_select(
            col(Circle.id),
            col(Circle.name),
            col(Circle.name_key),
            col(Circle.status),
            col(Circle.cadence),
            col(Circle.cadence_interval),
            col(Circle.min_size),
            col(Circle.max_size),
            col(Circle.starts_on),
            col(Circle.created_at),
            size.label("size"),
            *counts,
        )
        .outerjoin(held, held.c.circle_id == col(Circle.id))
        .outerjoin(marks, marks.c.circle_id == col(Circle.id))
        .outerjoin(roles, roles.c.circle_id == col(Circle.id))
        .where(scope)
    )


def _decided(circle_id: Any, today: dt.date) -> list[ColumnElement[bool]]:
    return [
        col(CircleSession.circle_id) == circle_id,
        col(CircleSession.status) != SessionStatus.PLANNED.value,
        col(CircleSession.local_date) <= today,
    ]


def _nth_newest(today: dt.date, n: int, *, held_only: bool) -> Any:
    """The key (local date then start, as one string) of the circle's n-th newest decided (or
    held) session up to `today`; NULL when it has fewer. A short walk of the index
    circle_session(circle_id, local_date, starts_at, status), newest first."""
    key = col(CircleSession.local_date).op("||")(col(CircleSession.starts_at))
    query = sa_select(key).where(*_decided(col(Circle.id), today))
    if held_only:
        query = query.where(col(CircleSession.status) == SessionStatus.HELD.value)
    return (
        query.order_by(col(CircleSession.local_date).desc(), col(CircleSession.starts_at).desc())
        .limit(1)
        .offset(n - 1)
        .correlate(Circle)
        .scalar_subquery()
    )


def _bounds(scope: ColumnElement[bool], today: dt.date) -> CTE:
    """Per circle in `scope`, where its windows begin, as (day, start) pairs: the WINDOW-th and
    2 * WINDOW-th newest held sessions and the WINDOW-th newest decided one ('' when there are
    fewer, except `recent_*`, NULL then, so that nothing is earlier than recent)."""
    recent = _nth_newest(today, rules.WINDOW, held_only=True)
    earlier = func.coalesce(_nth_newest(today, 2 * rules.WINDOW, held_only=True), "")
    window = func.coalesce(_nth_newest(today, rules.WINDOW, held_only=False), "")
    keys = sa_select(
        col(Circle.id).label("circle_id"),
        recent.label("recent"),
        earlier.label("earlier"),
        window.label("window"),
    ).where(scope)
    inner = keys.cte("keys").prefix_with("MATERIALIZED")
    return (
        sa_select(
            inner.c.circle_id,
            func.substr(inner.c.recent, 1, DAY_CHARS).label("recent_day"),
            func.substr(inner.c.recent, DAY_CHARS + 1).label("recent_at"),
            func.substr(inner.c.earlier, 1, DAY_CHARS).label("earlier_day"),
            func.substr(inner.c.earlier, DAY_CHARS + 1).label("earlier_at"),
            func.substr(inner.c.window, 1, DAY_CHARS).label("window_day"),
            func.substr(inner.c.window, DAY_CHARS + 1).label("window_at"),
        )
        .cte("bounds")
        .prefix_with("MATERIALIZED")
    )


def latest_sessions(scope: ColumnElement[bool], today: dt.date) -> CTE:
    """The decided (held, cancelled, did-not-happen) sessions up to `today` of the circles in
    `scope` from their 2 * WINDOW-th newest held one on, each flagged `recent` (among the
    WINDOW newest held), `earlier` (the WINDOW held before those) and `in_window` (among the
    WINDOW newest decided). Newest means latest local date, then latest start."""
    bounds = _bounds(scope, today)
    b = bounds.c
    at = tuple_(col(CircleSession.local_date), col(CircleSession.starts_at))
    held = col(CircleSession.status) == SessionStatus.HELD.value
    recent_from = tuple_(func.coalesce(b.recent_day, ""), func.coalesce(b.recent_at, ""))
    return (
        sa_select(
            b.circle_id,
            col(CircleSession.id).label("session_id"),
            col(CircleSession.local_date).label("day"),
            held.label("held"),
            and_(held, at >= recent_from).label("recent"),
            and_(
                held,
                at < tuple_(b.recent_day, b.recent_at),
                at >= tuple_(b.earlier_day, b.earlier_at),
            ).label("earlier"),
            (at >= tuple_(b.window_day, b.window_at)).label("in_window"),
        )
        .select_from(bounds)
        .join(
            CircleSession,
            and_(
                *_decided(b.circle_id, today),
                col(CircleSession.local_date) >= b.earlier_day,
            ),
        )
        .cte("latest")
        .prefix_with("MATERIALIZED")
    )


def _count_if(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _session_counts(latest: CTE) -> Any:
    """Per circle: the last held day, held sessions in each window, and the last 4 decided
    sessions with how many of them were not held."""
    r = latest.c
    return sa_select(
        r.circle_id,
        func.max(case((r.held, r.day))).label("last_held"),
        _count_if(r.recent).label("recent"),
        _count_if(r.earlier).label("earlier"),
        _count_if(r.in_window).label("window"),
        _count_if(and_(r.in_window, not_(r.held))).label("missed"),
    ).group_by(r.circle_id)


def _checkin_counts(latest: CTE) -> Any:
    """Per circle: present and absent marks in each window, and who came in the recent one,
    all from the covering index checkin(session_id, attendance, member_id)."""
    r = latest.c
    present = col(CheckIn.attendance) == Attendance.PRESENT.value
    absent = col(CheckIn.attendance) == Attendance.ABSENT.value
    came = and_(r.recent, present)
    marks = (
        sa_select(
            r.circle_id,
            _count_if(came).label("recent_present"),
            _count_if(and_(r.recent, absent)).label("recent_absent"),
            _count_if(and_(r.earlier, present)).label("earlier_present"),
            _count_if(and_(r.earlier, absent)).label("earlier_absent"),
            func.count(func.distinct(case((came, col(CheckIn.member_id))))).label("attendees"),
        )
        .select_from(latest)
        .join(CheckIn, col(CheckIn.session_id) == r.session_id)
        .where(or_(r.recent, r.earlier))
        .group_by(r.circle_id)
        .subquery("counted")
    )
    speakers = _speaker_counts(latest).subquery("spoke")
    return sa_select(*marks.c, speakers.c.speakers).outerjoin(
        speakers, speakers.c.circle_id == marks.c.circle_id
    )


def _speaker_counts(latest: CTE) -> Any:
    """Per circle: who spoke at the recent sessions (present, with an answer recorded), counted
    from the partial index checkin(session_id, member_id) WHERE SPOKE, so no check-in row is
    read."""
    r = latest.c
    return (
        sa_select(r.circle_id, func.count(func.distinct(col(CheckIn.member_id))).label("speakers"))
        .select_from(latest)
        .join(CheckIn, and_(col(CheckIn.session_id) == r.session_id, spoke()))
        .where(r.recent)
        .group_by(r.circle_id)
    )


def spoke() -> ColumnElement[bool]:
    """A check-in of someone present who answered a prompt, spelt exactly as the partial index
    ix_checkin_session_spoke says it (literals, not parameters, so SQLite can match it)."""
    return and_(
        col(CheckIn.attendance) == literal_column(f"'{Attendance.PRESENT.value}'"),
        func.json(col(CheckIn.answers)) != literal_column("'{}'"),
    )


def _role_counts(latest: CTE) -> Any:
    """Per circle: role assignments held by someone at the last 4 held sessions."""
    r = latest.c
    return (
        sa_select(r.circle_id, func.count().label("assignments"))
        .select_from(latest)
        .join(RoleAssignment, col(RoleAssignment.session_id) == r.session_id)
        .where(r.recent, col(RoleAssignment.member_id).is_not(None))
        .group_by(r.circle_id)
    )


# --- circles: judging ----------------------------------------------------------------------


def _judged(row: Any, today: dt.date, settings: HealthSettings) -> tuple[str, int, CircleHealth]:
    """The circle's sort key (name, id) and its health, from its row of `health_query` (the
    figures go in as a dict: pydantic builds the nested model in the same validation call)."""
    started = row.starts_on or _utc_date(row.created_at)
    last_held = _as_date(row.last_held)
    size = int(row.size)
    figures = rules.CircleFigures(
        lifecycle=row.status,
        age_days=(today - started).days,
        cadence_days=rules.cadence_days(row.cadence, row.cadence_interval),
        size=size,
        min_size=row.min_size,
        max_size=row.max_size,
        recent_attendance=_attendance(row.recent_present, row.recent_absent),
        earlier_attendance=_attendance(row.earlier_present, row.earlier_absent),
        recent_sessions=int(row.recent or 0),
        earlier_sessions=int(row.earlier or 0),
        window_sessions=int(row.window or 0),
        missed_sessions=int(row.missed or 0),
        days_since_held=(today - last_held).days if last_held is not None else None,
        speaking_share=rules.rate(row.speakers, row.attendees) if row.speakers else None,
        role_load=rules.rate(int(row.assignments or 0), size),
    )
    status, reasons = rules.judge(figures, settings)
    read = CircleHealth(
        circle_id=row.id,
        name=row.name,
        lifecycle=CircleStatus(row.status),
        status=status,
        reasons=tuple(reasons),
        figures={
            "as_of": today,
            "age_days": figures.age_days,
            "cadence_days": figures.cadence_days,
            "size": figures.size,
            "min_size": figures.min_size,
            "max_size": figures.max_size,
            "recent_attendance": figures.recent_attendance,
            "earlier_attendance": figures.earlier_attendance,
            "recent_sessions": figures.recent_sessions,
            "earlier_sessions": figures.earlier_sessions,
            "window_sessions": figures.window_sessions,
            "missed_sessions": figures.missed_sessions,
            "last_held_on": last_held,
            "days_since_held": figures.days_since_held,
            "speaking_share": figures.speaking_share,
            "role_load": figures.role_load,
        },
    )
    return row.name_key, row.id, read


def _attendance(present: int | None, absent: int | None) -> float | None:
    """Present over present + absent; None when the circle has no such marks."""
    return rules.rate(int(present or 0), int(present or 0) + int(absent or 0))


# --- members -------------------------------------------------------------------------------


def member_figures_query(today: dt.date) -> Any:
    """One row per active or paused member with their seats and check-in figures as of `today`;
    the check-in look-ups run for active members only, each a search of check-in(member_id,
    day)."""
    active = col(Member.status) == MemberStatus.ACTIVE.value
    return sa_select(
        col(Member.id),
        col(Member.name),
        col(Member.name_key),
        col(Member.status),
        col(Member.paused_until),
        _seats(CircleStatus.ACTIVE).label("active_circles"),
        _seats(CircleStatus.FORMING).label("forming_circles"),
        _seats(CircleStatus.PAUSED).label("paused_circles"),
        _active_since().label("active_since"),
        case((active, _last_present(today))).label("last_present"),
        case((active, _absent_streak(today)), else_=0).label("absent_streak"),
    ).where(col(Member.status).in_([MemberStatus.ACTIVE.value, MemberStatus.PAUSED.value]))


def _open_seats() -> Any:
    return (
        sa_select(func.count())
        .select_from(Membership)
        .join(Circle, col(Circle.id) == col(Membership.circle_id))
        .where(col(Membership.member_id) == col(Member.id), col(Membership.left_on).is_(None))
    )


def _seats(status: CircleStatus) -> Any:
    return (
        _open_seats().where(col(Circle.status) == status.value).correlate(Member).scalar_subquery()
    )


def _active_since() -> Any:
    """The day the member joined the earliest of their current active circles."""
    return (
        _open_seats()
        .with_only_columns(func.min(col(Membership.joined_on)))
        .where(col(Circle.status) == CircleStatus.ACTIVE.value)
        .correlate(Member)
        .scalar_subquery()
    )


def _last_present(today: dt.date) -> Any:
    """The member's last day present at a session or with a written check-in."""
    return (
        sa_select(col(CheckIn.day))
        .where(
            col(CheckIn.member_id) == col(Member.id),
            col(CheckIn.day) <= today,
            col(CheckIn.attendance) == Attendance.PRESENT.value,
        )
        .order_by(col(CheckIn.day).desc())
        .limit(1)
        .correlate(Member)
        .scalar_subquery()
    )


def _held_checkins(today: dt.date) -> list[ColumnElement[bool]]:
    """The member's check-ins at held sessions up to `today` of the circles they sit in now."""
    current = sa_select(col(Membership.circle_id)).where(
        col(Membership.member_id) == col(Member.id), col(Membership.left_on).is_(None)
    )
    return [
        col(CheckIn.member_id) == col(Member.id),
        col(CheckIn.day) <= today,
        col(CircleSession.status) == SessionStatus.HELD.value,
        col(CheckIn.circle_id).in_(current.correlate(Member)),
    ]


def _absent_streak(today: dt.date) -> Any:
    """How many of the member's latest held-session check-ins in a row say absent: those after
    the last one that does not (excused breaks the run too)."""
    joined = col(CircleSession.id) == col(CheckIn.session_id)
    last_unbroken = (
        sa_select(col(CheckIn.day))
        .join(CircleSession, joined)
        .where(*_held_checkins(today), col(CheckIn.attendance) != Attendance.ABSENT.value)
        .order_by(col(CheckIn.day).desc())
        .limit(1)
        .correlate(Member)
        .scalar_subquery()
    )
    return (
        sa_select(func.count())
        .select_from(CheckIn)
        .join(CircleSession, joined)
        .where(
            *_held_checkins(today),
            col(CheckIn.attendance) == Attendance.ABSENT.value,
            col(CheckIn.day) > func.coalesce(last_unbroken, dt.date.min),
        )
        .correlate(Member)
        .scalar_subquery()
    )


def _member_figures(row: Any, today: dt.date) -> tuple[rules.MemberFigures, dt.date | None]:
    """The rules' figures for one member row, and their last day present."""
    last_present = _as_date(row.last_present)
    active_since = _as_date(row.active_since)
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


# --- values --------------------------------------------------------------------------------


def _as_date(value: object) -> dt.date | None:
    """A date from SQL: aggregates over a Date column may come back as ISO text."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _utc_date(moment: dt.datetime) -> dt.date:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).date()
