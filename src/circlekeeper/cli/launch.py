"""Starting the TUI from the CLI: textual is imported only here, only when needed."""

from __future__ import annotations

from pathlib import Path


def launch_tui(db_path: Path | None, *, demo: bool = False) -> None:
    """Open the TUI on the database the user means (or the demo database).

    An explicit path is checked before the TUI starts, so a typo gets the CLI's one-line error
    (`no database at PATH — run 'circlekeeper init'`) instead of an empty database.
    """
    from circlekeeper import paths
    from circlekeeper.db.identify import identify

    explicit = paths.explicit_db_path(db_path)
    if explicit is not None:
        identify(explicit)
    from circlekeeper.tui.app import CircleKeeperApp

    CircleKeeperApp(db_path=explicit, demo=demo).run()
