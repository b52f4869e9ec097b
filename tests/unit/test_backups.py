"""Backups, restores and automatic backups through the service the CLI and the TUI call."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from tests.migration_helpers import step_back

from circlekeeper import clock, paths
from circlekeeper.config import BackupSettings, load_backup_settings
from circlekeeper.db import Database, DatabaseCorrupt, create_database, open_database
from circlekeeper.db import backup as db_backup
from circlekeeper.db.identify import identify
from circlekeeper.db.restore import DatabaseInUse
from circlekeeper.db.schema import SCHEMA_VERSION
from circlekeeper.models import MemberCreate
from circlekeeper.services import backups, members
from circlekeeper.services.errors import Conflict, StorageError
from circlekeeper.services.workspace import open_for_tui, open_workspace


def names(path: Path) -> list[str]:
    """Member names stored in the database file at `path` (its -wal file included)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [row[0] for row in conn.execute("SELECT name FROM member ORDER BY id")]
    finally:
        conn.close()


def add(db: Database, *people: str) -> None:
    """Add members by name (their handle is the name in lower case)."""
    for name in people:
        members.add_member(db, data=MemberCreate(name=name, handle=name.lower()))


def mode(path: Path) -> int:
    """The permission bits of `path`."""
    return stat.S_IMODE(path.stat().st_mode)


def snapshot(*files: Path) -> dict[str, bytes | None]:
    """The bytes of each file and of its -wal file, and the listing of each folder."""
    found: dict[str, bytes | None] = {}
    for path in files:
        for name in (path, Path(f"{path}-wal")):
            found[str(name)] = name.read_bytes() if name.exists() else None
        found[f"{path.parent}/"] = "\n".join(sorted(os.listdir(path.parent))).encode()
    return found


def autos(db_path: Path) -> list[str]:
    """Names of the automatic backups of `db_path`."""
    return [b.path.name for b in db_backup.backups_labelled(db_path, db_backup.AUTOMATIC)]


# --- backups by hand ---------------------------------------------------------------------------


def test_a_backup_of_a_live_database_holds_rows_still_only_in_its_log(
    db: Database, tmp_path: Path
) -> None:
    add(db, "Ana", "Bo")
    assert Path(f"{db.path}-wal").stat().st_size > 0  # the rows are in the log, not the file
    plain = tmp_path / "plain-copy.db"
    shutil.copyfile(db.path, plain)

    made = backups.backup_now(db_path=db.path)

    assert names(plain) == []  # what a plain file copy of a live database loses
    assert names(Path(made.path)) == ["Ana", "Bo"]
    assert Path(made.path).parent == paths.backups_dir(db.path)
    assert Path(made.path).name == "test-manual-20261121T120000Z.db"
    assert (made.kind, made.size_bytes) == ("manual", Path(made.path).stat().st_size)
    assert not Path(f"{made.path}-wal").exists()  # a backup is one self-contained file


def test_a_backup_goes_into_a_folder_or_to_a_new_file(db: Database, tmp_path: Path) -> None:
    add(db, "Ana")
    folder = tmp_path / "usb"
    folder.mkdir()

    into_folder = backups.backup_now(db_path=db.path, destination=folder)
    to_file = backups.backup_now(db_path=db.path, destination=tmp_path / "new" / "mine.db")

    assert Path(into_folder.path).parent == folder
    assert names(Path(into_folder.path)) == names(Path(to_file.path)) == ["Ana"]
    assert mode(tmp_path / "new") == 0o700


def test_a_backup_never_replaces_a_file(db: Database, tmp_path: Path) -> None:
    taken = tmp_path / "taken.db"
    taken.write_text("precious", encoding="utf-8")

    with pytest.raises(Conflict, match="already exists; it was left untouched"):
        backups.backup_now(db_path=db.path, destination=taken)

    assert taken.read_text(encoding="utf-8") == "precious"


