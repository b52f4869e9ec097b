"""Circles: small peer pods, their rhythm and agreements, and the models that validate them."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

import circlekeeper.models.base  # noqa: F401  (naming convention before any table)
from circlekeeper.models.enums import (
    Cadence,
    CircleKind,
    CircleStatus,
    CircleVisibility,
    Weekday,
    sql_in,
)
from circlekeeper.models.fields import (
    CIRCLE_NAME_MAX,
    CircleName,
    LongText,
    MeetingTime,
    OptionalDate,
    ShortText,
    Timezone,
)
from circlekeeper.models.types import UTCDateTime

MIN_SIZE_FLOOR = 2
MAX_SIZE_CEILING = 50


class Circle(SQLModel, table=True):
    """A circle; name_key (NFC+casefold) is unique so names address circles unambiguously."""

    __tablename__ = "circle"
    __table_args__ = (
        CheckConstraint("length(name) BETWEEN 1 AND 120", name="name_length"),
        CheckConstraint(sql_in("kind", CircleKind), name="kind_valid"),
        CheckConstraint(sql_in("visibility", CircleVisibility), name="visibility_valid"),
        CheckConstraint(sql_in("status", CircleStatus), name="status_valid"),
        CheckConstraint(sql_in("cadence", Cadence), name="cadence_valid"),
        CheckConstraint("weekday IS NULL OR " + sql_in("weekday", Weekday), name="weekday_valid"),
        CheckConstraint(
            "min_size >= 2 AND min_size <= max_size AND max_size <= 50", name="size_range"
        ),
        CheckConstraint("cadence_interval BETWEEN 1 AND 52", name="interval_range"),
        CheckConstraint(
            "ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="ends_after_start"
        ),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint(
            "week_of_month IS NULL OR week_of_month IN (1, 2, 3, 4, 5, -1)",
            name="week_of_month_valid",
        ),
        Index("ix_circle_status", "status"),
    )

    id: int | None = SQLField(default=None, primary_key=True)
    name: str = SQLField(max_length=CIRCLE_NAME_MAX)
    name_key: str = SQLField(unique=True)
    kind: str = CircleKind.COHORT.value
    purpose: str = ""
    trust_focus: str = ""
    visibility: str = CircleVisibility.OPEN.value
    min_size: int = 4
    max_size: int = 10
    cadence: str = Cadence.WEEKLY.value
    cadence_interval: int = 1
    weekday: str | None = None
    meeting_time: str | None = None
    timezone: str = "UTC"
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    status: str = CircleStatus.FORMING.value
    agreements: str = ""
    week_of_month: int | None = None
    ritual_id: int | None = SQLField(
        default=None,
        sa_column=Column(Integer, ForeignKey("ritual.id", ondelete="SET NULL"), nullable=True),
    )
    version: int = 1
    created_at: dt.datetime = SQLField(sa_type=UTCDateTime)
    updated_at: dt.datetime = SQLField(sa_type=UTCDateTime)


def _check_sizes(min_size: int | None, max_size: int | None) -> None:
    if min_size is not None and min_size < MIN_SIZE_FLOOR:
        raise ValueError(f"min size must be at least {MIN_SIZE_FLOOR}")
    if max_size is not None and max_size > MAX_SIZE_CEILING:
        raise ValueError(f"max size must be at most {MAX_SIZE_CEILING}")
    if min_size is not None and max_size is not None and min_size > max_size:
        raise ValueError(f"min size {min_size} is larger than max size {max_size}")


def _check_dates(starts_on: dt.date | None, ends_on: dt.date | None) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise ValueError(f"ends_on {ends_on} is before starts_on {starts_on}")


def _check_week_of_month(value: int | None) -> int | None:
    if value is not None and value not in (1, 2, 3, 4, 5, -1):
        raise ValueError("week of month must be 1 to 5, or -1 for the last one")
    return value


WeekOfMonth = Annotated[int | None, AfterValidator(_check_week_of_month)]


class CircleCreate(BaseModel):
    """What a facilitator supplies to create a circle; everything but the name has a default."""

    model_config = ConfigDict(extra="forbid")

    name: CircleName
    kind: CircleKind = CircleKind.COHORT
    purpose: LongText = ""
    trust_focus: ShortText = ""
    visibility: CircleVisibility = CircleVisibility.OPEN
    min_size: int = Field(default=4, ge=MIN_SIZE_FLOOR, le=MAX_SIZE_CEILING)
    max_size: int = Field(default=10, ge=MIN_SIZE_FLOOR, le=MAX_SIZE_CEILING)
    cadence: Cadence = Cadence.WEEKLY
    cadence_interval: int = Field(default=1, ge=1, le=52)
    weekday: Weekday | None = None
    meeting_time: MeetingTime = None
    timezone: Timezone = "UTC"
    starts_on: OptionalDate = None
    ends_on: OptionalDate = None
    agreements: LongText = ""
    week_of_month: WeekOfMonth = None
    ritual_id: int | None = None

    @model_validator(mode="after")
    def _consistent(self) -> CircleCreate:
        _check_sizes(self.min_size, self.max_size)
        _check_dates(self.starts_on, self.ends_on)
        if self.cadence is not Cadence.EVERY_N_WEEKS:
            self.cadence_interval = 1
        return self


class CircleUpdate(BaseModel):
    """A partial edit; cross-field rules are checked again against the stored row by the service."""

    model_config = ConfigDict(extra="forbid")

    name: CircleName | None = None
    kind: CircleKind | None = None
    purpose: LongText | None = None
    trust_focus: ShortText | None = None
    visibility: CircleVisibility | None = None
    min_size: int | None = Field(default=None, ge=MIN_SIZE_FLOOR, le=MAX_SIZE_CEILING)
    max_size: int | None = Field(default=None, ge=MIN_SIZE_FLOOR, le=MAX_SIZE_CEILING)
    cadence: Cadence | None = None
    cadence_interval: int | None = Field(default=None, ge=1, le=52)
    weekday: Weekday | None = None
    meeting_time: MeetingTime = None
    timezone: Timezone | None = None
    starts_on: OptionalDate = None
    ends_on: OptionalDate = None
    agreements: LongText | None = None
    week_of_month: WeekOfMonth = None
    ritual_id: int | None = None

    @model_validator(mode="after")
    def _consistent(self) -> CircleUpdate:
        _check_sizes(self.min_size, self.max_size)
        _check_dates(self.starts_on, self.ends_on)
        return self


def validate_circle_fields(values: dict[str, object]) -> None:
    """Re-check the cross-field rules on a merged (stored + edited) set of values."""
    _check_sizes(values.get("min_size"), values.get("max_size"))  # type: ignore[arg-type]
    _check_dates(values.get("starts_on"), values.get("ends_on"))  # type: ignore[arg-type]


class CircleRead(BaseModel):
    """A circle as the services hand it out, with its current size."""

    id: int
    name: str
    kind: CircleKind
    purpose: str
    trust_focus: str
    visibility: CircleVisibility
    min_size: int
    max_size: int
    cadence: Cadence
    cadence_interval: int
    weekday: Weekday | None
    meeting_time: str | None
    timezone: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    status: CircleStatus
    agreements: str
    week_of_month: int | None = None
    ritual_id: int | None = None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    size: int


class CircleMember(BaseModel):
    """A member's stay in this circle, as the circle's detail shows it."""

    member_id: int
    name: str
    handle: str | None
    email: str | None
    status: str
    joined_on: dt.date
    left_on: dt.date | None
    leave_reason: str | None


class CircleDetail(CircleRead):
    """A circle with its current members, its past members, and warnings to show."""

    members: list[CircleMember]
    past_members: list[CircleMember]
    warnings: list[str]
    ritual_name: str | None = None


class CircleRow(BaseModel):
    """One line of the circle list."""

    id: int
    name: str
    kind: CircleKind
    status: CircleStatus
    visibility: CircleVisibility
    size: int
    min_size: int
    max_size: int
    cadence: Cadence
    cadence_interval: int
    weekday: Weekday | None
    meeting_time: str | None
    timezone: str


class CirclePage(BaseModel):
    """A window of the circle list and how many match in all."""

    items: list[CircleRow]
    total: int
    offset: int
    limit: int
