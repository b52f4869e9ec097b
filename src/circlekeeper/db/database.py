"""The Database handle: one engine per file, read and write transaction scopes, open and init."""

from __future__ import annotations

import os
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import QueuePool

from circlekeeper.db.backup import backup_before_migration
from circlekeeper.db.connection import (
    SQLITE_CORRUPT,
    SQLITE_FULL,
    SQLITE_NOTADB,
    SQLITE_READONLY,
    connect,
    default_busy_timeout_ms,
    is_busy_error,
    primary_code,
    sqlite_message,
)
from circlekeeper.db.errors import (
    DatabaseBusy,
    DatabaseCorrupt,
    DatabaseReadOnly,
    DiskFull,
    MigrationFailed,
    NotACircleKeeperDatabase,
    StorageError,
    damaged_message,
)
from circlekeeper.db.identify import identify
from circlekeeper.db.schema import SCHEMA_VERSION
from circlekeeper.paths import private_mkdir

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlmodel import Session

_WRITE_OPTION = "circlekeeper_write"

BUSY_MESSAGE = "another circlekeeper is writing — try again"


class Database:
    """An open circlekeeper database; services take one and open their own transactions."""

    def __init__(
        self, path: Path, *, busy_timeout_ms: int | None = None, synchronous: str = "FULL"
    ) -> None:
        self.path = path
        timeout_ms = default_busy_timeout_ms() if busy_timeout_ms is None else busy_timeout_ms
        self.busy_timeout_ms = timeout_ms
        self.synchronous = synchronous
        self.engine: Engine = create_engine(
            "sqlite://",
            creator=lambda: connect(path, busy_timeout_ms=timeout_ms, synchronous=synchronous),
            poolclass=QueuePool,
            pool_size=4,
            max_overflow=4,
        )
        event.listen(self.engine, "begin", _begin)
        self._write_engine = self.engine.execution_options(**{_WRITE_OPTION: True})
        self._watcher: sqlite3.Connection | None = None
        self._watcher_lock = threading.Lock()
        self._last_stamp: int | None = None

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read transaction: one consistent snapshot, nothing written."""
        from sqlmodel import Session

        with (
            _translated_errors(self.path),
            Session(self.engine, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction that takes the write lock first (BEGIN IMMEDIATE), so a
        read-then-write decision such as "is there a free seat?" cannot race another process."""
        from sqlmodel import Session

        with (
            _translated_errors(self.path),
            Session(self._write_engine, expire_on_commit=False) as session,
            session.begin(),
        ):
            session.connection()
            yield session

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read transaction on a Core connection, for services whose queries are built from
        services.core_tables: without an ORM session, a command such as `health --json` never
        imports SQLModel or SQLAlchemy's ORM (about 0.1 s of its start)."""
        with _translated_errors(self.path), self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def raw(self) -> Iterator[sqlite3.Connection]:
        """A plain sqlite3 connection with all pragmas, for bulk paths that bypass the ORM."""
        with _translated_errors(self.path):
            conn = connect(
                self.path, busy_timeout_ms=self.busy_timeout_ms, synchronous=self.synchronous
            )
            try:
                yield conn
            finally:
                conn.close()

    def change_stamp(self) -> int:
        """A number that differs from the last one whenever anyone (this program or another)
        has committed data to the database in between: SQLite's data_version, read on a
        connection of its own that writes only `housekeeping`, so a screen can tell whether what
        it shows is still current without reading it all again.

        While housekeeping runs, the stamp read before it is returned instead of waiting: its
        commit is not a change, and one made meanwhile by another program shows on the next
        call."""
        last = self._last_stamp
        if last is None:
            self._watcher_lock.acquire()
        elif not self._watcher_lock.acquire(blocking=False):
            return last
        try:
            with _translated_errors(self.path):
                stamp = int(self._watching().execute("PRAGMA data_version").fetchone()[0])
            self._last_stamp = stamp
            return stamp
        finally:
            self._watcher_lock.release()

    @contextmanager
    def housekeeping(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (BEGIN IMMEDIATE) for figures the program derives and keeps for
        itself, such as services.health's kept figures: on the change watcher's connection, so
        that its commit leaves `change_stamp` as it was (SQLite's data_version counts other
        connections' commits only) and a screen whose read filled them is not read again."""
        with self._watcher_lock, _translated_errors(self.path):
            conn = self._watching()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _watching(self) -> sqlite3.Connection:
        """The change watcher's connection, opened on first use (call with the lock held)."""
        if self._watcher is None:
            self._watcher = connect(
                self.path, busy_timeout_ms=self.busy_timeout_ms, synchronous=self.synchronous
            )
        return self._watcher

    def close(self) -> None:
        """Release every pooled connection."""
        with self._watcher_lock:
            if self._watcher is not None:
                self._watcher.close()
                self._watcher = None
        self.engine.dispose()


def _begin(conn: Any) -> None:
    mode = "IMMEDIATE" if conn.get_execution_options().get(_WRITE_OPTION) else "DEFERRED"
    conn.exec_driver_sql(f"BEGIN {mode}")


@contextmanager
def _translated_errors(path: Path) -> Iterator[None]:
    """Turn SQLite's busy, full, read-only and corruption failures (of the database at `path`)
    into errors with a one-line message a person can act on; other errors pass unchanged."""
    try:
        yield
    except (DBAPIError, sqlite3.Error) as exc:
        translated = storage_error(path, exc)
        if translated is None:
            raise
        raise translated from exc


def storage_error(path: Path, exc: BaseException) -> StorageError | None:
    """The StorageError a person should see for SQLite failure `exc`, or None if it is not one
    of the failures of the file itself (busy, disk full, read-only, damaged)."""
    code = primary_code(exc)
    if code is None and not isinstance(exc, OperationalError | sqlite3.OperationalError):
        return None
    if is_busy_error(exc):
        return DatabaseBusy(BUSY_MESSAGE)
    message = sqlite_message(exc)
    if code == SQLITE_FULL:
        return DiskFull(
            f"the disk holding {path} is full — nothing was saved; free some space and try again"
        )
    if code == SQLITE_READONLY:
        return DatabaseReadOnly(
            f"{path} cannot be written (it is read-only for you) — nothing was changed; check "
            "its permissions, or work on a copy"
        )
    lowered = message.lower()
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB) or "malformed" in lowered:
        return DatabaseCorrupt(damaged_message(path, message))
    return None


def open_database(
    path: Path,
    *,
    busy_timeout_ms: int | None = None,
    on_upgrade: Callable[[str], None] | None = None,
) -> Database:
    """Open an existing database, migrating it (after a backup) if its schema is older.

    `on_upgrade` is told, before a migration starts, what is about to happen: on a large
    database building new indexes takes a while, and silence would look like a hang. Raises
    DatabaseMissing for a path with no file, and refuses foreign or newer files untouched.
    """
    state = identify(path)
    if state.needs_migration:
        if on_upgrade is not None:
            on_upgrade(upgrade_notice(path, state.user_version))
        _migrate(path, state.user_version)
    return Database(path, busy_timeout_ms=busy_timeout_ms)


def upgrade_notice(path: Path, version: int) -> str:
    """What a user reads while `path` is upgraded from schema `version`."""
    return (
        f"upgrading {path.name} from schema {version} to {SCHEMA_VERSION} (a backup is taken "
        "first; a large database can take a minute)…"
    )


def _migrate(path: Path, version: int) -> None:
    """Back up `path`, then upgrade it in one transaction; a failure leaves it at `version`."""
    from circlekeeper.db.migrate import upgrade_to_head

    if not os.access(path, os.W_OK):
        raise DatabaseReadOnly(
            f"{path} was written by an older circlekeeper (schema {version}) and must be "
            "upgraded, but it is read-only for you — nothing was changed"
        )
    backup = backup_before_migration(path, version)
    try:
        with _translated_errors(path):
            upgrade_to_head(path)
    except StorageError:
        raise
    except Exception as exc:
        raise MigrationFailed(
            f"upgrading {path} from schema {version} failed ({type(exc).__name__}: "
            f"{sqlite_message(exc)}); the file was left as it was, and a backup is at "
            f"{backup} — please report this"
        ) from exc


def create_database(path: Path) -> Database:
    """Create a new, empty circlekeeper database at `path` (file 0600, folder 0700).

    The schema is built in a hidden scratch file that is linked into place only when complete,
    so a kill mid-way never leaves an empty or half-made file at `path` (which every later run
    would refuse as "not a circlekeeper database"), and a file that appears at `path` meanwhile
    is never replaced.
    """
    if path.exists():
        raise NotACircleKeeperDatabase(f"{path} already exists; it was left untouched")
    folder = private_mkdir(path.parent)
    scratch = folder / f".{path.name}.{secrets.token_hex(6)}.creating"
    fd = os.open(scratch, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    try:
        from circlekeeper.db.migrate import upgrade_to_head

        upgrade_to_head(scratch)
        _link_into_place(scratch, path)
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    return Database(path)


def _link_into_place(scratch: Path, path: Path) -> None:
    """Give the finished scratch file its real name, refusing to replace a file made meanwhile."""
    try:
        os.link(scratch, path)
    except FileExistsError as exc:
        raise NotACircleKeeperDatabase(f"{path} already exists; it was left untouched") from exc
    except OSError:  # a file system without hard links
        if path.exists():
            raise NotACircleKeeperDatabase(
                f"{path} already exists; it was left untouched"
            ) from None
        os.replace(scratch, path)
