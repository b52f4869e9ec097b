"""Building circle histories through the services, for the health tests of the services and CLI.

The clock is frozen at tests.conftest.FROZEN_NOW (Saturday 2026-11-21); sessions are recorded on
the Tuesdays before it. Sessions that were cancelled or did not happen are planned with the clock
moved back, then the clock is frozen again at FROZEN_NOW.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import CheckInCreate, CircleCreate, MemberCreate
from circlekeeper.models.enums import CircleStatus, SessionStatus
from circlekeeper.services import checkins, circles, members, sessions
from circlekeeper.services.errors import NotFound
from tests.conftest import FROZEN_NOW

TODAY = FROZEN_NOW.date()
LAST_TUESDAY = dt.date(2026, 11, 17)


def tuesdays(count: int, *, last: dt.date = LAST_TUESDAY) -> list[dt.date]:
    """`count` weekly dates ending on `last`, oldest first."""
    return [last - dt.timedelta(weeks=n) for n in reversed(range(count))]


def make_circle(
    db: Database,
    name: str,
    *,
    status: CircleStatus = CircleStatus.ACTIVE,
    min_size: int = 4,
    max_size: int = 10,
    starts_on: dt.date | None = None,
) -> int:
    """A weekly Tuesday circle, moved to `status` (forming is where circles start)."""
    made = circles.create_circle(
        db,
        data=CircleCreate(
            name=name, weekday="tue", min_size=min_size, max_size=max_size, starts_on=starts_on
        ),
    )
    path = {
        CircleStatus.FORMING: [],
        CircleStatus.ACTIVE: [CircleStatus.ACTIVE],
        CircleStatus.PAUSED: [CircleStatus.ACTIVE, CircleStatus.PAUSED],
        CircleStatus.CLOSED: [CircleStatus.CLOSED],
    }[status]
    for step in path:
        circles.set_circle_status(db, ref=made.id, status=step)
    return made.id


def person(db: Database, handle: str) -> int:
    """The member with this handle, added when new."""
    try:
        return members.get_member(db, ref=f"@{handle}").id
    except NotFound:
        return members.add_member(db, data=MemberCreate(name=handle.title(), handle=handle)).id


def seat(db: Database, circle: str, *handles: str, joined_on: dt.date | None = None) -> None:
    """Give each member (added when new) a seat in the circle."""
    for handle in handles:
        person(db, handle)
        circles.add_member_to_circle(
            db, circle_ref=circle, member_ref=f"@{handle}", joined_on=joined_on
        )


def held(
    db: Database,
    circle: str,
    day: dt.date,
    *,
    present: Iterable[str] = (),
    absent: Iterable[str] = (),
    excused: Iterable[str] = (),
    spoke: Iterable[str] = (),
) -> int:
    """Record a held session with attendance; members in `spoke` also answer a prompt."""
    recorded = sessions.record_session(
        db,
        circle_ref=circle,
        day=day,
        present=[f"@{h}" for h in present],
        absent=[f"@{h}" for h in absent],
        excused=[f"@{h}" for h in excused],
    )
    for handle in spoke:
        checkins.add_checkin(
            db,
            session_id=recorded.id,
            member_ref=f"@{handle}",
            data=CheckInCreate(answers={"How are you?": "well, thanks"}),
        )
    return recorded.id


def weeks_held(
    db: Database,
    circle: str,
    days: Sequence[dt.date],
    present: Sequence[str],
    **marks: Sequence[str],
) -> None:
    """A held session on each day with the same attendance."""
    for day in days:
        held(db, circle, day, present=present, **marks)


@contextmanager
def clock_on(day: dt.date) -> Iterator[None]:
    """The clock frozen at 09:00 UTC on `day` inside the block, at FROZEN_NOW again after it."""
    clock.freeze(dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC))
    try:
        yield
    finally:
        clock.freeze(FROZEN_NOW)


def not_held(db: Database, circle: str, day: dt.date, status: SessionStatus) -> int:
    """A session on `day` that was cancelled or did not happen (planned the day before)."""
    with clock_on(day - dt.timedelta(days=1)):
        plan = sessions.plan_sessions(db, circle_ref=circle, dates=[day])
    session_id = plan.added[0].id
    sessions.set_session_status(db, session_id=session_id, status=status, reason="snow")
    return session_id
