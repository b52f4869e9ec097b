"""Seasonal reviews: every member of a circle says whether they continue, pause, leave or want to
regroup; applying the review changes the memberships in one transaction."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel
from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, text
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

import circlekeeper.models.base  # noqa: F401  (naming convention before any table)
from circlekeeper.models.enums import ReviewChoice, ReviewStatus, sql_in
from circlekeeper.models.types import UTCDateTime

REVIEW_NOTE_MAX = 1000


class Review(SQLModel, table=True):
    """One seasonal review of one circle; at most one open review per circle."""

    __tablename__ = "review"
    __table_args__ = (
        CheckConstraint(sql_in("status", ReviewStatus), name="status_valid"),
        CheckConstraint(
            "(status = 'applied') = (applied_on IS NOT NULL)", name="applied_when_applied"
        ),
        Index(
            "uq_review_open",
            "circle_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_review_circle", "circle_id", "started_on"),
    )

    id: int | None = SQLField(default=None, primary_key=True)
    circle_id: int = SQLField(
        sa_column=Column(Integer, ForeignKey("circle.id", ondelete="RESTRICT"), nullable=False)
    )
    session_id: int | None = SQLField(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("circle_session.id", ondelete="SET NULL"), nullable=True
        ),
    )
    """The session that holds the review (with the Seasonal review ritual), when there is one."""
    status: str = ReviewStatus.OPEN.value
    started_on: dt.date
    applied_on: dt.date | None = None
    created_at: dt.datetime = SQLField(sa_type=UTCDateTime)


class ReviewEntry(SQLModel, table=True):
    """One member's choice in a review; recording again replaces it."""

    __tablename__ = "review_entry"
    __table_args__ = (
        CheckConstraint(sql_in("choice", ReviewChoice), name="choice_valid"),
        CheckConstraint("(choice = 'pause') = (pause_until IS NOT NULL)", name="pause_has_date"),
        CheckConstraint(f"length(note) <= {REVIEW_NOTE_MAX}", name="note_length"),
        Index("ix_review_entry_member", "member_id"),
    )

    review_id: int = SQLField(
        sa_column=Column(Integer, ForeignKey("review.id", ondelete="CASCADE"), primary_key=True)
    )
    member_id: int = SQLField(
        sa_column=Column(Integer, ForeignKey("member.id", ondelete="RESTRICT"), primary_key=True)
    )
    choice: str
    pause_until: dt.date | None = None
    note: str = ""
    recorded_at: dt.datetime = SQLField(sa_type=UTCDateTime)


class ReviewEntryRead(BaseModel):
    """A member's place in a review: their choice, or None while they have not said."""

    member_id: int
    member_name: str
    choice: ReviewChoice | None
    pause_until: dt.date | None
    note: str


class ReviewRead(BaseModel):
    """A review with every current member of the circle and what they chose."""

    id: int
    circle_id: int
    circle_name: str
    status: ReviewStatus
    started_on: dt.date
    applied_on: dt.date | None
    session_id: int | None
    entries: list[ReviewEntryRead]
