"""Read models of the community metrics: activation, retention by cohort, first check-ins and
circles that have closed off."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel


class Activation(BaseModel):
    """Members who joined in the period, and how many attended a first session in time."""

    joined: int
    activated: int
    rate: float | None
    """activated / joined; None when nobody joined."""
    within_days: int


class CohortRetention(BaseModel):
    """Members who joined in one month, and how many still attended 1, 3 and 6 months later.

    A month's figure is None until that much time has passed for the whole cohort.
    """

    month: str
    """YYYY-MM."""
    joined: int
    after_1_month: int | None
    after_3_months: int | None
    after_6_months: int | None


class FirstCheckIn(BaseModel):
    """Days from joining to the first check-in, for members who joined in the period."""

    members: int
    """Members who joined in the period and have checked in at least once."""
    median_days: float | None
    slowest_days: int | None


class ClosedOffCircle(BaseModel):
    """An active circle with nothing shareable for the community in the last weeks."""

    circle_id: int
    name: str
    last_shareable: dt.date | None
    """Day of the newest check-in with community visibility, or None if there never was one."""


class CommunityMetrics(BaseModel):
    """The community's figures for a period."""

    start: dt.date
    end: dt.date
    activation: Activation
    retention: list[CohortRetention]
    first_check_in: FirstCheckIn
    closed_off: list[ClosedOffCircle]
    closed_off_weeks: int
