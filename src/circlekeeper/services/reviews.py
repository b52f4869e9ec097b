"""Seasonal reviews: every few months each member of a circle says whether they continue, pause,
leave or want to regroup; applying the review changes the seats in one transaction."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func
from sqlmodel import Session, col, select

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import (
    Circle,
    CircleSession,
    CircleStatus,
    Member,
    Membership,
    MemberStatus,
    Review,
    ReviewChoice,
    ReviewEntry,
    ReviewEntryRead,
    ReviewRead,
    ReviewStatus,
    Ritual,
    SessionStatus,
)
from circlekeeper.models.review import REVIEW_NOTE_MAX
from circlekeeper.services.errors import Conflict, InvalidInput, NotFound
from circlekeeper.services.health_settings import HealthSettings
from circlekeeper.services.lookup import find_circle, find_member
from circlekeeper.services.review_models import (
    ReviewApplied,
    ReviewDue,
    ReviewMember,
    ReviewOutcome,
    ReviewSkip,
    ReviewsStarted,
)
from circlekeeper.services.sessions import DEFAULT_MEETING_TIME
from circlekeeper.services.sql_values import as_date
from circlekeeper.services.versioning import versioned_update
from circlekeeper.text import clean_text, identity_key, quoted

SEASONAL_RITUAL = "Seasonal review"
LEFT_REASON = "left at seasonal review"
REGROUP_REASON = "regroup"
ENDING_SOON_DAYS = 14


def start_review(db: Database, *, circle_ref: str | int, with_ritual: bool = False) -> ReviewRead:
    """Open a review of a circle; refused when it is closed or already has an open review.

    With `with_ritual` the review is held in a session today that runs the "Seasonal review"
    ritual: today's planned session is used (its ritual switched) or a new one is planned.
    """
    today = clock.today()
    with db.write() as session:
        circle = find_circle(session, circle_ref)
        ritual = _seasonal_ritual(session) if with_ritual else None
        return _start(session, circle, ritual, today)


def start_reviews_for_all(db: Database, *, with_ritual: bool = False) -> ReviewsStarted:
    """Open a review of every active circle that has none open, in one transaction; circles
    that already have one (or whose session today cannot hold it) are reported as skipped."""
    today = clock.today()
    with db.write() as session:
        ritual = _seasonal_ritual(session) if with_ritual else None
        circles = session.exec(
            select(Circle)
            .where(col(Circle.status) == CircleStatus.ACTIVE.value)
            .order_by(col(Circle.name_key), col(Circle.id))
        ).all()
        started: list[ReviewRead] = []
        skipped: list[ReviewSkip] = []
        for circle in circles:
            try:
                started.append(_start(session, circle, ritual, today))
            except Conflict as exc:
                skipped.append(
                    ReviewSkip(circle_id=_id(circle.id), circle_name=circle.name, reason=str(exc))
                )
        return ReviewsStarted(started=started, skipped=skipped)


def record_choice(
    db: Database,
    *,
    circle_ref: str | int,
    member_ref: str | int,
    choice: ReviewChoice | str,
    pause_until: dt.date | None = None,
    note: str = "",
) -> ReviewRead:
    """Record (or replace) a current member's choice in the circle's open review.

    A pause needs the day it ends, which must be in the future; other choices take no date.
    """
    picked = _choice(choice)
    if picked == ReviewChoice.PAUSE:
        if pause_until is None:
            raise InvalidInput("a pause needs the day it ends — give the date they expect back")
        if pause_until <= clock.today():
            raise InvalidInput(f"pause until {pause_until} is not in the future")
    elif pause_until is not None:
        raise InvalidInput(f"only a pause takes an until date, not {picked.value}")
    text = clean_text(note or "", multiline=True).strip()
    if len(text) > REVIEW_NOTE_MAX:
        raise InvalidInput(f"note: at most {REVIEW_NOTE_MAX} characters (this one has {len(text)})")
    now = clock.now()
    with db.write() as session:
        circle = find_circle(session, circle_ref)
        review = _open_review(session, circle)
        member = find_member(session, member_ref)
        if _stay(session, circle, _id(member.id)) is None:
            raise Conflict(
                f"{member.name} is not in {quoted(circle.name)} — only its current members take "
                "part "
                "in its review"
            )
        entry = session.get(ReviewEntry, (review.id, member.id))
        if entry is None:
            entry = ReviewEntry(
                review_id=_id(review.id), member_id=_id(member.id), choice="", recorded_at=now
            )
        entry.choice = picked.value
        entry.pause_until = pause_until
        entry.note = text
        entry.recorded_at = now
        session.add(entry)
        session.flush()
        return review_read(session, review, circle)


def preview_review(db: Database, *, circle_ref: str | int) -> ReviewApplied:
    """What applying the circle's open review would change, without changing anything."""
    today = clock.today()
    with db.read() as session:
        circle = find_circle(session, circle_ref)
        review = _open_review(session, circle)
        return _plan(session, review, circle, today)