@pytest.mark.parametrize("umask", [0o022, 0o002], ids=["umask 022", "umask 002"])
def test_backups_are_private_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    previous = os.umask(umask)
    try:
        db_path = tmp_path / "fresh" / "ck.db"
        db = create_database(db_path)
        add(db, "Ana")
        db.close()
        made = [
            backups.backup_now(db_path=db_path).path,
            backups.backup_now(db_path=db_path, destination=tmp_path / "out" / "in" / "b.db").path,
            backups.backup_before_change(db_path=db_path, action="test").path,
            backups.automatic(db_path, settings=BackupSettings()).taken,
        ]
        restored = backups.restore(db_path=db_path, source=Path(made[0]))
        reopened = Database(db_path)
        add(reopened, "Bo")
        try:
            wal_mode = mode(Path(f"{db_path}-wal"))
        finally:
            reopened.close()
    finally:
        os.umask(previous)

    folder = paths.backups_dir(db_path)
    assert [mode(Path(str(p))) for p in made] == [0o600] * 4
    assert {p.name: mode(p) for p in folder.iterdir()} == {p.name: 0o600 for p in folder.iterdir()}
    assert restored.kept is not None
    assert mode(Path(restored.kept)) == mode(db_path) == wal_mode == 0o600
    assert mode(folder) == mode(tmp_path / "out") == mode(tmp_path / "out" / "in") == 0o700


# --- restore -----------------------------------------------------------------------------------


@pytest.fixture
def saved(db: Database) -> Path:
    """A backup holding Ana, taken before Bo was added (the database stays open)."""
    add(db, "Ana")
    path = Path(backups.backup_now(db_path=db.path).path)
    add(db, "Bo")
    return path


def test_restore_keeps_the_replaced_database_and_later_reads_see_the_backup(
    db: Database, saved: Path
) -> None:
    db.close()

    done = backups.restore(db_path=db.path, source=saved)

    assert done.kept is not None
    assert Path(done.kept).name == "test-before-restore-20261121T120000Z.db"
    assert names(Path(done.kept)) == ["Ana", "Bo"]
    reopened = open_database(db.path)
    try:
        assert [m.name for m in members.list_members(reopened).items] == ["Ana"]
    finally:
        reopened.close()
    assert done.upgraded_from_schema is None
    assert names(saved) == ["Ana"]


def test_restore_waits_for_no_one_else_and_refuses_while_the_database_is_open(
    db: Database, saved: Path
) -> None:
    assert members.count_members(db) == 2  # the TUI (say) has the database open
    before = snapshot(db.path, saved)

    with pytest.raises(DatabaseInUse, match="is open in another program") as caught:
        backups.restore(db_path=db.path, source=saved, wait_ms=0)

    assert "\n" not in str(caught.value)
    assert snapshot(db.path, saved) == before
    assert members.count_members(db) == 2
    db.close()
    backups.restore(db_path=db.path, source=saved, wait_ms=0)
    assert names(db.path) == ["Ana"]


def test_a_program_that_opened_the_old_file_meanwhile_fails_instead_of_using_it(
    db: Database, saved: Path
) -> None:
    db.close()
    waiting = sqlite3.connect(db.path)  # opened, not yet read: it holds no lock

    backups.restore(db_path=db.path, source=saved, wait_ms=0)

    try:
        with pytest.raises(sqlite3.DatabaseError, match="not a database"):
            waiting.execute("SELECT name FROM member").fetchall()
    finally:
        waiting.close()
    assert names(db.path) == ["Ana"]


def test_what_was_only_in_the_old_log_is_kept_and_no_old_log_is_left_behind(
    db: Database, saved: Path, tmp_path: Path
) -> None:
    crashed = tmp_path / "crashed" / "ck.db"
    crashed.parent.mkdir()
    shutil.copyfile(db.path, crashed)  # what a crash leaves: the file and an unmerged log
    shutil.copyfile(f"{db.path}-wal", f"{crashed}-wal")
    db.close()
    assert Path(f"{crashed}-wal").stat().st_size > 0

    done = backups.restore(db_path=crashed, source=saved)

    assert sorted(os.listdir(crashed.parent)) == ["backups", "ck.db"]
    assert done.kept is not None
    assert names(Path(done.kept)) == ["Ana", "Bo"]
    assert names(crashed) == ["Ana"]


def test_restore_over_a_damaged_database_keeps_it_as_it_was(db: Database, saved: Path) -> None:
    db.close()
    corrupt_member_page(db.path)
    damaged = db.path.read_bytes()

    done = backups.restore(db_path=db.path, source=saved)

    assert done.kept is not None
    assert "before-restore-damaged" in done.kept
    assert Path(done.kept).read_bytes() == damaged
    assert names(db.path) == ["Ana"]


