"""Circle formation: the pool, history avoided, rules kept, previews that write nothing, commits
that write all or nothing."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import select

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import (
    Circle,
    CircleCreate,
    CircleDetail,
    CircleKind,
    CircleStatus,
    MemberCreate,
    Membership,
)
from circlekeeper.services import circles, formation, members
from circlekeeper.services.errors import Conflict, InvalidInput, NotFound
from circlekeeper.services.formation_history import recency_weight
from circlekeeper.services.formation_models import FormationPreview

COHORT = CircleKind.COHORT


def add_people(db: Database, count: int, **tags: str) -> list[int]:
    """Add `count` active members (handles p0, p1, …) with the same tags; return their ids."""
    start = len(members.list_members(db, limit=1000).items)
    return [
        members.add_member(
            db, data=MemberCreate(name=f"Person {start + i}", handle=f"p{start + i}", tags=tags)
        ).id
        for i in range(count)
    ]


def old_circle(db: Database, name: str, people: list[int], since: dt.date | None = None) -> int:
    """A circle with these people seated in it since `since`."""
    circle = circles.create_circle(db, data=CircleCreate(name=name, min_size=2, max_size=20))
    for person in people:
        circles.add_member_to_circle(db, circle_ref=circle.id, member_ref=person, joined_on=since)
    return circle.id


def preview(db: Database, **options: Any) -> FormationPreview:
    """preview_formation with short defaults for tests."""
    values: dict[str, Any] = {"prefix": "New", "kind": COHORT, "size": 4, "time_limit": 1.0}
    return formation.preview_formation(db, **{**values, **options})


def rows(db: Database) -> tuple[int, int]:
    """How many circles and memberships are stored."""
    with db.read() as session:
        return (
            int(session.exec(select(func.count()).select_from(Circle)).one()),
            int(session.exec(select(func.count()).select_from(Membership)).one()),
        )


def groups(result: FormationPreview) -> list[set[int]]:
    """The member ids of each proposed circle."""
    return [{m.id for m in c.members} for c in result.circles]


def shared_pairs(result: FormationPreview, earlier: list[list[int]]) -> int:
    """Pairs placed together who sat together in one of the `earlier` circles."""
    before = {frozenset(p) for circle in earlier for p in itertools.combinations(circle, 2)}
    return sum(
        1
        for group in groups(result)
        for pair in itertools.combinations(sorted(group), 2)
        if frozenset(pair) in before
    )


def test_the_pool_is_the_active_members_the_filter_names(db: Database) -> None:
    north = add_people(db, 4, region="north")
    south = add_people(db, 4, region="south")
    members.pause_member(db, ref=north[0])
    seated = [south[0], south[1], north[1], north[2]]
    old_circle(db, "Old", seated)

    everyone = preview(db, size=3, max_size=4)
    tagged = preview(db, members="tag:region=North", size=3)
    in_circle = preview(db, members="circle:Old", size=4)

    assert set().union(*groups(everyone)) == set(north[1:] + south)
    assert set().union(*groups(tagged)) == set(north[1:])
    assert set().union(*groups(in_circle)) == set(seated)
    assert everyone.pool_size == 7
    assert tagged.pool_size == 3
    with pytest.raises(InvalidInput):
        preview(db, members="region=north")
    with pytest.raises(InvalidInput):
        preview(db, members="tag:region=east")


def test_history_from_shared_circles_is_avoided(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = add_people(db, 16)
    earlier = [people[i : i + 4] for i in range(0, 16, 4)]
    for number, circle in enumerate(earlier):
        old_circle(db, f"Old {number}", circle, since=dt.date(2026, 1, 1))

    aware = preview(db)
    monkeypatch.setattr(formation, "shared_history", lambda *args: {})
    blind = preview(db)

    assert aware.repeated_pairs == shared_pairs(aware, earlier)
    assert shared_pairs(aware, earlier) < shared_pairs(blind, earlier)
    assert shared_pairs(aware, earlier) == 0


def test_met_before_says_where_and_when(db: Database) -> None:
    people = add_people(db, 4)
    circle_id = old_circle(db, "Old", people[:2], since=dt.date(2026, 1, 1))
    circles.remove_member_from_circle(db, circle_ref=circle_id, member_ref=people[0])

    result = preview(db, size=4, members="all")

    [met] = result.circles[0].met_before
    assert {met.first_id, met.second_id} == set(people[:2])
    assert met.circle == "Old"
    assert met.circle_id == circle_id
    assert met.last_together == clock.today()
    assert not met.current


def test_stays_that_did_not_overlap_are_not_history(db: Database) -> None:
    people = add_people(db, 4)
    circle_id = old_circle(db, "Old", people[:1], since=dt.date(2026, 1, 1))
    circles.remove_member_from_circle(db, circle_ref=circle_id, member_ref=people[0])
    clock.freeze(clock.now() + dt.timedelta(days=3))
    circles.add_member_to_circle(db, circle_ref=circle_id, member_ref=people[1])

    assert preview(db).repeated_pairs == 0


def test_recency_weight_halves_after_the_recent_window() -> None:
    today = dt.date(2026, 11, 21)

    def weight(days: int) -> float:
        return recency_weight(today - dt.timedelta(days=days), today)

    assert weight(0) == weight(90) == 1.0
    assert weight(270) == pytest.approx(0.5)
    assert weight(450) == pytest.approx(0.25)
    assert weight(91) < 1.0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_keep_apart_and_keep_together_are_respected(db: Database, seed: int) -> None:
    people = add_people(db, 12)

    result = preview(
        db,
        seed=seed,
        keep_apart=[("p0", "p1"), ("p2", f"#{people[3]}")],
        keep_together=[("p4", "p5")],
    )

    for group in groups(result):
        assert not {people[0], people[1]} <= group
        assert not {people[2], people[3]} <= group
        assert ({people[4], people[5]} <= group) or not ({people[4], people[5]} & group)


def test_unknown_or_outside_members_in_rules_are_refused(db: Database) -> None:
    add_people(db, 8, region="north")
    add_people(db, 1, region="south")

    with pytest.raises(NotFound):
        preview(db, keep_apart=[("p0", "nobody")])
    with pytest.raises(InvalidInput, match="not among"):
        preview(db, members="tag:region=north", keep_apart=[("p0", "p8")])


def test_balance_counts_every_value_and_missing_tags(db: Database) -> None:
    add_people(db, 4, city="Porto")
    add_people(db, 4, city="Lisbon")
    add_people(db, 4)

    result = preview(db, balance="city")

    for circle in result.circles:
        assert sum(circle.balance.values()) == len(circle.members)
    totals: dict[str, int] = {}
    for circle in result.circles:
        for value, count in circle.balance.items():
            totals[value] = totals.get(value, 0) + count
    assert totals == {"Porto": 4, "Lisbon": 4, "": 4}


def test_infeasible_sizes_are_a_fixable_error(db: Database) -> None:
    add_people(db, 7)

    with pytest.raises(formation.FormationInfeasible) as caught:
        preview(db, size=4)

    assert isinstance(caught.value, InvalidInput)
    assert caught.value.reasons


def test_names_skip_those_already_taken(db: Database) -> None:
    add_people(db, 8)
    circles.create_circle(db, data=CircleCreate(name="new 1"))

    result = preview(db)

    assert [c.name for c in result.circles] == ["New 2", "New 3"]


def test_a_preview_writes_nothing(db: Database) -> None:
    people = add_people(db, 12)
    old_circle(db, "Old", people[:5])
    before = rows(db)

    preview(db, balance="city")

    assert rows(db) == before


def test_commit_creates_exactly_the_previewed_circles(db: Database) -> None:
    add_people(db, 13)
    before = rows(db)
    result = preview(db, size=4, min_size=3, max_size=5, kind=CircleKind.GOAL)

    created = formation.commit_formation(db, result)

    assert [c.name for c in created] == [c.name for c in result.circles]
    for proposed, made in zip(result.circles, created, strict=True):
        stored = circles.get_circle(db, ref=made.id)
        assert {m.member_id for m in stored.members} == {m.id for m in proposed.members}
        assert (stored.kind, stored.min_size, stored.max_size) == (CircleKind.GOAL, 3, 5)
    assert rows(db) == (before[0] + len(result.circles), before[1] + 13)


def test_a_failure_part_way_leaves_nothing(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    add_people(db, 12)
    result = preview(db)
    before = rows(db)
    real_details = formation.circle_details
    calls = []

    def read_then_fail(*args: Any) -> list[CircleDetail]:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk fell off")
        return real_details(*args)

    monkeypatch.setattr(circles, "CHUNK", 1)
    monkeypatch.setattr(formation, "circle_details", read_then_fail)

    with pytest.raises(RuntimeError):
        formation.commit_formation(db, result)

    assert len(calls) == 2
    assert rows(db) == before


def test_a_large_round_is_written_a_chunk_at_a_time_with_progress(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_people(db, 20)
    result = preview(db, size=4, min_size=4, max_size=4)
    before = rows(db)
    seen: list[tuple[int, int]] = []
    monkeypatch.setattr(circles, "CHUNK", 2)

    created = formation.commit_formation(db, result, progress=lambda *done: seen.append(done))

    assert seen == [(2, 5), (4, 5), (5, 5)]
    assert [c.name for c in created] == [c.name for c in result.circles]
    assert [{m.member_id for m in c.members} for c in created] == [
        {m.id for m in c.members} for c in result.circles
    ]
    assert all(c.size == 4 and c.status == CircleStatus.FORMING for c in created)
    assert rows(db) == (before[0] + 5, before[1] + 20)


def test_a_name_taken_since_the_preview_refuses_the_whole_commit(db: Database) -> None:
    add_people(db, 12)
    result = preview(db)
    circles.create_circle(db, data=CircleCreate(name=result.circles[-1].name))
    before = rows(db)

    with pytest.raises(Conflict, match="already exists"):
        formation.commit_formation(db, result)

    assert rows(db) == before


def test_a_member_paused_since_the_preview_refuses_the_commit(db: Database) -> None:
    people = add_people(db, 8)
    result = preview(db)
    members.pause_member(db, ref=people[3])
    before = rows(db)

    with pytest.raises(Conflict, match="changed since the preview"):
        formation.commit_formation(db, result)

    assert rows(db) == before