def apply_review(db: Database, *, circle_ref: str | int) -> ReviewApplied:
    """Apply the circle's open review in one write transaction: all of it, or nothing.

    - leave: the stay ends today with the reason "left at seasonal review".
    - pause: the stay ends today with "paused at seasonal review until DATE". When the member
      sits in no other circle they are also paused as a member until DATE (an open-ended or
      later pause they already have is kept), so nobody seats them again before then; a member
      who still meets in other circles stays active there — a member-level pause would say
      they take a break from everything, which is not what they chose. A pause date that has
      passed by the time the review is applied ends the seat without pausing the member.
    - regroup: the stay ends today with the reason "regroup"; the member joins `regroup_pool`,
      which `circle form --members review:ID` forms new circles from.
    - continue: nothing changes.

    Current members who made no choice are listed as `undecided` and keep their seats: a review
    may be applied without everyone's answer (record a choice for them first to change that).
    Entries of members no longer in the circle change nothing. The review becomes applied today.
    """
    today = clock.today()
    with db.write() as session:
        circle = find_circle(session, circle_ref)
        review = _open_review(session, circle)
        plan = _plan(session, review, circle, today)
        for outcome in plan.outcomes:
            if outcome.leave_reason is None:
                continue
            stay = _stay(session, circle, outcome.member_id)
            assert stay is not None
            _end_stay(session, stay, outcome.leave_reason, today)
            if outcome.member_paused:
                _pause_member(session, outcome.member_id, outcome.pause_until)
        review.status = ReviewStatus.APPLIED.value
        review.applied_on = today
        session.add(review)
        session.flush()
        return plan.model_copy(update={"review": review_read(session, review, circle)})


def cancel_review(db: Database, *, circle_ref: str | int) -> ReviewRead:
    """Cancel the circle's open review: nothing changes for its members, the choices are kept as
    history, and a session planned for it stays planned."""
    with db.write() as session:
        circle = find_circle(session, circle_ref)
        review = _open_review(session, circle)
        review.status = ReviewStatus.CANCELLED.value
        session.add(review)
        session.flush()
        return review_read(session, review, circle)


def get_review(db: Database, *, circle_ref: str | int) -> ReviewRead:
    """The circle's open review, else its latest one."""
    with db.read() as session:
        circle = find_circle(session, circle_ref)
        review = session.exec(
            select(Review)
            .where(col(Review.circle_id) == circle.id)
            .order_by(
                col(Review.status) != ReviewStatus.OPEN.value,
                col(Review.started_on).desc(),
                col(Review.id).desc(),
            )
        ).first()
        if review is None:
            raise NotFound(
                f"{quoted(circle.name)} has had no review — start one with: "
                f"circlekeeper review start {circle.id}"
            )
        return review_read(session, review, circle)