def test_restore_where_there_is_no_database_yet(saved: Path, tmp_path: Path) -> None:
    target = tmp_path / "new" / "ck.db"

    done = backups.restore(db_path=target, source=saved)

    assert done.kept is None
    assert names(target) == ["Ana"]
    assert mode(target) == 0o600
    assert mode(target.parent) == 0o700


def test_a_refused_restore_where_there_was_no_database_leaves_no_folder(tmp_path: Path) -> None:
    source = tmp_path / "notes.csv"
    source.write_text("name\nAna\n", encoding="utf-8")
    target = tmp_path / "new" / "deeper" / "ck.db"
    before = sorted(os.listdir(tmp_path))

    with pytest.raises(StorageError, match="nothing restored"):
        backups.restore(db_path=target, source=source)

    assert sorted(os.listdir(tmp_path)) == before


def test_an_older_backup_is_upgraded_as_it_is_restored(db: Database, saved: Path) -> None:
    db.close()
    step_back(saved)
    old = identify(saved).user_version
    assert old < SCHEMA_VERSION

    done = backups.restore(db_path=db.path, source=saved)

    assert done.upgraded_from_schema == old
    assert identify(db.path).user_version == SCHEMA_VERSION
    assert names(db.path) == ["Ana"]


# --- checks ------------------------------------------------------------------------------------


def corrupt_member_page(path: Path) -> None:
    """Overwrite the member table's first page with garbage (the file must be checkpointed)."""
    conn = sqlite3.connect(path)
    root, size = conn.execute(
        "SELECT rootpage, (SELECT page_size FROM pragma_page_size) FROM sqlite_master "
        "WHERE name = 'member'"
    ).fetchone()
    conn.close()
    with path.open("r+b") as handle:
        handle.seek((root - 1) * size + 8)
        handle.write(os.urandom(size - 8))


def test_check_passes_a_healthy_database(db: Database) -> None:
    add(db, "Ana")

    report = backups.check(db_path=db.path)

    assert report.ok
    assert [(c.name, c.ok, c.problems) for c in report.checks] == [
        ("quick_check", True, ()),
        ("integrity_check", True, ()),
        ("foreign_key_check", True, ()),
    ]


def test_check_says_which_check_begins_before_it_runs(db: Database) -> None:
    """integrity_check of a large file takes many seconds: the caller is told each check's
    name and place as it begins, in the order the report lists them."""
    add(db, "Ana")
    told: list[tuple[str, int, int]] = []

    report = backups.check(
        db_path=db.path, starting=lambda name, number, total: told.append((name, number, total))
    )

    assert told == [("quick_check", 1, 3), ("integrity_check", 2, 3), ("foreign_key_check", 3, 3)]
    assert [c.name for c in report.checks] == [name for name, _, _ in told]


def test_check_finds_a_damaged_page(db: Database) -> None:
    add(db, "Ana", "Bo")
    db.close()
    corrupt_member_page(db.path)

    report = backups.check(db_path=db.path)

    assert not report.ok
    found = {c.name: c for c in report.checks}
    assert not found["quick_check"].ok
    assert not found["integrity_check"].ok


def test_check_names_a_row_pointing_nowhere(db: Database) -> None:
    db.close()
    conn = sqlite3.connect(db.path)  # foreign keys are off in a plain connection
    conn.execute(
        "INSERT INTO membership (member_id, circle_id, joined_on, created_at) "
        "VALUES (41, 42, '2026-11-01', '2026-11-01 00:00:00')"
    )
    conn.commit()
    conn.close()

    report = backups.check(db_path=db.path)

    found = {c.name: c for c in report.checks}
    assert not report.ok
    assert found["integrity_check"].ok
    assert set(found["foreign_key_check"].problems) == {
        "membership row 1: member_id points to a missing member row",
        "membership row 1: circle_id points to a missing circle row",
    }


# --- automatic backups -------------------------------------------------------------------------


