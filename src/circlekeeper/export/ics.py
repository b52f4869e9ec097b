"""Sessions as an iCalendar (.ics) file, so members can put their circle's meetings in a calendar.

Pure: read models in, text out. Each session keeps one UID for its whole life
(``session-<id>@circlekeeper``), so importing a newer export updates events instead of doubling
them; SEQUENCE follows the session's edit counter. Times are written in the circle's own
timezone with a TZID and the VTIMEZONE it needs, so an 18:30 Berlin meeting stays at 18:30 on
both sides of a daylight-saving change. Cancelled sessions are kept, marked STATUS:CANCELLED, so
a calendar that imported the meeting earlier learns that it is off.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from circlekeeper.models.enums import SessionStatus
from circlekeeper.models.ritual import RitualRead
from circlekeeper.models.role import AssignmentRead
from circlekeeper.models.session import SessionRead

DEFAULT_DURATION = dt.timedelta(minutes=60)
"""How long each meeting is shown as in the calendar."""

PRODID = "-//circlekeeper//circlekeeper sessions//EN"
UID_DOMAIN = "circlekeeper"
EXPORTED = frozenset({SessionStatus.PLANNED, SessionStatus.CANCELLED})
"""The statuses an export shows: meetings ahead, and those called off (so calendars drop them)."""


def session_uid(session_id: int) -> str:
    """The stable UID of a session's calendar event: derived from its id and nothing else."""
    return f"session-{session_id}@{UID_DOMAIN}"


def sessions_to_ics(
    sessions: Iterable[SessionRead],
    *,
    rituals: Mapping[int, RitualRead],
    stamp: dt.datetime,
    duration: dt.timedelta = DEFAULT_DURATION,
    name: str = "circlekeeper sessions",
    roles: Mapping[int, Sequence[AssignmentRead]] | None = None,
) -> str:
    """An iCalendar document with one VEVENT per planned or cancelled session, in time order.

    `rituals` (by id) supplies each event's description: the ritual's name and its prompts;
    `roles` (by session id) adds who facilitates, keeps time and takes notes, with deputies.
    `stamp` (an aware instant) becomes every event's DTSTAMP: when this export was made.
    Held sessions and those that did not happen are history, not calendar entries, and are left
    out. The result uses CRLF line endings, as RFC 5545 requires.
    """
    if stamp.tzinfo is None:
        raise ValueError("stamp must be timezone-aware")
    if duration <= dt.timedelta(0):
        raise ValueError("duration must be positive")
    chosen = sorted(
        (s for s in sessions if s.status in EXPORTED), key=lambda s: (s.starts_at, s.id)
    )
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    for session in chosen:
        calendar.add_component(
            _event(
                session,
                rituals,
                stamp.astimezone(dt.UTC),
                duration,
                (roles or {}).get(session.id, ()),
            )
        )
    if chosen:
        calendar.add_missing_timezones(
            first_date=chosen[0].local_date - dt.timedelta(days=1),
            last_date=chosen[-1].local_date + dt.timedelta(days=2),
        )
    return calendar.to_ical().decode("utf-8")


def _event(
    session: SessionRead,
    rituals: Mapping[int, RitualRead],
    stamp: dt.datetime,
    duration: dt.timedelta,
    roles: Sequence[AssignmentRead] = (),
) -> Event:
    zone = ZoneInfo(session.timezone)
    start = session.starts_at.astimezone(zone)
    end = (session.starts_at + duration).astimezone(zone)
    event = Event()
    event.add("uid", session_uid(session.id))
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", session.circle_name)
    description = "\n".join(
        part for part in (_roles_text(roles), _description(session, rituals)) if part
    )
    if description:
        event.add("description", description)
    event.add("sequence", max(session.version - 1, 0))
    cancelled = session.status == SessionStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def _roles_text(roles: Sequence[AssignmentRead]) -> str:
    """ "Facilitator: Ana (deputy: Bea)" lines, one per role, for the event description."""
    lines = []
    for assignment in roles:
        who = assignment.member_name or "nobody yet"
        deputy = f" (deputy: {assignment.deputy_name})" if assignment.deputy_name else ""
        lines.append(f"{assignment.role.capitalize()}: {who}{deputy}")
    return "\n".join(lines)


def _description(session: SessionRead, rituals: Mapping[int, RitualRead]) -> str:
    ritual = rituals.get(session.ritual_id) if session.ritual_id is not None else None
    if ritual is None:
        return f"Ritual: {session.ritual_name}" if session.ritual_name else ""
    lines = [f"Ritual: {ritual.name}"]
    lines.extend(f"{number}. {prompt}" for number, prompt in enumerate(ritual.prompts, start=1))
    return "\n".join(lines)
