"""Read models of circle formation: the proposed circles a facilitator reviews before committing."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from circlekeeper.models import CircleDetail, CircleKind


class Frozen(BaseModel):
    """A read model that cannot be changed after it is built."""

    model_config = ConfigDict(frozen=True)


class ProposedMember(Frozen):
    """A member placed in a proposed circle."""

    id: int
    name: str


class MetBefore(Frozen):
    """Two members of a proposed circle who already shared a circle, and when they last did."""

    first_id: int
    first: str
    second_id: int
    second: str
    circle_id: int
    circle: str
    last_together: dt.date
    current: bool


class ProposedCircle(Frozen):
    """One circle the formation would create, with who meets again and its balance counts."""

    name: str
    members: tuple[ProposedMember, ...]
    met_before: tuple[MetBefore, ...]
    balance: dict[str, int]


class FormationPreview(Frozen):
    """The whole proposal: the circles, what they are created as, and how good they are."""

    kind: CircleKind
    min_size: int
    max_size: int
    balance_tag: str | None
    cluster_tag: str | None
    keep_apart: tuple[tuple[int, int], ...] = ()
    keep_together: tuple[tuple[int, int], ...] = ()
    pool_size: int
    repeated_pairs: int
    method: str
    warnings: tuple[str, ...]
    circles: tuple[ProposedCircle, ...]


class FormationCommitted(FormationPreview):
    """A committed proposal together with the circles as they were created."""

    created: tuple[CircleDetail, ...]
