"""Seasonal reviews: starting one (with or without the ritual), recording choices, applying them
all or nothing, cancelling, which reviews are due, and the regroup pool for formation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import col, select
from tests.sql_capture import captured

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import (
    CircleCreate,
    CircleKind,
    CircleSession,
    CircleStatus,
    CircleUpdate,
    Member,
    MemberCreate,
    Membership,
    MemberStatus,
    Review,
    ReviewChoice,
    ReviewEntry,
    ReviewStatus,
    Ritual,
    RitualUpdate,
    SessionStatus,
)
from circlekeeper.services import circles, formation, members, reviews, rituals, sessions
from circlekeeper.services.errors import Conflict, InvalidInput, NotFound
from circlekeeper.services.health_settings import HealthSettings

TODAY = dt.date(2026, 11, 21)
LATER = dt.date(2027, 3, 1)


def people(db: Database, *names: str) -> list[int]:
    """Add members named `names` (handles are the names lower-cased); return their ids."""
    return [
        members.add_member(db, data=MemberCreate(name=name, handle=name.lower())).id
        for name in names
    ]


def circle(
    db: Database,
    name: str,
    member_ids: list[int],
    *,
    status: CircleStatus = CircleStatus.ACTIVE,
    **fields: Any,
) -> int:
    """A circle with these members seated, moved to `status`."""
    made = circles.create_circle(
        db, data=CircleCreate(name=name, min_size=2, max_size=20, **fields)
    )
    for member_id in member_ids:
        circles.add_member_to_circle(db, circle_ref=made.id, member_ref=member_id)
    if status != CircleStatus.FORMING:
        circles.set_circle_status(db, ref=made.id, status=CircleStatus.ACTIVE)
    if status not in (CircleStatus.FORMING, CircleStatus.ACTIVE):
        circles.set_circle_status(db, ref=made.id, status=status)
    return made.id


def stays(db: Database, circle_id: int) -> dict[int, tuple[dt.date | None, str | None]]:
    """Each member's (left_on, leave_reason) in a circle."""
    with db.read() as session:
        rows = session.exec(
            select(Membership.member_id, Membership.left_on, Membership.leave_reason).where(
                col(Membership.circle_id) == circle_id
            )
        ).all()
        return {member_id: (left_on, reason) for member_id, left_on, reason in rows}


def member_state(db: Database, member_id: int) -> tuple[str, dt.date | None]:
    """A member's (status, paused_until) as stored."""
    with db.read() as session:
        member = session.get(Member, member_id)
        assert member is not None
        return member.status, member.paused_until


def stored_reviews(db: Database) -> list[tuple[int, str, dt.date | None]]:
    """Every review's (circle id, status, applied_on)."""
    with db.read() as session:
        rows = session.exec(select(Review).order_by(col(Review.id))).all()
        return [(r.circle_id, r.status, r.applied_on) for r in rows]


def snapshot(db: Database) -> tuple[Any, ...]:
    """Everything apply_review may change: seats, members' status, reviews."""
    with db.read() as session:
        seats = session.exec(
            select(Membership.id, Membership.left_on, Membership.leave_reason)
        ).all()
        people_now = session.exec(
            select(Member.id, Member.status, Member.paused_until, Member.version)
        ).all()
        review_rows = session.exec(select(Review.id, Review.status, Review.applied_on)).all()
        return tuple(seats), tuple(people_now), tuple(review_rows)


@pytest.fixture
def team(db: Database) -> tuple[int, list[int]]:
    """An active circle "Tuesday" with Ana, Bo, Cy, Dee and Eve."""
    ids = people(db, "Ana", "Bo", "Cy", "Dee", "Eve")
    return circle(db, "Tuesday", ids), ids


# --- starting ---------------------------------------------------------------------------


def test_start_lists_every_current_member_without_a_choice(
    db: Database, team: tuple[int, list[int]]
) -> None:
    circle_id, ids = team
    circles.remove_member_from_circle(db, circle_ref=circle_id, member_ref=ids[4])

    made = reviews.start_review(db, circle_ref="Tuesday")

    assert (made.circle_id, made.status, made.started_on, made.session_id) == (
        circle_id,
        ReviewStatus.OPEN,
        TODAY,
        None,
    )
    assert [e.member_name for e in made.entries] == ["Ana", "Bo", "Cy", "Dee"]
    assert all(e.choice is None for e in made.entries)
    assert stored_reviews(db) == [(circle_id, "open", None)]


