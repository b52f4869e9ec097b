"""Grouping solver memory and repeatability: history steers away from old pairs, seeds repeat.

Pairs that met before are counted here from the earlier schedule itself, and compared with what
the same solver does when it is not told about them.
"""

from __future__ import annotations

from statistics import mean

import pytest
from tests.unit.grouping_checks import assert_valid, meetings, ordered

from circlekeeper.algorithms.grouping import GroupingProblem, GroupingResult, solve

POOL = list(range(300, 330))


def met_again(result: GroupingResult, history: dict[tuple[int, int], float]) -> int:
    """How many pairs placed together in `result` already met in `history` (either order)."""
    earlier = {ordered(a, b) for a, b in history}
    return sum(1 for pair in meetings(result.rounds) if pair in earlier)


def first_round() -> dict[tuple[int, int], float]:
    """One round of the pool in groups of 5, as history: each pair that met, weight 1.0."""
    result = solve(GroupingProblem(POOL, group_size=5), seed=0, time_limit=10)
    return dict.fromkeys(meetings(result.rounds), 1.0)


def test_history_avoids_pairs_that_met_last_time() -> None:
    history = first_round()
    assert len(history) == 6 * 10
    problem = GroupingProblem(POOL, group_size=5, history=history)
    remembered = solve(problem, seed=0, time_limit=10)
    assert_valid(problem, remembered)
    forgetful = [
        met_again(solve(GroupingProblem(POOL, group_size=5), seed=seed, time_limit=10), history)
        for seed in range(1, 7)
    ]
    assert met_again(remembered, history) < mean(forgetful)
    assert met_again(remembered, history) == 0
    assert remembered.quality.met_before == met_again(remembered, history)


def test_history_keys_in_either_order_count_the_same() -> None:
    history = {(b, a): weight for (a, b), weight in first_round().items()}
    problem = GroupingProblem(POOL, group_size=5, history=history)
    result = solve(problem, seed=3, time_limit=10)
    assert_valid(problem, result)
    assert met_again(result, history) == 0


def test_history_about_people_outside_the_pool_is_ignored() -> None:
    history = {(POOL[0], 9999): 3.0, (9998, 9999): 1.0}
    problem = GroupingProblem(POOL, group_size=5, history=history)
    result = solve(problem, seed=0, time_limit=10)
    assert_valid(problem, result)
    assert result.quality.met_before == 0


def test_history_spanning_several_rounds_is_avoided_in_the_next_ones() -> None:
    pool = list(range(20))
    earlier = solve(GroupingProblem(pool, rounds=3, group_size=4), seed=0, time_limit=10)
    history = dict.fromkeys(meetings(earlier.rounds), 1.0)
    problem = GroupingProblem(pool, rounds=2, group_size=4, history=history)
    result = solve(problem, seed=0, time_limit=10)
    assert_valid(problem, result)
    assert met_again(result, history) == result.quality.met_before
    assert met_again(result, history) == 0


def test_heavier_history_is_avoided_first() -> None:
    history = {(1, 2): 1.0, (3, 4): 1.0, (1, 3): 0.5, (2, 4): 0.5, (1, 4): 0.25, (2, 3): 0.25}
    problem = GroupingProblem([1, 2, 3, 4], group_size=2, history=history)
    result = solve(problem, seed=0, time_limit=30)
    assert_valid(problem, result)
    assert sorted(sorted(group) for group in result.rounds[0]) == [[1, 4], [2, 3]]
    assert result.quality.met_before == 2


# --- same problem, same seed, same answer -----------------------------------------------------

DETERMINISTIC = {
    "design": GroupingProblem(list(range(25)), rounds=6, group_size=5),
    "greedy-and-search": GroupingProblem(
        POOL, rounds=3, group_size=5, balance={"colour": ["red", "green", "blue"] * 10}
    ),
    "pair-rules": GroupingProblem(
        POOL,
        rounds=3,
        group_size=5,
        keep_together=[(300, 301), (301, 302)],
        keep_apart=[(303, 304), (305, 306), (300, 310)],
        anchors=[320, 321, 322, 323, 324, 325],
    ),
    "history": GroupingProblem(POOL[:12], rounds=2, group_size=3, history={(300, 301): 1.0}),
    "stops-on-patience": GroupingProblem(
        [1, 2, 3, 4],
        group_size=2,
        history={(1, 2): 1.0, (3, 4): 1.0, (1, 3): 1.0, (2, 4): 1.0, (1, 4): 1.0, (2, 3): 1.0},
    ),
}


@pytest.mark.parametrize("name", list(DETERMINISTIC))
def test_same_problem_and_seed_give_the_same_rounds(name: str) -> None:
    problem = DETERMINISTIC[name]
    first = solve(problem, seed=42, time_limit=60)
    second = solve(problem, seed=42, time_limit=60)
    assert_valid(problem, first)
    assert first.rounds == second.rounds
    assert first.iterations == second.iterations
    assert first.quality == second.quality
    assert first.method == second.method


def test_progress_reports_a_best_cost_that_never_rises() -> None:
    calls: list[tuple[int, float]] = []
    problem = DETERMINISTIC["stops-on-patience"]
    result = solve(problem, seed=1, time_limit=60, progress=lambda i, c: calls.append((i, c)))
    assert_valid(problem, result)
    assert not result.proven_best
    assert calls, "a search of thousands of swaps reports progress"
    iterations = [i for i, _ in calls]
    costs = [c for _, c in calls]
    assert iterations == sorted(set(iterations))
    assert iterations[-1] <= result.iterations
    assert costs == sorted(costs, reverse=True)
    assert min(costs) >= 0
