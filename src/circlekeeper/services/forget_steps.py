"""The statements that forget one member, as data: each step names a table, the rows it touches
and what they become (or that they go), so the same steps can be counted for a preview and run
for real inside one write transaction.

Attendance rows, memberships, role assignments and the member row itself stay (anonymous now),
so every count that does not need a name — sessions held, attendance rates, circle sizes over
time — is the same after forgetting as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, String, Table, and_, case, cast, delete, func, or_, select
from sqlalchemy import update as sql_update
from sqlmodel import Session

from circlekeeper.algorithms.mentions import ERASED, Mentions
from circlekeeper.models.enums import ApplicationStatus, MemberStatus, NominationStatus
from circlekeeper.services.member_data import (
    DRAFT_TABLE,
    FREE_TEXT,
    TextColumn,
    mentioned_rows,
    primary_key,
    tables,
)
from circlekeeper.services.members import LEFT_COMMUNITY_REASON
from circlekeeper.text import handle_key, sort_key


def placeholder_name(member_id: int) -> str:
    """The name a forgotten member's row carries: no trace of the person, still countable."""
    return f"Forgotten member #{member_id}"


def placeholder_handle(member_id: int) -> str:
    """The handle a forgotten member's row carries (a member needs an email or a handle)."""
    return f"forgotten-{member_id}"


@dataclass(frozen=True)
class Step:
    """Rows of `table` that match `where`: changed to `values`, or deleted when values is None."""

    table: str
    where: ColumnElement[bool]
    values: dict[str, Any] | None = None


@dataclass
class Tally:
    """Distinct rows touched per table, as primary keys, for the three kinds of erasure."""

    erased: dict[str, set[tuple[Any, ...]]] = field(default_factory=dict)
    deleted: dict[str, set[tuple[Any, ...]]] = field(default_factory=dict)
    mentions: dict[str, set[tuple[Any, ...]]] = field(default_factory=dict)

    def add(self, kind: str, table: str, keys: Iterable[tuple[Any, ...]]) -> None:
        """Count `keys` of `table` under `kind` ("erased", "deleted" or "mentions")."""
        found = set(keys)
        if found:
            getattr(self, kind).setdefault(table, set()).update(found)

    def counts(self) -> dict[str, dict[str, int]]:
        """Row counts per kind and table, sorted by table: what the report and the log hold."""
        return {
            kind: {name: len(keys) for name, keys in sorted(getattr(self, kind).items())}
            for kind in ("erased", "deleted", "mentions")
        }


def steps(member_id: int, *, today: dt.date, now: dt.datetime) -> list[Step]:
    """Every statement that erases the member's own data, in the order they run."""
    t = tables()
    ambassador_ids = select(t["ambassador"].c.id).where(t["ambassador"].c.member_id == member_id)
    nomination, application, membership = t["nomination"], t["application"], t["membership"]
    checkin, event = t["checkin"], t["role_event"]
    pending_nomination = nomination.c.status == NominationStatus.PENDING.value
    pending_application = application.c.status == ApplicationStatus.PENDING.value
    return [
        Step("member_tag", t["member_tag"].c.member_id == member_id),
        Step("recognition", t["recognition"].c.member_id == member_id),
        Step("incident_person", t["incident_person"].c.member_id == member_id),
        _cleared(t["recognition"], "given_by", t["recognition"].c.given_by_id == member_id),
        Step(
            "checkin",
            and_(
                checkin.c.member_id == member_id,
                or_(cast(checkin.c.answers, String) != "{}", checkin.c.mood.is_not(None)),
            ),
            {"answers": {}, "mood": None, **bump(checkin, now)},
        ),
        Step(
            "nomination",
            nomination.c.member_id == member_id,
            {
                "reason": ERASED,
                "focus": "",
                "decision_note": "",
                "status": case(
                    (pending_nomination, NominationStatus.DECLINED.value),
                    else_=nomination.c.status,
                ),
                "decided_on": func.coalesce(nomination.c.decided_on, today),
                "decided_by": case(
                    (pending_nomination, LEFT_COMMUNITY_REASON), else_=nomination.c.decided_by
                ),
            },
        ),
        _cleared(nomination, "nominated_by", nomination.c.nominated_by_id == member_id),
        Step(
            "application",
            application.c.member_id == member_id,
            {
                "answer": "",
                "decision_note": "",
                "status": case(
                    (pending_application, ApplicationStatus.WITHDRAWN.value),
                    else_=application.c.status,
                ),
                "decided_on": func.coalesce(application.c.decided_on, today),
                "decided_by": case(
                    (pending_application, LEFT_COMMUNITY_REASON), else_=application.c.decided_by
                ),
            },
        ),
        _cleared(t["review_entry"], "note", t["review_entry"].c.member_id == member_id),
        _cleared(t["role_skip"], "reason", t["role_skip"].c.member_id == member_id),
        _cleared(
            event,
            "reason",
            or_(event.c.member_id == member_id, event.c.other_member_id == member_id),
        ),
        Step(
            "membership",
            and_(membership.c.member_id == member_id, membership.c.leave_reason.is_not(None)),
            {"leave_reason": None},
        ),
        Step(
            "membership",
            and_(membership.c.member_id == member_id, membership.c.left_on.is_(None)),
            {
                "left_on": case(
                    (membership.c.joined_on > today, membership.c.joined_on), else_=today
                ),
                "leave_reason": LEFT_COMMUNITY_REASON,
            },
        ),
        _cleared(t["ambassador"], "note", t["ambassador"].c.member_id == member_id, now=now),
        _cleared(
            t["ambassador_rest"], "reason", t["ambassador_rest"].c.ambassador_id.in_(ambassador_ids)
        ),
        _cleared(
            t["goal_progress"], "note", t["goal_progress"].c.ambassador_id.in_(ambassador_ids)
        ),
        Step("member", t["member"].c.id == member_id, anonymous_member(member_id, now)),
    ]


