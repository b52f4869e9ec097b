"""Circle health: thriving, steady, fading or dormant, with the reasons (members at risk are
services.member_risk).

Every figure is counted in SQL, one circle at a time: two short walks of circle_session(circle_id,
local_date, starts_at, status) find where its recent and earlier windows begin (its 4th and 8th
newest held sessions), and each figure is then a correlated subquery over that circle's own
sessions from there on: marks from the covering index checkin(session_id, attendance,
member_id), who spoke from its partial twin, role assignments, seats. Nothing is grouped, so no
check-ins of every circle are sorted together, and no window function ranks a circle's whole
history: the work grows with the circles and their latest sessions, not with years of them.
Windows are told apart by each session's (local date, start), so two sessions on one day fall
on their own sides. No check-in is loaded into Python; algorithms.circle_health turns the
figures into a status and reasons. Queries are built from the Core tables of
services.core_tables, so no ORM model is imported for them.

The counts are kept in health_figures (models.health_figures): a read judges the kept rows and
counts again only the circles whose rows a change has forgotten since (triggers) or that do not
hold for the day asked about, so a read after a day's sessions counts the circles that met that
day (about one in twelve at community scale), not all of them.

Closed circles are left out. Paused circles are listed: dormant after a long rest, else steady,
never judged on attendance, rhythm or size (see algorithms.circle_health).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CTE, ColumnElement, Connection, and_, case, func, literal_column, tuple_
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect

from circlekeeper import clock
from circlekeeper.algorithms import circle_health as rules
from circlekeeper.db import Database
from circlekeeper.db.errors import DatabaseBusy, DatabaseReadOnly, DiskFull
from circlekeeper.models.enums import Attendance, CircleStatus, SessionStatus
from circlekeeper.services.collector import collection_paused
from circlekeeper.services.core_tables import (
    CHECKIN,
    CIRCLE,
    CIRCLE_SESSION,
    HEALTH_FIGURES,
    MEMBERSHIP,
    ROLE_ASSIGNMENT,
)
from circlekeeper.services.errors import Conflict
from circlekeeper.services.health_models import CircleFiguresRead, CircleHealth
from circlekeeper.services.health_settings import HealthSettings
from circlekeeper.services.sql_values import as_date, as_datetime, utc_date
from circlekeeper.text import quoted

PACK_BITS = 20
"""Bits per count in a packed subquery result: three counts fit in SQLite's 64-bit integer, and
a circle would need a million check-ins at its last 4 sessions to overflow one."""
PACK_BASE = 1 << PACK_BITS
DAY_CHARS = len("2026-11-21")
"""A stored date's length: a session's key is its local date followed by its start."""
DIALECT = sqlite_dialect()
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

    Figures are read from health_figures; the circles whose kept figures were forgotten (or do
    not hold for `today`) are counted again first and kept (see `_with_recounted`).
    A closed `circle_ref` is refused: a closed circle has no health to judge.
    """
    day = today or clock.today()
    scope = (
        CIRCLE.c.status.in_([status.value for status in JUDGED])
        if circle_ref is None
        else CIRCLE.c.id == _judged_circle_id(db, circle_ref)
    )
    with db.reading() as conn, collection_paused():
        rows = _plain_rows(conn, kept_query(scope, day))
    order = {status: index for index, status in enumerate(rules.ATTENTION_ORDER)}
    with collection_paused():
        unknown = [row[0] for row in rows if row[FIRST_FIGURE] is None]
        if unknown:
            rows = _with_recounted(db, rows, unknown, day)
        found = [_judged(row, day, settings) for row in rows]
        found.sort(key=lambda f: (order[f[2].status], f[0], f[1]))
        return [item for _, _, item in found]


def _judged_circle_id(db: Database, circle_ref: str | int) -> int:
    """The id of the circle `circle_ref` names, refused when it is closed."""
    from circlekeeper.services.lookup import find_circle

    with db.read() as session:
        circle = find_circle(session, circle_ref)
        if circle.status == CircleStatus.CLOSED:
            raise Conflict(
                f"circle {quoted(circle.name)} is closed — health is judged for forming, active "
                "and paused circles ('circle reopen' brings it back)"
            )
        assert circle.id is not None
        return circle.id


