"""`circlekeeper demo`: builds the sample community in its own file and opens the TUI on it."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from circlekeeper import paths
from circlekeeper.db import open_database
from circlekeeper.models import MemberCreate
from circlekeeper.services import circles, members
from tests.cli.cli_helpers import Cli


@pytest.fixture
def cli() -> Cli:
    """The CLI without --db: the demo must ignore the user's database entirely."""
    return Cli(None)


def _counts(path: Path) -> tuple[int, int]:
    db = open_database(path)
    try:
        return members.count_members(db), circles.count_circles(db)
    finally:
        db.close()


def test_no_tui_builds_a_fresh_demo_each_time_and_prints_its_path(cli: Cli, tmp_path: Path) -> None:
    demo_path = paths.demo_db_path()
    assert cli("demo", "--no-tui").stdout == f"{demo_path}\n"
    db = open_database(demo_path)
    members.add_member(db, data=MemberCreate(name="Practice Person", handle="practice"))
    db.close()
    assert _counts(demo_path) == (63, 8)

    mine = tmp_path / "mine.db"
    assert Cli(mine)("demo", "--no-tui").stdout == f"{demo_path}\n"

    assert _counts(demo_path) == (62, 8)
    assert not mine.exists()
    assert not paths.default_db_path().exists()
    assert stat.S_IMODE(paths.data_dir().stat().st_mode) == 0o700


def test_the_demo_opens_the_tui_on_the_demo_database(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[tuple[Path | None, bool]] = []

    def fake_launch(db_path: Path | None, *, demo: bool = False) -> None:
        opened.append((db_path, demo))

    monkeypatch.setattr("circlekeeper.cli.launch.launch_tui", fake_launch)
    result = cli("demo")
    assert opened == [(paths.demo_db_path(), True)]
    assert result.stdout == ""
    assert "building the sample community" in result.stderr


def test_help_explains_the_command_with_an_example(cli: Cli) -> None:
    text = cli("demo", "--help").stdout
    assert "Example: circlekeeper demo" in text
    assert "--no-tui" in text
