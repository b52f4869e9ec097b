"""Switching screens at community scale, timed inside the process: key press to data painted.

Opens the app headless on DB and waits until the whole dashboard is on show, then until the app
has pre-built the Members, Circles, Health and Ambassadors screens in the background (each
composed, laid out and filled with its first read, one after the other), so nothing else is
running, as for a user who looks at the dashboard for a moment before pressing a key. Then it
presses `m`, `c`, `h` and `a` in turn (going back to the dashboard with `d` in between).

Each switch is timed from just before the key is pressed to the refresh after the screen shows
its real data. A pre-built screen holds its data already: the clock stops at the first refresh
after the screen is resumed (the paint of that data), checked by the rows the screen says it
holds. Nothing is committed meanwhile, so showing it reads nothing again (the app compares the
database's change stamp with the one taken at the pre-build; after a commit the read again lands
later, in a thread worker, and would not be waited for). With `--cold` nothing is pre-built:
these are first visits, and the clock stops at the refresh after the screen's first data arrived
(the first page of the Members or Circles table, the Health table, the Ambassadors list).

Prints `{"ms": {"members": …, "circles": …, "health": …, "ambassadors": …}, "rows": {…},
"prebuild_ms": …}` (rows: what each screen said it holds, so a fast empty screen cannot pass;
prebuild_ms: from the whole dashboard on show until the pre-builds were done, null with --cold).

    python tests/benchmarks/tui_switch.py DB [--cold]
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

SIZE = (120, 40)
WAIT_S = 300.0
SWITCHES = (("m", "members"), ("c", "circles"), ("h", "health"), ("a", "ambassadors"))


async def measure(db: Path, cold: bool = False) -> dict[str, Any]:
    """Milliseconds from each screen key to that screen's data painted, and its row counts."""
    from textual import events
    from textual.screen import Screen

    from circlekeeper.tui import app as tui_app
    from circlekeeper.tui.screens.ambassadors import AmbassadorsScreen
    from circlekeeper.tui.screens.dashboard import DashboardScreen
    from circlekeeper.tui.widgets.paged_table import PagedTable

    css = Path(tui_app.__file__).with_name("app.tcss")  # CSS_PATH is relative to the class
    show_list = AmbassadorsScreen._show_list

    class SwitchApp(tui_app.CircleKeeperApp):
        """The real app, telling the benchmark when the screen it waits for shows its data."""

        CSS_PATH = css
        waiting_for: str | None = None
        painted: asyncio.Event
        painted_at = 0.0
        rows: dict[str, int]

        def arrived(self, mode: str, rows: int) -> None:
            """Data for `mode` arrived: stop the clock after the next refresh if it is awaited."""
            if self.waiting_for == mode:
                self.waiting_for = None
                self.rows[mode] = rows
                self.call_after_refresh(self._painted)

        def _painted(self) -> None:
            self.painted_at = time.perf_counter()
            self.painted.set()

        def on_dashboard_screen_figures_shown(self, event: DashboardScreen.FiguresShown) -> None:
            if event.complete:
                self.arrived("dashboard", 0)

        def screen_resumed(self, screen: Screen[Any]) -> None:
            """A screen is on show again: if it is the awaited one and already holds its data
            (it was pre-built), the next refresh paints that data."""
            mode = self.waiting_for
            if mode is None or screen not in self._screen_stacks.get(mode, [])[:1]:
                return
            rows = getattr(screen, "shown_rows", lambda: None)()
            if rows is not None:
                self.arrived(mode, rows)

        def on_paged_table_loaded(self, event: PagedTable.Loaded) -> None:
            screen: Screen[Any] = event.table.screen
            for mode in ("members", "circles", "health"):
                if screen in self._screen_stacks.get(mode, [])[:1]:
                    self.arrived(mode, event.total)

    def patched_show_list(screen: AmbassadorsScreen, rows: list[Any]) -> None:
        show_list(screen, rows)
        screen.app.arrived("ambassadors", len(rows))  # type: ignore[attr-defined]

    AmbassadorsScreen._show_list = patched_show_list  # type: ignore[method-assign]
    resume = Screen._on_screen_resume

    def patched_resume(screen: Screen[Any], event: events.ScreenResume) -> None:
        resume(screen, event)
        if isinstance(screen.app, SwitchApp):
            screen.app.screen_resumed(screen)

    Screen._on_screen_resume = patched_resume  # type: ignore[method-assign]

    app = SwitchApp(db_path=db, prebuild=not cold)
    app.painted = asyncio.Event()
    app.rows = {}
    times: dict[str, float] = {}
    prebuild_ms = None
    async with app.run_test(size=SIZE) as pilot:
        app.waiting_for = "dashboard"
        await asyncio.wait_for(app.painted.wait(), WAIT_S)
        shown = time.perf_counter()
        prebuilding = [worker for worker in app.workers if worker.group == "prebuild"]
        if prebuilding:
            await asyncio.wait_for(app.workers.wait_for_complete(prebuilding), WAIT_S)
            prebuild_ms = (time.perf_counter() - shown) * 1000
            print(f"pre-built in {prebuild_ms:.0f} ms", file=sys.stderr, flush=True)
        await pilot.pause()
        for key, mode in SWITCHES:
            app.painted.clear()
            app.waiting_for = mode
            start = time.perf_counter()
            await pilot.press(key)
            await asyncio.wait_for(app.painted.wait(), WAIT_S)
            times[mode] = (app.painted_at - start) * 1000
            print(f"{mode}: {times[mode]:.0f} ms", file=sys.stderr, flush=True)
            await pilot.press("d")
            await pilot.pause()
    rows = {mode: app.rows[mode] for _, mode in SWITCHES}
    return {"ms": times, "rows": rows, "prebuild_ms": prebuild_ms}


def main(argv: list[str]) -> int:
    """Print the switch times measured on the database `argv[0]` (`--cold`: no pre-building)."""
    found = asyncio.run(measure(Path(argv[0]), cold="--cold" in argv[1:]))
    print(json.dumps(found), flush=True)
    return 0


if __name__ == "__main__":
    # No interpreter teardown: the floor skips its own the same way, and peak memory is taken
    # by the runner from the whole process either way.
    os._exit(main(sys.argv[1:]))
