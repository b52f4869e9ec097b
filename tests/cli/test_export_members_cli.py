"""`circlekeeper export members`: the member list as guarded CSV, via the real CLI."""

from __future__ import annotations

import csv
import io
import stat
from pathlib import Path

import pytest

from circlekeeper.db import Database
from circlekeeper.export.csv_text import FORMULA_STARTS
from tests.cli.cli_helpers import HOSTILE_NAMES, Cli, shown

HEADER = ["name", "email", "handle", "timezone", "joined_on", "status", "tags"]
FORMULAS = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3", "@SUM(1+1)"]


def records(text: str) -> list[list[str]]:
    """The CSV records in `text`, line breaks inside quoted cells kept."""
    return list(csv.reader(io.StringIO(text, newline="")))


def exported(cli: Cli, *args: str) -> list[list[str]]:
    """The records `export members` writes to stdout, read from its bytes (the runner's text
    turns every CRLF into LF, also inside cells)."""
    return records(cli("export", "members", *args).stdout_bytes.decode("utf-8"))


@pytest.fixture
def cli(db: Database) -> Cli:
    """The CLI with three ordinary members, one paused and one who has left."""
    cli = Cli(db.path)
    cli.member(
        "Ana Lima", "--email", "ana@example.org", "--tag", "city=Porto", "--tag", "role=host"
    )
    cli.member("Bo", "--handle", "@bo", "--timezone", "Europe/Berlin", "--joined-on", "2025-03-01")
    cli.member("Cy")
    cli("member", "pause", "@bo")
    cli("member", "leave", "@member3")
    return cli


def test_stdout_gets_the_header_and_every_member(cli: Cli) -> None:
    result = cli("export", "members")

    rows = records(result.stdout_bytes.decode("utf-8"))
    assert rows[0] == HEADER
    by_name = {row[0]: dict(zip(HEADER, row, strict=True)) for row in rows[1:]}
    assert set(by_name) == {"Ana Lima", "Bo", "Cy"}
    assert by_name["Ana Lima"]["email"] == "ana@example.org"
    assert by_name["Ana Lima"]["tags"] == "city=Porto;role=host"
    assert by_name["Bo"]["handle"] == "'@bo"
    assert by_name["Bo"]["timezone"] == "Europe/Berlin"
    assert by_name["Bo"]["joined_on"] == "2025-03-01"
    assert [by_name[n]["status"] for n in ("Ana Lima", "Bo", "Cy")] == ["active", "paused", "left"]
    assert result.stderr == ""


def test_out_writes_a_private_file_and_says_how_many(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "members.csv"
    target.write_text("old export\n", encoding="utf-8")
    target.chmod(0o644)

    result = cli("export", "members", "--out", str(target))

    assert result.stdout == ""
    assert f"wrote 3 members to {target}" in result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert records(target.read_text(encoding="utf-8")) == exported(cli)
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["members.csv"]


def test_out_into_a_missing_folder_is_an_error(cli: Cli, tmp_path: Path) -> None:
    result = cli("export", "members", "--out", str(tmp_path / "nowhere" / "m.csv"), code=1)

    assert "cannot write" in result.stderr
    assert "No such file or directory" in result.stderr


def test_an_empty_community_gives_only_the_header(db: Database) -> None:
    assert exported(Cli(db.path)) == [HEADER]


def test_formula_names_are_guarded_and_no_cell_starts_a_formula(db: Database) -> None:
    from circlekeeper.models import MemberCreate
    from circlekeeper.services.members import add_member

    cli = Cli(db.path)
    for number, name in enumerate(FORMULAS):
        add_member(db, data=MemberCreate(name=name, handle=f"f{number}"))  # "-2+3" is no option
    cli.member("Plain", "--handle", "plain", "--tag", "note=-5")

    rows = exported(cli)[1:]

    assert sorted(row[0] for row in rows) == sorted(["'" + name for name in FORMULAS] + ["Plain"])
    assert all(cell[:1] not in FORMULA_STARTS for row in rows for cell in row)
    assert next(row for row in rows if row[0] == "Plain")[6] == "note=-5"


def test_hostile_names_keep_one_record_per_member(db: Database) -> None:
    cli = Cli(db.path)
    names = [*HOSTILE_NAMES, 'He said "hi", twice', "a,b;c", "=1+1\n=2+2"]
    for name in names:
        cli.member(name)
    with db.raw() as conn:
        conn.execute("UPDATE member SET name = ? WHERE handle = 'member1'", ("line\nbreak\r\n=x",))
        conn.commit()
    expected = ["line\nbreak\r\n=x", *(shown(n) for n in names[1:])]

    rows = exported(cli)[1:]

    assert len(rows) == len(names)
    assert all(len(row) == len(HEADER) for row in rows)
    assert sorted(row[0] for row in rows) == sorted(
        "'" + n if n[:1] in FORMULA_STARTS else n for n in expected
    )


def test_help_shows_an_example(db: Database) -> None:
    result = Cli(db.path)("export", "members", "--help")

    assert "Example: circlekeeper export members --out members.csv" in result.stdout
