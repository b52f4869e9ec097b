"""Streaks: due periods in a row, ending with the last finished one, in which every goal was
met ("met 4 weeks running") or at least one was missed ("behind 3 periods in a row").

The rule:
- Only finished periods count: the streak ends with the period just before the one holding
  `as_of`, and looks back at most 52 periods.
- An ambassador whose goals in that window are all monthly is judged month by month. Anyone
  else is judged week by week (weeks start on settings.week_start): a week judges the weekly
  goals in force in it, plus each monthly goal whose calendar month ends in that week (judged
  over the whole month).
- A goal is judged over one of its own periods only when it is due there: the goal was in force
  (started on or before the period's end, not ended before its start), the ambassador was
  serving, and the period was not a rest period (rests cover at least half its days, see
  algorithms.goal_periods.is_rest_period).
- A period with nothing due (a rest week, a week before any goal) is skipped: it neither breaks
  nor extends a streak.

How: each period of the 52 is a bit (bit 0 the newest). What is in force, serving or resting
is date arithmetic on a few rows per ambassador; only "met" needs the progress log, and SQL
hands it back as one bit mask per goal (`met_masks`). Most streaks are settled by the newest
eight periods, so the log is read a pass at a time (8, 16, then 28 periods), for the
ambassadors still unsettled, and only for goals due in that pass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Integer, and_, cast, func, literal
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from circlekeeper.algorithms.goal_periods import (
    MONTH,
    WEEK,
    Period,
    period_of,
    periods_back,
    previous_period,
)
from circlekeeper.models import Ambassador, Goal, GoalPer, GoalProgress
from circlekeeper.services.goals_data import (
    GoalSpan,
    Loaded,
    Rests,
    Who,
    id_in,
    load_programme,
    load_who,
    mostly_resting,
    non_alumni,
    plain_rows,
)
from circlekeeper.services.programme_settings import ProgrammeSettings

STREAK_LOOKBACK = 52
"""Streaks look back at most this many periods (a year of weeks)."""
STREAK_PASSES = (8, 16, 28)
"""Periods read from the progress log per pass, newest first (52 in all)."""


def met_streaks(
    session: Session,
    *,
    as_of: dt.date,
    settings: ProgrammeSettings,
    ambassador_ids: Sequence[int] | None = None,
    loaded: Loaded | None = None,
) -> dict[int, int]:
    """Ambassador id → due finished periods in a row in which every goal judged was met (see
    the module docstring for the rule). `ambassador_ids` None means every ambassador who is not
    alumni (or everyone in `loaded`, goals and rests a caller has read already); every id asked
    for is in the answer (0 when there is no streak)."""
    return _streaks(session, as_of, settings, ambassador_ids, loaded, met=True)


def behind_streaks(
    session: Session,
    *,
    as_of: dt.date,
    settings: ProgrammeSettings,
    ambassador_ids: Sequence[int] | None = None,
    loaded: Loaded | None = None,
) -> dict[int, int]:
    """Ambassador id → due finished periods in a row in which at least one goal was missed
    (for "behind 3 periods in a row"); periods are judged exactly as in `met_streaks`."""
    return _streaks(session, as_of, settings, ambassador_ids, loaded, met=False)


def streak_days(as_of: dt.date, settings: ProgrammeSettings) -> tuple[dt.date, dt.date]:
    """The days whose goals and rests the streaks as of `as_of` read."""
    return Calendar.as_of(as_of, settings.week_start).days


# --- periods as bits -----------------------------------------------------------------------


@dataclass(frozen=True)
class Track:
    """The finished periods a streak may cover, newest first: bit k stands for periods[k]."""

    per: str
    periods: list[Period]

    @property
    def newest(self) -> int:
        """The day number (weeks) or month number (months) the bits count back from."""
        if self.per == WEEK:
            return self.periods[0].end.toordinal()
        return _month_number(self.periods[0].start)

    def bits(self, first: dt.date, last: dt.date | None) -> int:
        """The bits of the periods that share a day with first..last (no `last`: open)."""
        return _span_bits(self.per == WEEK, self.newest, first, last)

    def resting(self, rests: Rests) -> int:
        """The bits of the rest periods (mostly spent resting) among these periods."""
        bits = 0
        for starts_on, ends_on in rests:
            bits |= self.bits(starts_on, ends_on)
        found = 0
        for k in _set_bits(bits):
            if mostly_resting(self.periods[k], rests):
                found |= 1 << k
        return found


def _month_number(day: dt.date) -> int:
    return day.year * 12 + day.month


def _span_bits(weekly: bool, newest: int, first: dt.date, last: dt.date | None) -> int:
    """The bits, counted back from `newest` (see Track.newest), of the periods that share a
    day with first..last."""
    if weekly:
        high = (newest - first.toordinal()) // 7
        low = 0 if last is None else (newest - last.toordinal()) // 7
    else:
        high = newest - _month_number(first)
        low = 0 if last is None else newest - _month_number(last)
    high = min(high, STREAK_LOOKBACK - 1)
    low = max(low, 0)
    if low > high:
        return 0
    return (1 << (high + 1)) - (1 << low)


def _set_bits(bits: int) -> Iterable[int]:
    while bits:
        low = bits & -bits
        yield low.bit_length() - 1
        bits ^= low


@dataclass(frozen=True)
class Calendar:
    """The weeks and months a streak as of one day can cover, and which week each month ends
    in (a monthly goal of someone judged week by week counts in that week)."""

    weeks: Track
    months: Track
    month_weeks: dict[int, int]
    """Month bit → week bit, for each month that ends within the weeks."""
    ending: int
    """The bits of those months."""
    spans: dict[tuple[bool, dt.date, dt.date | None], int] = field(
        default_factory=dict, compare=False
    )
    """Bits already worked out by `bits` (many goals and people share their dates)."""

    @classmethod
    def as_of(cls, day: dt.date, week_start: int) -> Calendar:
        """The 52 weeks and 52 months before the ones holding `day`."""
        last_week = previous_period(period_of(day, WEEK, week_start), WEEK, week_start)
        last_month = previous_period(period_of(day, MONTH), MONTH)
        weeks = Track(WEEK, periods_back(last_week.start, WEEK, STREAK_LOOKBACK, week_start)[::-1])
        months = Track(MONTH, periods_back(last_month.start, MONTH, STREAK_LOOKBACK)[::-1])
        pairs = {}
        for j, month in enumerate(months.periods):
            k = (weeks.newest - month.end.toordinal()) // 7
            if 0 <= k < STREAK_LOOKBACK:
                pairs[j] = k
        return cls(weeks, months, pairs, sum(1 << j for j in pairs))

    @property
    def days(self) -> tuple[dt.date, dt.date]:
        """The first and last day a streak's goals can be in force (goals are read for these
        days, and whether someone is judged by the month depends on them)."""
        return (
            self.months.periods[-1].start,
            max(self.weeks.periods[0].end, self.months.periods[0].end),
        )

    def bits(self, weekly: bool, first: dt.date, last: dt.date | None) -> int:
        """The bits of the weeks (`weekly`) or months that share a day with first..last."""
        key = (weekly, first, last)
        found = self.spans.get(key)
        if found is None:
            track = self.weeks if weekly else self.months
            found = self.spans[key] = track.bits(first, last)
        return found

    def months_to_weeks(self, month_bits: int) -> int:
        """Month bits moved to the bits of the weeks those months end in."""
        bits = 0
        mapped = month_bits & self.ending
        while mapped:
            low = mapped & -mapped
            bits |= 1 << self.month_weeks[low.bit_length() - 1]
            mapped ^= low
        return bits

    def weeks_to_months(self, week_bits: int) -> int:
        """The bits of the months that end in the weeks of `week_bits`."""
        return sum(1 << j for j, k in self.month_weeks.items() if week_bits >> k & 1)


# --- one ambassador ------------------------------------------------------------------------


@dataclass
class _Goal:
    """One goal on its owner's track: the bits where it is due (in force, ambassador serving,
    not a rest period) and, as passes read the log, the bits where it was met."""

    id: int
    per: GoalPer
    due: int
    met: int = 0


@dataclass
class _Person:
    """One ambassador's due goals on their track, and their streak once it is settled."""

    goals: list[_Goal]
    due: int
    streak: int | None = None

    def settle(self, known: int, *, met: bool) -> None:
        """Settle the streak if the bits below `known` decide it: a period of the other outcome
        ends it, and nothing due further back leaves it as it is."""
        missed = 0
        for goal in self.goals:
            missed |= goal.due & ~goal.met
        stop = self.due & (missed if met else ~missed) & ((1 << known) - 1)
        if stop:
            self.streak = (self.due & ((stop & -stop) - 1)).bit_count()
        elif not self.due >> known:
            self.streak = self.due.bit_count()


