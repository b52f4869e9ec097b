"""What a report's audience may see, decided in the query: which visibilities, whose names, and
which period. Every report service builds its SQL with these, so no report filters in Python.

The circle audience is one circle's members: they read circle-visible text of their own circle
only and see the names of their own circle's members; elsewhere they read what the community
reads. A report spanning every circle therefore needs to know which circle is reading it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, literal, or_, select
from sqlmodel import Session

from circlekeeper import clock
from circlekeeper.models.enums import Audience, Visibility
from circlekeeper.services.core_tables import MEMBERSHIP
from circlekeeper.services.errors import InvalidInput
from circlekeeper.services.lookup import find_circle
from circlekeeper.text import quoted

ANONYMOUS = "a member"
"""How a member without consent to be named appears in a community report."""
DEFAULT_DAYS = 28
"""A report without --from covers the four weeks up to its end."""
MAX_DAYS = 3660

VISIBLE: dict[Audience, tuple[str, ...]] = {
    Audience.COMMUNITY: (Visibility.COMMUNITY.value,),
    Audience.CIRCLE: (Visibility.COMMUNITY.value, Visibility.CIRCLE.value),
    Audience.FACILITATOR: (
        Visibility.COMMUNITY.value,
        Visibility.CIRCLE.value,
        Visibility.PRIVATE.value,
    ),
}


def audience_of(value: Audience | str) -> Audience:
    """The audience named by `value`, or a message listing the three."""
    try:
        return Audience(str(value).strip().casefold())
    except ValueError:
        names = ", ".join(a.value for a in Audience)
        raise InvalidInput(f"audience {quoted(value)} is not one of {names}") from None


def visible(audience: Audience) -> tuple[str, ...]:
    """The visibilities of notes, check-ins and recognitions this audience may read somewhere."""
    return VISIBLE[audience]


def reading_circle(
    session: Session, audience: Audience, circle_ref: str | int | None
) -> int | None:
    """The circle whose members read a report spanning every circle: required for the circle
    audience (circle-visible text belongs to one circle) and refused for the others."""
    if audience == Audience.CIRCLE:
        if circle_ref is None:
            raise InvalidInput(
                "a report for the circle audience is read by one circle's members: give --circle C"
            )
        found = find_circle(session, circle_ref).id
        assert found is not None
        return found
    if circle_ref is not None:
        raise InvalidInput(
            f"--circle names the circle that reads the report; the {audience.value} audience "
            "reads every circle: leave it out"
        )
    return None


def members_of(circle_id: int) -> Any:
    """SQL: the ids of everyone who has ever had a seat in the circle."""
    return select(MEMBERSHIP.c.member_id).where(MEMBERSHIP.c.circle_id == circle_id)


def may_read(
    audience: Audience, visibility: Any, *, own_circle: ColumnElement[bool] | None
) -> ColumnElement[bool]:
    """SQL: rows of this `visibility` column the audience may read; for the circle audience
    `own_circle` says whether a row belongs to the reading circle (None: no row does)."""
    if audience != Audience.CIRCLE:
        return visibility.in_(VISIBLE[audience])
    return or_(
        visibility == Visibility.COMMUNITY.value,
        and_(
            visibility == Visibility.CIRCLE.value,
            own_circle if own_circle is not None else false(),
        ),
    )


def shown_name(audience: Audience, member: Any, *, circle_id: int | None = None) -> Any:
    """A SQL expression for a member's name as this audience may see it: in community reports a
    member who has not consented to be named is "a member"; the circle audience sees its own
    circle's names (and others' as the community does); facilitators see every name. `member` is
    the member table the query joins: the ORM model (or an alias of it) or core_tables.MEMBER."""
    columns = getattr(member, "c", member)
    name = columns.name
    if audience == Audience.FACILITATOR:
        return name
    named: ColumnElement[bool] = columns.consent_named.is_(True)
    if audience == Audience.CIRCLE and circle_id is not None:
        named = or_(named, columns.id.in_(members_of(circle_id)))
    return case((named, name), else_=literal(ANONYMOUS))


def period(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    """The report's first and last day (both included): to today and four weeks back unless
    given; refused when it runs backwards or spans more than ten years."""
    last = end or clock.today()
    first = start or last - dt.timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise InvalidInput(f"the period runs backwards: from {first} to {last}")
    if (last - first).days > MAX_DAYS:
        raise InvalidInput("a report covers at most ten years")
    return first, last
