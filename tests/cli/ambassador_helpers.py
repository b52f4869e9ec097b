"""Building ambassador data for the CLI tests: members, ambassadors and goals set in the past."""

from __future__ import annotations

import datetime as dt

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import Goal, GoalPer, MemberCreate
from circlekeeper.services import ambassadors, members
from circlekeeper.text import identity_key

TODAY = dt.date(2026, 11, 21)
"""The frozen day of the tests: a Saturday, in the week Monday 16 to Sunday 22 November."""
WEEK_START = dt.date(2026, 11, 16)
LAST_WEEK_START = dt.date(2026, 11, 9)

AMBASSADOR_KEYS = {
    "id",
    "member_id",
    "member_name",
    "focus",
    "status",
    "resting_until",
    "capacity_per_week",
    "started_on",
    "retired_on",
    "note",
    "version",
}
ROW_KEYS = AMBASSADOR_KEYS | {"goals", "behind_streak"}
DETAIL_KEYS = ROW_KEYS | {"all_goals", "history", "rests", "past_periods", "load", "warnings"}
GOAL_KEYS = {"id", "ambassador_id", "metric", "target", "per", "starts_on", "ends_on"}
STATUS_KEYS = {
    "ambassador_id",
    "member_name",
    "metric",
    "target",
    "per",
    "period_start",
    "period_end",
    "done",
    "due",
    "met",
}
PROGRESS_KEYS = {
    "id",
    "ambassador_id",
    "member_name",
    "metric",
    "day",
    "count",
    "note",
    "by",
    "created_at",
}
REST_KEYS = {"id", "starts_on", "ends_on", "reason"}
NOMINATION_KEYS = {
    "id",
    "member_id",
    "member_name",
    "nominated_by_id",
    "nominated_by",
    "reason",
    "focus",
    "status",
    "created_at",
    "decided_on",
    "decided_by",
    "decision_note",
}


def member(db: Database, name: str, handle: str, **values: object) -> int:
    """Add a member and return their id."""
    added = members.add_member(db, data=MemberCreate(name=name, handle=handle, **values))
    return added.id


def ambassador(
    db: Database,
    name: str,
    handle: str,
    *,
    focus: tuple[str, ...] = ("welcome team",),
    started_on: dt.date | None = None,
    capacity: int = 5,
) -> int:
    """Add a member and make them an ambassador; return the ambassador's id."""
    member(db, name, handle)
    made = ambassadors.add_ambassador(
        db,
        member_ref=f"@{handle}",
        focus=list(focus),
        started_on=started_on,
        capacity_per_week=capacity,
    )
    return made.id


def past_goal(
    db: Database,
    ambassador_id: int,
    metric: str,
    target: int,
    *,
    starts_on: dt.date,
    per: GoalPer = GoalPer.WEEK,
) -> None:
    """A goal that has been in force since `starts_on` (set_goal always starts this period)."""
    with db.write() as session:
        session.add(
            Goal(
                ambassador_id=ambassador_id,
                metric=metric,
                metric_key=identity_key(metric),
                target=target,
                per=per.value,
                starts_on=starts_on,
                created_at=clock.now(),
            )
        )