def _with_recounted(
    db: Database, rows: list[tuple[Any, ...]], unknown: list[int], today: dt.date
) -> list[tuple[Any, ...]]:
    """`rows` of `kept_query` with the `unknown` circles counted again for `today`, kept, and
    read back, counting and keeping in one write transaction so no change slips in between. A
    database this program may not write (read-only, its disk full) or one another program keeps
    locked has them counted without keeping anything. A circle deleted meanwhile drops out."""
    scope = CIRCLE.c.id.in_(unknown)
    try:
        with db.housekeeping() as conn:
            conn.execute(inline_sql(recount_statement(scope, today)))
            counted = conn.execute(inline_sql(kept_query(scope, today))).fetchall()
    except (DatabaseReadOnly, DatabaseBusy, DiskFull):
        with db.reading() as conn:
            counted = _plain_rows(conn, health_query(scope, today))
    recounted = set(unknown)
    return [row for row in rows if row[0] not in recounted] + counted


# --- circles: queries ----------------------------------------------------------------------


CIRCLE_COLUMNS = (
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
)
"""What judging reads of the circle itself, first in every row `_judged` takes."""
FIGURE_NAMES = (
    "size",
    "held",
    "last_held",
    "window_figures",
    "recent_marks",
    "earlier_marks",
    "speakers",
    "assignments",
)
"""The counted figures, in the order `_judged` reads them after CIRCLE_COLUMNS."""
FIRST_FIGURE = len(CIRCLE_COLUMNS)
EARLIEST = dt.date.min
LATEST = dt.date.max


def kept_query(scope: ColumnElement[bool], today: dt.date) -> Any:
    """Each circle in `scope` with its kept figures when they hold for `today`, else NULLs."""
    kept = HEALTH_FIGURES.c
    holds = and_(kept.circle_id == CIRCLE.c.id, kept.valid_from <= today, kept.valid_to > today)
    return (
        sa_select(*CIRCLE_COLUMNS, *(kept[name] for name in FIGURE_NAMES))
        .select_from(CIRCLE.outerjoin(HEALTH_FIGURES, holds))
        .where(scope)
    )


def recount_statement(scope: ColumnElement[bool], today: dt.date) -> Any:
    """Count and keep (replacing) the figures of each circle in `scope` that has none holding
    for `today`."""
    kept = HEALTH_FIGURES.c
    holds = (
        sa_select(kept.circle_id)
        .where(kept.circle_id == CIRCLE.c.id, kept.valid_from <= today, kept.valid_to > today)
        .exists()
    )
    counted = health_query(and_(scope, ~holds), today, with_circle=False)
    names = ["circle_id", *FIGURE_NAMES, "valid_from", "valid_to"]
    return HEALTH_FIGURES.insert().prefix_with("OR REPLACE").from_select(names, counted)


def health_query(scope: ColumnElement[bool], today: dt.date, *, with_circle: bool = True) -> Any:
    """One statement: each circle in `scope` with its figures (after what judging reads of the
    circle, `with_circle`) and the days they hold for, each a correlated subquery over that
    circle's own latest sessions, so nothing is grouped or sorted."""
    bounds = _bounds(scope, today)
    b = bounds.c
    recent = _recent(b, today)
    return (
        sa_select(
            *(CIRCLE_COLUMNS if with_circle else (CIRCLE.c.id,)),
            _size().label("size"),
            case((b.earlier_day != "", 2 * rules.WINDOW), else_=_held_count(today)).label("held"),
            _last_held(today).label("last_held"),
            _window_figures(today).label("window_figures"),
            _marks(recent, attendees=True).label("recent_marks"),
            _marks(_earlier(b, today), attendees=False).label("earlier_marks"),
            _speakers(recent).label("speakers"),
            _assignments(recent).label("assignments"),
            _nearest_decided(today, after=False, otherwise=EARLIEST).label("valid_from"),
            _nearest_decided(today, after=True, otherwise=LATEST).label("valid_to"),
        )
        .select_from(bounds)
        .join(CIRCLE, CIRCLE.c.id == b.circle_id)
    )


