"""Untrusted-text hygiene: every string from a person passes through here on the way in."""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_INLINE_BREAKS = re.compile(r"[\r\n\t\u2028\u2029]+")


def clean_text(value: str, *, multiline: bool = False) -> str:
    """Return `value` NFC-normalised, without C0/C1 controls, and trimmed.

    Single-line fields also lose newlines and tabs (folded to one space) and bidi embedding
    controls, which could reorder the text around a name; multi-line fields keep newline and tab.
    """
    text = unicodedata.normalize("NFC", value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if multiline:
        text = _CONTROL.sub("", text)
        return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")
    text = _INLINE_BREAKS.sub(" ", text)
    text = _CONTROL.sub("", text)
    text = _BIDI_CONTROLS.sub("", text)
    return " ".join(text.split())


def identity_key(value: str) -> str:
    """Return the comparison key for names, emails and handles: NFC then casefold."""
    return unicodedata.normalize("NFC", clean_text(value)).casefold()


def handle_key(value: str) -> str:
    """Return the key for a handle: like `identity_key`, ignoring one leading '@'."""
    return identity_key(value).removeprefix("@")
