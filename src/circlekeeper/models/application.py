"""Applications: a member asks for a seat in a circle whose visibility is "application", with a
short answer; a facilitator accepts (the member joins within the seat limit) or declines."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel
from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, text
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

import circlekeeper.models.base  # noqa: F401  (naming convention before any table)
from circlekeeper.models.enums import ApplicationStatus, sql_in
from circlekeeper.models.types import UTCDateTime

ANSWER_MAX = 1000
NOTE_MAX = 500


class Application(SQLModel, table=True):
    """One application; at most one pending application per member and circle."""

    __tablename__ = "application"
    __table_args__ = (
        CheckConstraint(sql_in("status", ApplicationStatus), name="status_valid"),
        CheckConstraint(f"length(answer) <= {ANSWER_MAX}", name="answer_length"),
        CheckConstraint(
            "(status = 'pending') = (decided_on IS NULL)", name="decided_when_not_pending"
        ),
        Index(
            "uq_application_pending",
            "circle_id",
            "member_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        Index("ix_application_circle", "circle_id", "status", "created_at"),
        Index("ix_application_member", "member_id"),
    )

    id: int | None = SQLField(default=None, primary_key=True)
    circle_id: int = SQLField(
        sa_column=Column(Integer, ForeignKey("circle.id", ondelete="RESTRICT"), nullable=False)
    )
    member_id: int = SQLField(
        sa_column=Column(Integer, ForeignKey("member.id", ondelete="RESTRICT"), nullable=False)
    )
    answer: str = ""
    """The applicant's short answer to the circle's question (why they want to join)."""
    status: str = ApplicationStatus.PENDING.value
    decided_on: dt.date | None = None
    decided_by: str = ""
    decision_note: str = SQLField(default="", max_length=NOTE_MAX)
    created_at: dt.datetime = SQLField(sa_type=UTCDateTime)


class ApplicationRead(BaseModel):
    """An application as services hand it out, with names resolved."""

    id: int
    circle_id: int
    circle_name: str
    member_id: int
    member_name: str
    answer: str
    status: ApplicationStatus
    created_at: dt.datetime
    decided_on: dt.date | None
    decided_by: str
    decision_note: str
