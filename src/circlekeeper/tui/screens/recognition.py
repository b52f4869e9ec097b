"""The Recognition screen: the recognition feed, compose and suggestions (being built)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static


class RecognitionScreen(Screen[None]):
    """Placeholder until the screen lands."""

    TITLE = "Recognition"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Recognition")
        yield Footer()
