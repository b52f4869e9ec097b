"""Theme files: the shipped ones load and are legible; broken ones are reported and skipped."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.color import Color
from textual.widgets import Button, DataTable, Footer, Input

from circlekeeper import paths
from circlekeeper.config import DEFAULT_THEME
from circlekeeper.tui.themes import load_theme_file, load_theme_files, user_themes_dir

SHIPPED = {"circlekeeper-dark", "circlekeeper-light", "high-contrast"}
SIGNALS = ("primary", "secondary", "accent", "success", "warning", "error")

GOOD = 'name = "{name}"\ndark = false\nprimary = "#336699"\n'


def _contrast(first: str, second: str) -> float:
    """WCAG 2 contrast ratio between two colours."""

    def luminance(text: str) -> float:
        channels = []
        for value in Color.parse(text).rgb:
            c = value / 255
            channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
        red, green, blue = channels
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _write(folder: Path, filename: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / filename
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_themes_load_without_errors() -> None:
    themes, errors = load_theme_files()
    assert errors == []
    assert {theme.name for theme in themes} == SHIPPED
    assert DEFAULT_THEME in SHIPPED
    by_name = {theme.name: theme for theme in themes}
    assert by_name["circlekeeper-light"].dark is False
    assert by_name["high-contrast"].dark is True


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_the_shipped_themes_are_legible(name: str) -> None:
    theme = load_theme_file(paths.bundled_dir("themes") / f"{name}.toml")
    assert theme.background is not None
    assert theme.foreground is not None
    floor = 7.0 if name == "high-contrast" else 4.5
    assert _contrast(theme.foreground, theme.background) >= 7.0
    for key in SIGNALS:
        value = getattr(theme, key)
        assert _contrast(value, theme.background) >= floor, f"{name}: {key} {value}"


def test_a_broken_toml_and_a_bad_colour_are_reported_and_skipped(tmp_path: Path) -> None:
    broken = _write(tmp_path, "broken.toml", 'name = "broken"\nprimary = "#fff\n')
    bad_colour = _write(tmp_path, "bad-colour.toml", 'name = "bad-colour"\nprimary = "#GGGGGG"\n')
    _write(tmp_path, "fine.toml", GOOD.format(name="fine"))
    themes, errors = load_theme_files(tmp_path)
    assert [theme.name for theme in themes] == ["fine"]
    assert len(errors) == 2
    by_file = {next(str(p) for p in (broken, bad_colour) if str(p) in e): e for e in errors}
    assert "not valid TOML" in by_file[str(broken)]
    assert "primary = '#GGGGGG' is not a colour" in by_file[str(bad_colour)]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('name = "[b]bold[/b]"\nprimary = "red"\n', "name '[b]bold[/b]' must be lower-case"),
        ('name = "a,b"\nprimary = "red"\n', "must be lower-case"),
        ('name = "no-primary"\n', "primary is missing"),
        ('name = "typo"\nprimray = "red"\nprimary = "red"\n', "unknown key 'primray'"),
        ('name = "dark-text"\ndark = "yes"\nprimary = "red"\n', "dark must be true or false"),
        ('name = "number"\nprimary = 255\n', "primary must be a colour in quotes"),
        ('name = "spread"\nprimary = "red"\nluminosity_spread = 3\n', "from 0 to 1"),
        ('name = "vars"\nprimary = "red"\nvariables = "border"\n', "must be a table"),
        ('name = "vars"\nprimary = "red"\n[variables]\nborder = "loud"\n', "border = 'loud'"),
        ('name = "vars"\nprimary = "red"\n[variables]\n"Bad Name" = "red"\n', "'Bad Name'"),
    ],
)
def test_each_problem_is_named(tmp_path: Path, text: str, problem: str) -> None:
    path = _write(tmp_path, "theme.toml", text)
    themes, errors = load_theme_files(tmp_path)
    assert themes == []
    assert len(errors) == 1
    assert errors[0].startswith(f"{path}: ")
    assert problem in errors[0]


def test_variables_accept_colours_with_opacity_auto_and_text_styles(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "vars.toml",
        GOOD.format(name="vars")
        + '[variables]\ninput-selection-background = "rgb(10, 20, 30) 40%"\n'
        + 'text = "auto 87%"\nblock-cursor-text-style = "not bold"\nborder = "white"\n',
    )
    themes, errors = load_theme_files(tmp_path)
    assert errors == []
    assert themes[0].variables["block-cursor-text-style"] == "not bold"


def test_user_themes_are_added_and_may_replace_a_shipped_one() -> None:
    _write(user_themes_dir(), "mine.toml", GOOD.format(name="mine"))
    _write(user_themes_dir(), "my-contrast.toml", GOOD.format(name="high-contrast"))
    themes, errors = load_theme_files()
    assert errors == []
    by_name = {theme.name: theme for theme in themes}
    assert set(by_name) == SHIPPED | {"mine"}
    assert by_name["high-contrast"].primary == "#336699"


def test_two_files_with_one_name_in_a_folder_keep_the_first(tmp_path: Path) -> None:
    _write(tmp_path, "a.toml", GOOD.format(name="twin"))
    second = _write(tmp_path, "b.toml", GOOD.format(name="twin").replace("#336699", "#993366"))
    themes, errors = load_theme_files(tmp_path)
    assert [theme.primary for theme in themes] == ["#336699"]
    assert errors == [
        f"{second}: the theme name 'twin' is already used by a.toml; this file was skipped"
    ]


class _Gallery(App[None]):
    """A bare app with the widgets whose theme variables the shipped themes override."""

    def compose(self) -> ComposeResult:
        yield Input(value="selected text")
        yield Button("Save")
        yield DataTable()
        yield Footer()


def test_every_shipped_theme_renders_in_a_textual_app() -> None:
    themes, _ = load_theme_files()
    shown: list[tuple[str, Color]] = []

    async def switch_through_themes() -> None:
        app = _Gallery()
        async with app.run_test(size=(60, 12)) as pilot:
            for theme in themes:
                app.register_theme(theme)
            for theme in themes:
                app.theme = theme.name
                await pilot.pause()
                shown.append((app.current_theme.name, app.screen.styles.background))

    asyncio.run(switch_through_themes())
    assert shown == [(theme.name, Color.parse(theme.background or "")) for theme in themes]