def reviews_due(
    db: Database, *, settings: HealthSettings | None = None, today: dt.date | None = None
) -> list[ReviewDue]:
    """Active circles without an open review whose review is due, soonest first, in one query.

    Due `review_every_weeks` after the last applied review, or after the circle started (its
    start date, else the day it was created) when it has had none; a time-bound circle is also
    due 14 days before it ends (`due_on` is the day each became due). When both hold, the one
    due first is the reason given.
    """
    settings = settings or HealthSettings()
    today = today or clock.today()
    weeks = settings.review_every_weeks
    last_applied = func.max(
        case((col(Review.status) == ReviewStatus.APPLIED.value, col(Review.applied_on)))
    )
    open_count = func.sum(case((col(Review.status) == ReviewStatus.OPEN.value, 1), else_=0))
    with db.read() as session:
        rows = session.exec(
            select(  # type: ignore[call-overload]
                Circle.id,
                Circle.name,
                Circle.starts_on,
                Circle.ends_on,
                Circle.created_at,
                last_applied,
            )
            .outerjoin(Review, col(Review.circle_id) == col(Circle.id))
            .where(col(Circle.status) == CircleStatus.ACTIVE.value)
            .group_by(col(Circle.id))
            .having(open_count == 0)
        ).all()
    due: list[ReviewDue] = []
    for circle_id, name, starts_on, ends_on, created_at, last in rows:
        last_on = as_date(last)
        reasons: list[tuple[dt.date, str]] = []
        if last_on is not None:
            why = f"{weeks} weeks since the last review on {last_on}"
            reasons.append((last_on + dt.timedelta(weeks=weeks), why))
        else:
            began = starts_on or created_at.date()
            why = f"{weeks} weeks since it started on {began}"
            reasons.append((began + dt.timedelta(weeks=weeks), why))
        if ends_on is not None:
            verb = "ends" if ends_on >= today else "ended"
            reasons.append((ends_on - dt.timedelta(days=ENDING_SOON_DAYS), f"{verb} on {ends_on}"))
        timely = sorted(reason for reason in reasons if reason[0] <= today)
        if timely:
            due_on, why = timely[0]
            due.append(
                ReviewDue(
                    circle_id=circle_id,
                    circle_name=name,
                    due_on=due_on,
                    reason=why,
                    last_review_on=last_on,
                    ends_on=ends_on,
                )
            )
    return sorted(due, key=lambda item: (item.due_on, identity_key(item.circle_name)))


def review_read(session: Session, review: Review, circle: Circle) -> ReviewRead:
    """The review with its entries: while open, every current member (choice None while they
    have not said); once applied or cancelled, the choices that were recorded."""
    if review.status == ReviewStatus.OPEN:
        rows = session.exec(
            select(  # type: ignore[call-overload]
                Member.id,
                Member.name,
                ReviewEntry.choice,
                ReviewEntry.pause_until,
                ReviewEntry.note,
            )
            .join(Membership, col(Membership.member_id) == col(Member.id))
            .outerjoin(
                ReviewEntry,
                and_(
                    col(ReviewEntry.review_id) == review.id,
                    col(ReviewEntry.member_id) == col(Member.id),
                ),
            )
            .where(col(Membership.circle_id) == circle.id, col(Membership.left_on).is_(None))
            .order_by(col(Member.name_key), col(Member.id))
        ).all()
    else:
        rows = session.exec(
            select(  # type: ignore[call-overload]
                Member.id,
                Member.name,
                ReviewEntry.choice,
                ReviewEntry.pause_until,
                ReviewEntry.note,
            )
            .join(ReviewEntry, col(ReviewEntry.member_id) == col(Member.id))
            .where(col(ReviewEntry.review_id) == review.id)
            .order_by(col(Member.name_key), col(Member.id))
        ).all()
    entries = [
        ReviewEntryRead(
            member_id=member_id,
            member_name=name,
            choice=ReviewChoice(choice) if choice is not None else None,
            pause_until=until,
            note=note or "",
        )
        for member_id, name, choice, until, note in rows
    ]
    return ReviewRead(
        id=_id(review.id),
        circle_id=_id(circle.id),
        circle_name=circle.name,
        status=ReviewStatus(review.status),
        started_on=review.started_on,
        applied_on=review.applied_on,
        session_id=review.session_id,
        entries=entries,
    )