def _nearest_decided(today: dt.date, *, after: bool, otherwise: dt.date) -> Any:
    """The local date of the circle's latest decided session up to `today`, or (`after`) of
    its first one after it; `otherwise` when there is none. The figures counted for `today`
    hold from the first date up to (not including) the second: no session is decided between."""
    day = CIRCLE_SESSION.c.local_date
    query = (
        sa_select(day)
        .where(
            CIRCLE_SESSION.c.circle_id == CIRCLE.c.id,
            CIRCLE_SESSION.c.status != SessionStatus.PLANNED.value,
            day > today if after else day <= today,
        )
        .order_by(day.asc() if after else day.desc())
        .limit(1)
        .correlate(CIRCLE)
        .scalar_subquery()
    )
    return func.coalesce(query, otherwise)


def _decided(circle_id: Any, today: dt.date) -> list[ColumnElement[bool]]:
    return [
        CIRCLE_SESSION.c.circle_id == circle_id,
        CIRCLE_SESSION.c.status != SessionStatus.PLANNED.value,
        CIRCLE_SESSION.c.local_date <= today,
    ]


def _held(circle_id: Any, today: dt.date) -> list[ColumnElement[bool]]:
    return [*_decided(circle_id, today), CIRCLE_SESSION.c.status == SessionStatus.HELD.value]


def _newest_first(query: Any) -> Any:
    """`query` ordered as the index circle_session(circle_id, local_date, starts_at, status)
    walks a circle's sessions backwards: latest local date, then latest start."""
    return query.order_by(CIRCLE_SESSION.c.local_date.desc(), CIRCLE_SESSION.c.starts_at.desc())


def _nth_newest_held(today: dt.date, n: int) -> Any:
    """The key (local date then start, as one string) of the circle's n-th newest held session
    up to `today`; NULL when it has fewer. A short walk of its sessions, newest first."""
    key = CIRCLE_SESSION.c.local_date.op("||")(CIRCLE_SESSION.c.starts_at)
    query = _newest_first(sa_select(key).where(*_held(CIRCLE.c.id, today)))
    return query.limit(1).offset(n - 1).correlate(CIRCLE).scalar_subquery()


def _bounds(scope: ColumnElement[bool], today: dt.date) -> CTE:
    """Per circle in `scope`, where its windows begin, as (day, start) pairs: `recent_*` at the
    WINDOW-th newest held session ('' when there are fewer: every held session is recent) and
    `earlier_*` at the 2 * WINDOW-th ('' likewise)."""
    recent = _nth_newest_held(today, rules.WINDOW)
    earlier = _nth_newest_held(today, 2 * rules.WINDOW)
    keys = (
        sa_select(CIRCLE.c.id.label("circle_id"), recent.label("recent"), earlier.label("earlier"))
        .where(scope)
        .cte("keys")
        .prefix_with("MATERIALIZED")
    )
    return (
        sa_select(
            keys.c.circle_id,
            *_split(keys.c.recent, "recent"),
            *_split(keys.c.earlier, "earlier"),
        )
        .cte("bounds")
        .prefix_with("MATERIALIZED")
    )


def _split(key: Any, name: str) -> list[Any]:
    """A session key's local date and start, each '' when there is no such session."""
    return [
        func.coalesce(func.substr(key, 1, DAY_CHARS), "").label(f"{name}_day"),
        func.coalesce(func.substr(key, DAY_CHARS + 1), "").label(f"{name}_at"),
    ]


def _recent(b: Any, today: dt.date) -> list[ColumnElement[bool]]:
    """The circle's WINDOW newest held sessions up to `today` (all of them when it has fewer)."""
    at = tuple_(CIRCLE_SESSION.c.local_date, CIRCLE_SESSION.c.starts_at)
    return [
        *_held(b.circle_id, today),
        CIRCLE_SESSION.c.local_date >= b.recent_day,
        at >= tuple_(b.recent_day, b.recent_at),
    ]


