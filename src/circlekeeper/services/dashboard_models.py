"""Read models of the facilitator's dashboard: this week's sessions, ranked alerts, attendance."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel


class WeekSession(BaseModel):
    """A planned session of the coming week, with who facilitates it and who deputises."""

    session_id: int
    circle_id: int
    circle_name: str
    local_start: dt.datetime
    facilitator: str | None
    deputy: str | None


class Alert(BaseModel):
    """Something that needs the facilitator this week, and where to act on it.

    `target` names the screen (circles, members, incidents, ambassadors, health) and
    `target_id` the row to open there, when there is one.
    """

    kind: str
    urgency: int
    """Higher first: 3 act now, 2 this week, 1 keep an eye on."""
    title: str
    detail: str
    target: str
    target_id: int | None


class WeekAttendance(BaseModel):
    """Attendance of one week (Monday to Sunday) over all held sessions."""

    week_start: dt.date
    present: int
    expected: int
    """Present plus absent (excused members are not expected)."""
    rate: float | None


class DashboardWeek(BaseModel):
    """The quick half of the dashboard: this week's sessions, 12 weeks of attendance and the
    counts (the alerts take longer to work out in a large community)."""

    today: dt.date
    sessions: list[WeekSession]
    attendance: list[WeekAttendance]
    active_members: int
    active_circles: int


class Dashboard(DashboardWeek):
    """Where the facilitator needs to look this week: the week and the alerts, most urgent
    first."""

    alerts: list[Alert]
