"""The one-widget footer: what it draws, and that clicking and hovering a key behave as
Textual's Footer does (the key is pressed; a disabled one rings the bell; its tooltip shows)."""

from __future__ import annotations

from typing import ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.widgets import Static

from circlekeeper.tui.widgets.footer import KeyFooter

MOVE = Binding.Group("Move", compact=True)


class Panel(Static, can_focus=True):
    """A focusable widget with a key of its own."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("x", "app.record('x')", "Expand")]


class KeysApp(App[None]):
    """An app with a plain key, a disabled key, a compact group and the command palette."""

    AUTO_FOCUS = None

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "record('alpha')", "Alpha", tooltip="Say alpha"),
        Binding("b", "record('beta')", "Beta"),
        Binding("j", "record('down')", "Down", group=MOVE),
        Binding("k", "record('up')", "Up", group=MOVE),
        Binding("z", "record('hidden')", "Hidden", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.pressed: list[str] = []
        self.bells = 0

    def compose(self) -> ComposeResult:
        yield Panel("panel")
        yield KeyFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if parameters == ("beta",) else True

    def action_record(self, what: str) -> None:
        self.pressed.append(what)

    def bell(self) -> None:
        self.bells += 1


def drawn(app: KeysApp) -> str:
    footer = app.query_one(KeyFooter)
    return "".join(segment.text for segment in footer.render_line(0))


def x_of(app: KeysApp, text: str) -> int:
    """The cell where `text` is drawn on the footer line."""
    line = drawn(app)
    assert text in line
    return line.index(text)


async def test_it_draws_keys_groups_and_the_palette_key_on_one_line() -> None:
    app = KeysApp()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        line = drawn(app)
        assert line.startswith(" a Alpha  b Beta  jk Move ")
        assert "Hidden" not in line
        assert line.rstrip().endswith("▏^p palette")
        assert len(line) == 80
        footer = app.query_one(KeyFooter)
        assert [key.key for key in footer.keys] == ["a", "b", "j", "k", "ctrl+p"]
        assert [key.enabled for key in footer.keys] == [True, False, True, True, True]


async def test_clicking_a_key_presses_it_and_a_disabled_one_rings_the_bell() -> None:
    app = KeysApp()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        await pilot.click(KeyFooter, offset=(x_of(app, "Alpha"), 0))
        await pilot.click(KeyFooter, offset=(x_of(app, "jk") + 1, 0))
        await pilot.pause()
        assert app.pressed == ["alpha", "up"]
        await pilot.click(KeyFooter, offset=(x_of(app, "Beta"), 0))
        await pilot.click(KeyFooter, offset=(x_of(app, "Move"), 0))
        await pilot.pause()
        assert app.pressed == ["alpha", "up"]
        assert app.bells == 1


async def test_hovering_a_key_shows_its_tooltip_and_highlights_it() -> None:
    app = KeysApp()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        footer = app.query_one(KeyFooter)
        plain = list(footer.render_line(0))
        await pilot.hover(KeyFooter, offset=(x_of(app, "Alpha"), 0))
        await pilot.pause()
        assert footer.tooltip == "Say alpha"
        assert list(footer.render_line(0)) != plain
        await pilot.hover(KeyFooter, offset=(x_of(app, "Move"), 0))
        await pilot.pause()
        assert footer.tooltip is None


@pytest.mark.parametrize("width", [30, 12])
async def test_a_narrow_footer_keeps_the_palette_key_and_crops_the_rest(width: int) -> None:
    app = KeysApp()
    async with app.run_test(size=(width, 10)) as pilot:
        await pilot.pause()
        line = drawn(app)
        assert len(line) == width
        assert line.rstrip().endswith("▏^p palette")
        assert app.query_one(KeyFooter).key_at(x_of(app, "▏")) is None
        await pilot.click(KeyFooter, offset=(x_of(app, "^p"), 0))
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)


async def test_the_keys_follow_the_focus() -> None:
    app = KeysApp()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        assert "Alpha" in drawn(app)
        footer = app.query_one(KeyFooter)
        assert "x" not in [key.key for key in footer.keys]
        await pilot.click(Panel)
        await pilot.pause()
        assert footer.keys[0].key == "x"
        assert drawn(app).startswith(" x Expand ")
