"""Loading the bundled sample community through the normal services, so the demo obeys the rules."""

from __future__ import annotations

import csv
import datetime as dt
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from circlekeeper import clock, paths
from circlekeeper.db import Database
from circlekeeper.models import (
    CheckInCreate,
    CircleCreate,
    CircleStatus,
    MemberCreate,
    MemberRead,
    MemberStatus,
)
from circlekeeper.models.enums import Weekday
from circlekeeper.models.fields import parse_tags
from circlekeeper.services import circles, members, rituals, rota, sessions
from circlekeeper.services.errors import InvalidInput, ServiceError
from circlekeeper.services.validation import parse
from circlekeeper.text import handle_key, identity_key, quoted

MEMBERS_FILE = "members.csv"
COMMUNITY_FILE = "community.toml"
CSV_COLUMNS = ("name", "email", "handle", "timezone", "joined_on", "tags")
CIRCLE_ONLY_KEYS = ("status", "members", "members_since", "ritual")

_STATUS_STEPS: dict[CircleStatus, tuple[CircleStatus, ...]] = {
    CircleStatus.FORMING: (),
    CircleStatus.ACTIVE: (CircleStatus.ACTIVE,),
    CircleStatus.PAUSED: (CircleStatus.ACTIVE, CircleStatus.PAUSED),
    CircleStatus.CLOSED: (CircleStatus.CLOSED,),
}


class SampleCommunitySummary(BaseModel):
    """What loading the sample community added: counts a facilitator can read at a glance."""

    community: str
    members: int
    circles: int
    memberships: int
    paused: int
    left: int
    sessions_held: int = 0
    ambassadors: int = 0
    recognitions: int = 0