def open_and_close(db_path: Path) -> list[str]:
    """What a command does: open the database for work, close it; the automatic backups after."""
    opened = open_workspace(db_path)
    opened.close()
    return autos(db_path)


def later(hours: float) -> None:
    """Move the frozen clock on."""
    moment = clock.now() + dt.timedelta(hours=hours)
    clock.freeze(moment)


def test_an_automatic_backup_is_taken_once_a_day_and_only_after_a_change(db: Database) -> None:
    add(db, "Ana")  # the fixture's connection stays open, as the TUI's would
    first = open_and_close(db.path)
    assert len(first) == 1
    assert open_and_close(db.path) == first  # the same day

    later(25)
    assert open_and_close(db.path) == first  # a day later, but nothing changed

    add(db, "Bo")
    second = open_and_close(db.path)
    assert len(second) == 2
    assert names(paths.backups_dir(db.path) / second[-1]) == ["Ana", "Bo"]

    add(db, "Cy")
    later(23)
    assert open_and_close(db.path) == second  # changed, but the last one is not a day old
    later(1)
    assert len(open_and_close(db.path)) == 3


def test_reading_is_not_a_change(db: Database) -> None:
    add(db, "Ana")
    db.close()
    first = open_and_close(db.path)
    backups.backup_now(db_path=db.path)
    backups.check(db_path=db.path)
    assert Path(f"{db.path}-wal").stat().st_size == 0  # read-only connections leave this behind

    later(25)

    assert open_and_close(db.path) == first


