"""Untrusted text made safe for CommonMark: punctuation escaped, no raw HTML, no mass mentions,
table cells on one line — so a hostile name never breaks a table or injects markup on GitHub,
Discourse or Notion, and reads back exactly as typed."""

from __future__ import annotations

import re
from collections.abc import Sequence

PUNCTUATION = r"""\`*_[]<>#!|~&$@"""
"""Punctuation that can start markup anywhere in a line, escaped with a backslash wherever it
appears: emphasis, code, links and images, raw HTML and entities, tables, strikethrough, math,
mentions and issue links. Other punctuation stays as typed so the Markdown reads naturally."""
_MARKUP = re.compile("[" + re.escape(PUNCTUATION) + "]")
_ESCAPE = str.maketrans({mark: "\\" + mark for mark in PUNCTUATION})
"""Each punctuation mark preceded by a backslash, in one pass (str.translate, not a regex)."""
_LINE_START = re.compile(r"^(?:([-+=:])|(\d+)([.)]))")
"""What starts a block only at the beginning of a line: list items, setext underlines, the
delimiter row of a table (a line such as ":---" under a line holding a pipe) and ordered-list
numbers (the "." or ")" after the number is escaped)."""
_MENTION = re.compile(r"@(everyone|here|channel)\b", re.IGNORECASE)
_SPACE = re.compile(r"[ \t]*\r?\n[ \t]*|\r")
ZERO_WIDTH_JOINER = "\u2060"
"""WORD JOINER after `@` stops Discord, Slack and Discourse from reading a mass mention, while
the text still shows "@everyone"."""


def inline(text: str) -> str:
    """`text` as inline Markdown on one line: punctuation escaped, mass mentions defused,
    newlines turned into spaces (each regex runs only when its trigger character is there, so
    the thousands of plain names and sentences in a digest stay cheap)."""
    flat = _SPACE.sub(" ", text) if "\n" in text or "\r" in text else text
    if "@" in flat:
        flat = _MENTION.sub(lambda m: "@" + ZERO_WIDTH_JOINER + m.group(1), flat)
    stripped = flat.strip()
    escaped = stripped.translate(_ESCAPE) if _MARKUP.search(stripped) else stripped
    return _LINE_START.sub(_escape_start, escaped) if _LINE_START.match(escaped) else escaped


def _escape_start(match: re.Match[str]) -> str:
    marker, number, closer = match.groups()
    return "\\" + marker if marker else number + "\\" + closer


def cell(text: str) -> str:
    """`text` as a table cell: inline, and never empty (an empty cell is written as a dash)."""
    return inline(text) or "—"


def heading(level: int, text: str) -> str:
    """An ATX heading of `level` (1 to 6) with `text` escaped."""
    return "#" * max(1, min(level, 6)) + " " + inline(text)


def paragraph(text: str) -> str:
    """Multi-line `text` as paragraphs: each line escaped, a blank line between paragraphs kept,
    a single newline kept as a hard line break (a backslash at the line's end). Text on one
    line, as most answers are, is one inline paragraph without the block split."""
    if "\n" not in text and "\r" not in text:
        return inline(text) if text.strip() else ""
    blocks = re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n").strip())
    rendered = []
    for block in blocks:
        lines = [inline(line) for line in block.split("\n") if line.strip()]
        if lines:
            rendered.append("\\\n".join(lines))
    return "\n\n".join(rendered)


def quote(text: str, attribution: str | None = None) -> str:
    """`text` as a block quote, with "— attribution" on its last line when given."""
    body = paragraph(text) or "—"
    lines = body.split("\n")
    if attribution:
        lines += ["", "— " + inline(attribution)]
    return "\n".join("> " + line if line else ">" for line in lines)


def bullet(text: str) -> str:
    """One list item."""
    return "- " + inline(text)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub-flavoured table: headers and cells are plain text, escaped here."""
    head = "| " + " | ".join(cell(h) for h in headers) + " |"
    rule = "|" + "|".join(" --- " for _ in headers) + "|"
    body = ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join([head, rule, *body])


def document(*parts: str) -> str:
    """Blocks joined by blank lines, ending with one newline (empty blocks are left out)."""
    return "\n\n".join(part for part in parts if part.strip()) + "\n"


def head(text: str, max_lines: int) -> str:
    """The document's first blocks within `max_lines` lines, cut at the last blank line so no
    paragraph, quote or list is split (a single longer block is cut at a line, which keeps a
    table a table): what a preview can draw at once when a digest runs to 80,000 lines."""
    end = -1
    for _ in range(max_lines):
        end = text.find("\n", end + 1)
        if end < 0:
            return text
    if end + 1 == len(text):
        return text
    blank = text.rfind("\n\n", 0, end + 1)
    return text[: blank + 1] if blank > 0 else text[: end + 1]


def line_count(text: str) -> int:
    """Lines in `text`, a last line without a newline included."""
    return text.count("\n") + (0 if text.endswith("\n") or not text else 1)
