"""The user's settings in config.toml: read forgivingly, written atomically, unknown keys kept."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_type_hints

import tomli_w

from circlekeeper import paths

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
    _write_atomically(path, tomli_w.dumps(merged).encode("utf-8"))
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
                f"{path}: {field.name} should be {_describe(expected)}, not {value!r}; "
                f"using {field.default!r}"
            )
    if isinstance(values.get("theme"), str) and not values["theme"].strip():
        warnings.append(f"{path}: theme is empty; using {DEFAULT_THEME!r}")
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
            problems.append(f"{path}: timezone {zone!r} is not an IANA zone; using this computer's")
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
    return problems


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


def _write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, fsync it, then rename it over `path`."""
    folder = paths.private_mkdir(path.parent)
    fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o600)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
