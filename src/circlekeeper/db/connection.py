"""Opening SQLite connections with the pragmas every connection must have."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from circlekeeper.db.errors import StorageError
from circlekeeper.text import quoted

BUSY_TIMEOUT_MS = 5000
"""How long a write waits for another process's write lock before giving up (DatabaseBusy)."""

BUSY_TIMEOUT_ENV = "CIRCLEKEEPER_BUSY_TIMEOUT_MS"
"""Overrides BUSY_TIMEOUT_MS (whole milliseconds), e.g. for scripts that would rather fail fast."""

# SQLite result codes that storage errors are made from (sqlite3 errors carry them as
# `sqlite_errorcode`; the primary code is its low byte).
SQLITE_BUSY = 5
SQLITE_READONLY = 8
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_NOTADB = 26
SQLITE_READONLY_DIRECTORY = SQLITE_READONLY | (6 << 8)

PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
    "PRAGMA secure_delete = ON",
)


def file_uri(path: Path, mode: str) -> str:
    """A `file:` URI for `path` opened with `mode` (ro, rw or rwc), safe for any file name."""
    return f"file:{quote(str(path.resolve()))}?mode={mode}"


SYNCHRONOUS_LEVELS = frozenset({"FULL", "NORMAL", "OFF"})


def default_busy_timeout_ms() -> int:
    """The busy timeout for new connections: CIRCLEKEEPER_BUSY_TIMEOUT_MS if set, else 5000."""
    raw = os.environ.get(BUSY_TIMEOUT_ENV, "").strip()
    if not raw:
        return BUSY_TIMEOUT_MS
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise StorageError(
            f"{BUSY_TIMEOUT_ENV} must be a whole number of milliseconds (e.g. 5000), not "
            f"{quoted(raw)}"
        )
    return value


def connect(
    path: Path,
    *,
    mode: str = "rw",
    busy_timeout_ms: int | None = None,
    synchronous: str = "FULL",
) -> sqlite3.Connection:
    """A raw connection in autocommit mode (transactions are begun explicitly) with all pragmas.

    `busy_timeout_ms` defaults to `default_busy_timeout_ms()`. `synchronous` stays FULL for
    every real database; only a scratch file that is fsynced and renamed into place as a whole
    (the demo build) may lower it. A file this user may not write is read without leaving
    -wal/-shm files behind (see `read_without_traces`).
    """
    if synchronous not in SYNCHRONOUS_LEVELS:
        raise ValueError(f"synchronous must be one of {sorted(SYNCHRONOUS_LEVELS)}")
    timeout_ms = default_busy_timeout_ms() if busy_timeout_ms is None else busy_timeout_ms
    if read_without_traces(path):
        return _configured(_immutable_uri(path), timeout_ms, synchronous)
    try:
        return _configured(file_uri(path, mode), timeout_ms, synchronous)
    except sqlite3.OperationalError as exc:
        if getattr(exc, "sqlite_errorcode", None) != SQLITE_READONLY_DIRECTORY:
            raise
        if Path(f"{path}-wal").exists():
            raise
    return _configured(_immutable_uri(path), timeout_ms, synchronous)


def read_without_traces(path: Path) -> bool:
    """Whether `path` must be read as an immutable file: this user may not write it, and no
    process has it open (there is no -wal beside it, so every committed byte is in the file).

    SQLite would otherwise create -wal and -shm files owned by this user, which it cannot remove
    again, and which then refuse every write by the file's owner ("attempt to write a readonly
    database"); in a folder this user may not write it cannot read the file at all
    (SQLITE_READONLY_DIRECTORY). Writes through the immutable connection fail as read-only.
    """
    if not path.exists() or os.access(path, os.W_OK):
        return False
    return not Path(f"{path}-wal").exists()


def _immutable_uri(path: Path) -> str:
    return file_uri(path, "ro") + "&immutable=1"


def _configured(uri: str, timeout_ms: int, synchronous: str) -> sqlite3.Connection:
    """Open `uri` and apply every pragma; the connection is closed again if a pragma fails."""
    conn = sqlite3.connect(
        uri, uri=True, timeout=timeout_ms / 1000, isolation_level=None, check_same_thread=False
    )
    try:
        for pragma in PRAGMAS:
            conn.execute(pragma)
        if timeout_ms != BUSY_TIMEOUT_MS:
            conn.execute(f"PRAGMA busy_timeout = {int(timeout_ms)}")
        if synchronous != "FULL":
            conn.execute(f"PRAGMA synchronous = {synchronous}")
    except BaseException:
        conn.close()
        raise
    return conn


def sqlite_cause(exc: BaseException) -> sqlite3.Error | None:
    """The sqlite3 error behind `exc` (SQLAlchemy keeps it as `.orig`), or None."""
    cause = getattr(exc, "orig", exc)
    return cause if isinstance(cause, sqlite3.Error) else None


def primary_code(exc: BaseException) -> int | None:
    """SQLite's primary result code (SQLITE_BUSY, SQLITE_FULL…) behind `exc`, if known."""
    cause = sqlite_cause(exc)
    code = getattr(cause, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def sqlite_message(exc: BaseException) -> str:
    """SQLite's own one-line message for `exc`, without SQLAlchemy's SQL and parameters."""
    cause = sqlite_cause(exc)
    text = str(cause if cause is not None else exc)
    return text.splitlines()[0] if text else type(exc).__name__


def is_busy_error(exc: BaseException) -> bool:
    """True for SQLite's 'database is locked' / 'busy' failures."""
    if primary_code(exc) == SQLITE_BUSY:
        return True
    text = str(exc).lower()
    return "database is locked" in text or "database is busy" in text or "sqlite_busy" in text
