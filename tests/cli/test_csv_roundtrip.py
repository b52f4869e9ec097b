"""`export members` then `member import` into a fresh database gives back the same people.

The export puts an apostrophe before any cell a spreadsheet could run as a formula ('@ana,
'=1+1); the import takes exactly that apostrophe off again, and no other.
"""

from __future__ import annotations

import datetime as dt
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from circlekeeper.algorithms.roster_csv import unguard
from circlekeeper.db import Database, create_database
from circlekeeper.export.csv_text import FORMULA_STARTS, guard
from circlekeeper.models import MemberCreate
from circlekeeper.services.member_rows import iter_member_rows
from circlekeeper.services.members import add_member
from tests.cli.cli_helpers import HOSTILE_NAMES, Cli

COMPARED = ("name", "email", "handle", "timezone", "joined_on", "tags")


@pytest.fixture
def source(db: Database) -> Cli:
    """A database whose members' names, handles and emails a spreadsheet would run or mangle."""
    members = [
        MemberCreate(name="Ana", handle="@ana", tags={"team": "north", "city": "-5"}),
        MemberCreate(name="=1+1", email="formula@example.org", timezone="Europe/Berlin"),
        MemberCreate(name="-Bo", handle="-bo", joined_on=dt.date(2024, 2, 29)),
        MemberCreate(name="+Cy", email="+cy@example.org", handle="cy"),
        MemberCreate(name="@everyone", handle="@@here"),
        MemberCreate(name="O'Neil", email="oneil@example.org"),
        MemberCreate(name="'Sunny'", handle="'sunny"),
        *(
            MemberCreate(name=name, handle=f"hostile{index}")
            for index, name in enumerate(HOSTILE_NAMES)
        ),
    ]
    for member in members:
        add_member(db, data=member)
    return Cli(db.path)


def people(path: Path) -> list[dict[str, Any]]:
    """Every member's compared fields, sorted by name (ids may differ between databases)."""
    database = Database(path)
    try:
        with closing(iter_member_rows(database)) as rows:
            found = [row.model_dump(include=set(COMPARED)) for row in rows]
    finally:
        database.close()
    return sorted(found, key=lambda row: row["name"])


def test_an_export_imports_unchanged_into_a_fresh_database(source: Cli, tmp_path: Path) -> None:
    exported = tmp_path / "members.csv"
    source("export", "members", "--out", str(exported))
    assert "'@ana" in exported.read_text(encoding="utf-8")  # the guard is in the file
    fresh = tmp_path / "fresh" / "fresh.db"
    fresh.parent.mkdir(mode=0o700)
    create_database(fresh).close()
    target = Cli(fresh)

    report = target.json("member", "import", str(exported))

    assert report["skipped"] == 0, report["problems"]
    assert report["imported"] == len(people(source.db_path))
    assert people(fresh) == people(source.db_path)
    assert {row["handle"] for row in people(fresh)} >= {"@ana", "-bo", "@@here", "'sunny"}


def test_importing_the_export_into_its_own_database_changes_nothing(
    source: Cli, tmp_path: Path
) -> None:
    exported = tmp_path / "members.csv"
    source("export", "members", "--out", str(exported))
    before = people(source.db_path)

    report = source.json("member", "import", str(exported))

    assert (report["imported"], report["updated"], report["skipped"]) == (0, 0, 0)
    assert people(source.db_path) == before


@pytest.mark.parametrize(
    ("cell", "read"),
    [
        ("'@ana", "@ana"),
        ("'=1+1", "=1+1"),
        ("'-5", "-5"),
        ("'+1", "+1"),
        ("'\tx", "\tx"),
        ("'\rx", "\rx"),
        ("'  =1", "  =1"),
        ("''@ana", "'@ana"),
        ("'Sunny'", "'Sunny'"),
        ("O'Neil", "O'Neil"),
        ("'", "'"),
        ("'  ", "'  "),
        ("@ana", "@ana"),
    ],
)
def test_exactly_one_guarding_apostrophe_comes_off(cell: str, read: str) -> None:
    assert unguard(cell) == read


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from([*FORMULA_STARTS, " ", "a", "'", "é"]), max_size=6))
def test_unguard_undoes_guard(text: str) -> None:
    assert unguard(guard(text)) == text