def _start(session: Session, circle: Circle, ritual: Ritual | None, today: dt.date) -> ReviewRead:
    """Open a review of `circle` inside the caller's transaction; every check comes before the
    first write, so a refusal (Conflict) leaves the transaction as it was."""
    if circle.status == CircleStatus.CLOSED:
        raise Conflict(f"circle {quoted(circle.name)} is closed — reopen it before reviewing it")
    already = session.exec(
        select(Review.id).where(
            col(Review.circle_id) == circle.id, col(Review.status) == ReviewStatus.OPEN.value
        )
    ).first()
    if already is not None:
        raise Conflict(
            f"{quoted(circle.name)} already has an open review (#{already}) — apply or cancel "
            "it first"
        )
    session_id = _review_session(session, circle, ritual) if ritual is not None else None
    review = Review(
        circle_id=_id(circle.id),
        session_id=session_id,
        status=ReviewStatus.OPEN.value,
        started_on=today,
        created_at=clock.now(),
    )
    session.add(review)
    session.flush()
    return review_read(session, review, circle)


def _seasonal_ritual(session: Session) -> Ritual:
    """The "Seasonal review" prompt pack, or a message saying it is missing."""
    ritual = session.exec(
        select(Ritual).where(col(Ritual.name_key) == identity_key(SEASONAL_RITUAL))
    ).first()
    if ritual is None:
        raise NotFound(
            f"there is no {quoted(SEASONAL_RITUAL)} ritual (was it renamed?) — start the review "
            "without the ritual, or name a ritual so with 'ritual edit'"
        )
    return ritual