def _person(
    who: Who, goals: list[GoalSpan], rests: Rests, calendar: Calendar, *, weekly: bool
) -> _Person:
    """An ambassador's goals with their due bits on the weeks (`weekly`) or the months."""
    due_months = calendar.bits(False, who.started_on, who.retired_on)
    if rests and due_months:
        due_months &= ~calendar.months.resting(rests)
    due_weeks = 0
    if weekly:
        due_weeks = calendar.bits(True, who.started_on, who.retired_on)
        if rests and due_weeks:
            due_weeks &= ~calendar.weeks.resting(rests)
    judged = []
    due_all = 0
    for goal in goals:
        if goal.per == GoalPer.WEEK:
            due = calendar.bits(True, goal.starts_on, goal.ends_on) & due_weeks
        else:
            due = calendar.bits(False, goal.starts_on, goal.ends_on) & due_months
            if weekly and due:
                due = calendar.months_to_weeks(due)
        if due:
            judged.append(_Goal(goal.id, goal.per, due))
            due_all |= due
    return _Person(judged, due_all)


# --- all of them ---------------------------------------------------------------------------


def _streaks(
    session: Session,
    as_of: dt.date,
    settings: ProgrammeSettings,
    ambassador_ids: Sequence[int] | None,
    loaded: Loaded | None,
    *,
    met: bool,
) -> dict[int, int]:
    calendar = Calendar.as_of(as_of, settings.week_start)
    oldest, newest = calendar.days
    if loaded is None or not loaded.covers(oldest, newest, as_of):
        where = non_alumni() if ambassador_ids is None else id_in(Ambassador.id, ambassador_ids)
        loaded = load_programme(
            session, load_who(session, where), first=oldest, last=newest, as_of=as_of
        )
    elif ambassador_ids is not None and set(ambassador_ids) != set(loaded.who):
        loaded = loaded.only(ambassador_ids)
    result = dict.fromkeys(loaded.who, 0)
    result.update(dict.fromkeys(ambassador_ids or [], 0))
    spans: dict[int, list[GoalSpan]] = {}
    for goal in loaded.goals_between(oldest, newest):
        spans.setdefault(goal.ambassador_id, []).append(goal)
    weekly: dict[int, _Person] = {}
    monthly: dict[int, _Person] = {}
    for ambassador_id, owned in spans.items():
        by_week = any(goal.per == GoalPer.WEEK for goal in owned)
        person = _person(
            loaded.who[ambassador_id],
            owned,
            loaded.rests.get(ambassador_id, []),
            calendar,
            weekly=by_week,
        )
        (weekly if by_week else monthly)[ambassador_id] = person
    _run(session, weekly, calendar, weekly=True, met=met)
    _run(session, monthly, calendar, weekly=False, met=met)
    for ambassador_id, person in (*weekly.items(), *monthly.items()):
        result[ambassador_id] = person.streak or 0
    return result


