"""Floors for the TUI figures: a bare Textual app that paints one Static and exits, or (with
`--switch`) that switches screens.

Without arguments it runs headless at the same size and ends the same way as
`tui_first_paint.py` (`os._exit` in the callback of the refresh that follows its content being
ready), so the ratio is circlekeeper's own cost up to the first paint.

`--switch` defines the frame time the screen switches are held to: the bare app has one mode
per key (`1` to `4`), each a screen with one Static, and each key is timed from just before it
is pressed to the refresh after its screen (built on this first visit) has mounted — the
same key-to-painted span `tui_switch.py` times, with no data and no widgets of our own. Prints
`{"ms": [...]}`, one time per switch; its peak memory is the floor for the TUI's.

`--stack` (with `--switch`) first imports what the TUI cannot run without: SQLModel (SQLAlchemy,
pydantic) and circlekeeper's models, so its peak memory is the floor of the stack itself.
"""

import asyncio
import json
import os
import sys
import time

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static

SIZE = (120, 40)
KEYS = ("1", "2", "3", "4")


class BareApp(App[None]):
    """One Static, painted once."""

    def compose(self) -> ComposeResult:
        yield Static("hello")

    def on_mount(self) -> None:
        self.call_after_refresh(os._exit, 0)


class BareScreen(Screen[None]):
    """A screen with one Static that says when it has been painted."""

    def compose(self) -> ComposeResult:
        yield Static(f"screen {self.name}")

    def on_mount(self) -> None:
        self.call_after_refresh(self.app.mark_painted)  # type: ignore[attr-defined]


class SwitchApp(App[None]):
    """One mode per key; pressing the key switches to it."""

    MODES = {"home": BareScreen, **dict.fromkeys(KEYS, BareScreen)}
    DEFAULT_MODE = "home"

    def __init__(self) -> None:
        super().__init__()
        self.painted = asyncio.Event()
        self.painted_at = 0.0

    def mark_painted(self) -> None:
        """Stop the clock: the new screen has been refreshed."""
        self.painted_at = time.perf_counter()
        self.painted.set()

    def on_key(self, event: object) -> None:
        key = getattr(event, "key", "")
        if key in KEYS:
            self.switch_mode(key)


async def switch_times() -> list[float]:
    """Milliseconds from each key press to the refresh after its new screen mounted."""
    app = SwitchApp()
    times = []
    async with app.run_test(size=SIZE) as pilot:
        await app.painted.wait()
        await pilot.pause()
        for key in KEYS:
            app.painted.clear()
            start = time.perf_counter()
            await pilot.press(key)
            await app.painted.wait()
            times.append((app.painted_at - start) * 1000)
            await pilot.pause()
    return times


def import_stack() -> None:
    """Import SQLModel and circlekeeper's table and read models, as the TUI does."""
    import sqlmodel  # noqa: F401

    import circlekeeper.models  # noqa: F401


if __name__ == "__main__":
    if "--stack" in sys.argv[1:]:
        import_stack()
    if "--switch" in sys.argv[1:]:
        print(json.dumps({"ms": asyncio.run(switch_times())}))
    else:
        BareApp().run(headless=True, size=SIZE)
    sys.stdout.flush()
    os._exit(0)  # no interpreter teardown, exactly as tui_first_paint.py
