"""Members' data rights: everything the database holds about a member as one JSON document, and
forgetting a member — their personal data erased everywhere in one write transaction while the
anonymous counts stay true — recorded in an erasure log that holds no personal data.

After forgetting, the write-ahead log is checkpointed and truncated; with secure_delete on for
every connection (db/connection.py) no byte of the erased text is left in the database file or
its -wal file. Backups taken before still hold it: the report says where they are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic_core import to_jsonable_python
from sqlalchemy import ColumnElement, Table, and_, or_
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from circlekeeper import clock, paths
from circlekeeper.db import Database
from circlekeeper.models import ErasureLog, ForgetPreview, ForgetReport, Member
from circlekeeper.models.ambassador import Ambassador
from circlekeeper.models.enums import AmbassadorStatus
from circlekeeper.services.ambassadors import retire_in_session
from circlekeeper.services.errors import Conflict
from circlekeeper.services.forget_steps import (
    Tally,
    count_step,
    erase_drafts,
    erase_mentions,
    placeholder_handle,
    placeholder_name,
    run_step,
    steps,
)
from circlekeeper.services.lookup import find_member
from circlekeeper.services.member_data import (
    CONTEXT_TABLES,
    DRAFT_TABLE,
    FREE_TEXT,
    MEMBER_TABLE,
    draft_part,
    linked_where,
    member_links,
    mentioned_rows,
    mentions_of,
    owned_tables,
    primary_key,
    rows_where,
    tables,
)
from circlekeeper.services.members import ensure_unique_contact
from circlekeeper.services.programme_settings import ProgrammeSettings, programme_settings
from circlekeeper.text import handle_key

CHUNK = 200
"""Rows fetched per query when reading rows back by their primary keys."""

FORGET_RULES: dict[str, str] = {
    "member": "name, email and handle replaced by a placeholder; timezone and consents reset; "
    "status 'left'",
    "member_tag": "every tag deleted",
    "membership": "stays kept as anonymous history, open ones ended today, leave reasons removed",
    "checkin": "answers and mood erased; attendance kept, so attendance figures stay true",
    "recognition": "recognitions they received deleted; 'given by' cleared on ones they gave",
    "nomination": "reasons, focus and notes erased (pending ones declined); 'nominated by' "
    "cleared on ones they made",
    "application": "answers and decision notes erased (pending ones withdrawn)",
    "review_entry": "notes erased; the choices stay as counts",
    "incident_person": "their links to incidents deleted",
    "role_assignment": "kept: which role was held when, under the placeholder name",
    "role_opt_out": "kept (holds no text)",
    "role_skip": "reasons erased; the dates stay",
    "role_event": "reasons erased; what changed stays",
    "ambassador": "made alumni (current goals end, planned rests go); note erased",
    "ambassador_focus": "kept (focus areas are programme presets, not about the person)",
    "ambassador_rest": "reasons erased; the dates stay",
    "goal": "kept: targets, not about the person",
    "goal_progress": "notes erased; the counts stay",
    "session_draft": "their answers and mood removed from unsaved session-runner drafts",
    "mentions": "their name, email and handle replaced by '[erased]' in incidents, session "
    "notes, other members' check-ins and recognitions, and every other free-text note",
}
"""What `forget_member` does to each table that refers to a member (the tests check that every
table with a foreign key to member.id, and every table owned through one, is listed)."""


def export_member_data(db: Database, *, member_ref: str | int) -> dict[str, Any]:
    """Everything the database holds about a member, as {table name: [row, …]} for json.dumps.

    There is a key for every table with a foreign key to member.id (an empty list when nothing
    is there), for the rows owned through those (an ambassador's goals), for the incidents the
    member is linked to, for their part of session-runner drafts, and for every table whose
    free text names them. It can hold other people's words about them: review it before sharing.
    """
    with db.read() as session:
        member = find_member(session, member_ref)
        found = _collect(session, member)
    ordered = [MEMBER_TABLE, *sorted(name for name in found if name != MEMBER_TABLE)]
    return {name: [to_jsonable_python(row) for row in found[name]] for name in ordered}


def _collect(session: Session, member: Member) -> dict[str, list[dict[str, Any]]]:
    """The member's rows per table, each table's rows in primary-key order."""
    member_id = _id(member.id)
    every = tables()
    found: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = {}

    def add(name: str, rows: Iterable[Any]) -> None:
        """Keep `rows` of table `name`, once each."""
        bucket = found.setdefault(name, {})
        for row in rows:
            bucket[primary_key(every[name], row)] = dict(row)

    add(
        MEMBER_TABLE,
        rows_where(session, every[MEMBER_TABLE], every[MEMBER_TABLE].c.id == member_id),
    )
    for name, columns in member_links().items():
        add(name, rows_where(session, every[name], linked_where(every[name], columns, member_id)))
    for name, (column, parent) in owned_tables().items():
        parent_ids = [key[0] for key in found.get(parent, {})]
        add(name, rows_where(session, every[name], every[name].c[column].in_(parent_ids)))
    for link, (column, parent) in CONTEXT_TABLES.items():
        keys = {(row[column],) for row in found.get(link, {}).values()}
        add(parent, rows_by_keys(session, every[parent], sorted(keys)))
    mentions = mentions_of(member)
    for text in FREE_TEXT:
        named = [key for key, _ in mentioned_rows(session, mentions, text)]
        add(text.table, rows_by_keys(session, every[text.table], named))
    found[DRAFT_TABLE] = {}
    for row in session.execute(sql_select(every[DRAFT_TABLE])).mappings().all():
        payload = row["payload"] if isinstance(row["payload"], dict) else {}
        part = draft_part(payload, member_id)
        notes = payload.get("notes")
        if isinstance(notes, str) and mentions.found_in(notes):
            part["notes"] = notes
        if part:
            found[DRAFT_TABLE][(row["session_id"],)] = {
                "session_id": row["session_id"],
                "updated_at": row["updated_at"],
                "payload": part,
            }
    return {name: [rows[key] for key in sorted(rows)] for name, rows in found.items()}


def rows_by_keys(session: Session, table: Table, keys: list[tuple[Any, ...]]) -> list[Any]:
    """Whole rows of `table` with these primary keys, a chunk of keys per query."""
    columns = list(table.primary_key.columns)
    rows: list[Any] = []
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        where: ColumnElement[bool]
        if len(columns) == 1:
            where = columns[0].in_([key[0] for key in chunk])
        else:
            where = or_(
                *(and_(*(c == v for c, v in zip(columns, key, strict=True))) for key in chunk)
            )
        rows += rows_where(session, table, where)
    return rows


def forget_preview(db: Database, *, member_ref: str | int) -> ForgetPreview:
    """What forgetting the member would erase, counted per table without changing anything
    (the mention counts are an estimate: the real run may find one or two more or fewer)."""
    with db.read() as session:
        member = find_member(session, member_ref)
        member_id = _id(member.id)
        tally = Tally()
        for step in steps(member_id, today=clock.today(), now=clock.now()):
            count_step(session, step, tally)
        mentions = mentions_of(member)
        erase_mentions(session, mentions, tally, now=clock.now(), apply=False)
        erase_drafts(session, member_id, mentions, tally, apply=False)
        return ForgetPreview(
            member_id=member_id,
            name=member.name,
            forgotten_on=_forgotten_at(session, member_id),
            **tally.counts(),
        )


def forget_member(
    db: Database, *, member_ref: str | int, settings: ProgrammeSettings | None = None
) -> ForgetReport:
    """Erase the member's personal data everywhere in one write transaction (see FORGET_RULES),
    log it without personal data, then checkpoint and truncate the write-ahead log.

    A member who was already forgotten is refused (Conflict): there is nothing left to erase.
    """
    settings = settings or programme_settings()
    now = clock.now()
    with db.write() as session:
        member = find_member(session, member_ref)
        member_id = _id(member.id)
        already = _forgotten_at(session, member_id)
        if already is not None:
            raise Conflict(
                f"member #{member_id} was already forgotten on {already:%Y-%m-%d}; "
                "there is nothing left to erase"
            )
        ensure_unique_contact(
            session, None, handle_key(placeholder_handle(member_id)), exclude_id=member_id
        )
        mentions = mentions_of(member)
        _retire(session, member_id, settings)
        tally = Tally()
        for step in steps(member_id, today=clock.today(), now=now):
            run_step(session, step, tally)
        erase_mentions(session, mentions, tally, now=now, apply=True)
        erase_drafts(session, member_id, mentions, tally, apply=True)
        counts = tally.counts()
        log = ErasureLog(erased_at=now, member_id=member_id, counts=counts)
        session.add(log)
        session.flush()
        erasure_id = _id(log.id)
    folder = paths.backups_dir(db.path)
    return ForgetReport(
        erasure_id=erasure_id,
        member_id=member_id,
        placeholder=placeholder_name(member_id),
        erased_at=now,
        checkpointed=checkpoint(db),
        backup_folder=str(folder),
        backups=_backup_count(folder),
        **counts,
    )


def checkpoint(db: Database) -> bool:
    """Copy the write-ahead log into the database and truncate it to nothing; False when
    another program's open read kept part of it (the -wal file may then still hold old text)."""
    with db.raw() as conn:
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return int(busy) == 0


def _retire(session: Session, member_id: int, settings: ProgrammeSettings) -> None:
    """An ambassador who is forgotten becomes alumni the way retiring does it."""
    ambassador = session.exec(
        select(Ambassador).where(col(Ambassador.member_id) == member_id)
    ).first()
    if ambassador is not None and ambassador.status != AmbassadorStatus.ALUMNI:
        retire_in_session(session, ambassador, why="", today=settings.today(), settings=settings)


def _forgotten_at(session: Session, member_id: int) -> dt.datetime | None:
    """When the member was forgotten, if they were."""
    return session.exec(
        select(ErasureLog.erased_at)
        .where(col(ErasureLog.member_id) == member_id)
        .order_by(col(ErasureLog.erased_at))
    ).first()


def _backup_count(folder: Path) -> int:
    """How many finished backup files are in `folder` (0 when it does not exist)."""
    if not folder.is_dir():
        return 0
    return sum(1 for path in folder.glob("*.db") if not path.name.startswith("."))


def _id(value: int | None) -> int:
    assert value is not None
    return value
