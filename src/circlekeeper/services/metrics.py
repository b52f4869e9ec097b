"""Community metrics for a period, each computed by a GROUP BY in SQL (one row per member or
circle at most comes back, never the check-ins themselves).

- Activation: of the members who joined in the period, the share present at a session within
  `activation_days` of joining.
- Retention by join-month cohort: of the members who joined in a month of the period, how many
  were present at a session 1, 3 and 6 months or more after joining (None until the whole
  cohort has had that long).
- First check-in: days from joining to the first check-in of any kind, median and slowest.
- Closed off: active circles whose newest community-visible check-in is older than
  `closed_off_weeks` weeks (or that never had one).
"""

from __future__ import annotations

import calendar
import datetime as dt
import statistics
from collections.abc import Sequence
from typing import Any

from sqlalchemy import case, func, literal
from sqlalchemy.types import Date
from sqlmodel import Session, col, select

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import Attendance, CheckIn, Circle, CircleStatus, Member, Visibility
from circlekeeper.services.errors import InvalidInput
from circlekeeper.services.health_settings import HealthSettings
from circlekeeper.services.metrics_models import (
    Activation,
    ClosedOffCircle,
    CohortRetention,
    CommunityMetrics,
    FirstCheckIn,
)
from circlekeeper.services.sql_values import as_date

RETENTION_MONTHS = (1, 3, 6)
DEFAULT_DAYS = 90


def community_metrics(
    db: Database,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    settings: HealthSettings = HealthSettings(),  # noqa: B008 (frozen dataclass)
    today: dt.date | None = None,
) -> CommunityMetrics:
    """The community's figures for members who joined between `start` and `end` (inclusive;
    default the last 90 days), and the circles closed off as of `today`."""
    today = today or clock.today()
    end = end or today
    start = start or end - dt.timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise InvalidInput(f"the period starts on {start}, after it ends on {end}")
    with db.read() as session:
        firsts = _first_days(session, start, end)
        retained = _retention(session, start, end, today)
        closed = _closed_off(session, today, settings.closed_off_weeks)
    joined = len(firsts)
    window = dt.timedelta(days=settings.activation_days)
    activated = sum(
        1
        for joined_on, _, present in firsts
        if present is not None and present <= joined_on + window
    )
    waits = sorted((first - joined_on).days for joined_on, first, _ in firsts if first is not None)
    return CommunityMetrics(
        start=start,
        end=end,
        activation=Activation(
            joined=joined,
            activated=activated,
            rate=activated / joined if joined else None,
            within_days=settings.activation_days,
        ),
        retention=retained,
        first_check_in=FirstCheckIn(
            members=len(waits),
            median_days=float(statistics.median(waits)) if waits else None,
            slowest_days=waits[-1] if waits else None,
        ),
        closed_off=closed,
        closed_off_weeks=settings.closed_off_weeks,
    )


def _first_days(
    session: Session, start: dt.date, end: dt.date
) -> list[tuple[dt.date, dt.date | None, dt.date | None]]:
    """Per member who joined in the period: joined_on, first check-in day, first present day."""
    present = case((col(CheckIn.attendance) == Attendance.PRESENT.value, col(CheckIn.day)))
    rows = session.exec(
        select(  # type: ignore[call-overload]
            Member.joined_on,
            func.min(CheckIn.day),
            func.min(present),
        )
        .select_from(Member)
        .outerjoin(
            CheckIn,
            (col(CheckIn.member_id) == col(Member.id))
            & (col(CheckIn.day) >= col(Member.joined_on)),
        )
        .where(col(Member.joined_on).between(start, end))
        .group_by(col(Member.id))
    ).all()
    return [
        (joined, as_date(first), as_date(first_present)) for joined, first, first_present in rows
    ]


def _retention(
    session: Session, start: dt.date, end: dt.date, today: dt.date
) -> list[CohortRetention]:
    """Per join month of the period: joined, and present again after 1, 3 and 6 months."""
    month = func.strftime("%Y-%m", col(Member.joined_on))
    last_present = (
        select(func.max(CheckIn.day))
        .where(
            col(CheckIn.member_id) == col(Member.id),
            col(CheckIn.attendance) == Attendance.PRESENT.value,
        )
        .scalar_subquery()
    )
    counts: list[Any] = [
        func.sum(
            case((last_present >= func.date(col(Member.joined_on), f"+{k} months"), 1), else_=0)
        )
        for k in RETENTION_MONTHS
    ]
    rows: Sequence[Any] = session.exec(
        select(month, func.count(), func.max(Member.joined_on), *counts)
        .where(col(Member.joined_on).between(start, end))
        .group_by(month)
        .order_by(month)
    ).all()
    cohorts = []
    for row in rows:
        label, joined, newest = row[0], row[1], row[2]
        kept = [int(count or 0) for count in row[3:]]
        newest_day = as_date(newest)
        assert newest_day is not None
        figures = [
            count if _add_months(newest_day, k) <= today else None
            for k, count in zip(RETENTION_MONTHS, kept, strict=True)
        ]
        cohorts.append(
            CohortRetention(
                month=label,
                joined=joined,
                after_1_month=figures[0],
                after_3_months=figures[1],
                after_6_months=figures[2],
            )
        )
    return cohorts


def _closed_off(session: Session, today: dt.date, weeks: int) -> list[ClosedOffCircle]:
    """Active circles whose newest community-visible check-in is older than `weeks` weeks, the
    longest silent first: those that never shared, then by that day, then by name."""
    cutoff = today - dt.timedelta(weeks=weeks)
    newest = (
        select(func.max(CheckIn.day))
        .where(
            col(CheckIn.circle_id) == col(Circle.id),
            col(CheckIn.visibility) == Visibility.COMMUNITY.value,
        )
        .scalar_subquery()
        .label("last_shareable")
    )
    rows = session.exec(
        select(Circle.id, Circle.name, newest)
        .where(
            col(Circle.status) == CircleStatus.ACTIVE.value,
            func.coalesce(newest, literal(dt.date.min, Date)) < cutoff,
            func.coalesce(col(Circle.starts_on), literal(dt.date.min, Date)) < cutoff,
        )
        .order_by(newest.asc().nulls_first(), col(Circle.name_key))
    ).all()
    return [
        ClosedOffCircle(circle_id=cid, name=name, last_shareable=as_date(last))
        for cid, name, last in rows
    ]


def _add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved `months` calendar months on, clamped to that month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
