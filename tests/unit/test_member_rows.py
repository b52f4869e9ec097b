"""Streaming every member for exports: each exactly once, in list order, from one snapshot."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.sql_capture import TEMP_SORT, captured, only, plan

from circlekeeper.db import Database
from circlekeeper.models import MemberCreate, MemberStatus
from circlekeeper.services import members
from circlekeeper.services.errors import InvalidInput
from circlekeeper.services.member_rows import iter_member_rows


@pytest.fixture
def crowd(db: Database) -> Database:
    """Eleven members, several sharing a name (so pages break inside a run of equal names)."""
    names = ["Zoë", "ana", "Ana", "Ána", "Bo", "Bo", "Bo", "Cy", "Dee", "Ana", "Émile"]
    for number, name in enumerate(names, start=1):
        members.add_member(
            db,
            data=MemberCreate(
                name=name,
                handle=f"m{number}",
                email=f"m{number}@example.org" if number % 2 else None,
                joined_on=dt.date(2026, 1, number),
                tags={"n": str(number), "a": "x"} if number % 3 == 0 else {},
            ),
        )
    members.pause_member(db, ref="@m5")
    members.leave_member(db, ref="@m6")
    return db


@pytest.mark.parametrize("page_size", [1, 2, 3, 4, 10, 11, 1000])
def test_every_member_once_in_the_member_lists_order(crowd: Database, page_size: int) -> None:
    listed = members.list_members(crowd, limit=1000).items

    streamed = list(iter_member_rows(crowd, page_size=page_size))

    assert [r.id for r in streamed] == [r.id for r in listed]
    assert len({r.id for r in streamed}) == 11


def test_rows_carry_what_the_member_holds(crowd: Database) -> None:
    streamed = {r.id: r for r in iter_member_rows(crowd, page_size=4)}

    for member_id, got in streamed.items():
        stored = members.get_member(crowd, ref=member_id)
        assert got.model_dump() == stored.model_dump(include=set(got.model_dump()))
    assert list(streamed[3].tags) == ["a", "n"]
    assert streamed[5].status == MemberStatus.PAUSED
    assert streamed[6].status == MemberStatus.LEFT


def test_a_member_added_while_streaming_is_not_in_this_export(crowd: Database) -> None:
    rows = iter_member_rows(crowd, page_size=2)
    first = next(rows)
    members.add_member(crowd, data=MemberCreate(name="Zed", handle="late"))  # sorts last

    rest = list(rows)

    assert "Zed" not in {r.name for r in [first, *rest]}
    assert len(rest) + 1 == 11
    assert members.count_members(crowd) == 12


def test_pages_seek_the_name_index_instead_of_sorting_or_rescanning(crowd: Database) -> None:
    with captured(crowd) as statements:
        list(iter_member_rows(crowd, page_size=3))
    pages = only(statements, lambda s: "ORDER BY member.name_key, member.id" in s)

    assert len(pages) == 4
    for sql, params in pages:
        steps = plan(crowd, sql, params)
        assert "INDEX ix_member_name_key_id" in steps
        assert TEMP_SORT not in steps
    later = plan(crowd, *pages[-1])
    assert "SEARCH member USING INDEX ix_member_name_key_id" in later


@pytest.mark.parametrize("page_size", [0, 5001])
def test_a_page_size_out_of_range_is_refused(crowd: Database, page_size: int) -> None:
    with pytest.raises(InvalidInput, match="page size"):
        next(iter_member_rows(crowd, page_size=page_size))
