"""CommonMark-safe text, checked by parsing the output with markdown-it: hostile text never adds
markup, HTML or a mass mention, never breaks a table, and reads back as it was typed."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from circlekeeper.export import markdown_text as md

JOINER = "\u2060"
MASS_MENTION = re.compile(r"@(?:everyone|here|channel)\b", re.IGNORECASE)
LINE_BREAK = re.compile(r"[ \t]*\r?\n[ \t]*|\r")
"""A line break inside one-line text becomes a space (with the spaces and tabs around a LF)."""
BLANK = re.compile(r"[ \t]*")
HTML_TOKENS = {"html_inline", "html_block"}
TEXT_TOKENS = {"text", "text_special", "code_inline"}

FRAGMENTS = [
    "@everyone",
    "@here",
    "@channel",
    "@Everyone!",
    "@here's",
    "<b>bold</b>",
    "<script>alert(1)</script>",
    "<!-- hidden -->",
    "<img src=x onerror=alert(1)>",
    "<http://example.com>",
    "&amp;",
    "&#35;",
    "&copy",
    "[link](http://evil.example)",
    "![img](x.png)",
    "[ref]: http://evil.example",
    "`code`",
    "```",
    "~~~",
    "**bold**",
    "__under__",
    "*em*",
    "_em_",
    "~~strike~~",
    "$x$",
    "| a | b |",
    "|",
    ":---",
    ":-:",
    "---",
    "===",
    "***",
    "- item",
    "+ item",
    "* item",
    "1. one",
    "2) two",
    "# title",
    "> quote",
    "    indented",
    "\\",
    "\\|",
    "#123",
    "http://example.com",
    "🌻",
    "👩🏽‍💻",
    "مريم",
    "שלום",
    "\u200f",
    "\u00a0",
    "\u3000",
    "\n",
    "\r\n",
    "\r",
    "\n\n",
    "\n \t\n",
    "\t",
    "  ",
]
PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
plain_characters = st.characters(
    blacklist_categories=("Cc", "Cs"), blacklist_characters="\u2028\u2029"
)
"""Text as it reaches the export: user text was cleaned of control characters on the way in
(DESIGN.md "Untrusted text"); tab, CR and LF come from FRAGMENTS and the alphabet below."""
hostile_text = st.lists(
    st.one_of(
        st.sampled_from(FRAGMENTS),
        st.text(alphabet=st.sampled_from(PUNCTUATION + " \t\n\r"), max_size=4),
        st.text(alphabet=plain_characters, max_size=6),
    ),
    max_size=10,
).map("".join)

PARSER = MarkdownIt("commonmark").enable("table")


def parse(source: str) -> list[Token]:
    """The block tokens markdown-it finds in `source`."""
    return PARSER.parse(source)


def every_token(tokens: Sequence[Token]) -> Iterator[Token]:
    """Block tokens and all their inline children."""
    for token in tokens:
        yield token
        yield from every_token(token.children or [])


def read_back(inline: Token) -> str:
    """What an inline token says as plain text: any markup child shows up as `<type>`, so it
    can never pass for the input; a soft break reads as a space, a hard break as a newline."""
    parts = []
    for child in inline.children or []:
        if child.type in TEXT_TOKENS:
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
        else:
            parts.append(f"<{child.type}>")
    return "".join(parts)


def one_line(text: str) -> str:
    """How `text` should read back from one-line Markdown: line breaks as spaces, trimmed, and a
    word joiner after the @ of a mass mention."""
    flat = LINE_BREAK.sub(" ", text)
    return MASS_MENTION.sub(lambda m: "@" + JOINER + m.group(0)[1:], flat).strip()


def paragraphs_of(text: str) -> list[list[str]]:
    """How multi-line `text` should read back: paragraphs (split at lines of only spaces and
    tabs) of lines (lines of only whitespace dropped), each line read as `one_line`."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    groups: list[list[str]] = [[]]
    for line in lines:
        if BLANK.fullmatch(line):
            groups.append([])
        elif line.strip():
            groups[-1].append(one_line(line))
    return [group for group in groups if group]


def assert_safe(tokens: Sequence[Token]) -> None:
    """No raw HTML anywhere, and no live mass mention in any text."""
    everything = list(every_token(tokens))
    assert [t.type for t in everything if t.type in HTML_TOKENS] == []
    texts = [t.content for t in everything if t.type in TEXT_TOKENS]
    assert [t for t in texts if MASS_MENTION.search(t)] == []


def inlines(tokens: Sequence[Token]) -> list[Token]:
    return [t for t in tokens if t.type == "inline"]


def block_types(tokens: Sequence[Token]) -> list[str]:
    """The block-level structure without the inline content."""
    return [t.type for t in tokens if t.type != "inline"]


