"""A footer that rebuilds its keys only when they change, so showing a screen again is one paint."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer

Signature = tuple[object, ...]


class StableFooter(Footer):
    """Textual's Footer rebuilds all its key widgets whenever the screen's bindings are refreshed,
    which a screen switch always does (tens of widgets styled on the UI thread); this one keeps
    them when the keys, their labels and whether they are enabled are what it already shows."""

    def __init__(self) -> None:
        super().__init__()
        self._shown: Signature | None = None

    def signature(self) -> Signature:
        """What the footer would show for the screen's bindings now."""
        keys = tuple(
            (binding, enabled, tooltip)
            for _, binding, enabled, tooltip in self.screen.active_bindings.values()
            if binding.show
        )
        return (keys, self.compact, self.show_command_palette)

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Rebuild after the next refresh, unless the keys on show are still right."""
        self._bindings_ready = True
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self.call_after_refresh(self._rebuild_if_changed)

    def prepare(self) -> None:
        """Build the keys now, for a screen that is not on show yet (see the app's pre-build)."""
        self._bindings_ready = True
        self.call_after_refresh(self._rebuild_if_changed)

    async def _rebuild_if_changed(self) -> None:
        """Recompose if the keys changed, as the active message pump: a callback runs in the
        context of whoever scheduled it (the app, for a pre-build), and Footer.compose binds
        its keys' data to the active pump, which must be this footer."""
        if not self.is_attached:
            return
        shown = self.signature()
        if shown != self._shown:
            self._shown = shown
            with self._context():
                await self.recompose()
