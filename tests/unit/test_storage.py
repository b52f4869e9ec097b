"""Storage rules: pragmas on every connection, write locks, refusing foreign files untouched."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from circlekeeper import paths
from circlekeeper.db import (
    Database,
    DatabaseMissing,
    NewerSchema,
    NotACircleKeeperDatabase,
    StorageError,
    create_database,
    migrate,
    open_database,
)
from circlekeeper.db.backup import backup_before_migration, backup_database
from circlekeeper.db.schema import SCHEMA_VERSION
from circlekeeper.models import MemberCreate
from circlekeeper.services import members
from circlekeeper.services.workspace import init_workspace, open_workspace

EXPECTED_PRAGMAS = {
    "foreign_keys": 1,
    "journal_mode": "wal",
    "synchronous": 2,  # FULL
    "busy_timeout": 5000,
    "secure_delete": 1,
}


def pragmas(execute: Callable[[str], object]) -> dict[str, object]:
    """Read every pragma we care about through `execute` (which returns the first value)."""
    return {name: execute(f"PRAGMA {name}") for name in EXPECTED_PRAGMAS}


def mode(path: Path) -> int:
    """The permission bits of `path`."""
    return stat.S_IMODE(path.stat().st_mode)


# --- connections -----------------------------------------------------------------------------


def test_every_pooled_connection_has_the_pragmas(db: Database) -> None:
    held = [db.engine.raw_connection() for _ in range(6)]  # held at once: six distinct ones
    try:
        assert len({id(conn.driver_connection) for conn in held}) == 6
        for conn in held:
            cursor = conn.cursor()
            assert pragmas(lambda sql, c=cursor: c.execute(sql).fetchone()[0]) == EXPECTED_PRAGMAS
    finally:
        for conn in held:
            conn.close()


def test_session_scopes_and_raw_connections_have_the_pragmas(db: Database) -> None:
    with db.read() as session:
        found = pragmas(lambda sql: session.exec(text(sql)).one()[0])  # type: ignore[call-overload]
        assert found == EXPECTED_PRAGMAS
    with db.write() as session:
        found = pragmas(lambda sql: session.exec(text(sql)).one()[0])  # type: ignore[call-overload]
        assert found == EXPECTED_PRAGMAS
    for _ in range(2):
        with db.raw() as conn:
            assert pragmas(lambda sql: conn.execute(sql).fetchone()[0]) == EXPECTED_PRAGMAS


def other_writer_can_start(path: Path) -> bool:
    """Whether a second, plain connection can take the write lock right now (no waiting)."""
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        if "database is locked" not in str(exc):
            raise
        return False
    finally:
        conn.close()
    return True


def test_a_write_scope_holds_the_write_lock_before_writing_anything(db: Database) -> None:
    assert other_writer_can_start(db.path)
    with db.write():
        assert not other_writer_can_start(db.path)
    assert other_writer_can_start(db.path)


def test_a_read_scope_does_not_take_the_write_lock(db: Database) -> None:
    members.add_member(db, data=MemberCreate(name="Ana", email="ana@x.org"))
    with db.read() as session:
        count = session.exec(text("SELECT count(*) FROM member")).one()[0]  # type: ignore[call-overload]
        assert count == 1
        assert other_writer_can_start(db.path)


# --- missing and foreign files ---------------------------------------------------------------


def test_the_change_stamp_moves_with_every_commit_and_only_then(
    db: Database, db_path: Path
) -> None:
    """Reads leave it alone; a commit through this Database, or by another connection (another
    program), changes it; closing and asking again works."""
    first = db.change_stamp()
    members.list_members(db)
    assert db.change_stamp() == first
    members.add_member(db, data=MemberCreate(name="Ana Lima", handle="@ana"))
    after_own = db.change_stamp()
    assert after_own != first
    assert db.change_stamp() == after_own
    other = sqlite3.connect(db_path)
    try:
        with other:
            other.execute("UPDATE member SET name = 'Ana L.' WHERE handle_key = 'ana'")
        assert other.total_changes == 1
    finally:
        other.close()
    after_other = db.change_stamp()
    assert after_other != after_own
    db.close()
    assert isinstance(db.change_stamp(), int)


def test_a_missing_explicit_path_is_refused_and_not_created(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "typo.db"
    with pytest.raises(DatabaseMissing) as caught:
        open_database(path)
    assert str(caught.value) == f"no database at {path} — run 'circlekeeper init'"
    assert not path.exists()
    assert not path.parent.exists()


def write_random(path: Path) -> None:
    """A file of random bytes."""
    path.write_bytes(os.urandom(8192))


def write_csv(path: Path) -> None:
    """A roster CSV someone might pass by mistake."""
    path.write_text("name,email\nAna,ana@example.org\n", encoding="utf-8")


def write_empty(path: Path) -> None:
    """An empty file."""
    path.write_bytes(b"")


def write_plain_sqlite(path: Path) -> None:
    """Someone else's SQLite database with a table in it."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('keep me')")
    conn.commit()
    conn.close()


