"""Consistent copies of a live WAL database through SQLite's backup API, checked and private."""

from __future__ import annotations

import itertools
import os
import secrets
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from circlekeeper import clock
from circlekeeper.db.connection import connect
from circlekeeper.db.errors import DatabaseCorrupt
from circlekeeper.paths import backups_dir, private_mkdir


def backup_database(source: Path, destination: Path) -> Path:
    """Copy `source` to `destination` (0600), then prove the copy passes integrity_check.

    An existing file at `destination` is never replaced: FileExistsError is raised instead.
    """
    found = _backup(source, [destination])
    if found is None:
        raise FileExistsError(f"{destination} already exists; it was left untouched")
    return found


def backup_before_migration(source: Path, from_version: int) -> Path:
    """The automatic backup taken before any migration touches `source`.

    Named after the source, its schema and the time; a second backup in the same second (two
    processes opening one old file at once) gets "-2", "-3"… rather than replacing the first.
    """
    stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
    base = f"{source.stem}-schema{from_version}-premigration-{stamp}"
    folder = backups_dir(source)
    names = (f"{base}.db" if n == 1 else f"{base}-{n}.db" for n in itertools.count(1))
    found = _backup(source, (folder / name for name in names))
    assert found is not None  # an endless sequence of names always has a free one
    return found


def _backup(source: Path, destinations: Iterable[Path]) -> Path | None:
    """Copy and check `source` once, then give the copy the first of `destinations` that is free
    (None if none is); the copy is made under a private temporary name in the same folder."""
    names = iter(destinations)
    first = next(names)
    private_mkdir(first.parent)
    partial = first.with_name(f".{first.name}.{secrets.token_hex(6)}.partial")
    fd = os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    try:
        _copy_checked(source, partial)
        os.chmod(partial, 0o600)
        for destination in itertools.chain([first], names):
            if _publish(partial, destination):
                return destination
        return None
    finally:
        partial.unlink(missing_ok=True)


def _copy_checked(source: Path, target: Path) -> None:
    src = connect(source, mode="ro")
    try:
        dest = sqlite3.connect(target)
        try:
            src.backup(dest)
            result = dest.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                raise DatabaseCorrupt(
                    f"the backup of {source} failed its integrity check: {result}"
                )
        finally:
            dest.close()
    finally:
        src.close()


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
