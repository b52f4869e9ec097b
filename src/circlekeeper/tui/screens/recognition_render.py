"""Recognition entries and suggestions as table cells and detail Content; names and messages are
other people's text, so they are never parsed as markup."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content

from circlekeeper.models.enums import Visibility
from circlekeeper.tui.widgets.paged_table import Column

if TYPE_CHECKING:
    from circlekeeper.models import RecognitionRead, Suggestion

Part = str | tuple[str, str]

FEED_COLUMNS = (
    Column("day", "Date", width=10),
    Column("kind", "Kind", width=9),
    Column("member", "Member", width=20),
    Column("message", "Message"),
    Column("badge", "Badge", width=14),
    Column("given_by", "Given by", width=14),
    Column("visibility", "Visibility", width=10),
)
SUGGESTION_COLUMNS = (
    Column("member", "Member", width=20),
    Column("offer", "Offer", width=20),
    Column("why", "Why"),
    Column("granted_as", "Granted as", width=10),
)

VISIBILITY_WORDS = {
    Visibility.PRIVATE: "private — the facilitator only",
    Visibility.CIRCLE: "circle — their circle's members",
    Visibility.COMMUNITY: "community — shareable with everyone",
}


def _field(label: str, value: str) -> list[Part]:
    return [(f"{label}: ", "bold"), value, "\n"]


def feed_cells(entry: RecognitionRead) -> tuple[str, ...]:
    """The cells of one feed line: date, kind, member, message, badge, giver, visibility."""
    return (
        str(entry.day),
        entry.kind.value,
        entry.member_name,
        entry.message,
        entry.badge or "",
        entry.given_by,
        entry.visibility.value,
    )


def entry_detail(entry: RecognitionRead) -> Content:
    """The detail pane for one entry of the log, with the whole message."""
    parts: list[Part] = [(entry.member_name, "bold $accent"), "\n\n"]
    parts += _field("Kind", entry.kind.value)
    if entry.badge:
        parts += _field("Badge", entry.badge)
    parts += _field("Date", str(entry.day))
    parts += _field("Given by", entry.given_by or "—")
    parts += _field("Visibility", VISIBILITY_WORDS[entry.visibility])
    parts += ["\n", ("Message", "bold"), "\n", entry.message, "\n"]
    parts.append((f"\nentry #{entry.id}, recorded {entry.created_at:%Y-%m-%d %H:%M} UTC", "dim"))
    return Content.assemble(*parts)


def granted_as(item: Suggestion) -> Visibility:
    """The visibility granting `item` with one key gives: public only with the member's consent."""
    return Visibility.COMMUNITY if item.public_allowed else Visibility.PRIVATE


def suggestion_offer(item: Suggestion) -> str:
    """ "badge: First steps" or the kind offered."""
    return f"badge: {item.badge}" if item.badge else item.kind.value


def suggestion_cells(item: Suggestion) -> tuple[str, ...]:
    """The cells of one suggestion line: who, what, why, and how it would be recorded."""
    return (item.member_name, suggestion_offer(item), item.evidence, granted_as(item).value)


def suggestion_detail(item: Suggestion) -> Content:
    """The detail pane for a highlighted suggestion: what granting it would record, and why."""
    parts: list[Part] = [("Suggestion: ", "bold"), (item.member_name, "bold $accent"), "\n\n"]
    parts += _field("Offer", suggestion_offer(item))
    parts += _field("Why", item.evidence)
    if item.public_allowed:
        parts += _field("Granted as", VISIBILITY_WORDS[Visibility.COMMUNITY])
    else:
        parts += _field("Granted as", "private (they have not agreed to public recognition)")
    parts += ["\n", ("Message", "bold"), "\n", item.message, "\n"]
    parts.append(("\nenter or y grants it; nothing is granted on its own", "italic"))
    return Content.assemble(*parts)
