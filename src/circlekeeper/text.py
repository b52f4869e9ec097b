"""Untrusted-text hygiene, and the keys people's text is compared, searched and sorted by.

Every string from a person passes through `clean_text` on the way in.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_INLINE_BREAKS = re.compile(r"[\r\n\t\u2028\u2029]+")
# OSC/DCS/SOS/PM/APC strings up to their terminator (the body stops at the next introducer, so
# text full of introducers costs linear time, not quadratic), then CSI, then any other ESC pair.
_ESCAPE_SEQUENCES = re.compile(
    r"(?:\x1b[\]PX^_]|[\x90\x98\x9d-\x9f])[^\x07\x1b\x90\x98\x9c-\x9f]*(?:\x07|\x1b\\|\x9c)"
    r"|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|\x1b[ -/]*[0-~]"
)


def clean_text(value: str, *, multiline: bool = False) -> str:
    """Return `value` without terminal escape sequences or C0/C1 controls, trimmed, NFC-normalised.

    Whole escape sequences go (not just the ESC byte), so `\x1b[31m` leaves no `[31m` behind.
    Single-line fields also lose newlines and tabs (folded to one space) and bidi embedding
    controls, which could reorder the text around a name; multi-line fields keep newline and tab.
    NFC comes first (so escapes are found in the composed text) and again last, because removing
    a control can leave a letter next to its combining mark.
    """
    if value.isascii() and value.isprintable():
        # The common case (an import calls this ~11 times a row): printable ASCII has no
        # controls, escapes or line breaks and is already NFC; only spaces may need trimming.
        if multiline:
            return value.rstrip()
        if "  " in value or value[:1] == " " or value[-1:] == " ":
            return " ".join(value.split())
        return value
    return _clean_full(value, multiline=multiline)


def _clean_full(value: str, *, multiline: bool) -> str:
    """`clean_text` for any input: the general path that the ASCII fast path must agree with."""
    text = _ESCAPE_SEQUENCES.sub("", unicodedata.normalize("NFC", value))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if multiline:
        text = _CONTROL.sub("", text)
        text = "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")
    else:
        text = _INLINE_BREAKS.sub(" ", text)
        text = _CONTROL.sub("", text)
        text = _BIDI_CONTROLS.sub("", text)
        text = " ".join(text.split())
    return unicodedata.normalize("NFC", text)


def identity_key(value: str) -> str:
    """Return the comparison key for emails, handles and tag values: cleaned, casefolded, NFC.

    NFC is applied again after casefold, which can decompose (Greek 'ΐ' folds to three code
    points while 'Ϊ́' folds to two), so canonically equal inputs always share one key.
    """
    text = clean_text(value)
    if text.isascii():
        return text.lower()  # casefold is lower for ASCII, and ASCII is already NFC
    return unicodedata.normalize("NFC", text.casefold())


def handle_key(value: str) -> str:
    """Return the key for a handle: like `identity_key`, ignoring one leading '@'."""
    return identity_key(value).removeprefix("@")


_ASCII_SEPARATORS = re.compile(r"[^a-z0-9]+")
_NOT_DECOMPOSED = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ħ": "h",
        "\u0131": "i",  # dotless i
        "ŧ": "t",
        "þ": "th",
        "æ": "ae",
        "œ": "oe",
        "\u0640": "",  # Arabic tatweel
    }
)
"""Letters that read as a base letter with a stroke but that NFKD leaves whole ('Łukasz'),
and the Arabic tatweel, which only stretches a word."""
_VOWEL_POINTS = range(10, 37)
"""Combining classes of Hebrew, Arabic and Syriac vowel points, which writers often leave out."""


def fold(value: str) -> str:
    """Return the words of `value` for sorting and searching ('' if it has no letter or digit).

    Cleaned, casefolded, compatibility-decomposed (NFKD: 'ﬁ' → 'fi', full-width letters → ASCII),
    accents dropped ('Ámbar' → 'ambar', 'Łukasz' → 'lukasz'), then everything that is not a
    letter or digit (`str.isalnum`, so Arabic, CJK, Cyrillic… letters stay) becomes a space and
    runs of spaces become one: '[b]Bo[/b]' → 'b bo b', "O'Brien" → 'o brien'. Invisible format
    characters (zero-width joiners, soft hyphens) and Hebrew and Arabic vowel points are
    dropped too. Any other combining mark that has no precomposed letter with its base
    (Devanagari or Thai vowel signs) stays: it is part of the word, not an accent on it.
    """
    text = clean_text(value)
    if text.isascii():
        lowered = text.lower()
        if lowered.replace(" ", "").isalnum():  # words and single spaces already (most names)
            return lowered
        return " ".join(_ASCII_SEPARATORS.sub(" ", lowered).split())
    pieces: list[str] = []
    in_word = False
    for char in text:
        piece = _fold_char(char)
        if piece is None:
            if in_word and len(unicodedata.normalize("NFC", pieces[-1][-1] + char)) == 2:
                pieces.append(char)
        elif piece:
            pieces.append(piece)
            in_word = not piece.endswith(" ")
    return " ".join("".join(pieces).split())


def sort_key(value: str) -> str:
    """Return the key members are sorted and name-searched by: `fold`, else `identity_key`.

    The fallback keeps a name made only of symbols or emoji ('🌸🌸') non-empty and ordered.
    """
    return fold(value) or identity_key(value)


@lru_cache(maxsize=8192)
def _fold_char(char: str) -> str | None:
    """One character of NFC text as `fold` writes it; None for a combining mark standing alone."""
    category = unicodedata.category(char)
    if category.startswith("M"):
        return "" if unicodedata.combining(char) in _VOWEL_POINTS else None
    if category == "Cf":
        return ""
    folded = unicodedata.normalize("NFKD", char).casefold().translate(_NOT_DECOMPOSED)
    return "".join(
        part if part.isalnum() else " "
        for part in unicodedata.normalize("NFKD", folded)
        if not unicodedata.category(part).startswith("M")
    )


def counted(count: int, noun: str) -> str:
    """`count` (with thousands separators) and `noun`, plural unless it is one: "1 answer",
    "3 answers", "12,000 circles"."""
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


_UNSHOWABLE = re.compile("[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]")


def quoted(value: object) -> str:
    """`value` quoted for a message, as `repr` quotes it but readable: text shows as typed, joiners
    in emoji and the zero-width non-joiner of Persian names included (repr writes them as
    `\\u200d`), and only what could move the cursor or reorder the line (control characters,
    line breaks, bidi overrides) is written as an escape. Anything but text is its repr."""
    if not isinstance(value, str):
        return repr(value)
    body = _UNSHOWABLE.sub(lambda found: found.group().encode("unicode_escape").decode(), value)
    quote = '"' if "'" in value and '"' not in value else "'"
    return f"{quote}{body}{quote}"
