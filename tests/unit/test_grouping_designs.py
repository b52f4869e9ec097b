"""Finite fields, the direct zero-repeat designs, and zero-repeat schedules from the solver.

Field axioms are checked exhaustively on the tables; designs and solver answers are judged by
counting pairs here, never by the solver's own figures alone.
"""

from __future__ import annotations

import importlib.util
import json
from itertools import combinations, product
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from tests.unit.grouping_checks import assert_valid, meetings, repeat_pairs

from circlekeeper.algorithms.grouping import GroupingProblem, solve
from circlekeeper.algorithms.grouping.designs import design_rounds, max_design_rounds
from circlekeeper.algorithms.grouping.fields import Field, field, prime_power
from circlekeeper.algorithms.grouping.instance import problem_from_instance

BENCH = Path("/work/shared/bench/grouping")
PRIME_POWERS = [2, 3, 4, 5, 7, 8, 9]


# --- fields.py ----------------------------------------------------------------------------------


def tables(q: int) -> Field:
    """GF(q), which must exist."""
    gf = field(q)
    assert gf is not None
    assert gf.q == q
    return gf


@pytest.mark.parametrize("q", [2, 3, 4, 5, 7, 8, 9, 16, 25, 27])
def test_field_add_and_mul_are_commutative_groups(q: int) -> None:
    gf = tables(q)
    elements = range(q)
    for a, b in product(elements, repeat=2):
        assert gf.add(a, b) == gf.add(b, a) in elements
        assert gf.mul(a, b) == gf.mul(b, a) in elements
    for a in elements:
        assert gf.add(a, 0) == a
        assert gf.mul(a, 1) == a
        assert gf.mul(a, 0) == 0
        assert sum(gf.add(a, b) == 0 for b in elements) == 1, f"{a} has one additive inverse"
    for a in range(1, q):
        inverses = [b for b in range(1, q) if gf.mul(a, b) == 1]
        assert len(inverses) == 1, f"{a} has one multiplicative inverse in GF({q})"
        assert all(gf.mul(a, b) != 0 for b in range(1, q)), "no zero divisors"


@pytest.mark.parametrize("q", [2, 3, 4, 5, 7, 8, 9, 16])
def test_field_is_associative_and_distributive_on_all_triples(q: int) -> None:
    gf = tables(q)
    for a, b, c in product(range(q), repeat=3):
        assert gf.mul(a, gf.add(b, c)) == gf.add(gf.mul(a, b), gf.mul(a, c))
        assert gf.add(a, gf.add(b, c)) == gf.add(gf.add(a, b), c)
        assert gf.mul(a, gf.mul(b, c)) == gf.mul(gf.mul(a, b), c)


@pytest.mark.parametrize(("q", "p"), [(4, 2), (8, 2), (9, 3), (16, 2), (27, 3)])
def test_field_has_characteristic_p_and_is_not_integers_mod_q(q: int, p: int) -> None:
    gf = tables(q)
    for a in range(q):
        total = 0
        for _ in range(p):
            total = gf.add(total, a)
        assert total == 0, f"{a} added {p} times is 0 in GF({q})"
    assert any(gf.mul(a, b) != (a * b) % q for a in range(q) for b in range(q))


def test_multiplicative_group_of_gf16_is_cyclic() -> None:
    gf = tables(16)
    orders = []
    for g in range(1, 16):
        power, order = g, 1
        while power != 1:
            power, order = gf.mul(power, g), order + 1
        orders.append(order)
    assert max(orders) == 15
    assert all(15 % order == 0 for order in orders)


def test_large_prime_field_uses_arithmetic_mod_p() -> None:
    gf = tables(4099)
    a = 1234
    inverse = pow(a, -1, 4099)
    assert gf.mul(a, inverse) == 1
    assert gf.add(4000, 200) == 101


@pytest.mark.parametrize(
    ("q", "expected"),
    [(1, None), (2, (2, 1)), (6, None), (8, (2, 3)), (12, None), (27, (3, 3)), (49, (7, 2))],
)
def test_prime_power(q: int, expected: tuple[int, int] | None) -> None:
    assert prime_power(q) == expected


@pytest.mark.parametrize("q", [0, 1, 6, 10, 12, 15, 18])
def test_no_field_when_q_is_not_a_prime_power(q: int) -> None:
    assert field(q) is None


# --- designs.py ---------------------------------------------------------------------------------


def assert_design(schedule: list[list[list[int]]], people: int, groups: int, rounds: int) -> None:
    """`rounds` rounds of 0..people-1 in `groups` even groups with no pair meeting twice."""
    assert len(schedule) == rounds
    for rnd in schedule:
        assert len(rnd) == groups
        assert sorted(p for group in rnd for p in group) == list(range(people))
        sizes = [len(group) for group in rnd]
        assert max(sizes) - min(sizes) <= 1, sizes
    assert max(meetings(schedule).values(), default=0) <= 1


