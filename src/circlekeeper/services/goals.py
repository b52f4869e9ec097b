"""Ambassador goals: set and end weekly or monthly targets, log progress, and judge periods.

Every judgement sums goal_progress in SQL with one GROUP BY over a small table of periods, so a
programme of thousands of ambassadors is judged in a handful of queries. Periods follow the
facilitator's timezone and week start (ProgrammeSettings), never UTC. Streaks live in
goals_streaks and what judging reads in goals_data; both are re-exported here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Date, Integer, and_, column, func, literal_column, values
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from circlekeeper import clock
from circlekeeper.algorithms.goal_periods import (
    MONTH,
    WEEK,
    Period,
    period_of,
    periods_back,
    previous_period,
)
from circlekeeper.db import Database
from circlekeeper.models import (
    Ambassador,
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
from circlekeeper.services.actor import current_actor
from circlekeeper.services.errors import Conflict, InvalidInput, NotFound
from circlekeeper.services.goals_data import (  # GoalSpan, Rests, Who: re-exported
    FEW_IDS,
    GoalSpan,
    Loaded,
    Rests,
    Who,
    id_in,
    load_goals,
    load_programme,
    load_rests,
    load_who,
    mostly_resting,
    non_alumni,
    plain_rows,
)
from circlekeeper.services.goals_streaks import (  # re-exported: callers use goals.*_streaks
    STREAK_LOOKBACK,
    STREAK_PASSES,
    behind_streaks,
    met_streaks,
    streak_days,
)
from circlekeeper.services.lookup import find_ambassador
from circlekeeper.services.programme_settings import ProgrammeSettings, programme_settings
from circlekeeper.text import clean_text, identity_key, quoted

NOTE_MAX = 500
HISTORY_LIMIT = 50

__all__ = [
    "STREAK_LOOKBACK",
    "STREAK_PASSES",
    "GoalSpan",
    "Judged",
    "Loaded",
    "Rests",
    "Who",
    "behind_streaks",
    "clean_metric",
    "current_days",
    "current_goal",
    "current_goal_statuses",
    "end_current_goals",
    "end_goal",
    "end_goal_row",
    "goal_read",
    "goal_status",
    "judge",
    "judge_spans",
    "load_goals",
    "load_rests",
    "load_who",
    "log_progress",
    "met_streaks",
    "past_statuses",
    "progress_history",
    "progress_read",
    "progress_sums",
    "set_goal",
    "statuses_for",
    "statuses_of",
    "streak_days",
]


# --- judging periods -----------------------------------------------------------------------


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
    judged = []
    for goal in wanted:
        person = who[goal.ambassador_id]
        own_rests = rests.get(goal.ambassador_id)
        for period in periods.get(goal.per, []):
            if not goal.in_force(period):
                continue
            due = person.serving(period) and not (own_rests and mostly_resting(period, own_rests))
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
    ordered = sorted(who.values(), key=lambda person: (person.name_key, person.id))
    rank = {person.id: place for place, person in enumerate(ordered)}
    judged.sort(key=lambda item: (item.goal.metric_key, item.period.start))
    judged.sort(key=lambda item: rank[item.goal.ambassador_id])
    return [
        GoalStatus(
            ambassador_id=item.goal.ambassador_id,
            member_name=who[item.goal.ambassador_id].member_name,
            metric=item.goal.metric,
            target=item.goal.target,
            per=GoalPer(item.goal.per),
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
    rows = plain_rows(
        session,
        sa_select(
            col(GoalProgress.ambassador_id),
            col(GoalProgress.metric_key),
            table.c.idx,
            func.sum(col(GoalProgress.count)),
        )
        .join(table, and_(day >= table.c.period_start, day <= table.c.period_end))
        .where(_progress_of(ambassador_ids))
        .group_by(col(GoalProgress.ambassador_id), col(GoalProgress.metric_key), table.c.idx),
    )
    return {
        (ambassador_id, metric_key, distinct[index].start, distinct[index].end): int(total)
        for ambassador_id, metric_key, index, total in rows
    }


def _progress_of(ambassador_ids: Sequence[int]) -> ColumnElement[bool]:
    """Progress rows of these ambassadors. For a few, SQLite seeks each one's rows; for many,
    `ambassador_id + 0` keeps it from driving the query from the id list (it cannot tell how
    long a JSON array is), so that each period stays one range of the covering index by day."""
    ids = list(ambassador_ids)
    if len(ids) <= FEW_IDS:
        return id_in(GoalProgress.ambassador_id, ids)
    return id_in(col(GoalProgress.ambassador_id) + literal_column("0"), ids)


def statuses_for(
    session: Session,
    where: ColumnElement[bool],
    *,
    day: dt.date,
    settings: ProgrammeSettings,
) -> list[GoalStatus]:
    """Goals of the ambassadors matching `where` judged over the week and month holding `day`."""
    first, last = current_days(day, settings)
    who = load_who(session, where)
    if not who:
        return []
    loaded = load_programme(session, who, first=first, last=last, as_of=day)
    return statuses_of(session, loaded, day=day, settings=settings)


def current_days(day: dt.date, settings: ProgrammeSettings) -> tuple[dt.date, dt.date]:
    """The first and last day of the week and the month holding `day`."""
    week = period_of(day, WEEK, settings.week_start)
    month = period_of(day, MONTH)
    return min(week.start, month.start), max(week.end, month.end)


def statuses_of(
    session: Session, loaded: Loaded, *, day: dt.date, settings: ProgrammeSettings
) -> list[GoalStatus]:
    """`statuses_for` the ambassadors in `loaded` (which must cover `current_days`)."""
    week = period_of(day, WEEK, settings.week_start)
    month = period_of(day, MONTH)
    first, last = current_days(day, settings)
    if not loaded.covers(first, last, day):
        raise ValueError(f"goals read for {loaded.first}..{loaded.last}, not {first}..{last}")
    return judge(
        session,
        who=loaded.who,
        goals=loaded.goals_between(first, last),
        periods={GoalPer.WEEK: [week], GoalPer.MONTH: [month]},
        rests=loaded.rests,
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
        where = non_alumni()
        if ref is not None:
            where = col(Ambassador.id) == find_ambassador(session, ref).id
        return statuses_for(session, where, day=when, settings=settings)


def current_goal_statuses(
    session: Session,
    *,
    ambassador_ids: Sequence[int],
    today: dt.date,
    settings: ProgrammeSettings,
    loaded: Loaded | None = None,
) -> dict[int, list[GoalStatus]]:
    """Ambassador id → their goals judged over the periods holding `today` (every id asked for
    is present, with [] when they have no goal); a handful of queries for all ids, none for
    goals and rests when `loaded` (read by the caller for these ambassadors) has them."""
    result: dict[int, list[GoalStatus]] = {ambassador_id: [] for ambassador_id in ambassador_ids}
    if not ambassador_ids:
        return result
    first, last = current_days(today, settings)
    if loaded is None or not loaded.covers(first, last, today):
        found = statuses_for(
            session, id_in(Ambassador.id, ambassador_ids), day=today, settings=settings
        )
    else:
        if set(loaded.who) != set(ambassador_ids):
            loaded = loaded.only(ambassador_ids)
        found = statuses_of(session, loaded, day=today, settings=settings)
    for status in found:
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
                    f"{member_name} already has a goal for {quoted(current.metric)}; a change "
                    "starts "
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
                f"{_member_name(session, ambassador)} has no current goal for {quoted(name)} — "
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
