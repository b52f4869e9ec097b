"""Grouping solver hard rules: sizes, everyone placed, keep-apart, keep-together, named conflicts.

Property tests draw small instances and judge every answer with independent checks: a valid
schedule must obey each rule, and an Infeasible must name a conflict that really cannot hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.unit.grouping_checks import (
    apart_inside_component,
    assert_valid,
    components,
    even_sizes,
    feasible_with,
    names,
    valid_counts,
)

from circlekeeper.algorithms.grouping import (
    GroupingProblem,
    GroupingResult,
    Infeasible,
    solve,
)
from circlekeeper.algorithms.grouping.sizes import group_count, sizes_for

TIME_LIMIT = 0.3
PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def chosen_count(problem: GroupingProblem) -> int:
    """The group count the solver works with (sizes.group_count, tested on its own below)."""
    count = group_count(
        len(problem.people),
        target=problem.group_size,
        smallest=problem.smallest,
        largest=problem.largest,
        fixed=problem.num_groups,
    )
    assert isinstance(count, int)
    return count


def attempt(problem: GroupingProblem, seed: int) -> GroupingResult | Infeasible:
    """The solver's answer, or the Infeasible it raised (so the test can judge either)."""
    try:
        return solve(problem, seed=seed, time_limit=TIME_LIMIT)
    except Infeasible as error:
        return error


def conflict_of(error: Infeasible, rule: str) -> list[str]:
    """The messages of the conflicts `error` reports under `rule`."""
    return [c.message for c in error.conflicts if c.rule == rule]


# --- instances drawn for the property tests -------------------------------------------------


