"""Membership: a member's stay in a circle; leaving ends a row, rejoining starts a new one."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, text
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

import circlekeeper.models.base  # noqa: F401  (naming convention before any table)
from circlekeeper.models.types import UTCDateTime


class Membership(SQLModel, table=True):
    """One stay; at most one open stay (left_on IS NULL) per member and circle."""

    __tablename__ = "membership"
    __table_args__ = (
        CheckConstraint("left_on IS NULL OR left_on >= joined_on", name="left_after_joined"),
        Index(
            "uq_membership_current",
            "circle_id",
            "member_id",
            unique=True,
            sqlite_where=text("left_on IS NULL"),
            postgresql_where=text("left_on IS NULL"),
        ),
        Index("ix_membership_member", "member_id", "left_on"),
        Index("ix_membership_circle", "circle_id", "left_on", "member_id"),
    )

    id: int | None = SQLField(default=None, primary_key=True)
    member_id: int = SQLField(
        sa_column=Column(Integer, ForeignKey("member.id", ondelete="RESTRICT"), nullable=False)
    )
    circle_id: int = SQLField(
        sa_column=Column(Integer, ForeignKey("circle.id", ondelete="RESTRICT"), nullable=False)
    )
    joined_on: dt.date
    left_on: dt.date | None = None
    leave_reason: str | None = SQLField(default=None, max_length=500)
    created_at: dt.datetime = SQLField(sa_type=UTCDateTime)
