"""The members who may need a personal note: quiet for a long time, absent several times in a
row, or pausing with no circle to come back to.

Two reads in one transaction: the open seats (tallied per member here), and one row per member
who has not left, read in id order so that each member's look-ups in check-in(member_id, day,
attendance, circle_id) follow the index page by page — the last day present, and the run of
absences (only for active members with a seat). No check-in is loaded into Python, and
algorithms.circle_health judges each distinct set of figures once (most members share theirs).
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, and_, case, exists, func
from sqlalchemy import select as sa_select

from circlekeeper import clock
from circlekeeper.algorithms import circle_health as rules
from circlekeeper.db import Database
from circlekeeper.models.enums import Attendance, CircleStatus, MemberStatus, SessionStatus
from circlekeeper.services.collector import collection_paused
from circlekeeper.services.core_tables import (
    CHECKIN,
    CIRCLE,
    CIRCLE_SESSION,
    MEMBER,
    MEMBERSHIP,
)
from circlekeeper.services.errors import InvalidInput
from circlekeeper.services.health_models import MemberAtRisk, MembersAtRisk
from circlekeeper.services.health_settings import HealthSettings

NO_SEATS = (0, 0, 0, None)
"""A member's open seats in active, forming and paused circles, and the day they joined the
earliest of their active ones (ISO text) — for a member with no seat."""
SEAT_SLOT = {
    CircleStatus.ACTIVE.value: 0,
    CircleStatus.FORMING.value: 1,
    CircleStatus.PAUSED.value: 2,
}
STATUSES = {status.value: status for status in MemberStatus}
PAUSED = MemberStatus.PAUSED.value
UNJUDGED: Any = object()
"""Marks figures the rules have not judged yet (None means judged and not at risk)."""

Judged = tuple[rules.MemberFigures, rules.MemberRisk]
Entry = tuple[int, str, int, Sequence[Any], Judged]
"""A member at risk as ranked: (-urgency, name key, id, their row, figures and risk)."""


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
    judge = _Judge(settings, day)
    with collection_paused():
        with db.read() as session:
            connection = session.connection()
            seats = seats_by_member(_streamed(connection, open_seats_query()))
            found = judge.at_risk(_streamed(connection, member_figures_query(day)), seats)
            total, ranked = _ranked(found, limit)
        members = [_read_model(row, judged, judge) for *_, row, judged in ranked]
    return MembersAtRisk(total=total, members=members)


def _ranked(found: Iterator[Entry], limit: int | None) -> tuple[int, list[Entry]]:
    """How many entries there are, and the `limit` first in rank order (all without a limit):
    with a limit only that many are ever kept, not every member at risk."""
    if limit is None:
        ranked = sorted(found)
        return len(ranked), ranked
    total = 0

    def counted() -> Iterator[Entry]:
        nonlocal total
        for entry in found:
            total += 1
            yield entry

    ranked = heapq.nsmallest(limit, counted())
    return total, ranked


def open_seats_query() -> Any:
    """Each open seat: the member, the status of the circle, and the day they joined it."""
    return (
        sa_select(MEMBERSHIP.c.member_id, CIRCLE.c.status, MEMBERSHIP.c.joined_on)
        .join(CIRCLE, CIRCLE.c.id == MEMBERSHIP.c.circle_id)
        .where(MEMBERSHIP.c.left_on.is_(None))
    )


def seats_by_member(rows: Iterable[Sequence[Any]]) -> dict[int, list[Any]]:
    """Per member: open seats in active, forming and paused circles, and the day they joined
    the earliest of their active circles (ISO text) — tallied here, as a GROUP BY would walk
    the seats in member order and look each one up."""
    tally: dict[int, list[Any]] = {}
    for member_id, status, joined_on in rows:
        entry = tally.get(member_id)
        if entry is None:
            entry = tally[member_id] = [0, 0, 0, None]
        slot = SEAT_SLOT.get(status)
        if slot is not None:
            entry[slot] += 1
        if slot == 0 and (entry[3] is None or joined_on < entry[3]):
            entry[3] = joined_on
    return tally


def member_figures_query(today: dt.date) -> Any:
    """One row per member who has not left, in id order: the last day present, and the run of
    absences, for active members only (the run only for those with a seat). "Not left" rather
    than "active or paused" keeps the planner off the status index: a scan of the table in id
    order makes the look-ups of check-in(member_id, day, ...) run in index order, twice as fast
    at 100,000 members."""
    active = MEMBER.c.status == MemberStatus.ACTIVE.value
    seated = exists().where(MEMBERSHIP.c.member_id == MEMBER.c.id, MEMBERSHIP.c.left_on.is_(None))
    return sa_select(
        MEMBER.c.id,
        MEMBER.c.name,
        MEMBER.c.name_key,
        MEMBER.c.status,
        MEMBER.c.paused_until,
        case((active, _last_present(today))).label("last_present"),
        case((and_(active, seated), _absent_streak(today)), else_=0).label("absent_streak"),
    ).where(MEMBER.c.status != MemberStatus.LEFT.value)


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


def _held_checkins(today: dt.date, *, absent: bool) -> Any:
    """The member's absent (or not absent) check-ins up to `today` at held sessions of the
    circles they sit in now; the seat is found with one search of the open seats."""
    current = (
        exists()
        .where(
            MEMBERSHIP.c.circle_id == CHECKIN.c.circle_id,
            MEMBERSHIP.c.member_id == MEMBER.c.id,
            MEMBERSHIP.c.left_on.is_(None),
        )
        .correlate(CHECKIN, MEMBER)
    )
    marked = CHECKIN.c.attendance == Attendance.ABSENT.value
    return (
        sa_select(CHECKIN.c.day)
        .join(CIRCLE_SESSION, CIRCLE_SESSION.c.id == CHECKIN.c.session_id)
        .where(
            CHECKIN.c.member_id == MEMBER.c.id,
            CHECKIN.c.day <= today,
            marked if absent else ~marked,
            current,
            CIRCLE_SESSION.c.status == SessionStatus.HELD.value,
        )
        .correlate(MEMBER)
    )


def _absent_streak(today: dt.date) -> Any:
    """How many of the member's latest held-session check-ins in a row say absent: those after
    the last one that does not (excused breaks the run too)."""
    last_unbroken = (
        _held_checkins(today, absent=False)
        .order_by(CHECKIN.c.day.desc())
        .limit(1)
        .scalar_subquery()
    )
    return (
        _held_checkins(today, absent=True)
        .with_only_columns(func.count())
        .where(CHECKIN.c.day > func.coalesce(last_unbroken, dt.date.min))
        .scalar_subquery()
    )


def _streamed(connection: Connection, statement: Any) -> Iterator[Sequence[Any]]:
    """The statement's rows as plain driver rows (dates as ISO text), read as they are used, so
    a hundred thousand of them are never held at once: its values are rendered inline (a date
    and statuses this module chose, never user text), so no bind or result processor runs for
    each row."""
    sql = statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
    return iter(connection.exec_driver_sql(str(sql)))


class _Judge:
    """Judges members' figures as of `today`: dates are parsed once per distinct text, and the
    rules run once per distinct set of figures (most members share theirs with many others)."""

    def __init__(self, settings: HealthSettings, today: dt.date) -> None:
        self.settings = settings
        self.today = today
        self._dates: dict[str, dt.date] = {}
        self._judged: dict[tuple[Any, ...], Any] = {}

    def date(self, text: Any) -> dt.date | None:
        """A date from ISO text (None for NULL), parsed once."""
        if text is None:
            return None
        found = self._dates.get(text)
        if found is None:
            found = self._dates[text] = dt.date.fromisoformat(str(text))
        return found

    def at_risk(
        self, rows: Iterable[Sequence[Any]], seats: dict[int, list[Any]]
    ) -> Iterator[Entry]:
        """(-urgency, name key, id, row, figures and risk) of each member row at risk, as the
        rows are read: the order comes first, so sorting the entries ranks the members."""
        judged_by_key = self._judged
        for row in rows:
            member_id, _, name_key, status, paused_until, last_present, streak = row
            active, forming, paused, since = seats.get(member_id, NO_SEATS)
            quiet, from_check_in = rules.quiet_days(
                self.date(last_present), self.date(since), self.today
            )
            until = self.date(paused_until) if status == PAUSED else None
            key = (status, streak or 0, quiet, from_check_in, active, forming, paused, until)
            judged = judged_by_key.get(key, UNJUDGED)
            if judged is UNJUDGED:
                judged = judged_by_key[key] = self._assess(key)
            if judged is not None:
                yield (-judged[1].urgency, name_key, member_id, row, judged)

    def _assess(self, key: tuple[Any, ...]) -> Judged | None:
        """The rules' verdict on one set of figures; None when they put nobody at risk."""
        status, streak, quiet, from_check_in, active, forming, paused, until = key
        figures = rules.MemberFigures(
            status=status,
            absent_streak=streak,
            quiet_days=quiet,
            checked_in_since_joining=from_check_in,
            active_circles=active,
            forming_circles=forming,
            paused_circles=paused,
            paused_until=until,
            pause_days_left=(until - self.today).days if until is not None else None,
        )
        risk = rules.assess_member(figures, self.settings)
        return (figures, risk) if risk.kinds else None


def _read_model(row: Sequence[Any], judged: Judged, judge: _Judge) -> MemberAtRisk:
    """The read model of one member at risk, from their row and judged figures."""
    figures, risk = judged
    return MemberAtRisk(
        member_id=row[0],
        name=row[1],
        member_status=STATUSES[row[3]],
        kinds=risk.kinds,
        reasons=risk.reasons,
        urgency=risk.urgency,
        absent_streak=figures.absent_streak,
        last_check_in=judge.date(row[5]),
        quiet_days=figures.quiet_days,
        active_circles=figures.active_circles,
        paused_until=judge.date(row[4]),
    )
