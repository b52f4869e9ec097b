"""Data rights: `export_member_data` covers every table that refers to members (walked from the
real metadata), and `forget_member` leaves no byte of the erased text in the database or its
WAL while attendance figures stay exactly as they were."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import SQLModel, col, select

from circlekeeper.db import Database
from circlekeeper.models import (
    AmbassadorStatus,
    CheckIn,
    CheckInCreate,
    CircleCreate,
    CircleVisibility,
    ErasureLog,
    IncidentPerson,
    Member,
    MemberCreate,
    MemberTag,
    MemberUpdate,
    Recognition,
    RecognitionKind,
    SessionStatus,
    register_tables,
)
from circlekeeper.services import (
    ambassadors,
    applications,
    checkins,
    circles,
    data_rights,
    goals,
    health,
    incidents,
    members,
    nominations,
    recognition,
    reviews,
    roles,
    sessions,
)
from circlekeeper.services.dashboard import weekly_attendance
from circlekeeper.services.errors import Conflict, NotFound
from circlekeeper.services.member_data import owned_tables

CANARY = "zqxcanary7"
JOINED = dt.date(2026, 9, 1)
DAYS = (dt.date(2026, 11, 3), dt.date(2026, 11, 10), dt.date(2026, 11, 17))


def member_fk_tables() -> set[str]:
    """Every table with a foreign key to member.id, read from the real metadata."""
    register_tables()
    return {
        table.name
        for table in SQLModel.metadata.tables.values()
        for key in table.foreign_keys
        if key.column.table.name == "member" and key.column.name == "id"
    }


def add(db: Database, name: str, **contact: str) -> int:
    """Add a member who joined on JOINED and return the id."""
    made = members.add_member(db, data=MemberCreate(name=name, joined_on=JOINED, **contact))
    return made.id


@pytest.fixture
def community(db: Database) -> dict[str, int]:
    """Ana (the canary in her name, email, handle and a tag) with data in nearly every table,
    Bo who mentions her, and Cy who has nothing to do with her."""
    ids = {
        "ana": members.add_member(
            db,
            data=MemberCreate(
                name=f"Ana {CANARY}",
                email=f"{CANARY}@example.org",
                handle=f"@{CANARY}",
                joined_on=JOINED,
                tags={"city": f"{CANARY} street", "lang": "pt"},
            ),
        ).id,
        "bo": add(db, "Bo Reyes", handle="bo"),
        "cy": add(db, "Cy Tran", handle="cy", email="cy@example.org"),
    }
    members.edit_member(db, ref="cy", changes=MemberUpdate(tags={"city": "Lyon"}))
    circles.create_circle(db, data=CircleCreate(name="Tuesday", starts_on=JOINED))
    for who in ("ana", "bo", "cy"):
        circles.add_member_to_circle(
            db, circle_ref="Tuesday", member_ref=ids[who], joined_on=JOINED
        )
    for day, absent in zip(DAYS, ([], ["cy"], ["ana"]), strict=True):
        present = [ids[w] for w in ("ana", "bo", "cy") if w not in absent]
        sessions.record_session(
            db,
            circle_ref="Tuesday",
            day=day,
            present=present,
            absent=[ids[w] for w in absent],
            notes=f"{CANARY}@example.org shared a lot; Bo listened",
        )
    first = session_ids(db)[0]
    checkins.add_checkin(
        db,
        session_id=first,
        member_ref=ids["ana"],
        data=CheckInCreate(answers={"wins": f"my {CANARY} secret"}, mood=2),
    )
    checkins.add_checkin(
        db,
        session_id=first,
        member_ref="bo",
        data=CheckInCreate(answers={"wins": f"Ana {CANARY} helped me move"}, mood=4),
    )
    checkins.add_checkin(
        db, session_id=first, member_ref="cy", data=CheckInCreate(answers={"wins": "new job"})
    )
    recognition.recognize(
        db, member_ref=ids["ana"], kind=RecognitionKind.SHOUT_OUT, message=f"{CANARY} rocks"
    )
    recognition.recognize(
        db, member_ref="bo", kind=RecognitionKind.SHOUT_OUT, message="great host", by_ref=ids["ana"]
    )
    incidents.add_incident(
        db,
        summary=f"Ana {CANARY} was spoken over; @{CANARY} asked for a break",
        circle_ref="Tuesday",
        people=[ids["ana"], "bo"],
        occurred_on=DAYS[1],
    )
    incidents.add_incident(db, summary="Cy's story was retold", people=["cy"], occurred_on=DAYS[1])
    nominations.nominate(db, member_ref="cy", reason="welcomes everyone", by_ref=ids["ana"])
    ambassadors.add_ambassador(
        db, member_ref=ids["ana"], focus=["welcome team"], note=f"{CANARY} prefers mornings"
    )
    ambassadors.rest_ambassador(
        db, ref=ids["ana"], until=dt.date(2026, 11, 25), reason=f"{CANARY} surgery"
    )
    goals.set_goal(db, ref=ids["ana"], metric="welcome calls", target=2)
    goals.log_progress(
        db, ref=ids["ana"], metric="welcome calls", count=1, note=f"called {CANARY}'s cousin"
    )
    circles.create_circle(
        db, data=CircleCreate(name="Writers", visibility=CircleVisibility.APPLICATION)
    )
    applications.apply_to_circle(
        db, circle_ref="Writers", member_ref=ids["ana"], answer=f"{CANARY} writes poems"
    )
    reviews.start_review(db, circle_ref="Tuesday")
    reviews.record_choice(
        db, circle_ref="Tuesday", member_ref=ids["ana"], choice="continue", note=f"{CANARY} ok"
    )
    roles.set_opt_out(db, circle_ref="Tuesday", member_ref=ids["ana"], role="timekeeper")
    roles.skip_member(
        db,
        circle_ref="Tuesday",
        member_ref=ids["ana"],
        day=dt.date(2026, 12, 1),
        reason=f"{CANARY} travels",
    )
    roles.add_role(db, circle_ref="Tuesday", name="host", rotating=False)
    roles.assign_term(
        db,
        circle_ref="Tuesday",
        role="host",
        member_ref=ids["ana"],
        starts_on=dt.date(2026, 11, 1),
        ends_on=dt.date(2027, 1, 31),
        deputy_ref="bo",
    )
    planned = (
        sessions.plan_sessions(db, circle_ref="Tuesday", dates=[dt.date(2026, 11, 24)]).added[0].id
    )
    sessions.save_draft(
        db,
        session_id=planned,
        payload={
            "order": [ids["ana"], ids["bo"]],
            "names": {str(ids["ana"]): f"Ana {CANARY}", str(ids["bo"]): "Bo Reyes"},
            "answers": {str(ids["ana"]): {"wins": f"draft {CANARY}"}, str(ids["bo"]): {}},
            "mood": {str(ids["ana"]): 3},
            "notes": f"ask @{CANARY} about the venue",
        },
    )
    return ids


def session_ids(db: Database) -> list[int]:
    """The held sessions of Tuesday, oldest first."""
    return [s.id for s in sessions.list_sessions(db, circle_ref="Tuesday", start=DAYS[0])][:3]


def canary_bytes(path: Path) -> int:
    """How often the canary occurs in the raw bytes of the database and its -wal and -shm files."""
    found = 0
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if file.exists():
            found += file.read_bytes().count(CANARY.encode())
    return found


def figures(db: Database) -> dict[str, Any]:
    """The counts that must stay true: check-ins per session and attendance, every way."""
    with db.read() as session:
        per_session = session.exec(
            select(CheckIn.session_id, CheckIn.attendance, func.count())
            .group_by(col(CheckIn.session_id), col(CheckIn.attendance))
            .order_by(col(CheckIn.session_id), col(CheckIn.attendance))
        ).all()
        weeks = weekly_attendance(session, dt.date(2026, 11, 21))
    rates = [
        (item.name, item.figures.recent_attendance, item.figures.earlier_attendance)
        for item in health.circle_health(db)
    ]
    return {"per_session": list(per_session), "weeks": weeks, "rates": rates}


# --- export ---------------------------------------------------------------------------------


def test_export_has_a_key_for_every_table_that_refers_to_members(
    db: Database, community: dict[str, int]
) -> None:
    linked = member_fk_tables()
    assert {"checkin", "recognition", "incident_person", "role_assignment"} <= linked

    exported = data_rights.export_member_data(db, member_ref=community["cy"])

    missing = (linked | {"member"} | set(owned_tables())) - set(exported)
    assert not missing, f"member export does not cover {sorted(missing)}"
    assert all(isinstance(rows, list) for rows in exported.values())


def test_export_holds_the_members_rows_from_many_tables(
    db: Database, community: dict[str, int]
) -> None:
    ana = community["ana"]

    exported = data_rights.export_member_data(db, member_ref=f"#{ana}")

    assert json.loads(json.dumps(exported)) == exported  # plain JSON all the way down
    (me,) = exported["member"]
    assert (me["id"], me["email"], me["handle"]) == (ana, f"{CANARY}@example.org", f"@{CANARY}")
    assert {(t["key"], t["value"]) for t in exported["member_tag"]} == {
        ("city", f"{CANARY} street"),
        ("lang", "pt"),
    }
    assert len(exported["membership"]) == 1
    assert all(row["member_id"] == ana for row in exported["membership"])
    mine = [c for c in exported["checkin"] if c["member_id"] == ana]
    assert sorted(c["attendance"] for c in mine) == ["absent", "present", "present"]
    assert {"wins": f"my {CANARY} secret"} in [c["answers"] for c in mine]
    bo_mentions = [c for c in exported["checkin"] if c["member_id"] == community["bo"]]
    assert [c["answers"]["wins"] for c in bo_mentions] == [f"Ana {CANARY} helped me move"]
    received = [r for r in exported["recognition"] if r["member_id"] == ana]
    given = [r for r in exported["recognition"] if r["given_by_id"] == ana]
    assert [r["message"] for r in received] == [f"{CANARY} rocks"]
    assert [r["message"] for r in given] == ["great host"]
    assert [n["member_id"] for n in exported["nomination"]] == [community["cy"]]
    assert [a["answer"] for a in exported["application"]] == [f"{CANARY} writes poems"]
    assert [e["note"] for e in exported["review_entry"]] == [f"{CANARY} ok"]
    assert [a["member_id"] for a in exported["role_assignment"]] == [ana]
    assert [o["member_id"] for o in exported["role_opt_out"]] == [ana]
    assert [s["reason"] for s in exported["role_skip"]] == [f"{CANARY} travels"]
    assert [a["note"] for a in exported["ambassador"]] == [f"{CANARY} prefers mornings"]
    assert [r["reason"] for r in exported["ambassador_rest"]] == [f"{CANARY} surgery"]
    assert [g["metric"] for g in exported["goal"]] == ["welcome calls"]
    assert [p["note"] for p in exported["goal_progress"]] == [f"called {CANARY}'s cousin"]
    assert [f["focus"] for f in exported["ambassador_focus"]] == ["welcome team"]
    assert [p["member_id"] for p in exported["incident_person"]] == [ana]
    assert [i["summary"] for i in exported["incident"]] == [
        f"Ana {CANARY} was spoken over; @{CANARY} asked for a break"
    ]
    assert len(exported["circle_session"]) == 3
    (draft,) = exported["session_draft"]
    assert draft["payload"]["answers"] == {"wins": f"draft {CANARY}"}
    assert draft["payload"]["notes"] == f"ask @{CANARY} about the venue"
    assert "Bo Reyes" not in json.dumps(draft)


def test_export_of_someone_else_holds_nothing_of_ana(
    db: Database, community: dict[str, int]
) -> None:
    exported = data_rights.export_member_data(db, member_ref="cy")

    (nominated,) = exported.pop("nomination")  # Ana nominated Cy: her name is on it
    assert nominated["nominated_by"] == f"Ana {CANARY}"
    assert CANARY not in json.dumps(exported)
    assert [i["summary"] for i in exported["incident"]] == ["Cy's story was retold"]
    assert exported["session_draft"] == []


def test_export_of_an_unknown_member_is_refused(db: Database) -> None:
    with pytest.raises(NotFound, match="no member matches"):
        data_rights.export_member_data(db, member_ref="@nobody")


# --- forget ---------------------------------------------------------------------------------


def test_every_table_that_refers_to_members_has_a_forget_rule() -> None:
    covered = set(data_rights.FORGET_RULES)

    missing = (member_fk_tables() | set(owned_tables())) - covered

    assert not missing, f"forget_member has no rule for {sorted(missing)}"


@pytest.fixture
def reader(db: Database) -> Iterator[sqlite3.Connection]:
    """Another connection kept open, like the TUI's: closing the last connection would
    checkpoint and remove the WAL by itself, which would hide a missing checkpoint."""
    conn = sqlite3.connect(db.path)
    conn.execute("SELECT count(*) FROM member").fetchone()
    yield conn
    conn.close()


def test_forget_leaves_no_byte_of_the_canary_in_the_database_or_its_wal(
    db: Database, community: dict[str, int], reader: sqlite3.Connection
) -> None:
    assert canary_bytes(db.path) > 0  # the scan can see it while it is there

    report = data_rights.forget_member(db, member_ref=community["ana"])

    assert report.checkpointed
    assert Path(f"{db.path}-wal").stat().st_size == 0
    assert canary_bytes(db.path) == 0
    reader.close()
    db.close()
    assert canary_bytes(db.path) == 0


def test_long_text_on_overflow_pages_and_a_deep_index_leave_no_byte_behind(
    db: Database, reader: sqlite3.Connection
) -> None:
    for number in range(400):  # enough members that the name and email indexes have levels
        add(db, f"Member {number:03d}", email=f"m{number:03d}@example.org")
    ana = add(db, f"Ana {CANARY}", email=f"{CANARY}@example.org")
    circles.create_circle(db, data=CircleCreate(name="Tuesday"))
    circles.add_member_to_circle(db, circle_ref="Tuesday", member_ref=ana, joined_on=JOINED)
    held = sessions.record_session(db, circle_ref="Tuesday", day=DAYS[0], present=[ana])
    long_answer = " ".join([f"{CANARY} said so"] * 190)  # ~3,600 bytes: overflow pages
    checkins.add_checkin(
        db, session_id=held.id, member_ref=ana, data=CheckInCreate(answers={"wins": long_answer})
    )
    with db.raw() as conn:
        assert conn.execute("PRAGMA secure_delete").fetchone() == (1,)

    data_rights.forget_member(db, member_ref=ana)

    assert canary_bytes(db.path) == 0


def squashed_body(sql: str) -> str:
    """What a trigger does: the statements between its BEGIN and END, on one line."""
    body = sql[sql.index(" BEGIN ") + len(" BEGIN ") : sql.rindex(" END")]
    return " ".join(body.split())


def test_the_file_has_no_tables_or_triggers_that_forgetting_cannot_see(db: Database) -> None:
    # A full-text index, a trigger writing an audit copy or a table outside the models would
    # keep text that export and forget never read: adding one must come with handling it. The
    # only triggers delete kept health counts (no text) when what they were counted from changes.
    register_tables()
    with db.raw() as conn:
        rows = conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
    assert [name for kind, name, _ in rows if kind == "view"] == []
    bodies = {name: squashed_body(sql) for kind, name, sql in rows if kind == "trigger"}
    assert bodies
    for name, body in bodies.items():
        assert body.startswith("DELETE FROM health_figures WHERE circle_id IN ("), name
        assert body.count(";") == 1, name
    assert [name for _, name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL")] == []
    tables = {name for kind, name, _ in rows if kind == "table"}
    bookkeeping = {"alembic_version", "sqlite_sequence"}
    assert tables - bookkeeping == set(SQLModel.metadata.tables)


def test_forget_keeps_every_attendance_figure(db: Database, community: dict[str, int]) -> None:
    before = figures(db)
    assert before["per_session"]  # there is something to compare

    data_rights.forget_member(db, member_ref=community["ana"])

    assert figures(db) == before


def test_forget_anonymises_the_member_and_erases_what_they_said(
    db: Database, community: dict[str, int]
) -> None:
    ana = community["ana"]

    report = data_rights.forget_member(db, member_ref=f"@{CANARY}")

    forgotten = members.get_member(db, ref=ana)
    assert (forgotten.name, forgotten.email, forgotten.handle) == (
        f"Forgotten member #{ana}",
        None,
        f"forgotten-{ana}",
    )
    assert forgotten.status == "left"
    assert forgotten.tags == {}
    assert (forgotten.consent_named, forgotten.consent_recognised) == (False, False)
    assert all(stay.left_on is not None for stay in forgotten.circles)
    with db.read() as session:
        mine = session.exec(select(CheckIn).where(col(CheckIn.member_id) == ana)).all()
        assert [(c.answers, c.mood) for c in mine] == [({}, None)] * 3
        assert not session.exec(select(Recognition).where(col(Recognition.member_id) == ana)).all()
        given = session.exec(select(Recognition).where(col(Recognition.given_by_id) == ana)).one()
        assert (given.given_by, given.message) == ("", "great host")
        assert not session.exec(
            select(IncidentPerson).where(col(IncidentPerson.member_id) == ana)
        ).all()
    (incident,) = [i for i in incidents.list_incidents(db) if i.circle_name == "Tuesday"]
    assert incident.summary == "[erased] was spoken over; [erased] asked for a break"
    assert [p.name for p in incident.people] == ["Bo Reyes"]
    notes = {s.notes for s in sessions.list_sessions(db, circle_ref="Tuesday", start=DAYS[0])}
    assert "[erased] shared a lot; Bo listened" in notes
    assert report.deleted == {"incident_person": 1, "member_tag": 2, "recognition": 1}
    assert report.erased["checkin"] == 1
    assert (report.mentions["checkin"], report.mentions["incident"]) == (1, 1)
    (alumni,) = ambassadors.list_ambassadors(db, status=AmbassadorStatus.ALUMNI)
    assert alumni.member_id == ana
    draft = sessions.load_draft(db, session_id=planned_session(db))
    assert draft is not None
    assert draft["names"][str(ana)] == f"Forgotten member #{ana}"
    assert (draft["answers"], draft["mood"]) == ({str(community["bo"]): {}}, {})
    assert draft["notes"] == "ask [erased] about the venue"


def planned_session(db: Database) -> int:
    """The one planned session of Tuesday (the one with a runner draft)."""
    (planned,) = sessions.list_sessions(db, circle_ref="Tuesday", status=SessionStatus.PLANNED)
    return planned.id


def test_forget_leaves_other_members_as_they_were(db: Database, community: dict[str, int]) -> None:
    cy_before = data_rights.export_member_data(db, member_ref="cy")
    bo_before = members.get_member(db, ref="bo")

    data_rights.forget_member(db, member_ref=community["ana"])

    cy_after = data_rights.export_member_data(db, member_ref="cy")
    (nominated,) = cy_before["nomination"]
    assert cy_after["nomination"] == [{**nominated, "nominated_by": ""}]
    assert {**cy_after, "nomination": []} == {**cy_before, "nomination": []}
    assert members.get_member(db, ref="bo") == bo_before
    with db.read() as session:
        tags = session.exec(select(MemberTag.value)).all()
        bo_checkin = session.exec(
            select(CheckIn.answers).where(
                col(CheckIn.member_id) == community["bo"], col(CheckIn.mood) == 4
            )
        ).one()
    assert tags == ["Lyon"]
    assert bo_checkin == {"wins": "[erased] helped me move"}


def test_the_erasure_log_records_it_without_personal_data(
    db: Database, community: dict[str, int]
) -> None:
    report = data_rights.forget_member(db, member_ref=community["ana"])

    with db.read() as session:
        (log,) = session.exec(select(ErasureLog)).all()
    assert (log.id, log.member_id, log.erased_at) == (
        report.erasure_id,
        community["ana"],
        report.erased_at,
    )
    assert log.counts == {
        "erased": report.erased,
        "deleted": report.deleted,
        "mentions": report.mentions,
    }
    stored = json.dumps(log.counts) + report.model_dump_json()
    assert CANARY not in stored
    assert "Ana" not in stored


def test_forgetting_twice_is_refused_and_changes_nothing(
    db: Database, community: dict[str, int]
) -> None:
    data_rights.forget_member(db, member_ref=community["ana"])
    before = data_rights.export_member_data(db, member_ref=community["ana"])

    with pytest.raises(Conflict, match=f"member #{community['ana']} was already forgotten on"):
        data_rights.forget_member(db, member_ref=community["ana"])

    assert data_rights.export_member_data(db, member_ref=community["ana"]) == before
    with db.read() as session:
        assert len(session.exec(select(ErasureLog)).all()) == 1


def test_preview_counts_what_forget_then_does_and_changes_nothing(
    db: Database, community: dict[str, int]
) -> None:
    before = data_rights.export_member_data(db, member_ref=community["ana"])

    preview = data_rights.forget_preview(db, member_ref=community["ana"])

    assert data_rights.export_member_data(db, member_ref=community["ana"]) == before
    assert (preview.name, preview.forgotten_on) == (f"Ana {CANARY}", None)
    report = data_rights.forget_member(db, member_ref=community["ana"])
    assert (preview.erased, preview.deleted) == (report.erased, report.deleted)
    assert preview.mentions == report.mentions
    again = data_rights.forget_preview(db, member_ref=community["ana"])
    assert again.forgotten_on == report.erased_at


def test_a_member_with_only_a_handle_is_forgotten_without_touching_others(
    db: Database,
) -> None:
    ana = add(db, f"Ana {CANARY}", handle=CANARY)
    bo = add(db, "Bo", handle="bo")

    data_rights.forget_member(db, member_ref=ana)

    with db.read() as session:
        rows = session.exec(select(Member.id, Member.name, Member.handle)).all()
    assert sorted(rows) == [
        (ana, f"Forgotten member #{ana}", f"forgotten-{ana}"),
        (bo, "Bo", "bo"),
    ]


def test_pending_nominations_and_applications_are_closed_with_their_text_erased(
    db: Database,
) -> None:
    dee = add(db, "Dee Okafor", handle="dee")
    add(db, "Bo", handle="bo")
    nominations.nominate(db, member_ref="dee", reason="Dee hosts the best calls", by_ref="bo")
    circles.create_circle(
        db, data=CircleCreate(name="Writers", visibility=CircleVisibility.APPLICATION)
    )
    applications.apply_to_circle(db, circle_ref="Writers", member_ref=dee, answer="I write")

    report = data_rights.forget_member(db, member_ref=dee)

    (nomination,) = nominations.list_nominations(db, status=None)
    assert (nomination.status, nomination.reason, nomination.decided_on) == (
        "declined",
        "[erased]",
        dt.date(2026, 11, 21),
    )
    assert nomination.nominated_by == "Bo"
    (application,) = applications.list_applications(db, status=None)
    assert (application.status, application.answer) == ("withdrawn", "")
    assert (report.erased["nomination"], report.erased["application"]) == (1, 1)
