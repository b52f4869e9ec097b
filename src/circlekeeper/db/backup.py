"""Consistent copies of a live WAL database through SQLite's backup API, checked and private."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import secrets
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from circlekeeper import clock
from circlekeeper.db.connection import connect
from circlekeeper.db.errors import DatabaseCorrupt, StorageError
from circlekeeper.paths import backups_dir, fsync_file, private_mkdir

STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
"""The UTC time in a backup's name: 20261121T120000Z."""

AUTOMATIC = "auto"
MANUAL = "manual"


def backup_database(source: Path, destination: Path) -> Path:
    """Copy `source` to `destination` (0600), then prove the copy passes integrity_check.

    An existing file at `destination` is never replaced: FileExistsError is raised instead.
    """
    found = _backup(lambda target: _copy_checked(source, target), [destination])
    if found is None:
        raise FileExistsError(f"{destination} already exists; it was left untouched")
    return found


def backup_into_folder(source: Path, label: str, folder: Path | None = None) -> Path:
    """A checked copy of `source` named `{stem}-{label}-{UTC time}.db` in `folder` (the backups
    folder beside the database unless given); a second one in the same second gets "-2", "-3"…
    rather than replacing the first."""
    names = backup_names(source, label, folder)
    found = _backup(lambda target: _copy_checked(source, target), names)
    assert found is not None  # an endless sequence of names always has a free one
    return found


def backup_before_migration(source: Path, from_version: int) -> Path:
    """The automatic backup taken before any migration touches `source`.

    Named after the source, its schema and the time; a second backup in the same second (two
    processes opening one old file at once) gets "-2", "-3"… rather than replacing the first.
    """
    return backup_into_folder(source, f"schema{from_version}-premigration")


def backup_connection(conn: sqlite3.Connection, source: Path, label: str) -> Path:
    """Like `backup_into_folder`, reading through `conn` (a connection that holds a lock other
    connections would wait for, as a restore does)."""
    found = _backup(
        lambda target: _copy_from(conn, source, target), backup_names(source, label, None)
    )
    assert found is not None  # an endless sequence of names always has a free one
    return found


def backup_names(source: Path, label: str, folder: Path | None) -> Iterator[Path]:
    """`{stem}-{label}-{stamp}.db`, then the same with "-2", "-3"… in the backups folder."""
    stamp = clock.now().astimezone(dt.UTC).strftime(STAMP_FORMAT)
    base = f"{source.stem}-{label}-{stamp}"
    where = backups_dir(source) if folder is None else folder
    return (where / (f"{base}.db" if n == 1 else f"{base}-{n}.db") for n in itertools.count(1))


@dataclass(frozen=True, order=True)
class NamedBackup:
    """A backup file whose name says when it was taken (the counter orders same-second ones)."""

    taken_at: dt.datetime
    counter: int
    path: Path


def backups_labelled(source: Path, label: str) -> list[NamedBackup]:
    """The finished backups of `source` with `label` in its backups folder, oldest first.

    Files of other databases sharing the folder, other labels, and unfinished (hidden) copies
    are not included.
    """
    pattern = re.compile(
        rf"{re.escape(source.stem)}-{re.escape(label)}-(\d{{8}}T\d{{6}}Z)(?:-(\d+))?\.db"
    )
    folder = backups_dir(source)
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return []
    found = []
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None or not entry.is_file(follow_symlinks=False):
            continue
        try:
            taken = dt.datetime.strptime(match.group(1), STAMP_FORMAT).replace(tzinfo=dt.UTC)
        except ValueError:
            continue
        found.append(NamedBackup(taken, int(match.group(2) or 1), Path(entry.path)))
    return sorted(found)


def _backup(copy: Callable[[Path], None], destinations: Iterable[Path]) -> Path | None:
    """Make one checked copy with `copy(target)`, then give it the first of `destinations`
    that is free (None if none is); the copy is made under a private temporary name in the
    same folder."""
    names = iter(destinations)
    first = next(names)
    private_mkdir(first.parent)
    partial = first.with_name(f".{first.name}.{secrets.token_hex(6)}.partial")
    fd = os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    try:
        copy(partial)
        os.chmod(partial, 0o600)
        for destination in itertools.chain([first], names):
            if _publish(partial, destination):
                return destination
        return None
    finally:
        partial.unlink(missing_ok=True)


def _copy_checked(source: Path, target: Path) -> None:
    """Copy the database at `source` through a read-only connection of its own."""
    try:
        src = connect(source, mode="ro")
    except sqlite3.DatabaseError as exc:
        raise _failure(source, exc) from exc
    try:
        _copy_from(src, source, target)
    finally:
        src.close()


def _copy_from(src: sqlite3.Connection, source: Path, target: Path) -> None:
    """Copy every page through `src` into `target` in one step, then check the copy.

    The copy is switched to a rollback journal, so that opening a backup (to restore it, or
    with another SQLite tool) does not make -wal and -shm files appear beside it. It is written
    unsynced (a half-written copy keeps its hidden temporary name) and flushed to disk once at
    the end: one fsync instead of SQLite's several, a quarter of the time.
    """
    dest = sqlite3.connect(target, isolation_level=None)
    try:
        dest.execute("PRAGMA synchronous = OFF")
        src.backup(dest)
        dest.execute("PRAGMA journal_mode = DELETE")
        result = dest.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise DatabaseCorrupt(f"the backup of {source} failed its integrity check: {result}")
    except sqlite3.DatabaseError as exc:
        raise _failure(source, exc) from exc
    finally:
        dest.close()
    fsync_file(target)


def _failure(source: Path, exc: sqlite3.DatabaseError) -> StorageError:
    """A one-line error for an SQLite failure while backing up `source`."""
    text = str(exc).lower()
    damaged = "malformed" in text or "not a database" in text
    error = DatabaseCorrupt if damaged else StorageError
    return error(f"the backup of {source} failed: {exc}")


def _publish(partial: Path, destination: Path) -> bool:
    """Give the finished copy its name unless a file already has it (True when it was given)."""
    try:
        os.link(partial, destination)
    except FileExistsError:
        return False
    except OSError:  # a file system without hard links: claim the name, then move onto it
        try:
            fd = os.open(destination, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            return False
        os.close(fd)
        os.replace(partial, destination)
    return True
