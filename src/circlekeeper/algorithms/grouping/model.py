"""The problem in the solver's own terms: people as 0..n-1, keep-together units, per-group
bounds for every spread attribute, and the conflicts that make the hard rules impossible."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from circlekeeper.algorithms.grouping.problem import Conflict, GroupingProblem, Infeasible, Person
from circlekeeper.algorithms.grouping.sizes import group_count, group_counts, sizes_for
from circlekeeper.text import quoted

BALANCE_WEIGHT = 5.0
"""A unit of imbalance costs as much as two repeated pairs: spreading is a rule people notice."""
ANCHOR_WEIGHT = 4.0
APART_WEIGHT = 1000.0
"""Keep-apart is hard: any repeat is cheaper than breaking it, so the search never settles there."""
ALONE_WEIGHT = 6.0
MIXED_WEIGHT = 1.0


@dataclass
class Spread:
    """An attribute to spread evenly: per group g and value v, lo[g][v] <= count <= hi[g][v]."""

    name: str
    values: list[int]
    lo: list[list[int]]
    hi: list[list[int]]
    weight: float
    flag: int | None = None
    """For anchors: the code of "yes", so a group without one can be counted."""


@dataclass
class Cluster:
    """An attribute to keep together: values[p] is -1 for none; lonely values are not penalised."""

    name: str
    values: list[int]
    shared: list[bool]
    """Whether more than one person holds each value (only then is someone alone with it)."""
    count: int


@dataclass
class Model:
    """Everything the initial placement and the search read; built once per solve."""

    ids: list[Person]
    rounds: int
    sizes: list[int]
    units: list[list[int]]
    unit_of: list[int]
    apart: list[tuple[int, ...]]
    together: set[tuple[int, int]]
    history: list[dict[int, float]]
    spreads: list[Spread]
    clusters: list[Cluster]
    warnings: list[str]

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def groups(self) -> int:
        return len(self.sizes)

    @property
    def side_rules(self) -> bool:
        """Whether anything beyond sizes and repeats shapes the answer."""
        return bool(self.spreads or self.clusters or any(self.apart) or self.together)


def build_model(problem: GroupingProblem) -> Model:
    """Index the problem, or raise Infeasible naming every hard rule that cannot hold."""
    ids = list(problem.people)
    index = {person: i for i, person in enumerate(ids)}
    conflicts: list[Conflict] = []
    if len(index) != len(ids):
        twice = [p for p, c in Counter(ids).items() if c > 1]
        conflicts.append(Conflict("people", f"listed more than once: {twice[:5]}", tuple(twice)))
    if problem.rounds < 1:
        conflicts.append(Conflict("rounds", "at least one round is needed"))
    count = group_count(
        len(ids),
        target=problem.group_size,
        smallest=problem.smallest,
        largest=problem.largest,
        fixed=problem.num_groups,
    )
    if isinstance(count, Conflict):
        conflicts.append(count)
    conflicts += _unknown_people(problem, index)
    conflicts += _attribute_lengths(problem, len(ids))
    if conflicts:
        raise Infeasible(conflicts)
    assert isinstance(count, int)
    n = len(ids)

    def pairs(raw: Sequence[tuple[Person, Person]]) -> list[tuple[int, int]]:
        return [(index[a], index[b]) for a, b in raw if a != b]

    units, unit_of = _units(n, pairs(problem.keep_together))
    apart_sets: list[set[int]] = [set() for _ in range(n)]
    for a, b in pairs(problem.keep_apart):
        apart_sets[a].add(b)
        apart_sets[b].add(a)
    count = _workable_count(problem, n, count, units, unit_of, apart_sets, ids)
    sizes = sizes_for(n, count)
    conflicts += _unit_conflicts(ids, units, unit_of, apart_sets, sizes)
    if conflicts:
        raise Infeasible(conflicts)

    history: list[dict[int, float]] = [{} for _ in range(n)]
    for (a, b), weight in problem.history.items():
        if a in index and b in index and a != b and weight > 0:
            i, j = index[a], index[b]
            history[i][j] = history[i].get(j, 0.0) + float(weight)
            history[j][i] = history[j].get(i, 0.0) + float(weight)

    warnings: list[str] = []
    spreads = [
        _spread(name, values, sizes, n, BALANCE_WEIGHT) for name, values in problem.balance.items()
    ]
    if problem.anchors:
        anchored = {index[a] for a in problem.anchors if a in index}
        flags = ["yes" if i in anchored else "no" for i in range(n)]
        spreads.append(_spread("anchor", flags, sizes, n, ANCHOR_WEIGHT, floor_one=True))
        if len(anchored) < count:
            warnings.append(
                f"{len(anchored)} anchors for {count} groups: {count - len(anchored)} "
                "groups will have none"
            )
    clusters = [_cluster(name, values) for name, values in problem.cluster.items()]
    for cluster in clusters:
        lonely = sum(1 for c in Counter(v for v in cluster.values if v >= 0).values() if c == 1)
        if lonely:
            warnings.append(
                f"{lonely} {cluster.name} value(s) belong to one person only; they cannot be "
                "placed with someone who shares it"
            )
    together = {(min(a, b), max(a, b)) for a, b in pairs(problem.keep_together)}
    return Model(
        ids=ids,
        rounds=problem.rounds,
        sizes=sizes,
        units=units,
        unit_of=unit_of,
        apart=[tuple(sorted(s)) for s in apart_sets],
        together=together,
        history=history,
        spreads=spreads,
        clusters=clusters,
        warnings=warnings,
    )


def _workable_count(
    problem: GroupingProblem,
    n: int,
    preferred: int,
    units: list[list[int]],
    unit_of: list[int],
    apart: list[set[int]],
    ids: list[Person],
) -> int:
    """The preferred group count, or the next best one where keep-together chains fit and a
    keep-apart pair is not forced into a single group; the preferred one when none is better."""
    if problem.num_groups is not None:
        return preferred
    needed = apart_clique(apart)
    for count in group_counts(
        n, target=problem.group_size, smallest=problem.smallest, largest=problem.largest
    ):
        if count < needed:
            continue
        if not _unit_conflicts(ids, units, unit_of, apart, sizes_for(n, count)):
            return count
    return preferred


def apart_clique(apart: list[set[int]]) -> int:
    """The size of a set of people who must all be kept apart from each other, found greedily
    (the largest found from each person): a round needs at least that many groups."""
    best = 0
    for person, others in enumerate(apart):
        clique = [person]
        for other in sorted(others, key=lambda o: -len(apart[o])):
            if all(other in apart[member] for member in clique):
                clique.append(other)
        best = max(best, len(clique))
    return best


def _attribute_lengths(problem: GroupingProblem, n: int) -> list[Conflict]:
    """Every balance and cluster attribute needs exactly one value per person."""
    out = []
    for kind, attributes in (("balance", problem.balance), ("cluster", problem.cluster)):
        for name, values in attributes.items():
            if len(values) != n:
                out.append(
                    Conflict(
                        kind,
                        f"{kind} attribute {quoted(name)} has {len(values)} values for {n} people",
                    )
                )
    return out


def _unknown_people(problem: GroupingProblem, index: dict[Person, int]) -> list[Conflict]:
    out = []
    for rule, pairs in (
        ("keep-apart", problem.keep_apart),
        ("keep-together", problem.keep_together),
    ):
        strangers = sorted({p for pair in pairs for p in pair if p not in index}, key=str)
        if strangers:
            out.append(
                Conflict(rule, f"{rule} names people who are not in the pool: {strangers[:5]}")
            )
    return out


def _units(n: int, pairs: list[tuple[int, int]]) -> tuple[list[list[int]], list[int]]:
    """Keep-together pairs joined into units (union-find); everyone else is a unit of one."""
    parent = list(range(n))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    by_root: dict[int, list[int]] = {}
    for person in range(n):
        by_root.setdefault(root(person), []).append(person)
    units = list(by_root.values())
    unit_of = [0] * n
    for u, members in enumerate(units):
        for person in members:
            unit_of[person] = u
    return units, unit_of


def _unit_conflicts(
    ids: list[Person],
    units: list[list[int]],
    unit_of: list[int],
    apart: list[set[int]],
    sizes: list[int],
) -> list[Conflict]:
    """Keep-together chains that hold a keep-apart pair or cannot fit in the groups."""
    out = []
    for members in units:
        if len(members) == 1:
            continue
        names = tuple(ids[m] for m in members)
        clash = [(a, b) for a in members for b in apart[a] if b in members and a < b]
        if clash:
            a, b = clash[0]
            out.append(
                Conflict(
                    "keep-together vs keep-apart",
                    f"{ids[a]} and {ids[b]} must be kept apart, but keep-together links them "
                    f"(through {', '.join(map(str, names))})",
                    names,
                )
            )
        if len(members) > max(sizes):
            out.append(
                Conflict(
                    "keep-together vs sizes",
                    f"keep-together links {len(members)} people ({', '.join(map(str, names))}) "
                    f"but groups hold at most {max(sizes)}",
                    names,
                )
            )
    if not out and not _fits([len(m) for m in units if len(m) > 1], sizes):
        out.append(
            Conflict(
                "keep-together vs sizes",
                "the keep-together groups cannot all be fitted into groups of "
                f"{min(sizes)}..{max(sizes)}",
            )
        )
    return out


def _fits(blocks: list[int], sizes: list[int]) -> bool:
    """Whether the blocks pack into the group sizes (exact search; blocks are few and small)."""
    blocks = sorted(blocks, reverse=True)
    room = sorted(sizes, reverse=True)

    def place(i: int) -> bool:
        if i == len(blocks):
            return True
        tried: set[int] = set()
        for g, free in enumerate(room):
            if free >= blocks[i] and free not in tried:
                tried.add(free)
                room[g] -= blocks[i]
                if place(i + 1):
                    return True
                room[g] += blocks[i]
        return False

    return place(0)


def _spread(
    name: str, raw: Sequence[str], sizes: list[int], n: int, weight: float, floor_one: bool = False
) -> Spread:
    """Even-share bounds per group: floor and ceiling of size * share (as the shared scorer)."""
    labels = sorted({str(v) for v in raw})
    code = {label: i for i, label in enumerate(labels)}
    values = [code[str(v)] for v in raw]
    totals = Counter(values)
    lo = [[(s * totals[v]) // n for v in range(len(labels))] for s in sizes]
    hi = [[-((-s * totals[v]) // n) for v in range(len(labels))] for s in sizes]
    flag = code.get("yes") if floor_one else None
    if flag is not None:
        yes = flag
        if totals[yes] >= len(sizes):
            for bounds in lo:
                bounds[yes] = max(bounds[yes], 1)
    return Spread(name=name, values=values, lo=lo, hi=hi, weight=weight, flag=flag)


def _cluster(name: str, raw: Sequence[str | None]) -> Cluster:
    labels = sorted({str(v) for v in raw if v is not None and str(v) != ""})
    code = {label: i for i, label in enumerate(labels)}
    values = [code[str(v)] if v is not None and str(v) != "" else -1 for v in raw]
    totals = Counter(v for v in values if v >= 0)
    return Cluster(
        name=name,
        values=values,
        shared=[totals[i] > 1 for i in range(len(labels))],
        count=len(labels),
    )
