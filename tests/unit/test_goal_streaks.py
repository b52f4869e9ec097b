"""Streaks as bits (services.goals_streaks) against the rule worked out period by period with
goals.judge_spans: weekly and monthly goals, mixed sets, replaced and ended goals, rests, people
who retired or started late, several week starts and days; and the shared read (`loaded`)
giving the same answers as a read of its own."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
    Goal,
    GoalPer,
    GoalProgress,
    Member,
)
from circlekeeper.services import ambassadors, goals
from circlekeeper.services.goals_data import mostly_resting
from circlekeeper.services.programme_settings import ProgrammeSettings
from circlekeeper.text import sort_key

TODAY = dt.date(2026, 11, 21)


def _reference(
    db: Database, ids: list[int], as_of: dt.date, settings: ProgrammeSettings
) -> tuple[dict[int, int], dict[int, int]]:
    """(met, behind) streaks judged the slow way: every goal over every one of its 52 periods
    with judge_spans, then the periods walked newest first."""
    ws = settings.week_start
    last_week = previous_period(period_of(as_of, WEEK, ws), WEEK, ws)
    last_month = previous_period(period_of(as_of, MONTH), MONTH)
    weeks = periods_back(last_week.start, WEEK, 52, ws)[::-1]
    months = periods_back(last_month.start, MONTH, 52)[::-1]
    first, last = months[-1].start, max(last_week.end, last_month.end)
    where = goals.col(goals.Ambassador.id).in_(ids)
    with db.read() as session:
        who = goals.load_who(session, where)
        spans = goals.load_goals(session, where, first=first, last=last)
        judged = goals.judge_spans(
            session,
            who=who,
            goals=spans,
            periods={GoalPer.WEEK: weeks, GoalPer.MONTH: months},
            rests=goals.load_rests(session, where, who, first=first, as_of=as_of),
        )
    by_month = {
        ambassador_id
        for ambassador_id in who
        if all(g.per == GoalPer.MONTH for g in spans if g.ambassador_id == ambassador_id)
    }
    met: dict[int, int] = {}
    behind: dict[int, int] = {}
    for ambassador_id in ids:
        monthly = ambassador_id in by_month
        outcomes = []
        for period in months if monthly else weeks:
            due = [
                item
                for item in judged
                if item.goal.ambassador_id == ambassador_id
                and item.due
                and _judged_in(item.goal.per, item.period, period, monthly=monthly)
            ]
            if due:
                outcomes.append(all(item.met for item in due))
        met[ambassador_id] = _leading(outcomes, True)
        behind[ambassador_id] = _leading(outcomes, False)
    return met, behind


def _judged_in(per: GoalPer, judged: Period, period: Period, *, monthly: bool) -> bool:
    if monthly or per == GoalPer.WEEK:
        return judged == period
    return period.start <= judged.end <= period.end


def _leading(outcomes: list[bool], wanted: bool) -> int:
    count = 0
    for outcome in outcomes:
        if outcome is not wanted:
            break
        count += 1
    return count


def _community(db: Database, seed: int) -> list[int]:
    """Eight ambassadors with random goals (weekly, monthly, replaced, ended), rests, progress,
    late starts and retirements, written straight into the database."""
    rng = random.Random(seed)
    moment = clock.now()
    ids = []
    with db.write() as session:
        for n in range(8):
            started = TODAY - dt.timedelta(days=rng.randint(20, 700) if n > 1 else 720)
            retired = TODAY - dt.timedelta(days=rng.randint(0, 200)) if n == 7 else None
            resting = TODAY + dt.timedelta(days=9) if n == 6 else None
            member = Member(
                name=f"Person {n}",
                name_key=sort_key(f"Person {n}"),
                handle=f"p{n}",
                handle_key=f"p{n}",
                joined_on=started,
                created_at=moment,
                updated_at=moment,
            )
            session.add(member)
            session.flush()
            ambassador = Ambassador(
                member_id=member.id,
                status="alumni" if retired else "resting" if resting else "active",
                resting_until=resting,
                retired_on=retired,
                capacity_per_week=5,
                started_on=started,
                created_at=moment,
                updated_at=moment,
            )
            session.add(ambassador)
            session.flush()
            assert ambassador.id is not None
            ids.append(ambassador.id)
            # The first two never and always log: a long behind and a long met streak.
            kind = "week" if n < 2 else rng.choice(["week", "month", "mixed", "replaced"])
            _goals_for(session, rng, ambassador.id, kind, started, retired, moment)
            _rests_for(session, rng, ambassador.id, moment)
            keen = (0.0, 1.0)[n] if n < 2 else rng.choice([0.03, 0.3, 0.9])
            for offset in range(0, 720):
                day = TODAY - dt.timedelta(days=offset)
                if day >= started and rng.random() < keen:
                    metric = "a" if n == 1 else rng.choice("ab")
                    session.add(
                        GoalProgress(
                            ambassador_id=ambassador.id,
                            metric=metric,
                            metric_key=metric,
                            day=day,
                            count=3 if n == 1 else rng.randint(1, 3),
                            created_at=moment,
                        )
                    )
    return ids


def _goals_for(
    session: object,
    rng: random.Random,
    ambassador_id: int,
    kind: str,
    started: dt.date,
    retired: dt.date | None,
    moment: dt.datetime,
) -> None:
    plans: list[tuple[str, str, dt.date, dt.date | None]] = []
    begin = started + dt.timedelta(days=rng.randint(0, 60))
    if kind in ("week", "mixed"):
        plans.append(("a", "week", begin, retired))
    if kind in ("month", "mixed"):
        plans.append(("b", "month", begin, retired))
    if kind == "replaced":
        change = TODAY - dt.timedelta(days=rng.randint(10, 300))
        plans.append(("a", "month", begin, change))
        plans.append(("a", "week", change + dt.timedelta(days=1), retired))
    for metric, per, starts_on, ends_on in plans:
        if ends_on is not None and ends_on < starts_on:
            continue
        session.add(  # type: ignore[attr-defined]
            Goal(
                ambassador_id=ambassador_id,
                metric=metric,
                metric_key=metric,
                target=rng.randint(1, 3) * (4 if per == "month" else 1),
                per=per,
                starts_on=starts_on,
                ends_on=ends_on,
                created_at=moment,
            )
        )


def _rests_for(
    session: object, rng: random.Random, ambassador_id: int, moment: dt.datetime
) -> None:
    taken: list[tuple[dt.date, dt.date]] = []
    for _ in range(rng.randint(0, 3)):
        first = TODAY - dt.timedelta(days=rng.randint(0, 500))
        last = first + dt.timedelta(days=rng.randint(0, 40))
        if any(a <= last and b >= first for a, b in taken):
            continue
        taken.append((first, last))
        session.add(  # type: ignore[attr-defined]
            AmbassadorRest(
                ambassador_id=ambassador_id, starts_on=first, ends_on=last, created_at=moment
            )
        )


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(
    ("as_of", "week_start"),
    [(TODAY, 0), (TODAY, 6), (dt.date(2026, 3, 1), 2), (dt.date(2026, 8, 31), 0)],
)
def test_bit_streaks_agree_with_judging_every_period(
    db: Database, seed: int, as_of: dt.date, week_start: int
) -> None:
    settings = ProgrammeSettings(timezone="UTC", week_start=week_start)
    ids = _community(db, seed)
    met_expected, behind_expected = _reference(db, ids, as_of, settings)
    with db.read() as session:
        met = goals.met_streaks(session, as_of=as_of, settings=settings, ambassador_ids=ids)
        behind = goals.behind_streaks(session, as_of=as_of, settings=settings, ambassador_ids=ids)
    assert (met, behind) == (met_expected, behind_expected)
    # Past the first pass of eight periods both ways, so every pass is exercised.
    assert behind[ids[0]] > 8
    assert met[ids[1]] > 8


def test_a_shared_read_gives_the_streaks_of_a_read_of_their_own(db: Database) -> None:
    ids = _community(db, 11)
    settings = ProgrammeSettings(timezone="UTC")
    with db.read() as session:
        who = goals.load_who(session, goals.col(goals.Ambassador.id).in_(ids))
        loaded = ambassadors.programme_view(session, who, today=TODAY, settings=settings)
        shared = goals.behind_streaks(
            session, as_of=TODAY, settings=settings, ambassador_ids=ids[:5], loaded=loaded
        )
        own = goals.behind_streaks(session, as_of=TODAY, settings=settings, ambassador_ids=ids[:5])
        statuses = goals.current_goal_statuses(
            session, ambassador_ids=ids[2:], today=TODAY, settings=settings, loaded=loaded
        )
        fresh = goals.current_goal_statuses(
            session, ambassador_ids=ids[2:], today=TODAY, settings=settings
        )
    assert shared == own
    assert set(shared) == set(ids[:5])
    assert statuses == fresh
    assert set(statuses) == set(ids[2:])


def test_a_read_that_does_not_cover_the_days_is_not_used(db: Database) -> None:
    ids = _community(db, 12)
    settings = ProgrammeSettings(timezone="UTC")
    with db.read() as session:
        who = goals.load_who(session, goals.col(goals.Ambassador.id).in_(ids))
        week = period_of(TODAY, WEEK)
        narrow = goals.load_programme(session, who, first=week.start, last=week.end, as_of=TODAY)
        judged = goals.behind_streaks(
            session, as_of=TODAY, settings=settings, ambassador_ids=ids, loaded=narrow
        )
        own = goals.behind_streaks(session, as_of=TODAY, settings=settings, ambassador_ids=ids)
    assert judged == own
    assert any(judged.values())


@given(
    st.lists(
        st.tuples(st.integers(-40, 40), st.integers(0, 30)).map(
            lambda pair: (TODAY + dt.timedelta(days=pair[0]), pair[1])
        ),
        max_size=4,
    ),
    st.sampled_from([WEEK, MONTH]),
    st.integers(-30, 30),
)
def test_resting_counted_from_ranges_matches_counting_days(
    ranges: list[tuple[dt.date, int]], per: str, shift: int
) -> None:
    """Overlapping, touching, nested and far-off rests alike."""
    rests = [(first, first + dt.timedelta(days=length)) for first, length in ranges]
    period = period_of(TODAY + dt.timedelta(days=shift), per)
    assert mostly_resting(period, rests) == is_rest_period(period, rests)
