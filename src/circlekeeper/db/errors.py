"""Storage errors: the database is missing, foreign, from the future, busy, read-only or full."""

from __future__ import annotations

from pathlib import Path

from circlekeeper.errors import CircleKeeperError
from circlekeeper.paths import backups_dir

EXIT_BUSY = 75


class StorageError(CircleKeeperError):
    """Something about the database file itself."""


class DatabaseMissing(StorageError):
    """An explicit path names no file; we never create one silently."""


class NotACircleKeeperDatabase(StorageError):
    """The file is not ours (or not SQLite at all); it is left untouched."""


class NewerSchema(StorageError):
    """The file was written by a newer circlekeeper; it is left untouched."""


class DatabaseBusy(StorageError):
    """Another process held the write lock for longer than the busy timeout."""

    exit_code = EXIT_BUSY


class DatabaseCorrupt(StorageError):
    """SQLite reports the file as damaged."""


class DatabaseReadOnly(StorageError):
    """The file (or its folder, or its disk) may be read but not written by this user."""


class DiskFull(StorageError):
    """The disk holding the database ran out of space; the transaction was rolled back."""


class MigrationFailed(StorageError):
    """Upgrading an older file failed; it was left at its old schema, with a backup beside it."""


def damaged_message(path: Path, detail: str) -> str:
    """The one line for a damaged database file: what is wrong, and where a backup may be."""
    folder = backups_dir(path)
    where = f"a backup in {folder}" if folder.is_dir() else "a backup or your own copy"
    return f"{path} is damaged ({detail}) — restore it from {where}"
