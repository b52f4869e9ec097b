"""The one source of "now": injectable so tests and snapshots are stable."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable

_now: Callable[[], dt.datetime] | None = None


def _env_now() -> dt.datetime | None:
    """A fixed instant from CIRCLEKEEPER_NOW (ISO 8601), used by demos, snapshots and tests."""
    raw = os.environ.get("CIRCLEKEEPER_NOW")
    if not raw:
        return None
    moment = dt.datetime.fromisoformat(raw)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def now() -> dt.datetime:
    """The current instant, timezone-aware, in UTC."""
    if _now is not None:
        return _now()
    return _env_now() or dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Today's date in UTC."""
    return now().date()


def today_in(timezone: str | None) -> dt.date:
    """Today's date where the facilitator is: in `timezone` (IANA), or this computer's zone."""
    moment = now()
    if timezone:
        from zoneinfo import ZoneInfo

        return moment.astimezone(ZoneInfo(timezone)).date()
    return moment.astimezone().date()


def set_clock(source: Callable[[], dt.datetime] | None) -> None:
    """Replace the clock (None restores the real one)."""
    global _now
    _now = source


def freeze(moment: dt.datetime) -> None:
    """Fix the clock at `moment` (naive values are taken as UTC)."""
    fixed = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    set_clock(lambda: fixed)
