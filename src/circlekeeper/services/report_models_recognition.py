"""Read models of the recognition roll-up: who was thanked and for what kinds of contribution, in
the season and cumulatively, holding only what the report's audience may read."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from circlekeeper.models.enums import Audience, RecognitionKind


class KindCount(BaseModel):
    """How many recognitions of one kind."""

    kind: RecognitionKind
    count: int


class ContributorLine(BaseModel):
    """One contributor under the name the audience may see, with their recognitions by kind (in
    the enum's order) and the badges they received."""

    name: str
    kinds: list[KindCount]
    badges: list[str]
    total: int


class RecognitionRollup(BaseModel):
    """The roll-up for one audience: the season is start..end, cumulative is everything up to
    end; contributors with most recognitions first."""

    audience: Audience
    start: dt.date
    end: dt.date
    season: list[ContributorLine]
    season_kinds: list[KindCount]
    cumulative: list[ContributorLine]
    cumulative_kinds: list[KindCount]
