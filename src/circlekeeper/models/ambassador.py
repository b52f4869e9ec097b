"""Ambassadors: members who welcome, spark and support, with focus areas, goals, rest and
nominations; and the read models the services hand out about them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import BaseModel
from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, String, text
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

import circlekeeper.models.base  # noqa: F401  (naming convention before any table)
from circlekeeper.models.enums import AmbassadorStatus, GoalPer, NominationStatus, sql_in
from circlekeeper.models.types import UTCDateTime

FOCUS_MAX = 40
METRIC_MAX = 60
TARGET_MAX = 1000
COUNT_MAX = 10_000
CAPACITY_MAX = 100


class Ambassador(SQLModel, table=True):
    """A member serving as an ambassador; alumni keep their row so their history stays."""

    __tablename__ = "ambassador"
    __table_args__ = (
        CheckConstraint(sql_in("status", AmbassadorStatus), name="status_valid"),
        CheckConstraint(
            "(status = 'resting') = (resting_until IS NOT NULL)", name="resting_has_date"
        ),
        CheckConstraint("(status = 'alumni') = (retired_on IS NOT NULL)", name="alumni_has_date"),
        CheckConstraint(f"capacity_per_week BETWEEN 1 AND {CAPACITY_MAX}", name="capacity_range"),
        CheckConstraint("version >= 1", name="version_positive"),
        Index("ix_ambassador_status", "status", "member_id"),
    )

    id: int | None = SQLField(default=None, primary_key=True)
    member_id: int = SQLField(
        sa_column=Column(
            Integer, ForeignKey("member.id", ondelete="RESTRICT"), nullable=False, unique=True
        )
    )
    status: str = AmbassadorStatus.ACTIVE.value
    resting_until: dt.date | None = None
    capacity_per_week: int = 5
    """Units of work a week they said they can give: each goal target unit and each role."""
    started_on: dt.date
    retired_on: dt.date | None = None
    note: str = ""
    version: int = 1
    created_at: dt.datetime = SQLField(sa_type=UTCDateTime)
    updated_at: dt.datetime = SQLField(sa_type=UTCDateTime)


class AmbassadorFocus(SQLModel, table=True):
    """One focus area of an ambassador (a preset such as "welcome team", or custom text)."""

    __tablename__ = "ambassador_focus"
    __table_args__ = (
        CheckConstraint(f"length(focus) BETWEEN 1 AND {FOCUS_MAX}", name="focus_length"),
        Index("ix_ambassador_focus_key", "focus_key", "ambassador_id"),
    )

    ambassador_id: int = SQLField(
        sa_column=Column(Integer, ForeignKey("ambassador.id", ondelete="CASCADE"), primary_key=True)
    )
    focus_key: str = SQLField(sa_column=Column(String, primary_key=True))
    focus: str
    position: int = 0


class AmbassadorRest(SQLModel, table=True):
    """A rest period (both dates inclusive): goals are not due in a period mostly spent resting."""

    __tablename__ = "ambassador_rest"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="rest_order"),
        Index("ix_ambassador_rest_ambassador", "ambassador_id", "starts_on"),
    )

    id: int | None = SQLField(default=None, primary_key=True)
    ambassador_id: int = SQLField(
        sa_column=Column(Integer, ForeignKey("ambassador.id", ondelete="CASCADE"), nullable=False)
    )
    starts_on: dt.date
    ends_on: dt.date
    reason: str = ""
    created_at: dt.datetime = SQLField(sa_type=UTCDateTime)


class Goal(SQLModel, table=True):
    """A target for one metric per week or month; changing it ends the old goal (kept for the
    periods it applied to) and starts a new one."""

    __tablename__ = "goal"
    __table_args__ = (
        CheckConstraint(f"length(metric) BETWEEN 1 AND {METRIC_MAX}", name="metric_length"),
        CheckConstraint(f"target BETWEEN 1 AND {TARGET_MAX}", name="target_range"),
        CheckConstraint(sql_in("per", GoalPer), name="per_valid"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="goal_order"),
        Index(
            "uq_goal_current",
            "ambassador_id",
            "metric_key",
            unique=True,
            sqlite_where=text("ends_on IS NULL"),
            postgresql_where=text("ends_on IS NULL"),
        ),
        Index("ix_goal_ambassador", "ambassador_id", "starts_on"),
    )

    id: int | None = SQLField(default=None, primary_key=True)
    ambassador_id: int = SQLField(
        sa_column=Column(Integer, ForeignKey("ambassador.id", ondelete="CASCADE"), nullable=False)
    )
    metric: str
    metric_key: str
    target: int
    per: str = GoalPer.WEEK.value
    starts_on: dt.date
    ends_on: dt.date | None = None
    created_at: dt.datetime = SQLField(sa_type=UTCDateTime)


class GoalProgress(SQLModel, table=True):
    """Work logged by an ambassador: a date, a metric, a count and an optional note."""

    __tablename__ = "goal_progress"
    __table_args__ = (
        CheckConstraint(f"length(metric) BETWEEN 1 AND {METRIC_MAX}", name="metric_length"),
        CheckConstraint(f"count BETWEEN 1 AND {COUNT_MAX}", name="count_range"),
        Index("ix_goal_progress_ambassador", "ambassador_id", "metric_key", "day"),
        Index("ix_goal_progress_day", "day", "ambassador_id", "metric_key", "count"),
    )

    id: int | None = SQLField(default=None, primary_key=True)
    ambassador_id: int = SQLField(
        sa_column=Column(Integer, ForeignKey("ambassador.id", ondelete="CASCADE"), nullable=False)
    )
    metric: str
    metric_key: str
    day: dt.date
    count: int
    note: str = ""
    by: str = ""
    created_at: dt.datetime = SQLField(sa_type=UTCDateTime)


class Nomination(SQLModel, table=True):
    """Someone puts a member forward as an ambassador, with a reason; a facilitator decides."""

    __tablename__ = "nomination"
    __table_args__ = (
        CheckConstraint(sql_in("status", NominationStatus), name="status_valid"),
        CheckConstraint("length(reason) BETWEEN 1 AND 500", name="reason_length"),
        CheckConstraint(
            "(status = 'pending') = (decided_on IS NULL)", name="decided_when_not_pending"
        ),
        Index("ix_nomination_status", "status", "created_at"),
        Index("ix_nomination_member", "member_id"),
        Index("ix_nomination_nominated_by", "nominated_by_id"),
    )

    id: int | None = SQLField(default=None, primary_key=True)
    member_id: int = SQLField(
        sa_column=Column(Integer, ForeignKey("member.id", ondelete="RESTRICT"), nullable=False)
    )
    nominated_by_id: int | None = SQLField(
        default=None,
        sa_column=Column(Integer, ForeignKey("member.id", ondelete="SET NULL"), nullable=True),
    )
    nominated_by: str = ""
    """Who nominated, as written (a member's name, or the login name of the facilitator)."""
    reason: str
    focus: str = ""
    status: str = NominationStatus.PENDING.value
    decided_on: dt.date | None = None
    decided_by: str = ""
    decision_note: str = ""
    created_at: dt.datetime = SQLField(sa_type=UTCDateTime)


class AmbassadorRead(BaseModel):
    """An ambassador as services hand it out."""

    id: int
    member_id: int
    member_name: str
    focus: list[str]
    status: AmbassadorStatus
    resting_until: dt.date | None
    capacity_per_week: int
    started_on: dt.date
    retired_on: dt.date | None
    note: str
    version: int


class GoalRead(BaseModel):
    """A goal as set (current when ends_on is None)."""

    id: int
    ambassador_id: int
    metric: str
    target: int
    per: GoalPer
    starts_on: dt.date
    ends_on: dt.date | None


@dataclass(frozen=True, slots=True)
class GoalStatus:
    """One goal judged over one period: how much was done against the target.

    A frozen, slotted dataclass rather than a pydantic model: judging builds one per goal and
    period from values it computed itself (8,756 for the ambassadors list at community scale),
    nothing to validate, and as pydantic models they held 9 MiB, as dataclasses 1 MiB."""

    ambassador_id: int
    member_name: str
    metric: str
    target: int
    per: GoalPer
    period_start: dt.date
    period_end: dt.date
    done: int
    due: bool
    """False when the ambassador rested for most of the period (or was not serving)."""
    met: bool


class AmbassadorRow(AmbassadorRead):
    """One line of the ambassadors table: the ambassador and this period's goals."""

    goals: list[GoalStatus]
    behind_streak: int
    """Due periods in a row (ending with the last finished one) in which a goal was missed."""


class ProgressRead(BaseModel):
    """One logged piece of ambassador work."""

    id: int
    ambassador_id: int
    member_name: str
    metric: str
    day: dt.date
    count: int
    note: str
    by: str
    created_at: dt.datetime


class RestRead(BaseModel):
    """A rest period of an ambassador."""

    id: int
    starts_on: dt.date
    ends_on: dt.date
    reason: str


class AmbassadorDetail(AmbassadorRow):
    """An ambassador with goals, recent progress, rests and earlier periods' results."""

    all_goals: list[GoalRead]
    history: list[ProgressRead]
    rests: list[RestRead]
    past_periods: list[GoalStatus]
    load: int
    """This week's load: weekly goal units plus role assignments."""
    warnings: list[str]


class NominationRead(BaseModel):
    """A nomination and, once decided, the decision."""

    id: int
    member_id: int
    member_name: str
    nominated_by_id: int | None
    nominated_by: str
    reason: str
    focus: str
    status: NominationStatus
    created_at: dt.datetime
    decided_on: dt.date | None
    decided_by: str
    decision_note: str


class Coverage(BaseModel):
    """Active members per active ambassador, overall (tag_value None) or for one tag value."""

    tag_value: str | None
    active_members: int
    active_ambassadors: int
    members_per_ambassador: float | None
    flag: str | None
    """None inside the band; otherwise a sentence saying what is wrong."""


@dataclass(frozen=True, slots=True)
class Overload:
    """An ambassador who has more on their plate than they said they can give, or is behind.

    A slotted dataclass, like GoalStatus: thousands are flagged at community scale, from values
    the service computed itself."""

    ambassador_id: int
    member_name: str
    capacity_per_week: int
    goal_load: int
    role_load: int
    behind_streak: int
    reasons: list[str]


class Contributor(BaseModel):
    """One ambassador's share of the logged activity."""

    ambassador_id: int
    member_name: str
    count: int


class OverReliance(BaseModel):
    """How much of all logged ambassador activity the top three people did."""

    total: int
    top: list[Contributor]
    share: float | None


class DiversityRow(BaseModel):
    """Ambassadors with one tag value beside the active membership with it."""

    value: str
    ambassadors: int
    ambassador_share: float
    members: int
    member_share: float


class ProgrammeHealth(BaseModel):
    """The ambassador programme at a glance, with the band and period it was judged on."""

    as_of: dt.date
    period_start: dt.date
    period_end: dt.date
    band_min: int
    band_max: int
    tag: str | None
    coverage: Coverage
    coverage_by_tag: list[Coverage]
    overload: list[Overload]
    over_reliance: OverReliance
    diversity: list[DiversityRow]
