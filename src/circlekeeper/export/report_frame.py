"""The frame every Markdown report shares: title, who it is for and which period, the intro,
and for the facilitator audience a warning that it holds confidential text."""

from __future__ import annotations

import datetime as dt

from circlekeeper.export import markdown_text as md
from circlekeeper.export.report_texts import ReportTexts
from circlekeeper.models import Audience

FACILITATOR_WARNING = (
    "**Confidential — for facilitators only.** This report includes private notes and "
    "incidents. Do not paste it into the community or share it with members."
)
AUDIENCE_LINES = {
    Audience.COMMUNITY: "For the whole community",
    Audience.CIRCLE: "For the circle's members",
    Audience.FACILITATOR: "For facilitators only",
}


def when(day: dt.date, *, weekday: bool = False, year: bool = True) -> str:
    """A date as a newsletter writes it, the same in every report: "Sat 2 Nov 2026"."""
    text = f"{day.day} {day:%b}"
    if weekday:
        text = f"{day:%a} {text}"
    return f"{text} {day.year}" if year else text


def frame(
    texts: ReportTexts,
    *,
    audience: Audience,
    start: dt.date,
    end: dt.date,
    body: list[str],
    subject: str | None = None,
) -> str:
    """The whole document: heading (with `subject`, e.g. the circle's name), the audience and
    period line, the warning for facilitators, the intro, then the body's blocks."""
    title = f"{texts.title}: {subject}" if subject else texts.title
    parts = [md.heading(1, title)]
    if audience == Audience.FACILITATOR:
        parts.append("> " + FACILITATOR_WARNING)
    parts.append(f"*{md.inline(AUDIENCE_LINES[audience])} · {when(start)} to {when(end)}*")
    if texts.intro:
        parts.append(md.paragraph(texts.intro))
    return md.document(*parts, *body)


def section(
    texts: ReportTexts,
    key: str,
    *blocks: str,
    empty: str = "Nothing this time.",
    level: int = 2,
) -> str:
    """A section with the (possibly renamed) heading `key` at `level` (2 in a report of its own,
    deeper inside another); `empty` when no block has content."""
    content = [block for block in blocks if block.strip()]
    return "\n\n".join([md.heading(level, texts.heading(key)), *(content or [md.inline(empty)])])
