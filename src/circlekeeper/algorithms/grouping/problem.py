"""What the formation solver is asked and what it answers, in plain data (no database)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

Person = int
Pair = tuple[Person, Person]


@dataclass(frozen=True)
class GroupingProblem:
    """People to place in groups for one or more rounds, with the rules to respect.

    `num_groups` fixes the number of groups per round; without it the solver picks the count
    whose sizes come closest to `group_size` within `min_size..max_size`. `balance` attributes
    (one value per person, in `people` order) are spread evenly over the groups; `cluster`
    attributes keep people with the same value together (None: no value). `anchors` are spread
    so that each group gets one where there are enough (e.g. facilitators). `history` gives, per
    pair, how much their earlier meetings count (1.0 = as much as a round of this schedule).
    """

    people: Sequence[Person]
    rounds: int = 1
    group_size: int = 5
    min_size: int | None = None
    max_size: int | None = None
    num_groups: int | None = None
    balance: Mapping[str, Sequence[str]] = field(default_factory=dict)
    cluster: Mapping[str, Sequence[str | None]] = field(default_factory=dict)
    keep_apart: Sequence[Pair] = ()
    keep_together: Sequence[Pair] = ()
    anchors: Sequence[Person] = ()
    history: Mapping[Pair, float] = field(default_factory=dict)

    @property
    def smallest(self) -> int:
        return self.min_size if self.min_size is not None else self.group_size

    @property
    def largest(self) -> int:
        return self.max_size if self.max_size is not None else self.group_size


@dataclass(frozen=True)
class Conflict:
    """A rule that cannot hold, in words, with the people or pairs it concerns."""

    rule: str
    message: str
    people: tuple[Person, ...] = ()


class Infeasible(ValueError):
    """The hard rules (sizes, keep-apart, keep-together) cannot all hold; `conflicts` say why."""

    def __init__(self, conflicts: Sequence[Conflict]) -> None:
        self.conflicts = tuple(conflicts)
        super().__init__("; ".join(c.message for c in self.conflicts))


@dataclass(frozen=True)
class Quality:
    """How good a schedule is, by the figures a facilitator (and the shared scorer) reads."""

    repeat_pairs: int
    """Sum over pairs of (rounds together - 1), keep-together pairs left out."""
    max_meetings: int
    met_before: int
    """Pairs placed together who already met in the history."""
    balance_off: int
    """How far group counts of balanced values lie outside their even share, summed."""
    keep_apart_broken: int
    keep_together_broken: int
    anchors_missing: int
    """Groups without an anchor while anchors sat two to a group elsewhere."""
    alone: int
    """People alone with their cluster value while others share it."""


@dataclass(frozen=True)
class GroupingResult:
    """Groups per round (person ids), their quality and how the search went."""

    rounds: list[list[list[Person]]]
    quality: Quality
    method: str
    seconds: float
    iterations: int
    proven_best: bool
    """True when nothing avoidable costs anything: no pair meets twice unless the rules force it
    (keep-together chains meet every round), no history pair meets again, every group is even."""
    warnings: tuple[str, ...] = ()
