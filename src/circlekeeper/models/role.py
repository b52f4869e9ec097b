"""Roles: who facilitates, keeps time and takes notes — rotating per session or held for a term."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field
from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, text
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

import circlekeeper.models.base  # noqa: F401  (naming convention before any table)
from circlekeeper.models.types import UTCDateTime

DEFAULT_ROLES = ("facilitator", "timekeeper", "note-taker")
ROLE_EVENT_KINDS = ("planned", "swap", "skip", "override", "term")


class Role(SQLModel, table=True):
    """A role in one circle; rotating roles are planned per session, term roles for a period."""

    __tablename__ = "role"
    __table_args__ = (
        CheckConstraint("length(name) BETWEEN 1 AND 40", name="name_length"),
        Index("uq_role_circle_name", "circle_id", "name_key", unique=True),
    )

    id: int | None = SQLField(default=None, primary_key=True)
    circle_id: int = SQLField(
        sa_column=Column(Integer, ForeignKey("circle.id", ondelete="CASCADE"), nullable=False)
    )
    name: str = SQLField(max_length=40)
    name_key: str
    rotating: bool = True
    position: int = 0
    created_at: dt.datetime = SQLField(sa_type=UTCDateTime)


class RoleAssignment(SQLModel, table=True):
    """Who holds a role at one session (rotating) or over a term, and their deputy."""

    __tablename__ = "role_assignment"
    __table_args__ = (
        CheckConstraint("deputy_id IS NULL OR deputy_id != member_id", name="deputy_differs"),
        CheckConstraint("session_id IS NOT NULL OR starts_on IS NOT NULL", name="session_or_term"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="term_order"),
        CheckConstraint("version >= 1", name="version_positive"),
        Index(
            "uq_role_assignment_role_session",
            "role_id",
            "session_id",
            unique=True,
            sqlite_where=text("session_id IS NOT NULL"),
            postgresql_where=text("session_id IS NOT NULL"),
        ),
        Index("ix_role_assignment_member", "member_id", "session_id"),
        Index("ix_role_assignment_session", "session_id"),
    )

    id: int | None = SQLField(default=None, primary_key=True)
    role_id: int = SQLField(
        sa_column=Column(Integer, ForeignKey("role.id", ondelete="CASCADE"), nullable=False)
    )
    session_id: int | None = SQLField(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("circle_session.id", ondelete="CASCADE"), nullable=True
        ),
    )
    member_id: int | None = SQLField(
        default=None,
        sa_column=Column(Integer, ForeignKey("member.id", ondelete="RESTRICT"), nullable=True),
    )
    deputy_id: int | None = SQLField(
        default=None,
        sa_column=Column(Integer, ForeignKey("member.id", ondelete="RESTRICT"), nullable=True),
    )
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    version: int = 1
    created_at: dt.datetime = SQLField(sa_type=UTCDateTime)
    updated_at: dt.datetime = SQLField(sa_type=UTCDateTime)


class RoleOptOut(SQLModel, table=True):
    """A member who asked not to take a role (in one circle)."""

    __tablename__ = "role_opt_out"

    role_id: int = SQLField(
        sa_column=Column(Integer, ForeignKey("role.id", ondelete="CASCADE"), primary_key=True)
    )
    member_id: int = SQLField(
        sa_column=Column(Integer, ForeignKey("member.id", ondelete="CASCADE"), primary_key=True)
    )


class RoleSkip(SQLModel, table=True):
    """A member excused from roles in a circle on one date, with the reason."""

    __tablename__ = "role_skip"
    __table_args__ = (Index("uq_role_skip", "circle_id", "member_id", "day", unique=True),)

    id: int | None = SQLField(default=None, primary_key=True)
    circle_id: int = SQLField(
        sa_column=Column(Integer, ForeignKey("circle.id", ondelete="CASCADE"), nullable=False)
    )
    member_id: int = SQLField(
        sa_column=Column(Integer, ForeignKey("member.id", ondelete="CASCADE"), nullable=False)
    )
    day: dt.date
    reason: str = ""
    created_at: dt.datetime = SQLField(sa_type=UTCDateTime)


class RoleEvent(SQLModel, table=True):
    """The record of every swap, skip and override: what changed, who did it and why."""

    __tablename__ = "role_event"
    __table_args__ = (
        CheckConstraint(
            "kind IN (" + ", ".join(f"'{kind}'" for kind in ROLE_EVENT_KINDS) + ")",
            name="kind_valid",
        ),
        Index("ix_role_event_circle", "circle_id", "created_at"),
        Index("ix_role_event_member", "member_id", "created_at"),
    )

    id: int | None = SQLField(default=None, primary_key=True)
    circle_id: int = SQLField(
        sa_column=Column(Integer, ForeignKey("circle.id", ondelete="CASCADE"), nullable=False)
    )
    kind: str
    role_name: str = ""
    session_id: int | None = SQLField(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("circle_session.id", ondelete="SET NULL"), nullable=True
        ),
    )
    member_id: int | None = SQLField(
        default=None,
        sa_column=Column(Integer, ForeignKey("member.id", ondelete="SET NULL"), nullable=True),
    )
    other_member_id: int | None = SQLField(
        default=None,
        sa_column=Column(Integer, ForeignKey("member.id", ondelete="SET NULL"), nullable=True),
    )
    by: str = ""
    reason: str = ""
    created_at: dt.datetime = SQLField(sa_type=UTCDateTime)


class RoleRead(BaseModel):
    """A role of a circle."""

    id: int
    circle_id: int
    name: str
    rotating: bool


class AssignmentRead(BaseModel):
    """One line of the rota: a role at a session (or for a term), who holds it and the deputy."""

    id: int
    circle_id: int
    circle_name: str
    role: str
    rotating: bool
    session_id: int | None
    day: dt.date | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    member_id: int | None
    member_name: str | None
    deputy_id: int | None
    deputy_name: str | None
    version: int


class OverrideRead(BaseModel):
    """A rota line after someone was put in it by hand, with the rota rules it now breaks."""

    line: AssignmentRead
    warnings: list[str]


class RotaChange(BaseModel):
    """A turn that planning again gave to someone else: the role (or its deputy) at a session."""

    session_id: int
    day: dt.date
    role: str
    deputy: bool
    before: str | None
    after: str | None
    message: str


class RotaRead(BaseModel):
    """A circle's rota: upcoming assignments, warnings from planning, and each person's load."""

    circle_id: int
    circle_name: str
    roles: list[RoleRead]
    assignments: list[AssignmentRead]
    load: dict[str, int]
    cap: int
    warnings: list[str]
    changes: list[RotaChange] = Field(default_factory=list)
    """Turns that planning again moved (`role plan` only): who had them before and who now."""


class RoleEventRead(BaseModel):
    """One recorded change to a rota."""

    id: int
    circle_name: str
    kind: str
    role_name: str
    day: dt.date | None
    member_name: str | None
    other_member_name: str | None
    by: str
    reason: str
    created_at: dt.datetime


class TermWarning(BaseModel):
    """A term role that ends soon, or has ended, with nobody lined up to hold it next."""

    circle_id: int
    circle_name: str
    role: str
    assignment_id: int
    member_id: int | None
    member_name: str | None
    starts_on: dt.date
    ends_on: dt.date
    days_left: int
    previous_member_id: int | None
    previous_member_name: str | None
    message: str
