"""Rituals: named prompt packs (wins / challenges / reflection …) that give a session its shape."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)
from sqlalchemy import JSON, CheckConstraint, Column
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

import circlekeeper.models.base  # noqa: F401  (naming convention before any table)
from circlekeeper.models.enums import RitualMode, sql_in
from circlekeeper.models.types import UTCDateTime
from circlekeeper.text import clean_text, quoted

RITUAL_NAME_MAX = 80
PROMPT_MAX = 200
PROMPTS_MAX = 12
TIMEBOX_MAX = 60


def _check_prompts(prompts: list[str]) -> list[str]:
    cleaned = [clean_text(prompt) for prompt in prompts]
    cleaned = [prompt for prompt in cleaned if prompt]
    if not cleaned:
        raise ValueError("a ritual needs at least one prompt")
    if len(cleaned) > PROMPTS_MAX:
        raise ValueError(f"at most {PROMPTS_MAX} prompts")
    for prompt in cleaned:
        if len(prompt) > PROMPT_MAX:
            raise ValueError(
                f"a prompt may have at most {PROMPT_MAX} characters: {quoted(prompt[:30])}…"
            )
    if len({prompt.casefold() for prompt in cleaned}) != len(cleaned):
        raise ValueError("two prompts are the same; each prompt must be different")
    return cleaned


def _clean_line(value: object) -> object:
    return clean_text(value) if isinstance(value, str) else value


def _clean_block(value: object) -> object:
    return clean_text(value, multiline=True) if isinstance(value, str) else value


Prompts = Annotated[list[str], AfterValidator(_check_prompts)]
RitualName = Annotated[
    Annotated[str, StringConstraints(min_length=1, max_length=RITUAL_NAME_MAX)],
    BeforeValidator(_clean_line),
]
Line500 = Annotated[
    Annotated[str, StringConstraints(max_length=500)], BeforeValidator(_clean_block)
]


class Ritual(SQLModel, table=True):
    """A prompt pack; built-in packs come from sample_data/rituals and can be copied and edited."""

    __tablename__ = "ritual"
    __table_args__ = (
        CheckConstraint("length(name) BETWEEN 1 AND 80", name="name_length"),
        CheckConstraint("timebox_minutes BETWEEN 1 AND 60", name="timebox_range"),
        CheckConstraint(sql_in("mode", RitualMode), name="mode_valid"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: int | None = SQLField(default=None, primary_key=True)
    name: str = SQLField(max_length=RITUAL_NAME_MAX)
    name_key: str = SQLField(unique=True)
    description: str = ""
    prompts: list[str] = SQLField(sa_column=Column(JSON, nullable=False))
    timebox_minutes: int = 3
    opening: str = ""
    closing: str = ""
    mode: str = RitualMode.LIVE.value
    builtin: bool = False
    version: int = 1
    created_at: dt.datetime = SQLField(sa_type=UTCDateTime)
    updated_at: dt.datetime = SQLField(sa_type=UTCDateTime)


class RitualCreate(BaseModel):
    """What a facilitator supplies for a new prompt pack."""

    model_config = ConfigDict(extra="forbid")

    name: RitualName
    description: Line500 = ""
    prompts: Prompts
    timebox_minutes: int = Field(default=3, ge=1, le=TIMEBOX_MAX)
    opening: Line500 = ""
    closing: Line500 = ""
    mode: RitualMode = RitualMode.LIVE


class RitualUpdate(BaseModel):
    """A partial edit of a prompt pack."""

    model_config = ConfigDict(extra="forbid")

    name: RitualName | None = None
    description: Line500 | None = None
    prompts: Prompts | None = None
    timebox_minutes: int | None = Field(default=None, ge=1, le=TIMEBOX_MAX)
    opening: Line500 | None = None
    closing: Line500 | None = None
    mode: RitualMode | None = None


class RitualRead(BaseModel):
    """A prompt pack as the services hand it out."""

    id: int
    name: str
    description: str
    prompts: list[str]
    timebox_minutes: int
    opening: str
    closing: str
    mode: RitualMode
    builtin: bool
    version: int
