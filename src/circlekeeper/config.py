"""The user's settings in config.toml: read forgivingly, written atomically, unknown keys kept."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_type_hints

from circlekeeper import paths
from circlekeeper.text import quoted

DEFAULT_THEME = "circlekeeper-dark"


@dataclass
class Config:
    """Settings a facilitator can change; every field has a default that works out of the box."""

    theme: str = DEFAULT_THEME
    """Name of the colour theme (a bundled one, or one in the config folder's themes/)."""

    timezone: str = ""
    """The facilitator's IANA timezone for "today" and goal weeks; empty means this computer's."""

    week_starts_on: str = "mon"
    """First day of a goal week: mon, tue, wed, thu, fri, sat or sun."""

    coverage_min: int = 50
    """Fewest active members per active ambassador before coverage is flagged as thin on help."""

    coverage_max: int = 100
    """Most active members per active ambassador before coverage is flagged as a gap."""

    at_risk_absences: int = 3
    """Sessions missed in a row after which a member is at risk."""

    at_risk_quiet_days: int = 30
    """Days without a check-in after which a member is at risk."""

    pause_ending_days: int = 14
    """A member's pause ending within this many days puts them on the list."""

    activation_days: int = 14
    """A new member is activated by attending a first session within this many days of joining."""

    closed_off_weeks: int = 8
    """A circle with no shareable check-in for this many weeks is closed off."""

    review_every_weeks: int = 12
    """A seasonal review is due this many weeks after the last one (or the circle's start)."""

    fading_attendance_drop: float = 0.2
    """Attendance falling by this much (0.2 = 20 points) against the 4 sessions before: fading."""

    low_attendance: float = 0.5
    """Attendance below this share over the last 4 sessions: fading."""

    overdue_cadences: float = 1.5
    """No held session for this many cadence intervals: fading."""

    dormant_cadences: float = 3.0
    """No held session for this many cadence intervals: dormant."""

    quiet_share: float = 0.5
    """Fewer than this share of members speaking in check-ins is named as a reason."""


_TYPES: dict[str, Any] = get_type_hints(Config)


def load_config(path: Path | None = None) -> tuple[Config, list[str]]:
    """Read the config file: a missing file gives defaults; a broken value gives its default plus a
    warning naming the file and the problem, so that a typo never stops the app from starting."""
    path = path or paths.config_file()
    raw, warning = _read(path)
    if warning:
        return Config(), [warning]
    return _from_mapping(raw, path)


def save_config(config: Config, path: Path | None = None) -> Path:
    """Write `config` to the config file atomically (folder 0700, file 0600), keeping any keys
    this version does not know about so that a newer version's settings survive."""
    path = path or paths.config_file()
    existing, warning = _read(path)
    if warning and path.exists():
        _keep_copy(path)
    merged = {**(existing if not warning else {}), **dataclasses.asdict(config)}
    paths.private_mkdir(path.parent)
    import tomli_w

    paths.write_atomic(path, tomli_w.dumps(merged))
    return path


def _read(path: Path) -> tuple[dict[str, Any], str | None]:
    """The file's top-level table, or a warning saying why it could not be used."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle), None
    except FileNotFoundError:
        return {}, None
    except OSError as exc:
        return {}, f"could not read {path}: {exc.strerror}; using the default settings"
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return {}, f"{path} is not valid TOML ({exc}); using the default settings"


def _from_mapping(raw: dict[str, Any], path: Path) -> tuple[Config, list[str]]:
    """Take each known key whose value has the right type; warn about the others."""
    values: dict[str, Any] = {}
    warnings: list[str] = []
    for field in dataclasses.fields(Config):
        if field.name not in raw:
            continue
        value = raw[field.name]
        expected = _TYPES[field.name]
        if _is_instance(value, expected):
            values[field.name] = value
        else:
            warnings.append(
                f"{path}: {field.name} should be {_describe(expected)}, not {quoted(value)}; "
                f"using {quoted(field.default)}"
            )
    if isinstance(values.get("theme"), str) and not values["theme"].strip():
        warnings.append(f"{path}: theme is empty; using {quoted(DEFAULT_THEME)}")
        del values["theme"]
    warnings.extend(_drop_invalid(values, path))
    return Config(**values), warnings


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _drop_invalid(values: dict[str, Any], path: Path) -> list[str]:
    """Values of the right type that still make no sense fall back to their defaults, named."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    problems: list[str] = []
    zone = values.get("timezone")
    if zone:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(
                f"{path}: timezone {quoted(zone)} is not an IANA zone; using this computer's"
            )
            del values["timezone"]
    day = values.get("week_starts_on")
    if day is not None and str(day).lower()[:3] not in WEEKDAYS:
        problems.append(f"{path}: week_starts_on should be one of {', '.join(WEEKDAYS)}; using mon")
        del values["week_starts_on"]
    elif day is not None:
        values["week_starts_on"] = str(day).lower()[:3]
    low = values.get("coverage_min", Config.coverage_min)
    high = values.get("coverage_max", Config.coverage_max)
    if not 1 <= low <= high:
        problems.append(
            f"{path}: coverage_min and coverage_max need 1 <= min <= max; using 50 and 100"
        )
        values.pop("coverage_min", None)
        values.pop("coverage_max", None)
    for name in COUNTS:
        if name in values and not 1 <= values[name] <= 3650:
            problems.append(f"{path}: {name} should be 1 to 3650; using {_default(name)}")
            del values[name]
    for name in SHARES:
        if name in values and not 0 < values[name] <= 1:
            problems.append(
                f"{path}: {name} should be more than 0 and at most 1; using {_default(name)}"
            )
            del values[name]
    for name in ("overdue_cadences", "dormant_cadences"):
        if name in values and not 0 < values[name] <= 100:
            problems.append(f"{path}: {name} should be more than 0; using {_default(name)}")
            del values[name]
    overdue = values.get("overdue_cadences", Config.overdue_cadences)
    dormant = values.get("dormant_cadences", Config.dormant_cadences)
    if overdue > dormant:
        problems.append(
            f"{path}: overdue_cadences must not exceed dormant_cadences; using 1.5 and 3"
        )
        values.pop("overdue_cadences", None)
        values.pop("dormant_cadences", None)
    return problems


COUNTS = (
    "at_risk_absences",
    "at_risk_quiet_days",
    "pause_ending_days",
    "activation_days",
    "closed_off_weeks",
    "review_every_weeks",
)
SHARES = ("fading_attendance_drop", "low_attendance", "quiet_share")


def _default(name: str) -> object:
    """The default of config field `name`."""
    return next(f.default for f in dataclasses.fields(Config) if f.name == name)


def _is_instance(value: object, expected: Any) -> bool:
    if expected is bool:
        return isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if expected is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, expected)


