"""The shared benchmark's instance format (shared/bench/grouping/instances/*.json) as a problem."""

from __future__ import annotations

from typing import Any

from circlekeeper.algorithms.grouping.problem import GroupingProblem


def problem_from_instance(data: dict[str, Any]) -> GroupingProblem:
    """Read an instance dict; unknown keys are ignored, missing ones take their defaults."""
    people = list(data["people"])
    size = int(data.get("group_size") or data.get("max_group_size") or 5)
    attributes = data.get("attributes") or {}
    return GroupingProblem(
        people=people,
        rounds=int(data.get("rounds", 1)),
        group_size=size,
        min_size=data.get("min_group_size"),
        max_size=data.get("max_group_size"),
        num_groups=data.get("num_groups"),
        balance={name: [str(v) for v in attributes[name]] for name in data.get("balance", [])},
        cluster={name: list(attributes[name]) for name in data.get("cluster", [])},
        keep_apart=[(a, b) for a, b in data.get("keep_apart", [])],
        keep_together=[(a, b) for a, b in data.get("keep_together", [])],
        anchors=list(data.get("anchors", [])),
    )
