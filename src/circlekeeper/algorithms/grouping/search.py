"""Tabu search over the whole schedule: take a person whose place costs something, try swapping
them with everyone in the other groups of that round, make the best swap that is not tabu
(even a worse one: that is how it leaves local minima), and remember the best schedule seen.

Anytime: it stops at a proven optimum (nothing costs anything), at the deadline, or after
`patience` swaps without a better schedule (or as many as it took to find the best, if more:
a search still improving late deserves the time), and returns the best one found.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from circlekeeper.algorithms.grouping.state import EPS, Schedule, State

CANDIDATE_GROUPS = 48
"""Rounds with more groups than this try a random sample of them per step."""
CHECK_EVERY = 64
PICKS = 48
"""Conflicted places whose swaps are all weighed each step; the best swap among them is made."""
RESTART_AFTER = 1_000
"""Swaps without progress after which the search starts again from the best, shaken up."""

Progress = Callable[[int, float], None]
"""Called now and then with (swaps tried so far, best cost so far)."""


@dataclass
class Outcome:
    schedule: Schedule
    cost: float
    iterations: int
    optimal: bool


class _Hot:
    """The (round, person) places that may carry cost: an indexable set with O(1) sampling."""

    def __init__(self, keys: list[int]) -> None:
        self.keys = keys
        self.slot = {k: i for i, k in enumerate(keys)}

    def add(self, key: int) -> None:
        if key not in self.slot:
            self.slot[key] = len(self.keys)
            self.keys.append(key)

    def remove(self, key: int) -> None:
        i = self.slot.pop(key)
        last = self.keys.pop()
        if last != key:
            self.keys[i] = last
            self.slot[last] = i

    def pick(self, rng: random.Random) -> int:
        return self.keys[int(rng.random() * len(self.keys))]


def tabu_search(
    state: State,
    rng: random.Random,
    *,
    deadline: float,
    patience: int,
    progress: Progress | None = None,
) -> Outcome:
    """Improve `state` in place; return the best schedule seen."""
    model = state.model
    n = state.n
    rounds = len(state.members)
    groups = model.groups
    units = model.units
    unit_of = model.unit_of
    leader = [min(u) for u in units]
    hot = _Hot([r * n + p for r in range(rounds) for p in range(n) if leader[unit_of[p]] == p])
    tabu: dict[int, int] = {}
    tenure_low, tenure_span = 2, max(3, min(groups, 10))
    best_cost = state.cost
    best: Schedule | None = None
    saved = False
    stall = 0
    found_at = 0
    """The step that found the best schedule: the search keeps going at least as long again."""
    restarts = 0
    it = 0
    while True:
        it += 1
        if it % CHECK_EVERY == 0:
            if time.perf_counter() > deadline:
                break
            if progress is not None and it % (CHECK_EVERY * 8) == 0:
                progress(it, best_cost)
        if stall > max(patience, found_at):
            break
        if stall and stall % RESTART_AFTER == 0 and best is not None:
            state = State(model, best)
            hot = _Hot([r * n + p for r in range(rounds) for p in range(n)])
            tabu.clear()
            restarts += 1
            _kick(state, rng, strength=1 + restarts % 4)
            stall += 1
            continue
        picked: list[int] = []
        while hot.keys and len(picked) < PICKS:
            candidate = hot.pick(rng)
            r, p = divmod(candidate, n)
            if state.conflicted(r, p):
                if candidate not in picked:
                    picked.append(candidate)
                elif len(picked) >= len(hot.keys):
                    break
                continue
            hot.remove(candidate)
        if not picked:
            best, best_cost, saved = state.snapshot(), state.cost, True
            return Outcome(best, best_cost, it, optimal=True)
        best_move: tuple[int, list[int], list[int]] | None = None
        best_delta = 0.0
        ties = 0
        cost = state.cost
        for key in picked:
            r, p = divmod(key, n)
            left = units[unit_of[p]]
            size = len(left)
            home = state.where[r][p]
            if groups - 1 <= CANDIDATE_GROUPS:
                others = [g for g in range(groups) if g != home]
            else:
                others = [g for g in rng.sample(range(groups), CANDIDATE_GROUPS + 1) if g != home]
            tabu_base = (r * n + leader[unit_of[p]]) * groups
            if size == 1:
                for delta, g, q in state.single_swaps(r, p, others):
                    tabu_move = (
                        tabu.get(tabu_base + g, 0) > it
                        or tabu.get((r * n + q) * groups + home, 0) > it
                    )
                    if tabu_move and cost + delta >= best_cost - EPS:
                        continue
                    if best_move is None or delta < best_delta - EPS:
                        best_move, best_delta, ties = (r, left, units[unit_of[q]]), delta, 1
                    elif delta < best_delta + EPS:
                        ties += 1
                        if rng.random() * ties < 1:
                            best_move = (r, left, units[unit_of[q]])
                continue
            for g in others:
                blocked_here = tabu.get(tabu_base + g, 0) > it
                for q in state.members[r][g]:
                    uq = unit_of[q]
                    if leader[uq] != q or len(units[uq]) != size:
                        continue
                    right = units[uq]
                    delta = state.swap_delta(r, left, right)
                    if (blocked_here or tabu.get((r * n + q) * groups + home, 0) > it) and (
                        cost + delta >= best_cost - EPS
                    ):
                        continue
                    if best_move is None or delta < best_delta - EPS:
                        best_move, best_delta, ties = (r, left, right), delta, 1
                    elif delta < best_delta + EPS:
                        ties += 1
                        if rng.random() * ties < 1:
                            best_move = (r, left, right)
        if best_move is None:
            stall += 1
            continue
        if best_delta > EPS and not saved and state.cost <= best_cost + EPS:
            best, saved = state.snapshot(), True
        r, left, right = best_move
        position = state.where[r]
        p, q = left[0], right[0]
        home, away = position[p], position[q]
        raised = state.swap(r, left, right, best_delta)
        tenure = tenure_low + int(rng.random() * tenure_span)
        tabu[(r * n + leader[unit_of[p]]) * groups + home] = it + tenure
        tabu[(r * n + q) * groups + away] = it + tenure
        if len(tabu) > 50_000:
            tabu = {k: v for k, v in tabu.items() if v > it}
        for x in state.members[r][home]:
            hot.add(r * n + leader[unit_of[x]])
        for x in state.members[r][away]:
            hot.add(r * n + leader[unit_of[x]])
        met = state.met
        for a, b in raised:
            if met[a][b] > 1 + EPS:
                for other in range(rounds):
                    if other != r and state.where[other][a] == state.where[other][b]:
                        hot.add(other * n + leader[unit_of[a]])
                        hot.add(other * n + leader[unit_of[b]])
        if state.cost < best_cost - EPS:
            best_cost = state.cost
            saved = False
            stall = 0
            found_at = it
        else:
            stall += 1
    if best is None or (not saved and state.cost <= best_cost + EPS):
        best = state.snapshot()
        best_cost = min(best_cost, state.cost)
    return Outcome(best, best_cost, it, optimal=False)


def _kick(state: State, rng: random.Random, *, strength: int) -> None:
    """A few random swaps of single people, to leave the basin the search kept returning to."""
    model = state.model
    rounds = len(state.members)
    for _ in range(strength * max(1, rounds // 2)):
        r = int(rng.random() * rounds)
        p = int(rng.random() * state.n)
        q = int(rng.random() * state.n)
        if len(model.units[model.unit_of[p]]) != 1 or len(model.units[model.unit_of[q]]) != 1:
            continue
        if state.where[r][p] == state.where[r][q]:
            continue
        state.swap(r, [p], [q], state.swap_delta(r, [p], [q]))
