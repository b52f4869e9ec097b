"""Swapping two members in a formation preview: figures recomputed, rules kept, nothing written."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from tests.unit.test_formation_service import add_people, groups, old_circle, preview, rows

from circlekeeper.db import Database
from circlekeeper.services.errors import InvalidInput
from circlekeeper.services.formation_models import FormationPreview
from circlekeeper.services.formation_swap import swap_members


def circle_of(result: FormationPreview, member_id: int) -> int:
    """Index of the proposed circle holding `member_id`."""
    return next(i for i, group in enumerate(groups(result)) if member_id in group)


def pairs_met(result: FormationPreview, earlier: list[list[int]]) -> set[frozenset[int]]:
    """Pairs placed together who sat together in one of the `earlier` circles."""
    before = {frozenset(p) for circle in earlier for p in itertools.combinations(circle, 2)}
    return {
        frozenset(pair)
        for group in groups(result)
        for pair in itertools.combinations(sorted(group), 2)
        if frozenset(pair) in before
    }


def test_a_swap_moves_both_members_and_keeps_everything_else(db: Database) -> None:
    add_people(db, 12)
    before = preview(db)
    first = before.circles[0].members[0].id
    second = before.circles[1].members[0].id

    after = swap_members(db, before, first, second)

    assert circle_of(after, first) == 1
    assert circle_of(after, second) == 0
    assert groups(after)[2:] == groups(before)[2:]
    assert [len(c.members) for c in after.circles] == [len(c.members) for c in before.circles]
    assert [c.name for c in after.circles] == [c.name for c in before.circles]


def test_a_swap_that_seats_old_circle_mates_together_shows_them(db: Database) -> None:
    people = add_people(db, 16)
    earlier = [people[i : i + 4] for i in range(0, 16, 4)]
    for number, circle in enumerate(earlier):
        old_circle(db, f"Old {number}", circle, since=dt.date(2026, 1, 1))
    before = preview(db)
    assert before.repeated_pairs == 0 == len(pairs_met(before, earlier))
    mover = before.circles[0].members[0].id
    mates = next(circle for circle in earlier if mover in circle)
    target = next(i for i, group in enumerate(groups(before)) if i and group & set(mates))
    partner = next(m.id for m in before.circles[target].members if m.id not in mates)

    after = swap_members(db, before, mover, partner)

    met = pairs_met(after, earlier)
    assert after.repeated_pairs == len(met) > 0
    shown = {frozenset((m.first_id, m.second_id)) for c in after.circles for m in c.met_before}
    assert shown == met
    back = swap_members(db, after, mover, partner)
    assert back.repeated_pairs == 0


def test_balance_counts_follow_the_swap(db: Database) -> None:
    add_people(db, 4, city="Porto")
    add_people(db, 4, city="Lisbon")
    before = preview(db, balance="city")
    first = before.circles[0].members[0].id
    second = next(m.id for m in before.circles[1].members)

    after = swap_members(db, before, first, second)

    for circle in after.circles:
        assert sum(circle.balance.values()) == len(circle.members)
    totals = {
        value: sum(c.balance.get(value, 0) for c in after.circles) for value in ("Porto", "Lisbon")
    }
    assert totals == {"Porto": 4, "Lisbon": 4}


def test_keep_apart_and_keep_together_refuse_a_swap_that_breaks_them(db: Database) -> None:
    people = add_people(db, 8)
    before = preview(db, keep_apart=[("p0", "p1")], keep_together=[("p2", "p3")])
    zero, one = circle_of(before, people[0]), circle_of(before, people[1])
    other_than_one = next(m.id for m in before.circles[zero].members if m.id != people[0])
    if other_than_one in (people[2], people[3]):
        other_than_one = next(
            m.id for m in before.circles[zero].members if m.id not in (people[0], *people[2:4])
        )

    with pytest.raises(InvalidInput, match="kept apart"):
        swap_members(db, before, people[1], other_than_one)
    together = circle_of(before, people[2])
    stranger = next(
        m.id for m in before.circles[1 - together].members if m.id not in (people[0], people[1])
    )
    with pytest.raises(InvalidInput, match="kept together"):
        swap_members(db, before, people[2], stranger)
    assert one != zero


def test_swaps_inside_one_circle_or_with_strangers_are_refused(db: Database) -> None:
    add_people(db, 8)
    before = preview(db)
    first, second = (m.id for m in before.circles[0].members[:2])

    with pytest.raises(InvalidInput, match="same circle"):
        swap_members(db, before, first, second)
    with pytest.raises(InvalidInput, match="not in this proposal"):
        swap_members(db, before, first, 99_999)


def test_a_swap_writes_nothing(db: Database) -> None:
    add_people(db, 8)
    before = preview(db)
    stored = rows(db)

    swap_members(db, before, before.circles[0].members[0].id, before.circles[1].members[0].id)

    assert rows(db) == stored
