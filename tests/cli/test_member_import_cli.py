"""`circlekeeper member import`: report text, JSON, dry run and exit codes."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest
from rich.console import Console

from circlekeeper.cli import member_import as import_cli
from circlekeeper.cli import output
from circlekeeper.db import Database
from circlekeeper.models import MemberCreate
from circlekeeper.services.members import add_member
from tests.cli.cli_helpers import Cli

HEADER = "name,email,handle,timezone,joined_on,tags\n"
ROSTER = HEADER + "Ann,ann@x.org,@ann,Europe/Berlin,2024-01-02,team=a\nBob,,bob,,,\nBad,bad,,,,\n"


@pytest.fixture
def cli(db: Database) -> Cli:
    return Cli(db.path)


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    return path


def csv_file(tmp_path: Path, content: str | bytes, name: str = "file.csv") -> str:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return str(path)


def names(db: Database) -> list[str]:
    conn = sqlite3.connect(db.path)
    try:
        return [row[0] for row in conn.execute("SELECT name FROM member ORDER BY id")]
    finally:
        conn.close()


def test_import_prints_a_summary_and_the_problems_on_stderr(cli: Cli, db, roster) -> None:
    result = cli("member", "import", str(roster))
    assert result.stdout == ""
    assert "imported: 2 new, 0 updated, 0 unchanged, 1 skipped (3 rows)" in result.stderr
    assert "skipped rows" in result.stderr
    assert "email: must look like name@example.org" in result.stderr
    assert names(db) == ["Ann", "Bob"]


def test_json_report_on_stdout(cli: Cli, roster) -> None:
    report = cli.json("member", "import", str(roster))
    assert report["imported"] == 2
    assert report["skipped"] == 1
    assert report["total_rows"] == 3
    assert report["dry_run"] is False
    assert report["problems"] == [{"line": 4, "reason": "email: must look like name@example.org"}]


def test_json_mode_keeps_the_problem_table_off_stderr(cli: Cli, roster) -> None:
    result = cli("member", "import", str(roster), "--json")
    assert "skipped rows" not in result.stderr
    assert "1 skipped" in result.stderr


def test_dry_run_changes_nothing_and_says_so(cli: Cli, db, roster) -> None:
    result = cli("member", "import", str(roster), "--dry-run")
    assert "dry run, nothing was changed" in result.stderr
    assert "2 new" in result.stderr
    assert names(db) == []
    assert cli.json("member", "import", str(roster), "--dry-run")["dry_run"] is True


def test_a_second_run_updates_and_reports_unchanged(cli: Cli, roster, tmp_path) -> None:
    cli("member", "import", str(roster))
    changed = csv_file(tmp_path, HEADER + "Ann Lee,ann@x.org,,,,\nBob,,bob,,,\n")
    result = cli("member", "import", changed)
    assert "0 new, 1 updated, 1 unchanged, 0 skipped" in result.stderr


def test_missing_file_is_exit_1_and_creates_no_database(tmp_path: Path) -> None:
    result = Cli(None)("member", "import", str(tmp_path / "nope.csv"), code=1)
    assert "no file at" in result.stderr
    assert not list((tmp_path / "data").glob("*.db"))


def test_unusable_header_is_exit_1_naming_the_columns(cli: Cli, tmp_path) -> None:
    path = csv_file(tmp_path, "full name,mail\nAnn,ann@x.org\n")
    result = cli("member", "import", path, code=1)
    assert "found: 'full name', 'mail'" in result.stderr
    assert result.stdout == ""


def test_a_file_that_is_not_utf8_is_exit_1(cli: Cli, tmp_path) -> None:
    path = csv_file(tmp_path, "name,email\nZoë,zoe@x.org\n".encode("latin-1"))
    result = cli("member", "import", path, "--json", code=1)
    assert "line 2: the file is not UTF-8" in result.stderr
    assert result.stdout == ""


def test_unknown_columns_are_warned_about(cli: Cli, tmp_path) -> None:
    path = csv_file(tmp_path, "name,email,phone\nAnn,ann@x.org,555\n")
    result = cli("member", "import", path)
    assert "warning: column 'phone' is not one circlekeeper knows; it was ignored" in result.stderr


def test_hostile_text_in_the_report_is_printed_literally(cli: Cli, db, tmp_path) -> None:
    add_member(db, data=MemberCreate(name="[bold red]Ann[/]", email="ann@x.org"))
    add_member(db, data=MemberCreate(name="[@click=app.quit]Bob", handle="@bob"))
    path = csv_file(tmp_path, HEADER + "X,ann@x.org,@bob,,,\n")
    result = cli("member", "import", path)
    assert "([bold red]Ann[/])" in result.stderr
    assert "([@click=app.quit]Bob)" in result.stderr


def test_long_problem_lists_are_cut_in_text_but_complete_in_json(cli: Cli, tmp_path) -> None:
    path = csv_file(tmp_path, HEADER + "".join(f"P{i},bad{i},,,,\n" for i in range(60)))
    result = cli("member", "import", path)
    assert "… and 10 more skipped rows (--json lists them all)" in result.stderr
    assert len(cli.json("member", "import", path)["problems"]) == 60


def test_help_has_an_example() -> None:
    result = Cli(None)("member", "import", "--help")
    assert "Example: circlekeeper member import roster.csv --dry-run" in result.stdout


LARGE = import_cli.PROGRESS_THRESHOLD + 1


class TestProgress:
    def test_no_bar_for_small_files_or_without_a_terminal(self) -> None:
        with output.progress(10, "checking rows", import_cli.PROGRESS_THRESHOLD) as callback:
            assert callback is None
        with output.progress(
            import_cli.PROGRESS_THRESHOLD + 1, "checking rows", import_cli.PROGRESS_THRESHOLD
        ) as callback:
            assert callback is None  # stderr is not a terminal under pytest

    def test_a_bar_for_large_files_in_a_terminal(self, monkeypatch: pytest.MonkeyPatch) -> None:
        sink = io.StringIO()
        monkeypatch.setattr(output, "stderr", Console(file=sink, force_terminal=True, width=80))
        with output.progress(
            import_cli.PROGRESS_THRESHOLD + 1, "checking rows", import_cli.PROGRESS_THRESHOLD
        ) as callback:
            assert callback is not None
            callback(1000, LARGE)
        assert "checking rows" in sink.getvalue()
