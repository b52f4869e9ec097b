"""A schedule being improved: who is where, how often each pair has met, per-group value counts,
and the cost change of swapping two people (or two keep-together units) within a round.

Cost = sum over pairs of f(m) beyond what history alone gives (m = meetings, history included),
with f(m) = C(m, 2) + THIRD * C(m - 1, 2): 0 when nobody meets twice, 1 per second meeting, and a
third meeting far dearer than another pair's second — unavoidable repeats are spread out instead
of piling onto the same people. Spread, anchor, cluster and keep-apart terms are weighted in
(model.py).
"""

from __future__ import annotations

from circlekeeper.algorithms.grouping.model import (
    ALONE_WEIGHT,
    APART_WEIGHT,
    MIXED_WEIGHT,
    Model,
)

EPS = 1e-9
THIRD = 4.0
"""Extra cost of each meeting beyond the second, per earlier meeting."""
Schedule = list[list[list[int]]]


def pair_value(m: float) -> float:
    """f(m): what a pair that met m times costs."""
    extra = (m - 1) * (m - 2) / 2 if m > 2 else 0.0
    return m * (m - 1) / 2 + THIRD * extra


def join_cost(m: float) -> float:
    """f(m + 1) - f(m): the cost of one more meeting for a pair that met m times."""
    if m <= 1:
        return m
    if m == int(m):
        return m + THIRD * (m - 1)
    return pair_value(m + 1) - pair_value(m)


def deviation(count: int, lo: int, hi: int) -> int:
    """How far `count` lies outside lo..hi."""
    if count > hi:
        return count - hi
    if count < lo:
        return lo - count
    return 0