def _describe(expected: Any) -> str:
    names = {str: "text", bool: "true or false", int: "a whole number", float: "a number"}
    return names.get(expected, getattr(expected, "__name__", str(expected)))


def _keep_copy(path: Path) -> None:
    """Keep an unreadable config beside the new one, so that nothing the user typed is lost."""
    with contextlib.suppress(OSError):
        os.replace(path, path.with_name(path.name + ".broken"))


def load_report_texts(path: Path | None = None) -> tuple[dict[str, dict[str, str]], list[str]]:
    """The `[reports.NAME]` tables of config.toml: a report's title, intro and headings as the
    facilitator wrote them (string values only; anything else is named in a warning)."""
    path = path or paths.config_file()
    raw, warning = _read(path)
    if warning:
        return {}, [warning]
    tables = raw.get("reports", {})
    if not isinstance(tables, dict):
        return {}, [f"{path}: reports should be a table of [reports.NAME] tables; ignored"]
    found: dict[str, dict[str, str]] = {}
    warnings: list[str] = []
    for report, keys in tables.items():
        if not isinstance(keys, dict):
            warnings.append(f"{path}: reports.{report} should be a table; ignored")
            continue
        found[report] = {}
        for key, value in keys.items():
            if isinstance(value, str):
                found[report][key] = value
            else:
                warnings.append(f"{path}: reports.{report}.{key} should be text; ignored")
    return found, warnings


@dataclass(frozen=True)
class BackupSettings:
    """The `[backups]` table: how many automatic backups to keep, as the newest of each of the
    last N days, weeks and months that have one (0 turns a tier off; the newest is always kept).
    Backups taken by hand, before a migration or before a restore are never pruned."""

    daily: int = 7
    """Days that keep their newest automatic backup."""

    weekly: int = 4
    """Weeks (Monday to Sunday) that keep their newest automatic backup."""

    monthly: int = 6
    """Calendar months that keep their newest automatic backup."""


MOST_KEPT = 1000
"""The largest count a backup tier may have."""


def load_backup_settings(path: Path | None = None) -> tuple[BackupSettings, list[str]]:
    """The `[backups]` table of config.toml: whole numbers from 0 to 1000; anything else is
    named in a warning and replaced by its default."""
    path = path or paths.config_file()
    raw, warning = _read(path)
    if warning:
        return BackupSettings(), [warning]
    table = raw.get("backups", {})
    if not isinstance(table, dict):
        return BackupSettings(), [f"{path}: backups should be a table ([backups]); ignored"]
    values: dict[str, int] = {}
    warnings: list[str] = []
    for field in dataclasses.fields(BackupSettings):
        if field.name not in table:
            continue
        value = table[field.name]
        if _is_instance(value, int) and 0 <= value <= MOST_KEPT:
            values[field.name] = value
        else:
            warnings.append(
                f"{path}: backups.{field.name} should be a whole number from 0 to {MOST_KEPT}, "
                f"not {quoted(value)}; using {quoted(field.default)}"
            )
    return BackupSettings(**values), warnings