def test_a_second_open_review_is_refused(db: Database, team: tuple[int, list[int]]) -> None:
    reviews.start_review(db, circle_ref="Tuesday")

    with pytest.raises(Conflict, match="already has an open review"):
        reviews.start_review(db, circle_ref="Tuesday")

    assert len(stored_reviews(db)) == 1


def test_a_closed_circle_cannot_be_reviewed(db: Database) -> None:
    circle(db, "Done", people(db, "Ana", "Bo"), status=CircleStatus.CLOSED)

    with pytest.raises(Conflict, match="closed"):
        reviews.start_review(db, circle_ref="Done")

    assert stored_reviews(db) == []


def test_a_cancelled_review_makes_room_for_a_new_one(
    db: Database, team: tuple[int, list[int]]
) -> None:
    first = reviews.start_review(db, circle_ref="Tuesday")
    reviews.cancel_review(db, circle_ref="Tuesday")

    second = reviews.start_review(db, circle_ref="Tuesday")

    assert second.id != first.id
    assert [status for _, status, _ in stored_reviews(db)] == ["cancelled", "open"]


def test_with_ritual_plans_a_session_today_with_the_seasonal_review(
    db: Database, team: tuple[int, list[int]]
) -> None:
    circles.edit_circle(db, ref="Tuesday", changes=CircleUpdate(meeting_time="18:30"))

    made = reviews.start_review(db, circle_ref="Tuesday", with_ritual=True)

    with db.read() as session:
        row = session.get(CircleSession, made.session_id)
        assert row is not None
        ritual = session.get(Ritual, row.ritual_id)
        assert ritual is not None
        assert (row.circle_id, row.local_date, row.status) == (team[0], TODAY, "planned")
        assert ritual.name == "Seasonal review"
        assert row.starts_at.replace(tzinfo=dt.UTC) == dt.datetime(
            2026, 11, 21, 18, 30, tzinfo=dt.UTC
        )


def test_with_ritual_uses_todays_planned_session(db: Database, team: tuple[int, list[int]]) -> None:
    planned = sessions.plan_sessions(db, circle_ref="Tuesday", dates=[TODAY]).added[0]

    made = reviews.start_review(db, circle_ref="Tuesday", with_ritual=True)

    assert made.session_id == planned.id
    with db.read() as session:
        count = session.exec(select(func.count()).select_from(CircleSession)).one()
        row = session.get(CircleSession, planned.id)
        assert row is not None
        ritual = session.get(Ritual, row.ritual_id)
        assert ritual is not None
        assert ritual.name == "Seasonal review"
    assert count == 1


def test_with_ritual_refuses_when_todays_slot_was_cancelled(
    db: Database, team: tuple[int, list[int]]
) -> None:
    planned = sessions.plan_sessions(db, circle_ref="Tuesday", dates=[TODAY]).added[0]
    sessions.set_session_status(
        db, session_id=planned.id, status=SessionStatus.CANCELLED, reason="snow"
    )

    with pytest.raises(Conflict, match="is cancelled"):
        reviews.start_review(db, circle_ref="Tuesday", with_ritual=True)

    assert stored_reviews(db) == []


def test_with_ritual_says_when_the_ritual_is_missing(
    db: Database, team: tuple[int, list[int]]
) -> None:
    rituals.edit_ritual(db, ref="Seasonal review", changes=RitualUpdate(name="Season check"))

    with pytest.raises(NotFound, match="no 'Seasonal review' ritual"):
        reviews.start_review(db, circle_ref="Tuesday", with_ritual=True)

    assert stored_reviews(db) == []
    assert reviews.start_review(db, circle_ref="Tuesday").session_id is None