def _run(
    session: Session,
    people: dict[int, _Person],
    calendar: Calendar,
    *,
    weekly: bool,
    met: bool,
) -> None:
    """Read the log a pass at a time for the people whose streak is not settled yet."""
    pending = list(people.values())
    known = 0
    for size in (0, *STREAK_PASSES):
        chunk = ((1 << size) - 1) << known
        known += size
        if chunk:
            _read_pass(session, pending, calendar, chunk, weekly=weekly)
        for person in pending:
            person.settle(known, met=met)
        pending = [person for person in pending if person.streak is None]
        if not pending:
            return


def _read_pass(
    session: Session,
    people: list[_Person],
    calendar: Calendar,
    chunk: int,
    *,
    weekly: bool,
) -> None:
    """Mark where each goal due in the `chunk` bits was met."""
    wanted = {goal.id: goal for person in people for goal in person.goals if goal.due & chunk}
    weekly_goals = [goal_id for goal_id, goal in wanted.items() if goal.per == GoalPer.WEEK]
    monthly_goals = [goal_id for goal_id, goal in wanted.items() if goal.per != GoalPer.WEEK]
    if weekly_goals:
        track = calendar.weeks
        for goal_id, bits in met_masks(session, weekly_goals, track, _days(track, chunk)).items():
            wanted[goal_id].met |= bits & chunk
    month_chunk = calendar.weeks_to_months(chunk) if weekly else chunk
    if monthly_goals and month_chunk:
        track = calendar.months
        for goal_id, bits in met_masks(
            session, monthly_goals, track, _days(track, month_chunk)
        ).items():
            found = bits & month_chunk
            wanted[goal_id].met |= calendar.months_to_weeks(found) if weekly else found


