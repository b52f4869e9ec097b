"""Consistent copies of a live WAL database through SQLite's backup API, checked and private."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from circlekeeper import clock
from circlekeeper.db.connection import connect
from circlekeeper.db.errors import DatabaseCorrupt
from circlekeeper.paths import backups_dir, private_mkdir


def backup_database(source: Path, destination: Path) -> Path:
    """Copy `source` to `destination` (0600), then prove the copy passes integrity_check."""
    private_mkdir(destination.parent)
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    src = connect(source, mode="ro")
    try:
        dest = sqlite3.connect(partial)
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
    os.chmod(partial, 0o600)
    os.replace(partial, destination)
    return destination


def backup_before_migration(source: Path, from_version: int) -> Path:
    """The automatic backup taken before any migration touches `source`."""
    stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
    name = f"{source.stem}-schema{from_version}-premigration-{stamp}.db"
    return backup_database(source, backups_dir(source) / name)
