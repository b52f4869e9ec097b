"""The members-at-risk read and the dashboard's attendance line use their indexes: members are read
in id order and each one's check-ins searched by member and day (the last day present answered
from the index alone), and a quarter's check-ins are counted from an index by day."""

from __future__ import annotations

import pytest
from tests.health_helpers import TODAY, make_circle, seat, tuesdays, weeks_held
from tests.sql_capture import plans_reading

from circlekeeper.db import Database
from circlekeeper.services.dashboard import weekly_attendance
from circlekeeper.services.member_risk import members_at_risk

LAST_PRESENT = "SEARCH checkin USING COVERING INDEX ix_checkin_member_day (member_id=? AND day<?)"
BY_DAY = "SEARCH checkin USING COVERING INDEX ix_checkin_day_attendance (day>? AND day<?)"


@pytest.fixture
def history(db: Database) -> Database:
    """Two circles with nine weeks of sessions and a member of each who stays away."""
    for name in ("Alpha", "Beta"):
        make_circle(db, name)
        seat(db, name, *(f"{name.lower()}{i}" for i in range(5)))
        present = [f"{name.lower()}{i}" for i in range(4)]
        weeks_held(db, name, tuesdays(9), present, absent=[f"{name.lower()}4"])
    return db


def test_members_are_read_in_id_order_with_the_last_day_present_from_the_index(
    history: Database,
) -> None:
    [steps] = [
        plan.splitlines()
        for plan in plans_reading(history, "checkin", lambda: members_at_risk(history))
    ]

    assert steps[0] == "SCAN member", "a scan in id order walks the check-in index in order"
    assert LAST_PRESENT in steps
    assert not any(step.startswith("USE TEMP B-TREE") for step in steps)
    assert not any(step.startswith(("SCAN checkin", "SCAN membership")) for step in steps)


def test_weekly_attendance_counts_a_quarter_of_check_ins_from_the_index_by_day(
    history: Database,
) -> None:
    def run() -> None:
        with history.read() as session:
            weekly_attendance(session, TODAY)

    [steps] = [plan.splitlines() for plan in plans_reading(history, "checkin", run)]

    assert BY_DAY in steps
    assert "SEARCH circle_session USING INTEGER PRIMARY KEY (rowid=?)" in steps
    assert not any(step.startswith(("SCAN checkin", "USE TEMP B-TREE")) for step in steps)
