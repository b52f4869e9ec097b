"""The Ambassadors screen: goals, progress and programme health (being built)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static


class AmbassadorsScreen(Screen[None]):
    """Placeholder until the screen lands."""

    TITLE = "Ambassadors"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Ambassadors")
        yield Footer()