def _review_session(session: Session, circle: Circle, ritual: Ritual) -> int:
    """Today's planned session of the circle, switched to `ritual`, else a new one today."""
    now = clock.now()
    zone = ZoneInfo(circle.timezone)
    today_local = now.astimezone(zone).date()
    local_time = (
        dt.time.fromisoformat(circle.meeting_time) if circle.meeting_time else DEFAULT_MEETING_TIME
    )
    starts_at = dt.datetime.combine(today_local, local_time, tzinfo=zone).astimezone(dt.UTC)
    todays = session.exec(
        select(CircleSession)
        .where(
            col(CircleSession.circle_id) == circle.id,
            col(CircleSession.local_date) == today_local,
        )
        .order_by(col(CircleSession.starts_at))
    ).all()
    planned = [row for row in todays if row.status == SessionStatus.PLANNED]
    if planned:
        row = planned[0]
        if row.ritual_id != ritual.id:
            versioned_update(
                session,
                row,
                {"ritual_id": ritual.id},
                expected_version=None,
                what=f"session #{row.id}",
            )
        return _id(row.id)
    taken = [row for row in todays if _as_utc(row.starts_at) == starts_at]
    if taken:
        raise Conflict(
            f"today's session of {quoted(circle.name)} (#{taken[0].id}) is {taken[0].status} — "
            "start the review without the ritual"
        )
    row = CircleSession(
        circle_id=_id(circle.id),
        ritual_id=ritual.id,
        local_date=today_local,
        starts_at=starts_at,
        status=SessionStatus.PLANNED.value,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return _id(row.id)


def _plan(session: Session, review: Review, circle: Circle, today: dt.date) -> ReviewApplied:
    """What applying `review` does to each current member, read in the caller's transaction."""
    read = review_read(session, review, circle)
    elsewhere = _in_other_circles(session, circle, [e.member_id for e in read.entries])
    outcomes: list[ReviewOutcome] = []
    undecided: list[ReviewMember] = []
    for entry in read.entries:
        if entry.choice is None:
            undecided.append(ReviewMember(member_id=entry.member_id, name=entry.member_name))
            continue
        reason: str | None = None
        paused = False
        if entry.choice == ReviewChoice.LEAVE:
            reason = LEFT_REASON
        elif entry.choice == ReviewChoice.REGROUP:
            reason = REGROUP_REASON
        elif entry.choice == ReviewChoice.PAUSE:
            reason = f"paused at seasonal review until {entry.pause_until}"
            paused = (
                entry.member_id not in elsewhere
                and entry.pause_until is not None
                and entry.pause_until > today
            )
        outcomes.append(
            ReviewOutcome(
                member_id=entry.member_id,
                member_name=entry.member_name,
                choice=entry.choice,
                pause_until=entry.pause_until,
                leave_reason=reason,
                member_paused=paused,
            )
        )
    pool = session.exec(
        select(ReviewEntry.member_id)
        .join(Member, col(Member.id) == col(ReviewEntry.member_id))
        .where(
            col(ReviewEntry.review_id) == review.id,
            col(ReviewEntry.choice) == ReviewChoice.REGROUP.value,
        )
        .order_by(col(Member.name_key), col(Member.id))
    ).all()
    return ReviewApplied(
        review=read,
        outcomes=outcomes,
        undecided=undecided,
        regroup_pool=[int(member_id) for member_id in pool],
        regroup_members=f"review:{review.id}",
    )


def _in_other_circles(session: Session, circle: Circle, member_ids: list[int]) -> set[int]:
    """Which of these members also sit in another circle now."""
    rows = session.exec(
        select(Membership.member_id).where(
            col(Membership.member_id).in_(member_ids),
            col(Membership.circle_id) != circle.id,
            col(Membership.left_on).is_(None),
        )
    ).all()
    return {int(member_id) for member_id in rows}


def _end_stay(session: Session, stay: Membership, reason: str, today: dt.date) -> None:
    """End one stay today (never before it began) with `reason`."""
    stay.left_on = max(today, stay.joined_on)
    stay.leave_reason = reason
    session.add(stay)
    session.flush()


def _pause_member(session: Session, member_id: int, until: dt.date | None) -> None:
    """Pause a member until `until`, keeping a pause they already have that lasts longer."""
    member = session.get(Member, member_id)
    assert member is not None
    if member.status == MemberStatus.PAUSED and (
        member.paused_until is None or (until is not None and member.paused_until >= until)
    ):
        return
    versioned_update(
        session,
        member,
        {"status": MemberStatus.PAUSED.value, "paused_until": until},
        expected_version=None,
        what=f"member {quoted(member.name)}",
    )


def _open_review(session: Session, circle: Circle) -> Review:
    review = session.exec(
        select(Review).where(
            col(Review.circle_id) == circle.id, col(Review.status) == ReviewStatus.OPEN.value
        )
    ).first()
    if review is None:
        raise NotFound(
            f"{quoted(circle.name)} has no open review — start one with: "
            f"circlekeeper review start {circle.id}"
        )
    return review


def _stay(session: Session, circle: Circle, member_id: int) -> Membership | None:
    return session.exec(
        select(Membership).where(
            col(Membership.circle_id) == circle.id,
            col(Membership.member_id) == member_id,
            col(Membership.left_on).is_(None),
        )
    ).first()


def _choice(value: ReviewChoice | str) -> ReviewChoice:
    try:
        return ReviewChoice(str(value).strip().casefold())
    except ValueError:
        allowed = ", ".join(choice.value for choice in ReviewChoice)
        raise InvalidInput(f"choice: give one of {allowed}, not {quoted(value)}") from None


def _as_utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _id(value: int | None) -> int:
    assert value is not None
    return value
