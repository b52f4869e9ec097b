"""Untrusted text: controls and escape sequences go, newlines stay where allowed, keys compare."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from circlekeeper import text
from circlekeeper.text import clean_text, handle_key, identity_key

C0_C1 = re.compile(r"[\x00-\x1f\x7f-\x9f]")
C0_C1_BUT_NEWLINE_AND_TAB = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# Text that leans on the awkward parts of Unicode: controls, escapes, combining marks, breaks.
nasty_text = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from(
            ["\x1b", "[", "]", "\x07", "\x9b", "\x9d", "\\", "\n", "\r", "\t", "\u0301", "\u2028"]
        ),
    )
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ana\x00 Lima", "Ana Lima"),
        ("Ana\x07\x08\x7f Lima", "Ana Lima"),
        ("Ana\x85\x9f Lima", "Ana Lima"),
        ("Ana \x1b[31mRed\x1b[0m", "Ana Red"),
        ("\x1b[2J\x1b[HBo", "Bo"),
        ("Bo\x9b31m!", "Bo!"),
        ("x\x1b]8;;https://evil.example\x07link\x1b]8;;\x07", "xlink"),
        ("x\x1b]0;title\x1b\\y", "xy"),
        ("Cy\x1b(B", "Cy"),
        ("Di\x1b", "Di"),
        ("  spaced   out  ", "spaced out"),
    ],
)
def test_clean_text_strips_controls_and_whole_escape_sequences(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_single_line_folds_newlines_and_tabs_to_one_space() -> None:
    assert clean_text("Ana\n\tLima\r\nSilva\u2028Costa") == "Ana Lima Silva Costa"


def test_single_line_drops_bidi_embedding_controls() -> None:
    assert clean_text("Ana\u202eLima\u2066") == "AnaLima"


def test_multiline_keeps_newline_and_tab_but_not_other_controls() -> None:
    raw = "wins:\n\t- shipped\x00 it\x1b[1m!\r\nchallenges:\x0c none  \n\n"
    assert clean_text(raw, multiline=True) == "wins:\n\t- shipped it!\nchallenges: none"


def test_clean_text_is_nfc() -> None:
    decomposed = "Jose\u0301"
    assert clean_text(decomposed) == "Jos\u00e9"


def test_removing_a_control_between_letter_and_accent_still_gives_nfc() -> None:
    assert clean_text("e\x00\u0301") == "\u00e9"


def test_identity_key_casefolds_beyond_lower() -> None:
    assert identity_key("STRASSE") == identity_key("straße")
    assert identity_key("Ana@X.org") == identity_key("ana@x.org")
    assert identity_key("Jose\u0301") == identity_key("JOS\u00c9")


def test_identity_key_is_the_same_for_canonically_equal_text_after_casefold() -> None:
    # U+0390 folds to three code points, U+03AA U+0301 to two: NFC after casefold joins them.
    assert identity_key("\u0390") == identity_key("\u03aa\u0301")


@pytest.mark.parametrize("variant", ["@Bo", "bo", "BO", " @bo ", "@BO"])
def test_handle_key_ignores_one_leading_at_and_case(variant: str) -> None:
    assert handle_key(variant) == "bo"


def test_handle_key_ignores_only_one_at() -> None:
    assert handle_key("@@bo") == "@bo"
    assert handle_key("@@bo") != handle_key("bo")


@given(nasty_text, st.booleans())
@example("e\x00\u0301", False)
@example("\x1b\x1b[31m[31m", True)
def test_clean_text_is_idempotent(value: str, multiline: bool) -> None:
    once = clean_text(value, multiline=multiline)
    assert clean_text(once, multiline=multiline) == once


@given(nasty_text)
def test_single_line_output_has_no_control_characters(value: str) -> None:
    assert not C0_C1.search(clean_text(value))


@given(nasty_text)
def test_multiline_output_has_no_controls_but_newline_and_tab(value: str) -> None:
    cleaned = clean_text(value, multiline=True)
    assert not C0_C1_BUT_NEWLINE_AND_TAB.search(cleaned)
    assert "\r" not in cleaned


@given(nasty_text, st.booleans())
def test_clean_text_output_is_nfc(value: str, multiline: bool) -> None:
    cleaned = clean_text(value, multiline=multiline)
    assert unicodedata.is_normalized("NFC", cleaned)


@given(nasty_text)
@example("\u0390")
def test_identity_key_is_stable_and_normalisation_blind(value: str) -> None:
    key = identity_key(value)
    assert identity_key(key) == key
    assert identity_key(unicodedata.normalize("NFD", value)) == key
    assert unicodedata.is_normalized("NFC", key)


# --- the ASCII fast path -----------------------------------------------------------------------

# Mostly printable ASCII with the characters the full path treats specially mixed in.
ascii_heavy_text = st.text(
    alphabet=st.one_of(
        st.characters(max_codepoint=0x7F),
        st.sampled_from([" ", "\t", "\n", "\r", "\x1b", "\x85", "\u00e9", "\u0301"]),
    )
)


@given(ascii_heavy_text, st.booleans())
@example(" Ana  Lima ", False)
@example("wins:  ", True)
@example("  indented", True)
@example("", False)
def test_the_fast_path_agrees_with_the_full_cleaning(value: str, multiline: bool) -> None:
    assert clean_text(value, multiline=multiline) == text._clean_full(value, multiline=multiline)


@pytest.mark.parametrize(
    ("raw", "multiline", "expected"),
    [
        ("Ana Lima", False, "Ana Lima"),
        ("ana@example.org", False, "ana@example.org"),
        ("team=north", False, "team=north"),
        (" Ana  Lima ", False, "Ana Lima"),
        ("  wins: shipped  ", True, "  wins: shipped"),
    ],
)
def test_printable_ascii_needs_no_regular_expression(
    monkeypatch: pytest.MonkeyPatch, raw: str, multiline: bool, expected: str
) -> None:
    class Refuse:
        def sub(self, *args: object) -> str:
            raise AssertionError("the fast path ran a regular expression")

    for name in ("_ESCAPE_SEQUENCES", "_CONTROL", "_INLINE_BREAKS", "_BIDI_CONTROLS"):
        monkeypatch.setattr(text, name, Refuse())
    assert clean_text(raw, multiline=multiline) == expected


@pytest.mark.parametrize(
    "raw", ["Ana\tLima", "Ana\x1b[31m", "Ana\x7f", "Jos\u00e9", "Ana\nLima", "Ana\u202e"]
)
def test_anything_else_takes_the_full_path(raw: str) -> None:
    assert clean_text(raw) == text._clean_full(raw, multiline=False)
    assert clean_text(raw, multiline=True) == text._clean_full(raw, multiline=True)


@given(ascii_heavy_text)
def test_identity_key_of_ascii_is_the_casefolded_nfc_key(value: str) -> None:
    expected = unicodedata.normalize("NFC", text._clean_full(value, multiline=False).casefold())
    assert identity_key(value) == expected


PERSIAN = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
"""A Persian word with a zero-width non-joiner inside, as Persian names often have."""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Ana", "'Ana'"),
        ("O'Brien", '"O\'Brien"'),
        ("👩\u200d💻 Devs", "'👩\u200d💻 Devs'"),
        (PERSIAN, f"'{PERSIAN}'"),
        ("שלום", "'שלום'"),
        ("[b]x[/]", "'[b]x[/]'"),
        ("red\x1b[31m", "'red\\x1b[31m'"),
        ("a\u202eb", "'a\\u202eb'"),
        ("two\nlines", "'two\\nlines'"),
        (3, "3"),
        (None, "None"),
    ],
)
def test_quoted_shows_text_as_typed_but_escapes_what_moves_the_cursor(
    value: object, expected: str
) -> None:
    assert text.quoted(value) == expected


@given(st.text())
def test_quoted_text_never_carries_a_control_or_bidi_character(value: str) -> None:
    shown = text.quoted(value)

    assert not re.search("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]", shown)
    assert shown[0] == shown[-1] in "'\""
