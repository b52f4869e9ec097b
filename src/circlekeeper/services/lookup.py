"""Finding members and circles by what people type: an id, an email, a handle or a name."""

from __future__ import annotations

import re

from sqlmodel import Session, col, select

from circlekeeper.models import Circle, Member
from circlekeeper.services.errors import NotFound
from circlekeeper.text import handle_key, identity_key

_ID = re.compile(r"#?([0-9]{1,18})")


def find_member(session: Session, ref: str | int) -> Member:
    """The member with id `ref`, or with that email, or with that handle (case-insensitive)."""
    text = str(ref).strip()
    row_id = _as_id(text)
    if row_id is not None:
        member = session.get(Member, row_id)
        if member is not None:
            return member
    if text:
        key = identity_key(text)
        member = session.exec(select(Member).where(Member.email_key == key)).first()
        if member is None:
            by_handle = select(Member).where(Member.handle_key == handle_key(text))
            member = session.exec(by_handle).first()
        if member is not None:
            return member
    raise NotFound(
        f"no member matches {text!r} — give an id, an email or a handle ('member list' shows them)"
    )


def find_circle(session: Session, ref: str | int) -> Circle:
    """The circle with id `ref`, or with that name (case-insensitive)."""
    text = str(ref).strip()
    row_id = _as_id(text)
    if row_id is not None:
        circle = session.get(Circle, row_id)
        if circle is not None:
            return circle
    if text:
        by_name = select(Circle).where(col(Circle.name_key) == identity_key(text))
        circle = session.exec(by_name).first()
        if circle is not None:
            return circle
    raise NotFound(f"no circle matches {text!r} — give an id or a name ('circle list' shows them)")


def _as_id(text: str) -> int | None:
    """The row id in `text` ("12" or "#12"), or None; other digits ("²", "٣") and numbers too
    large for SQLite's 64-bit integers are not ids (they crashed int() or the query)."""
    match = _ID.fullmatch(text)
    return int(match.group(1)) if match else None


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with its own % and _ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
