"""The rotation planner: order, first-session rule, skipping, deputies, load cap and fairness."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from circlekeeper.algorithms.rotation import (
    Assignment,
    Load,
    Person,
    Role,
    RotaPlan,
    Served,
    Slot,
    plan_rotation,
)

FAC, TIME, NOTES = "facilitator", "timekeeper", "note-taker"
PAST = dt.date(2026, 1, 1)
START = dt.date(2026, 12, 1)
ANN, BEN, CY, DEE, EVA = 1, 2, 3, 4, 5
NAMES = {ANN: "Ann", BEN: "Ben", CY: "Cy", DEE: "Dee", EVA: "Eva"}


def day(weeks: int) -> dt.date:
    """The date `weeks` weeks after the first planned session (negative: before it)."""
    return START + dt.timedelta(weeks=weeks)


def weekly(count: int) -> list[Slot]:
    """`count` weekly sessions from START, keyed 100, 101, …"""
    return [Slot(100 + index, day(index)) for index in range(count)]


def member(
    ident: int,
    *,
    first_day: dt.date | None = PAST,
    paused: tuple[tuple[dt.date, dt.date | None], ...] = (),
    excused: Iterable[dt.date] = (),
    opted_out: Iterable[str] = (),
) -> Person:
    """A person whose sort key is their name, seasoned unless told otherwise."""
    return Person(
        id=ident,
        order_key=NAMES[ident].casefold(),
        first_day=first_day,
        paused=paused,
        excused=frozenset(excused),
        opted_out=frozenset(opted_out),
    )


def circle(*idents: int) -> list[Person]:
    """Seasoned members with the given ids."""
    return [member(ident) for ident in idents]


def roles(*names: str) -> list[Role]:
    """Rotating roles in this order."""
    return [Role(name) for name in names]


def plan(
    people: Sequence[Person],
    *,
    role_names: Sequence[str] = (FAC,),
    sessions: int = 1,
    **options: Any,
) -> RotaPlan:
    """Plan `sessions` weekly sessions, naming people in warnings."""
    return plan_rotation(
        roles=roles(*role_names),
        slots=weekly(sessions),
        people=people,
        names=NAMES,
        **options,
    )


def mains(result: RotaPlan, role: str = FAC) -> list[int | None]:
    """Who takes `role`, session by session."""
    return [item.person for item in result.assignments if item.role == role]


def deputies(result: RotaPlan, role: str = FAC) -> list[int | None]:
    """Who stands by for `role`, session by session."""
    return [item.deputy for item in result.assignments if item.role == role]


def served(person: int, role: str, weeks_ago: int) -> Served:
    """A history row: `person` held `role` `weeks_ago` weeks before the first planned session."""
    return Served(person, role, day(-weeks_ago))


class TestOrder:
    def test_least_recently_served_in_the_role_goes_first(self) -> None:
        history = [served(ANN, FAC, 1), served(BEN, FAC, 3), served(CY, FAC, 2)]
        assert mains(plan(circle(ANN, BEN, CY), history=history)) == [BEN]

    def test_never_served_in_the_role_beats_any_past_service(self) -> None:
        history = [served(ANN, FAC, 9), served(BEN, FAC, 1), served(CY, TIME, 1)]
        assert mains(plan(circle(ANN, BEN, CY), history=history)) == [CY]

    def test_recency_tie_goes_to_fewest_turns_overall(self) -> None:
        history = [served(ANN, TIME, 1), served(ANN, NOTES, 2), served(BEN, TIME, 3)]
        assert mains(plan(circle(ANN, BEN), history=history)) == [BEN]

    def test_full_tie_goes_to_the_sort_key_then_the_id(self) -> None:
        people = [
            Person(id=7, order_key="zoe", first_day=PAST),
            Person(id=9, order_key="adam", first_day=PAST),
            Person(id=8, order_key="adam", first_day=PAST),
        ]
        assert mains(plan(people, sessions=3, cap=None)) == [8, 9, 7]

    def test_one_role_rotates_through_everyone_in_turn(self) -> None:
        result = plan(circle(ANN, BEN, CY), sessions=6, cap=None)
        assert mains(result) == [ANN, BEN, CY, ANN, BEN, CY]

    def test_history_is_respected(self) -> None:
        # Ben facilitated last week and Ann the week before: Cy has waited longest.
        history = [served(BEN, FAC, 1), served(ANN, FAC, 2)]
        result = plan(circle(ANN, BEN, CY), history=history, sessions=3, cap=None)
        assert mains(result) == [CY, ANN, BEN]

    def test_history_of_term_roles_does_not_count_as_turns(self) -> None:
        history = [Served(BEN, "steward", day(-1)), Served(BEN, "steward", day(-2))]
        result = plan_rotation(
            roles=[Role(FAC), Role("steward", rotating=False)],
            slots=weekly(1),
            people=circle(ANN, BEN),
            history=[*history, served(ANN, TIME, 1), served(BEN, TIME, 1)],
        )
        assert mains(result) == [ANN]

    def test_term_roles_are_not_planned(self) -> None:
        result = plan_rotation(
            roles=[Role("steward", rotating=False), Role(FAC)],
            slots=weekly(2),
            people=circle(ANN, BEN),
        )
        assert {item.role for item in result.assignments} == {FAC}
        assert [item.slot for item in result.assignments] == [100, 101]


class TestFirstSession:
    def test_a_newcomer_waits_while_someone_has_been_before(self) -> None:
        people = [member(ANN, first_day=None), member(BEN), member(CY)]
        result = plan(people, sessions=2, cap=None)
        # Ann sorts first and has never served, but the first session is her first.
        assert mains(result) == [BEN, ANN]

    def test_first_day_on_the_session_day_is_a_first_session(self) -> None:
        people = [member(ANN, first_day=START), member(BEN)]
        assert mains(plan(people)) == [BEN]

    def test_first_day_before_the_session_counts_as_having_been(self) -> None:
        people = [member(ANN, first_day=START - dt.timedelta(days=1)), member(BEN)]
        assert mains(plan(people)) == [ANN]

    def test_brand_new_circle_waits_until_the_second_session(self) -> None:
        people = [member(ANN, first_day=None), member(BEN, first_day=None), member(EVA)]
        people[2] = member(EVA, first_day=None, excused=[day(0)])
        result = plan(people, sessions=2, cap=None)
        # Session 1: everyone is new, so Ann (first in order) takes it. Session 2: Ben has been
        # once; Eva was excused from session 1, so session 2 is her first.
        assert mains(result) == [ANN, BEN]
        assert deputies(result) == [BEN, ANN]

    def test_a_newcomer_takes_the_role_when_no_one_who_has_been_before_can(self) -> None:
        people = [member(ANN, first_day=None), member(BEN, opted_out=[FAC])]
        result = plan(people, role_names=(FAC, TIME))
        assert mains(result, FAC) == [ANN]
        assert mains(result, TIME) == [BEN]

    def test_a_deputy_is_not_at_their_first_session_either(self) -> None:
        people = [member(ANN), member(BEN, first_day=None), member(CY)]
        assert deputies(plan(people)) == [CY]


class TestSkipping:
    def test_paused_members_are_skipped_for_the_range_inclusive(self) -> None:
        people = [member(ANN, paused=((day(0), day(1)),)), member(BEN), member(CY)]
        result = plan(people, sessions=3, cap=None)
        assert mains(result) == [BEN, CY, ANN]

    def test_an_open_ended_pause_skips_every_later_session(self) -> None:
        people = [member(ANN, paused=((day(1), None),)), member(BEN)]
        result = plan(people, sessions=4, cap=None)
        assert mains(result) == [ANN, BEN, BEN, BEN]

    def test_an_excused_member_is_skipped_on_that_date_only(self) -> None:
        people = [member(ANN, excused=[day(0)]), member(BEN), member(CY)]
        result = plan(people, sessions=2, cap=None)
        assert mains(result) == [BEN, ANN]
        assert ANN not in deputies(result)[:1]

    def test_an_opted_out_member_takes_other_roles_only(self) -> None:
        people = [member(ANN, opted_out=[FAC]), member(BEN), member(CY)]
        result = plan(people, role_names=(FAC, TIME), sessions=4, cap=None)
        assert ANN not in mains(result, FAC) + deputies(result, FAC)
        assert ANN in mains(result, TIME)

    def test_nobody_eligible_leaves_the_role_open_with_a_warning(self) -> None:
        people = [member(ANN, excused=[day(0)]), member(BEN, opted_out=[FAC])]
        result = plan(people)
        assert result.assignments == (Assignment(100, FAC, None, None),)
        assert result.warnings == (
            "nobody can take facilitator on 2026-12-01: everyone is paused, excused or opted out",
        )


class TestOneSession:
    def test_different_roles_go_to_different_people(self) -> None:
        result = plan(circle(ANN, BEN, CY), role_names=(FAC, TIME, NOTES))
        assert [item.person for item in result.assignments] == [ANN, BEN, CY]

    def test_doubling_up_only_when_nobody_else_can_and_with_a_warning(self) -> None:
        people = [member(ANN), member(BEN, excused=[day(0)])]
        result = plan(people, role_names=(FAC, TIME))
        assert [item.person for item in result.assignments] == [ANN, ANN]
        assert result.warnings == (
            "Ann takes both facilitator and timekeeper on 2026-12-01: "
            "nobody else can take timekeeper",
            "no deputy for facilitator on 2026-12-01: nobody else can take it",
            "no deputy for timekeeper on 2026-12-01: nobody else can take it",
        )

    def test_an_early_role_leaves_the_only_candidate_of_a_later_role_free(self) -> None:
        # Ann comes first for facilitator, but she is the only one who keeps time.
        people = [member(ANN), member(BEN, opted_out=[TIME]), member(CY, opted_out=[TIME])]
        result = plan(people, role_names=(FAC, TIME))
        assert [item.person for item in result.assignments] == [BEN, ANN]
        assert result.warnings == (
            "no deputy for timekeeper on 2026-12-01: nobody else can take it",
        )


class TestDeputies:
    def test_deputies_are_other_people_with_no_role_that_session(self) -> None:
        result = plan(circle(ANN, BEN, CY, DEE), role_names=(FAC, TIME))
        assert [(a.person, a.deputy) for a in result.assignments] == [(ANN, CY), (BEN, DEE)]

    def test_in_a_small_circle_a_deputy_stands_by_for_two_roles_before_holding_one(self) -> None:
        result = plan(circle(ANN, BEN, CY), role_names=(FAC, TIME))
        assert [(a.person, a.deputy) for a in result.assignments] == [(ANN, CY), (BEN, CY)]

    def test_a_deputy_holds_another_role_only_when_nobody_else_can(self) -> None:
        result = plan(circle(ANN, BEN), role_names=(FAC, TIME))
        assert [(a.person, a.deputy) for a in result.assignments] == [(ANN, BEN), (BEN, ANN)]

    def test_the_deputy_is_who_comes_next_by_the_same_order(self) -> None:
        history = [served(CY, FAC, 1), served(ANN, FAC, 3), served(BEN, FAC, 2)]
        assert deputies(plan(circle(ANN, BEN, CY), history=history)) == [BEN]

    def test_deputies_skip_the_paused_excused_and_opted_out(self) -> None:
        people = [
            member(ANN),
            member(BEN, paused=((day(0), None),)),
            member(CY, excused=[day(0)]),
            member(DEE, opted_out=[FAC]),
            member(EVA),
        ]
        assert deputies(plan(people)) == [EVA]

    def test_no_deputy_wanted(self) -> None:
        result = plan(circle(ANN), with_deputy=False)
        assert result.assignments == (Assignment(100, FAC, ANN, None),)
        assert result.warnings == ()

    def test_deputies_do_not_count_as_turns(self) -> None:
        result = plan(circle(ANN, BEN, CY), sessions=3, cap=None)
        assert mains(result) == [ANN, BEN, CY]
        assert deputies(result) == [BEN, CY, ANN]


class TestLoadCap:
    def test_load_from_another_circle_passes_the_role_to_someone_else(self) -> None:
        elsewhere = [Load(ANN, day(0) - dt.timedelta(days=3)), Load(ANN, day(0) + dt.timedelta(2))]
        result = plan(circle(ANN, BEN, CY), load=elsewhere)
        assert mains(result) == [BEN]
        assert deputies(result) == [CY]
        assert result.warnings == ()

    def test_load_outside_the_window_does_not_count(self) -> None:
        elsewhere = [Load(ANN, day(0) - dt.timedelta(days=28)), Load(ANN, day(4))]
        assert mains(plan(circle(ANN, BEN), load=elsewhere)) == [ANN]

    def test_any_window_containing_the_day_counts(self) -> None:
        # Loads 21 days before and 7 after: no 28-day window holds both, but each shares one
        # with the session, so the session is a second assignment (fine at 2, too many at 1).
        elsewhere = [Load(ANN, day(0) - dt.timedelta(days=21)), Load(ANN, day(0) + dt.timedelta(7))]
        assert mains(plan(circle(ANN, BEN), load=elsewhere, cap=2)) == [ANN]
        assert mains(plan(circle(ANN, BEN), load=elsewhere, cap=1)) == [BEN]
        # 20 days before and 7 after fit in one window with the session: three assignments.
        closer = [Load(ANN, day(0) - dt.timedelta(days=20)), Load(ANN, day(0) + dt.timedelta(7))]
        assert mains(plan(circle(ANN, BEN), load=closer, cap=2)) == [BEN]

    def test_this_circles_history_counts_towards_the_cap(self) -> None:
        history = [served(ANN, TIME, 1), served(ANN, NOTES, 2), served(BEN, FAC, 1)]
        assert mains(plan(circle(ANN, BEN), history=history)) == [BEN]

    def test_two_circles_sharing_a_member_spread_her_load(self) -> None:
        north = plan(circle(ANN, BEN, CY), sessions=4)
        assert mains(north) == [ANN, BEN, CY, ANN]
        south = circle(ANN, DEE, EVA)
        # Planned alone, South would give Ann two more turns in the same four weeks.
        assert mains(plan(south, sessions=4)) == [ANN, DEE, EVA, ANN]
        busy = [
            Load(item.person, day(item.slot - 100))
            for item in north.assignments
            if item.person is not None
        ]
        result = plan(south, sessions=4, load=busy)
        assert mains(result) == [DEE, EVA, DEE, EVA]
        assert result.warnings == ()

    def test_when_everyone_is_at_the_cap_the_least_loaded_serves_with_a_warning(self) -> None:
        elsewhere = [
            *(Load(ANN, day(0) - dt.timedelta(days=n)) for n in (1, 2, 3)),
            *(Load(BEN, day(0) - dt.timedelta(days=n)) for n in (1, 2)),
        ]
        result = plan(circle(ANN, BEN), load=elsewhere)
        assert mains(result) == [BEN]
        assert deputies(result) == [ANN]
        assert result.warnings == (
            "Ben takes facilitator on 2026-12-01 although that makes 3 role assignments within "
            "28 days (cap 2): everyone who could take it is at the cap",
        )

    def test_a_warning_names_an_unnamed_person_by_id(self) -> None:
        result = plan_rotation(
            roles=roles(FAC),
            slots=weekly(1),
            people=[Person(id=42, order_key="x", first_day=PAST)],
            load=[Load(42, day(0)), Load(42, day(0))],
            with_deputy=False,
        )
        assert result.warnings == (
            "member #42 takes facilitator on 2026-12-01 although that makes 3 role assignments "
            "within 28 days (cap 2): everyone who could take it is at the cap",
        )

    def test_the_cap_and_window_are_settable_and_the_cap_can_be_off(self) -> None:
        elsewhere = [Load(ANN, day(0) - dt.timedelta(days=10))]
        assert mains(plan(circle(ANN, BEN), load=elsewhere, cap=1)) == [BEN]
        assert mains(plan(circle(ANN, BEN), load=elsewhere, cap=1, cap_window_days=7)) == [ANN]
        lots = [Load(ANN, day(0))] * 5
        assert mains(plan(circle(ANN, BEN), load=lots, cap=None)) == [ANN]

    def test_the_plan_itself_counts_towards_the_cap(self) -> None:
        result = plan(circle(ANN, BEN), role_names=(FAC, TIME), sessions=2)
        assert [item.person for item in result.assignments] == [ANN, BEN, BEN, ANN]
        assert result.warnings == ()
        tight = plan(circle(ANN, BEN), role_names=(FAC, TIME), sessions=2, cap=1)
        assert len([w for w in tight.warnings if "cap 1" in w]) == 2


class TestBalance:
    def test_the_docstring_example_keeps_turns_within_one(self) -> None:
        # Ann: 2 turns (timekeeper 2 weeks ago, facilitator last week); Ben 1; Cy kept time
        # last week. Recency alone would make Ann timekeeper again: 3 turns against Cy's 1.
        history = [
            served(ANN, TIME, 2),
            served(BEN, TIME, 2),
            served(ANN, FAC, 1),
            served(CY, TIME, 1),
        ]
        result = plan(circle(ANN, BEN, CY), role_names=(FAC, TIME), history=history, cap=None)
        assert [item.person for item in result.assignments] == [BEN, CY]

    def test_a_newcomer_catches_up_gradually_not_every_session(self) -> None:
        history = [served(who, FAC, weeks) for weeks in range(1, 7) for who in (ANN, BEN)]
        people = [*circle(ANN, BEN), member(CY, first_day=day(-1))]
        result = plan(people, sessions=6, history=history, cap=None)
        assert mains(result) == [CY, ANN, BEN, CY, ANN, BEN]


class TestFixed:
    def test_a_fixed_assignment_is_kept_and_planned_around(self) -> None:
        fixed = [Assignment(100, FAC, CY, None)]
        result = plan(circle(ANN, BEN, CY), role_names=(FAC, TIME), sessions=2, fixed=fixed)
        assert [(a.person, a.deputy) for a in result.assignments[:2]] == [(CY, BEN), (ANN, BEN)]

    def test_a_fixed_turn_counts_from_the_start(self) -> None:
        fixed = [Assignment(101, FAC, ANN, None)]
        result = plan(circle(ANN, BEN, CY), sessions=4, fixed=fixed, cap=None)
        # Ann would lead the first session, but she is already down for the second.
        assert mains(result) == [BEN, ANN, CY, BEN]

    def test_a_fixed_deputy_is_kept(self) -> None:
        fixed = [Assignment(100, FAC, ANN, CY)]
        result = plan(circle(ANN, BEN, CY, DEE), fixed=fixed)
        assert result.assignments == (Assignment(100, FAC, ANN, CY),)

    def test_a_fixed_person_breaking_the_rules_gets_warnings(self) -> None:
        people = [member(ANN, excused=[day(0)], opted_out=[FAC]), member(BEN)]
        result = plan(people, fixed=[Assignment(100, FAC, ANN, None)], load=[Load(ANN, day(0))])
        assert mains(result) == [ANN]
        assert result.warnings == (
            "Ann is set by hand to take facilitator on 2026-12-01 but is paused or excused then",
            "Ann is set by hand to take facilitator on 2026-12-01 but has opted out of facilitator",
        )
        capped = plan(people, fixed=[Assignment(100, FAC, ANN, None)], load=[Load(ANN, day(0))] * 2)
        assert "(cap 2): it was set by hand" in capped.warnings[-1]

    def test_a_fixed_assignment_outside_the_plan_is_refused(self) -> None:
        with pytest.raises(ValueError, match="not being planned"):
            plan(circle(ANN), fixed=[Assignment(999, FAC, ANN, None)])
        with pytest.raises(ValueError, match="fixed twice"):
            plan(circle(ANN), fixed=[Assignment(100, FAC, ANN, None)] * 2)


class TestDeterminismAndChecks:
    def test_the_same_input_gives_the_same_plan(self) -> None:
        people = [
            member(ANN, excused=[day(2)]),
            member(BEN, opted_out=[TIME]),
            *circle(CY, DEE, EVA),
        ]
        first = plan(people, role_names=(FAC, TIME, NOTES), sessions=8)
        assert first == plan(people, role_names=(FAC, TIME, NOTES), sessions=8)
        assert len(first.assignments) == 24

    def test_input_order_does_not_matter(self) -> None:
        people = [member(ANN, excused=[day(2)]), member(BEN, opted_out=[TIME])]
        people += circle(CY, DEE, EVA)
        history = [served(ANN, FAC, 1), served(CY, TIME, 1), served(DEE, NOTES, 2)]
        load = [Load(BEN, day(1)), Load(EVA, day(3))]
        expected = plan(people, role_names=(FAC, TIME, NOTES), sessions=8, history=history)
        shuffler = random.Random(4)
        for _ in range(5):
            shuffled = [people, history, load]
            for items in shuffled:
                shuffler.shuffle(items)
            slots = weekly(8)
            shuffler.shuffle(slots)
            again = plan_rotation(
                roles=roles(FAC, TIME, NOTES),
                slots=slots,
                people=people,
                history=history,
                names=NAMES,
            )
            assert again == expected

    def test_slots_are_planned_in_date_order_whatever_their_keys(self) -> None:
        slots = [Slot(1, day(1)), Slot(2, day(0))]
        result = plan_rotation(roles=roles(FAC), slots=slots, people=circle(ANN, BEN))
        assert [(a.slot, a.person) for a in result.assignments] == [(2, ANN), (1, BEN)]

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"roles": roles(FAC, FAC)}, "role name 'facilitator' is given twice"),
            ({"slots": [Slot(1, START), Slot(1, day(1))]}, "session key 1 is given twice"),
            ({"people": circle(ANN, ANN)}, "member id 1 is given twice"),
            ({"cap": 0}, "at least 1 role assignment"),
            ({"cap_window_days": 0}, "at least 1 day"),
        ],
    )
    def test_bad_input_is_refused(self, changes: dict[str, object], message: str) -> None:
        arguments: dict[str, Any] = {
            "roles": roles(FAC),
            "slots": weekly(1),
            "people": circle(ANN),
        }
        with pytest.raises(ValueError, match=message):
            plan_rotation(**{**arguments, **changes})

    def test_a_datetime_is_not_a_session_day(self) -> None:
        with pytest.raises(TypeError, match="must be a date"):
            plan_rotation(
                roles=roles(FAC),
                slots=[Slot(1, dt.datetime(2026, 12, 1, 18))],
                people=circle(ANN),
            )


ROLE_POOL = (FAC, TIME, NOTES)


@st.composite
def stable_circles(draw: st.DrawFn) -> tuple[list[Role], list[Slot], list[Person], list[Served]]:
    """A circle whose eligible set never changes, with a balanced (possibly empty) history."""
    size = draw(st.integers(3, 10))
    role_count = draw(st.integers(1, 3))
    ids = draw(st.lists(st.integers(1, 10_000), min_size=size, max_size=size, unique=True))
    keys = draw(st.lists(st.sampled_from("abcde"), min_size=size, max_size=size))
    brand_new = draw(st.booleans())
    people = [
        Person(id=ident, order_key=key, first_day=None if brand_new else PAST)
        for ident, key in zip(ids, keys, strict=True)
    ]
    role_names = draw(st.permutations(ROLE_POOL))[:role_count]
    gaps = draw(st.lists(st.integers(1, 14), min_size=1, max_size=40))
    slots, current = [], START
    for index, gap in enumerate(gaps):
        slots.append(Slot(index, current))
        current += dt.timedelta(days=gap)
    history: list[Served] = []
    if not brand_new:
        base = draw(st.integers(0, 3))
        extra = draw(st.lists(st.booleans(), min_size=size, max_size=size))
        for person, more in zip(people, extra, strict=True):
            for _ in range(base + more):
                role = draw(st.sampled_from(role_names))
                ago = draw(st.integers(1, 200))
                history.append(Served(person.id, role, START - dt.timedelta(days=ago)))
    return [Role(name) for name in role_names], slots, people, history


@settings(max_examples=150, deadline=None)
@given(stable_circles())
def test_turns_never_differ_by_more_than_one(
    circle_data: tuple[list[Role], list[Slot], list[Person], list[Served]],
) -> None:
    role_list, slots, people, history = circle_data
    result = plan_rotation(roles=role_list, slots=slots, people=people, history=history, cap=None)
    turns = Counter({person.id: 0 for person in people})
    turns.update(item.person for item in history)
    by_slot: dict[int, list[int | None]] = {}
    for item in result.assignments:
        by_slot.setdefault(item.slot, []).append(item.person)
    assert result.warnings == ()
    for slot in slots:
        chosen = by_slot[slot.key]
        assert None not in chosen
        assert len(set(chosen)) == len(chosen) == len(role_list)
        turns.update(chosen)
        assert max(turns.values()) - min(turns.values()) <= 1, (slot, turns)


@dataclass(frozen=True)
class Messy:
    """Planner input where people come and go, opt out, are new, and are busy elsewhere."""

    roles: list[Role]
    slots: list[Slot]
    people: list[Person]
    load: list[Load]
    cap: int | None

    def plan(self) -> RotaPlan:
        return plan_rotation(
            roles=self.roles, slots=self.slots, people=self.people, load=self.load, cap=self.cap
        )


@st.composite
def messy_circles(draw: st.DrawFn, caps: st.SearchStrategy[int | None]) -> Messy:
    """A circle with pauses, excuses, opt-outs, newcomers, outside load and a cap from `caps`."""
    role_names = draw(st.permutations(ROLE_POOL))[: draw(st.integers(1, 3))]
    slots = [Slot(index, day(index)) for index in range(draw(st.integers(1, 10)))]
    slot_days = [slot.day for slot in slots]
    dates = st.sampled_from(slot_days)
    people = []
    for ident in range(1, draw(st.integers(1, 7)) + 1):
        paused: tuple[tuple[dt.date, dt.date | None], ...] = ()
        if draw(st.booleans()):
            start = draw(dates)
            later = st.sampled_from([when for when in slot_days if when >= start])
            paused = ((start, draw(st.one_of(st.none(), later))),)
        people.append(
            Person(
                id=ident,
                order_key=draw(st.sampled_from("abc")),
                first_day=draw(st.one_of(st.none(), st.just(PAST), dates)),
                paused=paused,
                excused=frozenset(draw(st.lists(dates, max_size=3))),
                opted_out=frozenset(draw(st.lists(st.sampled_from(role_names), max_size=2))),
            )
        )
    load = [
        Load(draw(st.integers(1, len(people))), draw(dates)) for _ in range(draw(st.integers(0, 8)))
    ]
    return Messy([Role(name) for name in role_names], slots, people, load, draw(caps))


def _can_take(person: Person, role: str, when: dt.date) -> bool:
    return person.available(when) and role not in person.opted_out


@settings(max_examples=150, deadline=None)
@given(messy_circles(st.one_of(st.none(), st.integers(1, 3))))
def test_only_eligible_people_are_assigned_and_deputies_differ(case: Messy) -> None:
    result = case.plan()
    people = {person.id: person for person in case.people}
    days = {slot.key: slot.day for slot in case.slots}
    for item in result.assignments:
        when = days[item.slot]
        somebody = any(_can_take(person, item.role, when) for person in people.values())
        if item.person is None:
            assert not somebody
            assert item.deputy is None
            continue
        assert _can_take(people[item.person], item.role, when)
        assert item.deputy != item.person
        if item.deputy is not None:
            assert _can_take(people[item.deputy], item.role, when)


@settings(max_examples=100, deadline=None)
@given(messy_circles(st.integers(1, 3)))
def test_nobody_is_overloaded_silently(case: Messy) -> None:
    result = case.plan()
    assert case.cap is not None
    days = {slot.key: slot.day for slot in case.slots}
    busy: dict[int, list[dt.date]] = {}
    for load in case.load:
        busy.setdefault(load.person, []).append(load.day)
    window = dt.timedelta(days=28)
    for item in result.assignments:
        if item.person is None:
            continue
        when = days[item.slot]
        mine = [*busy.get(item.person, []), when]
        worst = max(
            sum(start <= other < start + window for other in mine)
            for start in (when - dt.timedelta(days=offset) for offset in range(28))
        )
        if worst > case.cap:
            assert any(
                warning.startswith(f"member #{item.person} takes {item.role} on {when}")
                for warning in result.warnings
            )
        busy[item.person] = mine
