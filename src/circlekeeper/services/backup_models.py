"""Read models of backups, restores, database checks and where the database lives."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    """A read model that cannot be changed after it is built."""

    model_config = ConfigDict(frozen=True)


class BackupRead(Frozen):
    """One backup that was just written."""

    path: str
    """Where the backup is (a file 0600 in a folder 0700)."""
    database: str
    """The database it is a copy of."""
    kind: str
    """manual, auto, or before-ACTION (before-restore, before-review-apply…)."""
    taken_at: dt.datetime
    size_bytes: int


class AutomaticBackup(Frozen):
    """What the automatic backup check did when the database was opened."""

    taken: str | None = None
    """The new backup, or None when none was due."""
    pruned: tuple[str, ...] = ()
    """Older automatic backups removed by the retention policy."""
    warnings: tuple[str, ...] = ()
    """Problems worth telling the user: a failed backup, a broken [backups] setting."""


class RestoreRead(Frozen):
    """What `restore` did."""

    database: str
    restored_from: str
    kept: str | None
    """The backup of the database that was replaced (None when there was none)."""
    upgraded_from_schema: int | None
    """The schema of the restored backup when it was older and was upgraded, else None."""


class CheckRead(Frozen):
    """One of SQLite's checks and the problems it found."""

    name: str
    ok: bool
    problems: tuple[str, ...]


class CheckReport(Frozen):
    """Every check of the database file; `ok` only when all of them passed."""

    database: str
    ok: bool
    checks: tuple[CheckRead, ...]


class LocationRead(Frozen):
    """Where the database and its backups are, and whether the place is risky."""

    database: str
    exists: bool
    backups: str
    backup_count: int
    """Finished backup files in the backups folder (of any database that shares it)."""
    warning: str | None
    """Set when the database is in a synced or network folder."""
