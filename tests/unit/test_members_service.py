"""Member rules: unique contacts, addressing, search and paging, edits, pause, resume, leave."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import (
    CircleCreate,
    MemberCreate,
    MemberRead,
    MemberStatus,
    MemberUpdate,
)
from circlekeeper.services import circles, members
from circlekeeper.services.errors import (
    STALE_MESSAGE,
    Conflict,
    InvalidInput,
    NotFound,
    StaleEdit,
)

TODAY = dt.date(2026, 11, 21)


def add(db: Database, name: str, **values: Any) -> MemberRead:
    """Add a member through the service, as the CLI and TUI do."""
    return members.add_member(db, data=MemberCreate(name=name, **values))


def names(page: Any) -> list[str]:
    """The names on a page, in order."""
    return [row.name for row in page.items]


def snapshot(db: Database, ref: str | int) -> dict[str, Any]:
    """Everything stored about a member, to prove a refused call changed nothing."""
    return members.get_member(db, ref=ref).model_dump()


# --- unique contacts -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"email": "Ana@X.org"}, {"email": "ana@x.org"}),
        ({"email": "ana@STRASSE.de"}, {"email": "ana@straße.de"}),
        ({"email": "jos\u00e9@x.org"}, {"email": "jose\u0301@x.org"}),
        ({"handle": "@Bo"}, {"handle": "bo"}),
        ({"handle": "bo"}, {"handle": "@BO"}),
    ],
)
def test_contacts_are_unique_after_nfc_and_casefold(
    db: Database, first: dict[str, str], second: dict[str, str]
) -> None:
    original = add(db, "First", **first)
    with pytest.raises(Conflict, match=f"already used by member #{original.id} \\(First\\)"):
        add(db, "Second", **second)
    assert members.count_members(db) == 1


def test_edit_to_someone_elses_contact_is_refused(db: Database) -> None:
    add(db, "Ana", email="ana@x.org", handle="@ana")
    bo = add(db, "Bo", email="bo@x.org")
    before = snapshot(db, bo.id)
    with pytest.raises(Conflict, match="email is already used"):
        members.edit_member(db, ref=bo.id, changes=MemberUpdate(email="ANA@x.org"))
    with pytest.raises(Conflict, match="handle is already used"):
        members.edit_member(db, ref=bo.id, changes=MemberUpdate(handle="Ana"))
    assert snapshot(db, bo.id) == before


def test_changing_the_case_of_ones_own_email_is_allowed(db: Database) -> None:
    ana = add(db, "Ana", email="ana@x.org")
    edited = members.edit_member(db, ref=ana.id, changes=MemberUpdate(email="Ana@X.org"))
    assert edited.email == "Ana@X.org"


# --- addressing ------------------------------------------------------------------------------


def test_members_are_addressed_by_id_email_or_handle(db: Database) -> None:
    ana = add(db, "Ana", email="Ana@X.org")
    bo = add(db, "Bo", handle="@Bo")
    for ref in (ana.id, str(ana.id), f"#{ana.id}", "ana@x.org", "ANA@X.ORG", " ana@x.org "):
        assert members.get_member(db, ref=ref).id == ana.id
    for ref in ("@bo", "bo", "BO", "@BO"):
        assert members.get_member(db, ref=ref).id == bo.id


def test_an_unknown_reference_says_how_to_find_members(db: Database) -> None:
    add(db, "Ana", email="ana@x.org")
    with pytest.raises(NotFound, match=r"no member matches 'nobody'.*member list"):
        members.get_member(db, ref="nobody")
    with pytest.raises(NotFound):
        members.get_member(db, ref=999)


@pytest.mark.parametrize("ref", ["\u00b2", "#\u00b2", "\u0663", "9" * 30, "#", "-1", ""])
def test_odd_references_are_not_found_rather_than_crashing(db: Database, ref: str) -> None:
    add(db, "Ana", email="ana@x.org")
    with pytest.raises(NotFound):
        members.get_member(db, ref=ref)


# --- listing and search ----------------------------------------------------------------------


@pytest.fixture
def roster(db: Database) -> Database:
    """Five members with names, contacts and tags that exercise search."""
    add(db, "Zoë Weiß", email="zoe@river.org", tags={"lang": "de", "city": "Berlin"})
    add(db, "ana lima", email="ana@lima.pt", handle="@analima", tags={"lang": "pt"})
    add(db, "Bo Chen", handle="@bochen", tags={"lang": "deu", "role": "buddy"})
    add(db, "Ámbar Ruiz", email="ambar@sol.es", tags={"lang": "es", "city": "Sevilla"})
    add(db, "100% Cotton", handle="cotton")
    return db


def test_list_is_sorted_by_name_regardless_of_case_and_accents(roster: Database) -> None:
    page = members.list_members(roster)
    assert names(page) == ["100% Cotton", "Ámbar Ruiz", "ana lima", "Bo Chen", "Zoë Weiß"]
    assert page.total == 5


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("LIMA", ["ana lima"]),
        ("weiss", ["Zoë Weiß"]),
        ("WEISS", ["Zoë Weiß"]),
        ("river.org", ["Zoë Weiß"]),
        ("@bochen", ["Bo Chen"]),
        ("bochen", ["Bo Chen"]),
        ("lang=de", ["Zoë Weiß"]),
        ("LANG=DE", ["Zoë Weiß"]),
        ("lang = pt", ["ana lima"]),
        ("lang=d", []),
        ("city=berlin", ["Zoë Weiß"]),
        ("CITY=SEVILLA", ["Ámbar Ruiz"]),
        ("AMBAR RUIZ", ["Ámbar Ruiz"]),
        ("zoe", ["Zoë Weiß"]),
        ("buddy", ["Bo Chen"]),
        ("sevill", ["Ámbar Ruiz"]),
        ("100%", ["100% Cotton"]),
        ("%", ["100% Cotton"]),
        ("_", []),
        ("nobody", []),
    ],
)
def test_search_by_name_email_handle_and_tag(
    roster: Database, search: str, expected: list[str]
) -> None:
    page = members.list_members(roster, search=search)
    assert sorted(names(page)) == sorted(expected)
    assert page.total == len(expected)
    assert members.count_members(roster, search=search) == len(expected)


def test_tag_substring_search_matches_keys_and_values(roster: Database) -> None:
    assert sorted(names(members.list_members(roster, search="de"))) == ["Bo Chen", "Zoë Weiß"]
    assert names(members.list_members(roster, search="role")) == ["Bo Chen"]


def test_status_filter(roster: Database) -> None:
    members.pause_member(roster, ref="@bochen")
    members.leave_member(roster, ref="zoe@river.org")
    assert names(members.list_members(roster, status=MemberStatus.PAUSED)) == ["Bo Chen"]
    assert names(members.list_members(roster, status=MemberStatus.LEFT)) == ["Zoë Weiß"]
    active = members.list_members(roster, status=MemberStatus.ACTIVE)
    assert names(active) == ["100% Cotton", "Ámbar Ruiz", "ana lima"]
    both = members.list_members(roster, search="lang=de", status=MemberStatus.ACTIVE)
    assert both.total == 0


def test_paging_gives_windows_and_the_total(roster: Database) -> None:
    everyone = names(members.list_members(roster))
    first = members.list_members(roster, limit=2, offset=0)
    second = members.list_members(roster, limit=2, offset=2)
    last = members.list_members(roster, limit=2, offset=4)
    beyond = members.list_members(roster, limit=2, offset=10)
    assert names(first) + names(second) + names(last) == everyone
    assert [p.total for p in (first, second, last, beyond)] == [5, 5, 5, 5]
    assert (second.limit, second.offset) == (2, 2)
    assert beyond.items == []


@pytest.mark.parametrize(("limit", "offset"), [(0, 0), (1001, 0), (10, -1)])
def test_bad_paging_is_refused(db: Database, limit: int, offset: int) -> None:
    with pytest.raises(InvalidInput):
        members.list_members(db, limit=limit, offset=offset)


def test_rows_carry_tags_and_current_circle_count(db: Database) -> None:
    add(db, "Ana", email="ana@x.org", tags={"lang": "pt"})
    circles.create_circle(db, data=CircleCreate(name="One"))
    circles.create_circle(db, data=CircleCreate(name="Two"))
    circles.add_member_to_circle(db, circle_ref="One", member_ref="ana@x.org")
    circles.add_member_to_circle(db, circle_ref="Two", member_ref="ana@x.org")
    circles.remove_member_from_circle(db, circle_ref="Two", member_ref="ana@x.org")
    (row,) = members.list_members(db).items
    assert row.tags == {"lang": "pt"}
    assert row.circle_count == 1


# --- edit ------------------------------------------------------------------------------------


def test_edit_changes_only_the_given_fields_and_bumps_the_version(db: Database) -> None:
    ana = add(db, "Ana", email="ana@x.org", timezone="Europe/Lisbon", tags={"lang": "pt"})
    edited = members.edit_member(
        db,
        ref=ana.id,
        changes=MemberUpdate(name="Ana Lima", handle="@ana", tags={"city": "Porto"}),
        expected_version=ana.version,
    )
    assert (edited.name, edited.email, edited.handle) == ("Ana Lima", "ana@x.org", "@ana")
    assert edited.timezone == "Europe/Lisbon"
    assert edited.tags == {"city": "Porto"}
    assert edited.version == ana.version + 1
    assert members.get_member(db, ref="@ana").name == "Ana Lima"
    assert members.list_members(db, search="lang=pt").total == 0


def test_clearing_email_keeps_the_handle_but_both_cannot_go(db: Database) -> None:
    ana = add(db, "Ana", email="ana@x.org", handle="@ana")
    edited = members.edit_member(db, ref=ana.id, changes=MemberUpdate(email=""))
    assert edited.email is None
    with pytest.raises(NotFound):
        members.get_member(db, ref="ana@x.org")
    with pytest.raises(InvalidInput, match="email or a handle"):
        members.edit_member(db, ref=ana.id, changes=MemberUpdate(handle=""))
    assert members.get_member(db, ref="@ana").handle == "@ana"


def test_edit_refuses_an_empty_name(db: Database) -> None:
    ana = add(db, "Ana", email="ana@x.org")
    with pytest.raises(InvalidInput, match="name"):
        members.edit_member(db, ref=ana.id, changes=MemberUpdate(name=None))
    assert members.get_member(db, ref=ana.id).name == "Ana"


def test_stale_edit_is_refused_and_changes_nothing(db: Database) -> None:
    ana = add(db, "Ana", email="ana@x.org", tags={"lang": "pt"})
    members.edit_member(db, ref=ana.id, changes=MemberUpdate(name="Ana L"))  # elsewhere
    before = snapshot(db, ana.id)
    with pytest.raises(StaleEdit, match=STALE_MESSAGE) as caught:
        members.edit_member(
            db,
            ref=ana.id,
            changes=MemberUpdate(name="Mine", handle="@mine", tags={"x": "y"}),
            expected_version=ana.version,
        )
    assert "changed elsewhere — reload" in str(caught.value)
    assert snapshot(db, ana.id) == before
    with pytest.raises(NotFound):
        members.get_member(db, ref="@mine")


@pytest.mark.parametrize("action", ["pause", "resume", "leave"])
def test_stale_status_changes_are_refused_and_change_nothing(db: Database, action: str) -> None:
    ana = add(db, "Ana", email="ana@x.org")
    circles.create_circle(db, data=CircleCreate(name="One"))
    circles.add_member_to_circle(db, circle_ref="One", member_ref=ana.id)
    if action == "resume":
        ana = members.pause_member(db, ref=ana.id)
    stale = ana.version
    members.edit_member(db, ref=ana.id, changes=MemberUpdate(timezone="Asia/Tokyo"))
    before = snapshot(db, ana.id)
    call = {
        "pause": lambda: members.pause_member(db, ref=ana.id, expected_version=stale),
        "resume": lambda: members.resume_member(db, ref=ana.id, expected_version=stale),
        "leave": lambda: members.leave_member(db, ref=ana.id, expected_version=stale),
    }[action]
    with pytest.raises(StaleEdit, match="changed elsewhere — reload"):
        call()
    assert snapshot(db, ana.id) == before


# --- pause, resume, leave --------------------------------------------------------------------


def test_pause_until_a_future_date_keeps_circle_seats(db: Database) -> None:
    ana = add(db, "Ana", email="ana@x.org")
    circles.create_circle(db, data=CircleCreate(name="One"))
    circles.add_member_to_circle(db, circle_ref="One", member_ref=ana.id)
    paused = members.pause_member(db, ref=ana.id, until=TODAY + dt.timedelta(days=1))
    assert paused.status is MemberStatus.PAUSED
    assert paused.paused_until == dt.date(2026, 11, 22)
    assert circles.get_circle(db, ref="One").size == 1


@pytest.mark.parametrize("days", [0, -1, -400])
def test_pause_until_today_or_the_past_is_refused(db: Database, days: int) -> None:
    ana = add(db, "Ana", email="ana@x.org")
    until = clock.today() + dt.timedelta(days=days)
    with pytest.raises(InvalidInput, match="not in the future"):
        members.pause_member(db, ref=ana.id, until=until)
    assert members.get_member(db, ref=ana.id).status is MemberStatus.ACTIVE


def test_pause_without_a_date_is_open_ended(db: Database) -> None:
    ana = add(db, "Ana", email="ana@x.org")
    paused = members.pause_member(db, ref=ana.id)
    assert (paused.status, paused.paused_until) == (MemberStatus.PAUSED, None)


def test_resume_clears_the_pause(db: Database) -> None:
    ana = add(db, "Ana", email="ana@x.org")
    members.pause_member(db, ref=ana.id, until=dt.date(2027, 1, 1))
    resumed = members.resume_member(db, ref=ana.id)
    assert (resumed.status, resumed.paused_until) == (MemberStatus.ACTIVE, None)
    with pytest.raises(Conflict, match="already active"):
        members.resume_member(db, ref=ana.id)


def test_leave_ends_every_current_stay_with_the_reason(db: Database) -> None:
    ana = add(db, "Ana", email="ana@x.org")
    for name in ("One", "Two", "Old"):
        circles.create_circle(db, data=CircleCreate(name=name))
        circles.add_member_to_circle(db, circle_ref=name, member_ref=ana.id)
    circles.remove_member_from_circle(db, circle_ref="Old", member_ref=ana.id, reason="swap")
    clock.freeze(dt.datetime(2026, 12, 5, 9, tzinfo=dt.UTC))
    members.pause_member(db, ref=ana.id, until=dt.date(2027, 1, 1))

    left = members.leave_member(db, ref=ana.id, reason="moved away")

    assert (left.status, left.paused_until) == (MemberStatus.LEFT, None)
    stays = {s.circle_name: s for s in members.get_member(db, ref=ana.id).circles}
    assert (stays["One"].left_on, stays["One"].leave_reason) == (dt.date(2026, 12, 5), "moved away")
    assert (stays["Two"].left_on, stays["Two"].leave_reason) == (dt.date(2026, 12, 5), "moved away")
    assert (stays["Old"].left_on, stays["Old"].leave_reason) == (TODAY, "swap")
    assert circles.get_circle(db, ref="One").size == 0


def test_leave_without_a_reason_records_one(db: Database) -> None:
    ana = add(db, "Ana", email="ana@x.org")
    circles.create_circle(db, data=CircleCreate(name="One"))
    circles.add_member_to_circle(db, circle_ref="One", member_ref=ana.id)
    members.leave_member(db, ref=ana.id)
    (stay,) = members.get_member(db, ref=ana.id).circles
    assert stay.leave_reason == members.LEFT_COMMUNITY_REASON


def test_a_member_who_left_cannot_leave_again_or_be_paused(db: Database) -> None:
    ana = add(db, "Ana", email="ana@x.org")
    members.leave_member(db, ref=ana.id)
    with pytest.raises(Conflict, match="already left"):
        members.leave_member(db, ref=ana.id)
    with pytest.raises(Conflict, match="left the community"):
        members.pause_member(db, ref=ana.id)
    assert members.resume_member(db, ref=ana.id).status is MemberStatus.ACTIVE


def test_pausing_a_paused_member_moves_the_date_but_never_drops_it(db: Database) -> None:
    ana = add(db, "Ana", email="ana@x.org")
    first, later = dt.date(2027, 1, 1), dt.date(2027, 2, 1)
    members.pause_member(db, ref=ana.id, until=first)

    with pytest.raises(Conflict, match=r"already paused until 2027-01-01 .* resume them first"):
        members.pause_member(db, ref=ana.id)
    with pytest.raises(Conflict, match="already paused until 2027-01-01"):
        members.pause_member(db, ref=ana.id, until=first)
    assert members.get_member(db, ref=ana.id).paused_until == first

    moved = members.pause_member(db, ref=ana.id, until=later)
    assert (moved.status, moved.paused_until) == (MemberStatus.PAUSED, later)


def test_an_open_ended_pause_can_be_given_an_end_but_not_repeated(db: Database) -> None:
    ana = add(db, "Ana", email="ana@x.org")
    members.pause_member(db, ref=ana.id)

    with pytest.raises(Conflict, match="already paused until resumed"):
        members.pause_member(db, ref=ana.id)
    dated = members.pause_member(db, ref=ana.id, until=dt.date(2027, 1, 1))
    assert dated.paused_until == dt.date(2027, 1, 1)
