"""Programme health: coverage (members per ambassador) overall and per tag value, who may be
overloaded, how much of the work the top three carry, and ambassadors beside members by tag.

Every figure is a COUNT or SUM in SQL over indexed columns (a programme of 100,000 members and
5,000 ambassadors is judged in a handful of queries); algorithms.programme_health turns the
numbers into flags and shares. "Active" follows the ambassador list: a "resting" status whose
date has passed counts as active, a rest under way (status or rest row) does not, alumni never.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import ColumnElement, Select, and_, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from circlekeeper.algorithms import programme_health as health
from circlekeeper.algorithms.goal_periods import Period
from circlekeeper.db import Database
from circlekeeper.models import (
    Ambassador,
    Contributor,
    Coverage,
    DiversityRow,
    GoalProgress,
    Member,
    MemberStatus,
    MemberTag,
    Overload,
    OverReliance,
    ProgrammeHealth,
)
from circlekeeper.models.fields import check_tags
from circlekeeper.services import goals
from circlekeeper.services.ambassadors import programme_view, serving_clause, week_loads
from circlekeeper.services.errors import InvalidInput
from circlekeeper.services.goals_data import who_rows
from circlekeeper.services.programme_settings import ProgrammeSettings, programme_settings

WINDOW_WEEKS = 12
"""Over-reliance weighs the activity of the last 12 weeks unless told otherwise."""

TagCounts = dict[str, tuple[str, int]]
"""A tag's value_key → (the value as shown, how many)."""


