"""Validators shared by the Create/Update models: every user string is cleaned here first."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BeforeValidator, StringConstraints

from circlekeeper.text import clean_text, quoted

NAME_MAX = 200
CIRCLE_NAME_MAX = 120
EMAIL_MAX = 254
HANDLE_MAX = 64
TAG_KEY_MAX = 40
TAG_VALUE_MAX = 100
TAGS_MAX = 30
LONG_TEXT_MAX = 10_000

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TAG_KEY = re.compile(r"^[\w][\w.\-]*$")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def _clean_line(value: object) -> object:
    return clean_text(value) if isinstance(value, str) else value


def _clean_block(value: object) -> object:
    return clean_text(value, multiline=True) if isinstance(value, str) else value


def _blank_to_none(value: object) -> object:
    if isinstance(value, str):
        cleaned = clean_text(value)
        return cleaned or None
    return value


def _check_email(value: str | None) -> str | None:
    if value is not None and not _EMAIL.match(value):
        raise ValueError("must look like name@example.org")
    return value


def _check_handle(value: str | None) -> str | None:
    if value is not None and not value.removeprefix("@").strip():
        raise ValueError("must have at least one character besides '@'")
    return value


@lru_cache(maxsize=512)
def _is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # OSError: a folder of the zone database ("Europe") or a name too long for a file name.
        return False
    return True


def check_timezone(value: str) -> str:
    """Accept an IANA zone name such as Europe/Berlin or UTC."""
    if not _is_zone(value):
        raise ValueError(
            f"{quoted(value)} is not an IANA timezone (e.g. Europe/Berlin, America/Chicago, UTC)"
        )
    return value


def _check_time(value: str | None) -> str | None:
    if value is not None and not _TIME.match(value):
        raise ValueError("must be a 24-hour time HH:MM, e.g. 18:30")
    return value


def _strict_date(value: object) -> object:
    """Dates come as ISO strings (YYYY-MM-DD) or date objects; nothing else is guessed."""
    if isinstance(value, dt.datetime):
        raise ValueError("expected a date (YYYY-MM-DD), not a date and time")
    if isinstance(value, dt.date) or value is None:
        return value
    if not isinstance(value, str):
        raise ValueError("expected a date (YYYY-MM-DD)")
    text = value.strip()
    if not text:
        return None
    if not _ISO_DATE.match(text):
        raise ValueError(f"{quoted(text)} is not a date in the form YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"{quoted(text)} is not a real date") from exc


def check_tags(tags: dict[str, str]) -> dict[str, str]:
    """Tags are key=value attributes; keys are lower-case words, values short text."""
    if len(tags) > TAGS_MAX:
        raise ValueError(f"at most {TAGS_MAX} tags per member")
    cleaned: dict[str, str] = {}
    for raw_key, raw_value in tags.items():
        key = clean_text(str(raw_key)).casefold()
        value = clean_text(str(raw_value))
        if not key or not _TAG_KEY.match(key) or len(key) > TAG_KEY_MAX:
            raise ValueError(
                f"tag name {quoted(raw_key)} must be a word (letters, digits, _ . -), "
                f"at most {TAG_KEY_MAX} characters"
            )
        if not value or len(value) > TAG_VALUE_MAX:
            raise ValueError(f"tag {quoted(key)} needs a value of 1 to {TAG_VALUE_MAX} characters")
        cleaned[key] = value
    return cleaned


def parse_tags(text: str) -> dict[str, str]:
    """Parse `k=v;k=v` (commas also separate) into a dict; raises ValueError on a bad pair.

    A piece without "=" belongs to the value before it, so `languages=en, fr` (as the command
    line and an import may store it) reads back as one tag rather than being refused."""
    tags: dict[str, str] = {}
    last: str | None = None
    pieces = re.split(r"([;,])", text or "")
    for index in range(0, len(pieces), 2):
        part = pieces[index]
        key, sep, value = part.partition("=")
        if sep:
            last = key.strip()
            tags[last] = value
        elif part.strip() and last is not None:
            tags[last] += pieces[index - 1] + part
        elif part.strip():
            raise ValueError(f"tag {quoted(part.strip())} must be written key=value")
    return check_tags({key: value.strip() for key, value in tags.items()})


def format_tags(tags: dict[str, str]) -> str:
    """The inverse of `parse_tags`, in key order."""
    return ";".join(f"{key}={value}" for key, value in sorted(tags.items()))


Name = Annotated[
    Annotated[str, StringConstraints(min_length=1, max_length=NAME_MAX)],
    BeforeValidator(_clean_line),
]
CircleName = Annotated[
    Annotated[str, StringConstraints(min_length=1, max_length=CIRCLE_NAME_MAX)],
    BeforeValidator(_clean_line),
]
ShortText = Annotated[
    Annotated[str, StringConstraints(max_length=500)], BeforeValidator(_clean_line)
]
LongText = Annotated[
    Annotated[str, StringConstraints(max_length=LONG_TEXT_MAX)], BeforeValidator(_clean_block)
]
Email = Annotated[
    Annotated[str, StringConstraints(max_length=EMAIL_MAX)] | None,
    BeforeValidator(_blank_to_none),
    AfterValidator(_check_email),
]
Handle = Annotated[
    Annotated[str, StringConstraints(max_length=HANDLE_MAX)] | None,
    BeforeValidator(_blank_to_none),
    AfterValidator(_check_handle),
]
Timezone = Annotated[str, BeforeValidator(_clean_line), AfterValidator(check_timezone)]
StrictDate = Annotated[dt.date, BeforeValidator(_strict_date)]
OptionalDate = Annotated[dt.date | None, BeforeValidator(_strict_date)]
MeetingTime = Annotated[str | None, BeforeValidator(_blank_to_none), AfterValidator(_check_time)]
Tags = Annotated[dict[str, str], AfterValidator(check_tags)]
