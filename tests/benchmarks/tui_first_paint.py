"""The TUI's first paint at community scale, as one whole process: `circlekeeper --db DB`.

Runs the real entry point (`circlekeeper.cli.main.run`, so typer, the CLI and textual are all
imported as a user's start-up imports them), with the app made headless at a fixed size and
told to exit right after the refresh that follows the members table's first page arriving.
Prints `{"total": N}`: how many members the table said it has. The process then ends at once
(`os._exit`), as the floor does, so what is timed ends at the first paint.

    python tests/benchmarks/tui_first_paint.py DB
"""

import json
import os
import sys
from pathlib import Path
from typing import Any

SIZE = (120, 40)


def main(db: str) -> int:
    """Open the app on `db`, wait for the members table's first page, paint, exit."""
    from circlekeeper.cli import main as cli
    from circlekeeper.tui import app as tui_app
    from circlekeeper.tui.widgets.paged_table import PagedTable

    css = Path(tui_app.__file__).with_name("app.tcss")  # CSS_PATH is relative to the class
    seen: dict[str, int] = {}

    class FirstPaint(tui_app.CircleKeeperApp):
        """The real app, headless, exiting once the first page of members is on screen."""

        CSS_PATH = css

        def run(self, *args: Any, **kwargs: Any) -> None:
            super().run(headless=True, size=SIZE)

        def on_paged_table_loaded(self, event: PagedTable.Loaded) -> None:
            if event.table.id == "list-table" and "total" not in seen:
                seen["total"] = event.total
                self.call_after_refresh(self.exit)

    tui_app.CircleKeeperApp = FirstPaint  # launch_tui imports the class late, so it gets this one
    sys.argv = ["circlekeeper", "--db", db]
    try:
        cli.run()
    except SystemExit as exit_:
        if exit_.code not in (0, None):
            raise
    print(json.dumps(seen), flush=True)
    return 0 if seen else 1


if __name__ == "__main__":
    # Skip interpreter teardown (≈ 0.3 s of garbage collection over SQLAlchemy, pydantic and
    # textual objects, and joining the detail and prefetch workers): it happens after the first
    # paint, and the floor skips its own teardown the same way.
    os._exit(main(sys.argv[1]))
