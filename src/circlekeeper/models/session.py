"""Sessions (one meeting of a circle), check-ins (one member at one session) and runner drafts."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, Integer, text
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

import circlekeeper.models.base  # noqa: F401  (naming convention before any table)
from circlekeeper.models.enums import Attendance, SessionStatus, Visibility, sql_in
from circlekeeper.models.types import UTCDateTime
from circlekeeper.text import clean_text, quoted

ANSWER_MAX = 4000


def _clean_answers(value: object) -> object:
    if not isinstance(value, dict):
        return value
    cleaned: dict[str, str] = {}
    for prompt, answer in value.items():
        key = clean_text(str(prompt))
        body = clean_text(str(answer), multiline=True)
        if key and body:
            cleaned[key] = body
    return cleaned


def _check_answers(value: dict[str, str]) -> dict[str, str]:
    for prompt, answer in value.items():
        if len(answer) > ANSWER_MAX:
            raise ValueError(
                f"the answer to {quoted(prompt)} has more than {ANSWER_MAX} characters"
            )
    return value


Answers = Annotated[dict[str, str], BeforeValidator(_clean_answers), AfterValidator(_check_answers)]


class CircleSession(SQLModel, table=True):
    """One meeting of a circle, planned from its rhythm or recorded after the fact.

    Ids are AUTOINCREMENT: calendar UIDs are derived from them, so a deleted session's id must
    never be handed to a different meeting.
    """

    __tablename__ = "circle_session"
    __table_args__ = (
        CheckConstraint(sql_in("status", SessionStatus), name="status_valid"),
        CheckConstraint("version >= 1", name="version_positive"),
        Index("ix_circle_session_circle_day", "circle_id", "local_date", "starts_at", "status"),
        Index("ix_circle_session_day_status", "local_date", "status"),
        Index("ix_circle_session_starts_status", "starts_at", "status", "circle_id"),
        Index("uq_circle_session_circle_start", "circle_id", "starts_at", unique=True),
        {"sqlite_autoincrement": True},
    )

    id: int | None = SQLField(default=None, primary_key=True)
    circle_id: int = SQLField(
        sa_column=Column(Integer, ForeignKey("circle.id", ondelete="RESTRICT"), nullable=False)
    )
    ritual_id: int | None = SQLField(
        default=None,
        sa_column=Column(Integer, ForeignKey("ritual.id", ondelete="SET NULL"), nullable=True),
    )
    local_date: dt.date
    starts_at: dt.datetime = SQLField(sa_type=UTCDateTime)
    status: str = SessionStatus.PLANNED.value
    reason: str = ""
    notes: str = ""
    version: int = 1
    created_at: dt.datetime = SQLField(sa_type=UTCDateTime)
    updated_at: dt.datetime = SQLField(sa_type=UTCDateTime)


class CheckIn(SQLModel, table=True):
    """One member at one session (or a written check-in on its own date, without a session)."""

    __tablename__ = "checkin"
    __table_args__ = (
        CheckConstraint(sql_in("attendance", Attendance), name="attendance_valid"),
        CheckConstraint(sql_in("visibility", Visibility), name="visibility_valid"),
        CheckConstraint("mood IS NULL OR mood BETWEEN 1 AND 5", name="mood_range"),
        CheckConstraint("version >= 1", name="version_positive"),
        Index(
            "uq_checkin_session_member",
            "session_id",
            "member_id",
            unique=True,
            sqlite_where=text("session_id IS NOT NULL"),
            postgresql_where=text("session_id IS NOT NULL"),
        ),
        Index("ix_checkin_circle_day", "circle_id", "day", "attendance"),
        Index("ix_checkin_member_day", "member_id", "day", "attendance", "circle_id", "session_id"),
        Index("ix_checkin_day_attendance", "day", "attendance", "session_id"),
        Index("ix_checkin_session_attendance", "session_id", "attendance", "member_id"),
        Index(
            "ix_checkin_session_spoke",
            "session_id",
            "attendance",
            "member_id",
            sqlite_where=text("json(answers) != '{}'"),
        ),
        Index("ix_checkin_day_answered", "day", "circle_id", sqlite_where=text("answers != '{}'")),
    )

    id: int | None = SQLField(default=None, primary_key=True)
    session_id: int | None = SQLField(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("circle_session.id", ondelete="RESTRICT"), nullable=True
        ),
    )
    circle_id: int = SQLField(
        sa_column=Column(Integer, ForeignKey("circle.id", ondelete="RESTRICT"), nullable=False)
    )
    member_id: int = SQLField(
        sa_column=Column(Integer, ForeignKey("member.id", ondelete="RESTRICT"), nullable=False)
    )
    day: dt.date
    attendance: str = Attendance.PRESENT.value
    answers: dict[str, str] = SQLField(sa_column=Column(JSON, nullable=False))
    mood: int | None = None
    visibility: str = Visibility.PRIVATE.value
    version: int = 1
    created_at: dt.datetime = SQLField(sa_type=UTCDateTime)
    updated_at: dt.datetime = SQLField(sa_type=UTCDateTime)


class SessionDraft(SQLModel, table=True):
    """What the session runner has typed so far, saved as it goes so a quit loses nothing."""

    __tablename__ = "session_draft"

    session_id: int = SQLField(
        sa_column=Column(
            Integer, ForeignKey("circle_session.id", ondelete="CASCADE"), primary_key=True
        )
    )
    payload: dict[str, Any] = SQLField(sa_column=Column(JSON, nullable=False))
    updated_at: dt.datetime = SQLField(sa_type=UTCDateTime)


class CheckInCreate(BaseModel):
    """One member's check-in as the facilitator records it; private unless said otherwise."""

    model_config = ConfigDict(extra="forbid")

    attendance: Attendance = Attendance.PRESENT
    answers: Annotated[Answers, Field(default_factory=dict)]
    mood: int | None = Field(default=None, ge=1, le=5)
    visibility: Visibility = Visibility.PRIVATE


class CheckInUpdate(BaseModel):
    """A correction to a check-in: only the fields given change. Answers are merged prompt by
    prompt (an empty answer removes that one); mood None clears it."""

    model_config = ConfigDict(extra="forbid")

    attendance: Attendance | None = None
    answers: dict[str, str] | None = None
    mood: int | None = Field(default=None, ge=1, le=5)
    visibility: Visibility | None = None


class CheckInRead(BaseModel):
    """A check-in with the names a person needs to read it."""

    id: int
    session_id: int | None
    circle_id: int
    circle_name: str
    member_id: int
    member_name: str
    day: dt.date
    attendance: Attendance
    answers: dict[str, str]
    mood: int | None
    visibility: Visibility
    version: int


class SessionRead(BaseModel):
    """A session with its circle and ritual named, and when it starts in the circle's timezone."""

    id: int
    circle_id: int
    circle_name: str
    ritual_id: int | None
    ritual_name: str | None
    local_date: dt.date
    starts_at: dt.datetime
    local_start: dt.datetime
    timezone: str
    status: SessionStatus
    reason: str
    notes: str
    version: int


class SessionDetail(SessionRead):
    """A session with its check-ins and the ritual's prompts."""

    prompts: list[str]
    timebox_minutes: int
    checkins: list[CheckInRead]


class SessionPlan(BaseModel):
    """What planning did: sessions added, future planned ones removed, recorded ones kept."""

    circle_id: int
    circle_name: str
    added: list[SessionRead]
    removed: int
    kept: int


class MemberSessionRead(SessionRead):
    """A session as one member sees it: the same instant in the member's own timezone."""

    member_timezone: str
    member_local_start: dt.datetime
