"""Turning read models into table cells and detail Content; user text is never parsed as markup."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from textual.content import Content

if TYPE_CHECKING:
    from circlekeeper.models import (
        CircleDetail,
        CircleRow,
        MemberDetail,
        MemberRow,
        MemberSessionRead,
        SessionDetail,
        SessionRead,
    )

Part = str | tuple[str, str]


def _lines(parts: Iterable[Part | None]) -> Content:
    pieces: list[str | tuple[str, str]] = []
    for part in parts:
        if part is None:
            continue
        pieces.append(part)
    return Content.assemble(*pieces)


def _field(label: str, value: object) -> list[Part]:
    return [(f"{label}: ", "bold"), "" if value is None else str(value), "\n"]


def member_contact(email: str | None, handle: str | None) -> str:
    """Handle and email on one line, whichever exist."""
    return " · ".join(part for part in (handle, email) if part)


def member_status(status: str, paused_until: object) -> str:
    """ "paused until 2027-01-05" or the plain status."""
    if status == "paused" and paused_until:
        return f"paused → {paused_until}"
    return str(status)


def format_tags(tags: dict[str, str]) -> str:
    """`k=v; k=v` in key order."""
    return "; ".join(f"{key}={value}" for key, value in sorted(tags.items()))


def member_cells(row: MemberRow) -> tuple[str, ...]:
    """The cells of one member line."""
    return (
        row.name,
        member_contact(row.email, row.handle),
        member_status(row.status.value, row.paused_until),
        str(row.circle_count),
        format_tags(row.tags),
    )


def member_detail(detail: MemberDetail, upcoming: Sequence[MemberSessionRead] = ()) -> Content:
    """The member detail pane, with their next sessions in their own time."""
    parts: list[Part] = [(detail.name, "bold $accent"), "\n\n"]
    parts += _field("Email", detail.email or "—")
    parts += _field("Handle", detail.handle or "—")
    parts += _field("Status", member_status(detail.status.value, detail.paused_until))
    parts += _field("Timezone", detail.timezone)
    parts += _field("Joined", detail.joined_on)
    parts += _field("Tags", format_tags(detail.tags) or "—")
    parts += _field("May be named in community exports", "yes" if detail.consent_named else "no")
    parts += _field("May be recognised publicly", "yes" if detail.consent_recognised else "no")
    current = [c for c in detail.circles if c.left_on is None]
    past = [c for c in detail.circles if c.left_on is not None]
    parts += ["\n", ("Circles", "bold"), "\n"]
    if not current:
        parts.append(("  in no circle\n", "italic"))
    for stay in current:
        parts += ["  • ", stay.circle_name, f"  since {stay.joined_on}\n"]
    if past:
        parts += ["\n", ("Earlier circles", "bold"), "\n"]
        for stay in past:
            reason = f" — {stay.leave_reason}" if stay.leave_reason else ""
            parts += [
                "  • ",
                stay.circle_name,
                f"  {stay.joined_on} → {stay.left_on}",
                reason,
                "\n",
            ]
    if upcoming:
        parts += ["\n", (f"Next sessions (their time, {detail.timezone})", "bold"), "\n"]
        for session in upcoming:
            mine = session.member_local_start
            theirs = session.local_start
            parts += [f"  • {mine:%a %d %b %H:%M}  ", session.circle_name]
            if mine.utcoffset() != theirs.utcoffset():
                parts.append((f"  ({theirs:%H:%M} {session.timezone})", "dim"))
            parts.append("\n")
    parts.append(("\nversion " + str(detail.version), "dim"))
    return _lines(parts)


def cadence_text(cadence: str, interval: int, weekday: str | None, time: str | None) -> str:
    """ "weekly · tue 18:30" and the like."""
    base = {"weekly": "weekly", "monthly": "monthly"}.get(cadence, f"every {interval}w")
    when = " ".join(part for part in (weekday, time) if part)
    return f"{base} · {when}" if when else base


def circle_cells(row: CircleRow) -> tuple[str, ...]:
    """The cells of one circle line."""
    return (
        row.name,
        row.kind.value,
        f"{row.size}/{row.max_size}",
        row.status.value,
        cadence_text(
            row.cadence.value,
            row.cadence_interval,
            row.weekday and row.weekday.value,
            row.meeting_time,
        ),
    )


def circle_detail(detail: CircleDetail) -> Content:
    """The circle detail pane: seats, rhythm, purpose, agreements, members."""
    parts: list[Part] = [(detail.name, "bold $accent"), "\n\n"]
    for warning in detail.warnings:
        parts += [("⚠ ", "$warning"), (warning, "$warning"), "\n"]
    if detail.warnings:
        parts.append("\n")
    parts += _field("Seats", f"{detail.size} of {detail.max_size} taken (min {detail.min_size})")
    parts += _field("Kind", detail.kind.value)
    parts += _field("Status", detail.status.value)
    parts += _field("Visibility", detail.visibility.value)
    weekday = detail.weekday.value if detail.weekday else None
    rhythm = cadence_text(
        detail.cadence.value, detail.cadence_interval, weekday, detail.meeting_time
    )
    parts += _field("Rhythm", f"{rhythm} ({detail.timezone})")
    parts += _field("Ritual", detail.ritual_name or "—")
    if detail.starts_on or detail.ends_on:
        parts += _field("Runs", f"{detail.starts_on or '…'} → {detail.ends_on or '…'}")
    if detail.purpose:
        parts += ["\n", ("Purpose", "bold"), "\n", detail.purpose, "\n"]
    if detail.trust_focus:
        parts += _field("Trust focus", detail.trust_focus)
    if detail.agreements:
        parts += ["\n", ("Agreements", "bold"), "\n", detail.agreements, "\n"]
    parts += ["\n", (f"Members ({detail.size})", "bold"), "\n"]
    if not detail.members:
        parts.append(("  nobody yet — press a to add someone\n", "italic"))
    for stay in detail.members:
        parts += ["  • ", stay.name, (f"  since {stay.joined_on}\n", "dim")]
    if detail.past_members:
        parts += ["\n", ("Earlier members", "bold"), "\n"]
        for stay in detail.past_members:
            reason = f" — {stay.leave_reason}" if stay.leave_reason else ""
            parts += ["  • ", stay.name, f"  {stay.joined_on} → {stay.left_on}", reason, "\n"]
    parts.append(("\nversion " + str(detail.version), "dim"))
    return _lines(parts)


def session_cells(row: SessionRead) -> tuple[str, ...]:
    """The cells of one session line: local date and time, circle, ritual, status."""
    local = row.local_start
    when = f"{local:%a %Y-%m-%d %H:%M}"
    status = row.status.value + (f" — {row.reason}" if row.reason else "")
    return (when, row.circle_name, row.ritual_name or "—", status)


def session_detail(detail: SessionDetail) -> Content:
    """The session detail pane: when, ritual, status and who checked in with what."""
    local = detail.local_start
    parts: list[Part] = [(detail.circle_name, "bold $accent"), "\n\n"]
    parts += _field("When", f"{local:%A %d %B %Y, %H:%M} ({detail.timezone})")
    parts += _field("Ritual", detail.ritual_name or "—")
    parts += _field("Status", detail.status.value)
    if detail.reason:
        parts += _field("Reason", detail.reason)
    if detail.notes:
        parts += ["\n", ("Notes", "bold"), "\n", detail.notes, "\n"]
    if detail.checkins:
        counts: dict[str, int] = {}
        for checkin in detail.checkins:
            counts[checkin.attendance.value] = counts.get(checkin.attendance.value, 0) + 1
        summary = ", ".join(f"{n} {state}" for state, n in sorted(counts.items()))
        parts += ["\n", ("Check-ins", "bold"), f"  {summary}\n"]
        for checkin in detail.checkins:
            parts += ["  • ", checkin.member_name, (f"  {checkin.attendance.value}", "dim")]
            if checkin.answers:
                parts.append((f"  [{checkin.visibility.value}]", "dim"))
            parts.append("\n")
            for prompt, answer in checkin.answers.items():
                parts += [("      " + prompt + ": ", "italic"), answer, "\n"]
    elif detail.status.value == "planned":
        parts.append(("\nPress enter to run this session.\n", "italic"))
    elif detail.status.value == "cancelled":
        parts.append(("\nPress x to restore it as planned.\n", "italic"))
    return _lines(parts)