class State:
    """The mutable schedule; every method keeps members, where, met, counts and cost in step."""

    def __init__(self, model: Model, schedule: Schedule) -> None:
        self.model = model
        n = model.n
        self.n = n
        self.members: Schedule = [[list(group) for group in rnd] for rnd in schedule]
        self.where = [[0] * n for _ in schedule]
        for r, rnd in enumerate(self.members):
            position = self.where[r]
            for g, group in enumerate(rnd):
                for person in group:
                    position[person] = g
        self.met: list[dict[int, float]] = [dict(h) for h in model.history]
        for rnd in self.members:
            for group in rnd:
                self._count_pairs(group)
        self.spread_counts = [
            [
                [self._tally(spread.values, group, len(spread.lo[0])) for group in rnd]
                for rnd in self.members
            ]
            for spread in model.spreads
        ]
        self.cluster_counts = [
            [[self._tally(c.values, group, c.count) for group in rnd] for rnd in self.members]
            for c in model.clusters
        ]
        self.single = [len(model.units[u]) == 1 for u in model.unit_of]
        self.shift_cache: dict[int, tuple[list[list[float]], list[list[float]]]] = {}
        self.plain = not (model.spreads or model.clusters or any(model.apart))
        """No side rules: a swap's cost is its pair cost alone."""
        self.cost = self.full_cost()

    @staticmethod
    def _tally(values: list[int], group: list[int], width: int) -> list[int]:
        counts = [0] * width
        for person in group:
            value = values[person]
            if value >= 0:
                counts[value] += 1
        return counts

    def _count_pairs(self, group: list[int]) -> None:
        met = self.met
        for i, a in enumerate(group):
            ma = met[a]
            for b in group[i + 1 :]:
                ma[b] = ma.get(b, 0) + 1
                mb = met[b]
                mb[a] = mb.get(a, 0) + 1

    # --- cost --------------------------------------------------------------------------------

    def pair_cost(self) -> float:
        """Sum of C(m, 2) over pairs in different units, less what history alone contributes."""
        unit_of = self.model.unit_of
        history = self.model.history
        total = 0.0
        for a, row in enumerate(self.met):
            for b, m in row.items():
                if b > a and unit_of[a] != unit_of[b]:
                    total += pair_value(m) - pair_value(history[a].get(b, 0.0))
        return total

    def group_cost(self, r: int, g: int) -> float:
        """The spread, cluster and keep-apart cost of one group."""
        total = 0.0
        for k, spread in enumerate(self.model.spreads):
            counts = self.spread_counts[k][r][g]
            lo, hi = spread.lo[g], spread.hi[g]
            total += spread.weight * sum(deviation(c, lo[v], hi[v]) for v, c in enumerate(counts))
        for k, cluster in enumerate(self.model.clusters):
            total += _cluster_cost(self.cluster_counts[k][r][g], cluster.shared)
        apart = self.model.apart
        group = self.members[r][g]
        position = self.where[r]
        total += APART_WEIGHT * sum(
            1 for a in group for b in apart[a] if b > a and position[b] == g
        )
        return total

    def full_cost(self) -> float:
        return self.pair_cost() + sum(
            self.group_cost(r, g)
            for r in range(len(self.members))
            for g in range(len(self.members[r]))
        )

    # --- conflicts -----------------------------------------------------------------------------

    def conflicted(self, r: int, p: int) -> bool:
        """Whether p's place in round r carries any cost (a repeat, or its group is off)."""
        g = self.where[r][p]
        mp = self.met[p]
        unit = self.model.unit_of
        up = unit[p]
        for x in self.members[r][g]:
            if x != p and mp[x] > 1 + EPS and unit[x] != up:
                return True
        position = self.where[r]
        if any(position[z] == g for z in self.model.apart[p]):
            return True
        for k, spread in enumerate(self.model.spreads):
            counts = self.spread_counts[k][r][g]
            lo, hi = spread.lo[g], spread.hi[g]
            if any(deviation(c, lo[v], hi[v]) for v, c in enumerate(counts)):
                return True
        for k, cluster in enumerate(self.model.clusters):
            if _cluster_cost(self.cluster_counts[k][r][g], cluster.shared) > 0:
                return True
        return False

    # --- moves ---------------------------------------------------------------------------------

    def swap_delta(self, r: int, left: list[int], right: list[int]) -> float:
        """Cost change of swapping unit `left` and unit `right` (same size, different groups)."""
        a = self.where[r][left[0]]
        b = self.where[r][right[0]]
        group_a = self.members[r][a]
        group_b = self.members[r][b]
        rest_a = [x for x in group_a if x not in left]
        rest_b = [y for y in group_b if y not in right]
        met = self.met
        delta = 0.0
        for u in left:
            mu = met[u]
            for x in rest_a:
                m = mu.get(x, 0)
                delta -= (m - 1) if m <= 2 else join_cost(m - 1)
            for y in rest_b:
                m = mu.get(y, 0)
                delta += m if m <= 1 else join_cost(m)
        for v in right:
            mv = met[v]
            for x in rest_a:
                m = mv.get(x, 0)
                delta += m if m <= 1 else join_cost(m)
            for y in rest_b:
                m = mv.get(y, 0)
                delta -= (m - 1) if m <= 2 else join_cost(m - 1)
        if self.plain:
            return delta
        return delta + self._side_delta(r, a, b, left, right)

    def single_swaps(self, r: int, p: int, others: list[int]) -> list[tuple[float, int, int]]:
        """(cost change, group, q) of swapping p with each q in `others` when only pairs count.

        The hot path of the search: p's side is summed once, each group's once, so a candidate
        costs two short loops of dictionary reads.
        """
        members = self.members[r]
        met = self.met
        mp = met[p]
        rest_a = [x for x in members[self.where[r][p]] if x != p]
        leave_p = 0.0
        for x in rest_a:
            m = mp[x]
            leave_p -= (m - 1) if m <= 2 else join_cost(m - 1)
        out = []
        single = self.single
        home = self.where[r][p]
        plain = self.plain
        clusters = bool(self.model.clusters)
        apart = self.model.apart
        spreads = self.model.spreads and not clusters
        spread_values = [spread.values for spread in self.model.spreads]
        shift_in: list[list[float]] | None = None
        shift_out: list[list[float]] = []
        if spreads:
            leave_home, enter_home = self._shifts(r, home)
        for g in others:
            group = members[g]
            if spreads:
                shift_out, shift_in = self._shifts(r, g)
            join_p = 0.0
            for y in group:
                m = mp.get(y, 0)
                join_p += m if m <= 1 else join_cost(m)
            for q in group:
                if not single[q]:
                    continue
                mq = met[q]
                m = mp.get(q, 0)
                delta = leave_p + join_p - (m if m <= 1 else join_cost(m))
                for x in rest_a:
                    m = mq.get(x, 0)
                    delta += m if m <= 1 else join_cost(m)
                for y in group:
                    if y != q:
                        m = mq[y]
                        delta -= (m - 1) if m <= 2 else join_cost(m - 1)
                if not plain:
                    if shift_in is not None:
                        for k, values in enumerate(spread_values):
                            vp, vq = values[p], values[q]
                            if vp != vq:
                                delta += (
                                    leave_home[k][vp]
                                    + enter_home[k][vq]
                                    + shift_out[k][vq]
                                    + shift_in[k][vp]
                                )
                    if clusters:
                        delta += self._side_delta(r, home, g, [p], [q])
                    elif apart[p] or apart[q]:
                        delta += self._apart_delta(r, p, q, home, g)
                out.append((delta, g, q))
        return out

    def _shifts(self, r: int, g: int) -> tuple[list[list[float]], list[list[float]]]:
        """Per spread and value: the weighted cost change of one person of that value leaving
        group g, and of one arriving (independent for different values, as a swap needs);
        cached until a swap changes the group."""
        key = r * len(self.members[r]) + g
        cached = self.shift_cache.get(key)
        if cached is None:
            cached = self.shift_cache[key] = self._compute_shifts(r, g)
        return cached

    def _compute_shifts(self, r: int, g: int) -> tuple[list[list[float]], list[list[float]]]:
        leave, enter = [], []
        for k, spread in enumerate(self.model.spreads):
            counts = self.spread_counts[k][r][g]
            lo, hi, w = spread.lo[g], spread.hi[g], spread.weight
            leave.append(
                [
                    w * (deviation(c - 1, lo[v], hi[v]) - deviation(c, lo[v], hi[v]))
                    for v, c in enumerate(counts)
                ]
            )
            enter.append(
                [
                    w * (deviation(c + 1, lo[v], hi[v]) - deviation(c, lo[v], hi[v]))
                    for v, c in enumerate(counts)
                ]
            )
        return leave, enter

    def _apart_delta(self, r: int, p: int, q: int, a: int, b: int) -> float:
        """Keep-apart cost change of p moving a -> b and q moving b -> a."""
        apart = self.model.apart
        position = self.where[r]
        delta = 0.0
        for mover, home, away, other in ((p, a, b, q), (q, b, a, p)):
            for z in apart[mover]:
                if z == other:
                    continue
                zg = position[z]
                if zg == home:
                    delta -= APART_WEIGHT
                elif zg == away:
                    delta += APART_WEIGHT
        return delta

    def _side_delta(self, r: int, a: int, b: int, left: list[int], right: list[int]) -> float:
        """The spread, cluster and keep-apart part of a swap's cost change."""
        model = self.model
        delta = 0.0
        if model.spreads:
            for k, spread in enumerate(model.spreads):
                values = spread.values
                change: dict[int, int] = {}
                for u in left:
                    change[values[u]] = change.get(values[u], 0) + 1
                for v in right:
                    change[values[v]] = change.get(values[v], 0) - 1
                counts_a = self.spread_counts[k][r][a]
                counts_b = self.spread_counts[k][r][b]
                lo_a, hi_a, lo_b, hi_b = spread.lo[a], spread.hi[a], spread.lo[b], spread.hi[b]
                moved = 0
                for value, step in change.items():
                    if step:
                        ca, cb = counts_a[value], counts_b[value]
                        moved += (
                            deviation(ca - step, lo_a[value], hi_a[value])
                            - deviation(ca, lo_a[value], hi_a[value])
                            + deviation(cb + step, lo_b[value], hi_b[value])
                            - deviation(cb, lo_b[value], hi_b[value])
                        )
                delta += spread.weight * moved
        for k, cluster in enumerate(model.clusters):
            values = cluster.values
            counts_a = list(self.cluster_counts[k][r][a])
            counts_b = list(self.cluster_counts[k][r][b])
            before = _cluster_cost(counts_a, cluster.shared) + _cluster_cost(
                counts_b, cluster.shared
            )
            for u in left:
                if values[u] >= 0:
                    counts_a[values[u]] -= 1
                    counts_b[values[u]] += 1
            for v in right:
                if values[v] >= 0:
                    counts_a[values[v]] += 1
                    counts_b[values[v]] -= 1
            delta += (
                _cluster_cost(counts_a, cluster.shared)
                + _cluster_cost(counts_b, cluster.shared)
                - before
            )
        apart = model.apart
        position = self.where[r]
        for movers, home, away, others in ((left, a, b, right), (right, b, a, left)):
            for u in movers:
                for z in apart[u]:
                    if z in movers or z in others:
                        continue
                    zg = position[z]
                    if zg == home:
                        delta -= APART_WEIGHT
                    elif zg == away:
                        delta += APART_WEIGHT
        return delta

    def swap(
        self, r: int, left: list[int], right: list[int], delta: float
    ) -> list[tuple[int, int]]:
        """Swap two units in round r; return the pairs whose meeting count went up."""
        position = self.where[r]
        a = position[left[0]]
        b = position[right[0]]
        group_a = self.members[r][a]
        group_b = self.members[r][b]
        rest_a = [x for x in group_a if x not in left]
        rest_b = [y for y in group_b if y not in right]
        met = self.met
        raised: list[tuple[int, int]] = []
        for movers, stay_old, stay_new in ((left, rest_a, rest_b), (right, rest_b, rest_a)):
            for u in movers:
                mu = met[u]
                for x in stay_old:
                    mu[x] -= 1
                    met[x][u] -= 1
                for y in stay_new:
                    mu[y] = mu.get(y, 0) + 1
                    my = met[y]
                    my[u] = my.get(u, 0) + 1
                    raised.append((u, y))
        self.members[r][a] = rest_a + right
        self.members[r][b] = rest_b + left
        groups = len(self.members[r])
        self.shift_cache.pop(r * groups + a, None)
        self.shift_cache.pop(r * groups + b, None)
        for u in left:
            position[u] = b
        for v in right:
            position[v] = a
        for k, spread in enumerate(self.model.spreads):
            self._move_counts(spread.values, self.spread_counts[k][r], a, b, left, right)
        for k, cluster in enumerate(self.model.clusters):
            self._move_counts(cluster.values, self.cluster_counts[k][r], a, b, left, right)
        self.cost += delta
        return raised

    @staticmethod
    def _move_counts(
        values: list[int],
        counts: list[list[int]],
        a: int,
        b: int,
        left: list[int],
        right: list[int],
    ) -> None:
        for u in left:
            if values[u] >= 0:
                counts[a][values[u]] -= 1
                counts[b][values[u]] += 1
        for v in right:
            if values[v] >= 0:
                counts[b][values[v]] -= 1
                counts[a][values[v]] += 1

    def snapshot(self) -> Schedule:
        return [[list(group) for group in rnd] for rnd in self.members]


def _cluster_cost(counts: list[int], shared: list[bool]) -> float:
    """People alone with a value others share, and each extra value in the group."""
    alone = 0
    distinct = 0
    for value, count in enumerate(counts):
        if count:
            distinct += 1
            if count == 1 and shared[value]:
                alone += 1
    return ALONE_WEIGHT * alone + MIXED_WEIGHT * max(0, distinct - 1)