def load_sample_community(
    db: Database, *, sample_dir: Path | None = None
) -> SampleCommunitySummary:
    """Add the sample members, circles, seats and statuses to `db` through the normal services.

    Each step is its own service call (and transaction); callers that need all-or-nothing build
    into a scratch file first, as services.demo does. Dates in the files are moved forward by whole
    weeks from the community's `as_of` date to today, so the sample never looks stale.
    """
    folder = sample_dir or paths.bundled_dir("sample_data")
    community = _read_toml(folder / COMMUNITY_FILE)
    info = _table(community.get("community", {}), f"{COMMUNITY_FILE} [community]")
    with _located(f"{COMMUNITY_FILE} [community]"):
        as_of = _date(info.get("as_of"), "as_of")
    shift = dt.timedelta(weeks=(clock.today() - as_of).days // 7) if as_of else dt.timedelta()

    directory: dict[str, MemberRead] = {}
    member_count = 0
    for where, data in _read_members(folder / MEMBERS_FILE, shift):
        with _located(where):
            member = members.add_member(db, data=data)
        member_count += 1
        for key in _member_keys(member):
            directory[key] = member

    circle_entries = _list(community.get("circles", []), f"{COMMUNITY_FILE} circles")
    seat_count = 0
    for index, raw in enumerate(circle_entries, start=1):
        entry = _table(raw, f"{COMMUNITY_FILE} circle #{index}")
        where = f"{COMMUNITY_FILE} circle {entry.get('name', f'#{index}')!r}"
        seat_count += _load_circle(db, entry, where=where, shift=shift, directory=directory)

    status_entries = _list(community.get("member_status", []), f"{COMMUNITY_FILE} member_status")
    paused = left = 0
    for index, raw in enumerate(status_entries, start=1):
        where = f"{COMMUNITY_FILE} member_status #{index}"
        entry = _table(raw, where)
        status = _apply_status(db, entry, where=where, shift=shift, directory=directory)
        paused += status is MemberStatus.PAUSED
        left += status is MemberStatus.LEFT

    history = _table(community.get("history", {}), f"{COMMUNITY_FILE} [history]")
    with _located(f"{COMMUNITY_FILE} [history]"):
        sessions_held = _add_history(db, history)

    from circlekeeper.services.sample_programme import load_sample_programme

    with _located(f"{COMMUNITY_FILE} ambassadors and recognition"):
        programme = load_sample_programme(
            db,
            community,
            lookup=lambda ref: _lookup(directory, ref),
            shift=shift,
            today=clock.today(),
        )
    return SampleCommunitySummary(
        community=str(info.get("name", "")),
        sessions_held=sessions_held,
        ambassadors=programme.ambassadors,
        recognitions=programme.recognitions,
        members=member_count,
        circles=len(circle_entries),
        memberships=seat_count,
        paused=paused,
        left=left,
    )


def _load_circle(
    db: Database,
    entry: dict[str, Any],
    *,
    where: str,
    shift: dt.timedelta,
    directory: dict[str, MemberRead],
) -> int:
    """Create one circle, seat its members, walk it to its status; returns the seats added."""
    with _located(where):
        fields = {key: value for key, value in entry.items() if key not in CIRCLE_ONLY_KEYS}
        for key in ("starts_on", "ends_on"):
            if key in fields:
                fields[key] = _shifted(_date(fields[key], key), shift)
        if "ritual" in entry:
            fields["ritual_id"] = rituals.get_ritual(db, ref=str(entry["ritual"])).id
        since = _shifted(_date(entry.get("members_since"), "members_since"), shift)
        if since and "starts_on" not in fields:
            fields["starts_on"] = since
        data = parse(CircleCreate, **fields)
        status = CircleStatus(str(entry.get("status", CircleStatus.FORMING.value)))
        refs = _list(entry.get("members", []), "members")
        seated = [_lookup(directory, ref) for ref in refs]
        circle = circles.create_circle(db, data=data)
        for member in seated:
            joined = max(since, member.joined_on) if since else None
            circles.add_member_to_circle(
                db, circle_ref=circle.id, member_ref=member.id, joined_on=joined
            )
        for step in _STATUS_STEPS[status]:
            circles.set_circle_status(db, ref=circle.id, status=step)
    return len(seated)


def _add_history(db: Database, history: dict[str, Any]) -> int:
    """Hold the last few sessions of every active circle (with sample answers), plan the next
    ones and who facilitates, keeps time and takes notes at them.

    Deterministic: members take the sample answers in turn, every `absent_every`-th seat is
    absent, and the sessions fall on the circle's own meeting days before today.
    """
    answers = [_table(item, "answers") for item in _list(history.get("answers", []), "answers")]
    per_circle = int(history.get("sessions", 0))
    absent_every = max(2, int(history.get("absent_every", 4)))
    held = 0
    turn = 0
    page = circles.list_circles(db, status=CircleStatus.ACTIVE, limit=1000)
    for row in page.items:
        detail = circles.get_circle(db, ref=row.id)
        if not detail.members or detail.weekday is None:
            continue
        weekday = list(Weekday).index(detail.weekday)
        days_back = (clock.today().weekday() - weekday) % 7 or 7
        last = clock.today() - dt.timedelta(days=days_back)
        step = dt.timedelta(weeks=detail.cadence_interval if detail.cadence != "monthly" else 4)
        for index in range(per_circle):
            day = last - step * (per_circle - 1 - index)
            if detail.starts_on and day < detail.starts_on:
                continue
            session = sessions.record_session(db, circle_ref=row.id, day=day)
            prompts = session.prompts or ["Notes"]
            entries: dict[int, CheckInCreate] = {}
            for seat, stay in enumerate(detail.members):
                if stay.joined_on > day:
                    continue
                turn += 1
                if (seat + index) % absent_every == absent_every - 1:
                    entries[stay.member_id] = CheckInCreate(attendance="absent", answers={})
                    continue
                sample = answers[turn % len(answers)] if answers else {}
                text = str(sample.get("text", ""))
                entries[stay.member_id] = CheckInCreate(
                    attendance="present",
                    answers={prompts[turn % len(prompts)]: text} if text else {},
                    mood=3 + turn % 3,
                    visibility=str(sample.get("visibility", "private")),
                )
            sessions.save_session_run(db, session_id=session.id, checkins=entries)
            held += 1
        sessions.plan_sessions(db, circle_ref=row.id)
        rota.plan_roles(db, circle_ref=row.id)
    return held


def _apply_status(
    db: Database,
    entry: dict[str, Any],
    *,
    where: str,
    shift: dt.timedelta,
    directory: dict[str, MemberRead],
) -> MemberStatus:
    """Pause a member (optionally until a date) or record that they left, with the reason."""
    with _located(where):
        member = _lookup(directory, entry.get("member"))
        status = MemberStatus(str(entry.get("status")))
        if status is MemberStatus.PAUSED:
            until = _shifted(_date(entry.get("paused_until"), "paused_until"), shift)
            members.pause_member(db, ref=member.id, until=until)
        elif status is MemberStatus.LEFT:
            members.leave_member(db, ref=member.id, reason=entry.get("reason"))
    return status


def _read_members(path: Path, shift: dt.timedelta) -> Iterator[tuple[str, MemberCreate]]:
    """Validated members from the CSV, each with its 'file line N' location for error messages."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InvalidInput(f"cannot read sample data {path}: {exc.strerror}") from exc
    with handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != CSV_COLUMNS:
            raise InvalidInput(f"{path.name}: the header must be {','.join(CSV_COLUMNS)}")
        for row in reader:
            where = f"{path.name} line {reader.line_num}"
            with _located(where):
                try:
                    tags = parse_tags(row["tags"] or "")
                except ValueError as exc:
                    raise InvalidInput(f"tags: {exc}") from exc
                data = parse(
                    MemberCreate,
                    name=row["name"] or "",
                    email=row["email"],
                    handle=row["handle"],
                    timezone=row["timezone"] or "UTC",
                    joined_on=row["joined_on"],
                    tags=tags,
                )
            if data.joined_on is not None:
                data = data.model_copy(update={"joined_on": data.joined_on + shift})
            yield where, data


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise InvalidInput(f"cannot read sample data {path}: {exc.strerror}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path.name} is not valid TOML: {exc}") from exc


def _member_keys(member: MemberRead) -> list[str]:
    keys = []
    if member.email:
        keys.append(identity_key(member.email))
    if member.handle:
        keys.append(handle_key(member.handle))
    return keys


def _lookup(directory: dict[str, MemberRead], ref: object) -> MemberRead:
    text = str(ref or "")
    member = directory.get(identity_key(text)) or directory.get(handle_key(text))
    if member is None:
        raise InvalidInput(f"no member in {MEMBERS_FILE} has the email or handle {quoted(text)}")
    return member


def _date(value: object, field: str) -> dt.date | None:
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise InvalidInput(f"{field}: {quoted(value)} is not a date (YYYY-MM-DD)") from exc


def _shifted(value: dt.date | None, shift: dt.timedelta) -> dt.date | None:
    return None if value is None else value + shift


def _table(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidInput(f"{where} must be a table")
    return value


def _list(value: object, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise InvalidInput(f"{what} must be a list")
    return value


@contextmanager
def _located(where: str) -> Iterator[None]:
    """Prefix a refusal with where in the sample files it came from."""
    try:
        yield
    except ServiceError as exc:
        raise InvalidInput(f"sample data {where}: {exc.message}") from exc
    except ValueError as exc:
        raise InvalidInput(f"sample data {where}: {exc}") from exc
