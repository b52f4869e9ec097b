"""Hostile and unusual text that members and facilitators may type, and what the app stores for it.

Every string here reaches the database only through the services, which clean it with
`circlekeeper.text.clean_text`; `stored()` says what that leaves, so a test can look for the exact
text a screen must show. Each entry carries its reason, and a key to pick it by.
"""

from __future__ import annotations

from typing import NamedTuple

from circlekeeper.text import clean_text


class Hostile(NamedTuple):
    """One hostile string: a key to pick it by, the text as typed, and why it is in the corpus."""

    key: str
    text: str
    why: str


LONG_LENGTH = 10_000

CLICK_LABELS = ("QUITLINK", "RINGBELL", "FREEMONEY")
"""The visible parts of the action and link markup entries: a click on them must do nothing."""

TITLE_PAYLOADS = ("PWNED-TITLE", "PWNED-TITLE-2", "PWNED-C1")
"""What the OSC entries try to make the terminal window or pane title."""

CLIPBOARD_PAYLOAD = "cHduZWQ="
"""What the OSC 52 entry tries to put on the clipboard (base64 of "pwned")."""

HOSTILE: tuple[Hostile, ...] = (
    # Rich / Textual markup: parsed, it restyles, crashes (MarkupError) or runs actions.
    Hostile("bold", "[b]Bold[/b] Bo", "Rich markup that would turn bold"),
    Hostile("close_all", "[/] stray close", "a bare closing tag: MarkupError when parsed"),
    Hostile(
        "click", f"[@click=app.quit]{CLICK_LABELS[0]}[/]", "Textual action markup: quits on click"
    ),
    Hostile(
        "click_bell", f"[@click=app.bell()]{CLICK_LABELS[1]}[/]", "action markup with arguments"
    ),
    Hostile(
        "link", f'[link="https://evil.example"]{CLICK_LABELS[2]}[/link]', "a Textual hyperlink tag"
    ),
    Hostile(
        "rich_link", "[link=https://evil.example]free money[/link]", "a Rich link: Textual chokes"
    ),
    Hostile("unclosed", "[bold red]never closed", "an opening tag with no end"),
    Hostile("close_only", "not opened[/bold]", "a closing tag with no opening one: MarkupError"),
    Hostile("escaped", "\\[b]escaped\\[/b] tag", "backslash-escaped markup must stay as typed"),
    Hostile("variable", "[$accent on $error]theme[/]", "Textual theme variables in markup"),
    Hostile("brackets", "]][[ [[x]] [", "unbalanced square brackets"),
    # Terminal escape sequences: stripped whole on the way in.
    Hostile(
        "sgr_red", "\x1b[31mRed Alert\x1b[0m", "ANSI SGR colour that would paint the terminal red"
    ),
    Hostile("clear", "\x1b[2J\x1b[HWiped", "CSI clear-screen and cursor home"),
    Hostile(
        "cursor", "Up\x1b[5A\x1b[40Cand away\x1b[s\x1b[u", "CSI cursor moves, save and restore"
    ),
    Hostile(
        "osc_title",
        f"Osc\x1b]0;{TITLE_PAYLOADS[0]}\x07 Zero",
        "OSC 0 (BEL-terminated) sets the window title",
    ),
    Hostile(
        "osc_title_st",
        f"Osc\x1b]2;{TITLE_PAYLOADS[1]}\x1b\\ Two",
        "OSC 2 (ST-terminated) sets the window title",
    ),
    Hostile(
        "osc8",
        "\x1b]8;;https://evil.example\x1b\\Hyper link\x1b]8;;\x1b\\",
        "an OSC 8 terminal hyperlink",
    ),
    Hostile(
        "osc52",
        f"Clip\x1b]52;c;{CLIPBOARD_PAYLOAD}\x07board",
        "OSC 52 writes the clipboard",
    ),
    Hostile("dcs", "Dcs\x1bP1$qm\x1b\\ query", "a DCS request the terminal would answer"),
    Hostile("c1_csi", "\x9b31mC1 colour", "a C1 CSI (0x9B) colour sequence"),
    Hostile("c1_osc", f"C1\x9d0;{TITLE_PAYLOADS[2]}\x9c title", "a C1 OSC (0x9D) title, C1 ST"),
    Hostile("c1_controls", "Nel\x85 and\x84 ind\x8d", "loose C1 controls (NEL, IND, RI)"),
    Hostile("c0_controls", "Bell\x07 back\x08space del\x7f", "BEL, backspace and DEL"),
    # Unicode that reorders, hides or widens text.
    Hostile("rlo", "Bidi \u202etxet desrever\u202c end", "RIGHT-TO-LEFT OVERRIDE then POP"),
    Hostile(
        "isolates",
        "Iso \u2066lri\u2069 \u2067rli\u2069 \u2068fsi\u2069 end",
        "bidi isolates U+2066 to U+2069",
    ),
    Hostile(
        "zero_width", "Zero\u200bwidth\u200cnon\u200djoiner\u2060", "zero-width space, joiners"
    ),
    Hostile(
        "combining", "Zalgo Z\u0351\u0352\u0353a\u0300\u0316l\u0489", "stacked combining marks"
    ),
    Hostile("decomposed", "Jose\u0301 Mu\u0308ller", "decomposed accents (NFC composes them)"),
    Hostile(
        "emoji",
        "Family \U0001f469\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466 \U0001f44d\U0001f3fd",
        "emoji ZWJ sequence and a skin-tone modifier",
    ),
    Hostile("arabic", "مريم الحسيني", "right-to-left Arabic"),
    Hostile("hebrew", "שלום עליכם", "right-to-left Hebrew"),
    Hostile("mixed_rtl", "Ana مريم 12 שלום Bo", "left-to-right and right-to-left mixed"),
    Hostile("cjk", "张伟 山田太郎 김민준", "wide CJK characters (two cells each)"),
    Hostile(
        "fullwidth",
        "\uff26\uff55\uff4c\uff4c \uff57\uff49\uff44\uff54\uff48 \ufb01",
        "full-width letters and a ligature",
    ),
    Hostile("long", "Long" + "x" * (LONG_LENGTH - 4), "10,000 characters: over every name limit"),
    # Line structure.
    Hostile("nul", "Nul\x00byte", "a NUL byte"),
    Hostile("cr", "Carriage\rreturn", "a bare carriage return"),
    Hostile("newline", "Two\nlines", "a newline in a name"),
    Hostile("crlf", "Dos\r\nline", "a CR LF pair"),
    Hostile("tab", "Tab\there", "a tab"),
    Hostile("separators", "Line\u2028sep\u2029para", "Unicode line and paragraph separators"),
    # Markdown, HTML and chat mentions: harmless on screen, dangerous in exports.
    Hostile("script", "<script>alert(1)</script>", "an HTML script tag"),
    Hostile("html", '<img src=x onerror="alert(1)"> & <b>b</b>', "HTML with an event handler"),
    Hostile("markdown", "**bold** _it_ `code` # head", "Markdown emphasis, code and heading"),
    Hostile("md_table", "| a | b |\n|---|---|", "a Markdown table"),
    Hostile("md_link", "[click](javascript:alert(1))", "a Markdown link with a script URL"),
    Hostile("everyone", "@everyone @here", "chat mentions that ping a whole server"),
    # Spreadsheet formulas: CSV exports must defuse them.
    Hostile("formula_eq", "=1+1", "a spreadsheet formula"),
    Hostile("formula_plus", "+1+2", "a formula starting with +"),
    Hostile("formula_minus", "-2+3", "a formula starting with -"),
    Hostile("formula_at", "@SUM(1)", "a formula starting with @"),
    Hostile("formula_cmd", "=cmd|' /C calc'!A0", "a DDE formula"),
    # Text that format functions and escapers trip over.
    Hostile("backslashes", "Back\\slash \\n \\x1b \\\\", "literal backslash escapes"),
    Hostile("printf", "%s %d %(name)s %%", "printf-style placeholders"),
    Hostile("format", "{0} {name} {{}} {!r}", "str.format placeholders"),
    Hostile("replacement", "Repl\ufffdchar", "U+FFFD REPLACEMENT CHARACTER"),
    Hostile("bom", "\ufeffBom start", "a byte-order mark at the start"),
    Hostile("nbsp", "No\u00a0break\u202fspace", "no-break spaces"),
)
"""The corpus: each string with the reason it is here."""

BY_KEY: dict[str, Hostile] = {entry.key: entry for entry in HOSTILE}


def hostile(key: str) -> str:
    """The raw text of the corpus entry `key`."""
    return BY_KEY[key].text


def stored(text: str, *, multiline: bool = False) -> str:
    """What the app stores for `text` typed into a single-line (or multi-line) field.

    The services clean every string with `clean_text` and trim it; multi-line fields keep newlines
    and tabs, single-line ones fold them to spaces.
    """
    cleaned = clean_text(text, multiline=multiline)
    return cleaned.strip() if multiline else cleaned


def fits(text: str, limit: int, *, multiline: bool = False) -> bool:
    """Whether what is stored for `text` is within a field's `limit` (and not empty)."""
    return 0 < len(stored(text, multiline=multiline)) <= limit


def cut(text: str, limit: int, *, multiline: bool = False) -> str:
    """The stored text of `text` cut to `limit` characters: what a facilitator keeps after the
    service refused the whole of it (the services refuse over-long text; they never cut it)."""
    return stored(stored(text, multiline=multiline)[:limit], multiline=multiline)
