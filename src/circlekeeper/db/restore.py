"""Putting a backup in place of the live database: staged and verified beside it, then swapped
in under an exclusive lock, so that nobody keeps working on the file that was replaced."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from circlekeeper import paths
from circlekeeper.db.backup import backup_connection, backup_names
from circlekeeper.db.connection import BUSY_TIMEOUT_MS, connect, file_uri, is_busy_error
from circlekeeper.db.errors import (
    DatabaseBusy,
    DatabaseCorrupt,
    DatabaseMissing,
    NotACircleKeeperDatabase,
    StorageError,
)
from circlekeeper.db.identify import identify
from circlekeeper.paths import private_mkdir

SIDE_FILES = ("-wal", "-shm", "-journal")
KEPT_LABEL = "before-restore"


class DatabaseInUse(DatabaseBusy):
    """Another connection has the database open, so it cannot be replaced under it."""


@dataclass(frozen=True)
class Restored:
    """What a restore did."""

    path: Path
    source: Path
    kept: Path | None
    """The backup of the file that was replaced (None when there was no database there)."""

    from_schema: int
    """The schema of the restored file before it was upgraded (SCHEMA_VERSION if it was current)."""


def restore_database(
    target: Path, source: Path, *, wait_ms: int = BUSY_TIMEOUT_MS, keep_label: str = KEPT_LABEL
) -> Restored:
    """Replace the database at `target` with the backup at `source`.

    The backup is copied beside the target, proven to be a circlekeeper database that passes
    integrity_check and is not from a newer schema, and upgraded if it is older; only then is
    the current file (with its write-ahead log) backed up and swapped for it in one rename. A
    refusal at any step leaves `source` and `target` exactly as they were. Another program with
    the database open makes the restore wait `wait_ms`, then refuse.
    """
    if target.exists():
        _refuse_unless_ours(target)
    if target.exists() and source.exists() and os.path.samefile(source, target):
        raise NotACircleKeeperDatabase(f"nothing restored: {source} is the database itself")
    made = _missing_folders(target.parent)
    folder = private_mkdir(target.parent)
    scratch = folder / f".{target.name}.{secrets.token_hex(6)}.restoring"
    try:
        from_schema = _stage(source, scratch)
        kept = _swap(target, scratch, wait_ms=wait_ms, keep_label=keep_label)
    finally:
        for name in (scratch, *(Path(f"{scratch}{suffix}") for suffix in SIDE_FILES)):
            name.unlink(missing_ok=True)
        if not target.exists():  # refused: the folders made for it go too
            for created in made:
                with contextlib.suppress(OSError):
                    created.rmdir()
    return Restored(path=target, source=source, kept=kept, from_schema=from_schema)


def _refuse_unless_ours(path: Path) -> None:
    """Run identify on `path`, prefixing its one-line refusal with "nothing restored"."""
    try:
        identify(path)
    except StorageError as exc:
        raise type(exc)(f"nothing restored: {exc.message}") from exc


def _missing_folders(folder: Path) -> list[Path]:
    """The folders that do not exist yet on the way to `folder`, deepest first."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    return missing


def _stage(source: Path, scratch: Path) -> int:
    """Copy `source` (and a -wal beside it) to `scratch`, verify and upgrade the copy, and leave
    it a single self-contained file; returns its schema version before the upgrade."""
    if not source.exists():
        raise DatabaseMissing(f"nothing restored: there is no file at {source}")
    if source.is_dir():
        raise NotACircleKeeperDatabase(f"nothing restored: {source} is a folder, not a backup")
    _copy_bytes(source, scratch)
    wal = Path(f"{source}-wal")
    if wal.is_file() and wal.stat().st_size > 0:
        _copy_bytes(wal, Path(f"{scratch}-wal"))
    try:
        state = identify(scratch)
    except StorageError as exc:
        message = exc.message.replace(str(scratch), str(source))
        raise type(exc)(f"nothing restored: {message}") from exc
    _verify(scratch, source)
    if state.needs_migration:
        from circlekeeper.db.migrate import upgrade_to_head

        upgrade_to_head(scratch)
    conn = connect(scratch)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    for suffix in SIDE_FILES:
        Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    os.chmod(scratch, 0o600)
    paths.fsync_file(scratch)
    return state.user_version