def test_start_for_all_opens_active_circles_and_reports_those_skipped(db: Database) -> None:
    ids = people(db, "Ana", "Bo", "Cy", "Dee")
    first = circle(db, "Alpha", ids[:2])
    second = circle(db, "Beta", ids[2:])
    circle(db, "Forming", ids[:2], status=CircleStatus.FORMING)
    circle(db, "Resting", ids[2:], status=CircleStatus.PAUSED)
    circle(db, "Closed", ids[:2], status=CircleStatus.CLOSED)
    reviews.start_review(db, circle_ref="Beta")

    result = reviews.start_reviews_for_all(db)

    assert [r.circle_id for r in result.started] == [first]
    assert [(s.circle_id, "already has an open review" in s.reason) for s in result.skipped] == [
        (second, True)
    ]
    assert sorted(c for c, status, _ in stored_reviews(db) if status == "open") == [first, second]


# --- recording ---------------------------------------------------------------------------


def test_recording_again_replaces_the_choice(db: Database, team: tuple[int, list[int]]) -> None:
    reviews.start_review(db, circle_ref="Tuesday")
    reviews.record_choice(
        db, circle_ref="Tuesday", member_ref="@bo", choice="pause", pause_until=LATER
    )

    after = reviews.record_choice(
        db, circle_ref="Tuesday", member_ref="@bo", choice=ReviewChoice.LEAVE, note="moving"
    )

    bo = next(e for e in after.entries if e.member_name == "Bo")
    assert (bo.choice, bo.pause_until, bo.note) == (ReviewChoice.LEAVE, None, "moving")
    with db.read() as session:
        rows = session.exec(select(ReviewEntry)).all()
    assert [(r.member_id, r.choice) for r in rows] == [(team[1][1], "leave")]


def test_a_note_is_cleaned_and_keeps_its_lines(db: Database, team: tuple[int, list[int]]) -> None:
    reviews.start_review(db, circle_ref="Tuesday")

    after = reviews.record_choice(
        db, circle_ref="Tuesday", member_ref="@ana", choice="continue",
        note="\x1b[31mkeep going\nsame time  ",
    )  # fmt: skip

    assert next(e.note for e in after.entries if e.member_name == "Ana") == "keep going\nsame time"


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"choice": "pause"}, InvalidInput, "a pause needs the day it ends"),
        ({"choice": "pause", "pause_until": TODAY}, InvalidInput, "not in the future"),
        ({"choice": "leave", "pause_until": LATER}, InvalidInput, "only a pause takes"),
        ({"choice": "stay"}, InvalidInput, "choice: give one of continue, pause"),
        ({"choice": "leave", "note": "x" * 1001}, InvalidInput, "note: at most 1000"),
    ],
    ids=["pause-without-date", "pause-today", "date-without-pause", "unknown", "long-note"],
)
def test_bad_choices_are_refused(
    db: Database,
    team: tuple[int, list[int]],
    options: dict[str, Any],
    error: type[Exception],
    message: str,
) -> None:
    reviews.start_review(db, circle_ref="Tuesday")

    with pytest.raises(error, match=message):
        reviews.record_choice(db, circle_ref="Tuesday", member_ref="@ana", **options)

    assert all(e.choice is None for e in reviews.get_review(db, circle_ref="Tuesday").entries)


def test_only_current_members_take_part(db: Database, team: tuple[int, list[int]]) -> None:
    outsider = people(db, "Zed")[0]
    circles.remove_member_from_circle(db, circle_ref="Tuesday", member_ref="@eve")
    reviews.start_review(db, circle_ref="Tuesday")

    for ref in (outsider, "@eve"):
        with pytest.raises(Conflict, match="is not in 'Tuesday'"):
            reviews.record_choice(db, circle_ref="Tuesday", member_ref=ref, choice="leave")


def test_recording_needs_an_open_review(db: Database, team: tuple[int, list[int]]) -> None:
    with pytest.raises(NotFound, match="has no open review"):
        reviews.record_choice(db, circle_ref="Tuesday", member_ref="@ana", choice="leave")


# --- applying ----------------------------------------------------------------------------


