"""A first schedule to improve: the direct design when it fits, else a greedy placement that puts
each person where they have met the fewest people so far and the group still has room."""

from __future__ import annotations

import random

from circlekeeper.algorithms.grouping.designs import design_rounds, max_design_rounds
from circlekeeper.algorithms.grouping.model import (
    ALONE_WEIGHT,
    APART_WEIGHT,
    Model,
)
from circlekeeper.algorithms.grouping.state import Schedule

SAMPLE_GROUPS = 24
"""With more groups than this, a person is offered a random sample of open groups (plus the
best of the previous person's sample), which keeps placement linear in the number of people."""


def design_start(model: Model, rng: random.Random) -> Schedule | None:
    """The finite-field design with people shuffled onto its cells, when the numbers fit.

    When more rounds are asked than the design has, its rounds come first and greedy placement
    adds the rest — a far better start for the search than greedy rounds throughout.
    """
    if model.together:
        return None
    available = max_design_rounds(model.n, model.groups)
    if available == 0:
        return None
    layout = design_rounds(model.n, model.groups, min(available, model.rounds))
    assert layout is not None
    order = list(range(model.n))
    rng.shuffle(order)
    schedule = [[[order[cell] for cell in group] for group in rnd] for rnd in layout]
    for rnd in schedule:
        rnd.sort(key=len, reverse=True)
    if len(schedule) < model.rounds:
        met: list[dict[int, float]] = [dict(h) for h in model.history]
        for rnd in schedule:
            _count(rnd, met)
        while len(schedule) < model.rounds:
            schedule.append(_greedy_round(model, met, rng))
    return schedule


def greedy_start(model: Model, rng: random.Random) -> Schedule:
    """Round by round, each unit to the open group where it adds the least cost."""
    met: list[dict[int, float]] = [dict(h) for h in model.history]
    schedule: Schedule = []
    for _ in range(model.rounds):
        schedule.append(_greedy_round(model, met, rng))
    return schedule


def _greedy_round(model: Model, met: list[dict[int, float]], rng: random.Random) -> list[list[int]]:
    groups: list[list[int]] = [[] for _ in model.sizes]
    room = list(model.sizes)
    blocks = [u for u in model.units if len(u) > 1]
    for members, g in zip(blocks, _pack(blocks, room, model.apart, rng), strict=True):
        groups[g].extend(members)
        room[g] -= len(members)
    singles = [u[0] for u in model.units if len(u) == 1]
    rng.shuffle(singles)
    singles.sort(key=lambda p: -len(model.apart[p]))
    spread_counts = [[[0] * len(s.lo[0]) for _ in groups] for s in model.spreads]
    cluster_counts = [[[0] * c.count for _ in groups] for c in model.clusters]
    for g, group in enumerate(groups):
        for person in group:
            for k, spread in enumerate(model.spreads):
                spread_counts[k][g][spread.values[person]] += 1
            for k, cluster in enumerate(model.clusters):
                if cluster.values[person] >= 0:
                    cluster_counts[k][g][cluster.values[person]] += 1
    open_groups = [g for g, free in enumerate(room) if free > 0]
    slot = {g: i for i, g in enumerate(open_groups)}
    position = {p: g for g, group in enumerate(groups) for p in group}
    for person in singles:
        if len(open_groups) <= SAMPLE_GROUPS:
            candidates = open_groups
        else:
            candidates = rng.sample(open_groups, SAMPLE_GROUPS)
        mp = met[person]
        apart = model.apart[person]
        best_g, best_cost = -1, 0.0
        for g in candidates:
            cost = sum(mp.get(x, 0) for x in groups[g])
            if apart:
                cost += APART_WEIGHT * sum(1 for z in apart if position.get(z) == g)
            for k, spread in enumerate(model.spreads):
                value = spread.values[person]
                if spread_counts[k][g][value] + 1 > spread.hi[g][value]:
                    cost += spread.weight
            for k, cluster in enumerate(model.clusters):
                value = cluster.values[person]
                if value >= 0 and cluster.shared[value]:
                    have = cluster_counts[k][g]
                    cost -= ALONE_WEIGHT if have[value] else 0
                    cost += 1 if any(c for v, c in enumerate(have) if v != value) else 0
            cost += rng.random() * 1e-3
            if best_g < 0 or cost < best_cost:
                best_g, best_cost = g, cost
        groups[best_g].append(person)
        position[person] = best_g
        for k, spread in enumerate(model.spreads):
            spread_counts[k][best_g][spread.values[person]] += 1
        for k, cluster in enumerate(model.clusters):
            if cluster.values[person] >= 0:
                cluster_counts[k][best_g][cluster.values[person]] += 1
        room[best_g] -= 1
        if room[best_g] == 0:
            i = slot.pop(best_g)
            last = open_groups.pop()
            if last != best_g:
                open_groups[i] = last
                slot[last] = i
    _count(groups, met)
    return groups


def _count(groups: list[list[int]], met: list[dict[int, float]]) -> None:
    """Add one meeting for every pair sharing a group."""
    for group in groups:
        for i, a in enumerate(group):
            ma = met[a]
            for b in group[i + 1 :]:
                ma[b] = ma.get(b, 0) + 1
                met[b][a] = met[b].get(a, 0) + 1


def _pack(
    blocks: list[list[int]], room: list[int], apart: list[tuple[int, ...]], rng: random.Random
) -> list[int]:
    """A group for each keep-together block, largest first, never two blocks that must be kept
    apart in one group when that can be avoided (the search only swaps equal-size blocks, so a
    clash placed here could never be undone)."""
    groups = list(range(len(room)))
    rng.shuffle(groups)
    for respect_apart in (True, False):
        placed = _Packing(blocks, room, apart, groups, respect_apart).run()
        if placed is not None:
            return placed
    raise AssertionError("blocks were checked to fit")


class _Packing:
    """Depth-first placement of blocks into groups with room, emptiest group first (blocks spread
    out, so no group starts with too many fixed people to balance), in a bounded number of steps."""

    def __init__(
        self,
        blocks: list[list[int]],
        room: list[int],
        apart: list[tuple[int, ...]],
        groups: list[int],
        respect_apart: bool,
    ) -> None:
        self.blocks = blocks
        self.order = sorted(range(len(blocks)), key=lambda i: -len(blocks[i]))
        self.free = list(room)
        self.apart = apart
        self.groups = groups
        self.respect_apart = respect_apart
        self.inside: list[set[int]] = [set() for _ in room]
        self.placed = [-1] * len(blocks)
        self.budget = 10_000

    def run(self) -> list[int] | None:
        return self.placed if self._place(0) else None

    def _place(self, i: int) -> bool:
        if i == len(self.order):
            return True
        self.budget -= 1
        if self.budget < 0:
            return False
        block = self.blocks[self.order[i]]
        size = len(block)
        for g in sorted(self.groups, key=lambda g: -self.free[g]):
            if self.free[g] < size:
                continue
            if self.respect_apart and any(
                z in self.inside[g] for p in block for z in self.apart[p]
            ):
                continue
            self.free[g] -= size
            self.inside[g].update(block)
            self.placed[self.order[i]] = g
            if self._place(i + 1):
                return True
            self.free[g] += size
            self.inside[g].difference_update(block)
        return False
