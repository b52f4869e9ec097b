"""Finding members and circles by what people type: an id, an email, a handle or a name."""

from __future__ import annotations

from sqlmodel import Session, col, select

from circlekeeper.models import Circle, Member
from circlekeeper.services.errors import NotFound
from circlekeeper.text import handle_key, identity_key


def find_member(session: Session, ref: str | int) -> Member:
    """The member with id `ref`, or with that email, or with that handle (case-insensitive)."""
    text = str(ref).strip()
    if text.lstrip("#").isdigit():
        member = session.get(Member, int(text.lstrip("#")))
        if member is not None:
            return member
    if text:
        key = identity_key(text)
        member = session.exec(select(Member).where(Member.email_key == key)).first()
        if member is None:
            member = session.exec(select(Member).where(Member.handle_key == handle_key(text))).first()
        if member is not None:
            return member
    raise NotFound(f"no member matches {text!r} — give an id, an email or a handle ('member list' shows them)")


def find_circle(session: Session, ref: str | int) -> Circle:
    """The circle with id `ref`, or with that name (case-insensitive)."""
    text = str(ref).strip()
    if text.lstrip("#").isdigit():
        circle = session.get(Circle, int(text.lstrip("#")))
        if circle is not None:
            return circle
    if text:
        circle = session.exec(select(Circle).where(col(Circle.name_key) == identity_key(text))).first()
        if circle is not None:
            return circle
    raise NotFound(f"no circle matches {text!r} — give an id or a name ('circle list' shows them)")


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with its own % and _ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
