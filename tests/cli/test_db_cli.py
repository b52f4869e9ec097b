"""`circlekeeper db backup | restore | check | path` and the backups other commands take."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from circlekeeper import clock, paths
from circlekeeper.cli.main import app
from circlekeeper.db import Database, create_database
from circlekeeper.db import backup as db_backup
from circlekeeper.db.schema import SCHEMA_VERSION
from tests.cli.cli_helpers import Cli
from tests.migration_helpers import step_back


@pytest.fixture
def cli(db: Database) -> Cli:
    """The CLI on a database with Ana; the fixture's own connections are closed."""
    db.close()
    runner = Cli(db.path)
    runner.member("Ana", "--handle", "ana")
    return runner


def where(cli: Cli) -> Path:
    """The database the CLI runs on."""
    assert cli.db_path is not None
    return cli.db_path


def listed(cli: Cli) -> list[str]:
    """Member names as `member list` prints them."""
    return [row["name"] for row in cli.json("member", "list")["items"]]


def files(folder: Path) -> list[str]:
    """The names in `folder` (none when it does not exist)."""
    return sorted(os.listdir(folder)) if folder.is_dir() else []


def autos(db_path: Path) -> list[str]:
    """Names of the automatic backups of `db_path`."""
    return [b.path.name for b in db_backup.backups_labelled(db_path, db_backup.AUTOMATIC)]


