"""Incidents: confidential records of harm and of broken confidentiality, who follows each one
up (and who to go to when that person is involved), and when it is due to be looked at again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, case, delete, true
from sqlmodel import Session, col, select

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import (
    Circle,
    Incident,
    IncidentKind,
    IncidentPerson,
    IncidentPersonRead,
    IncidentRead,
    IncidentSeverity,
    IncidentStatus,
    Member,
)
from circlekeeper.models.incident import CONTACT_MAX, RESOLUTION_MAX, SUMMARY_MAX
from circlekeeper.services.errors import Conflict, InvalidInput, NotFound
from circlekeeper.services.lookup import find_circle, find_member
from circlekeeper.services.versioning import versioned_update
from circlekeeper.text import clean_text, handle_key, identity_key, quoted

MAX_PAGE = 1000
EnumT = TypeVar("EnumT", IncidentKind, IncidentSeverity, IncidentStatus)
TRANSITIONS: dict[IncidentStatus, frozenset[IncidentStatus]] = {
    IncidentStatus.OPEN: frozenset({IncidentStatus.ESCALATED, IncidentStatus.RESOLVED}),
    IncidentStatus.ESCALATED: frozenset({IncidentStatus.OPEN, IncidentStatus.RESOLVED}),
    IncidentStatus.RESOLVED: frozenset(),
}
"""Open ⇄ escalated, either → resolved; a resolved incident stays resolved (record a new one)."""
CHANGE_KEYS = frozenset(
    {
        "kind",
        "severity",
        "status",
        "summary",
        "occurred_on",
        "circle_ref",
        "contact",
        "alternate_contact",
        "follow_up_on",
        "resolution",
        "add_people",
        "remove_people",
    }
)
_SEVERITY_RANK = case(
    (col(Incident.severity) == IncidentSeverity.HIGH.value, 0),
    (col(Incident.severity) == IncidentSeverity.MEDIUM.value, 1),
    else_=2,
)


def add_incident(
    db: Database,
    *,
    summary: str,
    kind: IncidentKind | str = IncidentKind.HARM,
    severity: IncidentSeverity | str = IncidentSeverity.MEDIUM,
    occurred_on: dt.date | None = None,
    circle_ref: str | int | None = None,
    people: Sequence[str | int] = (),
    contact: str = "",
    alternate_contact: str = "",
    follow_up_on: dt.date | None = None,
) -> IncidentRead:
    """Record an incident (open) with the members involved; it happened today unless told.

    The alternate contact must be someone other than the contact, and neither may be a member
    involved in it (compared by name, "@handle" or email, ignoring case).
    """
    today = clock.today()
    values: dict[str, Any] = {
        "kind": _enum(IncidentKind, kind, "kind").value,
        "severity": _enum(IncidentSeverity, severity, "severity").value,
        "summary": _summary(summary),
        "occurred_on": _occurred(occurred_on or today, today),
        "contact": _contact(contact, "contact"),
        "alternate_contact": _contact(alternate_contact, "alternate contact"),
        "follow_up_on": follow_up_on,
    }
    _check_follow_up(values["occurred_on"], follow_up_on)
    now = clock.now()
    with db.write() as session:
        circle_id = find_circle(session, circle_ref).id if circle_ref is not None else None
        involved = _members(session, people)
        _check_contacts(values["contact"], values["alternate_contact"], involved.values())
        incident = Incident(
            **values,
            circle_id=circle_id,
            status=IncidentStatus.OPEN.value,
            created_at=now,
            updated_at=now,
        )
        session.add(incident)
        session.flush()
        for member_id in involved:
            session.add(IncidentPerson(incident_id=_id(incident.id), member_id=member_id))
        session.flush()
        return _reads(session, col(Incident.id) == incident.id, today=today)[0]


def list_incidents(
    db: Database,
    *,
    status: IncidentStatus | str | None = None,
    include_resolved: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> list[IncidentRead]:
    """Incidents, newest first: those with `status` if given, else the open and escalated ones
    (and the resolved ones too with `include_resolved`)."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}")
    if offset < 0:
        raise InvalidInput("offset must not be negative")
    where: ColumnElement[bool]
    if status is not None:
        where = col(Incident.status) == _enum(IncidentStatus, status, "status").value
    elif include_resolved:
        where = true()
    else:
        where = col(Incident.status) != IncidentStatus.RESOLVED.value
    with db.read() as session:
        return _reads(session, where, today=clock.today(), limit=limit, offset=offset)


def get_incident(db: Database, *, incident_id: int) -> IncidentRead:
    """One incident with the members involved."""
    with db.read() as session:
        _find(session, incident_id)
        return _reads(session, col(Incident.id) == incident_id, today=clock.today())[0]


