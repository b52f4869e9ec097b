"""Starting the TUI from the CLI: textual is imported only here, only when needed."""

from __future__ import annotations

from pathlib import Path


def launch_tui(db_path: Path | None, *, demo: bool = False) -> None:
    """Open the TUI on the database the user means (or the demo database)."""
    from circlekeeper.tui.app import CircleKeeperApp

    CircleKeeperApp(db_path=db_path, demo=demo).run()
