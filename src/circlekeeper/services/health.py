"""Circle health: thriving, steady, fading or dormant, with the reasons (members at risk are
services.member_risk).

Every figure is counted in SQL: per circle, short walks of circle_session(circle_id, local_date,
starts_at, status) find where its recent and earlier windows begin; the sessions from there on
are read once, and GROUP BY queries count check-ins at them (the covering index
checkin(session_id, attendance, member_id)) and role assignments. No window function ranks a
circle's whole history, so the work grows with the circles, not with years of sessions. Members
are read one row each with correlated look-ups on check-in(member_id, day). No check-in is loaded
into Python; algorithms.circle_health turns the figures into a status and reasons. Queries
are built from the Core tables of services.health_tables, so no ORM model is imported for them.

Closed circles are left out. Paused circles are listed: dormant after a long rest, else steady,
never judged on attendance, rhythm or size (see algorithms.circle_health).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Connection,
    and_,
    case,
    func,
    literal_column,
    not_,
    or_,
    tuple_,
)
from sqlalchemy import select as sa_select

from circlekeeper import clock
from circlekeeper.algorithms import circle_health as rules
from circlekeeper.db import Database
from circlekeeper.models.enums import Attendance, CircleStatus, SessionStatus
from circlekeeper.services.errors import Conflict
from circlekeeper.services.health_models import (
    CircleHealth,
)
from circlekeeper.services.health_settings import HealthSettings
from circlekeeper.services.health_tables import (
    CHECKIN,
    CIRCLE,
    CIRCLE_SESSION,
    MEMBERSHIP,
    ROLE_ASSIGNMENT,
)
from circlekeeper.services.sql_values import as_date, as_datetime, utc_date

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
            from circlekeeper.services.lookup import find_circle

            circle = find_circle(session, circle_ref)
            if circle.status == CircleStatus.CLOSED:
                raise Conflict(
                    f"circle {circle.name!r} is closed — health is judged for forming, active "
                    "and paused circles ('circle reopen' brings it back)"
                )
            scope = CIRCLE.c.id == circle.id
        else:
            scope = CIRCLE.c.status.in_([status.value for status in JUDGED])
        rows = _plain_rows(session.connection(), health_query(scope, day))
    found = [_judged(row, day, settings) for row in rows]
    order = {status: index for index, status in enumerate(rules.ATTENTION_ORDER)}
    return [item for _, _, item in sorted(found, key=lambda f: (order[f[2].status], f[0], f[1]))]


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
        .where(MEMBERSHIP.c.circle_id == CIRCLE.c.id, MEMBERSHIP.c.left_on.is_(None))
        .correlate(CIRCLE)
        .scalar_subquery()
    )
    counts = [c for c in (*held.c, *marks.c, *roles.c) if c.name != "circle_id"]
    return (
        sa_select(
            CIRCLE.c.id,
            CIRCLE.c.name,
            CIRCLE.c.name_key,
            CIRCLE.c.status,
            CIRCLE.c.cadence,
            CIRCLE.c.cadence_interval,
            CIRCLE.c.min_size,
            CIRCLE.c.max_size,
            CIRCLE.c.starts_on,
            CIRCLE.c.created_at,
            size.label("size"),
            *counts,
        )
        .outerjoin(held, held.c.circle_id == CIRCLE.c.id)
        .outerjoin(marks, marks.c.circle_id == CIRCLE.c.id)
        .outerjoin(roles, roles.c.circle_id == CIRCLE.c.id)
        .where(scope)
    )


def _decided(circle_id: Any, today: dt.date) -> list[ColumnElement[bool]]:
    return [
        CIRCLE_SESSION.c.circle_id == circle_id,
        CIRCLE_SESSION.c.status != SessionStatus.PLANNED.value,
        CIRCLE_SESSION.c.local_date <= today,
    ]


def _nth_newest(today: dt.date, n: int, *, held_only: bool) -> Any:
    """The key (local date then start, as one string) of the circle's n-th newest decided (or
    held) session up to `today`; NULL when it has fewer. A short walk of the index
    circle_session(circle_id, local_date, starts_at, status), newest first."""
    key = CIRCLE_SESSION.c.local_date.op("||")(CIRCLE_SESSION.c.starts_at)
    query = sa_select(key).where(*_decided(CIRCLE.c.id, today))
    if held_only:
        query = query.where(CIRCLE_SESSION.c.status == SessionStatus.HELD.value)
    return (
        query.order_by(CIRCLE_SESSION.c.local_date.desc(), CIRCLE_SESSION.c.starts_at.desc())
        .limit(1)
        .offset(n - 1)
        .correlate(CIRCLE)
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
        CIRCLE.c.id.label("circle_id"),
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
    at = tuple_(CIRCLE_SESSION.c.local_date, CIRCLE_SESSION.c.starts_at)
    held = CIRCLE_SESSION.c.status == SessionStatus.HELD.value
    recent_from = tuple_(func.coalesce(b.recent_day, ""), func.coalesce(b.recent_at, ""))
    return (
        sa_select(
            b.circle_id,
            CIRCLE_SESSION.c.id.label("session_id"),
            CIRCLE_SESSION.c.local_date.label("day"),
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
            CIRCLE_SESSION,
            and_(
                *_decided(b.circle_id, today),
                CIRCLE_SESSION.c.local_date >= b.earlier_day,
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
    present = CHECKIN.c.attendance == Attendance.PRESENT.value
    absent = CHECKIN.c.attendance == Attendance.ABSENT.value
    came = and_(r.recent, present)
    marks = (
        sa_select(
            r.circle_id,
            _count_if(came).label("recent_present"),
            _count_if(and_(r.recent, absent)).label("recent_absent"),
            _count_if(and_(r.earlier, present)).label("earlier_present"),
            _count_if(and_(r.earlier, absent)).label("earlier_absent"),
            func.count(func.distinct(case((came, CHECKIN.c.member_id)))).label("attendees"),
        )
        .select_from(latest)
        .join(CHECKIN, CHECKIN.c.session_id == r.session_id)
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
        sa_select(r.circle_id, func.count(func.distinct(CHECKIN.c.member_id)).label("speakers"))
        .select_from(latest)
        .join(CHECKIN, and_(CHECKIN.c.session_id == r.session_id, spoke()))
        .where(r.recent)
        .group_by(r.circle_id)
    )


def spoke() -> ColumnElement[bool]:
    """A check-in of someone present who answered a prompt, spelt exactly as the partial index
    ix_checkin_session_spoke says it (literals, not parameters, so SQLite can match it)."""
    return and_(
        CHECKIN.c.attendance == literal_column(f"'{Attendance.PRESENT.value}'"),
        func.json(CHECKIN.c.answers) != literal_column("'{}'"),
    )


def _role_counts(latest: CTE) -> Any:
    """Per circle: role assignments held by someone at the last 4 held sessions."""
    r = latest.c
    return (
        sa_select(r.circle_id, func.count().label("assignments"))
        .select_from(latest)
        .join(ROLE_ASSIGNMENT, ROLE_ASSIGNMENT.c.session_id == r.session_id)
        .where(r.recent, ROLE_ASSIGNMENT.c.member_id.is_not(None))
        .group_by(r.circle_id)
    )


def _plain_rows(connection: Connection, statement: Any) -> list[tuple[Any, ...]]:
    """The statement's rows as plain driver tuples: its values are rendered inline (they are
    dates, statuses and ids this module chose, never user text), so no bind or result processor
    runs for each of the thousands of rows and columns are read by position."""
    sql = statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
    return list(connection.exec_driver_sql(str(sql)).all())


# --- circles: judging ----------------------------------------------------------------------

LIFECYCLES = {status.value: status for status in CircleStatus}
"""Circle statuses by their stored value, for reading rows without an enum call each."""


def _judged(
    row: tuple[Any, ...], today: dt.date, settings: HealthSettings
) -> tuple[str, int, CircleHealth]:
    """The circle's sort key (name, id) and its health, from its row of `health_query` (plain
    driver values, read by position; the figures go in as a dict: pydantic builds the nested
    model in the same validation call)."""
    (
        circle_id,
        name,
        name_key,
        lifecycle,
        cadence,
        cadence_interval,
        min_size,
        max_size,
        starts_on,
        created_at,
        size,
        last_held_text,
        recent,
        earlier,
        window,
        missed,
        recent_present,
        recent_absent,
        earlier_present,
        earlier_absent,
        attendees,
        speakers,
        assignments,
    ) = row
    started = as_date(starts_on) or utc_date(as_datetime(created_at))
    last_held = as_date(last_held_text)
    size = int(size)
    figures = rules.CircleFigures(
        lifecycle=lifecycle,
        age_days=(today - started).days,
        cadence_days=rules.cadence_days(cadence, cadence_interval),
        size=size,
        min_size=min_size,
        max_size=max_size,
        recent_attendance=_attendance(recent_present, recent_absent),
        earlier_attendance=_attendance(earlier_present, earlier_absent),
        recent_sessions=int(recent or 0),
        earlier_sessions=int(earlier or 0),
        window_sessions=int(window or 0),
        missed_sessions=int(missed or 0),
        days_since_held=(today - last_held).days if last_held is not None else None,
        speaking_share=rules.rate(speakers, attendees) if speakers else None,
        role_load=rules.rate(int(assignments or 0), size),
    )
    status, reasons = rules.judge(figures, settings)
    read = CircleHealth(
        circle_id=circle_id,
        name=name,
        lifecycle=LIFECYCLES[lifecycle],
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
    return name_key, circle_id, read


def _attendance(present: int | None, absent: int | None) -> float | None:
    """Present over present + absent; None when the circle has no such marks."""
    return rules.rate(int(present or 0), int(present or 0) + int(absent or 0))
