"""Which database a command works on, and creating one: explicit paths are never invented."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from circlekeeper import paths
from circlekeeper.db import Database, NotACircleKeeperDatabase, create_database, open_database
from circlekeeper.db.identify import identify


@dataclass(frozen=True)
class InitResult:
    """What `init` did."""

    path: Path
    created: bool


def resolve_path(cli_value: str | os.PathLike[str] | None = None) -> tuple[Path, bool]:
    """The database path to use and whether the user named it explicitly."""
    explicit = paths.explicit_db_path(cli_value)
    if explicit is not None:
        return explicit, True
    return paths.default_db_path(), False


def open_workspace(
    cli_value: str | os.PathLike[str] | None = None,
    *,
    automatic_backup: bool = True,
    warn: Callable[[str], None] | None = None,
    inform: Callable[[str], None] | None = None,
) -> Database:
    """Open the database the user means for work; only the default database is created on
    first use.

    Opening checks once whether the daily automatic backup is due (services/backups.py) and
    whether the database sits in a synced or network folder; each problem found is passed to
    `warn`; `inform` hears of a schema upgrade before it starts. `automatic_backup=False` is for
    `member forget`, which must not take a backup first (it would keep what the member asked to
    erase). A database created just now is not backed up. When two processes create the default
    database at once (a TUI and a CLI run on first use), the one whose file lands second opens the
    winner's file instead of failing.
    """
    from circlekeeper.services.backups import opening_checks

    path, explicit = resolve_path(cli_value)
    if not explicit and not path.exists():
        created = _create_unless_made_meanwhile(path)
        if created is not None:
            _tell(opening_checks(path, automatic_backup=False), warn)
            return created
    db = open_database(path, on_upgrade=inform)
    try:
        _tell(opening_checks(path, automatic_backup=automatic_backup), warn)
    except BaseException:
        db.close()
        raise
    return db


def _tell(warnings: list[str], warn: Callable[[str], None] | None) -> None:
    """Pass each warning to `warn` (dropped when there is nobody to tell)."""
    if warn is not None:
        for warning in warnings:
            warn(warning)


def init_workspace(cli_value: str | os.PathLike[str] | None = None) -> InitResult:
    """Create a database at the chosen path; an existing circlekeeper database is kept as it is."""
    path, _ = resolve_path(cli_value)
    if not path.exists():
        created = _create_unless_made_meanwhile(path)
        if created is not None:
            created.close()
            return InitResult(path=path, created=True)
    identify(path)
    return InitResult(path=path, created=False)


def _create_unless_made_meanwhile(path: Path) -> Database | None:
    """Create the database at `path`, or return None if another process put a file there first
    (the caller then opens or identifies that file, which refuses it if it is not ours)."""
    try:
        return create_database(path)
    except NotACircleKeeperDatabase:
        if path.exists():
            return None
        raise


@dataclass(frozen=True)
class OpenedWorkspace:
    """An open database, and whether it holds nothing yet (so the TUI can greet a new user)."""

    db: Database
    path: Path
    is_empty: bool
    warnings: tuple[str, ...] = ()
    """Show each as a notification: a synced or network folder, a failed automatic backup."""


def open_for_tui(
    cli_value: str | os.PathLike[str] | None = None,
    *,
    inform: Callable[[str], None] | None = None,
) -> OpenedWorkspace:
    """Open (or on first use create) the database, and say whether it is still empty; `inform`
    hears of a schema upgrade before it starts (it runs on the caller's thread)."""
    warnings: list[str] = []
    db = open_workspace(cli_value, warn=warnings.append, inform=inform)
    from sqlalchemy import text

    with db.read() as session:
        members = session.exec(text("SELECT EXISTS (SELECT 1 FROM member)")).one()[0]  # type: ignore[call-overload]
        circles = session.exec(text("SELECT EXISTS (SELECT 1 FROM circle)")).one()[0]  # type: ignore[call-overload]
    return OpenedWorkspace(
        db=db, path=db.path, is_empty=not (members or circles), warnings=tuple(warnings)
    )
