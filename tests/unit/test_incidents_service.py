"""Incidents: recording with the people involved and who follows up, the status lifecycle,
people added and removed, lost-update protection, and overdue follow-ups."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlmodel import col, select

from circlekeeper.db import Database
from circlekeeper.models import (
    CircleCreate,
    Incident,
    IncidentKind,
    IncidentPerson,
    IncidentSeverity,
    IncidentStatus,
    MemberCreate,
)
from circlekeeper.services import circles, incidents, members
from circlekeeper.services.errors import Conflict, InvalidInput, NotFound, StaleEdit

TODAY = dt.date(2026, 11, 21)


@pytest.fixture
def people(db: Database) -> dict[str, int]:
    """Ana (ana@example.org), Bo (@bo) and Cy (@cy), and the circle "Tuesday"."""
    ids = {
        "ana": members.add_member(
            db, data=MemberCreate(name="Ana Lima", email="ana@example.org")
        ).id,
        "bo": members.add_member(db, data=MemberCreate(name="Bo", handle="bo")).id,
        "cy": members.add_member(db, data=MemberCreate(name="Cy", handle="cy")).id,
    }
    circles.create_circle(db, data=CircleCreate(name="Tuesday"))
    return ids


def stored(db: Database, incident_id: int) -> tuple[Incident, set[int]]:
    """The incident row and the ids of the people linked to it."""
    with db.read() as session:
        row = session.get(Incident, incident_id)
        assert row is not None
        linked = session.exec(
            select(IncidentPerson.member_id).where(col(IncidentPerson.incident_id) == incident_id)
        ).all()
        return row, set(linked)


def count(db: Database) -> int:
    """How many incidents are stored."""
    with db.read() as session:
        return len(session.exec(select(Incident.id)).all())


def test_add_records_an_open_incident_with_its_people(db: Database, people: dict[str, int]) -> None:
    made = incidents.add_incident(
        db,
        summary="  Told a story from the circle\nat a party  ",
        kind="breach",
        severity=IncidentSeverity.HIGH,
        occurred_on=dt.date(2026, 11, 18),
        circle_ref="Tuesday",
        people=["@bo", "ana@example.org", "@bo"],
        contact="Sam",
        alternate_contact="Tia",
        follow_up_on=dt.date(2026, 11, 25),
    )

    row, linked = stored(db, made.id)
    assert (row.kind, row.severity, row.status, row.occurred_on) == (
        "breach",
        "high",
        "open",
        dt.date(2026, 11, 18),
    )
    assert row.summary == "Told a story from the circle\nat a party"
    assert linked == {people["ana"], people["bo"]}
    assert [p.name for p in made.people] == ["Ana Lima", "Bo"]
    assert (made.circle_name, made.contact, made.alternate_contact) == ("Tuesday", "Sam", "Tia")
    assert (made.version, made.overdue, made.resolved_on) == (1, False, None)


def test_defaults_are_a_medium_harm_today(db: Database) -> None:
    made = incidents.add_incident(db, summary="x")

    assert (made.kind, made.severity, made.occurred_on, made.people) == (
        IncidentKind.HARM,
        IncidentSeverity.MEDIUM,
        TODAY,
        [],
    )


def test_hostile_text_is_cleaned(db: Database) -> None:
    made = incidents.add_incident(
        db, summary="\x1b[31m[b]red[/b]\x07", contact="\x1b]0;title\x07Sam\n", alternate_contact=""
    )

    assert made.summary == "[b]red[/b]"
    assert made.contact == "Sam"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"summary": "  \n "}, "summary: say what happened"),
        ({"summary": "x" * 4001}, "summary: say what happened in 1 to 4,000"),
        ({"kind": "theft"}, "kind: give one of harm, breach"),
        ({"severity": "urgent"}, "severity: give one of low, medium, high"),
        ({"occurred_on": dt.date(2026, 11, 22)}, "still ahead"),
        ({"follow_up_on": dt.date(2026, 11, 1)}, "before the incident itself"),
        ({"contact": "x" * 121}, "contact: at most 120"),
        ({"contact": "Sam", "alternate_contact": "SAM"}, "alternate contact: must be someone"),
        ({"people": ["@bo"], "contact": "bo"}, "contact: Bo is involved"),
        ({"people": ["@bo"], "contact": "@BO"}, "contact: Bo is involved"),
        (
            {"people": ["ana@example.org"], "alternate_contact": "ana lima"},
            "alternate contact: Ana",
        ),
        ({"people": ["ana@example.org"], "contact": "Ana@Example.org"}, "contact: Ana Lima"),
    ],
    ids=[
        "empty-summary",
        "long-summary",
        "kind",
        "severity",
        "future",
        "follow-up-before",
        "long-contact",
        "same-contacts",
        "contact-involved",
        "contact-handle-involved",
        "alternate-involved",
        "contact-email-involved",
    ],
)
def test_add_refuses_with_a_clear_message(
    db: Database, people: dict[str, int], options: dict[str, Any], message: str
) -> None:
    values = {"summary": "something happened", **options}

    with pytest.raises(InvalidInput, match=message):
        incidents.add_incident(db, **values)

    assert count(db) == 0


def test_a_contact_who_shares_only_a_handle_is_not_taken_for_the_member(
    db: Database, people: dict[str, int]
) -> None:
    made = incidents.add_incident(db, summary="x", people=["@cy"], contact="Bo")

    assert made.contact == "Bo"


def test_unknown_people_and_circles_are_refused(db: Database, people: dict[str, int]) -> None:
    with pytest.raises(NotFound, match="no member matches '@zed'"):
        incidents.add_incident(db, summary="x", people=["@bo", "@zed"])
    with pytest.raises(NotFound, match="no circle matches 'Nowhere'"):
        incidents.add_incident(db, summary="x", circle_ref="Nowhere")

    assert count(db) == 0


def test_list_shows_unresolved_newest_first_and_resolved_on_request(db: Database) -> None:
    older = incidents.add_incident(db, summary="older", occurred_on=dt.date(2026, 11, 1))
    newer = incidents.add_incident(db, summary="newer", occurred_on=dt.date(2026, 11, 20))
    done = incidents.add_incident(db, summary="done", occurred_on=dt.date(2026, 11, 10))
    incidents.update_incident(db, incident_id=done.id, status="resolved", resolution="talked")
    incidents.update_incident(db, incident_id=older.id, status="escalated")

    assert [i.id for i in incidents.list_incidents(db)] == [newer.id, older.id]
    everything = incidents.list_incidents(db, include_resolved=True)
    assert [i.id for i in everything] == [newer.id, done.id, older.id]
    escalated = incidents.list_incidents(db, status=IncidentStatus.ESCALATED)
    assert [i.id for i in escalated] == [older.id]
    assert [
        i.id for i in incidents.list_incidents(db, include_resolved=True, offset=1, limit=1)
    ] == [done.id]


@pytest.mark.parametrize(("limit", "offset"), [(0, 0), (1001, 0), (10, -1)])
def test_list_refuses_a_bad_window(db: Database, limit: int, offset: int) -> None:
    with pytest.raises(InvalidInput):
        incidents.list_incidents(db, limit=limit, offset=offset)


def test_get_incident_needs_one_that_exists(db: Database) -> None:
    with pytest.raises(NotFound, match="no incident #4"):
        incidents.get_incident(db, incident_id=4)


def test_the_status_moves_open_escalated_resolved_and_back_to_open(db: Database) -> None:
    made = incidents.add_incident(db, summary="x")

    escalated = incidents.update_incident(db, incident_id=made.id, status="escalated")
    reopened = incidents.update_incident(db, incident_id=made.id, status=IncidentStatus.OPEN)
    again = incidents.update_incident(db, incident_id=made.id, status="escalated")
    resolved = incidents.update_incident(
        db, incident_id=made.id, status="resolved", resolution="  apologised\nand agreed "
    )

    assert [i.status for i in (escalated, reopened, again, resolved)] == [
        IncidentStatus.ESCALATED,
        IncidentStatus.OPEN,
        IncidentStatus.ESCALATED,
        IncidentStatus.RESOLVED,
    ]
    row, _ = stored(db, made.id)
    assert (row.status, row.resolution, row.resolved_on, row.version) == (
        "resolved",
        "apologised\nand agreed",
        TODAY,
        5,
    )


def test_resolving_needs_a_resolution(db: Database) -> None:
    made = incidents.add_incident(db, summary="x")

    with pytest.raises(InvalidInput, match="resolution: say how it was resolved"):
        incidents.update_incident(db, incident_id=made.id, status="resolved")
    with pytest.raises(InvalidInput, match="resolution: say how it was resolved"):
        incidents.update_incident(db, incident_id=made.id, status="resolved", resolution="   ")

    row, _ = stored(db, made.id)
    assert (row.status, row.resolved_on, row.version) == ("open", None, 1)


def test_a_resolution_written_earlier_is_enough_to_resolve(db: Database) -> None:
    made = incidents.add_incident(db, summary="x")
    incidents.update_incident(db, incident_id=made.id, resolution="mediated")

    resolved = incidents.update_incident(db, incident_id=made.id, status="resolved")

    assert (resolved.status, resolved.resolution) == (IncidentStatus.RESOLVED, "mediated")


def test_a_resolved_incident_stays_resolved_as_written(db: Database) -> None:
    made = incidents.add_incident(db, summary="x")
    incidents.update_incident(db, incident_id=made.id, status="resolved", resolution="done")

    for status in ("open", "escalated"):
        with pytest.raises(Conflict, match="stays resolved"):
            incidents.update_incident(db, incident_id=made.id, status=status)
    for change in ({"resolution": "again"}, {"status": "resolved", "resolution": "again"}):
        with pytest.raises(Conflict, match="its record as written"):
            incidents.update_incident(db, incident_id=made.id, **change)
    with pytest.raises(Conflict, match="stays resolved"):
        incidents.update_incident(db, incident_id=made.id, summary="rewritten")

    assert stored(db, made.id)[0].status == "resolved"
    assert incidents.get_incident(db, incident_id=made.id).resolution == "done"


def test_people_are_added_and_removed(db: Database, people: dict[str, int]) -> None:
    made = incidents.add_incident(db, summary="x", people=["@bo"])

    changed = incidents.update_incident(
        db, incident_id=made.id, add_people=["@cy", "ana@example.org"], remove_people=["@bo"]
    )

    assert stored(db, made.id)[1] == {people["ana"], people["cy"]}
    assert [p.name for p in changed.people] == ["Ana Lima", "Cy"]
    with pytest.raises(Conflict, match="Bo is not involved in incident"):
        incidents.update_incident(db, incident_id=made.id, remove_people=["@bo"])


def test_adding_the_contact_as_a_person_involved_is_refused(
    db: Database, people: dict[str, int]
) -> None:
    made = incidents.add_incident(db, summary="x", contact="Bo", alternate_contact="Sam")

    with pytest.raises(InvalidInput, match="contact: Bo is involved"):
        incidents.update_incident(db, incident_id=made.id, add_people=["@bo"])
    with pytest.raises(InvalidInput, match="alternate contact: must be someone"):
        incidents.update_incident(db, incident_id=made.id, alternate_contact="bo")

    assert stored(db, made.id)[1] == set()
    changed = incidents.update_incident(db, incident_id=made.id, contact="Dee", add_people=["@bo"])
    assert [p.name for p in changed.people] == ["Bo"]


def test_fields_change_and_can_be_cleared(db: Database, people: dict[str, int]) -> None:
    made = incidents.add_incident(
        db, summary="x", circle_ref="Tuesday", follow_up_on=dt.date(2026, 12, 1), contact="Sam"
    )

    changed = incidents.update_incident(
        db,
        incident_id=made.id,
        severity="low",
        kind="breach",
        summary="y",
        circle_ref=None,
        follow_up_on=None,
        contact="",
    )

    assert (changed.severity, changed.kind, changed.summary) == (
        IncidentSeverity.LOW,
        IncidentKind.BREACH,
        "y",
    )
    assert (changed.circle_id, changed.follow_up_on, changed.contact) == (None, None, "")


def test_unknown_or_no_changes_are_refused(db: Database) -> None:
    made = incidents.add_incident(db, summary="x")

    with pytest.raises(InvalidInput, match="cannot change colour"):
        incidents.update_incident(db, incident_id=made.id, colour="red")
    with pytest.raises(InvalidInput, match="nothing to change"):
        incidents.update_incident(db, incident_id=made.id)
    with pytest.raises(NotFound, match="no incident #9"):
        incidents.update_incident(db, incident_id=9, status="escalated")


def test_a_stale_edit_changes_nothing(db: Database, people: dict[str, int]) -> None:
    made = incidents.add_incident(db, summary="x")
    incidents.update_incident(db, incident_id=made.id, severity="high")

    with pytest.raises(StaleEdit, match=f"incident #{made.id} changed elsewhere"):
        incidents.update_incident(
            db, incident_id=made.id, expected_version=1, severity="low", add_people=["@bo"]
        )

    row, linked = stored(db, made.id)
    assert (row.severity, row.version, linked) == ("high", 2, set())


def test_overdue_lists_unresolved_past_follow_ups_high_first(db: Database) -> None:
    def add(severity: str, follow_up: dt.date | None) -> int:
        return incidents.add_incident(
            db, summary=severity, severity=severity, occurred_on=dt.date(2026, 11, 1),
            follow_up_on=follow_up,
        ).id  # fmt: skip

    low = add("low", dt.date(2026, 11, 5))
    high = add("high", dt.date(2026, 11, 19))
    medium = add("medium", dt.date(2026, 11, 10))
    add("high", TODAY)
    add("high", None)
    resolved = add("high", dt.date(2026, 11, 2))
    incidents.update_incident(db, incident_id=resolved, status="resolved", resolution="ok")

    overdue = incidents.overdue_incidents(db)

    assert [i.id for i in overdue] == [high, medium, low]
    assert all(i.overdue for i in overdue)
    assert [i.id for i in incidents.overdue_incidents(db, today=dt.date(2026, 11, 8))] == [low]
    flags = {i.id: i.overdue for i in incidents.list_incidents(db, include_resolved=True)}
    assert flags[resolved] is False
    assert flags[high] is True