def choose_all(db: Database) -> None:
    """Ana leaves, Bo pauses, Cy and Dee regroup, Eve says nothing."""
    reviews.start_review(db, circle_ref="Tuesday")
    reviews.record_choice(db, circle_ref="Tuesday", member_ref="@ana", choice="leave")
    reviews.record_choice(
        db, circle_ref="Tuesday", member_ref="@bo", choice="pause", pause_until=LATER
    )
    reviews.record_choice(db, circle_ref="Tuesday", member_ref="@cy", choice="regroup")
    reviews.record_choice(db, circle_ref="Tuesday", member_ref="@dee", choice="regroup")


def test_apply_ends_the_seats_of_those_who_leave_pause_or_regroup(
    db: Database, team: tuple[int, list[int]]
) -> None:
    circle_id, (ana, bo, cy, dee, eve) = team
    choose_all(db)

    applied = reviews.apply_review(db, circle_ref="Tuesday")

    assert stays(db, circle_id) == {
        ana: (TODAY, "left at seasonal review"),
        bo: (TODAY, f"paused at seasonal review until {LATER}"),
        cy: (TODAY, "regroup"),
        dee: (TODAY, "regroup"),
        eve: (None, None),
    }
    assert applied.regroup_pool == [cy, dee]
    assert applied.regroup_members == f"review:{applied.review.id}"
    assert [(p.member_id, p.name) for p in applied.undecided] == [(eve, "Eve")]
    assert [o.member_id for o in applied.outcomes] == [ana, bo, cy, dee]
    assert (applied.review.status, applied.review.applied_on) == (ReviewStatus.APPLIED, TODAY)
    assert stored_reviews(db) == [(circle_id, "applied", TODAY)]


def test_continue_and_undecided_keep_their_seats(db: Database, team: tuple[int, list[int]]) -> None:
    circle_id, ids = team
    reviews.start_review(db, circle_ref="Tuesday")
    reviews.record_choice(db, circle_ref="Tuesday", member_ref="@ana", choice="continue")

    applied = reviews.apply_review(db, circle_ref="Tuesday")

    assert all(left_on is None for left_on, _ in stays(db, circle_id).values())
    assert [(o.member_id, o.leave_reason) for o in applied.outcomes] == [(ids[0], None)]
    assert [p.member_id for p in applied.undecided] == ids[1:]
    assert applied.regroup_pool == []


def test_a_pause_pauses_the_member_only_when_they_sit_in_no_other_circle(
    db: Database, team: tuple[int, list[int]]
) -> None:
    _, (ana, bo, *_rest) = team
    circle(db, "Thursday", [ana])
    reviews.start_review(db, circle_ref="Tuesday")
    for ref in ("@ana", "@bo"):
        reviews.record_choice(
            db, circle_ref="Tuesday", member_ref=ref, choice="pause", pause_until=LATER
        )

    applied = reviews.apply_review(db, circle_ref="Tuesday")

    assert member_state(db, ana) == ("active", None)
    assert member_state(db, bo) == ("paused", LATER)
    assert {o.member_id: o.member_paused for o in applied.outcomes} == {ana: False, bo: True}


def test_a_longer_pause_the_member_already_has_is_kept(
    db: Database, team: tuple[int, list[int]]
) -> None:
    bo = team[1][1]
    members.pause_member(db, ref=bo, until=dt.date(2027, 6, 1))
    reviews.start_review(db, circle_ref="Tuesday")
    reviews.record_choice(
        db, circle_ref="Tuesday", member_ref="@bo", choice="pause", pause_until=LATER
    )

    reviews.apply_review(db, circle_ref="Tuesday")

    assert member_state(db, bo) == ("paused", dt.date(2027, 6, 1))


def test_a_pause_date_passed_before_applying_ends_the_seat_without_pausing(
    db: Database, team: tuple[int, list[int]]
) -> None:
    circle_id, ids = team
    reviews.start_review(db, circle_ref="Tuesday")
    reviews.record_choice(
        db,
        circle_ref="Tuesday",
        member_ref="@bo",
        choice="pause",
        pause_until=TODAY.replace(day=25),
    )
    clock.freeze(dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC))

    reviews.apply_review(db, circle_ref="Tuesday")

    assert stays(db, circle_id)[ids[1]][0] == dt.date(2026, 11, 30)
    assert member_state(db, ids[1]) == ("active", None)