def _earlier(b: Any, today: dt.date) -> list[ColumnElement[bool]]:
    """The WINDOW held sessions before the recent ones (fewer when there are fewer; none when
    all the circle's held sessions are recent, as '' is before every key)."""
    at = tuple_(CIRCLE_SESSION.c.local_date, CIRCLE_SESSION.c.starts_at)
    return [
        *_held(b.circle_id, today),
        CIRCLE_SESSION.c.local_date >= b.earlier_day,
        CIRCLE_SESSION.c.local_date <= b.recent_day,
        at >= tuple_(b.earlier_day, b.earlier_at),
        at < tuple_(b.recent_day, b.recent_at),
    ]


def _packed(*figures: Any) -> Any:
    """Several counts of one subquery as one integer, PACK_BITS each, the first highest: a
    scalar subquery returns one value, and divmod by PACK_BASE splits it again in Python."""
    packed = figures[0]
    for figure in figures[1:]:
        packed = packed.op("<<")(PACK_BITS).op("|")(figure)
    return packed


def _tally(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(condition), 0)


def _size() -> Any:
    """The circle's current members."""
    return (
        sa_select(func.count())
        .where(MEMBERSHIP.c.circle_id == CIRCLE.c.id, MEMBERSHIP.c.left_on.is_(None))
        .correlate(CIRCLE)
        .scalar_subquery()
    )


def _held_count(today: dt.date) -> Any:
    """How many of its 2 * WINDOW newest held sessions up to `today` the circle has (asked only
    when it has fewer: where its earlier window begins says so)."""
    newest = (
        sa_select(CIRCLE_SESSION.c.id)
        .where(*_held(CIRCLE.c.id, today))
        .limit(2 * rules.WINDOW)
        .correlate(CIRCLE)
        .subquery("held")
    )
    return sa_select(func.count()).select_from(newest).scalar_subquery()


def _last_held(today: dt.date) -> Any:
    """The local date of the circle's newest held session up to `today` (NULL: none)."""
    newest = _newest_first(sa_select(CIRCLE_SESSION.c.local_date).where(*_held(CIRCLE.c.id, today)))
    return newest.limit(1).correlate(CIRCLE).scalar_subquery()


def _window_figures(today: dt.date) -> Any:
    """The WINDOW newest decided sessions and how many were not held, packed."""
    newest = (
        _newest_first(sa_select(CIRCLE_SESSION.c.status).where(*_decided(CIRCLE.c.id, today)))
        .limit(rules.WINDOW)
        .correlate(CIRCLE)
        .subquery("decided")
    )
    missed = _tally(newest.c.status != SessionStatus.HELD.value)
    return sa_select(_packed(func.count(), missed)).scalar_subquery()


def _marks(sessions: list[ColumnElement[bool]], *, attendees: bool) -> Any:
    """Present and absent marks at those sessions, packed, from the covering index
    checkin(session_id, attendance, member_id); with `attendees`, then how many different
    members came."""
    present = CHECKIN.c.attendance == Attendance.PRESENT.value
    figures = [_tally(present), _tally(CHECKIN.c.attendance == Attendance.ABSENT.value)]
    if attendees:
        figures.append(func.count(func.distinct(case((present, CHECKIN.c.member_id)))))
    return (
        sa_select(_packed(*figures))
        .select_from(CIRCLE_SESSION)
        .join(CHECKIN, CHECKIN.c.session_id == CIRCLE_SESSION.c.id)
        .where(*sessions)
        .scalar_subquery()
    )


def _speakers(sessions: list[ColumnElement[bool]]) -> Any:
    """Who spoke at those sessions (present, with an answer recorded), counted from the partial
    index checkin(session_id, attendance, member_id) WHERE SPOKE, so no check-in row is read."""
    return (
        sa_select(func.count(func.distinct(CHECKIN.c.member_id)))
        .select_from(CIRCLE_SESSION)
        .join(CHECKIN, and_(CHECKIN.c.session_id == CIRCLE_SESSION.c.id, spoke()))
        .where(*sessions)
        .scalar_subquery()
    )


