"""The TUI's first paint at community scale, as one whole process: `circlekeeper --db DB`.

Runs the real entry point (`circlekeeper.cli.entry.run`, so every module a user's start-up
imports is imported the same way), with the app made headless at a fixed size. It
opens on the dashboard, as a user's does, and exits right after the refresh that follows the
dashboard's count line showing real figures (`DashboardScreen.FiguresShown`): with `--complete`
only once the whole dashboard (alerts, week, attendance) is on show. Prints the figures shown,
`{"active_members": N, "active_circles": N, "complete": bool}`, and whether SQLModel had been
imported by then. The process then ends at once (`os._exit` in that refresh's callback), as the
floor does, so what is timed ends at the paint: neither the app's shutdown nor the data stack's
import, which starts right after the first paint, is counted.

    python tests/benchmarks/tui_first_paint.py DB [--complete]
"""

import json
import os
import sys
from pathlib import Path
from typing import Any

SIZE = (120, 40)


def main(db: str, complete: bool) -> int:
    """Open the app on `db`, wait for the dashboard's figures (all of them if `complete`), exit."""
    from circlekeeper.cli import entry as cli
    from circlekeeper.tui import app as tui_app
    from circlekeeper.tui.screens.dashboard import DashboardScreen

    css = Path(tui_app.__file__).with_name("app.tcss")  # CSS_PATH is relative to the class
    seen: dict[str, Any] = {}

    class FirstPaint(tui_app.CircleKeeperApp):
        """The real app, headless, exiting once the dashboard shows real figures."""

        CSS_PATH = css

        def run(self, *args: Any, **kwargs: Any) -> None:
            super().run(headless=True, size=SIZE)

        def on_dashboard_screen_figures_shown(self, event: DashboardScreen.FiguresShown) -> None:
            if seen or (complete and not event.complete):
                return
            found = self.screen.shown if event.complete else self.glance  # type: ignore[attr-defined]
            seen.update(
                active_members=found.active_members,
                active_circles=found.active_circles,
                complete=event.complete,
                sqlmodel_imported="sqlmodel" in sys.modules,
            )
            self.call_after_refresh(painted)

    def painted() -> None:
        # Straight to file descriptor 1: while an app runs, textual captures `sys.stdout`.
        os.write(1, (json.dumps(seen) + "\n").encode())
        os._exit(0)

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
    # Normally the process ends in `painted`; this is reached only if the app stopped without
    # showing the dashboard (e.g. the database could not be opened).
    os._exit(main(sys.argv[1], "--complete" in sys.argv[2:]))