HOSTILE_EXAMPLES = [
    "@everyone look",
    "hi @here and @channel",
    "<script>alert('x')</script>",
    "<b>not bold</b> &amp; &#35; &copy",
    "[click](javascript:alert(1))",
    "![pixel](http://evil.example/p.png)",
    "**bold** _em_ ~~strike~~ `code` $x$",
    "a | b | c",
    "line one\nline two",
    "para one\n\npara two",
    "a|b\n:---",
    "x | y\n:-:|:-:",
    "- not a list\n+ nor this\n1. nor this\n2) nor this",
    "# not a heading\n> not a quote",
    "text\n===\nmore\n---",
    "```\ncode\n```",
    "    indented",
    "[ref]: http://evil.example\n[ref]",
    "trailing backslash \\",
    "\\| escaped pipe",
    "🌻 Sunny مريم שלום",
    "",
    "   ",
]


def table_cells(tokens: Sequence[Token], cell: str) -> list[list[str]]:
    """The rows of `cell` ("th" or "td") cells, each read back."""
    rows: list[list[str]] = []
    inside = False
    for token in tokens:
        if token.type == "tr_open":
            rows.append([])
        elif token.type == f"{cell}_open":
            inside = True
        elif token.type == f"{cell}_close":
            inside = False
        elif token.type == "inline" and inside:
            rows[-1].append(read_back(token))
    return [row for row in rows if row]


def expected_cell(text: str) -> str:
    return one_line(text) or "—"


Table = tuple[list[str], list[list[str]]]


@st.composite
def tables(draw: st.DrawFn) -> Table:
    """Headers and rows of the same width, every cell hostile text."""
    width = draw(st.integers(min_value=1, max_value=4))
    headers = draw(st.lists(hostile_text, min_size=width, max_size=width))
    rows = draw(
        st.lists(st.lists(hostile_text, min_size=width, max_size=width), min_size=0, max_size=6)
    )
    return headers, rows


def check_table(headers: list[str], rows: list[list[str]]) -> None:
    tokens = parse(md.table(headers, rows))

    assert tokens[0].type == "table_open"
    assert tokens[-1].type == "table_close"
    assert_safe(tokens)
    body_rows = sum(1 for t in tokens if t.type == "tr_open") - 1
    assert body_rows == len(rows)
    assert table_cells(tokens, "th") == [[expected_cell(h) for h in headers]]
    assert table_cells(tokens, "td") == [[expected_cell(c) for c in row] for row in rows]


@given(tables())
@settings(max_examples=200)
def test_a_table_keeps_its_rows_and_cells_read_back(table: Table) -> None:
    check_table(*table)


@pytest.mark.parametrize("text", HOSTILE_EXAMPLES)
def test_hostile_examples_in_a_table(text: str) -> None:
    check_table(["Name", text], [[text, "x"], ["y", text], [text, text]])


def check_one_line_block(source: str, text: str, structure: list[str]) -> None:
    tokens = parse(source)

    assert_safe(tokens)
    assert block_types(tokens) == structure
    assert len(inlines(tokens)) <= 1
    assert "".join(read_back(t) for t in inlines(tokens)) == one_line(text)


BULLET = ["bullet_list_open", "list_item_open", "list_item_close", "bullet_list_close"]
BULLET_WITH_TEXT = [
    "bullet_list_open",
    "list_item_open",
    "paragraph_open",
    "paragraph_close",
    "list_item_close",
    "bullet_list_close",
]


@given(hostile_text)
@settings(max_examples=200)
@example("@everyone")
def test_a_bullet_is_one_list_item_reading_back_its_text(text: str) -> None:
    check_one_line_block(md.bullet(text), text, BULLET_WITH_TEXT if one_line(text) else BULLET)


@pytest.mark.parametrize("text", HOSTILE_EXAMPLES)
def test_hostile_examples_as_bullets(text: str) -> None:
    check_one_line_block(md.bullet(text), text, BULLET_WITH_TEXT if one_line(text) else BULLET)


@given(hostile_text, st.integers(min_value=-1, max_value=8))
@settings(max_examples=200)
def test_a_heading_is_one_heading_of_the_level_asked(text: str, level: int) -> None:
    source = md.heading(level, text)

    check_one_line_block(source, text, ["heading_open", "heading_close"])
    assert parse(source)[0].tag == f"h{min(max(level, 1), 6)}"


@pytest.mark.parametrize("text", HOSTILE_EXAMPLES)
def test_hostile_examples_as_headings(text: str) -> None:
    check_one_line_block(md.heading(2, text), text, ["heading_open", "heading_close"])


def read_paragraphs(tokens: Sequence[Token]) -> list[list[str]]:
    """Each paragraph's lines (split at hard breaks)."""
    return [read_back(t).split("\n") for t in inlines(tokens)]