def one_line(stderr: str) -> str:
    """The single line written to stderr."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


# --- db path -----------------------------------------------------------------------------------


def test_path_shows_the_database_and_its_backups_folder(cli: Cli) -> None:
    result = cli("db", "path")
    data = cli.json("db", "path")

    folder = paths.backups_dir(where(cli))
    assert f"database: {cli.db_path}" in result.stdout
    count = len([n for n in files(folder) if n.endswith(".db") and not n.startswith(".")])
    assert f"backups: {folder} ({count} backup" in result.stdout
    assert data["database"] == str(cli.db_path)
    assert data["backups"] == str(folder)
    assert (data["exists"], data["warning"]) == (True, None)


def test_path_of_a_database_not_made_yet_says_so() -> None:
    result = Cli(None)("db", "path")

    assert f"database: {paths.default_db_path()}" in result.stdout
    assert "run 'circlekeeper init'" in result.stderr
    assert not paths.default_db_path().exists()


def test_a_database_in_a_synced_folder_gets_one_warning_line_per_command(
    db: Database, tmp_path: Path
) -> None:
    synced = tmp_path / "Dropbox" / "circles.db"
    synced.parent.mkdir()
    db.close()
    shutil.copyfile(db.path, synced)
    cli = Cli(synced)

    for args in (("member", "list"), ("db", "path"), ("db", "check")):
        result = cli(*args)
        warnings = [line for line in result.stderr.splitlines() if "warning" in line]
        assert len(warnings) == 1
        assert warnings[0].startswith(
            f"warning: the database is in a Dropbox folder ({tmp_path / 'Dropbox'})"
        )


# --- db backup ---------------------------------------------------------------------------------


def test_backup_prints_where_it_went(cli: Cli) -> None:
    result = cli("db", "backup")

    made = Path(result.stdout.strip())
    assert made.parent == paths.backups_dir(where(cli))
    assert made.name == "test-manual-20261121T120000Z.db"
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    assert f"backed up {cli.db_path}" in result.stderr
    assert Cli(made).json("member", "list")["items"][0]["name"] == "Ana"


def test_backup_to_a_named_file_and_never_over_one(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "kept" / "spring.db"

    first = cli.json("db", "backup", str(target))
    again = cli("db", "backup", str(target), code=1)

    assert first["path"] == str(target)
    assert first["kind"] == "manual"
    assert one_line(again.stderr) == f"error: {target} already exists; it was left untouched"


def test_backup_of_a_missing_database_asks_for_init(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"

    result = Cli(missing)("db", "backup", code=1)

    assert one_line(result.stderr) == f"error: no database at {missing} — run 'circlekeeper init'"
    assert not missing.exists()


# --- db restore --------------------------------------------------------------------------------


def test_restore_brings_back_the_backup_and_keeps_what_it_replaced(cli: Cli) -> None:
    saved = cli("db", "backup").stdout.strip()
    cli.member("Bo", "--handle", "bo")

    result = cli("db", "restore", saved, "--yes")

    assert listed(cli) == ["Ana"]
    kept = next(n for n in files(Path(saved).parent) if n.startswith("test-before-restore-"))
    assert f"restored {cli.db_path} from {saved}" in result.stderr
    assert f"kept as {Path(saved).parent / kept}" in result.stderr
    assert [r["name"] for r in Cli(Path(saved).parent / kept).json("member", "list")["items"]] == [
        "Ana",
        "Bo",
    ]


def test_restore_asks_first(cli: Cli) -> None:
    saved = cli("db", "backup").stdout.strip()
    cli.member("Bo", "--handle", "bo")

    result = cli.runner.invoke(app, ["--db", str(cli.db_path), "db", "restore", saved], input="n\n")

    assert result.exit_code == 1
    assert "nothing restored — answer y, or add --yes" in result.stderr
    assert listed(cli) == ["Ana", "Bo"]


def write_random(path: Path) -> None:
    """Random bytes."""
    path.write_bytes(os.urandom(8192))


def write_csv(path: Path) -> None:
    """A roster CSV passed by mistake."""
    path.write_text("name,email\nAna,ana@example.org\n", encoding="utf-8")


def write_empty(path: Path) -> None:
    """An empty file."""
    path.write_bytes(b"")


def write_truncated(path: Path) -> None:
    """A real database cut off half way, as a full disk or an interrupted copy leaves it."""
    create_database(path).close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def write_newer(path: Path) -> None:
    """A backup written by a newer circlekeeper."""
    create_database(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()


REFUSED: dict[str, tuple[Callable[[Path], None], str]] = {
    "random bytes": (write_random, "is not a circlekeeper database (not an SQLite file)"),
    "a CSV": (write_csv, "is not a circlekeeper database (not an SQLite file)"),
    "an empty file": (write_empty, "is not a circlekeeper database (not an SQLite file)"),
    "a truncated database": (write_truncated, "is damaged"),
    "a newer schema": (write_newer, "was written by a newer circlekeeper"),
}


def fingerprint(*files: Path) -> list[object]:
    """Bytes and modification times of the files, and the listings of their folders."""
    found: list[object] = []
    for path in files:
        found += [path.read_bytes(), path.stat().st_mtime_ns, files_of(path.parent)]
    return found


def files_of(folder: Path) -> list[str]:
    """Everything in `folder`, side files and the backups folder included."""
    return sorted(os.listdir(folder))


@pytest.mark.parametrize("case", REFUSED, ids=REFUSED)
def test_restore_refuses_what_is_not_a_good_backup_and_changes_nothing(
    cli: Cli, tmp_path: Path, case: str
) -> None:
    make, why = REFUSED[case]
    source = tmp_path / "offered" / "backup.db"
    source.parent.mkdir()
    make(source)
    before = fingerprint(where(cli), source)
    backups_before = files(paths.backups_dir(where(cli)))

    result = cli("db", "restore", str(source), "--yes", code=1)

    line = one_line(result.stderr)
    assert line.startswith(f"error: nothing restored: {source} ")
    assert why in line
    assert fingerprint(where(cli), source) == before
    assert files(paths.backups_dir(where(cli))) == backups_before
    assert listed(cli) == ["Ana"]


def test_restore_of_a_missing_file_is_refused(cli: Cli, tmp_path: Path) -> None:
    result = cli("db", "restore", str(tmp_path / "nope.db"), "--yes", code=1)

    assert one_line(result.stderr) == (
        f"error: nothing restored: there is no file at {tmp_path / 'nope.db'}"
    )


# --- db check ----------------------------------------------------------------------------------


def test_check_of_a_healthy_database(cli: Cli) -> None:
    result = cli("db", "check")
    data = cli.json("db", "check")

    assert result.stdout.splitlines() == [
        "quick_check: ok",
        "integrity_check: ok",
        "foreign_key_check: ok",
    ]
    assert data["ok"] is True
    assert [c["name"] for c in data["checks"]] == [
        "quick_check",
        "integrity_check",
        "foreign_key_check",
    ]


def damage_a_copy(source: Path, target: Path) -> None:
    """Copy the database (checkpointed) and overwrite the member table's root page."""
    conn = sqlite3.connect(source)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root, size = conn.execute(
        "SELECT rootpage, (SELECT page_size FROM pragma_page_size) FROM sqlite_master "
        "WHERE name = 'member'"
    ).fetchone()
    conn.close()
    shutil.copyfile(source, target)
    with target.open("r+b") as handle:
        handle.seek((root - 1) * size + 8)
        handle.write(os.urandom(size - 8))


