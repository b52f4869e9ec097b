"""Jumping to the last member (the `end` key) at community scale, timed inside the process.

Opens the app headless, waits until the whole dashboard is on show and the app has pre-built its
main screens in the background (their reads would otherwise compete for the interpreter),
switches to the Members screen (filled by its pre-build), then repeats: go to the first row and
drop the cached pages (`reload`), wait until the table is idle again, press `end`, and stop the
clock at the refresh after the last row is highlighted (the table announces a row only once its
page is there). As in use, the list has read its last page ahead (`prefetch_edges`) by the time
the table is idle; with `--cold` that read-ahead is turned off, so every jump waits for the
database. Prints the times in ms as JSON.

    python tests/benchmarks/tui_jump_end.py DB [REPEATS] [--cold]
"""

import asyncio
import json
import sys
import time
from pathlib import Path

SIZE = (120, 40)
WAIT_S = 30.0
DASHBOARD_WAIT_S = 300.0


async def measure(db: Path, repeats: int, cold: bool) -> list[float]:
    """Milliseconds from pressing `end` to the last row being painted, `repeats` times."""
    from circlekeeper.tui import app as tui_app
    from circlekeeper.tui.app import CircleKeeperApp
    from circlekeeper.tui.screens.dashboard import DashboardScreen
    from circlekeeper.tui.widgets.paged_table import PagedTable

    css = Path(tui_app.__file__).with_name("app.tcss")  # CSS_PATH is relative to the class

    class JumpApp(CircleKeeperApp):
        """The real app, telling the benchmark when a wanted row has been painted."""

        CSS_PATH = css

        wanted: int | None = None
        painted: asyncio.Event
        painted_at = 0.0
        dashboard_done: asyncio.Event

        def on_dashboard_screen_figures_shown(self, event: DashboardScreen.FiguresShown) -> None:
            if event.complete:
                self.dashboard_done.set()

        def on_paged_table_row_highlighted(self, event: PagedTable.RowHighlighted) -> None:
            table = event.table
            if table.id != "list-table" or self.wanted is None:
                return
            if table.cursor_row == self.wanted:
                self.wanted = None
                self.call_after_refresh(self._painted)

        def _painted(self) -> None:
            self.painted_at = time.perf_counter()
            self.painted.set()

    app = JumpApp(db_path=db)
    app.painted = asyncio.Event()
    app.dashboard_done = asyncio.Event()
    times: list[float] = []
    async with app.run_test(size=SIZE) as pilot:

        async def shown(index: int) -> float:
            app.painted.clear()
            app.wanted = index
            await asyncio.wait_for(app.painted.wait(), WAIT_S)
            return app.painted_at

        async def idle(table: PagedTable) -> None:
            while table.is_loading:
                await asyncio.sleep(0.01)
            await pilot.pause()

        await asyncio.wait_for(app.dashboard_done.wait(), DASHBOARD_WAIT_S)
        prebuilding = [worker for worker in app.workers if worker.group == "prebuild"]
        await asyncio.wait_for(app.workers.wait_for_complete(prebuilding), DASHBOARD_WAIT_S)
        await pilot.pause()
        await app.switch_mode("members")
        await asyncio.wait_for(app.workers.wait_for_complete(), WAIT_S)
        await pilot.pause()
        table = app.screen.query_one("#list-table", PagedTable)
        table.prefetch_edges = not cold
        table.focus()
        for _ in range(repeats):
            table.action_cursor_first()
            waiting = asyncio.ensure_future(shown(0))
            table.reload()
            await waiting
            await idle(table)
            waiting = asyncio.ensure_future(shown(table.total - 1))
            start = time.perf_counter()
            await pilot.press("end")
            end = await waiting
            times.append((end - start) * 1000)
            if table.cursor_row != table.total - 1:
                raise RuntimeError(f"cursor at {table.cursor_row}, not {table.total - 1}")
            await idle(table)
    return times


def main(argv: list[str]) -> int:
    """Print `{"ms": [...]}` for the jumps measured on the database `argv[0]`."""
    args = [arg for arg in argv if not arg.startswith("--")]
    db = Path(args[0])
    repeats = int(args[1]) if len(args) > 1 else 3
    times = asyncio.run(measure(db, repeats, "--cold" in argv))
    print(json.dumps({"ms": times}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
