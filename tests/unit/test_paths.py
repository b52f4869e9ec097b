"""Paths: private folders are created private, existing folders keep their mode."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from circlekeeper.paths import private_mkdir


def test_private_mkdir_creates_missing_folders_0700(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b"
    private_mkdir(target)
    assert stat.S_IMODE(os.stat(tmp_path / "a").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o700


def test_private_mkdir_leaves_an_existing_folder_alone(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    private_mkdir(shared)
    private_mkdir(shared / "inner")
    assert stat.S_IMODE(os.stat(shared).st_mode) == 0o1777
    assert stat.S_IMODE(os.stat(shared / "inner").st_mode) == 0o700


def test_an_atomic_write_replaces_a_text_file_but_never_a_database(tmp_path: Path) -> None:
    import sqlite3

    import pytest

    from circlekeeper.paths import write_atomic

    notes = tmp_path / "notes.md"
    notes.write_text("old", encoding="utf-8")
    write_atomic(notes, "new")
    assert notes.read_text(encoding="utf-8") == "new"

    database = tmp_path / "community.db"
    with sqlite3.connect(database) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE t (x)")
        conn.execute("INSERT INTO t VALUES (1)")
        wal = Path(f"{database}-wal")
        for target in (database, wal):
            kept = target.read_bytes()
            with pytest.raises(FileExistsError, match="it is a database"):
                write_atomic(target, "# report")
            assert target.read_bytes() == kept
    assert not list(tmp_path.glob("*.partial"))
