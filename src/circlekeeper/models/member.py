"""Members: the people in the community, and the models that validate what is said about them."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, String
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

import circlekeeper.models.base  # noqa: F401  (naming convention before any table)
from circlekeeper.models.enums import MemberStatus, sql_in
from circlekeeper.models.fields import (
    Email,
    Handle,
    Name,
    OptionalDate,
    Tags,
    Timezone,
)
from circlekeeper.models.types import UTCDateTime


class Member(SQLModel, table=True):
    """A person; email_key/handle_key hold the NFC+casefold forms that must be unique, and
    name_key the accent- and punctuation-blind text.sort_key the list is sorted by."""

    __tablename__ = "member"
    __table_args__ = (
        CheckConstraint("length(name) BETWEEN 1 AND 200", name="name_length"),
        CheckConstraint("email IS NOT NULL OR handle IS NOT NULL", name="email_or_handle"),
        CheckConstraint(sql_in("status", MemberStatus), name="status_valid"),
        CheckConstraint(
            "status = 'paused' OR paused_until IS NULL", name="paused_until_only_paused"
        ),
        CheckConstraint(
            "consent_named IN (0, 1) AND consent_recognised IN (0, 1)", name="consent_bool"
        ),
        CheckConstraint("version >= 1", name="version_positive"),
        Index("ix_member_name_key_id", "name_key", "id"),
        Index("ix_member_status_name_key_id", "status", "name_key", "id"),
    )

    id: int | None = SQLField(default=None, primary_key=True)
    name: str = SQLField(max_length=200)
    name_key: str
    email: str | None = SQLField(default=None, max_length=254)
    email_key: str | None = SQLField(default=None, unique=True)
    handle: str | None = SQLField(default=None, max_length=64)
    handle_key: str | None = SQLField(default=None, unique=True)
    timezone: str = "UTC"
    joined_on: dt.date
    status: str = MemberStatus.ACTIVE.value
    paused_until: dt.date | None = None
    consent_named: bool = False
    consent_recognised: bool = False
    version: int = 1
    created_at: dt.datetime = SQLField(sa_type=UTCDateTime)
    updated_at: dt.datetime = SQLField(sa_type=UTCDateTime)


class MemberTag(SQLModel, table=True):
    """One key=value attribute of a member, used for search and, later, grouping.

    value_key is the value's identity_key (SQLite's lower() folds ASCII only), so a tag search
    is case-insensitive in every script.
    """

    __tablename__ = "member_tag"
    __table_args__ = (Index("ix_member_tag_key_value_key", "key", "value_key", "member_id"),)

    member_id: int = SQLField(
        sa_column=Column(Integer, ForeignKey("member.id", ondelete="CASCADE"), primary_key=True)
    )
    key: str = SQLField(sa_column=Column(String(40), primary_key=True))
    value: str = SQLField(max_length=100)
    value_key: str


class MemberCreate(BaseModel):
    """What a facilitator supplies to add a member."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    email: Email = None
    handle: Handle = None
    timezone: Timezone = "UTC"
    joined_on: OptionalDate = None
    tags: Tags = Field(default_factory=dict)
    consent_named: bool = False
    consent_recognised: bool = False

    @model_validator(mode="after")
    def _needs_contact(self) -> MemberCreate:
        if self.email is None and self.handle is None:
            raise ValueError(
                "give an email or a handle (or both), so the member can be found again"
            )
        return self


class MemberUpdate(BaseModel):
    """A partial edit: only the fields given are changed; `tags` replaces the whole set."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    email: Email = None
    handle: Handle = None
    timezone: Timezone | None = None
    joined_on: OptionalDate = None
    tags: Tags | None = None
    consent_named: bool | None = None
    consent_recognised: bool | None = None


class MemberRead(BaseModel):
    """A member as the services hand it out (never a live ORM row)."""

    id: int
    name: str
    email: str | None
    handle: str | None
    timezone: str
    joined_on: dt.date
    status: MemberStatus
    paused_until: dt.date | None
    tags: dict[str, str]
    consent_named: bool
    consent_recognised: bool
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class MemberCircle(BaseModel):
    """One stay of a member in a circle (current when left_on is None)."""

    circle_id: int
    circle_name: str
    joined_on: dt.date
    left_on: dt.date | None
    leave_reason: str | None


class MemberDetail(MemberRead):
    """A member with their circles, current first, then history."""

    circles: list[MemberCircle]


class MemberRow(BaseModel):
    """One line of the member list: what a table shows, selected as columns, not objects."""

    id: int
    name: str
    email: str | None
    handle: str | None
    timezone: str
    status: MemberStatus
    paused_until: dt.date | None
    tags: dict[str, str]
    circle_count: int


class MemberPage(BaseModel):
    """A window of the member list and how many match in all."""

    items: list[MemberRow]
    total: int
    offset: int
    limit: int
