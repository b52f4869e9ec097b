"""Independent checks for grouping schedules: pair counts, hard rules and exact feasibility.

Written without the solver's code so the grouping tests judge its answers from the outside.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import combinations

from circlekeeper.algorithms.grouping import GroupingProblem, GroupingResult

Rounds = Sequence[Sequence[Sequence[int]]]


def meetings(rounds: Rounds) -> Counter[tuple[int, int]]:
    """How many rounds each unordered pair (smaller id first) shares a group."""
    met: Counter[tuple[int, int]] = Counter()
    for rnd in rounds:
        for group in rnd:
            for a, b in combinations(sorted(group), 2):
                met[(a, b)] += 1
    return met


def repeat_pairs(rounds: Rounds, ignore: Iterable[tuple[int, int]] = ()) -> int:
    """Sum over pairs of (meetings - 1), pairs in `ignore` left out (the benchmark's figure)."""
    skip = {ordered(a, b) for a, b in ignore}
    return sum(m - 1 for pair, m in meetings(rounds).items() if m > 1 and pair not in skip)


def ordered(a: int, b: int) -> tuple[int, int]:
    """The pair with the smaller id first."""
    return (a, b) if a <= b else (b, a)


def valid_counts(problem: GroupingProblem) -> list[int]:
    """Every group count whose even split keeps each group within min..max size."""
    n = len(problem.people)
    low, high = problem.smallest, problem.largest
    candidates = [problem.num_groups] if problem.num_groups is not None else range(1, n + 1)
    return [c for c in candidates if c >= 1 and c * low <= n <= c * high]


def even_sizes(people: int, groups: int) -> list[int]:
    """Sizes of `groups` groups holding `people`, differing by at most one."""
    return [people // groups + (1 if g < people % groups else 0) for g in range(groups)]


def components(people: Sequence[int], pairs: Iterable[tuple[int, int]]) -> list[set[int]]:
    """Keep-together components (people joined by chains of pairs), singletons included."""
    comp = {p: {p} for p in people}
    for a, b in pairs:
        if a == b or comp[a] is comp[b]:
            continue
        merged = comp[a] | comp[b]
        for p in merged:
            comp[p] = merged
    unique = {id(c): c for c in comp.values()}
    return list(unique.values())


def apart_inside_component(problem: GroupingProblem) -> list[tuple[int, int]]:
    """Keep-apart pairs whose two people keep-together links (directly or through a chain)."""
    comps = components(problem.people, problem.keep_together)
    where = {p: i for i, comp in enumerate(comps) for p in comp}
    return [(a, b) for a, b in problem.keep_apart if a != b and where[a] == where[b]]


def feasible_with(problem: GroupingProblem, count: int) -> bool:
    """Whether some round of `count` even groups keeps every keep-apart and keep-together rule.

    Exact backtracking over the people the rules mention (keep-together components and
    keep-apart people); everyone else fills whatever room is left, which is always exactly enough.
    """
    if apart_inside_component(problem):
        return False
    apart: dict[int, set[int]] = {}
    for a, b in problem.keep_apart:
        if a != b:
            apart.setdefault(a, set()).add(b)
            apart.setdefault(b, set()).add(a)
    units = [
        comp
        for comp in components(problem.people, problem.keep_together)
        if len(comp) > 1 or next(iter(comp)) in apart
    ]
    units.sort(key=len, reverse=True)
    room = even_sizes(len(problem.people), count)
    placed: list[set[int]] = [set() for _ in room]

    def place(i: int) -> bool:
        if i == len(units):
            return True
        unit = units[i]
        tried_empty: set[int] = set()
        for g, free in enumerate(room):
            if free < len(unit) or any(apart.get(p, set()) & placed[g] for p in unit):
                continue
            if not placed[g]:
                if free in tried_empty:
                    continue
                tried_empty.add(free)
            room[g] -= len(unit)
            placed[g] |= unit
            if place(i + 1):
                return True
            room[g] += len(unit)
            placed[g] -= unit
        return False

    return place(0)


def names(message: str, person: int) -> bool:
    """Whether `message` mentions the id `person` as a whole number (not inside another one)."""
    return re.search(rf"(?<!\d){re.escape(str(person))}(?!\d)", message) is not None


def assert_valid(problem: GroupingProblem, result: GroupingResult) -> None:
    """Every hard rule holds in `result`, and its quality figures match a recount."""
    people = sorted(problem.people)
    assert len(result.rounds) == problem.rounds
    apart = {ordered(a, b) for a, b in problem.keep_apart if a != b}
    together = {ordered(a, b) for a, b in problem.keep_together if a != b}
    for rnd in result.rounds:
        placed = sorted(p for group in rnd for p in group)
        assert placed == people, "everyone exactly once per round, nobody left out"
        sizes = [len(group) for group in rnd]
        assert all(problem.smallest <= s <= problem.largest for s in sizes), sizes
        assert max(sizes) - min(sizes) <= 1, sizes
        if problem.num_groups is not None:
            assert len(rnd) == problem.num_groups
        where = {p: g for g, group in enumerate(rnd) for p in group}
        for a, b in apart:
            assert where[a] != where[b], f"keep-apart pair {a}, {b} shares a group"
        for a, b in together:
            assert where[a] == where[b], f"keep-together pair {a}, {b} was split"
    quality = result.quality
    met = meetings(result.rounds)
    assert quality.keep_apart_broken == 0
    assert quality.keep_together_broken == 0
    assert quality.repeat_pairs == repeat_pairs(result.rounds, ignore=together)
    counted = [m for pair, m in met.items() if pair not in together]
    assert quality.max_meetings == max(counted, default=0)
    if result.proven_best:
        linked = [
            pair
            for comp in components(problem.people, problem.keep_together)
            for pair in combinations(sorted(comp), 2)
        ]
        assert repeat_pairs(result.rounds, ignore=linked) == 0
        assert quality.met_before == 0
