"""Goal periods: the week (starting on the facilitator's chosen day) or calendar month a date
falls in, the periods between two dates, and whether a rest covers most of a period.

Dates here are already the facilitator's local dates; which day "today" is in their timezone is
decided by the caller (services/programme_settings.py), so these functions stay pure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from circlekeeper.text import quoted

WEEK = "week"
MONTH = "month"


@dataclass(frozen=True, order=True)
class Period:
    """One goal period, both ends inclusive."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        """How many days the period has."""
        return (self.end - self.start).days + 1

    def contains(self, day: dt.date) -> bool:
        """Whether `day` falls in the period."""
        return self.start <= day <= self.end


def period_of(day: dt.date, per: str, week_start: int = 0) -> Period:
    """The week (first day `week_start`, 0 = Monday) or calendar month holding `day`."""
    if per == WEEK:
        start = day - dt.timedelta(days=(day.weekday() - week_start) % 7)
        return Period(start, start + dt.timedelta(days=6))
    if per == MONTH:
        start = day.replace(day=1)
        following = (start + dt.timedelta(days=32)).replace(day=1)
        return Period(start, following - dt.timedelta(days=1))
    raise ValueError(f"unknown period {quoted(per)}: use {quoted(WEEK)} or {quoted(MONTH)}")


def previous_period(period: Period, per: str, week_start: int = 0) -> Period:
    """The period just before `period`."""
    return period_of(period.start - dt.timedelta(days=1), per, week_start)


def periods_back(day: dt.date, per: str, count: int, week_start: int = 0) -> list[Period]:
    """The `count` periods ending with the one holding `day`, oldest first."""
    if count < 1:
        return []
    periods = [period_of(day, per, week_start)]
    while len(periods) < count:
        periods.append(previous_period(periods[-1], per, week_start))
    return periods[::-1]


def periods_between(
    first: dt.date, last: dt.date, per: str, week_start: int = 0
) -> Iterator[Period]:
    """Every period that overlaps first..last, oldest first."""
    period = period_of(first, per, week_start)
    while period.start <= last:
        yield period
        period = period_of(period.end + dt.timedelta(days=1), per, week_start)


def rest_days(period: Period, rests: Iterable[tuple[dt.date, dt.date]]) -> int:
    """How many days of `period` fall inside any of the (inclusive) rest ranges."""
    covered: set[dt.date] = set()
    for starts_on, ends_on in rests:
        first = max(starts_on, period.start)
        last = min(ends_on, period.end)
        covered.update(first + dt.timedelta(days=n) for n in range((last - first).days + 1))
    return len(covered)


def is_rest_period(period: Period, rests: Iterable[tuple[dt.date, dt.date]]) -> bool:
    """A period is a rest period (no goals due) when the rests cover at least half its days."""
    return 2 * rest_days(period, rests) >= period.days
