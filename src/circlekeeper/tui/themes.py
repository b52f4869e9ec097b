"""Theme files are data: TOML files validated and turned into Textual themes; a broken one is
reported and skipped, never a crash."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from textual.color import Color, ColorParseError
from textual.css.constants import VALID_STYLE_FLAGS
from textual.theme import Theme

from circlekeeper import paths
from circlekeeper.text import quoted

COLOR_KEYS = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "success",
    "warning",
    "error",
    "boost",
)
FLOAT_KEYS = ("luminosity_spread", "text_alpha")
KNOWN_KEYS = frozenset({"name", "dark", "variables", *COLOR_KEYS, *FLOAT_KEYS})
NAME_MAX = 40

# Lower-case words joined by hyphens: safe in the command palette (no markup) and in
# App.get_theme, which splits on commas.
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_VARIABLE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_TRAILING_PERCENT = re.compile(r"^(?P<head>.*?)(?:\s+(?P<percent>\d{1,3}(?:\.\d+)?%))?$")


class ThemeFileError(ValueError):
    """A theme file that cannot be used; the message names the file and the problem."""


def user_themes_dir() -> Path:
    """Where a facilitator's own theme files go."""
    return paths.config_dir() / "themes"


def load_theme_files(folder: Path | None = None) -> tuple[list[Theme], list[str]]:
    """Every usable theme in `folder` (default: the bundled themes, then the user's own), and one
    error line per file that was skipped. A user theme replaces a bundled one of the same name."""
    folders = [folder] if folder is not None else [paths.bundled_dir("themes"), user_themes_dir()]
    themes: dict[str, Theme] = {}
    errors: list[str] = []
    for directory in folders:
        if not directory.is_dir():
            continue
        seen: dict[str, Path] = {}
        for path in sorted(directory.glob("*.toml")):
            try:
                theme = load_theme_file(path)
            except ThemeFileError as exc:
                errors.append(str(exc))
                continue
            if theme.name in seen:
                errors.append(
                    f"{path}: the theme name {quoted(theme.name)} is already used by "
                    f"{seen[theme.name].name}; this file was skipped"
                )
                continue
            seen[theme.name] = path
            themes[theme.name] = theme
    return list(themes.values()), errors


def load_theme_file(path: Path) -> Theme:
    """One theme file turned into a Textual Theme; raises ThemeFileError saying what is wrong."""
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except OSError as exc:
        raise ThemeFileError(f"{path}: cannot be read ({exc.strerror})") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ThemeFileError(f"{path}: not valid TOML ({exc})") from exc
    try:
        return _theme_from(raw)
    except ValueError as exc:
        raise ThemeFileError(f"{path}: {exc}") from exc


def _theme_from(raw: dict[str, Any]) -> Theme:
    unknown = sorted(set(raw) - KNOWN_KEYS)
    if unknown:
        known = ", ".join(sorted(KNOWN_KEYS))
        raise ValueError(f"unknown key {quoted(unknown[0])} (a theme file may have: {known})")
    name = raw.get("name")
    if not isinstance(name, str) or not _NAME.match(name) or len(name) > NAME_MAX:
        raise ValueError(
            f"name {quoted(name)} must be lower-case letters and digits joined by hyphens, "
            f"at most {NAME_MAX} characters (e.g. 'my-dark-theme')"
        )
    dark = raw.get("dark", True)
    if not isinstance(dark, bool):
        raise ValueError(f"dark must be true or false, not {quoted(dark)}")
    if "primary" not in raw:
        raise ValueError("primary is missing: every theme needs at least a primary colour")
    options: dict[str, Any] = {key: _color(key, raw[key]) for key in COLOR_KEYS if key in raw}
    options.update({key: _fraction(key, raw[key]) for key in FLOAT_KEYS if key in raw})
    variables = _variables(raw.get("variables", {}))
    theme = Theme(name=name, dark=dark, variables=variables, **options)
    try:
        theme.to_color_system().generate()
    except Exception as exc:
        raise ValueError(f"Textual could not build colours from it: {exc}") from exc
    return theme


def _color(key: str, value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f'{key} must be a colour in quotes such as "#4DB6AC", not {quoted(value)}')
    try:
        Color.parse(value)
    except ColorParseError as exc:
        raise ValueError(f"{key} = {quoted(value)} is not a colour ({exc})") from exc
    return value


def _fraction(key: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"{key} must be a number from 0 to 1, not {quoted(value)}")
    return float(value)


def _variables(value: object) -> dict[str, str]:
    """Variables override Textual's derived design tokens: a colour (optionally with an opacity
    such as "#FFFFFF 50%"), "auto 87%", or a text style such as "bold" or "none"."""
    if not isinstance(value, dict):
        raise ValueError('[variables] must be a table of name = "value" pairs')
    result: dict[str, str] = {}
    for name, setting in value.items():
        if not _VARIABLE.match(name):
            raise ValueError(
                f"variable name {quoted(name)} must be lower-case words joined by hyphens"
            )
        if not isinstance(setting, str) or not _is_variable_value(setting):
            raise ValueError(
                f"variable {name} = {quoted(setting)} is neither a colour (optionally with a "
                f"percentage), 'auto NN%', nor a text style such as 'bold' or 'none'"
            )
        result[name] = setting
    return result


def _is_variable_value(setting: str) -> bool:
    match = _TRAILING_PERCENT.match(setting.strip())
    head = match.group("head").strip() if match else ""
    if not match or not head:
        return False
    if head == "auto":
        return True
    if match.group("percent") is None and all(word in VALID_STYLE_FLAGS for word in head.split()):
        return True
    try:
        Color.parse(head)
    except ColorParseError:
        return False
    return True
