"""Circle rules: unique names, lifecycle, seats and their limits, history, lost-update guard."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import (
    CircleCreate,
    CircleRead,
    CircleStatus,
    CircleUpdate,
    MemberCreate,
)
from circlekeeper.services import circles, members
from circlekeeper.services.errors import (
    CapacityExceeded,
    Conflict,
    InvalidInput,
    NotFound,
    StaleEdit,
)

FORMING, ACTIVE, PAUSED, CLOSED = (
    CircleStatus.FORMING,
    CircleStatus.ACTIVE,
    CircleStatus.PAUSED,
    CircleStatus.CLOSED,
)

ALLOWED = {
    (FORMING, ACTIVE),
    (FORMING, CLOSED),
    (ACTIVE, PAUSED),
    (ACTIVE, CLOSED),
    (PAUSED, ACTIVE),
    (PAUSED, CLOSED),
    (CLOSED, ACTIVE),
}

# How to bring a new (forming) circle into each state.
ROUTE = {FORMING: [], ACTIVE: [ACTIVE], PAUSED: [ACTIVE, PAUSED], CLOSED: [CLOSED]}


def new_circle(db: Database, name: str = "Builders", **values: Any) -> CircleRead:
    """Create a circle through the service."""
    return circles.create_circle(db, data=CircleCreate(name=name, **values))


def new_members(db: Database, count: int) -> list[int]:
    """Add `count` members with handles m0, m1, … and return their ids."""
    return [
        members.add_member(db, data=MemberCreate(name=f"Member {i}", handle=f"m{i}")).id
        for i in range(count)
    ]


def snapshot(db: Database, ref: str | int) -> dict[str, Any]:
    """Everything stored about a circle, to prove a refused call changed nothing."""
    return circles.get_circle(db, ref=ref).model_dump()


# --- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize("clash", ["BUILDERS", "builders", " Builders ", "BuIlDeRs"])
def test_circle_names_are_unique_regardless_of_case(db: Database, clash: str) -> None:
    first = new_circle(db, "Builders")
    with pytest.raises(Conflict, match=f"already exists \\(#{first.id}\\)"):
        new_circle(db, clash)
    assert circles.count_circles(db) == 1


def test_names_compare_after_nfc_and_casefold(db: Database) -> None:
    new_circle(db, "Caf\u00e9 Stra\u00dfe")
    with pytest.raises(Conflict):
        new_circle(db, "CAFE\u0301 STRASSE")


def test_rename_to_a_taken_name_is_refused_but_recasing_ones_own_is_fine(db: Database) -> None:
    new_circle(db, "Builders")
    readers = new_circle(db, "Readers")
    with pytest.raises(Conflict, match="already exists"):
        circles.edit_circle(db, ref=readers.id, changes=CircleUpdate(name="builders"))
    renamed = circles.edit_circle(db, ref=readers.id, changes=CircleUpdate(name="READERS"))
    assert renamed.name == "READERS"
    assert circles.get_circle(db, ref="readers").id == readers.id


def test_circles_are_addressed_by_id_or_name(db: Database) -> None:
    circle = new_circle(db, "Night Owls")
    for ref in (circle.id, str(circle.id), f"#{circle.id}", "night owls", "NIGHT OWLS"):
        assert circles.get_circle(db, ref=ref).id == circle.id
    with pytest.raises(NotFound, match="circle list"):
        circles.get_circle(db, ref="Early Birds")


@pytest.mark.parametrize("ref", ["\u00b2", "#\u00b2", "9" * 30, "#"])
def test_odd_circle_references_are_not_found_rather_than_crashing(db: Database, ref: str) -> None:
    new_circle(db)
    with pytest.raises(NotFound):
        circles.get_circle(db, ref=ref)


# --- lifecycle -------------------------------------------------------------------------------


def circle_in(db: Database, status: CircleStatus) -> CircleRead:
    """A new circle moved through allowed transitions into `status`."""
    circle = new_circle(db)
    for step in ROUTE[status]:
        circle = circles.set_circle_status(db, ref=circle.id, status=step)
    assert circle.status is status
    return circle


@pytest.mark.parametrize(("start", "target"), sorted(ALLOWED))
def test_allowed_transitions(db: Database, start: CircleStatus, target: CircleStatus) -> None:
    circle = circle_in(db, start)
    moved = circles.set_circle_status(db, ref=circle.id, status=target)
    assert moved.status is target
    assert moved.version == circle.version + 1


REFUSED = sorted(
    (start, target)
    for start in CircleStatus
    for target in CircleStatus
    if (start, target) not in ALLOWED
)


@pytest.mark.parametrize(("start", "target"), REFUSED)
def test_refused_transitions(db: Database, start: CircleStatus, target: CircleStatus) -> None:
    circle = circle_in(db, start)
    with pytest.raises(Conflict, match=f"is {start.value}; it can become"):
        circles.set_circle_status(db, ref=circle.id, status=target)
    after = circles.get_circle(db, ref=circle.id)
    assert (after.status, after.version) == (start, circle.version)


def test_forming_to_paused_names_what_is_possible(db: Database) -> None:
    circle = new_circle(db)
    with pytest.raises(Conflict, match="forming; it can become: active, closed"):
        circles.set_circle_status(db, ref=circle.id, status=PAUSED)


# --- seats -----------------------------------------------------------------------------------


def test_adding_beyond_max_size_is_refused_naming_circle_and_limit(db: Database) -> None:
    ids = new_members(db, 4)
    circle = new_circle(db, "Tiny", min_size=2, max_size=3)
    for member_id in ids[:3]:
        circles.add_member_to_circle(db, circle_ref=circle.id, member_ref=member_id)
    with pytest.raises(CapacityExceeded) as caught:
        circles.add_member_to_circle(db, circle_ref=circle.id, member_ref=ids[3])
    assert "'Tiny'" in str(caught.value)
    assert "3 of 3" in str(caught.value)
    assert circles.get_circle(db, ref=circle.id).size == 3


def test_a_full_circle_shows_a_warning(db: Database) -> None:
    ids = new_members(db, 2)
    circle = new_circle(db, "Pair", min_size=2, max_size=2)
    for member_id in ids:
        detail = circles.add_member_to_circle(db, circle_ref=circle.id, member_ref=member_id)
    assert detail.warnings == ["full: 2 of 2 seats taken"]


def test_below_min_size_is_a_warning_not_an_error(db: Database) -> None:
    (member_id,) = new_members(db, 1)
    circle = new_circle(db, min_size=4, max_size=10)
    detail = circles.add_member_to_circle(db, circle_ref=circle.id, member_ref=member_id)
    assert detail.size == 1
    assert detail.warnings == ["below minimum size: 1 of at least 4 members"]
    assert circles.get_circle(db, ref=circle.id).warnings == detail.warnings


def test_a_closed_circle_refuses_adds(db: Database) -> None:
    (member_id,) = new_members(db, 1)
    circle = circle_in(db, CLOSED)
    with pytest.raises(Conflict, match="'Builders' is closed"):
        circles.add_member_to_circle(db, circle_ref=circle.id, member_ref=member_id)
    assert circles.get_circle(db, ref=circle.id).size == 0


def test_a_member_who_left_is_refused(db: Database) -> None:
    (member_id,) = new_members(db, 1)
    circle = new_circle(db)
    members.leave_member(db, ref=member_id)
    with pytest.raises(Conflict, match="has left the community"):
        circles.add_member_to_circle(db, circle_ref=circle.id, member_ref=member_id)
    assert circles.get_circle(db, ref=circle.id).size == 0


def test_a_member_already_in_is_refused(db: Database) -> None:
    (member_id,) = new_members(db, 1)
    circle = new_circle(db)
    circles.add_member_to_circle(db, circle_ref=circle.id, member_ref=member_id)
    with pytest.raises(Conflict, match="already in 'Builders'"):
        circles.add_member_to_circle(db, circle_ref="builders", member_ref="@m0")
    assert circles.get_circle(db, ref=circle.id).size == 1


def test_remove_keeps_history_and_rejoin_starts_a_new_stay(db: Database) -> None:
    (member_id,) = new_members(db, 1)
    circle = new_circle(db)
    circles.add_member_to_circle(db, circle_ref=circle.id, member_ref=member_id)
    clock.freeze(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC))
    removed = circles.remove_member_from_circle(
        db, circle_ref=circle.id, member_ref=member_id, reason="needs a break"
    )
    assert removed.members == []
    (past,) = removed.past_members
    assert (past.joined_on, past.left_on, past.leave_reason) == (
        dt.date(2026, 11, 21),
        dt.date(2026, 12, 1),
        "needs a break",
    )
    with pytest.raises(Conflict, match="is not in"):
        circles.remove_member_from_circle(db, circle_ref=circle.id, member_ref=member_id)

    clock.freeze(dt.datetime(2027, 1, 10, 12, tzinfo=dt.UTC))
    rejoined = circles.add_member_to_circle(db, circle_ref=circle.id, member_ref=member_id)

    (current,) = rejoined.members
    assert (current.joined_on, current.left_on) == (dt.date(2027, 1, 10), None)
    assert rejoined.past_members == [past]
    stays = members.get_member(db, ref=member_id).circles
    assert [(s.joined_on, s.left_on) for s in stays] == [
        (dt.date(2027, 1, 10), None),
        (dt.date(2026, 11, 21), dt.date(2026, 12, 1)),
    ]


def test_a_removed_seat_can_be_given_to_someone_else(db: Database) -> None:
    ids = new_members(db, 3)
    circle = new_circle(db, min_size=2, max_size=2)
    circles.add_member_to_circle(db, circle_ref=circle.id, member_ref=ids[0])
    circles.add_member_to_circle(db, circle_ref=circle.id, member_ref=ids[1])
    circles.remove_member_from_circle(db, circle_ref=circle.id, member_ref=ids[0])
    detail = circles.add_member_to_circle(db, circle_ref=circle.id, member_ref=ids[2])
    assert sorted(m.member_id for m in detail.members) == [ids[1], ids[2]]


# --- edits -----------------------------------------------------------------------------------


def test_max_size_cannot_be_edited_below_the_current_size(db: Database) -> None:
    ids = new_members(db, 3)
    circle = new_circle(db, min_size=2, max_size=5)
    for member_id in ids:
        circles.add_member_to_circle(db, circle_ref=circle.id, member_ref=member_id)
    with pytest.raises(CapacityExceeded, match="has 3 members; max size 2"):
        circles.edit_circle(db, ref=circle.id, changes=CircleUpdate(max_size=2))
    assert circles.get_circle(db, ref=circle.id).max_size == 5
    assert circles.edit_circle(db, ref=circle.id, changes=CircleUpdate(max_size=3)).max_size == 3


def test_edits_are_checked_against_the_stored_values(db: Database) -> None:
    circle = new_circle(db, min_size=4, max_size=6, starts_on="2026-12-01")
    with pytest.raises(InvalidInput, match="min size 7 is larger than max size 6"):
        circles.edit_circle(db, ref=circle.id, changes=CircleUpdate(min_size=7))
    with pytest.raises(InvalidInput, match="before starts_on"):
        circles.edit_circle(db, ref=circle.id, changes=CircleUpdate(ends_on="2026-11-01"))
    assert snapshot(db, circle.id)["version"] == circle.version


def test_edit_changes_given_fields_and_bumps_the_version(db: Database) -> None:
    circle = new_circle(db, purpose="Ship things")
    edited = circles.edit_circle(
        db,
        ref=circle.id,
        changes=CircleUpdate(meeting_time="18:30", weekday="thu"),
        expected_version=circle.version,
    )
    assert (edited.meeting_time, edited.weekday) == ("18:30", "thu")
    assert edited.purpose == "Ship things"
    assert edited.version == circle.version + 1


def test_interval_follows_the_cadence_on_edit(db: Database) -> None:
    circle = new_circle(db, cadence="every-n-weeks", cadence_interval=3)
    assert circle.cadence_interval == 3
    weekly = circles.edit_circle(db, ref=circle.id, changes=CircleUpdate(cadence="weekly"))
    assert (weekly.cadence, weekly.cadence_interval) == ("weekly", 1)
    again = circles.edit_circle(
        db, ref=circle.id, changes=CircleUpdate(cadence="every-n-weeks", cadence_interval=2)
    )
    assert (again.cadence, again.cadence_interval) == ("every-n-weeks", 2)


def test_clearing_a_field_that_must_have_a_value_keeps_the_stored_one(db: Database) -> None:
    circle = new_circle(db, cadence="every-n-weeks", cadence_interval=3, weekday="mon")
    changes = CircleUpdate(cadence_interval=None, timezone=None, weekday=None)
    edited = circles.edit_circle(db, ref=circle.id, changes=changes)
    assert (edited.cadence_interval, edited.timezone, edited.weekday) == (3, "UTC", None)


def test_stale_edit_is_refused_and_changes_nothing(db: Database) -> None:
    circle = new_circle(db)
    circles.edit_circle(db, ref=circle.id, changes=CircleUpdate(purpose="theirs"))  # elsewhere
    before = snapshot(db, circle.id)
    with pytest.raises(StaleEdit, match="changed elsewhere — reload"):
        circles.edit_circle(
            db,
            ref=circle.id,
            changes=CircleUpdate(name="Mine", purpose="mine"),
            expected_version=circle.version,
        )
    assert snapshot(db, circle.id) == before


def test_stale_status_change_is_refused(db: Database) -> None:
    circle = new_circle(db)
    circles.edit_circle(db, ref=circle.id, changes=CircleUpdate(purpose="theirs"))
    with pytest.raises(StaleEdit, match="changed elsewhere — reload"):
        circles.set_circle_status(db, ref=circle.id, status=ACTIVE, expected_version=circle.version)
    assert circles.get_circle(db, ref=circle.id).status is FORMING


# --- lists -----------------------------------------------------------------------------------


def test_list_shows_sizes_and_filters_by_status_and_search(db: Database) -> None:
    ids = new_members(db, 2)
    new_circle(db, "Readers", purpose="Books we love")
    writers = new_circle(db, "writers")
    circles.set_circle_status(db, ref=writers.id, status=ACTIVE)
    for member_id in ids:
        circles.add_member_to_circle(db, circle_ref="writers", member_ref=member_id)
    page = circles.list_circles(db)
    assert [(row.name, row.size) for row in page.items] == [("Readers", 0), ("writers", 2)]
    assert [r.name for r in circles.list_circles(db, status=ACTIVE).items] == ["writers"]
    assert [r.name for r in circles.list_circles(db, search="BOOKS").items] == ["Readers"]
    second = circles.list_circles(db, limit=1, offset=1)
    assert ([r.name for r in second.items], second.total) == (["writers"], 2)
