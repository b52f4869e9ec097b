"""Circles by interest: one per interest the members list, crowded ones split by the solver with
earlier pairs apart, the rest reported as not formed; the commit creates what was previewed."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import select

from circlekeeper.db import Database
from circlekeeper.models import Circle, CircleCreate, CircleKind, MemberCreate, Membership
from circlekeeper.services import circles, formation, interest_formation, members
from circlekeeper.services.errors import InvalidInput
from circlekeeper.services.formation_models import FormationPreview
from circlekeeper.text import identity_key

COHORT = CircleKind.COHORT


def add_people(db: Database, count: int, interest: str | None = None, **tags: str) -> list[int]:
    """Add `count` active members (handles p0, p1, …) listing `interest`; return their ids."""
    start = len(members.list_members(db, limit=1000).items)
    if interest is not None:
        tags = {**tags, "interest": interest}
    return [
        members.add_member(
            db, data=MemberCreate(name=f"Person {start + i}", handle=f"p{start + i}", tags=tags)
        ).id
        for i in range(count)
    ]


def old_circle(db: Database, name: str, people: list[int]) -> int:
    """A circle with these people seated in it since the start of the year."""
    circle = circles.create_circle(db, data=CircleCreate(name=name, min_size=2, max_size=20))
    for person in people:
        circles.add_member_to_circle(
            db, circle_ref=circle.id, member_ref=person, joined_on=dt.date(2026, 1, 1)
        )
    return circle.id


def preview(db: Database, **options: Any) -> FormationPreview:
    """preview_interest_formation with short defaults for tests (circles of 4 to 6)."""
    values: dict[str, Any] = {
        "prefix": "New",
        "interest_tag": "interest",
        "kind": COHORT,
        "size": 4,
        "min_size": 4,
        "max_size": 6,
        "time_limit": 1.0,
    }
    return interest_formation.preview_interest_formation(db, **{**values, **options})


def by_name(result: FormationPreview) -> dict[str, set[int]]:
    """The member ids of each proposed circle, by circle name."""
    return {c.name: {m.id for m in c.members} for c in result.circles}


def named_like(result: FormationPreview, base: str) -> list[set[int]]:
    """The member ids of the circles named `base` or `base N`."""
    return [
        ids
        for name, ids in by_name(result).items()
        if name == base or (name.startswith(base + " ") and name[len(base) + 1 :].isdigit())
    ]


def rows(db: Database) -> tuple[int, int]:
    """How many circles and memberships are stored."""
    with db.read() as session:
        return (
            int(session.exec(select(func.count()).select_from(Circle)).one()),
            int(session.exec(select(func.count()).select_from(Membership)).one()),
        )


def test_one_circle_per_interest(db: Database) -> None:
    gardeners = add_people(db, 4, "gardening")
    readers = add_people(db, 5, "reading")

    result = preview(db)

    assert by_name(result) == {"New gardening": set(gardeners), "New reading": set(readers)}
    assert result.method.startswith("interest:")
    assert result.pool_size == 9


def test_a_member_listing_several_interests_joins_each_circle(db: Database) -> None:
    both = add_people(db, 2, "gardening, reading")
    gardeners = add_people(db, 2, "gardening")
    readers = add_people(db, 3, "reading ,chess")
    chess = add_people(db, 1, "chess,gardening")

    result = preview(db)

    assert by_name(result) == {
        "New chess": set(readers + chess),
        "New gardening": set(both + gardeners + chess),
        "New reading": set(both + readers),
    }


def test_interests_are_grouped_case_insensitively_in_the_most_common_spelling(
    db: Database,
) -> None:
    add_people(db, 1, "GARDENING")
    add_people(db, 3, "gardening")
    add_people(db, 1, "Gardening")

    result = preview(db)

    [circle] = result.circles
    assert circle.name == "New gardening"
    assert len(circle.members) == 5


def test_interests_under_the_minimum_are_reported_not_formed(db: Database) -> None:
    add_people(db, 4, "reading")
    chess = add_people(db, 2, "chess")
    add_people(db, 1)

    result = preview(db)

    assert [c.name for c in result.circles] == ["New reading"]
    assert not set(chess) & {m.id for c in result.circles for m in c.members}
    [chess_warning] = [w for w in result.warnings if w.startswith("chess:")]
    assert "2 interested" in chess_warning
    assert "minimum 4" in chess_warning
    assert "not formed" in chess_warning
    assert any("1 of 7 members" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("count", "smallest", "largest"), [(13, 4, 5), (7, 3, 6), (21, 4, 6), (12, 3, 4)]
)
def test_a_crowded_interest_is_split_into_the_fewest_even_circles(
    db: Database, count: int, smallest: int, largest: int
) -> None:
    people = add_people(db, count, "gardening")

    result = preview(db, size=smallest, min_size=smallest, max_size=largest)

    sizes = [len(c.members) for c in result.circles]
    assert len(sizes) == math.ceil(count / largest)
    assert all(smallest <= s <= largest for s in sizes)
    assert max(sizes) - min(sizes) <= 1
    placed = Counter(m.id for c in result.circles for m in c.members)
    assert placed == Counter(people)
    assert [c.name for c in result.circles] == [f"New gardening {n + 1}" for n in range(len(sizes))]
    assert "1 split" in result.method


def test_everyone_interested_is_placed_once_per_interest(db: Database) -> None:
    both = add_people(db, 6, "gardening, reading")
    gardeners = add_people(db, 8, "gardening")
    readers = add_people(db, 3, "reading")

    result = preview(db, max_size=5)

    for base, interested in (("New gardening", both + gardeners), ("New reading", both + readers)):
        placed = Counter(p for ids in named_like(result, base) for p in ids)
        assert placed == Counter(interested)
    assert sum(len(c.members) for c in result.circles) == 14 + 9


def test_an_interest_that_cannot_be_split_is_not_formed_but_the_rest_are(db: Database) -> None:
    add_people(db, 7, "gardening")
    readers = add_people(db, 4, "reading")

    result = preview(db, min_size=4, max_size=5)

    assert by_name(result) == {"New reading": set(readers)}
    [warning] = [w for w in result.warnings if w.startswith("gardening:")]
    assert "7 interested" in warning
    assert "4..5" in warning
    assert "not formed" in warning


def test_nothing_formable_is_a_fixable_error(db: Database) -> None:
    add_people(db, 2, "chess")
    add_people(db, 3, "reading")

    with pytest.raises(formation.FormationInfeasible) as caught:
        preview(db)

    assert isinstance(caught.value, InvalidInput)
    assert len(caught.value.reasons) == 2


def test_no_one_listing_the_tag_is_refused(db: Database) -> None:
    add_people(db, 5, city="Porto")

    with pytest.raises(InvalidInput, match="interest"):
        preview(db)


def test_the_members_filter_still_chooses_the_pool(db: Database) -> None:
    north = add_people(db, 4, "reading", region="north")
    add_people(db, 4, "reading", region="south")

    result = preview(db, members="tag:region=north")

    assert by_name(result) == {"New reading": set(north)}
    assert result.pool_size == 4


def test_names_are_unique_and_skip_taken_ones(db: Database) -> None:
    add_people(db, 4, "gardening")
    add_people(db, 10, "reading")
    add_people(db, 4, "reading 2")
    for taken in ("new gardening", "New Reading 1"):
        circles.create_circle(db, data=CircleCreate(name=taken))

    result = preview(db, max_size=5)

    names = [c.name for c in result.circles]
    keys = [identity_key(name) for name in names]
    assert len(set(keys)) == len(keys) == 4
    assert not {"new gardening", "new reading 1"} & set(keys)
    assert "New gardening 1" in names
    assert {"New reading 2", "New reading 3"} <= set(names)
    assert len(named_like(result, "New reading")) == 2


def test_names_too_long_for_a_circle_leave_that_interest_out(db: Database) -> None:
    long_interest = "x" * 100
    add_people(db, 4, long_interest)
    readers = add_people(db, 4, "reading")

    result = preview(db, prefix="P" * 30)

    assert by_name(result) == {"P" * 30 + " reading": set(readers)}
    assert any(w.startswith(long_interest) and "not formed" in w for w in result.warnings)


def test_a_split_separates_people_who_shared_a_circle(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = add_people(db, 16, "gardening")
    earlier = [people[i : i + 4] for i in range(0, 16, 4)]
    for number, circle in enumerate(earlier):
        old_circle(db, f"Old {number}", circle)
    before = {frozenset(p) for circle in earlier for p in itertools.combinations(circle, 2)}

    def shared(result: FormationPreview) -> int:
        return sum(
            1
            for c in result.circles
            for pair in itertools.combinations(sorted(m.id for m in c.members), 2)
            if frozenset(pair) in before
        )

    aware = preview(db, max_size=4)
    monkeypatch.setattr(interest_formation, "shared_history", lambda *args: {})
    blind = preview(db, max_size=4)

    assert len(aware.circles) == 4
    assert shared(aware) == 0 == aware.repeated_pairs
    assert shared(blind) > 0


def test_history_of_other_members_does_not_count(db: Database) -> None:
    readers = add_people(db, 4, "reading")
    outsiders = add_people(db, 2)
    old_circle(db, "Old", [readers[0], readers[1], *outsiders])

    result = preview(db)

    [circle] = result.circles
    [met] = circle.met_before
    assert {met.first_id, met.second_id} == {readers[0], readers[1]}
    assert met.circle == "Old"
    assert result.repeated_pairs == 1


def test_balance_is_spread_within_a_split(db: Database) -> None:
    add_people(db, 4, "gardening", city="Porto")
    add_people(db, 4, "gardening", city="Lisbon")

    result = preview(db, max_size=4, balance="city")

    assert result.balance_tag == "city"
    assert [c.balance for c in result.circles] == [{"Lisbon": 2, "Porto": 2}] * 2


def test_a_preview_writes_nothing(db: Database) -> None:
    people = add_people(db, 12, "gardening, reading")
    old_circle(db, "Old", people[:5])
    before = rows(db)

    preview(db, max_size=5)

    assert rows(db) == before


def test_commit_creates_exactly_the_previewed_circles(db: Database) -> None:
    add_people(db, 3, "gardening, reading")
    add_people(db, 7, "gardening")
    add_people(db, 2, "reading")
    add_people(db, 2, "chess")
    before = rows(db)
    result = preview(db, max_size=5, kind=CircleKind.GOAL)

    created = formation.commit_formation(db, result)

    assert [c.name for c in created] == [c.name for c in result.circles]
    for proposed, made in zip(result.circles, created, strict=True):
        stored = circles.get_circle(db, ref=made.id)
        assert {m.member_id for m in stored.members} == {m.id for m in proposed.members}
        assert (stored.kind, stored.min_size, stored.max_size) == (CircleKind.GOAL, 4, 5)
    assert rows(db) == (before[0] + len(result.circles), before[1] + 10 + 5)