def _copy_bytes(source: Path, target: Path) -> None:
    """Copy a file's bytes into a new private file (never replacing one)."""
    fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "wb") as out, source.open("rb") as handle:
        shutil.copyfileobj(handle, out, 1024 * 1024)


def _verify(scratch: Path, source: Path) -> None:
    """The staged copy must pass integrity_check, or nothing is restored."""
    damaged = f"nothing restored: {source} is damaged"
    try:
        conn = connect(scratch)
        try:
            found = [row[0] for row in conn.execute("PRAGMA integrity_check(5)")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseCorrupt(f"{damaged} ({exc}); it was left untouched") from exc
    if found != ["ok"]:
        raise DatabaseCorrupt(f"{damaged} ({found[0]}); it was left untouched")


def _swap(target: Path, scratch: Path, *, wait_ms: int, keep_label: str) -> Path | None:
    """Back up the current database and rename the staged file over it, holding an exclusive
    lock throughout; the replaced file is then marked unreadable, so that a program that opened
    it meanwhile and waits for the lock fails instead of working on a file nobody will see."""
    if not target.exists():
        _link_new(scratch, target)
        return None
    guard = _exclusive(target, wait_ms)
    try:
        try:
            kept = backup_connection(guard, target, keep_label)
        except DatabaseCorrupt:
            kept = _keep_damaged(target, f"{keep_label}-damaged")
        _release_log(guard, target, kept)
        for suffix in SIDE_FILES:
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        old = os.open(target, os.O_RDWR)
        try:
            os.replace(scratch, target)
            paths.sync_folder(target.parent)
            if os.fstat(old).st_nlink == 0:
                os.lseek(old, 0, os.SEEK_SET)
                os.write(old, bytes(100))
        finally:
            os.close(old)
    finally:
        guard.close()
    return kept


def _keep_damaged(target: Path, label: str) -> Path:
    """Keep a damaged database as it is: its bytes and its -wal file's, under a backup name
    (opening the copy replays the log just as opening the original would)."""
    wal = Path(f"{target}-wal")
    for name in backup_names(target, label, None):
        private_mkdir(name.parent)
        try:
            _copy_bytes(target, name)
        except FileExistsError:
            continue
        if wal.is_file() and wal.stat().st_size > 0:
            _copy_bytes(wal, Path(f"{name}-wal"))
        return name
    raise AssertionError("an endless sequence of names always has a free one")


def _release_log(guard: sqlite3.Connection, target: Path, kept: Path) -> None:
    """Fold the write-ahead log into the file and drop it, so that nothing of the old database
    is left beside the new one."""
    try:
        mode = guard.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        mode = str(exc)
    if str(mode).lower() != "delete":
        raise DatabaseCorrupt(
            f"nothing restored: {target} could not be closed cleanly ({mode}); it was kept as "
            f"{kept} — move it elsewhere and restore again"
        )


def _exclusive(target: Path, wait_ms: int) -> sqlite3.Connection:
    """A connection holding the database's exclusive lock: no other connection may be open.

    In WAL mode every open connection keeps a shared lock on the file, so the lock is granted
    only when nobody else has the database open (a TUI window, another command).
    """
    conn = sqlite3.connect(
        file_uri(target, "rw"), uri=True, isolation_level=None, timeout=wait_ms / 1000
    )
    try:
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        conn.close()
        if is_busy_error(exc):
            raise DatabaseInUse(
                f"nothing restored: {target} is open in another program (a circlekeeper window "
                "or command?) — close it and run the restore again"
            ) from exc
        raise DatabaseCorrupt(
            f"nothing restored: {target} cannot be opened ({exc}) — move it elsewhere and "
            "restore again"
        ) from exc
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise DatabaseCorrupt(
            f"nothing restored: {target} cannot be opened ({exc}) — move it elsewhere and "
            "restore again"
        ) from exc
    return conn


def _link_new(scratch: Path, target: Path) -> None:
    """Give the staged file the target's name when there was no database there."""
    for suffix in SIDE_FILES:
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    try:
        os.link(scratch, target)
    except FileExistsError as exc:
        raise NotACircleKeeperDatabase(
            f"nothing restored: {target} appeared meanwhile; it was left untouched"
        ) from exc
    except OSError:  # a file system without hard links
        os.replace(scratch, target)
    paths.sync_folder(target.parent)
