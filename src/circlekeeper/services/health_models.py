"""Read models of circle health and members at risk, as the CLI prints them and the TUI shows.

A circle's health is a frozen, slotted dataclass rather than a pydantic model: `health` builds
one per circle (13,545 at community scale) from values the service computed itself, so there is
nothing to validate, and as pydantic models they held 35 MiB, as dataclasses 8 MiB, with a
third of the objects for the garbage collector to walk. pydantic_core serialises both alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from circlekeeper.algorithms.circle_health import HealthStatus, RiskKind
from circlekeeper.models.enums import CircleStatus, MemberStatus


class Frozen(BaseModel):
    """A read model that cannot be changed after it is built."""

    model_config = ConfigDict(frozen=True)


@dataclass(frozen=True, slots=True)
class CircleFiguresRead:
    """The figures a circle's health was judged on, as of `as_of`."""

    as_of: dt.date
    age_days: int
    cadence_days: int
    size: int
    min_size: int
    max_size: int
    recent_attendance: float | None
    earlier_attendance: float | None
    recent_sessions: int
    earlier_sessions: int
    window_sessions: int
    missed_sessions: int
    last_held_on: dt.date | None
    days_since_held: int | None
    speaking_share: float | None
    role_load: float | None


@dataclass(frozen=True, slots=True)
class CircleHealth:
    """One circle's health: its status, the reasons in plain words, and the figures behind them."""

    circle_id: int
    name: str
    lifecycle: CircleStatus
    status: HealthStatus
    reasons: tuple[str, ...]
    figures: CircleFiguresRead


class MemberAtRisk(Frozen):
    """A member who may need a personal note, why, and how urgently (higher first)."""

    member_id: int
    name: str
    member_status: MemberStatus
    kinds: tuple[RiskKind, ...]
    reasons: tuple[str, ...]
    urgency: int
    absent_streak: int
    last_check_in: dt.date | None
    quiet_days: int | None
    active_circles: int
    paused_until: dt.date | None


class MembersAtRisk(Frozen):
    """How many members are at risk, and the most urgent of them."""

    total: int
    members: list[MemberAtRisk]