def update_incident(
    db: Database, *, incident_id: int, expected_version: int | None = None, **changes: Any
) -> IncidentRead:
    """Change an incident; refused if it changed since `expected_version`.

    `changes` may hold: kind, severity, summary, occurred_on, circle_ref (None: no circle),
    contact, alternate_contact ("" clears them), follow_up_on (None clears it), resolution,
    status (open ⇄ escalated, either → resolved; resolving needs a resolution, given now or
    already stored, and sets resolved_on to today), add_people and remove_people (member
    references). The contact rules of `add_incident` are checked on the result. A resolved
    incident is a closed record: every change to it is refused.
    """
    unknown = sorted(set(changes) - CHANGE_KEYS)
    if unknown:
        raise InvalidInput(f"cannot change {', '.join(unknown)} of an incident")
    if not changes:
        raise InvalidInput("nothing to change — give at least one new value")
    today = clock.today()
    values = _clean_changes(changes, today)
    with db.write() as session:
        incident = _find(session, incident_id)
        if incident.status == IncidentStatus.RESOLVED.value:
            raise Conflict(
                f"incident #{incident_id} was resolved on {incident.resolved_on} and stays "
                "resolved, its record as written — record a new incident if it happens again"
            )
        if "circle_ref" in changes:
            ref = changes["circle_ref"]
            values["circle_id"] = find_circle(session, ref).id if ref is not None else None
        occurred = values.get("occurred_on", incident.occurred_on)
        _check_follow_up(occurred, values.get("follow_up_on", incident.follow_up_on))
        if "status" in values:
            _check_status(incident, values, today)
        people = _people_after(session, incident, changes)
        _check_contacts(
            values.get("contact", incident.contact),
            values.get("alternate_contact", incident.alternate_contact),
            people.values(),
        )
        versioned_update(
            session,
            incident,
            values,
            expected_version=expected_version,
            what=f"incident #{incident_id}",
        )
        _replace_people(session, incident_id, set(people))
        return _reads(session, col(Incident.id) == incident_id, today=today)[0]


def overdue_incidents(db: Database, *, today: dt.date | None = None) -> list[IncidentRead]:
    """Unresolved incidents whose follow-up day has passed: high severity first, then the
    longest overdue."""
    day = today or clock.today()
    where = and_(
        col(Incident.status) != IncidentStatus.RESOLVED.value,
        col(Incident.follow_up_on) < day,
    )
    with db.read() as session:
        return _reads(
            session,
            where,
            today=day,
            order=(_SEVERITY_RANK, col(Incident.follow_up_on), col(Incident.id)),
        )


def _clean_changes(changes: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """The column values for the plain fields among `changes`, cleaned and checked."""
    values: dict[str, Any] = {}
    if "kind" in changes:
        values["kind"] = _enum(IncidentKind, changes["kind"], "kind").value
    if "severity" in changes:
        values["severity"] = _enum(IncidentSeverity, changes["severity"], "severity").value
    if "status" in changes:
        values["status"] = _enum(IncidentStatus, changes["status"], "status").value
    if "summary" in changes:
        values["summary"] = _summary(changes["summary"])
    if "occurred_on" in changes:
        values["occurred_on"] = _occurred(changes["occurred_on"], today)
    for key, label in (("contact", "contact"), ("alternate_contact", "alternate contact")):
        if key in changes:
            values[key] = _contact(changes[key], label)
    if "follow_up_on" in changes:
        values["follow_up_on"] = changes["follow_up_on"]
    if "resolution" in changes:
        text = clean_text(changes["resolution"] or "", multiline=True).strip()
        if len(text) > RESOLUTION_MAX:
            raise InvalidInput(f"resolution: at most {RESOLUTION_MAX:,} characters")
        values["resolution"] = text
    return values


def _check_status(incident: Incident, values: dict[str, Any], today: dt.date) -> None:
    """Refuse a move the lifecycle does not allow; resolving needs a resolution."""
    current = IncidentStatus(incident.status)
    wanted = IncidentStatus(values["status"])
    if wanted == current:
        del values["status"]
        return
    if wanted not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[current])) or "nothing"
        raise Conflict(f"incident #{incident.id} is {current.value}; it can become: {allowed}")
    if wanted == IncidentStatus.RESOLVED:
        if not values.get("resolution", incident.resolution):
            raise InvalidInput("resolution: say how it was resolved before marking it resolved")
        values["resolved_on"] = today


def _people_after(
    session: Session, incident: Incident, changes: dict[str, Any]
) -> dict[int, Member]:
    """The members involved once `add_people` and `remove_people` are applied."""
    current = session.exec(
        select(Member)
        .join(IncidentPerson, col(IncidentPerson.member_id) == col(Member.id))
        .where(col(IncidentPerson.incident_id) == incident.id)
    ).all()
    people = {_id(member.id): member for member in current}
    for member in _members(session, changes.get("remove_people") or ()).values():
        if member.id not in people:
            raise Conflict(f"{member.name} is not involved in incident #{incident.id}")
        del people[_id(member.id)]
    people.update(_members(session, changes.get("add_people") or ()))
    return people


def _replace_people(session: Session, incident_id: int, member_ids: set[int]) -> None:
    stored = set(
        session.exec(
            select(IncidentPerson.member_id).where(col(IncidentPerson.incident_id) == incident_id)
        ).all()
    )
    gone = stored - member_ids
    if gone:
        session.exec(
            delete(IncidentPerson).where(
                col(IncidentPerson.incident_id) == incident_id,
                col(IncidentPerson.member_id).in_(gone),
            )
        )
    for member_id in sorted(member_ids - stored):
        session.add(IncidentPerson(incident_id=incident_id, member_id=member_id))
    session.flush()


