"""The search box both list screens share: debounced typing, Enter to commit, Escape to clear."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input

SEARCH_DELAY = 0.2


class SearchBoxMixin(Screen[None]):
    """Filters a screen's list by the `#search` input; the screen implements `reload_for_search`."""

    _search: str = ""
    _search_timer: Timer | None = None

    def reload_for_search(self) -> None:
        """Reload the list for the new `_search` value."""
        raise NotImplementedError

    def focus_list(self) -> None:
        """Give focus back to the list after a search is committed or cleared."""
        raise NotImplementedError

    def search_ready(self) -> bool:
        """Whether a search can run now (the database is open)."""
        app: Any = self.app
        return app.db is not None

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "search":
            return
        if self._search_timer is not None:
            self._search_timer.stop()
        value = event.value.strip()
        self._search_timer = self.set_timer(SEARCH_DELAY, lambda: self.apply_search(value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "search":
            self.apply_search(event.value.strip())
            self.focus_list()

    def apply_search(self, value: str) -> None:
        """Filter the list by `value` (no-op when unchanged or before the database is open)."""
        if value == self._search or not self.search_ready():
            return
        self._search = value
        self.reload_for_search()

    def action_search(self) -> None:
        """Focus the search box."""
        self.query_one("#search", Input).focus()

    def action_clear_search(self) -> None:
        """Empty the search box and show everything in the current view."""
        self.query_one("#search", Input).value = ""
        self.apply_search("")
        self.focus_list()
