"""Finding and erasing one person's name, email and handle inside free text, for data rights.

Matching ignores case and the amount of white space between the words of a name, and a term
only counts where it is not part of a longer word ("Bo" is not found in "Bob"). Terms shorter
than MIN_TERM characters, and bare numbers (a handle "12" without its '@'), are ignored: they
would erase ordinary words and counts. JSON keys are never changed, since they are prompts and
member ids, not what people said.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

ERASED = "[erased]"
MIN_TERM = 2


class Mentions:
    """A matcher for the ways one person is written down; `erase` puts ERASED in their place."""

    def __init__(self, terms: Iterable[str]) -> None:
        """Match any of `terms` (longest first, so an email wins over the handle inside it)."""
        cleaned = {" ".join(term.split()) for term in terms}
        usable = sorted(
            (t for t in cleaned if len(t) >= MIN_TERM and not t.isdigit()),
            key=lambda t: (-len(t), t),
        )
        self.terms = tuple(usable)
        parts = [_pattern(term) for term in usable]
        self._regex = re.compile("|".join(parts), re.IGNORECASE) if parts else None

    @classmethod
    def of(cls, name: str, email: str | None, handle: str | None) -> Mentions:
        """The matcher for a member: their name, email, and handle with and without its '@'."""
        terms = [name]
        if email:
            terms.append(email)
        if handle:
            bare = handle.removeprefix("@")
            terms += [bare, f"@{bare}"]
        return cls(terms)

    def found_in(self, text: str) -> bool:
        """True when `text` mentions the person."""
        return self._regex is not None and self._regex.search(text) is not None

    def erase(self, text: str) -> str:
        """`text` with every mention replaced by ERASED."""
        return text if self._regex is None else self._regex.sub(ERASED, text)

    def found_in_json(self, value: Any) -> bool:
        """True when any string value inside a JSON value (dicts, lists) mentions the person."""
        return any(self.found_in(text) for text in _strings(value))

    def erase_json(self, value: Any) -> Any:
        """A copy of a JSON value with mentions erased from every string value (not keys)."""
        if isinstance(value, str):
            return self.erase(value)
        if isinstance(value, list):
            return [self.erase_json(item) for item in value]
        if isinstance(value, dict):
            return {key: self.erase_json(item) for key, item in value.items()}
        return value


def _pattern(term: str) -> str:
    """The regex for one term: white space inside it flexible, word edges where it has them."""
    body = r"\s+".join(re.escape(word) for word in term.split(" "))
    start = r"(?<!\w)" if re.match(r"\w", term) else ""
    end = r"(?!\w)" if re.search(r"\w$", term) else ""
    return f"{start}{body}{end}"


def _strings(value: Any) -> Iterable[str]:
    """Every string value inside a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
