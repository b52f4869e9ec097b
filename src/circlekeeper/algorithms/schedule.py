"""Expand a circle's meeting rhythm into dated, timezone-correct slots, without I/O.

A circle meets at a wall-clock time in its own timezone, so a weekly 18:30 Europe/Berlin meeting
stays at 18:30 local across daylight-saving changes and its UTC instant moves instead.
Two wall-clock times need a rule, and the rule is the one RFC 5545 calendars follow:

- a time that does not exist (inside a spring-forward gap, e.g. 02:30 on 2027-03-28 in
  Europe/Berlin) is read with the offset in force before the gap, which moves it forward by the
  length of the gap (02:30 becomes 03:30 local);
- a time that happens twice (on a fall-back day) takes the first occurrence (``fold=0``).

A date a zone skipped entirely (Pacific/Apia, 2011-12-30) resolves to the next day's instant;
a slot whose instant is not later than the one before is dropped, so slots strictly increase.

Only ``datetime``, ``zoneinfo`` and ``calendar`` are used; the same input always gives the same
slots.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from circlekeeper.text import quoted

MAX_SLOTS = 1000
"""The most slots one expansion returns; a larger request is refused, not cut short."""

MAX_INTERVAL = 52
"""The longest gap, in weeks, an every-N-weeks circle may have."""

WEEKDAY_NAMES = tuple(calendar.day_name)
"""Monday … Sunday in English, indexed like ``date.weekday()``."""

_ORDINALS = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 5: "5th", -1: "last"}


class Frequency(StrEnum):
    """How a rhythm repeats; the first three values match ``models.enums.Cadence``."""

    WEEKLY = "weekly"
    EVERY_N_WEEKS = "every-n-weeks"
    MONTHLY = "monthly"
    EXPLICIT = "explicit"


@dataclass(frozen=True)
class Rhythm:
    """When a circle meets: a cadence, a wall-clock time and the timezone it is read in.

    Checked on creation, so an invalid rhythm raises ``ValueError`` with a readable message.
    ``anchor`` only sets the phase of an every-N-weeks rhythm (its first meeting is the first
    ``weekday`` on or after the anchor, then every ``interval`` weeks, in both directions); the
    ``start`` of an expansion is what bounds the slots.
    """

    frequency: Frequency
    timezone: str
    local_time: dt.time
    weekday: int | None = None
    interval: int = 1
    week_of_month: int | None = None
    anchor: dt.date | None = None
    dates: tuple[dt.date, ...] = ()

    def __post_init__(self) -> None:
        """Normalise the frequency and refuse a rhythm that cannot be expanded."""
        try:
            frequency = Frequency(self.frequency)
        except ValueError:
            known = ", ".join(item.value for item in Frequency)
            raise ValueError(
                f"unknown meeting frequency {quoted(self.frequency)}; use one of: {known}"
            ) from None
        object.__setattr__(self, "frequency", frequency)
        _zone(self.timezone)
        if not isinstance(self.local_time, dt.time) or self.local_time.tzinfo is not None:
            raise ValueError(
                "the meeting time must be a plain local time such as 18:30, without a timezone"
            )
        if frequency is Frequency.EXPLICIT:
            object.__setattr__(self, "dates", tuple(self.dates))
            for day in self.dates:
                _check_date(day, "each chosen date")
            return
        if self.weekday is None:
            raise ValueError(f"a {frequency.value} rhythm needs a weekday (Monday to Sunday)")
        if isinstance(self.weekday, bool) or self.weekday not in range(7):
            raise ValueError(
                f"weekday must be 0 (Monday) to 6 (Sunday), got {quoted(self.weekday)}"
            )
        if isinstance(self.interval, bool) or self.interval not in range(1, MAX_INTERVAL + 1):
            raise ValueError(
                f"a circle can meet every 1 to {MAX_INTERVAL} weeks, got {quoted(self.interval)}"
            )
        if frequency is Frequency.MONTHLY and self.week_of_month not in _ORDINALS:
            raise ValueError(
                "a monthly rhythm needs which week of the month: 1 to 5, or -1 for the last, "
                f"got {quoted(self.week_of_month)}"
            )
        if self.anchor is not None:
            _check_date(self.anchor, "the anchor")


@dataclass(frozen=True)
class Slot:
    """One meeting: its date and start in the circle's timezone, and the same instant in UTC."""

    local_date: dt.date
    starts_at: dt.datetime
    local_start: dt.datetime


def expand(
    rhythm: Rhythm,
    *,
    start: dt.date,
    until: dt.date | None = None,
    count: int | None = None,
    ends_on: dt.date | None = None,
    skip: Iterable[dt.date] = (),
) -> list[Slot]:
    """The meetings of `rhythm` from `start` on, in time order.

    Slots fall on local dates in ``start ≤ date ≤ min(until, ends_on)`` (both bounds inclusive),
    at most `count` of them; dates in `skip` (holidays) are left out and do not count, so the
    next meeting is taken instead. At least one of `until`, `count` or `ends_on` must be given,
    and an expansion of more than ``MAX_SLOTS`` slots is refused with ``ValueError``.
    """
    _check_date(start, "start")
    last = _last_day(until, ends_on)
    if count is not None:
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"count must be a whole number of meetings, got {quoted(count)}")
        if count > MAX_SLOTS:
            raise ValueError(f"at most {MAX_SLOTS:,} meetings can be planned at once")
    elif last is None:
        raise ValueError("say when the schedule ends: give an end date or a number of meetings")
    skipped = frozenset(skip)
    for day in skipped:
        _check_date(day, "each skipped date")
    limit = MAX_SLOTS if count is None else count
    zone = _zone(rhythm.timezone)
    slots: list[Slot] = []
    for day in _candidates(rhythm, start):
        if last is not None and day > last:
            break
        if day in skipped:
            continue
        slot = _slot(day, rhythm.local_time, zone)
        if slot is None:
            break
        if slots and slot.starts_at <= slots[-1].starts_at:
            continue
        if len(slots) == limit:
            if count is None:
                raise ValueError(
                    f"this schedule has more than {MAX_SLOTS:,} meetings; "
                    "choose an earlier end date or a number of meetings"
                )
            break
        slots.append(slot)
    return slots