def programme_health(
    db: Database,
    *,
    tag: str | None = None,
    settings: ProgrammeSettings | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> ProgrammeHealth:
    """The programme at a glance, as of today in the facilitator's timezone: coverage overall
    and (with `tag`) per value of that member tag, overloaded ambassadors and why, the top
    three's share of the activity logged since..until (default the last 12 weeks), and
    ambassadors beside members by tag value."""
    settings = settings or programme_settings()
    today = settings.today()
    key = clean_tag(tag)
    window = activity_window(today, since, until)
    active = serving_clause(today)
    with db.read() as session:
        members = _count_active_members(session)
        serving = serving_ambassadors(session, active)
        ambassadors = len(serving)
        coverage_by_tag: list[Coverage] = []
        diversity: list[DiversityRow] = []
        if key is not None:
            coverage_by_tag, diversity = _by_tag(
                session, key, active, settings, members=members, ambassadors=ambassadors
            )
        return ProgrammeHealth(
            as_of=today,
            period_start=window.start,
            period_end=window.end,
            band_min=settings.coverage_min,
            band_max=settings.coverage_max,
            tag=key,
            coverage=_coverage(None, members, ambassadors, settings),
            coverage_by_tag=coverage_by_tag,
            overload=overloaded(session, serving=serving, today=today, settings=settings),
            over_reliance=over_reliance(session, window=window),
            diversity=diversity,
        )


# --- input ---------------------------------------------------------------------------------


def clean_tag(tag: str | None) -> str | None:
    """The member tag key to group by (lower-cased), None for none; a key no member could have
    is refused with the rule."""
    if tag is None or not tag.strip():
        return None
    try:
        [key] = check_tags({tag: "x"})
    except ValueError as error:
        raise InvalidInput(f"tag: {error} — e.g. region or timezone") from None
    return key


def activity_window(today: dt.date, since: dt.date | None, until: dt.date | None) -> Period:
    """The days whose logged activity over-reliance weighs: since..until, both inclusive; a
    missing end is today, and a missing start makes it the 12 weeks ending then."""
    last = until or today
    first = since or last - dt.timedelta(weeks=WINDOW_WEEKS) + dt.timedelta(days=1)
    if first > last:
        raise InvalidInput(
            f"the period starts on {first} after it ends on {last} — give the earlier date first"
        )
    return Period(first, last)


# --- who counts ----------------------------------------------------------------------------


def _count_active_members(session: Session) -> int:
    return _count(
        session,
        sa_select(func.count())
        .select_from(Member)
        .where(col(Member.status) == MemberStatus.ACTIVE.value),
    )


def _count(session: Session, query: Select[int]) -> int:
    return int(session.scalar(query) or 0)


# --- coverage and diversity ----------------------------------------------------------------


def _coverage(
    value: str | None, members: int, ambassadors: int, settings: ProgrammeSettings
) -> Coverage:
    return Coverage(
        tag_value=value,
        active_members=members,
        active_ambassadors=ambassadors,
        members_per_ambassador=health.members_per_ambassador(members, ambassadors),
        flag=health.coverage_flag(
            members, ambassadors, settings.coverage_min, settings.coverage_max
        ),
    )


def _by_tag(
    session: Session,
    key: str,
    active: ColumnElement[bool],
    settings: ProgrammeSettings,
    *,
    members: int,
    ambassadors: int,
) -> tuple[list[Coverage], list[DiversityRow]]:
    """Coverage and diversity per value of tag `key`; people without the tag form one more
    value, "(no KEY)"."""
    member_counts = members_by_tag(session, key)
    ambassador_counts = ambassadors_by_tag(session, key, active)
    shown: dict[str, str] = {}
    for counts in (member_counts, ambassador_counts):
        for value_key, (value, _) in counts.items():
            shown[value_key] = min(value, shown.get(value_key, value))
    by_member = {shown[k]: count for k, (_, count) in member_counts.items()}
    by_ambassador = {shown[k]: count for k, (_, count) in ambassador_counts.items()}
    untagged_members = members - sum(by_member.values())
    untagged_ambassadors = ambassadors - sum(by_ambassador.values())
    if untagged_members or untagged_ambassadors:
        missing = f"(no {key})"
        by_member[missing] = by_member.get(missing, 0) + untagged_members
        by_ambassador[missing] = by_ambassador.get(missing, 0) + untagged_ambassadors
    rows = health.distribution(by_ambassador, by_member)
    coverage = [_coverage(row.value, row.members, row.ambassadors, settings) for row in rows]
    diversity = [
        DiversityRow(
            value=row.value,
            ambassadors=row.ambassadors,
            ambassador_share=row.ambassador_share,
            members=row.members,
            member_share=row.member_share,
        )
        for row in rows
    ]
    return coverage, diversity


def members_by_tag(session: Session, key: str) -> TagCounts:
    """Active members per value of tag `key`, counted in one GROUP BY over the tag index."""
    query = (
        _tag_counts()
        .join(Member, col(Member.id) == col(MemberTag.member_id))
        .where(col(MemberTag.key) == key, col(Member.status) == MemberStatus.ACTIVE.value)
        .group_by(col(MemberTag.value_key))
    )
    return {value_key: (value, int(count)) for value_key, value, count in session.execute(query)}


def ambassadors_by_tag(session: Session, key: str, active: ColumnElement[bool]) -> TagCounts:
    """Active ambassadors per value of their member's tag `key`, in one GROUP BY."""
    query = (
        _tag_counts()
        .join(Ambassador, col(Ambassador.member_id) == col(MemberTag.member_id))
        .where(col(MemberTag.key) == key, active)
        .group_by(col(MemberTag.value_key))
    )
    return {value_key: (value, int(count)) for value_key, value, count in session.execute(query)}


def _tag_counts() -> Select[str, str, int]:
    return sa_select(col(MemberTag.value_key), func.min(col(MemberTag.value)), func.count())


# --- overload ------------------------------------------------------------------------------


def serving_ambassadors(session: Session, active: ColumnElement[bool]) -> dict[int, Serving]:
    """Active ambassadors (id → what overload needs of them) in member-name order, in one
    query."""
    found = who_rows(session, active, col(Ambassador.capacity_per_week))
    return {who.id: Serving(capacity, who) for who, (capacity,) in found}


class Serving(NamedTuple):
    """An active ambassador's weekly capacity and what goal judging needs of them."""

    capacity_per_week: int
    who: goals.Who


def overloaded(
    session: Session,
    *,
    serving: dict[int, Serving],
    today: dt.date,
    settings: ProgrammeSettings,
) -> list[Overload]:
    """Active ambassadors whose load this week is over their capacity, or who are behind on
    goals 3 periods in a row, with the reasons in words; in member-name order.

    The load is services.ambassadors.week_loads — the same figure the ambassador's own detail
    shows — so the health panel and the detail pane never disagree. Their goals and rests are
    read once for both the loads and the streaks.
    """
    ids = list(serving)
    who = {ambassador_id: person.who for ambassador_id, person in serving.items()}
    loaded = programme_view(session, who, today=today, settings=settings)
    loads = week_loads(session, ambassador_ids=ids, today=today, settings=settings, loaded=loaded)
    behind = goals.behind_streaks(
        session, as_of=today, settings=settings, ambassador_ids=ids, loaded=loaded
    )
    flagged = []
    for ambassador_id, person in serving.items():
        goal_load, role_load = loads[ambassador_id]
        streak = behind.get(ambassador_id, 0)
        capacity = person.capacity_per_week
        reasons = health.overload_reasons(
            capacity=capacity, goal_load=goal_load, role_load=role_load, behind_streak=streak
        )
        if reasons:
            flagged.append(
                Overload(
                    ambassador_id=ambassador_id,
                    member_name=person.who.member_name,
                    capacity_per_week=capacity,
                    goal_load=goal_load,
                    role_load=role_load,
                    behind_streak=streak,
                    reasons=reasons,
                )
            )
    return flagged


# --- over-reliance -------------------------------------------------------------------------


def over_reliance(session: Session, *, window: Period) -> OverReliance:
    """All ambassador activity logged in `window` (alumni's too: the work was done) and the
    three people who logged the most, with their share of it."""
    day = col(GoalProgress.day)
    in_window = and_(day >= window.start, day <= window.end)
    total = int(session.scalar(sa_select(func.sum(col(GoalProgress.count))).where(in_window)) or 0)
    if not total:
        return OverReliance(total=0, top=[], share=None)
    sums = (
        sa_select(
            col(GoalProgress.ambassador_id).label("ambassador_id"),
            func.sum(col(GoalProgress.count)).label("total"),
        )
        .where(in_window)
        .group_by(col(GoalProgress.ambassador_id))
        .subquery("sums")
    )
    rows = session.execute(
        sa_select(sums.c.ambassador_id, col(Member.name), sums.c.total)
        .join(Ambassador, col(Ambassador.id) == sums.c.ambassador_id)
        .join(Member, col(Member.id) == col(Ambassador.member_id))
        .order_by(sums.c.total.desc(), col(Member.name_key), col(Member.id))
        .limit(health.TOP)
    ).all()
    top = [
        Contributor(ambassador_id=ambassador_id, member_name=name, count=int(count))
        for ambassador_id, name, count in rows
    ]
    return OverReliance(
        total=total, top=top, share=health.reliance_share([c.count for c in top], total)
    )
