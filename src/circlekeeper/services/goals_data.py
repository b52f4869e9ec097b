"""What goal judging reads: the ambassadors, their goals and their rests.

Queries here run through the connection (SQLAlchemy Core), not the ORM: a programme of 5,000
ambassadors loads thousands of rows, and ORM row handling cost more than the SQL. Lists of ids
are bound as one JSON array (`id_in`), not one parameter per id. A screen that needs goal
statuses, streaks and weekly loads of the same ambassadors reads them once (`load_programme`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from circlekeeper.algorithms.goal_periods import Period
from circlekeeper.models import Ambassador, AmbassadorRest, AmbassadorStatus, Goal, GoalPer, Member

Rests = list[tuple[dt.date, dt.date]]


class Who(NamedTuple):
    """What judging needs to know about one ambassador (a tuple: thousands are made at once)."""

    id: int
    member_name: str
    name_key: str
    status: str
    resting_until: dt.date | None
    started_on: dt.date
    retired_on: dt.date | None

    def serving(self, period: Period) -> bool:
        """Whether they were an ambassador for some of `period`."""
        return self.started_on <= period.end and (
            self.retired_on is None or self.retired_on >= period.start
        )


class GoalSpan(NamedTuple):
    """A goal as judging needs it."""

    id: int
    ambassador_id: int
    metric: str
    metric_key: str
    target: int
    per: GoalPer
    starts_on: dt.date
    ends_on: dt.date | None

    def in_force(self, period: Period) -> bool:
        """Whether the goal applied to some of `period`."""
        return self.starts_on <= period.end and (
            self.ends_on is None or self.ends_on >= period.start
        )

    def in_force_between(self, first: dt.date, last: dt.date) -> bool:
        """Whether the goal applied some time in first..last."""
        return self.starts_on <= last and (self.ends_on is None or self.ends_on >= first)


def mostly_resting(period: Period, rests: Rests) -> bool:
    """algorithms.goal_periods.is_rest_period (rests cover at least half the period's days),
    counted from the ranges instead of a set of days: thousands of periods are checked at once.
    Overlapping or touching rests are merged first, so a day is counted once."""
    ranges = sorted(
        (max(starts_on, period.start), min(ends_on, period.end))
        for starts_on, ends_on in rests
        if starts_on <= period.end and ends_on >= period.start
    )
    covered = 0
    last: dt.date | None = None
    for first, end in ranges:
        if last is not None and first <= last:
            first = last + dt.timedelta(days=1)
        if end >= first:
            covered += (end - first).days + 1
            last = end
    return 2 * covered >= period.days


FEW_IDS = 64
"""Up to this many ids, `id_in` binds each one: SQLite then knows how few rows it asks for."""


def id_in(column: Any, ids: Iterable[int]) -> ColumnElement[bool]:
    """`column IN ids`. Past FEW_IDS the ids are bound as one JSON array read by json_each: an
    expanding IN of 4,000 ids cost SQLAlchemy a tenth of a second to render, and the statement
    4,000 bindings."""
    values = [int(value) for value in ids]
    if len(values) <= FEW_IDS:
        found: ColumnElement[bool] = column.in_(values)
        return found
    each = func.json_each(json.dumps(values)).table_valued("value")
    in_list: ColumnElement[bool] = column.in_(sa_select(each.c.value))
    return in_list


def plain_rows(session: Session, statement: Any) -> list[Any]:
    """The rows of a Core statement run on the session's connection: no ORM row handling,
    which cost more than the SQL for thousands of rows."""
    return list(session.connection().execute(statement).all())


def non_alumni() -> ColumnElement[bool]:
    """Ambassadors who are not alumni (active or resting)."""
    return col(Ambassador.status) != AmbassadorStatus.ALUMNI.value


# --- ambassadors ---------------------------------------------------------------------------


def load_who(session: Session, where: ColumnElement[bool]) -> dict[int, Who]:
    """The ambassadors matching `where` (over Ambassador and Member), in member-name order."""
    return {who.id: who for who, _ in who_rows(session, where)}


def who_rows(
    session: Session, where: ColumnElement[bool], *extra: Any
) -> list[tuple[Who, tuple[Any, ...]]]:
    """The ambassadors matching `where`, in member-name order, each with the values of the
    `extra` columns.

    Sorted here, not in SQL: an ORDER BY on the member's name made SQLite walk the whole
    member-name index (100,000 members) to find a few thousand ambassadors."""
    rows = plain_rows(
        session,
        sa_select(
            col(Ambassador.id),
            col(Member.name),
            col(Member.name_key),
            col(Ambassador.status),
            col(Ambassador.resting_until),
            col(Ambassador.started_on),
            col(Ambassador.retired_on),
            col(Member.id),
            *extra,
        )
        .select_from(Ambassador)
        .join(Member, col(Member.id) == col(Ambassador.member_id))
        .where(where),
    )
    ordered = sorted(rows, key=lambda row: (row[2], row[7]))
    return [(Who(*row[:7]), tuple(row[8:])) for row in ordered]


# --- goals ---------------------------------------------------------------------------------


def _ids_of(where: ColumnElement[bool]) -> ColumnElement[int]:
    return (
        sa_select(col(Ambassador.id))
        .join(Member, col(Member.id) == col(Ambassador.member_id))
        .where(where)
        .scalar_subquery()
    )


def load_goals(
    session: Session, where: ColumnElement[bool], *, first: dt.date, last: dt.date
) -> list[GoalSpan]:
    """Goals of the ambassadors matching `where` that were in force some time in first..last."""
    return _goals(session, col(Goal.ambassador_id).in_(_ids_of(where)), first=first, last=last)


def goals_of(
    session: Session, ambassador_ids: Sequence[int], *, first: dt.date, last: dt.date
) -> list[GoalSpan]:
    """Goals of these ambassadors that were in force some time in first..last."""
    return _goals(session, id_in(Goal.ambassador_id, ambassador_ids), first=first, last=last)


def _goals(
    session: Session, owners: ColumnElement[bool], *, first: dt.date, last: dt.date
) -> list[GoalSpan]:
    rows = plain_rows(
        session,
        sa_select(
            col(Goal.id),
            col(Goal.ambassador_id),
            col(Goal.metric),
            col(Goal.metric_key),
            col(Goal.target),
            col(Goal.per),
            col(Goal.starts_on),
            col(Goal.ends_on),
        )
        .where(
            owners,
            col(Goal.starts_on) <= last,
            (col(Goal.ends_on).is_(None)) | (col(Goal.ends_on) >= first),
        )
        .order_by(col(Goal.ambassador_id), col(Goal.metric_key), col(Goal.starts_on)),
    )
    pers = {per.value: per for per in GoalPer}
    return [
        GoalSpan(row[0], row[1], row[2], row[3], row[4], pers[row[5]], row[6], row[7])
        for row in rows
    ]


# --- rests ---------------------------------------------------------------------------------


def load_rests(
    session: Session,
    where: ColumnElement[bool],
    who: dict[int, Who],
    *,
    first: dt.date,
    as_of: dt.date,
) -> dict[int, Rests]:
    """Rest ranges from `first` on of the ambassadors matching `where`; a "resting until"
    status adds a rest from `as_of` to that date (rest rows normally cover it already)."""
    owners = col(AmbassadorRest.ambassador_id).in_(_ids_of(where))
    return _rests(session, owners, who, first=first, as_of=as_of)


def rests_of(
    session: Session, who: dict[int, Who], *, first: dt.date, as_of: dt.date
) -> dict[int, Rests]:
    """`load_rests` for the ambassadors in `who`."""
    owners = id_in(AmbassadorRest.ambassador_id, who)
    return _rests(session, owners, who, first=first, as_of=as_of)


def _rests(
    session: Session,
    owners: ColumnElement[bool],
    who: dict[int, Who],
    *,
    first: dt.date,
    as_of: dt.date,
) -> dict[int, Rests]:
    rows = plain_rows(
        session,
        sa_select(
            col(AmbassadorRest.ambassador_id),
            col(AmbassadorRest.starts_on),
            col(AmbassadorRest.ends_on),
        ).where(owners, col(AmbassadorRest.ends_on) >= first),
    )
    rests: dict[int, Rests] = {}
    for ambassador_id, starts_on, ends_on in rows:
        rests.setdefault(ambassador_id, []).append((starts_on, ends_on))
    for person in who.values():
        if (
            person.status == AmbassadorStatus.RESTING
            and person.resting_until is not None
            and person.resting_until >= as_of
        ):
            rests.setdefault(person.id, []).append((as_of, person.resting_until))
    return rests


# --- all three at once ---------------------------------------------------------------------


@dataclass(frozen=True)
class Loaded:
    """Ambassadors with their goals in force some time in first..last and their rests from
    `first` on (as load_rests gives them, as of `as_of`), read once for several judgements."""

    who: dict[int, Who]
    goals: list[GoalSpan]
    rests: dict[int, Rests]
    first: dt.date
    last: dt.date
    as_of: dt.date

    def covers(self, first: dt.date, last: dt.date, as_of: dt.date) -> bool:
        """Whether this holds everything a judgement of first..last as of `as_of` reads."""
        return self.first <= first and last <= self.last and as_of == self.as_of

    def goals_between(self, first: dt.date, last: dt.date) -> list[GoalSpan]:
        """The goals in force some time in first..last."""
        return [goal for goal in self.goals if goal.in_force_between(first, last)]

    def only(self, ambassador_ids: Iterable[int]) -> Loaded:
        """The same, for some of the ambassadors only."""
        wanted = set(ambassador_ids)
        return Loaded(
            who={key: person for key, person in self.who.items() if key in wanted},
            goals=[goal for goal in self.goals if goal.ambassador_id in wanted],
            rests={key: rests for key, rests in self.rests.items() if key in wanted},
            first=self.first,
            last=self.last,
            as_of=self.as_of,
        )


def load_programme(
    session: Session, who: dict[int, Who], *, first: dt.date, last: dt.date, as_of: dt.date
) -> Loaded:
    """The goals and rests of the ambassadors in `who`, in two queries."""
    ids = list(who)
    return Loaded(
        who=who,
        goals=goals_of(session, ids, first=first, last=last) if ids else [],
        rests=rests_of(session, who, first=first, as_of=as_of) if ids else {},
        first=first,
        last=last,
        as_of=as_of,
    )
