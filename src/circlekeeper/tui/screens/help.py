"""The `?` screen: every key the current screen and the app answer to, with what it does."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from circlekeeper.tui.widgets.footer import KeyFooter


def describe_keys(screen: Screen) -> list[tuple[str, str]]:
    """(key, description) for every binding active on `screen`: its own actions and the app's
    first (what the footer shows, and the app's keys it leaves out, such as `!`), then
    navigation and other keys."""
    seen: set[tuple[str, str]] = set()
    shown: list[tuple[str, str]] = []
    others: list[tuple[str, str]] = []
    for key, active in screen.active_bindings.items():
        binding = active.binding
        description = binding.description or binding.tooltip or binding.action
        display = (
            screen.app.get_key_display(binding)
            if binding.key_display is None
            else binding.key_display
        )
        entry = (display or key, description)
        if entry in seen:
            continue
        seen.add(entry)
        ours = (binding.id or "").startswith("app.")
        (shown if binding.show or ours else others).append(entry)
    return [*shown, ("ctrl+p", "Command palette: every screen and action by name"), *others]


class HelpScreen(ModalScreen[None]):
    """Lists the keys of the screen it was opened from."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", "Close", id="help.close"),
    ]

    def __init__(self, for_screen: Screen) -> None:
        super().__init__(classes="dialog-screen")
        self._rows = describe_keys(for_screen)
        self._name = for_screen.title or type(for_screen).__name__

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help"):
            yield Label(Content(f"Keys — {self._name}"), classes="dialog-title")
            with VerticalScroll():
                for key, description in self._rows:
                    yield Static(Content.assemble((f"{key:>12}", "bold"), "  ", description))
            yield KeyFooter()

    def action_close(self) -> None:
        self.dismiss(None)
