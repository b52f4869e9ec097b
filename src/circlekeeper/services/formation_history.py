"""Who already shared a circle with whom, read with one SQL self-join and weighted by recency.

A pair's weight is the sum, over every time their stays in one circle overlapped, of the
recency of that overlap's end: 1.0 when it ended within the last RECENT_DAYS days (or is still
going on), then halving for every further HALF_LIFE_DAYS days. So a circle shared last month
counts as one full meeting and one that ended a year and a half ago counts about a tenth.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, literal
from sqlalchemy.orm import aliased
from sqlalchemy.types import Date
from sqlmodel import Session, col, select

from circlekeeper.models import Circle, Membership

RECENT_DAYS = 90
HALF_LIFE_DAYS = 180


@dataclass(frozen=True)
class SharedStay:
    """The latest time a pair sat in one circle together, and the weight of all their times."""

    circle_id: int
    circle: str
    last_together: dt.date
    current: bool
    weight: float


def recency_weight(ended: dt.date, today: dt.date) -> float:
    """How much a shared stay that ended on `ended` still counts (1.0 = a meeting this round)."""
    days = (today - ended).days
    if days <= RECENT_DAYS:
        return 1.0
    return float(0.5 ** ((days - RECENT_DAYS) / HALF_LIFE_DAYS))


def shared_history(
    session: Session, pool: Any, today: dt.date
) -> dict[tuple[int, int], SharedStay]:
    """Per pair (smaller id first) of members in the `pool` subquery: their shared circles."""
    first = aliased(Membership)
    second = aliased(Membership)
    today_value = literal(today, Date)
    first_end = func.coalesce(first.left_on, today_value)
    second_end = func.coalesce(second.left_on, today_value)
    rows = session.exec(
        select(  # type: ignore[call-overload]
            first.member_id,
            second.member_id,
            first.circle_id,
            Circle.name,
            first.left_on,
            second.left_on,
        )
        .join(
            second,
            and_(
                col(second.circle_id) == col(first.circle_id),
                col(second.member_id) > col(first.member_id),
            ),
        )
        .join(Circle, col(Circle.id) == col(first.circle_id))
        .where(
            col(first.member_id).in_(pool),
            col(second.member_id).in_(pool),
            col(first.joined_on) <= second_end,
            col(second.joined_on) <= first_end,
        )
    ).all()
    return _combine(rows, today)


def _combine(
    rows: Iterable[tuple[int, int, int, str, dt.date | None, dt.date | None]], today: dt.date
) -> dict[tuple[int, int], SharedStay]:
    """Sum the weights of each pair's overlaps and keep the latest one to show."""
    history: dict[tuple[int, int], SharedStay] = {}
    for a, b, circle_id, name, a_left, b_left in rows:
        current = a_left is None and b_left is None
        ended = min(day for day in (a_left, b_left, today) if day is not None)
        weight = recency_weight(ended, today)
        before = history.get((a, b))
        if before is None:
            history[(a, b)] = SharedStay(circle_id, name, ended, current, weight)
            continue
        later = (current, ended) > (before.current, before.last_together)
        latest = SharedStay(circle_id, name, ended, current, 0.0) if later else before
        history[(a, b)] = SharedStay(
            latest.circle_id,
            latest.circle,
            latest.last_together,
            latest.current,
            before.weight + weight,
        )
    return history
