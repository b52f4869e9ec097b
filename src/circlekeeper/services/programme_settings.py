"""The facilitator's settings that shape the ambassador programme: timezone, week start and the
coverage band, read from config.toml with defaults that work out of the box."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from circlekeeper import clock


@dataclass(frozen=True)
class ProgrammeSettings:
    """What goal periods and coverage are judged by."""

    timezone: str = ""
    """IANA zone of the facilitator; empty means this computer's."""
    week_start: int = 0
    """0 = Monday … 6 = Sunday."""
    coverage_min: int = 50
    coverage_max: int = 100

    def today(self) -> dt.date:
        """Today's date in the facilitator's timezone."""
        return clock.today_in(self.timezone or None)


def programme_settings() -> ProgrammeSettings:
    """The settings from config.toml (a broken value falls back to its default)."""
    from circlekeeper.config import WEEKDAYS, load_config

    config, _ = load_config()
    return ProgrammeSettings(
        timezone=config.timezone,
        week_start=WEEKDAYS.index(config.week_starts_on),
        coverage_min=config.coverage_min,
        coverage_max=config.coverage_max,
    )