def check_paragraph(text: str) -> None:
    tokens = parse(md.paragraph(text))
    expected = paragraphs_of(text)

    assert_safe(tokens)
    assert block_types(tokens) == ["paragraph_open", "paragraph_close"] * len(expected)
    assert read_paragraphs(tokens) == expected


@given(hostile_text)
@settings(max_examples=200)
@example("one\ntwo\n\nthree")
def test_paragraphs_keep_their_lines_and_breaks(text: str) -> None:
    check_paragraph(text)


@pytest.mark.parametrize("text", HOSTILE_EXAMPLES)
def test_hostile_examples_as_paragraphs(text: str) -> None:
    check_paragraph(text)


def check_quote(text: str, attribution: str | None) -> None:
    tokens = parse(md.quote(text, attribution))
    expected = paragraphs_of(text) or [["—"]]
    if attribution:
        expected.append([("— " + one_line(attribution)).strip()])

    assert_safe(tokens)
    assert tokens[0].type == "blockquote_open"
    assert tokens[-1].type == "blockquote_close"
    assert block_types(tokens)[1:-1] == ["paragraph_open", "paragraph_close"] * len(expected)
    assert read_paragraphs(tokens) == expected


@given(hostile_text, st.none() | hostile_text)
@settings(max_examples=200)
def test_a_quote_keeps_its_paragraphs_and_attribution(text: str, attribution: str | None) -> None:
    check_quote(text, attribution)


@pytest.mark.parametrize("text", HOSTILE_EXAMPLES)
def test_hostile_examples_as_quotes(text: str) -> None:
    check_quote(text, text)


def test_mass_mentions_are_defused_but_still_read_as_typed() -> None:
    tokens = parse(md.paragraph("@everyone @Here @channel @hereafter me@here.org"))

    [line] = read_paragraphs(tokens)[0]
    at = "@" + JOINER
    assert line == f"{at}everyone {at}Here {at}channel @hereafter me{at}here.org"
    assert line.replace(JOINER, "") == "@everyone @Here @channel @hereafter me@here.org"


def test_a_pipe_and_a_colon_line_stay_a_paragraph_not_a_table() -> None:
    tokens = parse(md.paragraph("a|b\n:---"))

    assert block_types(tokens) == ["paragraph_open", "paragraph_close"]
    assert read_paragraphs(tokens) == [["a|b", ":---"]]


def test_blocks_of_a_document_stay_apart() -> None:
    rows = [["a|b", ":---"], ["@here", "<b>x</b>"]]
    source = md.document(
        md.heading(1, "Title\n==="),
        md.paragraph("x | y"),
        md.table([":---", "---"], rows),
        md.bullet("- item"),
        md.quote("> q", "@everyone"),
    )

    tokens = parse(source)

    assert_safe(tokens)
    assert [t.type for t in tokens if t.level == 0 and t.nesting == 1] == [
        "heading_open",
        "paragraph_open",
        "table_open",
        "bullet_list_open",
        "blockquote_open",
    ]
    assert sum(1 for t in tokens if t.type == "tr_open") == 1 + len(rows)


ONE_LINE = st.text(st.characters(exclude_characters="\r\n"), min_size=1, max_size=30)
"""A paragraph's text: with a blank line in it, md.paragraph writes two blocks."""
BLOCKS = st.lists(
    st.one_of(
        ONE_LINE.map(md.paragraph),
        st.text(min_size=1, max_size=30).map(md.quote),
        st.lists(st.text(max_size=10), min_size=1, max_size=6).map(
            lambda cells: md.table(["name"], [[cell] for cell in cells])
        ),
    ).filter(str.strip),
    max_size=12,
)


@given(BLOCKS, st.integers(min_value=1, max_value=40))
def test_a_preview_head_is_whole_blocks_within_the_lines(blocks: list[str], lines: int) -> None:
    text = md.document(*blocks)

    shown = md.head(text, lines)

    assert text.startswith(shown)
    if md.line_count(text) <= lines:
        assert shown == text
        return
    assert md.line_count(shown) <= lines
    whole = [md.document(*blocks[:k]) for k in range(1, len(blocks) + 1)]
    first_block_fits = md.line_count(whole[0]) <= lines
    assert (shown in whole) == first_block_fits


def test_a_head_of_one_long_table_keeps_its_header() -> None:
    text = md.document(md.table(["name"], [[f"member {i}"] for i in range(50)]))

    shown = md.head(text, 10)

    assert md.line_count(shown) == 10
    assert shown.splitlines()[:2] == ["| name |", "| --- |"]


@pytest.mark.parametrize(
    ("text", "lines"), [("", 0), ("one", 1), ("one\n", 1), ("one\ntwo", 2), ("a\n\nb\n", 3)]
)
def test_line_count_counts_a_last_line_without_a_newline(text: str, lines: int) -> None:
    assert md.line_count(text) == lines
