"""The columns the hottest reads use (health, members at risk, the digest), declared as
lightweight SQLAlchemy Core tables: building their queries from these instead of the ORM models
keeps `health --json` and `export markdown digest` from importing (and mapping) every SQLModel
table, 0.13 to 0.3 s at start-up. A test checks them against the real tables.

A query uses either these or the ORM models for a table, never both: the two are different
objects to SQLAlchemy, and mixing them would join the table with itself.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Date, column, table

CIRCLE = table(
    "circle",
    column("id"),
    column("name"),
    column("name_key"),
    column("status"),
    column("kind"),
    column("purpose"),
    column("visibility"),
    column("cadence"),
    column("cadence_interval"),
    column("min_size"),
    column("max_size"),
    column("starts_on", Date),
    column("ends_on", Date),
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
    column("visibility"),
)
MEMBERSHIP = table(
    "membership",
    column("circle_id"),
    column("member_id"),
    column("joined_on", Date),
    column("left_on", Date),
)
ROLE_ASSIGNMENT = table("role_assignment", column("session_id"), column("member_id"))
HEALTH_FIGURES = table(
    "health_figures",
    column("circle_id"),
    column("valid_from", Date),
    column("valid_to", Date),
    column("size"),
    column("held"),
    column("last_held", Date),
    column("window_figures"),
    column("recent_marks"),
    column("earlier_marks"),
    column("speakers"),
    column("assignments"),
)
MEMBER = table(
    "member",
    column("id"),
    column("name"),
    column("name_key"),
    column("status"),
    column("paused_until", Date),
    column("consent_named", Boolean),
    column("consent_recognised", Boolean),
)
RECOGNITION = table(
    "recognition",
    column("id"),
    column("member_id"),
    column("day", Date),
    column("kind"),
    column("message"),
    column("badge_name"),
    column("visibility"),
)
AMBASSADOR = table("ambassador", column("id"))
GOAL_PROGRESS = table(
    "goal_progress",
    column("ambassador_id"),
    column("metric"),
    column("metric_key"),
    column("count"),
    column("day", Date),
)
