"""Dates and timestamps as SQLite hands them back: aggregates over date columns and plain
driver rows give ISO text where the ORM would give `datetime` objects."""

from __future__ import annotations

import datetime as dt


def as_date(value: object) -> dt.date | None:
    """A date from SQL (a date, ISO text or NULL)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def as_datetime(value: object) -> dt.datetime:
    """A timestamp from SQL (a datetime or ISO text)."""
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def utc_date(moment: dt.datetime) -> dt.date:
    """The UTC calendar day of `moment` (naive timestamps are stored in UTC)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).date()
