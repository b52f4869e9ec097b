"""Applications: a member asks for a seat in a circle whose visibility is "application", with a
short answer; the facilitator accepts (the member is seated in the same transaction, within the
circle's max size) or declines, and the applicant may withdraw while it is pending."""

from __future__ import annotations

from sqlmodel import Session, col, select

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import (
    Application,
    ApplicationRead,
    ApplicationStatus,
    Circle,
    CircleStatus,
    CircleVisibility,
    Member,
    Membership,
    MemberStatus,
)
from circlekeeper.models.application import ANSWER_MAX, NOTE_MAX
from circlekeeper.models.fields import NAME_MAX
from circlekeeper.services.actor import current_actor
from circlekeeper.services.circles import seats_taken
from circlekeeper.services.errors import CapacityExceeded, Conflict, InvalidInput, NotFound
from circlekeeper.services.lookup import find_circle, find_member
from circlekeeper.text import clean_text, quoted

MAX_PAGE = 1000


def apply_to_circle(
    db: Database, *, circle_ref: str | int, member_ref: str | int, answer: str = ""
) -> ApplicationRead:
    """Record a member's pending application to an "application" circle, with their answer.

    Refused when the circle takes members another way or is closed, when the member has left,
    already sits in the circle, or already has a pending application to it.
    """
    text = clean_answer(answer)
    with db.write() as session:
        circle = find_circle(session, circle_ref)
        member = find_member(session, member_ref)
        if circle.visibility != CircleVisibility.APPLICATION:
            raise Conflict(
                f"circle {quoted(circle.name)} is {circle.visibility}, so it takes no "
                "applications — "
                f"seat members directly with: circlekeeper circle add #{circle.id} MEMBER"
            )
        _check_open(circle, member)
        _check_not_seated(session, circle, member)
        clash = session.exec(
            select(Application.id).where(
                col(Application.circle_id) == circle.id,
                col(Application.member_id) == member.id,
                col(Application.status) == ApplicationStatus.PENDING.value,
            )
        ).first()
        if clash is not None:
            raise Conflict(
                f"{member.name} already applied to {quoted(circle.name)} (application #{clash}, "
                "still "
                "pending) — 'application list' shows it"
            )
        application = Application(
            circle_id=_id(circle.id),
            member_id=_id(member.id),
            answer=text,
            status=ApplicationStatus.PENDING.value,
            created_at=clock.now(),
        )
        session.add(application)
        session.flush()
        return _read(application, circle.name, member.name)


