"""The dashboard's first figures read with stdlib sqlite3 alone, so the TUI can show real data
before SQLAlchemy, SQLModel and pydantic are imported (about a second at start-up).

The counts use the same rules as `services.dashboard` (and stay in step with it through a test);
anything unexpected — a file that needs a migration, a locked or damaged file — gives None and
the dashboard simply waits for the full read.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from circlekeeper import clock
from circlekeeper.db.connection import BUSY_TIMEOUT_MS, file_uri, read_without_traces
from circlekeeper.db.errors import StorageError
from circlekeeper.db.identify import identify

WEEK_SESSIONS_SHOWN = 200
"""The dashboard lists at most this many of the week's sessions (services.sessions' default
limit), and its count line counts what it lists; the glance caps its count the same way."""

STORED_INSTANT = "%Y-%m-%d %H:%M:%S.%f"
"""How instants are stored (naive UTC, the format SQLAlchemy's DateTime writes on SQLite)."""


@dataclass(frozen=True)
class Glance:
    """The figures of the dashboard's count line."""

    active_members: int
    active_circles: int
    week_sessions: int


def first_glance(path: Path | None, *, timeout_s: float = BUSY_TIMEOUT_MS / 1000) -> Glance | None:
    """The dashboard's counts for the database at `path`, or None if they cannot be read cheaply
    (within `timeout_s` when another connection holds a lock).

    Never creates, migrates or writes anything: the file is opened read-only (as an immutable
    file when this user may not write it), and only after `identify` has accepted it.
    """
    if path is None or not path.exists():
        return None
    try:
        if identify(path).needs_migration:
            return None
        uri = file_uri(path, "ro")
        if read_without_traces(path):
            uri += "&immutable=1"
        conn = sqlite3.connect(uri, uri=True, timeout=timeout_s)
        try:
            return _read(conn)
        finally:
            conn.close()
    except (StorageError, sqlite3.Error):
        return None


def _read(conn: sqlite3.Connection) -> Glance:
    """The three counts, in one read transaction so they agree with each other."""
    now = clock.now().astimezone(dt.UTC).replace(tzinfo=None)
    conn.execute("BEGIN")
    try:
        members = conn.execute("SELECT count(*) FROM member WHERE status = 'active'").fetchone()
        circles = conn.execute("SELECT count(*) FROM circle WHERE status = 'active'").fetchone()
        sessions = conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM circle_session WHERE status = 'planned' "
            "AND starts_at >= ? AND starts_at <= ? LIMIT ?)",
            (
                (now - dt.timedelta(hours=12)).strftime(STORED_INSTANT),
                (now + dt.timedelta(days=7)).strftime(STORED_INSTANT),
                WEEK_SESSIONS_SHOWN,
            ),
        ).fetchone()
    finally:
        conn.rollback()
    return Glance(
        active_members=int(members[0]),
        active_circles=int(circles[0]),
        week_sessions=int(sessions[0]),
    )