def write_plain_wal_sqlite(path: Path) -> None:
    """Someone else's SQLite database in WAL mode (opening it would create -wal/-shm)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE member (id INTEGER PRIMARY KEY, name TEXT)")
    conn.commit()
    conn.close()


FOREIGN = {
    "random bytes": write_random,
    "a CSV": write_csv,
    "an empty file": write_empty,
    "a plain SQLite db": write_plain_sqlite,
    "a plain SQLite db in WAL mode": write_plain_wal_sqlite,
}


def fingerprint(path: Path) -> tuple[bytes, int, list[str]]:
    """Bytes, modification time and the folder listing: all must survive a refusal."""
    return path.read_bytes(), path.stat().st_mtime_ns, sorted(os.listdir(path.parent))


def assert_one_line(error: BaseException) -> None:
    """Refusals are one line a person can read."""
    assert str(error)
    assert "\n" not in str(error)


@pytest.mark.parametrize("make", FOREIGN.values(), ids=FOREIGN.keys())
def test_foreign_files_are_refused_and_left_untouched(
    tmp_path: Path, make: Callable[[Path], None]
) -> None:
    path = tmp_path / "theirs.db"
    make(path)
    before = fingerprint(path)
    with pytest.raises(NotACircleKeeperDatabase) as caught:
        open_database(path)
    assert_one_line(caught.value)
    assert str(path) in str(caught.value)
    assert fingerprint(path) == before
    assert not Path(f"{path}-wal").exists()
    assert not Path(f"{path}-shm").exists()


def test_a_folder_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "folder.db"
    path.mkdir()
    with pytest.raises(NotACircleKeeperDatabase, match="is a folder") as caught:
        open_database(path)
    assert_one_line(caught.value)
    assert os.listdir(path) == []
    assert sorted(os.listdir(tmp_path)) == ["folder.db"]


def test_foreign_files_are_refused_by_the_workspace_too(tmp_path: Path) -> None:
    path = tmp_path / "theirs.db"
    write_plain_sqlite(path)
    before = fingerprint(path)
    with pytest.raises(StorageError):
        open_workspace(path)
    assert fingerprint(path) == before


def test_a_database_from_a_newer_schema_is_refused_untouched(db_path: Path) -> None:
    create_database(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = fingerprint(db_path)
    with pytest.raises(NewerSchema) as caught:
        open_database(db_path)
    assert_one_line(caught.value)
    assert "newer circlekeeper" in str(caught.value)
    assert fingerprint(db_path) == before
    assert not Path(f"{db_path}-wal").exists()
    assert not Path(f"{db_path}-shm").exists()


def test_create_refuses_to_overwrite_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    write_csv(path)
    before = fingerprint(path)
    with pytest.raises(NotACircleKeeperDatabase, match="already exists"):
        create_database(path)
    assert fingerprint(path) == before


def test_a_new_database_appears_only_when_complete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ck.db"
    real_upgrade = migrate.upgrade_to_head
    seen_during_migration = []

    def watched_upgrade(target: Path) -> None:
        seen_during_migration.append(path.exists())
        real_upgrade(target)

    monkeypatch.setattr(migrate, "upgrade_to_head", watched_upgrade)
    create_database(path).close()
    assert seen_during_migration == [False]  # a kill mid-way leaves nothing at `path`
    assert os.listdir(tmp_path) == ["ck.db"]


def test_a_failed_creation_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_upgrade(target: Path) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(migrate, "upgrade_to_head", failing_upgrade)
    with pytest.raises(KeyboardInterrupt):
        create_database(tmp_path / "ck.db")
    assert os.listdir(tmp_path) == []


def test_a_file_made_meanwhile_is_not_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ck.db"
    real_upgrade = migrate.upgrade_to_head

    def racing_upgrade(target: Path) -> None:
        real_upgrade(target)
        write_csv(path)  # another program got there first

    monkeypatch.setattr(migrate, "upgrade_to_head", racing_upgrade)
    with pytest.raises(NotACircleKeeperDatabase, match="already exists"):
        create_database(path)
    assert path.read_text(encoding="utf-8").startswith("name,email")
    assert os.listdir(tmp_path) == ["ck.db"]


# --- private files ---------------------------------------------------------------------------


def test_created_files_are_private(tmp_path: Path) -> None:
    path = tmp_path / "new" / "nested" / "ck.db"
    db = create_database(path)
    try:
        members.add_member(db, data=MemberCreate(name="Ana", email="ana@x.org"))
        with db.write():
            assert mode(path) == 0o600
            for suffix in ("-wal", "-shm"):
                assert mode(Path(f"{path}{suffix}")) == 0o600
        assert mode(path.parent) == 0o700
        assert mode(path.parent.parent) == 0o700
    finally:
        db.close()


def test_an_existing_folder_keeps_its_mode(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    create_database(shared / "ck.db").close()
    assert mode(shared) == 0o755
    assert mode(shared / "ck.db") == 0o600


def test_an_existing_database_reopens_with_its_data(db_path: Path) -> None:
    db = create_database(db_path)
    members.add_member(db, data=MemberCreate(name="Ana", email="ana@x.org"))
    db.close()
    reopened = open_database(db_path)
    try:
        assert members.get_member(reopened, ref="ana@x.org").name == "Ana"
    finally:
        reopened.close()


# --- workspace -------------------------------------------------------------------------------


def test_the_default_database_is_created_on_first_use() -> None:
    default = paths.default_db_path()
    assert not default.exists()
    db = open_workspace()
    try:
        assert db.path == default
        assert mode(default) == 0o600
        assert mode(default.parent) == 0o700
        members.add_member(db, data=MemberCreate(name="Ana", email="ana@x.org"))
    finally:
        db.close()
    again = open_workspace()
    try:
        assert members.count_members(again) == 1
    finally:
        again.close()


def test_an_explicit_database_is_never_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    named = tmp_path / "named" / "ck.db"
    with pytest.raises(DatabaseMissing, match="run 'circlekeeper init'"):
        open_workspace(named)
    monkeypatch.setenv("CIRCLEKEEPER_DB", str(named))
    with pytest.raises(DatabaseMissing):
        open_workspace()
    assert not named.exists()
    assert not named.parent.exists()
    assert not paths.default_db_path().exists()


def _create_the_default_database_meanwhile(
    monkeypatch: pytest.MonkeyPatch, make: Callable[[Path], None]
) -> None:
    """While our creation migrates its scratch file, another process puts a file at the default
    path (`make` writes it): the race two first runs at the same moment can lose."""
    default = paths.default_db_path()
    real_upgrade = migrate.upgrade_to_head

    def racing_upgrade(target: Path) -> None:
        real_upgrade(target)
        if not default.exists():
            monkeypatch.setattr(migrate, "upgrade_to_head", real_upgrade)
            make(default)

    monkeypatch.setattr(migrate, "upgrade_to_head", racing_upgrade)


def _winner(path: Path) -> None:
    """The other process creates the database and adds a member to it."""
    other = create_database(path)
    members.add_member(other, data=MemberCreate(name="Winner", email="winner@x.org"))
    other.close()


def test_the_loser_of_a_creation_race_opens_the_winners_database(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _create_the_default_database_meanwhile(monkeypatch, _winner)
    db = open_workspace()
    try:
        assert db.path == paths.default_db_path()
        assert members.get_member(db, ref="winner@x.org").name == "Winner"
    finally:
        db.close()
    assert not [name for name in os.listdir(db.path.parent) if name.endswith(".creating")]


def test_init_that_loses_a_creation_race_keeps_the_winners_database(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _create_the_default_database_meanwhile(monkeypatch, _winner)
    result = init_workspace()
    assert not result.created
    db = open_workspace()
    try:
        assert members.count_members(db) == 1
    finally:
        db.close()


def test_a_foreign_file_made_during_creation_is_still_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _create_the_default_database_meanwhile(monkeypatch, write_csv)
    default = paths.default_db_path()
    with pytest.raises(NotACircleKeeperDatabase):
        open_workspace()
    assert default.read_text(encoding="utf-8").startswith("name,email")


# --- backups ---------------------------------------------------------------------------------


def member_names(path: Path) -> list[str]:
    """The member names stored in the database file at `path`."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [row[0] for row in conn.execute("SELECT name FROM member ORDER BY id")]
    finally:
        conn.close()


