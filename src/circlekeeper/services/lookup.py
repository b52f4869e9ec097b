"""Finding members and circles by what people type: an id, an email, a handle or a name.

A bare number may be an id or a handle (or a circle's name): when it is both, for two
different rows, the lookup refuses to guess. "#42" is always the id, "@42" always the handle,
and "name:7" always the circle named "7". Each look-up loads only its own table's model, so
finding an ambassador does not load circles, nor finding a circle ambassadors.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from circlekeeper.services.errors import Conflict, NotFound
from circlekeeper.text import handle_key, identity_key, quoted

if TYPE_CHECKING:
    from circlekeeper.models import Ambassador, Circle, Member

_ID = re.compile(r"[0-9]{1,18}")
_NAME_PREFIX = "name:"


def find_member(session: Session, ref: str | int) -> Member:
    """The member with id `ref`, or with that email, or with that handle (case-insensitive).

    An int is an id; "#42" is the id 42 and "@42" the handle 42; a bare "42" that is member
    #42's id and another member's handle raises Conflict.
    """
    from circlekeeper.models import Member

    text = str(ref).strip()
    explicit_id = _as_id(text) if isinstance(ref, int) else _hash_id(text)
    if isinstance(ref, int) or explicit_id is not None:
        by_id = session.get(Member, explicit_id) if explicit_id is not None else None
        return _member_or_not_found(by_id, text)
    if text.startswith("@"):
        return _member_or_not_found(_member_by_handle(session, text), text)
    row_id = _as_id(text)
    if row_id is not None:
        by_id = session.get(Member, row_id)
        by_handle = _member_by_handle(session, text)
        if by_id is not None and by_handle is not None and by_id.id != by_handle.id:
            raise Conflict(
                f"{quoted(text)} is both the id of member #{by_id.id} ({by_id.name}) and the "
                "handle "
                f"of member #{by_handle.id} ({by_handle.name}) — write '#{text}' for the id "
                f"or '@{text}' for the handle"
            )
        return _member_or_not_found(by_id or by_handle, text)
    member = None
    if text:
        by_email = select(Member).where(col(Member.email_key) == identity_key(text))
        member = session.exec(by_email).first() or _member_by_handle(session, text)
    return _member_or_not_found(member, text)


def _member_by_handle(session: Session, text: str) -> Member | None:
    from circlekeeper.models import Member

    key = handle_key(text)
    if not key:
        return None
    return session.exec(select(Member).where(col(Member.handle_key) == key)).first()


def _member_or_not_found(member: Member | None, text: str) -> Member:
    if member is None:
        raise NotFound(
            f"no member matches {quoted(text)} — give an id, an email or a handle "
            "('member list' shows them)"
        )
    return member


def find_ambassador(session: Session, ref: str | int) -> Ambassador:
    """The ambassador who is the member `ref` (an id, email or handle, as for find_member)."""
    from circlekeeper.models import Ambassador

    member = find_member(session, ref)
    ambassador = session.exec(select(Ambassador).where(Ambassador.member_id == member.id)).first()
    if ambassador is None:
        raise NotFound(
            f"{member.name} (#{member.id}) is not an ambassador — "
            f"'ambassador add {member.id} --focus …' makes them one"
        )
    return ambassador


def find_circle(session: Session, ref: str | int) -> Circle:
    """The circle with id `ref`, or with that name (case-insensitive).

    An int is an id; "#7" is the id 7 and "name:7" the circle named "7"; a bare "7" that is
    circle #7's id and another circle's name raises Conflict.
    """
    from circlekeeper.models import Circle

    text = str(ref).strip()
    explicit_id = _as_id(text) if isinstance(ref, int) else _hash_id(text)
    if isinstance(ref, int) or explicit_id is not None:
        by_id = session.get(Circle, explicit_id) if explicit_id is not None else None
        return _circle_or_not_found(by_id, text)
    if text.startswith(_NAME_PREFIX):
        named = _circle_by_name(session, text.removeprefix(_NAME_PREFIX))
        return _circle_or_not_found(named or _circle_by_name(session, text), text)
    row_id = _as_id(text)
    by_name = _circle_by_name(session, text)
    if row_id is not None:
        by_id = session.get(Circle, row_id)
        if by_id is not None and by_name is not None and by_id.id != by_name.id:
            raise Conflict(
                f"{quoted(text)} is both the id of circle #{by_id.id} ({by_id.name}) and the name "
                f"of circle #{by_name.id} — write '#{text}' for the id or "
                f"'{_NAME_PREFIX}{text}' for the name"
            )
        return _circle_or_not_found(by_id or by_name, text)
    return _circle_or_not_found(by_name, text)


def _circle_by_name(session: Session, text: str) -> Circle | None:
    from circlekeeper.models import Circle

    key = identity_key(text)
    if not key:
        return None
    return session.exec(select(Circle).where(col(Circle.name_key) == key)).first()


def _circle_or_not_found(circle: Circle | None, text: str) -> Circle:
    if circle is None:
        raise NotFound(
            f"no circle matches {quoted(text)} — give an id or a name ('circle list' shows them)"
        )
    return circle


def _hash_id(text: str) -> int | None:
    """The id in an explicit id reference ("#12"), or None."""
    return _as_id(text[1:]) if text.startswith("#") else None


def _as_id(text: str) -> int | None:
    """The row id in `text` ("12"), or None; other digits ("²", "٣") and numbers too large
    for SQLite's 64-bit integers are not ids (they crashed int() or the query)."""
    return int(text) if _ID.fullmatch(text) else None


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with its own % and _ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
