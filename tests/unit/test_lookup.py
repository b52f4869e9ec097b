"""References that are numbers: an id, a handle or a circle name never get mixed up silently."""

from __future__ import annotations

import pytest

from circlekeeper.db import Database
from circlekeeper.models import CircleCreate, MemberCreate, MemberRead, MemberStatus, MemberUpdate
from circlekeeper.services import circles, members
from circlekeeper.services.errors import Conflict, NotFound


def add(db: Database, name: str, **values: str) -> MemberRead:
    """Add a member through the service."""
    return members.add_member(db, data=MemberCreate(name=name, **values))


@pytest.fixture
def number_handle(db: Database) -> tuple[int, int]:
    """Member #2 (Bo) exists, and Ana's handle is "2": the reference "2" means two people."""
    ana = add(db, "Ana", email="ana@x.org")
    bo = add(db, "Bo", email="bo@x.org")
    members.edit_member(db, ref=ana.id, changes=MemberUpdate(handle=str(bo.id)))
    return ana.id, bo.id


def test_a_bare_number_that_is_an_id_and_a_handle_is_ambiguous(
    db: Database, number_handle: tuple[int, int]
) -> None:
    ana_id, bo_id = number_handle
    with pytest.raises(Conflict) as caught:
        members.get_member(db, ref=str(bo_id))
    message = str(caught.value)
    assert f"member #{bo_id} (Bo)" in message
    assert f"member #{ana_id} (Ana)" in message
    assert f"'#{bo_id}' for the id or '@{bo_id}' for the handle" in message


def test_hash_means_the_id_and_at_means_the_handle(
    db: Database, number_handle: tuple[int, int]
) -> None:
    ana_id, bo_id = number_handle
    assert members.get_member(db, ref=f"#{bo_id}").id == bo_id
    assert members.get_member(db, ref=f" #{bo_id} ").id == bo_id
    assert members.get_member(db, ref=f"@{bo_id}").id == ana_id
    assert members.get_member(db, ref=bo_id).id == bo_id  # an int, as the TUI passes, is an id


def test_a_number_that_is_only_a_handle_or_only_an_id_is_not_ambiguous(db: Database) -> None:
    ana = add(db, "Ana", email="ana@x.org", handle="7777")
    bo = add(db, "Bo", email="bo@x.org", handle=str(2))  # Bo is member #2 and has handle "2"
    assert members.get_member(db, ref="7777").id == ana.id
    assert members.get_member(db, ref=str(ana.id)).id == ana.id
    assert bo.id == 2
    assert members.get_member(db, ref="2").id == bo.id


def test_hash_never_falls_back_to_a_handle_nor_at_to_an_id(db: Database) -> None:
    ana = add(db, "Ana", email="ana@x.org", handle="@500")
    with pytest.raises(NotFound):
        members.get_member(db, ref="#500")
    with pytest.raises(NotFound):
        members.get_member(db, ref=f"@{ana.id}")
    with pytest.raises(NotFound):
        members.get_member(db, ref=500)


def test_an_ambiguous_reference_changes_nothing(
    db: Database, number_handle: tuple[int, int]
) -> None:
    _, bo_id = number_handle
    with pytest.raises(Conflict):
        members.pause_member(db, ref=str(bo_id))
    assert members.count_members(db, status=MemberStatus.PAUSED) == 0


@pytest.fixture
def number_name(db: Database) -> tuple[int, int]:
    """Circle #2 (Builders) exists, and another circle is named "2"."""
    circles.create_circle(db, data=CircleCreate(name="Readers"))
    builders = circles.create_circle(db, data=CircleCreate(name="Builders"))
    named = circles.create_circle(db, data=CircleCreate(name=str(builders.id)))
    return builders.id, named.id


def test_a_bare_number_that_is_an_id_and_a_circle_name_is_ambiguous(
    db: Database, number_name: tuple[int, int]
) -> None:
    builders_id, named_id = number_name
    with pytest.raises(Conflict) as caught:
        circles.get_circle(db, ref=str(builders_id))
    message = str(caught.value)
    assert f"circle #{builders_id} (Builders)" in message
    assert f"circle #{named_id}" in message
    assert f"'#{builders_id}' for the id or 'name:{builders_id}' for the name" in message


def test_hash_means_the_circle_id_and_name_prefix_the_name(
    db: Database, number_name: tuple[int, int]
) -> None:
    builders_id, named_id = number_name
    assert circles.get_circle(db, ref=f"#{builders_id}").id == builders_id
    assert circles.get_circle(db, ref=builders_id).id == builders_id
    assert circles.get_circle(db, ref=f"name:{builders_id}").id == named_id
    assert circles.get_circle(db, ref="name:builders").id == builders_id


def test_a_circle_named_with_the_prefix_is_still_found(db: Database) -> None:
    odd = circles.create_circle(db, data=CircleCreate(name="name:x"))
    assert circles.get_circle(db, ref="name:x").id == odd.id
    assert circles.get_circle(db, ref="name:name:x").id == odd.id


def test_circle_names_that_look_like_ids_but_are_not_taken(db: Database) -> None:
    general = circles.create_circle(db, data=CircleCreate(name="#general"))
    year = circles.create_circle(db, data=CircleCreate(name="2026"))
    assert circles.get_circle(db, ref="#general").id == general.id
    assert circles.get_circle(db, ref="2026").id == year.id
    with pytest.raises(NotFound):
        circles.get_circle(db, ref="#2026")