@pytest.mark.parametrize("q", PRIME_POWERS)
def test_design_gives_q_repeat_free_rounds_for_every_pool_that_fits(q: int) -> None:
    for people in range(q, q * q + 1):
        expected = q + 1 if people == q * q else q
        assert max_design_rounds(people, q) == expected, people
        schedule = design_rounds(people, q, expected)
        assert schedule is not None
        assert_design(schedule, people, q, expected)
        assert design_rounds(people, q, expected + 1) is None


@pytest.mark.parametrize("q", PRIME_POWERS)
def test_full_affine_plane_has_every_pair_meet_exactly_once(q: int) -> None:
    schedule = design_rounds(q * q, q, q + 1)
    assert schedule is not None
    met = meetings(schedule)
    assert set(met) == set(combinations(range(q * q), 2))
    assert set(met.values()) == {1}


@pytest.mark.parametrize(
    ("people", "groups", "rounds"), [(15, 5, 3), (20, 5, 5), (32, 8, 8), (52, 11, 6), (50, 13, 2)]
)
def test_design_gives_fewer_rounds_when_asked(people: int, groups: int, rounds: int) -> None:
    schedule = design_rounds(people, groups, rounds)
    assert schedule is not None
    assert_design(schedule, people, groups, rounds)


@pytest.mark.parametrize(
    ("people", "groups"),
    [
        (36, 6),  # 6 is not a prime power
        (30, 10),
        (24, 12),
        (30, 5),  # six to a group, more than the five groups
        (17, 4),  # five to a group, more than the four groups
        (3, 5),  # fewer people than groups
        (5, 1),  # one group
        (0, 3),
    ],
)
def test_no_design_when_the_numbers_do_not_fit(people: int, groups: int) -> None:
    assert max_design_rounds(people, groups) == 0
    assert design_rounds(people, groups, 1) is None


# --- zero repeats through the solver ------------------------------------------------------------


@pytest.mark.parametrize(
    ("people", "groups", "smallest", "largest", "rounds"),
    [
        (15, 5, 3, 3, 5),
        (20, 5, 4, 4, 5),
        (25, 5, 5, 5, 6),
        (32, 8, 4, 4, 8),
        (52, 11, 4, 5, 6),
    ],
    ids=["15-in-5x3-r5", "20-in-5x4-r5", "25-in-5x5-r6", "32-in-8x4-r8", "52-in-11-r6"],
)
def test_small_instances_get_zero_repeats(
    people: int, groups: int, smallest: int, largest: int, rounds: int
) -> None:
    ids = [1000 + 7 * i for i in range(people)]
    problem = GroupingProblem(
        ids,
        rounds=rounds,
        group_size=largest,
        min_size=smallest,
        max_size=largest,
        num_groups=groups,
    )
    result = solve(problem, seed=11, time_limit=10)
    assert_valid(problem, result)
    assert all(len(rnd) == groups for rnd in result.rounds)
    assert repeat_pairs(result.rounds) == 0
    assert result.quality.repeat_pairs == 0
    assert result.proven_best


def shared_scorer() -> ModuleType:
    """The shared benchmark's independent scorer (score.py), loaded from its folder."""
    spec = importlib.util.spec_from_file_location("shared_grouping_score", BENCH / "score.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def solve_instance(name: str, time_limit: float) -> tuple[dict[str, Any], dict[str, Any]]:
    """The instance file's data and the shared scorer's verdict on the solver's schedule."""
    path = BENCH / "instances" / f"{name}.json"
    if not path.is_file():
        pytest.skip(f"shared benchmark instance {path} is absent")
    data = json.loads(path.read_text())
    problem = problem_from_instance(data)
    result = solve(problem, seed=0, time_limit=time_limit)
    assert_valid(problem, result)
    verdict = shared_scorer().score({"rounds": result.rounds}, data)
    assert verdict["valid"], verdict["errors"]
    assert verdict["repeat_pairs"] == repeat_pairs(result.rounds) == result.quality.repeat_pairs
    assert verdict["size_violations"] == verdict["group_count_violations"] == 0
    return data, verdict


def test_shared_instance_sgp_20x4_r5_has_no_repeats() -> None:
    data, verdict = solve_instance("sgp_20x4_r5", time_limit=10)
    assert verdict["repeat_pairs"] == data["reference"]["repeat_pairs_optimum"] == 0
    assert verdict["max_pair_meetings"] == 1


def test_shared_instance_kirkman_is_valid_and_no_worse_than_the_browser_tool() -> None:
    _, verdict = solve_instance("kirkman_15x3_r7", time_limit=5)
    assert verdict["repeat_pairs"] <= 8
