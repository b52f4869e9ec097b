"""Checks of the generated activity and programme: the rules the app keeps, asked of the data.

Each query counts the rows that break one rule; a data set with any is refused, so a benchmark
never measures a community the app itself could not have produced.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.benchmarks.generate import Scale

TODAY = "2026-11-21"
RULES = {
    "check-ins at a session that was not held": (
        "SELECT count(*) FROM checkin JOIN circle_session s ON s.id = checkin.session_id"
        " WHERE s.status != 'held'"
    ),
    "check-ins off their session's day or circle": (
        "SELECT count(*) FROM checkin JOIN circle_session s ON s.id = checkin.session_id"
        " WHERE s.local_date != checkin.day OR s.circle_id != checkin.circle_id"
    ),
    "check-ins by someone not seated in the circle that day": (
        "SELECT count(*) FROM checkin WHERE NOT EXISTS (SELECT 1 FROM membership m"
        " WHERE m.member_id = checkin.member_id AND m.circle_id = checkin.circle_id"
        " AND m.joined_on <= checkin.day AND (m.left_on IS NULL OR m.left_on > checkin.day))"
    ),
    "check-ins without a session": "SELECT count(*) FROM checkin WHERE session_id IS NULL",
    "sessions decided ahead of today or planned in the past": (
        "SELECT count(*) FROM circle_session"
        f" WHERE (status = 'planned') != (local_date >= '{TODAY}')"
    ),
    "sessions of forming circles that were held": (
        "SELECT count(*) FROM circle_session s JOIN circle c ON c.id = s.circle_id"
        " WHERE c.status = 'forming' AND s.status != 'planned'"
    ),
    "public recognitions of members who did not consent": (
        "SELECT count(*) FROM recognition JOIN member ON member.id = recognition.member_id"
        " WHERE recognition.visibility = 'community' AND NOT member.consent_recognised"
    ),
    "progress for a metric the ambassador has no goal for": (
        "SELECT count(*) FROM goal_progress p WHERE NOT EXISTS (SELECT 1 FROM goal g"
        " WHERE g.ambassador_id = p.ambassador_id AND g.metric_key = p.metric_key)"
    ),
    "serving ambassadors who left the community": (
        "SELECT count(*) FROM ambassador JOIN member ON member.id = ambassador.member_id"
        " WHERE ambassador.status != 'alumni' AND member.status = 'left'"
    ),
    "alumni with a goal still open": (
        "SELECT count(*) FROM goal JOIN ambassador a ON a.id = goal.ambassador_id"
        " WHERE a.status = 'alumni' AND goal.ends_on IS NULL"
    ),
}


def activity_problems(
    conn: sqlite3.Connection, scale: Scale, facts: dict[str, object]
) -> list[str]:
    """What is wrong with the sessions, check-ins, programme and recognitions ([] when fine)."""
    counts = conn.execute(
        "SELECT (SELECT count(*) FROM checkin), (SELECT count(*) FROM ambassador),"
        " (SELECT count(*) FROM recognition), (SELECT count(*) FROM goal),"
        " (SELECT count(*) FROM goal_progress), (SELECT count(*) FROM circle_session)"
    ).fetchone()
    wanted = (
        facts["checkins"],
        scale.ambassadors,
        scale.recognitions,
        facts["goals"],
        facts["progress_logs"],
        facts["sessions"],
    )
    problems = [f"counts {counts} != {wanted}"] if tuple(counts) != wanted else []
    if facts["checkins"] != scale.checkins:
        problems.append(f"only {facts['checkins']:,} of {scale.checkins:,} check-ins possible")
    for rule, sql in RULES.items():
        if found := conn.execute(sql).fetchone()[0]:
            problems.append(f"{found} {rule}")
    return problems
