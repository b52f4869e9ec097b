"""First run: greet the facilitator and offer the sample community or an empty start."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from circlekeeper.tui.widgets.footer import KeyFooter

WELCOME = (
    "circlekeeper keeps your community's small circles alive: who is in which circle, "
    "their rhythm and agreements, and who needs a nudge. Everything stays in one file on "
    "this computer.\n\n"
    "Start with a sample community to look around (you can delete it later), or start empty "
    "and add members (n on the Members screen) or import a roster "
    "(circlekeeper member import roster.csv)."
)


class WelcomeScreen(ModalScreen[str]):
    """Returns "sample" or "empty"."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "choose('sample')", "Sample community", id="welcome.sample"),
        Binding("e,escape", "choose('empty')", "Start empty", id="welcome.empty"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog welcome"):
            yield Label("Welcome to circlekeeper", classes="dialog-title")
            yield Static(WELCOME)
            with Horizontal(classes="buttons"):
                yield Button("Load the sample community (s)", id="sample", variant="primary")
                yield Button("Start empty (e)", id="empty")
            yield KeyFooter()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "empty")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)
