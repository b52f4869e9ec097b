"""Community metrics on a small community whose answers are worked out by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest

from circlekeeper.db import Database
from circlekeeper.models import CheckInCreate, CircleCreate, CircleStatus, MemberCreate, Visibility
from circlekeeper.services import checkins, circles, members, sessions
from circlekeeper.services.errors import InvalidInput
from circlekeeper.services.health_settings import HealthSettings
from circlekeeper.services.metrics import community_metrics

TODAY = dt.date(2026, 11, 21)
JUNE = (dt.date(2026, 6, 1), dt.date(2026, 6, 30))


def day(month: int, date: int) -> dt.date:
    return dt.date(2026, month, date)


def active_circle(db: Database, name: str) -> None:
    circles.create_circle(db, data=CircleCreate(name=name, min_size=2, max_size=10))
    circles.set_circle_status(db, ref=name, status=CircleStatus.ACTIVE)


def join(db: Database, handle: str, joined: dt.date, circle: str) -> None:
    members.add_member(db, data=MemberCreate(name=handle.title(), handle=handle, joined_on=joined))
    circles.add_member_to_circle(db, circle_ref=circle, member_ref=handle, joined_on=joined)


def held(
    db: Database, circle: str, on: dt.date, present: Sequence[str] = (), absent: Sequence[str] = ()
) -> int:
    return sessions.record_session(
        db, circle_ref=circle, day=on, present=list(present), absent=list(absent)
    ).id


@pytest.fixture
def community(db: Database) -> Database:
    """Four June joiners (ana, bo, cy, dee) and one from May (eve) in Builders.

    ana: present 06-05 (4 days), again 08-15.   bo: present 06-15 (5 days), again 10-20.
    cy: absent 06-30 (10 days), present 07-10.  dee: never checks in.
    """
    active_circle(db, "Builders")
    join(db, "eve", day(5, 15), "Builders")
    for handle, joined in (
        ("ana", day(6, 1)),
        ("bo", day(6, 10)),
        ("cy", day(6, 20)),
        ("dee", day(6, 25)),
    ):
        join(db, handle, joined, "Builders")
    held(db, "Builders", day(6, 5), present=["ana", "eve"])
    held(db, "Builders", day(6, 15), present=["bo"], absent=["ana"])
    held(db, "Builders", day(6, 30), absent=["cy"])
    held(db, "Builders", day(7, 10), present=["cy"])
    held(db, "Builders", day(8, 15), present=["ana"])
    held(db, "Builders", day(10, 20), present=["bo"])
    return db


def test_activation_counts_a_present_first_session_within_the_window(community: Database) -> None:
    figures = community_metrics(community, start=JUNE[0], end=JUNE[1], today=TODAY)

    assert (figures.activation.joined, figures.activation.activated) == (4, 2)
    assert figures.activation.rate == pytest.approx(0.5)
    assert figures.activation.within_days == 14


def test_retention_by_join_month_waits_until_the_cohort_has_had_that_long(
    community: Database,
) -> None:
    figures = community_metrics(community, start=day(5, 1), end=JUNE[1], today=TODAY)

    may, june = figures.retention
    assert (may.month, may.joined) == ("2026-05", 1)
    assert (may.after_1_month, may.after_3_months, may.after_6_months) == (0, 0, 0)
    assert (june.month, june.joined) == ("2026-06", 4)
    assert (june.after_1_month, june.after_3_months, june.after_6_months) == (2, 1, None)


def test_first_check_in_counts_any_attendance(community: Database) -> None:
    first = community_metrics(community, start=JUNE[0], end=JUNE[1], today=TODAY).first_check_in

    assert (first.members, first.median_days, first.slowest_days) == (3, 5.0, 10)


def test_circles_closed_off_have_nothing_shareable_for_the_weeks_set(db: Database) -> None:
    """Listed the longest silent first: never shared, then by the last day shared, not by
    name (Aardvark shared more recently than Faded)."""
    for name in ("Quiet", "Open", "Faded", "Aardvark"):
        active_circle(db, name)
        join(db, f"m{name.lower()}", day(1, 10), name)
    for name, on in (("Open", day(11, 1)), ("Faded", day(9, 1)), ("Aardvark", day(9, 10))):
        session_id = held(db, name, on, present=[f"m{name.lower()}"])
        checkins.add_checkin(
            db,
            session_id=session_id,
            member_ref=f"m{name.lower()}",
            data=CheckInCreate(visibility=Visibility.COMMUNITY, mood=4),
        )
    circles.create_circle(db, data=CircleCreate(name="Closed", min_size=2, max_size=10))

    closed = community_metrics(db, today=TODAY).closed_off
    lenient = community_metrics(db, today=TODAY, settings=HealthSettings(closed_off_weeks=20))

    assert [(c.name, c.last_shareable) for c in closed] == [
        ("Quiet", None),
        ("Faded", day(9, 1)),
        ("Aardvark", day(9, 10)),
    ]
    assert [c.name for c in lenient.closed_off] == ["Quiet"]


def test_thresholds_change_the_answer(community: Database) -> None:
    generous = HealthSettings(activation_days=30)

    figures = community_metrics(
        community, start=JUNE[0], end=JUNE[1], today=TODAY, settings=generous
    )

    assert figures.activation.activated == 3


def test_an_empty_period_has_no_rates_and_a_backwards_one_is_refused(community: Database) -> None:
    empty = community_metrics(community, start=day(1, 1), end=day(1, 31), today=TODAY)

    assert (empty.activation.joined, empty.activation.rate) == (0, None)
    assert empty.first_check_in.median_days is None
    assert empty.retention == []
    with pytest.raises(InvalidInput, match="after it ends"):
        community_metrics(community, start=day(2, 1), end=day(1, 1))