def test_two_backups_in_the_same_second_keep_both(db: Database) -> None:
    first = backup_before_migration(db.path, 2)
    members.add_member(db, data=MemberCreate(name="Ana", email="ana@x.org"))
    second = backup_before_migration(db.path, 2)  # the clock is frozen: the same second
    assert first != second
    assert second.name == first.name.removesuffix(".db") + "-2.db"
    assert sorted(os.listdir(first.parent)) == sorted([first.name, second.name])
    assert mode(first) == mode(second) == 0o600
    assert member_names(first) == []
    assert member_names(second) == ["Ana"]


def test_backups_taken_at_once_all_survive(db: Database) -> None:
    members.add_member(db, data=MemberCreate(name="Ana", email="ana@x.org"))
    start = threading.Barrier(4)
    made: list[Path] = []
    failed: list[BaseException] = []

    def take() -> None:
        start.wait()
        try:
            made.append(backup_before_migration(db.path, 2))
        except BaseException as exc:
            failed.append(exc)

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failed == []
    assert len(set(made)) == 4
    assert sorted(os.listdir(paths.backups_dir(db.path))) == sorted(path.name for path in made)
    for path in made:
        assert member_names(path) == ["Ana"]


def test_a_backup_never_replaces_an_existing_file(db: Database, tmp_path: Path) -> None:
    target = tmp_path / "kept" / "backup.db"
    target.parent.mkdir()
    target.write_text("an older backup", encoding="utf-8")
    with pytest.raises(FileExistsError, match="left untouched"):
        backup_database(db.path, target)
    assert target.read_text(encoding="utf-8") == "an older backup"
    assert os.listdir(target.parent) == ["backup.db"]