def anonymous_member(member_id: int, now: dt.datetime) -> dict[str, Any]:
    """The member row's new values: no name, contact, place or consent; status left."""
    name = placeholder_name(member_id)
    handle = placeholder_handle(member_id)
    return {
        "name": name,
        "name_key": sort_key(name),
        "email": None,
        "email_key": None,
        "handle": handle,
        "handle_key": handle_key(handle),
        "timezone": "UTC",
        "status": MemberStatus.LEFT.value,
        "paused_until": None,
        "consent_named": False,
        "consent_recognised": False,
        **bump(tables()["member"], now),
    }


def bump(table: Table, now: dt.datetime) -> dict[str, Any]:
    """A new version and updated_at for tables that have them, so open editors see the change."""
    values: dict[str, Any] = {}
    if "version" in table.c:
        values["version"] = table.c.version + 1
    if "updated_at" in table.c:
        values["updated_at"] = now
    return values


def _cleared(
    table: Table, column: str, where: ColumnElement[bool], *, now: dt.datetime | None = None
) -> Step:
    """A step that empties one text column where it is not empty yet."""
    values: dict[str, Any] = {column: ""}
    if now is not None:
        values.update(bump(table, now))
    return Step(table.name, and_(where, table.c[column] != ""), values)


def count_step(session: Session, step: Step, tally: Tally) -> None:
    """Count the rows a step would touch, without touching them."""
    table = tables()[step.table]
    keys = session.execute(select(*table.primary_key.columns).where(step.where)).all()
    tally.add("deleted" if step.values is None else "erased", step.table, map(tuple, keys))


def run_step(session: Session, step: Step, tally: Tally) -> None:
    """Count a step's rows, then change or delete them."""
    count_step(session, step, tally)
    table = tables()[step.table]
    if step.values is None:
        session.execute(delete(table).where(step.where))
    else:
        session.execute(sql_update(table).where(step.where).values(**step.values))


def erase_mentions(
    session: Session, mentions: Mentions, tally: Tally, *, now: dt.datetime, apply: bool
) -> None:
    """Find every free-text cell that names the member and, when `apply`, put ERASED in place
    of each mention (cut to the column's limit when the placeholder makes it longer)."""
    for column in FREE_TEXT:
        found = mentioned_rows(session, mentions, column)
        if not apply:  # a preview: rows the steps delete or clear are not counted twice
            own = tally.deleted.get(column.table, set()) | tally.erased.get(column.table, set())
            found = [(key, value) for key, value in found if key not in own]
        tally.add("mentions", column.table, (key for key, _ in found))
        if apply:
            for key, value in found:
                _rewrite(session, column, key, _erased(mentions, column, value), now)


def _erased(mentions: Mentions, column: TextColumn, value: Any) -> Any:
    """A cell's value with the mentions erased, within the column's length limit."""
    if column.json:
        return mentions.erase_json(value)
    text = mentions.erase(str(value))
    return text[: column.limit] if column.limit is not None else text


def _rewrite(
    session: Session, column: TextColumn, key: tuple[Any, ...], value: Any, now: dt.datetime
) -> None:
    """Write one cell, found by its row's primary key (with a new version where there is one)."""
    table = tables()[column.table]
    where = and_(*(pk == part for pk, part in zip(table.primary_key.columns, key, strict=True)))
    session.execute(
        sql_update(table).where(where).values({column.column: value, **bump(table, now)})
    )


def erase_drafts(
    session: Session,
    member_id: int,
    mentions: Mentions,
    tally: Tally,
    *,
    apply: bool,
) -> None:
    """Session-runner drafts: the member's answers and mood go, their name becomes the
    placeholder, and mentions in the notes and others' answers are erased."""
    table = tables()[DRAFT_TABLE]
    for row in session.execute(select(table)).mappings().all():
        payload = row["payload"]
        if not isinstance(payload, dict):
            continue
        own = without_member(payload, member_id)
        scrubbed = mentions.erase_json(own)
        key = primary_key(table, row)
        if own != payload:
            tally.add("erased", DRAFT_TABLE, [key])
        if scrubbed != own:
            tally.add("mentions", DRAFT_TABLE, [key])
        if apply and scrubbed != payload:
            session.execute(
                sql_update(table).where(table.c.session_id == key[0]).values(payload=scrubbed)
            )


def without_member(payload: dict[str, Any], member_id: int) -> dict[str, Any]:
    """A draft's payload without the member's answers and mood, their name the placeholder."""
    key = str(member_id)
    result = dict(payload)
    for part in ("answers", "mood"):
        entries = result.get(part)
        if isinstance(entries, dict) and key in entries:
            result[part] = {k: v for k, v in entries.items() if k != key}
    names = result.get("names")
    if isinstance(names, dict) and key in names:
        result["names"] = {**names, key: placeholder_name(member_id)}
    return result
