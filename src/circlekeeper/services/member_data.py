"""Where a member's data lives, found from the table metadata itself: every table with a foreign
key to member.id, the rows owned through those, and the free-text columns that may name them.

Both `member export` and `member forget` read from here, so a new table that refers to members
is exported at once and fails the data-rights tests until forgetting handles it too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Table, or_, select
from sqlmodel import Session, SQLModel

from circlekeeper.algorithms.mentions import Mentions
from circlekeeper.models import Member, register_tables
from circlekeeper.models.application import ANSWER_MAX, NOTE_MAX
from circlekeeper.models.incident import CONTACT_MAX, RESOLUTION_MAX, SUMMARY_MAX
from circlekeeper.models.recognition import MESSAGE_MAX
from circlekeeper.models.review import REVIEW_NOTE_MAX
from circlekeeper.services.nominations import REASON_MAX as NOMINATION_REASON_MAX
from circlekeeper.services.sessions import NOTES_MAX
from circlekeeper.services.validation import REASON_MAX

MEMBER_TABLE = "member"
CONTEXT_TABLES = {"incident_person": ("incident_id", "incident")}
"""Rows a member's link rows point at that belong in their export: the incidents they are in."""
DRAFT_TABLE = "session_draft"
DRAFT_KEYED = ("names", "attendance", "answers", "visibility", "mood")
"""The parts of a session runner's draft that are kept per member id."""


@dataclass(frozen=True)
class TextColumn:
    """A column of free text (or JSON holding text) that may name a member, and its limit."""

    table: str
    column: str
    limit: int | None = None
    json: bool = False


FREE_TEXT = (
    TextColumn("incident", "summary", SUMMARY_MAX),
    TextColumn("incident", "resolution", RESOLUTION_MAX),
    TextColumn("incident", "contact", CONTACT_MAX),
    TextColumn("incident", "alternate_contact", CONTACT_MAX),
    TextColumn("circle_session", "notes", NOTES_MAX),
    TextColumn("circle_session", "reason", REASON_MAX),
    TextColumn("checkin", "answers", json=True),
    TextColumn("recognition", "message", MESSAGE_MAX),
    TextColumn("recognition", "given_by"),
    TextColumn("nomination", "reason", NOMINATION_REASON_MAX),
    TextColumn("nomination", "nominated_by"),
    TextColumn("nomination", "decided_by"),
    TextColumn("nomination", "decision_note", REASON_MAX),
    TextColumn("application", "answer", ANSWER_MAX),
    TextColumn("application", "decided_by"),
    TextColumn("application", "decision_note", NOTE_MAX),
    TextColumn("review_entry", "note", REVIEW_NOTE_MAX),
    TextColumn("membership", "leave_reason", REASON_MAX),
    TextColumn("ambassador", "note"),
    TextColumn("ambassador_rest", "reason"),
    TextColumn("goal_progress", "note"),
    TextColumn("goal_progress", "by"),
    TextColumn("role_event", "reason"),
    TextColumn("role_event", "by"),
    TextColumn("role_skip", "reason"),
)
"""Every column where people write about each other; session drafts are searched apart."""


def tables() -> dict[str, Table]:
    """Every table of the schema by name (all table modules loaded first)."""
    register_tables()
    return dict(SQLModel.metadata.tables)


def member_links() -> dict[str, tuple[str, ...]]:
    """Each table with a foreign key to member.id, and the columns that hold one, by name."""
    found: dict[str, list[str]] = {}
    for name, table in sorted(tables().items()):
        for key in table.foreign_keys:
            if key.column.table.name == MEMBER_TABLE and key.column.name == "id":
                found.setdefault(name, []).append(key.parent.name)
    return {name: tuple(sorted(columns)) for name, columns in found.items()}


def owned_tables() -> dict[str, tuple[str, str]]:
    """Tables whose rows belong to a row of a member-linked table (an ambassador's goals):
    child table → (its foreign key column, the linked parent table)."""
    linked = member_links()
    found: dict[str, tuple[str, str]] = {}
    for name, table in sorted(tables().items()):
        if name in linked or name == MEMBER_TABLE:
            continue
        for key in table.foreign_keys:
            parent = key.column.table.name
            if parent in linked and key.column.name == "id":
                found[name] = (key.parent.name, parent)
    return found


def mentions_of(member: Member) -> Mentions:
    """The matcher for how this member is written down in other people's text."""
    return Mentions.of(member.name, member.email, member.handle)


def primary_key(table: Table, row: Any) -> tuple[Any, ...]:
    """The primary-key values of a row read from `table`."""
    return tuple(row[column.name] for column in table.primary_key.columns)


def rows_where(session: Session, table: Table, where: ColumnElement[bool]) -> list[Any]:
    """Whole rows of `table` matching `where`, as mappings, in primary-key order."""
    query = select(table).where(where).order_by(*table.primary_key.columns)
    return list(session.execute(query).mappings().all())


def linked_where(table: Table, columns: Iterable[str], member_id: int) -> ColumnElement[bool]:
    """Rows of `table` that point at the member through any of `columns`."""
    return or_(*(table.c[column] == member_id for column in columns))


def mentioned_rows(
    session: Session, mentions: Mentions, column: TextColumn
) -> list[tuple[tuple[Any, ...], Any]]:
    """(primary key, value) of the rows whose `column` names the member."""
    table = tables()[column.table]
    cell = table.c[column.column]
    query = select(*table.primary_key.columns, cell)
    if not column.json:
        query = query.where(cell.is_not(None), cell != "")
    found = []
    for row in session.execute(query).mappings():
        value = row[column.column]
        hit = mentions.found_in_json(value) if column.json else mentions.found_in(str(value))
        if hit:
            found.append((primary_key(table, row), value))
    return found


def draft_part(payload: dict[str, Any], member_id: int) -> dict[str, Any]:
    """The member's own entries in a session runner's draft (their name, answers, mood…)."""
    key = str(member_id)
    part: dict[str, Any] = {}
    for name in DRAFT_KEYED:
        entries = payload.get(name)
        if isinstance(entries, dict) and key in entries:
            part[name] = entries[key]
    return part