def in_timezone(slot: Slot, timezone: str) -> dt.datetime:
    """The slot's start as local time in `timezone`, for a member who lives elsewhere."""
    return slot.starts_at.astimezone(_zone(timezone))


def describe(rhythm: Rhythm) -> str:
    """A one-line English description, e.g. "every Tuesday at 18:30 (Europe/Berlin)"."""
    at = f"at {rhythm.local_time:%H:%M} ({rhythm.timezone})"
    if rhythm.frequency is Frequency.EXPLICIT:
        chosen = len(set(rhythm.dates))
        if chosen == 0:
            return f"on no chosen dates yet {at}"
        return f"on {chosen} chosen date{'' if chosen == 1 else 's'} {at}"
    assert rhythm.weekday is not None  # guaranteed by Rhythm.__post_init__
    weekday = WEEKDAY_NAMES[rhythm.weekday]
    if rhythm.frequency is Frequency.MONTHLY:
        assert rhythm.week_of_month is not None  # guaranteed by Rhythm.__post_init__
        return f"monthly on the {_ORDINALS[rhythm.week_of_month]} {weekday} {at}"
    if rhythm.frequency is Frequency.EVERY_N_WEEKS and rhythm.interval > 1:
        return f"every {rhythm.interval} weeks on {weekday} {at}"
    return f"every {weekday} {at}"


def nth_weekday(year: int, month: int, weekday: int, week_of_month: int) -> dt.date | None:
    """The `week_of_month`-th `weekday` of a month (-1 = the last), or None if it has none."""
    first_weekday, days = calendar.monthrange(year, month)
    if week_of_month == -1:
        last_weekday = (first_weekday + days - 1) % 7
        return dt.date(year, month, days - (last_weekday - weekday) % 7)
    day = 1 + (weekday - first_weekday) % 7 + 7 * (week_of_month - 1)
    return dt.date(year, month, day) if day <= days else None


def _zone(timezone: str) -> ZoneInfo:
    """The zone for an IANA name, or a ValueError a facilitator can act on."""
    if not isinstance(timezone, str) or not timezone:
        raise ValueError("a timezone is needed, e.g. Europe/Berlin or UTC")
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(
            f"unknown timezone {quoted(timezone)}; use an IANA name such as Europe/Berlin, "
            "America/New_York or UTC"
        ) from None


def _check_date(value: object, what: str) -> None:
    """Refuse anything but a calendar date (a datetime would compare wrongly with dates)."""
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise TypeError(f"{what} must be a date, got {quoted(value)}")


def _last_day(until: dt.date | None, ends_on: dt.date | None) -> dt.date | None:
    """The last local date a slot may fall on: the earlier of the two bounds given."""
    bounds = [day for day in (until, ends_on) if day is not None]
    for day in bounds:
        _check_date(day, "the end date")
    return min(bounds) if bounds else None


def _candidates(rhythm: Rhythm, start: dt.date) -> Iterator[dt.date]:
    """Meeting dates on or after `start`, increasing, ending quietly at the end of the calendar."""
    try:
        if rhythm.frequency is Frequency.EXPLICIT:
            yield from (day for day in sorted(set(rhythm.dates)) if day >= start)
            return
        assert rhythm.weekday is not None  # guaranteed by Rhythm.__post_init__
        if rhythm.frequency is Frequency.MONTHLY:
            assert rhythm.week_of_month is not None  # guaranteed by Rhythm.__post_init__
            yield from _monthly(start, rhythm.weekday, rhythm.week_of_month)
            return
        weeks = rhythm.interval if rhythm.frequency is Frequency.EVERY_N_WEEKS else 1
        anchor = rhythm.anchor if weeks > 1 and rhythm.anchor is not None else start
        yield from _every(start, anchor, rhythm.weekday, weeks)
    except OverflowError:
        return


def _every(start: dt.date, anchor: dt.date, weekday: int, weeks: int) -> Iterator[dt.date]:
    """Every `weeks` weeks on `weekday`, in phase with the first such day on or after `anchor`."""
    period = 7 * weeks
    first = anchor + dt.timedelta(days=(weekday - anchor.weekday()) % 7)
    behind = (start - first).days
    day = first + dt.timedelta(days=-(-behind // period) * period)
    step = dt.timedelta(days=period)
    while True:
        yield day
        day += step


def _monthly(start: dt.date, weekday: int, week_of_month: int) -> Iterator[dt.date]:
    """The chosen weekday of each month from `start`'s month on; months without one are skipped."""
    year, month = start.year, start.month
    while year <= dt.MAXYEAR:
        day = nth_weekday(year, month, weekday, week_of_month)
        if day is not None and day >= start:
            yield day
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _slot(day: dt.date, local_time: dt.time, zone: ZoneInfo) -> Slot | None:
    """The slot at `local_time` on `day` in `zone` (gap: moved forward; repeat: first), or None."""
    wall = dt.datetime.combine(day, local_time).replace(tzinfo=zone, fold=0)
    try:
        starts_at = wall.astimezone(dt.UTC)
        local_start = starts_at.astimezone(zone)
    except OverflowError:
        return None
    return Slot(local_date=day, starts_at=starts_at, local_start=local_start)
