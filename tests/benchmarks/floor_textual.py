"""Floor for the TUI's first paint: a bare Textual app that paints one Static and exits.

It runs headless at the same size and exits the same way as `tui_first_paint.py` (after the
refresh that follows its content being ready, then `os._exit`), so the ratio is circlekeeper's
own cost up to the first paint.
"""

import os
import sys

from textual.app import App, ComposeResult
from textual.widgets import Static

SIZE = (120, 40)


class BareApp(App[None]):
    """One Static, painted once."""

    def compose(self) -> ComposeResult:
        yield Static("hello")

    def on_mount(self) -> None:
        self.call_after_refresh(self.exit)


if __name__ == "__main__":
    BareApp().run(headless=True, size=SIZE)
    sys.stdout.flush()
    os._exit(0)  # no interpreter teardown, exactly as tui_first_paint.py
