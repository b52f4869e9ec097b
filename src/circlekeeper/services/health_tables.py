"""The columns health reads, declared as lightweight SQLAlchemy Core tables: building its queries
from these instead of the ORM models keeps `health --json` from importing (and mapping) every
SQLModel table, a third of a second at start-up. A test checks them against the real tables."""

from __future__ import annotations

from sqlalchemy import Date, column, table

CIRCLE = table(
    "circle",
    column("id"),
    column("name"),
    column("name_key"),
    column("status"),
    column("cadence"),
    column("cadence_interval"),
    column("min_size"),
    column("max_size"),
    column("starts_on", Date),
    column("created_at"),
)
CIRCLE_SESSION = table(
    "circle_session",
    column("id"),
    column("circle_id"),
    column("local_date", Date),
    column("starts_at"),
    column("status"),
)
CHECKIN = table(
    "checkin",
    column("id"),
    column("session_id"),
    column("circle_id"),
    column("member_id"),
    column("day", Date),
    column("attendance"),
    column("answers"),
)
MEMBERSHIP = table(
    "membership",
    column("circle_id"),
    column("member_id"),
    column("joined_on", Date),
    column("left_on", Date),
)
ROLE_ASSIGNMENT = table("role_assignment", column("session_id"), column("member_id"))
MEMBER = table(
    "member",
    column("id"),
    column("name"),
    column("name_key"),
    column("status"),
    column("paused_until", Date),
)