def test_the_daily_check_does_not_open_the_database(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    backups.automatic(db.path)
    later(30)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the database was opened")

    monkeypatch.setattr(db_backup, "connect", refuse)
    outcome = backups.automatic(db.path)

    assert outcome.taken is None
    assert outcome.warnings == ()


def test_a_database_created_just_now_and_the_demo_are_not_backed_up() -> None:
    fresh = open_workspace()
    fresh.close()
    create_database(paths.demo_db_path()).close()
    demo = open_workspace(paths.demo_db_path())
    demo.close()

    assert not paths.backups_dir(paths.default_db_path()).exists()
    assert not paths.backups_dir(paths.demo_db_path()).exists()
    assert len(open_and_close(paths.default_db_path())) == 1  # the next opening takes one


def test_a_database_this_user_may_not_write_is_not_backed_up(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, how: how != os.W_OK and real_access(path, how))
    told: list[str] = []

    opened = open_workspace(db.path, warn=told.append)
    opened.close()

    assert told == []
    assert autos(db.path) == []


def test_a_failed_automatic_backup_is_a_warning_not_a_failure(db: Database) -> None:
    paths.backups_dir(db.path).write_text("not a folder", encoding="utf-8")
    told: list[str] = []

    opened = open_workspace(db.path, warn=told.append)
    opened.close()

    assert len(told) == 1
    assert told[0].startswith(f"the automatic backup of {db.path} failed")


def test_a_backup_before_a_change_that_fails_stops_the_change(db: Database) -> None:
    paths.backups_dir(db.path).write_text("not a folder", encoding="utf-8")

    with pytest.raises(StorageError, match=r"^nothing was changed: the backup before import"):
        backups.backup_before_change(db_path=db.path, action="import")


def write_config(text: str) -> None:
    """Write the test's config.toml."""
    paths.private_mkdir(paths.config_dir())
    paths.config_file().write_text(text, encoding="utf-8")


def touch_backup(db_path: Path, name: str) -> Path:
    """An empty file named like a backup (pruning only reads names)."""
    folder = paths.private_mkdir(paths.backups_dir(db_path))
    path = folder / name
    path.write_bytes(b"")
    return path


def test_retention_prunes_exactly_the_policys_victims_and_nothing_else(db: Database) -> None:
    write_config("[backups]\ndaily = 2\nweekly = 1\nmonthly = 1\n")
    stamps = {  # now is Saturday 21 Nov 2026, 12:00
        "20261031T120000Z": "pruned: October; monthly keeps November only",
        "20261115T120000Z": "pruned: the week before; weekly keeps this week only",
        "20261116T120000Z": "pruned: Monday; daily keeps today and Friday",
        "20261119T120000Z": "pruned: Thursday",
        "20261120T080000Z": "pruned: the earlier one on Friday",
        "20261120T100000Z": "kept: Friday's newest (more than a day old, so one is due)",
    }
    old = {stamp: touch_backup(db.path, f"test-auto-{stamp}.db") for stamp in stamps}
    never = [
        touch_backup(db.path, name)
        for name in (
            "test-manual-20250101T000000Z.db",
            "test-schema7-premigration-20250101T000000Z.db",
            "test-before-restore-20250101T000000Z.db",
            "test-before-review-apply-20250101T000000Z.db",
            "other-auto-20250101T000000Z.db",
            ".test-auto-20250101T000000Z.db.1234.partial",
            "mine.db",
        )
    ]

    outcome = backups.automatic(db.path)

    victims = {str(old[s]) for s, why in stamps.items() if why.startswith("pruned")}
    assert outcome.taken is not None
    assert set(outcome.pruned) == victims
    assert sorted(autos(db.path)) == sorted(
        [Path(outcome.taken).name, "test-auto-20261120T100000Z.db"]
    )
    assert all(path.exists() for path in never)


def test_backup_settings_come_from_the_backups_table() -> None:
    write_config("theme = 'x'\n[backups]\ndaily = 0\nweekly = 2\nmonthly = 12\n")

    assert load_backup_settings() == (BackupSettings(daily=0, weekly=2, monthly=12), [])


def test_missing_backup_settings_are_the_defaults() -> None:
    assert load_backup_settings() == (BackupSettings(daily=7, weekly=4, monthly=6), [])
    write_config("theme = 'x'\n")
    assert load_backup_settings() == (BackupSettings(), [])


def test_invalid_backup_settings_are_named_and_defaulted() -> None:
    write_config("[backups]\ndaily = -1\nweekly = '4'\nmonthly = true\n")

    settings, warnings = load_backup_settings()

    assert settings == BackupSettings()
    assert len(warnings) == 3
    assert "backups.daily should be a whole number from 0 to 1000, not -1; using 7" in warnings[0]
    assert "backups.weekly" in warnings[1]
    assert "backups.monthly" in warnings[2]


@pytest.mark.parametrize(
    "text", ["backups = 3\n", "[backups]\ndaily = 1001\n", "[backups\n"], ids=str
)
def test_a_broken_backups_table_gives_defaults_and_a_warning(text: str) -> None:
    write_config(text)

    settings, warnings = load_backup_settings()

    assert settings == BackupSettings()
    assert len(warnings) == 1


def test_an_invalid_setting_is_reported_when_the_backup_is_taken(db: Database) -> None:
    write_config("[backups]\ndaily = 'seven'\n")
    told: list[str] = []

    opened = open_workspace(db.path, warn=told.append)
    opened.close()

    assert len(autos(db.path)) == 1
    assert ["backups.daily should be a whole number" in line for line in told] == [True]


# --- where the database lives ------------------------------------------------------------------


def test_opening_a_database_in_a_synced_folder_warns_once(db: Database, tmp_path: Path) -> None:
    synced = tmp_path / "Dropbox" / "ck.db"
    synced.parent.mkdir()
    shutil.copyfile(db.path, synced)
    told: list[str] = []

    opened = open_workspace(synced, warn=told.append)
    opened.close()
    tui = open_for_tui(synced)
    tui.db.close()

    assert len(told) == 1
    assert f"in a Dropbox folder ({tmp_path / 'Dropbox'})" in told[0]
    assert tui.warnings == tuple(told)


def test_a_local_database_opens_without_warnings(db: Database) -> None:
    tui = open_for_tui(db.path)
    tui.db.close()

    assert tui.warnings == ()


def test_location_counts_the_backups(db: Database) -> None:
    backups.backup_now(db_path=db.path)

    found = backups.location(db_path=db.path)

    assert (found.database, found.exists, found.backup_count) == (str(db.path), True, 1)
    assert found.backups == str(paths.backups_dir(db.path))


def test_corrupt_backups_are_refused(db: Database) -> None:
    add(db, "Ana")
    db.close()
    corrupt_member_page(db.path)

    with pytest.raises(DatabaseCorrupt, match=r"the backup of .* failed"):
        backups.backup_now(db_path=db.path)

    assert backups.location(db_path=db.path).backup_count == 0
