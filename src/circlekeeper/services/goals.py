"""Ambassador goals: set and end weekly or monthly targets, log progress, and judge periods.

Every judgement sums goal_progress in SQL with one GROUP BY over a small table of periods, so a
programme of thousands of ambassadors is judged in a handful of queries. Periods follow the
facilitator's timezone and week start (ProgrammeSettings), never UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Date, Integer, and_, column, func, or_, values
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from circlekeeper import clock
from circlekeeper.algorithms.goal_periods import (
    MONTH,
    WEEK,
    Period,
    is_rest_period,
    period_of,
    periods_back,
    previous_period,
)
from circlekeeper.db import Database
from circlekeeper.models import (
    Ambassador,
    AmbassadorRest,
    AmbassadorStatus,
    Goal,
    GoalPer,
    GoalProgress,
    GoalRead,
    GoalStatus,
    Member,
    ProgressRead,
)
from circlekeeper.models.ambassador import COUNT_MAX, METRIC_MAX, TARGET_MAX
from circlekeeper.services.errors import Conflict, InvalidInput, NotFound
from circlekeeper.services.lookup import find_ambassador
from circlekeeper.services.programme_settings import ProgrammeSettings, programme_settings
from circlekeeper.services.roles import current_actor
from circlekeeper.text import clean_text, identity_key

STREAK_LOOKBACK = 52
"""Streaks look back at most this many periods (a year of weeks)."""
STREAK_PASSES = (8, 16, 28)
"""Periods judged per pass, newest first (52 in all): most streaks are settled by the first
pass, so a large programme reads eight weeks of progress, not a year."""
NOTE_MAX = 500
HISTORY_LIMIT = 50

Rests = list[tuple[dt.date, dt.date]]


# --- streaks -------------------------------------------------------------------------------


def met_streaks(
    session: Session,
    *,
    as_of: dt.date,
    settings: ProgrammeSettings,
    ambassador_ids: Sequence[int] | None = None,
) -> dict[int, int]:
    """Ambassador id → due periods in a row, ending with the last finished one, in which every
    goal judged was met (for "met goals 4 weeks running").

    The rule, shared with `behind_streaks`:
    - Only finished periods count: the streak ends with the period just before the one holding
      `as_of`, and looks back at most 52 periods.
    - An ambassador whose goals in that window are all monthly is judged month by month.
      Anyone else is judged week by week (weeks start on settings.week_start): a week judges
      the weekly goals in force in it, plus each monthly goal whose calendar month ends in that
      week (judged over the whole month).
    - A goal is judged over one of its own periods only when it is due there: the goal was in
      force (started on or before the period's end, not ended before its start), the
      ambassador was serving, and the period was not a rest period (rests cover at least half
      its days, see algorithms.goal_periods.is_rest_period; a current "resting until" status
      counts as a rest from `as_of`).
    - A period with nothing due (a rest week, a week before any goal) is skipped: it neither
      breaks nor extends a streak.
    `ambassador_ids` None means every ambassador who is not alumni; every id asked for is in
    the answer (0 when there is no streak).
    """
    return {
        ambassador_id: _leading(outcomes, True)
        for ambassador_id, outcomes in _streak_outcomes(
            session, as_of=as_of, settings=settings, ambassador_ids=ambassador_ids
        ).items()
    }


def behind_streaks(
    session: Session,
    *,
    as_of: dt.date,
    settings: ProgrammeSettings,
    ambassador_ids: Sequence[int] | None = None,
) -> dict[int, int]:
    """Ambassador id → due finished periods in a row in which at least one goal was missed
    (for "behind 3 periods in a row"); periods are judged exactly as in `met_streaks`."""
    return {
        ambassador_id: _leading(outcomes, False)
        for ambassador_id, outcomes in _streak_outcomes(
            session, as_of=as_of, settings=settings, ambassador_ids=ambassador_ids
        ).items()
    }


def _leading(outcomes: list[bool], wanted: bool) -> int:
    count = 0
    for outcome in outcomes:
        if outcome is not wanted:
            break
        count += 1
    return count


def _streak_outcomes(
    session: Session,
    *,
    as_of: dt.date,
    settings: ProgrammeSettings,
    ambassador_ids: Sequence[int] | None,
) -> dict[int, list[bool]]:
    """For each ambassador, newest first: whether each due finished period was fully met, up
    to and including the first period whose outcome differs from the latest one (all that a
    leading run needs)."""
    where = (
        col(Ambassador.status) != AmbassadorStatus.ALUMNI.value
        if ambassador_ids is None
        else col(Ambassador.id).in_(list(ambassador_ids))
    )
    who = load_who(session, where)
    result: dict[int, list[bool]] = {ambassador_id: [] for ambassador_id in who}
    if ambassador_ids is not None:
        result.update({ambassador_id: [] for ambassador_id in ambassador_ids})
    if not who:
        return result
    ws = settings.week_start
    last_week = previous_period(period_of(as_of, WEEK, ws), WEEK, ws)
    last_month = previous_period(period_of(as_of, MONTH), MONTH)
    weeks = periods_back(last_week.start, WEEK, STREAK_LOOKBACK, ws)[::-1]
    months = periods_back(last_month.start, MONTH, STREAK_LOOKBACK)[::-1]
    spans: dict[int, list[GoalSpan]] = {}
    for goal in load_goals(
        session, where, first=months[-1].start, last=max(last_week.end, last_month.end)
    ):
        spans.setdefault(goal.ambassador_id, []).append(goal)
    monthly_only = {
        ambassador_id
        for ambassador_id, owned in spans.items()
        if all(goal.per == GoalPer.MONTH for goal in owned)
    }
    context = _StreakContext(
        session=session,
        who=who,
        spans=spans,
        rests=load_rests(session, where, who, first=months[-1].start, as_of=as_of),
        week_start=ws,
        outcomes=result,
    )
    context.run(set(spans) - monthly_only, weeks, weekly=True)
    context.run(monthly_only, months, weekly=False)
    return result


@dataclass
class _StreakContext:
    """What one streak computation has loaded, and the outcomes it is collecting."""

    session: Session
    who: dict[int, Who]
    spans: dict[int, list[GoalSpan]]
    rests: dict[int, Rests]
    week_start: int
    outcomes: dict[int, list[bool]]

    def run(self, group: set[int], periods: list[Period], *, weekly: bool) -> None:
        """Judge `periods` (newest first) for `group`, a pass at a time, until every
        ambassador's latest run has ended or nothing earlier can be due."""
        pending = set(group)
        offset = 0
        for size in STREAK_PASSES:
            chunk = periods[offset : offset + size]
            offset += size
            if not pending or not chunk:
                return
            wanted: dict[GoalPer, list[Period]] = {GoalPer.MONTH: chunk}
            if weekly:
                wanted = {GoalPer.WEEK: chunk, GoalPer.MONTH: self._months_ending_in(chunk)}
            met: dict[int, dict[Period, bool]] = {}
            for judged in judge_spans(
                self.session,
                who={ambassador_id: self.who[ambassador_id] for ambassador_id in pending},
                goals=[goal for ambassador_id in pending for goal in self.spans[ambassador_id]],
                periods=wanted,
                rests=self.rests,
            ):
                if not judged.due:
                    continue
                key = judged.period
                if weekly and judged.goal.per == GoalPer.MONTH:
                    key = period_of(judged.period.end, WEEK, self.week_start)
                owned = met.setdefault(judged.goal.ambassador_id, {})
                owned[key] = owned.get(key, True) and judged.met
            for ambassador_id in list(pending):
                outcomes = self.outcomes[ambassador_id]
                found = met.get(ambassador_id, {})
                for period in chunk:
                    if period in found:
                        outcomes.append(found[period])
                        if outcomes[-1] != outcomes[0]:
                            break
                first_start = min(goal.starts_on for goal in self.spans[ambassador_id])
                if (outcomes and outcomes[-1] != outcomes[0]) or first_start >= chunk[-1].start:
                    pending.discard(ambassador_id)

    def _months_ending_in(self, weeks: list[Period]) -> list[Period]:
        months = []
        for week in weeks:
            month = period_of(week.start, MONTH)
            if month.end <= week.end:
                months.append(month)
        return months


# --- judging periods -----------------------------------------------------------------------


@dataclass(frozen=True)
class Who:
    """What judging needs to know about one ambassador."""

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


@dataclass(frozen=True)
class GoalSpan:
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


def load_who(session: Session, where: ColumnElement[bool]) -> dict[int, Who]:
    """The ambassadors matching `where` (over Ambassador and Member), in member-name order.

    Sorted here, not in SQL: an ORDER BY on the member's name made SQLite walk the whole
    member-name index (100,000 members) to find a few thousand ambassadors."""
    rows = session.exec(
        select(  # type: ignore[call-overload]
            Ambassador.id,
            Member.name,
            Member.name_key,
            Ambassador.status,
            Ambassador.resting_until,
            Ambassador.started_on,
            Ambassador.retired_on,
            Member.id,
        )
        .select_from(Ambassador)
        .join(Member, col(Member.id) == col(Ambassador.member_id))
        .where(where)
    ).all()
    ordered = sorted(rows, key=lambda row: (row[2], row[7]))
    return {row[0]: Who(*row[:7]) for row in ordered}


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
    rows = session.exec(
        select(  # type: ignore[call-overload]
            Goal.id,
            Goal.ambassador_id,
            Goal.metric,
            Goal.metric_key,
            Goal.target,
            Goal.per,
            Goal.starts_on,
            Goal.ends_on,
        )
        .where(
            col(Goal.ambassador_id).in_(_ids_of(where)),
            col(Goal.starts_on) <= last,
            or_(col(Goal.ends_on).is_(None), col(Goal.ends_on) >= first),
        )
        .order_by(col(Goal.ambassador_id), col(Goal.metric_key), col(Goal.starts_on))
    ).all()
    return [
        GoalSpan(row[0], row[1], row[2], row[3], row[4], GoalPer(row[5]), row[6], row[7])
        for row in rows
    ]


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
    rows = session.exec(
        select(  # type: ignore[call-overload]
            AmbassadorRest.ambassador_id, AmbassadorRest.starts_on, AmbassadorRest.ends_on
        ).where(
            col(AmbassadorRest.ambassador_id).in_(_ids_of(where)),
            col(AmbassadorRest.ends_on) >= first,
        )
    ).all()
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


@dataclass(frozen=True, slots=True)
class Judged:
    """One goal over one of its periods: what was done and whether it was due."""

    goal: GoalSpan
    period: Period
    done: int
    due: bool

    @property
    def met(self) -> bool:
        """Whether the target was reached (due or not)."""
        return self.done >= self.goal.target


def judge_spans(
    session: Session,
    *,
    who: dict[int, Who],
    goals: Iterable[GoalSpan],
    periods: dict[GoalPer, list[Period]],
    rests: dict[int, Rests],
) -> list[Judged]:
    """Every goal judged over each of its own periods (from `periods`) in which it was in
    force, with progress summed in one GROUP BY."""
    wanted = [goal for goal in goals if goal.ambassador_id in who]
    sums = progress_sums(
        session,
        ambassador_ids=sorted({goal.ambassador_id for goal in wanted}),
        periods=[period for group in periods.values() for period in group],
    )
    due_cache: dict[tuple[int, dt.date, dt.date], bool] = {}
    judged = []
    for goal in wanted:
        person = who[goal.ambassador_id]
        for period in periods.get(goal.per, []):
            if not goal.in_force(period):
                continue
            key = (goal.ambassador_id, period.start, period.end)
            due = due_cache.get(key)
            if due is None:
                due = person.serving(period) and not is_rest_period(
                    period, rests.get(goal.ambassador_id, [])
                )
                due_cache[key] = due
            done = sums.get((goal.ambassador_id, goal.metric_key, period.start, period.end), 0)
            judged.append(Judged(goal, period, done, due))
    return judged


def judge(
    session: Session,
    *,
    who: dict[int, Who],
    goals: Iterable[GoalSpan],
    periods: dict[GoalPer, list[Period]],
    rests: dict[int, Rests],
) -> list[GoalStatus]:
    """`judge_spans` as read models, in member, metric, then period order."""
    judged = judge_spans(session, who=who, goals=goals, periods=periods, rests=rests)
    judged.sort(
        key=lambda item: (
            who[item.goal.ambassador_id].name_key,
            item.goal.ambassador_id,
            item.goal.metric_key,
            item.period.start,
        )
    )
    return [
        GoalStatus(
            ambassador_id=item.goal.ambassador_id,
            member_name=who[item.goal.ambassador_id].member_name,
            metric=item.goal.metric,
            target=item.goal.target,
            per=item.goal.per,
            period_start=item.period.start,
            period_end=item.period.end,
            done=item.done,
            due=item.due,
            met=item.met,
        )
        for item in judged
    ]


def progress_sums(
    session: Session, *, ambassador_ids: Sequence[int], periods: Sequence[Period]
) -> dict[tuple[int, str, dt.date, dt.date], int]:
    """(ambassador, metric key, period start, period end) → progress logged, summed in SQL
    over a VALUES table of the periods (one GROUP BY however many ambassadors and periods).

    The day is bounded only by each period's own ends: an overall bound as well made SQLite
    scan the whole window once per period. Each period is one range of the covering index
    goal_progress(day, ambassador_id, metric_key, count), so no ambassador's older history and
    no progress row is read.
    """
    distinct = sorted(set(periods))
    if not distinct or not ambassador_ids:
        return {}
    table = (
        values(
            column("idx", Integer),
            column("period_start", Date),
            column("period_end", Date),
            name="periods",
        )
        .data([(index, period.start, period.end) for index, period in enumerate(distinct)])
        .cte("periods")
    )
    day = col(GoalProgress.day)
    rows = session.execute(
        sa_select(
            col(GoalProgress.ambassador_id),
            col(GoalProgress.metric_key),
            table.c.idx,
            func.sum(col(GoalProgress.count)),
        )
        .join(table, and_(day >= table.c.period_start, day <= table.c.period_end))
        .where(col(GoalProgress.ambassador_id).in_(list(ambassador_ids)))
        .group_by(col(GoalProgress.ambassador_id), col(GoalProgress.metric_key), table.c.idx)
    ).all()
    return {
        (ambassador_id, metric_key, distinct[index].start, distinct[index].end): int(total)
        for ambassador_id, metric_key, index, total in rows
    }


def statuses_for(
    session: Session,
    where: ColumnElement[bool],
    *,
    day: dt.date,
    settings: ProgrammeSettings,
) -> list[GoalStatus]:
    """Goals of the ambassadors matching `where` judged over the week and month holding `day`."""
    week = period_of(day, WEEK, settings.week_start)
    month = period_of(day, MONTH)
    who = load_who(session, where)
    if not who:
        return []
    first = min(week.start, month.start)
    return judge(
        session,
        who=who,
        goals=load_goals(session, where, first=first, last=max(week.end, month.end)),
        periods={GoalPer.WEEK: [week], GoalPer.MONTH: [month]},
        rests=load_rests(session, where, who, first=first, as_of=day),
    )


def past_statuses(
    session: Session,
    *,
    ambassador_id: int,
    as_of: dt.date,
    settings: ProgrammeSettings,
    count: int = 8,
) -> list[GoalStatus]:
    """One ambassador's goals over the last `count` finished periods (weeks for weekly goals,
    months for monthly ones), newest period first."""
    ws = settings.week_start
    weeks = periods_back(
        previous_period(period_of(as_of, WEEK, ws), WEEK, ws).start, WEEK, count, ws
    )
    months = periods_back(previous_period(period_of(as_of, MONTH), MONTH).start, MONTH, count)
    where = col(Ambassador.id) == ambassador_id
    who = load_who(session, where)
    statuses = judge(
        session,
        who=who,
        goals=load_goals(session, where, first=months[0].start, last=weeks[-1].end),
        periods={GoalPer.WEEK: weeks, GoalPer.MONTH: months},
        rests=load_rests(session, where, who, first=months[0].start, as_of=as_of),
    )
    return sorted(statuses, key=lambda status: status.period_start, reverse=True)


def goal_status(
    db: Database,
    *,
    day: dt.date | None = None,
    ref: str | int | None = None,
    settings: ProgrammeSettings | None = None,
) -> list[GoalStatus]:
    """Every current goal of active and resting ambassadors (or of one, `ref`) judged over its
    period holding `day` (default: today where the facilitator is), by member name then metric.

    `due` is False for a rest period or when the ambassador was not serving; `met` says only
    whether the target was reached, due or not.
    """
    settings = settings or programme_settings()
    when = day or settings.today()
    with db.read() as session:
        where: ColumnElement[bool] = col(Ambassador.status) != AmbassadorStatus.ALUMNI.value
        if ref is not None:
            where = col(Ambassador.id) == find_ambassador(session, ref).id
        return statuses_for(session, where, day=when, settings=settings)


def current_goal_statuses(
    session: Session,
    *,
    ambassador_ids: Sequence[int],
    today: dt.date,
    settings: ProgrammeSettings,
) -> dict[int, list[GoalStatus]]:
    """Ambassador id → their goals judged over the periods holding `today` (every id asked for
    is present, with [] when they have no goal); a handful of queries for all ids."""
    result: dict[int, list[GoalStatus]] = {ambassador_id: [] for ambassador_id in ambassador_ids}
    if not ambassador_ids:
        return result
    where = col(Ambassador.id).in_(list(ambassador_ids))
    for status in statuses_for(session, where, day=today, settings=settings):
        result.setdefault(status.ambassador_id, []).append(status)
    return result


# --- setting goals and logging progress ----------------------------------------------------


def clean_metric(metric: str) -> tuple[str, str]:
    """The metric as shown (cleaned) and its comparison key; refuses empty or over-long text."""
    text = clean_text(metric or "")
    if not text or len(text) > METRIC_MAX:
        raise InvalidInput(f"metric: give 1 to {METRIC_MAX} characters, e.g. 'welcome new members'")
    return text, identity_key(text)


def set_goal(
    db: Database,
    *,
    ref: str | int,
    metric: str,
    target: int,
    per: GoalPer = GoalPer.WEEK,
    settings: ProgrammeSettings | None = None,
    starts_on: dt.date | None = None,
) -> GoalRead:
    """Give an ambassador a target for a metric per week or month, starting this period.

    A different target (or period) for a metric that already has a goal ends the old goal the
    day before this period starts (it is deleted if it only began this period), so earlier
    periods keep being judged by what applied then. Setting the same goal again changes nothing.
    `starts_on` backdates a new goal (to the period holding that day, never before the
    ambassador started) so a programme moved over from a spreadsheet keeps its history.
    """
    settings = settings or programme_settings()
    name, key = clean_metric(metric)
    if isinstance(target, bool) or not isinstance(target, int) or not 1 <= target <= TARGET_MAX:
        raise InvalidInput(f"target: a whole number from 1 to {TARGET_MAX}")
    try:
        per = GoalPer(per)
    except ValueError as exc:
        raise InvalidInput("per: 'week' or 'month'") from exc
    today = settings.today()
    if starts_on is not None and starts_on > today:
        raise InvalidInput(f"--from {starts_on} is in the future; a goal starts this period")
    start = period_of(starts_on or today, per.value, settings.week_start).start
    with db.write() as session:
        ambassador = find_ambassador(session, ref)
        member_name = _member_name(session, ambassador)
        if ambassador.status == AmbassadorStatus.ALUMNI:
            raise Conflict(
                f"{member_name} is alumni — 'ambassador add' makes them active again before "
                "goals are set"
            )
        current = current_goal(session, _id(ambassador.id), key)
        if starts_on is not None:
            if starts_on < ambassador.started_on:
                raise InvalidInput(
                    f"{member_name} became an ambassador on {ambassador.started_on}; "
                    f"a goal cannot start before that ({starts_on})"
                )
            if current is not None:
                raise Conflict(
                    f"{member_name} already has a goal for {current.metric!r}; a change starts "
                    "this period — leave out the start date"
                )
        if current is not None:
            if current.target == target and current.per == per.value:
                return goal_read(current)
            end_goal_row(session, current, boundary=start)
        goal = Goal(
            ambassador_id=_id(ambassador.id),
            metric=name,
            metric_key=key,
            target=target,
            per=per.value,
            starts_on=start,
            created_at=clock.now(),
        )
        session.add(goal)
        session.flush()
        return goal_read(goal)


def end_goal(
    db: Database, *, ref: str | int, metric: str, settings: ProgrammeSettings | None = None
) -> GoalRead:
    """Stop a goal from this period on: it ends the day before the current period starts.

    A goal that began in this period never applied to a finished one and is deleted; the
    answer then shows it ending the day before it started.
    """
    settings = settings or programme_settings()
    name, key = clean_metric(metric)
    with db.write() as session:
        ambassador = find_ambassador(session, ref)
        goal = current_goal(session, _id(ambassador.id), key)
        if goal is None:
            raise NotFound(
                f"{_member_name(session, ambassador)} has no current goal for {name!r} — "
                "'goal status' lists the goals"
            )
        boundary = period_of(settings.today(), goal.per, settings.week_start).start
        return end_goal_row(session, goal, boundary=boundary)


def end_current_goals(
    session: Session, ambassador_id: int, *, today: dt.date, settings: ProgrammeSettings
) -> list[GoalRead]:
    """End every current goal of an ambassador before the period holding `today` (retiring)."""
    goals = session.exec(
        select(Goal).where(col(Goal.ambassador_id) == ambassador_id, col(Goal.ends_on).is_(None))
    ).all()
    return [
        end_goal_row(session, goal, boundary=period_of(today, goal.per, settings.week_start).start)
        for goal in goals
    ]


def end_goal_row(session: Session, goal: Goal, *, boundary: dt.date) -> GoalRead:
    """End `goal` the day before `boundary`, or delete it if it starts on or after it."""
    last = boundary - dt.timedelta(days=1)
    if goal.starts_on >= boundary:
        read = goal_read(goal).model_copy(update={"ends_on": last})
        session.delete(goal)
    else:
        goal.ends_on = last
        session.add(goal)
        read = goal_read(goal)
    session.flush()
    return read


def current_goal(session: Session, ambassador_id: int, metric_key: str) -> Goal | None:
    """The goal in force for this metric (the one without an end), if any."""
    return session.exec(
        select(Goal).where(
            col(Goal.ambassador_id) == ambassador_id,
            col(Goal.metric_key) == metric_key,
            col(Goal.ends_on).is_(None),
        )
    ).first()


def log_progress(
    db: Database,
    *,
    ref: str | int,
    metric: str,
    count: int,
    day: dt.date | None = None,
    note: str = "",
    settings: ProgrammeSettings | None = None,
) -> ProgressRead:
    """Record work an ambassador did on a day (default today where the facilitator is).

    The metric need not have a goal; when it has, the goal's spelling is kept so that the two
    read alike. Days in the future, before they became an ambassador, or after they retired are
    refused.
    """
    settings = settings or programme_settings()
    name, key = clean_metric(metric)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= COUNT_MAX:
        raise InvalidInput(f"count: a whole number from 1 to {COUNT_MAX}")
    text = clean_text(note or "")
    if len(text) > NOTE_MAX:
        raise InvalidInput(f"note: at most {NOTE_MAX} characters (this one has {len(text)})")
    today = settings.today()
    when = today if day is None else day
    if isinstance(when, dt.datetime) or not isinstance(when, dt.date):
        raise InvalidInput("day: a date (YYYY-MM-DD)")
    if when > today:
        raise InvalidInput(f"{when} is in the future — log work once it is done")
    with db.write() as session:
        ambassador = find_ambassador(session, ref)
        member_name = _member_name(session, ambassador)
        if when < ambassador.started_on:
            raise InvalidInput(
                f"{member_name} became an ambassador on {ambassador.started_on}; "
                f"work on {when} cannot count — pick a later date"
            )
        if ambassador.retired_on is not None and when > ambassador.retired_on:
            raise Conflict(
                f"{member_name} is alumni since {ambassador.retired_on} — 'ambassador add' "
                "makes them active again"
            )
        goal = current_goal(session, _id(ambassador.id), key)
        row = GoalProgress(
            ambassador_id=_id(ambassador.id),
            metric=goal.metric if goal is not None else name,
            metric_key=key,
            day=when,
            count=count,
            note=text,
            by=current_actor(),
            created_at=clock.now(),
        )
        session.add(row)
        session.flush()
        return progress_read(row, member_name)


def progress_history(
    session: Session, ambassador_id: int, limit: int = HISTORY_LIMIT
) -> list[ProgressRead]:
    """An ambassador's logged work, newest day first (the latest entry first within a day)."""
    rows = session.exec(
        select(GoalProgress, Member.name)
        .join(Ambassador, col(Ambassador.id) == col(GoalProgress.ambassador_id))
        .join(Member, col(Member.id) == col(Ambassador.member_id))
        .where(col(GoalProgress.ambassador_id) == ambassador_id)
        .order_by(col(GoalProgress.day).desc(), col(GoalProgress.id).desc())
        .limit(limit)
    ).all()
    return [progress_read(row, name) for row, name in rows]


def goal_read(goal: Goal) -> GoalRead:
    """The read model of a goal row."""
    return GoalRead(
        id=_id(goal.id),
        ambassador_id=goal.ambassador_id,
        metric=goal.metric,
        target=goal.target,
        per=GoalPer(goal.per),
        starts_on=goal.starts_on,
        ends_on=goal.ends_on,
    )


def progress_read(row: GoalProgress, member_name: str) -> ProgressRead:
    """The read model of a progress row."""
    return ProgressRead(
        id=_id(row.id),
        ambassador_id=row.ambassador_id,
        member_name=member_name,
        metric=row.metric,
        day=row.day,
        count=row.count,
        note=row.note,
        by=row.by,
        created_at=row.created_at,
    )


def _member_name(session: Session, ambassador: Ambassador) -> str:
    member = session.get(Member, ambassador.member_id)
    assert member is not None
    return member.name


def _id(value: int | None) -> int:
    assert value is not None
    return value
