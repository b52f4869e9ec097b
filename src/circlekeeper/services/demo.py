"""Building the demo database: a fresh sample community in its own file, swapped in atomically."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from circlekeeper import paths
from circlekeeper.db import Database, DatabaseCorrupt, NewerSchema, create_database
from circlekeeper.db.identify import identify
from circlekeeper.services.errors import Conflict
from circlekeeper.services.sample_community import load_sample_community

SIDE_FILES = ("-wal", "-shm", "-journal")


def build_demo_database(path: Path, *, sample_dir: Path | None = None) -> Path:
    """Build the sample community into a scratch file beside `path`, then move it over `path`.

    The scratch file is written with synchronous=OFF (a throwaway until it is complete), then
    fsynced and renamed: a kill at any point leaves either the old demo or the new one. The user's
    default database is refused, and so is any file at `path` that is not a circlekeeper database.
    """
    _refuse_real_database(path)
    folder = paths.private_mkdir(path.parent)
    scratch = folder / f".{path.name}.{secrets.token_hex(6)}.building"
    try:
        create_database(scratch).close()
        db = Database(scratch, synchronous="OFF")
        try:
            load_sample_community(db, sample_dir=sample_dir)
            with db.raw() as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            db.close()
        paths.fsync_file(scratch)
        _remove_side_files(scratch)
        _remove_side_files(path)
        os.replace(scratch, path)
        paths.sync_folder(folder)
    except BaseException:
        for name in (scratch, *(Path(f"{scratch}{suffix}") for suffix in SIDE_FILES)):
            name.unlink(missing_ok=True)
        raise
    return path


def _refuse_real_database(path: Path) -> None:
    """Never build over the user's own database or over a file that is not ours."""
    if path.resolve() == paths.default_db_path().resolve():
        raise Conflict(f"{path} is your own database; the demo is only ever built at its own path")
    if path.exists():
        with contextlib.suppress(NewerSchema, DatabaseCorrupt):
            identify(path)


def _remove_side_files(path: Path) -> None:
    """Delete the WAL and shared-memory files of `path`: a stale WAL must never meet a new file."""
    for suffix in SIDE_FILES:
        Path(f"{path}{suffix}").unlink(missing_ok=True)
