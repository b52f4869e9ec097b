"""Opening SQLite connections with the pragmas every connection must have."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

BUSY_TIMEOUT_MS = 5000

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


def connect(
    path: Path,
    *,
    mode: str = "rw",
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    synchronous: str = "FULL",
) -> sqlite3.Connection:
    """A raw connection in autocommit mode (transactions are begun explicitly) with all pragmas.

    `synchronous` stays FULL for every real database; only a scratch file that is fsynced and
    renamed into place as a whole (the demo build) may lower it.
    """
    if synchronous not in SYNCHRONOUS_LEVELS:
        raise ValueError(f"synchronous must be one of {sorted(SYNCHRONOUS_LEVELS)}")
    conn = sqlite3.connect(
        file_uri(path, mode),
        uri=True,
        timeout=busy_timeout_ms / 1000,
        isolation_level=None,
        check_same_thread=False,
    )
    for pragma in PRAGMAS:
        conn.execute(pragma)
    if busy_timeout_ms != BUSY_TIMEOUT_MS:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    if synchronous != "FULL":
        conn.execute(f"PRAGMA synchronous = {synchronous}")
    return conn


def is_busy_error(exc: BaseException) -> bool:
    """True for SQLite's 'database is locked' / 'busy' failures."""
    text = str(exc).lower()
    return "database is locked" in text or "database is busy" in text or "sqlite_busy" in text