def spoke() -> ColumnElement[bool]:
    """A check-in of someone present who answered a prompt, spelt exactly as the partial index
    ix_checkin_session_spoke says it (literals, not parameters, so SQLite can match it)."""
    return and_(
        CHECKIN.c.attendance == literal_column(f"'{Attendance.PRESENT.value}'"),
        func.json(CHECKIN.c.answers) != literal_column("'{}'"),
    )


def _assignments(sessions: list[ColumnElement[bool]]) -> Any:
    """Role assignments held by someone at those sessions."""
    return (
        sa_select(func.count())
        .select_from(CIRCLE_SESSION)
        .join(ROLE_ASSIGNMENT, ROLE_ASSIGNMENT.c.session_id == CIRCLE_SESSION.c.id)
        .where(*sessions, ROLE_ASSIGNMENT.c.member_id.is_not(None))
        .scalar_subquery()
    )


def _plain_rows(connection: Connection, statement: Any) -> list[tuple[Any, ...]]:
    """The statement's rows as plain driver tuples (see `inline_sql`), so no bind or result
    processor runs for each of the thousands of rows and columns are read by position."""
    return list(connection.exec_driver_sql(inline_sql(statement)).all())


def inline_sql(statement: Any) -> str:
    """The statement as SQLite text with its values rendered inline: they are dates, statuses
    and ids this module chose, never user text."""
    return str(statement.compile(dialect=DIALECT, compile_kwargs={"literal_binds": True}))


# --- circles: judging ----------------------------------------------------------------------

LIFECYCLES = {status.value: status for status in CircleStatus}
"""Circle statuses by their stored value, for reading rows without an enum call each."""


def _judged(
    row: tuple[Any, ...], today: dt.date, settings: HealthSettings
) -> tuple[str, int, CircleHealth]:
    """The circle's sort key (name, id) and its health, from its row of `kept_query` (plain
    driver values, read by position; the read model's fields are given in their order)."""
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
        held_count,
        last_held_text,
        window,
        recent_marks,
        earlier_marks,
        speakers,
        assignments,
    ) = row[: FIRST_FIGURE + len(FIGURE_NAMES)]
    window_sessions, missed_sessions = divmod(window, PACK_BASE)
    recent_marks, attendees = divmod(recent_marks, PACK_BASE)
    recent_present, recent_absent = divmod(recent_marks, PACK_BASE)
    earlier_present, earlier_absent = divmod(earlier_marks, PACK_BASE)
    started = as_date(starts_on) or utc_date(as_datetime(created_at))
    last_held = as_date(last_held_text)
    figures = rules.CircleFigures(
        lifecycle,
        (today - started).days,
        rules.cadence_days(cadence, cadence_interval),
        size,
        min_size,
        max_size,
        rules.rate(recent_present, recent_present + recent_absent),
        rules.rate(earlier_present, earlier_present + earlier_absent),
        min(held_count, rules.WINDOW),
        max(held_count - rules.WINDOW, 0),
        window_sessions,
        missed_sessions,
        (today - last_held).days if last_held is not None else None,
        rules.rate(speakers, attendees) if speakers else None,
        rules.rate(assignments, size),
    )
    status, reasons = rules.judge(figures, settings)
    read = CircleHealth(
        circle_id,
        name,
        LIFECYCLES[lifecycle],
        status,
        tuple(reasons),
        CircleFiguresRead(
            today,
            figures.age_days,
            figures.cadence_days,
            size,
            min_size,
            max_size,
            figures.recent_attendance,
            figures.earlier_attendance,
            figures.recent_sessions,
            figures.earlier_sessions,
            window_sessions,
            missed_sessions,
            last_held,
            figures.days_since_held,
            figures.speaking_share,
            figures.role_load,
        ),
    )
    return name_key, circle_id, read
