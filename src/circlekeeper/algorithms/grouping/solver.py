"""Form groups for one or more rounds: fewest repeated pairs, then balance; hard rules never broken.

The solver tries the direct finite-field design first (repeat-free in milliseconds when the
numbers fit), otherwise a greedy placement, and improves either with tabu search until nothing
costs anything, the time limit, or the search stops finding better schedules. The same seed and
the same problem give the same answer, unless the time limit cuts the search short.
"""

from __future__ import annotations

import random
import time

from circlekeeper.algorithms.grouping.initial import design_start, greedy_start
from circlekeeper.algorithms.grouping.model import Model, build_model
from circlekeeper.algorithms.grouping.problem import (
    Conflict,
    GroupingProblem,
    GroupingResult,
    Infeasible,
)
from circlekeeper.algorithms.grouping.quality import measure
from circlekeeper.algorithms.grouping.search import Progress, tabu_search
from circlekeeper.algorithms.grouping.state import State

DEFAULT_TIME_LIMIT = 10.0


def solve(
    problem: GroupingProblem,
    *,
    seed: int = 0,
    time_limit: float = DEFAULT_TIME_LIMIT,
    progress: Progress | None = None,
) -> GroupingResult:
    """Groups for every round of `problem`; raises Infeasible when the hard rules conflict."""
    started = time.perf_counter()
    model = build_model(problem)
    rng = random.Random(seed)
    schedule = design_start(model, rng)
    method = "design"
    if schedule is None:
        schedule = greedy_start(model, rng)
        method = "greedy"
    state = State(model, schedule)
    iterations = 0
    optimal = state.cost <= 1e-9 and not _any_conflict(state)
    if not optimal:
        outcome = tabu_search(
            state,
            rng,
            deadline=started + time_limit,
            patience=_patience(model),
            progress=progress,
        )
        schedule, iterations, optimal = outcome.schedule, outcome.iterations, outcome.optimal
        method += "+tabu"
    quality = measure(model, schedule)
    if quality.keep_apart_broken or quality.keep_together_broken:
        raise Infeasible(_unresolved(model, schedule))
    ids = model.ids
    return GroupingResult(
        rounds=[[[ids[p] for p in group] for group in rnd] for rnd in schedule],
        quality=quality,
        method=method,
        seconds=time.perf_counter() - started,
        iterations=iterations,
        proven_best=optimal,
        warnings=tuple(model.warnings),
    )


def _patience(model: Model) -> int:
    """Swaps without a better schedule before giving up: more for bigger schedules, and four
    times as many with side rules (their searches keep improving after restarts)."""
    base = max(3_000, 2 * model.n * model.rounds)
    return 4 * base if model.side_rules else base


def _any_conflict(state: State) -> bool:
    return any(state.conflicted(r, p) for r in range(len(state.members)) for p in range(state.n))


def _unresolved(model: Model, schedule: list[list[list[int]]]) -> list[Conflict]:
    """The keep-apart pairs the search could not separate, named."""
    ids = model.ids
    out = []
    for rnd in schedule:
        for group in rnd:
            members = set(group)
            for a in group:
                for b in model.apart[a]:
                    if a < b and b in members:
                        out.append(
                            Conflict(
                                "keep-apart",
                                f"{ids[a]} and {ids[b]} could not be kept apart within the "
                                "time limit (too many keep-apart pairs for the groups?)",
                                (ids[a], ids[b]),
                            )
                        )
    return out[:10]
