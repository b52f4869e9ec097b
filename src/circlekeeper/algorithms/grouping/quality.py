"""The figures a facilitator reads about a schedule, computed the way the shared scorer does."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

from circlekeeper.algorithms.grouping.model import Model
from circlekeeper.algorithms.grouping.problem import Quality
from circlekeeper.algorithms.grouping.state import Schedule, deviation


def measure(model: Model, schedule: Schedule) -> Quality:
    """Repeats, history meetings and every rule's breaches for `schedule` (internal indices)."""
    meetings: Counter[tuple[int, int]] = Counter()
    for rnd in schedule:
        for group in rnd:
            for a, b in combinations(sorted(group), 2):
                meetings[(a, b)] += 1
    counted = {pair: m for pair, m in meetings.items() if pair not in model.together}
    history = model.history
    balance_off = anchors_missing = alone = 0
    for rnd in schedule:
        for g, group in enumerate(rnd):
            for spread in model.spreads:
                counts = Counter(spread.values[p] for p in group)
                off = sum(
                    deviation(counts.get(v, 0), spread.lo[g][v], spread.hi[g][v])
                    for v in range(len(spread.lo[g]))
                )
                if spread.flag is not None:
                    anchors_missing += 1 if off and counts.get(spread.flag, 0) == 0 else 0
                else:
                    balance_off += off
            for cluster in model.clusters:
                counts = Counter(cluster.values[p] for p in group if cluster.values[p] >= 0)
                alone += sum(1 for v, c in counts.items() if c == 1 and cluster.shared[v])
    return Quality(
        repeat_pairs=sum(m - 1 for m in counted.values() if m > 1),
        max_meetings=max(counted.values(), default=0),
        met_before=sum(1 for a, b in counted if b in history[a]),
        balance_off=balance_off,
        keep_apart_broken=sum(
            meetings.get((a, b), 0) for a in range(model.n) for b in model.apart[a] if a < b
        ),
        keep_together_broken=sum(len(schedule) - meetings.get(pair, 0) for pair in model.together),
        anchors_missing=anchors_missing,
        alone=alone,
    )
