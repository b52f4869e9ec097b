"""Read a rendered report back with markdown-it-py, the way GitHub-flavoured renderers see it:
its tables as rows of cell text, its headings, and any raw HTML it would let through."""

from __future__ import annotations

from collections.abc import Iterator

from markdown_it import MarkdownIt
from markdown_it.token import Token

PARSER = MarkdownIt("commonmark").enable("table")
HOSTILE_NAMES = (
    "[b]x[/]",
    "|pipe|",
    "@everyone",
    "<b>html</b>",
    "first line\nsecond line",
    "*star* _under_ `tick` # hash",
    "1. ordered",
    "- dash",
)
"""Names that would break a table, inject markup or ping a whole server if written raw."""
WORD_JOINER = "\u2060"


def as_read(name: str) -> str:
    """How a hostile name should read after rendering: newlines are spaces, and a mass mention
    keeps its text but has a word joiner after the @."""
    flat = " ".join(part.strip() for part in name.split("\n"))
    return flat.replace("@everyone", "@" + WORD_JOINER + "everyone")


def tokens(markdown: str) -> Iterator[Token]:
    """Every token of the document, inline children included."""
    for token in PARSER.parse(markdown):
        yield token
        yield from token.children or []


def raw_html(markdown: str) -> list[Token]:
    """The raw HTML tokens a renderer would pass through (there should be none)."""
    return [token for token in tokens(markdown) if token.type in ("html_inline", "html_block")]


def _text(inline: Token) -> str:
    return "".join(
        child.content
        for child in inline.children or []
        if child.type in ("text", "text_special", "code_inline")
    )


def tables(markdown: str) -> list[list[list[str]]]:
    """Each table as its rows (the header row first), each row as the plain text of its cells."""
    found: list[list[list[str]]] = []
    row: list[str] | None = None
    for token in PARSER.parse(markdown):
        if token.type == "table_open":
            found.append([])
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            found[-1].append(row)
            row = None
        elif token.type == "inline" and row is not None:
            row.append(_text(token))
    return found


def headings(markdown: str) -> list[tuple[str, str]]:
    """(tag, text) of each heading in order, e.g. ("h1", "Ambassador report")."""
    parsed = PARSER.parse(markdown)
    return [
        (token.tag, _text(parsed[index + 1]))
        for index, token in enumerate(parsed)
        if token.type == "heading_open"
    ]
