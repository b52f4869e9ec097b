"""Deciding, without writing a byte, whether a file is a circlekeeper database we may open."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from circlekeeper.db.connection import file_uri
from circlekeeper.db.errors import (
    DatabaseCorrupt,
    DatabaseMissing,
    NewerSchema,
    NotACircleKeeperDatabase,
    damaged_message,
)
from circlekeeper.db.schema import APPLICATION_ID, SCHEMA_VERSION, SQLITE_MAGIC


@dataclass(frozen=True)
class FileState:
    """What we learned about an existing database file."""

    path: Path
    user_version: int

    @property
    def needs_migration(self) -> bool:
        return self.user_version < SCHEMA_VERSION


def missing_message(path: Path) -> str:
    """The one message for a path with no database behind it."""
    return f"no database at {path} — run 'circlekeeper init'"


def identify(path: Path) -> FileState:
    """Check `path` is a circlekeeper database this code can open; raise a one-line error if not.

    The header is read as plain bytes first, so a foreign file is never opened by SQLite (which
    could switch its journal mode); only our own files are then asked for their schema version
    through a read-only connection.
    """
    if not path.exists():
        raise DatabaseMissing(missing_message(path))
    if path.is_dir():
        raise NotACircleKeeperDatabase(f"{path} is a folder, not a circlekeeper database")
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise NotACircleKeeperDatabase(f"cannot read {path}: {exc.strerror}") from exc
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise NotACircleKeeperDatabase(
            f"{path} is not a circlekeeper database (not an SQLite file)"
        )
    if int.from_bytes(header[68:72], "big") != APPLICATION_ID:
        raise NotACircleKeeperDatabase(
            f"{path} is an SQLite file but not a circlekeeper database; it was left untouched"
        )
    _refuse_if_cut_short(path, header)
    version = _user_version(path, header)
    if version > SCHEMA_VERSION:
        raise NewerSchema(
            f"{path} was written by a newer circlekeeper (schema {version}, this one knows "
            f"{SCHEMA_VERSION}) — upgrade circlekeeper; the file was left untouched"
        )
    return FileState(path=path, user_version=version)


def _refuse_if_cut_short(path: Path, header: bytes) -> None:
    """Refuse a file shorter than its own header says (a copy or download cut short) before
    SQLite opens it, which would leave -wal and -shm files and fail only on the first query.

    With a -wal file beside it the check is skipped: a checkpoint in progress may have written
    the new page count before the pages. The header is read again once the -wal is known to be
    absent, so a checkpoint that ended meanwhile is not mistaken for damage.
    """
    if _expected_size(header) <= path.stat().st_size:
        return
    if Path(f"{path}-wal").exists():
        return
    with path.open("rb") as handle:
        header = handle.read(100)
    expected, size = _expected_size(header), path.stat().st_size
    if expected > size:
        raise DatabaseCorrupt(
            damaged_message(
                path,
                f"its header says {expected:,} bytes but it has {size:,}, so it was probably "
                "cut short while being copied",
            )
        )


def _expected_size(header: bytes) -> int:
    """The file size the SQLite header promises (0 when its page count is not known to be valid)."""
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    if header[24:28] != header[92:96]:  # an old writer did not keep the page count up to date
        return 0
    return pages * page_size


def _user_version(path: Path, header: bytes) -> int:
    """PRAGMA user_version, from the header bytes unless a write-ahead log may hold a newer one.

    Even a read-only SQLite connection creates -wal and -shm files beside a WAL database (and
    leaves them behind), so a file we refuse must not be opened by SQLite at all.
    """
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return _read_user_version(path)
    return int.from_bytes(header[60:64], "big")


def _read_user_version(path: Path) -> int:
    try:
        conn = sqlite3.connect(file_uri(path, "ro"), uri=True)
        try:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseCorrupt(f"{path} cannot be read as a database: {exc}") from exc
