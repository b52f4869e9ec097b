"""Read models of the ambassador report: goals against targets per person and per focus, coverage
and who rested, holding only the names and text the report's audience may read."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from circlekeeper.models.enums import Audience, GoalPer


class GoalLine(BaseModel):
    """One goal over its periods that finished inside the report's period."""

    metric: str
    target: int
    per: GoalPer
    periods: int
    """Periods in which the goal was due (in force, serving, not mostly resting)."""
    met: int
    """Due periods in which the target was reached."""
    rested: int
    """Periods the goal was in force but not due because the ambassador rested."""
    done: int
    """Work logged for the goal's metric in its due periods."""
    expected: int
    """The target times the due periods."""


class AmbassadorLine(BaseModel):
    """An ambassador who served some of the period, under the name the audience may see."""

    name: str
    focus: list[str]
    goals: list[GoalLine]


class FocusLine(BaseModel):
    """One focus area: how many ambassadors hold it and their goals added up."""

    focus: str
    ambassadors: int
    periods: int
    met: int
    done: int
    expected: int


class CoverageLine(BaseModel):
    """Active members per serving ambassador on the report's last day, with the band's flag."""

    active_members: int
    serving_ambassadors: int
    members_per_ambassador: float | None
    flag: str | None


class RestLine(BaseModel):
    """A rest that overlaps the period; the reason is filled in for facilitators only."""

    name: str
    starts_on: dt.date
    ends_on: dt.date
    reason: str


class AmbassadorReport(BaseModel):
    """The ambassador report for one audience and period (both days included)."""

    audience: Audience
    start: dt.date
    end: dt.date
    ambassadors: list[AmbassadorLine]
    focus: list[FocusLine]
    coverage: CoverageLine
    rested: list[RestLine]
