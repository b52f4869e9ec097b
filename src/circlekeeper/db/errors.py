"""Storage errors: the database is missing, foreign, from the future, or busy."""

from __future__ import annotations

from circlekeeper.errors import CircleKeeperError

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