def _check_contacts(contact: str, alternate: str, people: Iterable[Member]) -> None:
    """The alternate differs from the contact, and neither is a member involved."""
    if contact and alternate and identity_key(contact) == identity_key(alternate):
        raise InvalidInput(
            "alternate contact: must be someone other than the contact — the alternate is who "
            "to go to when the contact cannot be"
        )
    for label, who in (("contact", contact), ("alternate contact", alternate)):
        if not who:
            continue
        for member in people:
            if _is_person(who, member):
                raise InvalidInput(
                    f"{label}: {member.name} is involved in this incident — name someone who "
                    "is not to follow it up"
                )


def _is_person(who: str, member: Member) -> bool:
    """Whether `who` names `member`: their name, "@handle" or email, ignoring case."""
    key = identity_key(who)
    if key == identity_key(member.name) or (member.email_key and key == member.email_key):
        return True
    return who.startswith("@") and bool(member.handle_key) and handle_key(who) == member.handle_key


def _members(session: Session, refs: Iterable[str | int]) -> dict[int, Member]:
    """The members `refs` name, once each, in the order given."""
    found: dict[int, Member] = {}
    for ref in refs:
        member = find_member(session, ref)
        found.setdefault(_id(member.id), member)
    return found


def _reads(
    session: Session,
    where: ColumnElement[bool],
    *,
    today: dt.date,
    limit: int = MAX_PAGE,
    offset: int = 0,
    order: Sequence[Any] | None = None,
) -> list[IncidentRead]:
    """IncidentRead rows for `where`, with circle names and people in two queries in all."""
    rows = session.exec(
        select(Incident, Circle.name)
        .outerjoin(Circle, col(Circle.id) == col(Incident.circle_id))
        .where(where)
        .order_by(*(order or (col(Incident.occurred_on).desc(), col(Incident.id).desc())))
        .limit(limit)
        .offset(offset)
    ).all()
    ids = [_id(incident.id) for incident, _ in rows]
    people: dict[int, list[IncidentPersonRead]] = {}
    for incident_id, member_id, name in session.exec(
        select(IncidentPerson.incident_id, Member.id, Member.name)
        .join(Member, col(Member.id) == col(IncidentPerson.member_id))
        .where(col(IncidentPerson.incident_id).in_(ids))
        .order_by(col(Member.name_key), col(Member.id))
    ).all():
        people.setdefault(incident_id, []).append(
            IncidentPersonRead(member_id=_id(member_id), name=name)
        )
    return [
        _read(incident, name, people.get(_id(incident.id), []), today) for incident, name in rows
    ]


def _read(
    incident: Incident, circle_name: str | None, people: list[IncidentPersonRead], today: dt.date
) -> IncidentRead:
    status = IncidentStatus(incident.status)
    return IncidentRead(
        id=_id(incident.id),
        kind=IncidentKind(incident.kind),
        occurred_on=incident.occurred_on,
        circle_id=incident.circle_id,
        circle_name=circle_name,
        summary=incident.summary,
        severity=IncidentSeverity(incident.severity),
        status=status,
        contact=incident.contact,
        alternate_contact=incident.alternate_contact,
        follow_up_on=incident.follow_up_on,
        resolution=incident.resolution,
        resolved_on=incident.resolved_on,
        people=people,
        overdue=(
            status != IncidentStatus.RESOLVED
            and incident.follow_up_on is not None
            and incident.follow_up_on < today
        ),
        version=incident.version,
        created_at=incident.created_at,
        updated_at=incident.updated_at,
    )


def _find(session: Session, incident_id: int) -> Incident:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(f"no incident #{incident_id} — 'incident list --all' shows them")
    return incident


def _summary(value: str) -> str:
    text = clean_text(value or "", multiline=True).strip()
    if not text or len(text) > SUMMARY_MAX:
        raise InvalidInput(f"summary: say what happened in 1 to {SUMMARY_MAX:,} characters")
    return text


def _contact(value: str | None, label: str) -> str:
    text = clean_text(value or "")
    if len(text) > CONTACT_MAX:
        raise InvalidInput(f"{label}: at most {CONTACT_MAX} characters")
    return text


def _occurred(day: dt.date, today: dt.date) -> dt.date:
    if day > today:
        raise InvalidInput(
            f"occurred on {day} is still ahead — record an incident once it happened"
        )
    return day


def _check_follow_up(occurred_on: dt.date, follow_up_on: dt.date | None) -> None:
    if follow_up_on is not None and follow_up_on < occurred_on:
        raise InvalidInput(
            f"follow up on {follow_up_on} is before the incident itself ({occurred_on})"
        )


def _enum(enum: type[EnumT], value: object, label: str) -> EnumT:
    try:
        return enum(str(value).strip().casefold())
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise InvalidInput(f"{label}: give one of {allowed}, not {quoted(value)}") from None


def _id(value: int | None) -> int:
    assert value is not None
    return value
