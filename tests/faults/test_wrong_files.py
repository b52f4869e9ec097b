"""Fault: the wrong file given to `--db`, and a migration that fails halfway.

Each wrong file is refused through the CLI with one line and left byte-identical (no -wal/-shm
either); a migration that fails after some of its steps leaves the file at its old revision,
with the backup taken before it began.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from circlekeeper import paths
from circlekeeper.db import Database, open_database
from circlekeeper.db.errors import StorageError
from circlekeeper.db.schema import SCHEMA_VERSION
from circlekeeper.models import MemberCreate
from circlekeeper.services import members
from tests.cli.cli_helpers import Cli
from tests.faults.helpers import assert_one_line_error, query, sha256
from tests.migration_helpers import add_revision_after_head, step_back

ROSTER = ("Ana Lima", "Bea Costa", "Caio Reis")


def filled(db: Database) -> Path:
    """The fixture database with a few members, closed so that everything is in the main file."""
    for index, name in enumerate(ROSTER):
        members.add_member(db, data=MemberCreate(name=name, handle=f"m{index}"))
    db.close()
    return db.path


def random_bytes(real: Path, path: Path) -> None:
    """Noise of a database's size."""
    path.write_bytes(os.urandom(16384))


def a_csv(real: Path, path: Path) -> None:
    """The roster someone meant to import."""
    path.write_text("name,email\nAna,ana@example.org\n", encoding="utf-8")


def an_empty_file(real: Path, path: Path) -> None:
    """Zero bytes (a failed download, a `touch`)."""
    path.write_bytes(b"")


def a_truncated_database(real: Path, path: Path) -> None:
    """The first 8 KiB of a real circlekeeper database: our header, most pages missing."""
    path.write_bytes(real.read_bytes()[:8192])


def a_newer_schema(real: Path, path: Path) -> None:
    """A real database as a newer circlekeeper would leave it."""
    path.write_bytes(real.read_bytes())
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()


WRONG_FILES: dict[str, tuple[Callable[[Path, Path], None], str]] = {
    "random bytes": (random_bytes, "not a circlekeeper database"),
    "a CSV": (a_csv, "not a circlekeeper database"),
    "an empty file": (an_empty_file, "not a circlekeeper database"),
    "a truncated database": (a_truncated_database, "is damaged"),
    "a newer schema": (a_newer_schema, "newer circlekeeper"),
}


@pytest.mark.parametrize(("make", "says"), WRONG_FILES.values(), ids=WRONG_FILES.keys())
def test_a_wrong_file_is_refused_in_one_line_and_left_byte_identical(
    db: Database, tmp_path: Path, make: Callable[[Path, Path], None], says: str
) -> None:
    real = filled(db)
    folder = tmp_path / "given"
    folder.mkdir()
    path = folder / "theirs.db"
    make(real, path)
    before = sha256(path)

    result = Cli(path)("member", "list", code=1)

    line = assert_one_line_error(result.stderr, containing=says)
    assert str(path) in line
    assert result.stdout == ""
    assert sha256(path) == before
    assert os.listdir(folder) == ["theirs.db"]


FAILING_REVISION = """
revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None

from alembic import op


def upgrade() -> None:
    op.execute("CREATE TABLE half_done (note TEXT)")
    op.execute("UPDATE member SET name = 'half-migrated'")
    op.execute("PRAGMA user_version = 99")
    raise RuntimeError("the second step failed")


def downgrade() -> None:
    pass
"""


@pytest.fixture
def failing_last_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Add a revision after the real head that changes things, then fails."""
    add_revision_after_head(
        tmp_path / "extra_versions", monkeypatch, "9999_fails.py", FAILING_REVISION
    )


def test_a_migration_failing_halfway_leaves_the_old_revision_and_its_backup(
    db: Database, failing_last_step: None
) -> None:
    path = filled(db)
    step_back(path)  # one real migration (the newest) and then the failing one are pending
    old_revision = query(path, "SELECT version_num FROM alembic_version")
    old_version = query(path, "PRAGMA user_version")[0][0]
    old_tables = query(path, "SELECT name FROM sqlite_master ORDER BY name")
    old_names = query(path, "SELECT name FROM member ORDER BY id")
    assert old_version == SCHEMA_VERSION - 1

    with pytest.raises(StorageError) as caught:
        open_database(path)

    (backup,) = paths.backups_dir(path).iterdir()
    message = str(caught.value)
    assert "\n" not in message
    assert "the second step failed" in message
    assert str(backup) in message
    assert query(path, "SELECT version_num FROM alembic_version") == old_revision
    assert query(path, "PRAGMA user_version") == [(old_version,)]
    assert query(path, "SELECT name FROM sqlite_master ORDER BY name") == old_tables
    assert query(path, "SELECT name FROM member ORDER BY id") == old_names
    assert query(path, "PRAGMA integrity_check") == [("ok",)]
    assert f"schema{old_version}" in backup.name
    assert query(backup, "PRAGMA integrity_check") == [("ok",)]
    assert query(backup, "SELECT version_num FROM alembic_version") == old_revision
    assert query(backup, "SELECT name FROM member ORDER BY id") == old_names


def test_the_cli_reports_a_failed_migration_in_one_line(
    db: Database, failing_last_step: None
) -> None:
    path = filled(db)
    step_back(path)
    old_revision = query(path, "SELECT version_num FROM alembic_version")

    result = Cli(path)("member", "list", code=1)

    notice, error = result.stderr.split("\n", 1)
    assert notice.startswith(f"upgrading {path.name} from schema ")
    assert_one_line_error(error, containing="the file was left as it was")
    assert query(path, "SELECT version_num FROM alembic_version") == old_revision
    assert len(list(paths.backups_dir(path).iterdir())) == 1
