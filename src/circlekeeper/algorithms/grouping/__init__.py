"""Circle formation: people into groups over rounds, meeting new people, within the rules."""

from circlekeeper.algorithms.grouping.problem import (
    Conflict,
    GroupingProblem,
    GroupingResult,
    Infeasible,
    Quality,
)
from circlekeeper.algorithms.grouping.solver import solve

__all__ = ["Conflict", "GroupingProblem", "GroupingResult", "Infeasible", "Quality", "solve"]
