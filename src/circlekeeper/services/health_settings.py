"""The thresholds circle and member health are judged by, read from config.toml.

Services take a HealthSettings argument (defaults when omitted), so tests pass their own and the
CLI and TUI pass `health_settings()`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HealthSettings:
    """Every threshold of health, risk, activation and reviews, with the documented defaults."""

    at_risk_absences: int = 3
    at_risk_quiet_days: int = 30
    pause_ending_days: int = 14
    activation_days: int = 14
    closed_off_weeks: int = 8
    review_every_weeks: int = 12
    fading_attendance_drop: float = 0.2
    low_attendance: float = 0.5
    overdue_cadences: float = 1.5
    dormant_cadences: float = 3.0
    quiet_share: float = 0.5


def health_settings() -> HealthSettings:
    """The thresholds from config.toml (a broken value falls back to its default)."""
    import dataclasses

    from circlekeeper.config import load_config

    config, _ = load_config()
    names = {field.name for field in dataclasses.fields(HealthSettings)}
    return HealthSettings(**{name: getattr(config, name) for name in names})