def list_applications(
    db: Database,
    *,
    circle_ref: str | int | None = None,
    status: ApplicationStatus | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[ApplicationRead]:
    """Applications newest first (then highest id), to one circle or all, with this status
    (None: every status); `limit` and `offset` page through them."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}")
    if offset < 0:
        raise InvalidInput("offset must not be negative")
    with db.read() as session:
        query = (
            select(Application, Circle.name, Member.name)
            .join(Circle, col(Circle.id) == col(Application.circle_id))
            .join(Member, col(Member.id) == col(Application.member_id))
        )
        if circle_ref is not None:
            query = query.where(col(Application.circle_id) == find_circle(session, circle_ref).id)
        if status is not None:
            query = query.where(col(Application.status) == ApplicationStatus(status).value)
        rows = session.exec(
            query.order_by(col(Application.created_at).desc(), col(Application.id).desc())
            .limit(limit)
            .offset(offset)
        ).all()
        return [_read(application, circle, member) for application, circle, member in rows]


def accept_application(
    db: Database, *, application_id: int, note: str = "", decided_by: str = ""
) -> ApplicationRead:
    """Accept a pending application and seat the applicant today, in one write transaction.

    The seat count is read inside that transaction (BEGIN IMMEDIATE), so two accepts for the last
    seat cannot both succeed; when the circle is full nothing changes and the application stays
    pending. `decided_by` defaults to the login name of the person at this computer.
    """
    text = clean_note(note)
    by = clean_decider(decided_by)
    with db.write() as session:
        application, circle, member = _pending(session, application_id)
        _check_open(circle, member)
        _check_not_seated(session, circle, member, application_id=application_id)
        taken = seats_taken(session, _id(circle.id))
        if taken >= circle.max_size:
            raise CapacityExceeded(
                f"circle {quoted(circle.name)} is full: {taken} of {circle.max_size} seats taken — "
                f"raise its max size or remove someone first; application #{application_id} "
                "stays pending"
            )
        today = clock.today()
        session.add(
            Membership(
                member_id=_id(member.id),
                circle_id=_id(circle.id),
                joined_on=today,
                created_at=clock.now(),
            )
        )
        _decide(application, ApplicationStatus.ACCEPTED, by=by, note=text)
        session.add(application)
        session.flush()
        return _read(application, circle.name, member.name)


def decline_application(
    db: Database, *, application_id: int, note: str = "", decided_by: str = ""
) -> ApplicationRead:
    """Decline a pending application (the note says why, for the record); the member may apply
    again later."""
    text = clean_note(note)
    by = clean_decider(decided_by)
    with db.write() as session:
        application, circle, member = _pending(session, application_id)
        _decide(application, ApplicationStatus.DECLINED, by=by, note=text)
        session.add(application)
        session.flush()
        return _read(application, circle.name, member.name)


def withdraw_application(db: Database, *, application_id: int) -> ApplicationRead:
    """Withdraw a pending application on the applicant's behalf; `decided_by` records the
    applicant's name, since the choice was theirs."""
    with db.write() as session:
        application, circle, member = _pending(session, application_id)
        _decide(application, ApplicationStatus.WITHDRAWN, by=member.name, note="")
        session.add(application)
        session.flush()
        return _read(application, circle.name, member.name)


def clean_answer(answer: str) -> str:
    """An applicant's answer, cleaned like any multi-line user text, at most ANSWER_MAX long."""
    text = clean_text(answer or "", multiline=True).strip()
    if len(text) > ANSWER_MAX:
        raise InvalidInput(f"answer: at most {ANSWER_MAX} characters (this one has {len(text)})")
    return text


def clean_note(note: str) -> str:
    """A decision note, cleaned (lines kept), at most NOTE_MAX characters."""
    text = clean_text(note or "", multiline=True).strip()
    if len(text) > NOTE_MAX:
        raise InvalidInput(f"note: at most {NOTE_MAX} characters (this one has {len(text)})")
    return text


def clean_decider(decided_by: str) -> str:
    """Who decides: the name given, cleaned to one line, else this computer's login name."""
    text = clean_text(decided_by or "")
    if len(text) > NAME_MAX:
        raise InvalidInput(f"decided by: at most {NAME_MAX} characters (this has {len(text)})")
    return text or current_actor()


def _check_open(circle: Circle, member: Member) -> None:
    """Refuse a closed circle or a member who has left the community."""
    if circle.status == CircleStatus.CLOSED:
        raise Conflict(f"circle {quoted(circle.name)} is closed — reopen it first")
    if member.status == MemberStatus.LEFT:
        raise Conflict(f"{member.name} has left the community — resume them first")


def _check_not_seated(
    session: Session, circle: Circle, member: Member, *, application_id: int | None = None
) -> None:
    """Refuse a member who already sits in the circle."""
    seated = session.exec(
        select(Membership.id).where(
            col(Membership.circle_id) == circle.id,
            col(Membership.member_id) == member.id,
            col(Membership.left_on).is_(None),
        )
    ).first()
    if seated is None:
        return
    hint = (
        f" — decline or withdraw application #{application_id} instead"
        if application_id is not None
        else ""
    )
    raise Conflict(f"{member.name} is already in {quoted(circle.name)}{hint}")


def _pending(session: Session, application_id: int) -> tuple[Application, Circle, Member]:
    """The application with its circle and member, refused unless it is still pending."""
    application = session.get(Application, application_id)
    if application is None:
        raise NotFound(f"no application #{application_id} — 'application list' shows them")
    circle = session.get(Circle, application.circle_id)
    member = session.get(Member, application.member_id)
    assert circle is not None
    assert member is not None
    if application.status != ApplicationStatus.PENDING:
        raise Conflict(
            f"application #{application_id} of {member.name} to {quoted(circle.name)} was already "
            f"{application.status} on {application.decided_on}"
        )
    return application, circle, member


def _decide(application: Application, status: ApplicationStatus, *, by: str, note: str) -> None:
    """Mark the application decided today."""
    application.status = status.value
    application.decided_on = clock.today()
    application.decided_by = by
    application.decision_note = note


def _read(application: Application, circle_name: str, member_name: str) -> ApplicationRead:
    """The read model of an application, with the names given."""
    return ApplicationRead(
        id=_id(application.id),
        circle_id=application.circle_id,
        circle_name=circle_name,
        member_id=application.member_id,
        member_name=member_name,
        answer=application.answer,
        status=ApplicationStatus(application.status),
        created_at=application.created_at,
        decided_on=application.decided_on,
        decided_by=application.decided_by,
        decision_note=application.decision_note,
    )


def _id(value: int | None) -> int:
    assert value is not None
    return value