@st.composite
def sized_problems(draw: st.DrawFn) -> GroupingProblem:
    """People, rounds and size rules, mostly splittable, sometimes not, sometimes a fixed count."""
    smallest = draw(st.integers(2, 6))
    largest = draw(st.integers(smallest, 6))
    target = draw(st.integers(smallest, largest))
    if draw(st.booleans()):
        count = draw(st.integers(1, 40 // smallest))
        n = draw(st.integers(count * smallest, min(40, count * largest)))
    else:
        n = draw(st.integers(2, 40))
    ids = draw(st.lists(st.integers(-50, 500), min_size=n, max_size=n, unique=True))
    ranged = draw(st.booleans())
    return GroupingProblem(
        people=ids,
        rounds=draw(st.integers(1, 4)),
        group_size=target,
        min_size=smallest if ranged else None,
        max_size=largest if ranged else None,
        num_groups=draw(st.none() | st.none() | st.integers(1, 12)),
    )


def pairs_from(draw: st.DrawFn, ids: Sequence[int], most: int) -> list[tuple[int, int]]:
    """Up to `most` pairs of two different people from `ids`."""
    pair = st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True).map(tuple)
    return draw(st.lists(pair, max_size=most))


@st.composite
def apart_problems(draw: st.DrawFn) -> GroupingProblem:
    """Sized problems with a few keep-apart pairs (often among few people, so some clash)."""
    base = draw(sized_problems())
    pool = list(base.people)[: draw(st.integers(2, len(base.people)))]
    return replace(base, keep_apart=pairs_from(draw, pool, 4))


@st.composite
def together_problems(draw: st.DrawFn) -> GroupingProblem:
    """Sized problems with keep-together chains among a few people, plus now and then a
    keep-apart pair inside a chain (a conflict) or between two chains (which packing respects)."""
    base = draw(sized_problems())
    pool = list(base.people)[: draw(st.integers(2, min(7, len(base.people))))]
    together = pairs_from(draw, pool, 5)
    chains = [sorted(c) for c in components(base.people, together) if len(c) > 1]
    apart = []
    if chains and draw(st.booleans()):
        a, b = draw(st.permutations(draw(st.sampled_from(chains))))[:2]
        apart.append((a, b))
    if len(chains) > 1 and draw(st.booleans()):
        first, second = draw(st.permutations(chains))[:2]
        apart.append((draw(st.sampled_from(first)), draw(st.sampled_from(second))))
    return replace(base, keep_together=together, keep_apart=apart)


# --- property tests -------------------------------------------------------------------------


def check_sizes_conflict(problem: GroupingProblem, error: Infeasible) -> None:
    """A sizes conflict is reported exactly when no even split fits min..max, naming the count."""
    messages = conflict_of(error, "sizes")
    if valid_counts(problem):
        assert not messages, error.conflicts
    else:
        assert messages, error.conflicts
        assert any(names(m, len(problem.people)) for m in messages), messages


@PROPERTY_SETTINGS
@given(apart_problems())
def test_sizes_and_keep_apart_hold_or_the_conflict_is_real(problem: GroupingProblem) -> None:
    feasible = any(feasible_with(problem, count) for count in valid_counts(problem))
    result = attempt(problem, seed=1)
    if isinstance(result, Infeasible):
        error = result
        assert not feasible, f"feasible instance reported as {error.conflicts}"
        check_sizes_conflict(problem, error)
        if valid_counts(problem):
            blamed = [c for c in error.conflicts if c.rule == "keep-apart"]
            assert blamed, error.conflicts
            apart = {frozenset(pair) for pair in problem.keep_apart}
            for conflict in blamed:
                assert frozenset(conflict.people) in apart, conflict
                assert all(names(conflict.message, p) for p in conflict.people), conflict
        return
    assert feasible, "solve answered an instance the independent check calls infeasible"
    assert_valid(problem, result)


@PROPERTY_SETTINGS
@given(together_problems())
def test_sizes_and_keep_together_hold_or_the_conflict_is_real(problem: GroupingProblem) -> None:
    inside = apart_inside_component(problem)
    feasible = any(feasible_with(problem, count) for count in valid_counts(problem))
    result = attempt(problem, seed=2)
    if isinstance(result, Infeasible):
        error = result
        assert not feasible, f"feasible instance reported as {error.conflicts}"
        check_sizes_conflict(problem, error)
        if not valid_counts(problem):
            return
        chains = [c for c in components(problem.people, problem.keep_together) if len(c) > 1]
        largest = max(even_sizes(len(problem.people), chosen_count(problem)))
        clash = [c for c in error.conflicts if c.rule == "keep-together vs keep-apart"]
        too_big = [c for c in error.conflicts if c.rule == "keep-together vs sizes"]
        assert clash if inside else too_big, error.conflicts
        for conflict in clash:
            assert set(conflict.people) in chains, conflict
            assert any(names(conflict.message, a) and names(conflict.message, b) for a, b in inside)
        for conflict in too_big:
            if conflict.people:
                assert set(conflict.people) in chains, conflict
                assert len(conflict.people) > largest, conflict
                assert all(names(conflict.message, p) for p in conflict.people), conflict
        return
    assert feasible, "solve answered an instance the independent check calls infeasible"
    assert not inside
    assert_valid(problem, result)


# --- infeasible inputs name the conflict -----------------------------------------------------


def test_seven_people_cannot_make_groups_of_four_to_five() -> None:
    problem = GroupingProblem(list(range(1, 8)), group_size=4, min_size=4, max_size=5)
    with pytest.raises(Infeasible) as caught:
        solve(problem, time_limit=TIME_LIMIT)
    [conflict] = caught.value.conflicts
    assert conflict.rule == "sizes"
    assert names(conflict.message, 7)
    assert names(conflict.message, 4)
    assert names(conflict.message, 5)
    assert isinstance(caught.value, ValueError)
    assert conflict.message in str(caught.value)


def test_keep_together_chain_holding_a_keep_apart_pair_is_named() -> None:
    a, b, c = 101, 102, 103
    problem = GroupingProblem(
        list(range(101, 113)),
        group_size=4,
        keep_together=[(a, b), (b, c)],
        keep_apart=[(a, c)],
    )
    with pytest.raises(Infeasible) as caught:
        solve(problem, time_limit=TIME_LIMIT)
    [conflict] = caught.value.conflicts
    assert conflict.rule == "keep-together vs keep-apart"
    assert set(conflict.people) == {a, b, c}
    assert names(conflict.message, a)
    assert names(conflict.message, c)


def test_keep_together_chain_longer_than_the_largest_group_is_named() -> None:
    chain = [11, 12, 13, 14]
    problem = GroupingProblem(
        list(range(10, 22)),
        group_size=3,
        keep_together=list(pairwise(chain)),
    )
    with pytest.raises(Infeasible) as caught:
        solve(problem, time_limit=TIME_LIMIT)
    [conflict] = caught.value.conflicts
    assert conflict.rule == "keep-together vs sizes"
    assert set(conflict.people) == set(chain)
    assert all(names(conflict.message, p) for p in chain)
    assert names(conflict.message, 3)


@pytest.mark.parametrize("rule", ["keep-apart", "keep-together"])
def test_pairs_naming_unknown_people_are_refused(rule: str) -> None:
    pairs = [(1, 2), (3, 404)]
    field = "keep_apart" if rule == "keep-apart" else "keep_together"
    problem = GroupingProblem(list(range(1, 11)), group_size=5, **{field: pairs})
    with pytest.raises(Infeasible) as caught:
        solve(problem, time_limit=TIME_LIMIT)
    [conflict] = caught.value.conflicts
    assert conflict.rule == rule
    assert names(conflict.message, 404)
    assert not names(conflict.message, 3)


def test_every_conflict_is_reported_at_once() -> None:
    problem = GroupingProblem(
        [1, 2, 3, 4, 5, 6, 7],
        group_size=4,
        min_size=4,
        max_size=5,
        keep_apart=[(1, 70)],
        keep_together=[(2, 80)],
    )
    with pytest.raises(Infeasible) as caught:
        solve(problem, time_limit=TIME_LIMIT)
    rules = {c.rule for c in caught.value.conflicts}
    assert rules == {"sizes", "keep-apart", "keep-together"}
    assert names(str(caught.value), 70)
    assert names(str(caught.value), 80)


def test_someone_listed_twice_is_named() -> None:
    with pytest.raises(Infeasible) as caught:
        solve(GroupingProblem([1, 2, 3, 3, 4, 5], group_size=3), time_limit=TIME_LIMIT)
    [conflict] = caught.value.conflicts
    assert conflict.rule == "people"
    assert conflict.people == (3,)


def test_zero_rounds_is_refused() -> None:
    with pytest.raises(Infeasible) as caught:
        solve(GroupingProblem(list(range(6)), rounds=0, group_size=3), time_limit=TIME_LIMIT)
    assert [c.rule for c in caught.value.conflicts] == ["rounds"]


def test_keep_apart_triangle_in_two_groups_is_named_after_the_search() -> None:
    triangle = (1, 2, 3)
    problem = GroupingProblem([1, 2, 3, 4], group_size=2, keep_apart=[(1, 2), (2, 3), (1, 3)])
    assert not feasible_with(problem, 2)
    with pytest.raises(Infeasible) as caught:
        solve(problem, time_limit=TIME_LIMIT)
    for conflict in caught.value.conflicts:
        assert conflict.rule == "keep-apart"
        assert len(conflict.people) == 2
        assert set(conflict.people) <= set(triangle)
        assert all(names(conflict.message, p) for p in conflict.people)


# --- rules that interact: block placement, group count, attribute lengths ---------------------


def test_keep_apart_between_keep_together_groups_is_met() -> None:
    problem = GroupingProblem(
        list(range(10)), group_size=5, keep_together=[(0, 1), (2, 3)], keep_apart=[(0, 2)]
    )
    assert feasible_with(problem, 2)
    result = solve(problem, time_limit=TIME_LIMIT)
    assert_valid(problem, result)


@pytest.mark.parametrize(
    "problem",
    [
        GroupingProblem(
            list(range(12)),
            group_size=3,
            min_size=3,
            max_size=4,
            keep_together=[(0, 1), (1, 2), (2, 3)],
        ),
        GroupingProblem(
            [48, 63, 37, 11],
            group_size=3,
            min_size=2,
            max_size=4,
            keep_apart=[(63, 48), (48, 11)],
            keep_together=[(11, 63)],
        ),
    ],
    ids=["chain-of-4-fits-groups-of-4", "keep-apart-fits-two-groups-of-2"],
)
def test_another_allowed_group_count_that_meets_every_rule_is_used(
    problem: GroupingProblem,
) -> None:
    assert any(feasible_with(problem, count) for count in valid_counts(problem))
    result = solve(problem, time_limit=TIME_LIMIT)
    assert_valid(problem, result)


@pytest.mark.parametrize("length", [6, 16])
@pytest.mark.parametrize("kind", ["balance", "cluster"])
def test_attribute_values_of_the_wrong_length_are_refused(kind: str, length: int) -> None:
    values = ["a", "b"] * (length // 2)
    problem = GroupingProblem(list(range(10)), group_size=5, **{kind: {"colour": values}})
    with pytest.raises(ValueError, match="colour"):
        solve(problem, time_limit=TIME_LIMIT)


# --- spreading: balance, anchors, clusters ----------------------------------------------------


def test_balanced_attribute_is_spread_two_two_one() -> None:
    people = list(range(200, 230))
    colours = ["red", "green", "blue"] * 10
    problem = GroupingProblem(people, rounds=3, group_size=5, balance={"colour": colours})
    result = solve(problem, seed=4, time_limit=10)
    assert_valid(problem, result)
    colour_of = dict(zip(people, colours, strict=True))
    for rnd in result.rounds:
        assert len(rnd) == 6
        for group in rnd:
            counts = sorted(sum(colour_of[p] == c for p in group) for c in set(colours))
            assert counts == [1, 2, 2], group
    assert result.quality.balance_off == 0


def test_each_group_gets_exactly_one_anchor() -> None:
    people = list(range(1, 31))
    anchors = [3, 7, 8, 19, 25, 30]
    problem = GroupingProblem(people, rounds=3, group_size=5, anchors=anchors)
    result = solve(problem, seed=5, time_limit=10)
    assert_valid(problem, result)
    for rnd in result.rounds:
        assert len(rnd) == 6
        assert sorted(sum(p in anchors for p in group) for group in rnd) == [1] * 6
    assert result.quality.anchors_missing == 0
    assert result.warnings == ()


def test_too_few_anchors_are_never_doubled_up_and_say_so() -> None:
    people = list(range(1, 31))
    anchors = [2, 4, 6, 8]
    problem = GroupingProblem(people, rounds=2, group_size=5, anchors=anchors)
    result = solve(problem, seed=6, time_limit=10)
    assert_valid(problem, result)
    for rnd in result.rounds:
        assert max(sum(p in anchors for p in group) for group in rnd) == 1
    assert any(names(w, 4) and names(w, 6) for w in result.warnings), result.warnings


@pytest.mark.parametrize("rounds", [1, 2])
def test_nobody_is_alone_with_their_cluster_value(rounds: int) -> None:
    people = list(range(500, 530))
    team: list[str | None] = ["A"] * 8 + ["B"] * 7 + [None] * 15
    problem = GroupingProblem(people, rounds=rounds, group_size=5, cluster={"team": team})
    result = solve(problem, seed=7, time_limit=3)
    assert_valid(problem, result)
    team_of = dict(zip(people, team, strict=True))
    for rnd in result.rounds:
        for group in rnd:
            for value in ("A", "B"):
                held = sum(team_of[p] == value for p in group)
                assert held != 1, (value, group)
    assert result.quality.alone == 0


def test_a_cluster_value_held_by_one_person_is_warned_about() -> None:
    team: list[str | None] = ["A", "A", "A", "solo", None, None]
    problem = GroupingProblem(list(range(6)), group_size=3, cluster={"team": team})
    result = solve(problem, time_limit=TIME_LIMIT)
    assert_valid(problem, result)
    assert result.quality.alone == 0
    assert any("one person" in w for w in result.warnings), result.warnings


# --- sizes.py ---------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    st.integers(0, 200),
    st.integers(1, 12),
    st.integers(1, 12),
    st.integers(0, 8),
    st.none() | st.integers(1, 60),
)
def test_group_count_is_valid_and_near_the_target(
    people: int, target: int, smallest: int, spread: int, fixed: int | None
) -> None:
    largest = smallest + spread
    count = group_count(people, target=target, smallest=smallest, largest=largest, fixed=fixed)
    possible = [
        c
        for c in ([fixed] if fixed is not None else range(1, people + 1))
        if c * smallest <= people <= c * largest
    ]
    if not possible:
        assert not isinstance(count, int)
        assert count.rule == "sizes"
        return
    assert isinstance(count, int)
    assert count in possible
    if fixed is None:
        low, high = min(possible), max(possible)
        neighbours = {
            min(max(people // target, low), high),
            min(max(-(-people // target), low), high),
        }
        assert count in neighbours, (count, neighbours)
        if people % target == 0 and smallest <= target <= largest:
            assert count == people // target


def test_group_count_refuses_a_reversed_or_empty_range() -> None:
    reversed_range = group_count(10, target=3, smallest=4, largest=3)
    assert not isinstance(reversed_range, int)
    assert reversed_range.rule == "sizes"
    assert names(reversed_range.message, 4)
    zero = group_count(10, target=3, smallest=0, largest=3)
    assert not isinstance(zero, int)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 500), st.integers(1, 60))
def test_sizes_for_splits_evenly_larger_first(people: int, groups: int) -> None:
    sizes = sizes_for(people, groups)
    assert len(sizes) == groups
    assert sum(sizes) == people
    assert max(sizes) - min(sizes) <= 1
    assert sizes == sorted(sizes, reverse=True)


def test_three_people_kept_apart_from_each_other_get_three_groups_when_sizes_allow() -> None:
    """Groups of about 3 would make 2 groups of 6 people; three people who must all be apart
    need 3, and 3 groups of 2 are within 2..3, so the solver takes that count."""
    problem = GroupingProblem(
        people=[0, 1, -1, 2, -2, 3],
        rounds=1,
        group_size=3,
        min_size=2,
        max_size=3,
        keep_apart=[(0, 1), (0, -1), (1, -1)],
    )

    result = attempt(problem, seed=1)

    assert not isinstance(result, Infeasible), result.conflicts
    assert len(result.rounds[0]) == 3
    assert_valid(problem, result)


def test_a_clique_of_people_kept_apart_is_found_greedily() -> None:
    from circlekeeper.algorithms.grouping.model import apart_clique

    triangle_and_tail = [{1, 2}, {0, 2}, {0, 1, 3}, {2}, set()]
    assert apart_clique(triangle_and_tail) == 3
    assert apart_clique([{1}, {0}, set()]) == 2
    assert apart_clique([set(), set()]) == 1
