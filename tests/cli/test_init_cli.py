"""`circlekeeper init`, and the rule that no other command creates a database it is pointed at."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests.cli.cli_helpers import Cli


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_init_creates_a_private_file_in_a_private_folder(tmp_path: Path) -> None:
    path = tmp_path / "new" / "spring.db"

    result = Cli(path)("init")

    assert path.is_file()
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700
    assert result.stdout == ""
    assert f"created {path}" in result.stderr


def test_init_twice_keeps_the_database(tmp_path: Path) -> None:
    path = tmp_path / "spring.db"
    cli = Cli(path)
    cli("init")
    cli("member", "add", "Ana Lima", "--email", "ana@example.org")

    result = cli("init")

    assert "already a circlekeeper database; left as it is" in result.stderr
    assert cli.json("member", "list")["total"] == 1


def test_init_refuses_a_foreign_file_and_leaves_it_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("my shopping list\n", encoding="utf-8")

    result = Cli(path)("init", code=1)

    assert "not a circlekeeper database" in result.stderr
    assert path.read_text(encoding="utf-8") == "my shopping list\n"


def test_a_new_database_works_at_once(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "fresh.db")
    cli("init")

    assert cli.json("member", "list") == {"items": [], "total": 0, "offset": 0, "limit": 50}
    assert cli.json("circle", "list")["items"] == []


@pytest.mark.parametrize(
    "args",
    [
        ("member", "list"),
        ("member", "add", "Ana Lima", "--email", "ana@example.org"),
        ("member", "show", "1"),
        ("circle", "list"),
        ("circle", "create", "Tuesday Builders"),
    ],
    ids=lambda args: " ".join(args[:2]),
)
def test_an_explicit_path_without_a_database_is_never_created(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    path = tmp_path / "nowhere" / "typo.db"

    result = Cli(path)(*args, code=1)

    assert f"no database at {path} — run 'circlekeeper init'" in result.stderr
    assert result.stdout == ""
    assert not path.exists()
    assert not path.parent.exists()


def test_a_missing_path_in_circlekeeper_db_is_not_created_either(tmp_path: Path) -> None:
    path = tmp_path / "typo.db"

    result = Cli(None)("member", "list", code=1, env={"CIRCLEKEEPER_DB": str(path)})

    assert f"no database at {path} — run 'circlekeeper init'" in result.stderr
    assert not path.exists()


def test_the_default_database_is_created_on_first_use(tmp_path: Path) -> None:
    result = Cli(None)("member", "list")

    assert (tmp_path / "data" / "circlekeeper.db").is_file()
    assert "no members yet" in result.stderr