def test_preview_says_what_apply_will_do_and_changes_nothing(
    db: Database, team: tuple[int, list[int]]
) -> None:
    choose_all(db)
    before = snapshot(db)

    planned = reviews.preview_review(db, circle_ref="Tuesday")

    assert snapshot(db) == before
    assert planned.review.status == ReviewStatus.OPEN
    applied = reviews.apply_review(db, circle_ref="Tuesday")
    assert planned.outcomes == applied.outcomes
    assert planned.undecided == applied.undecided
    assert planned.regroup_pool == applied.regroup_pool


def test_a_failure_part_way_leaves_nothing(
    db: Database, team: tuple[int, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    choose_all(db)
    before = snapshot(db)
    real_end = reviews._end_stay
    calls: list[int] = []

    def end_then_fail(*args: Any) -> None:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk fell off")
        real_end(*args)

    monkeypatch.setattr(reviews, "_end_stay", end_then_fail)

    with pytest.raises(RuntimeError):
        reviews.apply_review(db, circle_ref="Tuesday")

    assert len(calls) == 3
    assert snapshot(db) == before
    assert reviews.get_review(db, circle_ref="Tuesday").status == ReviewStatus.OPEN


def test_a_review_is_applied_once(db: Database, team: tuple[int, list[int]]) -> None:
    choose_all(db)
    reviews.apply_review(db, circle_ref="Tuesday")

    with pytest.raises(NotFound, match="has no open review"):
        reviews.apply_review(db, circle_ref="Tuesday")


# --- cancelling and reading ----------------------------------------------------------------


def test_cancel_changes_no_seat_and_keeps_the_choices(
    db: Database, team: tuple[int, list[int]]
) -> None:
    circle_id, _ = team
    choose_all(db)

    cancelled = reviews.cancel_review(db, circle_ref="Tuesday")

    assert cancelled.status == ReviewStatus.CANCELLED
    assert all(left_on is None for left_on, _ in stays(db, circle_id).values())
    assert [e.member_name for e in cancelled.entries] == ["Ana", "Bo", "Cy", "Dee"]
    with pytest.raises(NotFound, match="has no open review"):
        reviews.cancel_review(db, circle_ref="Tuesday")


def test_get_review_prefers_the_open_one_then_the_latest(
    db: Database, team: tuple[int, list[int]]
) -> None:
    with pytest.raises(NotFound, match="has had no review"):
        reviews.get_review(db, circle_ref="Tuesday")
    first = reviews.start_review(db, circle_ref="Tuesday")
    reviews.cancel_review(db, circle_ref="Tuesday")
    clock.freeze(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC))
    second = reviews.start_review(db, circle_ref="Tuesday")

    assert reviews.get_review(db, circle_ref="Tuesday").id == second.id
    reviews.cancel_review(db, circle_ref="Tuesday")
    latest = reviews.get_review(db, circle_ref="Tuesday")
    assert (latest.id, latest.status) == (second.id, ReviewStatus.CANCELLED)
    assert latest.id != first.id


# --- due -----------------------------------------------------------------------------------


def test_a_circle_is_due_weeks_after_it_started(db: Database) -> None:
    ids = people(db, "Ana", "Bo")
    old = circle(db, "Old", ids, starts_on=dt.date(2026, 6, 1))
    circle(db, "New", ids, starts_on=dt.date(2026, 10, 1))

    due = reviews.reviews_due(db)

    assert [(d.circle_id, d.due_on, d.reason) for d in due] == [
        (old, dt.date(2026, 8, 24), "12 weeks since it started on 2026-06-01")
    ]
    longer = reviews.reviews_due(db, settings=HealthSettings(review_every_weeks=30))
    assert longer == []


def test_a_circle_is_due_weeks_after_its_last_applied_review(db: Database) -> None:
    ids = people(db, "Ana", "Bo")
    reviewed = circle(db, "Reviewed", ids, starts_on=dt.date(2026, 1, 5))
    reviews.start_review(db, circle_ref="Reviewed")
    reviews.apply_review(db, circle_ref="Reviewed")
    reviews.start_review(db, circle_ref="Reviewed")
    reviews.cancel_review(db, circle_ref="Reviewed")

    assert reviews.reviews_due(db) == []
    later = reviews.reviews_due(db, today=dt.date(2027, 2, 20))
    assert [(d.circle_id, d.due_on, d.last_review_on, d.reason) for d in later] == [
        (reviewed, dt.date(2027, 2, 13), TODAY, "12 weeks since the last review on 2026-11-21")
    ]


def test_a_time_bound_circle_is_due_when_it_ends_within_two_weeks(db: Database) -> None:
    ids = people(db, "Ana", "Bo")
    ending = circle(db, "Ending", ids, starts_on=TODAY, ends_on=dt.date(2026, 12, 5))
    circle(db, "Ending later", ids, starts_on=TODAY, ends_on=dt.date(2026, 12, 6))

    due = reviews.reviews_due(db)

    assert [(d.circle_id, d.reason, d.ends_on) for d in due] == [
        (ending, "ends on 2026-12-05", dt.date(2026, 12, 5))
    ]


def test_only_active_circles_without_an_open_review_are_due(db: Database) -> None:
    ids = people(db, "Ana", "Bo")
    started = dt.date(2026, 1, 5)
    due_one = circle(db, "Due", ids, starts_on=started)
    circle(db, "Open review", ids, starts_on=started)
    reviews.start_review(db, circle_ref="Open review")
    for status in (CircleStatus.FORMING, CircleStatus.PAUSED, CircleStatus.CLOSED):
        circle(db, status.value, ids, starts_on=started, status=status)

    assert [d.circle_id for d in reviews.reviews_due(db)] == [due_one]


def test_reviews_due_runs_one_grouped_query_however_many_circles(db: Database) -> None:
    ids = people(db, "Ana", "Bo")
    circle(db, "First", ids, starts_on=dt.date(2026, 1, 5))
    with captured(db) as few:
        reviews.reviews_due(db)
    for number in range(6):
        circle(db, f"More {number}", ids, starts_on=dt.date(2026, 1, 5))
    with captured(db) as many:
        due = reviews.reviews_due(db)

    assert len(due) == 7
    assert len(many) == len(few)
    assert sum("GROUP BY" in sql for sql, _ in many) == 1


# --- the regroup pool in formation ---------------------------------------------------------


def test_formation_takes_the_regroup_pool_of_a_review(
    db: Database, team: tuple[int, list[int]]
) -> None:
    _, (ana, bo, cy, dee, eve) = team
    others = people(db, "Fay", "Gus")
    choose_all(db)
    reviews.record_choice(db, circle_ref="Tuesday", member_ref="@ana", choice="regroup")
    applied = reviews.apply_review(db, circle_ref="Tuesday")
    members.pause_member(db, ref=ana)

    preview = formation.preview_formation(
        db, prefix="Regroup", kind=CircleKind.COHORT, size=2, time_limit=1.0,
        members=applied.regroup_members,
    )  # fmt: skip

    chosen = {m.id for c in preview.circles for m in c.members}
    assert chosen == {cy, dee}
    assert not chosen & {ana, bo, eve, *others}


@pytest.mark.parametrize(
    ("members", "error", "message"),
    [
        ("review:99", NotFound, "no review #99"),
        ("review:first", InvalidInput, "review:ID takes a review's id"),
        ("reviews:1", InvalidInput, "review:ID"),
    ],
)
def test_formation_refuses_a_review_pool_it_cannot_find(
    db: Database, members: str, error: type[Exception], message: str
) -> None:
    people(db, "Ana", "Bo", "Cy", "Dee")

    with pytest.raises(error, match=message):
        formation.preview_formation(
            db, prefix="X", kind=CircleKind.COHORT, size=2, time_limit=1.0, members=members
        )


def test_a_regroup_pool_of_nobody_forms_nothing(db: Database, team: tuple[int, list[int]]) -> None:
    reviews.start_review(db, circle_ref="Tuesday")
    applied = reviews.apply_review(db, circle_ref="Tuesday")

    with pytest.raises(InvalidInput, match="no active members match"):
        formation.preview_formation(
            db, prefix="X", kind=CircleKind.COHORT, size=2, time_limit=1.0,
            members=applied.regroup_members,
        )  # fmt: skip
    assert member_state(db, team[1][0])[0] == MemberStatus.ACTIVE.value