def test_check_fails_on_a_damaged_page(cli: Cli, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.db"
    damage_a_copy(where(cli), damaged)

    result = Cli(damaged)("db", "check", code=1)

    assert "quick_check: ok" not in result.stdout
    assert "integrity_check: ok" not in result.stdout
    assert "has problems — restore a backup" in result.stderr
    assert Cli(cli.db_path)("db", "check").exit_code == 0


def test_check_fails_on_a_row_pointing_nowhere(cli: Cli) -> None:
    conn = sqlite3.connect(where(cli))  # a plain connection: foreign keys are off
    conn.execute(
        "INSERT INTO membership (member_id, circle_id, joined_on, created_at) "
        "VALUES (1, 99, '2026-11-01', '2026-11-01 00:00:00')"
    )
    conn.commit()
    conn.close()

    result = cli("db", "check", code=1)

    assert "integrity_check: ok" in result.stdout
    assert "foreign_key_check: 1 problem" in result.stdout
    assert "  - membership row 1: circle_id points to a missing circle row" in result.stdout
    data = json.loads(cli("db", "check", "--json", code=1).stdout)
    assert data["ok"] is False


# --- automatic backups around other commands ---------------------------------------------------


def test_commands_take_the_daily_backup_but_member_forget_does_not(cli: Cli) -> None:
    assert len(autos(where(cli))) == 1  # taken by the first command
    cli.member("Bo", "--handle", "bo")
    clock.freeze(clock.now() + dt.timedelta(days=2))
    folder = paths.backups_dir(where(cli))
    before = files(folder)

    cli("member", "forget", "@bo", "--yes")

    assert files(folder) == before  # a backup now would keep what Bo asked to erase
    cli("member", "list")
    assert len(autos(where(cli))) == 2  # any other command takes the day's backup


def test_applying_a_review_backs_up_first(cli: Cli) -> None:
    for name in ("Bo", "Cy", "Dee"):
        cli.member(name, "--handle", name.lower())
    cli.circle("Tuesday", "--min", "2", "--starts-on", "2026-06-01")
    cli("circle", "add", "Tuesday", "@ana", "@bo", "@cy", "@dee")
    cli("circle", "start", "Tuesday")
    cli("review", "start", "Tuesday")
    cli("review", "record", "Tuesday", "@bo", "--choice", "leave")
    folder = paths.backups_dir(where(cli))
    assert not [n for n in files(folder) if "before-review-apply" in n]

    cli("review", "apply", "Tuesday", "--yes")

    (before,) = [n for n in files(folder) if "before-review-apply" in n]
    seats = Cli(folder / before).json("circle", "show", "Tuesday")
    assert len(seats["members"]) == 4  # Bo's seat had not ended yet in the backup
    assert len(cli.json("circle", "show", "Tuesday")["members"]) == 3


def test_a_command_on_an_older_database_says_it_is_upgrading_first(cli: Cli) -> None:
    assert cli.db_path is not None
    step_back(cli.db_path)
    first = cli("member", "list")
    assert f"to {SCHEMA_VERSION} (a backup is taken first" in first.stderr
    assert "Ana" in first.stdout
    assert "upgrading" not in cli("member", "list").stderr
