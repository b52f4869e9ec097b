"""Jumping to the last member (the `end` key) at community scale, timed inside the process.

Opens the app headless, waits for the first page, then repeats: go to the first row and drop
the cached pages (so every jump reads from the database), press `end`, and stop the clock at
the refresh after the page holding the last row has arrived. Prints the times in ms as JSON.

    python tests/benchmarks/tui_jump_end.py DB [REPEATS]
"""

import asyncio
import json
import sys
import time
from pathlib import Path

SIZE = (120, 40)
WAIT_S = 30.0


async def measure(db: Path, repeats: int) -> list[float]:
    """Milliseconds from pressing `end` to the last row being painted, `repeats` times."""
    from circlekeeper.tui import app as tui_app
    from circlekeeper.tui.app import CircleKeeperApp
    from circlekeeper.tui.widgets.paged_table import PagedTable

    css = Path(tui_app.__file__).with_name("app.tcss")  # CSS_PATH is relative to the class

    class JumpApp(CircleKeeperApp):
        """The real app, telling the benchmark when a wanted row has been painted."""

        CSS_PATH = css

        wanted: int | None = None
        painted: asyncio.Event

        def on_paged_table_loaded(self, event: PagedTable.Loaded) -> None:
            table = event.table
            if table.id != "list-table" or self.wanted is None:
                return
            if table.row_at(self.wanted) is not None:
                self.wanted = None
                self.call_after_refresh(self._painted)

        def _painted(self) -> None:
            self.painted_at = time.perf_counter()
            self.painted.set()

    app = JumpApp(db_path=db)
    app.painted = asyncio.Event()
    times: list[float] = []
    async with app.run_test(size=SIZE) as pilot:

        async def shown(index: int) -> float:
            app.painted.clear()
            app.wanted = index
            await asyncio.wait_for(app.painted.wait(), WAIT_S)
            return app.painted_at

        await shown(0)
        table = app.screen.query_one(PagedTable)
        table.focus()
        for _ in range(repeats):
            table.action_cursor_first()
            waiting = asyncio.ensure_future(shown(0))
            table.reload()
            await waiting
            await pilot.pause()
            waiting = asyncio.ensure_future(shown(table.total - 1))
            start = time.perf_counter()
            await pilot.press("end")
            end = await waiting
            times.append((end - start) * 1000)
            if table.cursor_row != table.total - 1:
                raise RuntimeError(f"cursor at {table.cursor_row}, not {table.total - 1}")
    return times


def main(argv: list[str]) -> int:
    """Print `{"ms": [...], "total": N}` for the jumps measured on the database `argv[0]`."""
    db = Path(argv[0])
    repeats = int(argv[1]) if len(argv) > 1 else 3
    times = asyncio.run(measure(db, repeats))
    print(json.dumps({"ms": times}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
