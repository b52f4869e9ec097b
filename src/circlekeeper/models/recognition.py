"""The recognition log (shout-outs, spotlights, badges, notes, gifts) and badge definitions."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel
from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

import circlekeeper.models.base  # noqa: F401  (naming convention before any table)
from circlekeeper.models.enums import BadgeRule, RecognitionKind, Visibility, sql_in
from circlekeeper.models.types import UTCDateTime

BADGE_NAME_MAX = 60
MESSAGE_MAX = 2000


class Badge(SQLModel, table=True):
    """A badge; built-ins come from sample_data/badges.toml, facilitators add their own. A rule,
    when present, lets circlekeeper suggest who has earned it (never grant it)."""

    __tablename__ = "badge"
    __table_args__ = (
        CheckConstraint(f"length(name) BETWEEN 1 AND {BADGE_NAME_MAX}", name="name_length"),
        CheckConstraint(
            "rule_kind IS NULL OR " + sql_in("rule_kind", BadgeRule), name="rule_kind_valid"
        ),
        CheckConstraint("(rule_kind IS NULL) = (rule_count IS NULL)", name="rule_complete"),
        CheckConstraint("rule_count IS NULL OR rule_count BETWEEN 1 AND 10000", name="rule_range"),
    )

    id: int | None = SQLField(default=None, primary_key=True)
    name: str
    name_key: str = SQLField(unique=True)
    description: str = ""
    rule_kind: str | None = None
    rule_count: int | None = None
    builtin: bool = False
    created_at: dt.datetime = SQLField(sa_type=UTCDateTime)


class Recognition(SQLModel, table=True):
    """One entry of the recognition log; public entries need the member's consent."""

    __tablename__ = "recognition"
    __table_args__ = (
        CheckConstraint(sql_in("kind", RecognitionKind), name="kind_valid"),
        CheckConstraint(sql_in("visibility", Visibility), name="visibility_valid"),
        CheckConstraint(f"length(message) BETWEEN 1 AND {MESSAGE_MAX}", name="message_length"),
        CheckConstraint("kind != 'badge' OR badge_name != ''", name="badge_named"),
        Index("ix_recognition_day", "day", "id"),
        Index("ix_recognition_member", "member_id", "day"),
        Index("ix_recognition_kind", "kind", "day"),
        Index("ix_recognition_given_by", "given_by_id"),
    )

    id: int | None = SQLField(default=None, primary_key=True)
    member_id: int = SQLField(
        sa_column=Column(Integer, ForeignKey("member.id", ondelete="RESTRICT"), nullable=False)
    )
    kind: str
    message: str
    badge_id: int | None = SQLField(
        default=None,
        sa_column=Column(Integer, ForeignKey("badge.id", ondelete="SET NULL"), nullable=True),
    )
    badge_name: str = ""
    """The badge's name when given, kept even if the badge definition is removed later."""
    given_by_id: int | None = SQLField(
        default=None,
        sa_column=Column(Integer, ForeignKey("member.id", ondelete="SET NULL"), nullable=True),
    )
    given_by: str = ""
    day: dt.date
    visibility: str = Visibility.PRIVATE.value
    created_at: dt.datetime = SQLField(sa_type=UTCDateTime)


class BadgeRead(BaseModel):
    """A badge and its rule in words ("attended 10 sessions")."""

    id: int
    name: str
    description: str
    rule_kind: BadgeRule | None
    rule_count: int | None
    rule: str | None
    builtin: bool


class RecognitionRead(BaseModel):
    """One entry of the log as services hand it out."""

    id: int
    member_id: int
    member_name: str
    kind: RecognitionKind
    message: str
    badge: str | None
    given_by_id: int | None
    given_by: str
    day: dt.date
    visibility: Visibility
    created_at: dt.datetime


class RecognitionPage(BaseModel):
    """A window of the feed, newest first, and how many entries match in all."""

    items: list[RecognitionRead]
    total: int
    offset: int
    limit: int


class Suggestion(BaseModel):
    """Someone who could be recognised, and why; granting is always a person's decision."""

    key: str
    """Stable identity of the suggestion (e.g. "badge:3:17"), so a list can keep its cursor."""
    reason_kind: str
    """'badge' (a rule badge earned), 'goal-streak' or 'facilitated'."""
    member_id: int
    member_name: str
    kind: RecognitionKind
    badge_id: int | None
    badge: str | None
    message: str
    """A ready-to-use message the facilitator may edit before granting."""
    evidence: str
    """What was counted, in words ("attended 12 sessions")."""
    public_allowed: bool
    """Whether the member has agreed to public recognition."""