def _days(track: Track, bits: int) -> Period:
    """The days from the oldest to the newest period of `bits` (contiguous bits)."""
    newest = (bits & -bits).bit_length() - 1
    oldest = min(bits.bit_length() - 1, len(track.periods) - 1)
    return Period(track.periods[oldest].start, track.periods[newest].end)


# --- the log -------------------------------------------------------------------------------


def met_masks(
    session: Session, goal_ids: Sequence[int], track: Track, days: Period
) -> dict[int, int]:
    """Goal id → the bits of `track` whose period, within `days`, the goal's target was reached
    in (summing the progress logged for its metric over the whole period).

    One statement: each goal reads its own metric's range of ix_goal_progress_ambassador
    (clipped to the periods it was in force), the rows are summed per goal and period, and
    the periods that reached the target come back as one integer of bits per goal.
    """
    day = col(GoalProgress.day)
    bit: ColumnElement[int]
    if track.per == WEEK:
        newest_end = track.periods[0].end.isoformat()
        bit = cast((func.julianday(newest_end) - func.julianday(day)) / 7, Integer)
        first = func.date(col(Goal.starts_on), "-6 days")
        last = func.date(col(Goal.ends_on), "+6 days")
    else:
        newest = track.periods[0].start
        month_number = cast(func.substr(day, 1, 4), Integer) * 12 + cast(
            func.substr(day, 6, 2), Integer
        )
        bit = literal(newest.year * 12 + newest.month) - month_number
        first = func.date(col(Goal.starts_on), "start of month")
        last = func.date(col(Goal.ends_on), "start of month", "+1 month", "-1 day")
    start, end = days.start.isoformat(), days.end.isoformat()
    periods = (
        sa_select(col(Goal.id).label("goal_id"), bit.label("bit"))
        .select_from(Goal)
        .join(
            GoalProgress,
            and_(
                col(GoalProgress.ambassador_id) == col(Goal.ambassador_id),
                col(GoalProgress.metric_key) == col(Goal.metric_key),
                day >= func.max(start, first),
                day <= func.min(end, func.coalesce(last, end)),
            ),
        )
        .where(id_in(Goal.id, goal_ids))
        .group_by(col(Goal.id), bit)
        .having(func.sum(col(GoalProgress.count)) >= col(Goal.target))
        .subquery("met_periods")
    )
    rows = plain_rows(
        session,
        sa_select(periods.c.goal_id, func.sum(literal(1).op("<<")(periods.c.bit))).group_by(
            periods.c.goal_id
        ),
    )
    return {goal_id: int(bits) for goal_id, bits in rows}
