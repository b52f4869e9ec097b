"""What a report's audience may see, decided in the query: which visibilities, whose names, and
which period. Every report service builds its SQL with these, so no report filters in Python."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import case, literal
from sqlmodel import col

from circlekeeper import clock
from circlekeeper.models import Audience, Member, Visibility
from circlekeeper.services.errors import InvalidInput

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
        raise InvalidInput(f"audience {value!r} is not one of {names}") from None


def visible(audience: Audience) -> tuple[str, ...]:
    """The visibilities of notes, check-ins and recognitions this audience may read."""
    return VISIBLE[audience]


def shown_name(audience: Audience, member: Any = Member) -> Any:
    """A SQL expression for a member's name as this audience may see it: in community reports a
    member who has not consented to be named is "a member"; others see the name."""
    name = col(member.name)
    if audience != Audience.COMMUNITY:
        return name
    return case((col(member.consent_named).is_(True), name), else_=literal(ANONYMOUS))


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
