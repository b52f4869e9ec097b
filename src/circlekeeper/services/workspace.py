"""Which database a command works on, and creating one: explicit paths are never invented."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from circlekeeper import paths
from circlekeeper.db import Database, create_database, open_database
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


def open_workspace(cli_value: str | os.PathLike[str] | None = None) -> Database:
    """Open the database the user means; only the default database is created on first use."""
    path, explicit = resolve_path(cli_value)
    if not explicit and not path.exists():
        return create_database(path)
    return open_database(path)


def init_workspace(cli_value: str | os.PathLike[str] | None = None) -> InitResult:
    """Create a database at the chosen path; an existing circlekeeper database is kept as it is."""
    path, _ = resolve_path(cli_value)
    if path.exists():
        identify(path)
        return InitResult(path=path, created=False)
    create_database(path).close()
    return InitResult(path=path, created=True)


@dataclass(frozen=True)
class OpenedWorkspace:
    """An open database, and whether it holds nothing yet (so the TUI can greet a new user)."""

    db: Database
    path: Path
    is_empty: bool


def open_for_tui(cli_value: str | os.PathLike[str] | None = None) -> OpenedWorkspace:
    """Open (or on first use create) the database, and say whether it is still empty."""
    db = open_workspace(cli_value)
    from sqlalchemy import text

    with db.read() as session:
        members = session.exec(text("SELECT EXISTS (SELECT 1 FROM member)")).one()[0]  # type: ignore[call-overload]
        circles = session.exec(text("SELECT EXISTS (SELECT 1 FROM circle)")).one()[0]  # type: ignore[call-overload]
    return OpenedWorkspace(db=db, path=db.path, is_empty=not (members or circles))
