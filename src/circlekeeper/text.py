"""Untrusted-text hygiene: every string from a person passes through here on the way in."""

from __future__ import annotations

import re
import unicodedata

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
    """Return the comparison key for names, emails and handles: cleaned, casefolded, then NFC.

    NFC is applied again after casefold, which can decompose (Greek 'ΐ' folds to three code
    points while 'Ϊ́' folds to two), so canonically equal inputs always share one key.
    """
    return unicodedata.normalize("NFC", clean_text(value).casefold())


def handle_key(value: str) -> str:
    """Return the key for a handle: like `identity_key`, ignoring one leading '@'."""
    return identity_key(value).removeprefix("@")
