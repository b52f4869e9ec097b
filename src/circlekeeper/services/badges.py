"""Badge definitions: the built-in starter set and the facilitator's own, added one by one or
imported from a TOML file."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel
from sqlmodel import Session, col, select

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import Badge, BadgeRead, BadgeRule
from circlekeeper.models.badge_file import (
    BadgeFileError,
    BadgeSpec,
    badge_spec,
    describe_rule,
    read_badge_file,
)
from circlekeeper.services.errors import Conflict, InvalidInput, NotFound
from circlekeeper.text import identity_key, quoted

_ID = re.compile(r"#?[0-9]{1,18}")


class BadgeImport(BaseModel):
    """What `import_badges` did: badges added, and badges of the file already present (kept)."""

    added: list[BadgeRead]
    skipped: list[BadgeRead]


def list_badges(db: Database) -> list[BadgeRead]:
    """Every badge, built-in and the facilitator's own, sorted by name."""
    with db.read() as session:
        rows = session.exec(select(Badge).order_by(col(Badge.name_key), col(Badge.id))).all()
        return [badge_read(row) for row in rows]


def add_badge(
    db: Database, *, name: str, description: str = "", rule: str | None = None
) -> BadgeRead:
    """Add one badge; a rule such as "attended 10 sessions" lets circlekeeper suggest it."""
    spec = _spec(name, description, rule)
    with db.write() as session:
        existing = _by_name(session, spec.name)
        if existing is not None:
            raise Conflict(
                f"there is already a badge named {quoted(existing.name)} — pick another name "
                "('badge list' shows them)"
            )
        return badge_read(_insert(session, spec))


def import_badges(db: Database, path: Path) -> BadgeImport:
    """Add every badge of a TOML file in one transaction.

    A badge whose name is already present (regardless of case) is skipped and left exactly as
    it is, so importing the same file again after adding to it only adds the new badges; the
    result names the skipped ones. A broken file imports nothing.
    """
    try:
        specs = read_badge_file(path)
    except BadgeFileError as exc:
        raise InvalidInput(str(exc)) from exc
    if not specs:
        raise InvalidInput(f"{path} has no badges — write each one as a [[badge]] table")
    added: list[BadgeRead] = []
    skipped: list[BadgeRead] = []
    with db.write() as session:
        for spec in specs:
            existing = _by_name(session, spec.name)
            if existing is not None:
                skipped.append(badge_read(existing))
            else:
                added.append(badge_read(_insert(session, spec)))
    return BadgeImport(added=added, skipped=skipped)


def remove_badge(db: Database, *, ref: str | int) -> BadgeRead:
    """Remove a badge of the facilitator's own; entries that gave it keep its name.

    Built-in badges are refused: they come back with every new database, so removing one here
    would only make two databases disagree.
    """
    with db.write() as session:
        badge = find_badge(session, ref)
        if badge.builtin:
            raise Conflict(
                f"{quoted(badge.name)} is a built-in badge and stays — add your own badge instead "
                "('badge add NAME')"
            )
        removed = badge_read(badge)
        session.delete(badge)
        return removed


def find_badge(session: Session, ref: str | int) -> Badge:
    """The badge with that name (case-insensitive) or id ("#3" is always the id)."""
    text = str(ref).strip()
    if isinstance(ref, int) or (text.startswith("#") and _ID.fullmatch(text)):
        found = session.get(Badge, int(text.removeprefix("#")))
    else:
        found = _by_name(session, text)
        if found is None and _ID.fullmatch(text):
            found = session.get(Badge, int(text))
    if found is None:
        raise NotFound(f"no badge matches {quoted(text)} — 'badge list' shows them")
    return found


def badge_read(badge: Badge) -> BadgeRead:
    """The read model of a badge row, with its rule in words."""
    assert badge.id is not None
    return BadgeRead(
        id=badge.id,
        name=badge.name,
        description=badge.description,
        rule_kind=BadgeRule(badge.rule_kind) if badge.rule_kind else None,
        rule_count=badge.rule_count,
        rule=describe_rule(badge.rule_kind, badge.rule_count),
        builtin=badge.builtin,
    )


def _spec(name: str, description: str, rule: str | None) -> BadgeSpec:
    try:
        return badge_spec(name, description, rule)
    except BadgeFileError as exc:
        raise InvalidInput(str(exc)) from exc


def _by_name(session: Session, name: str) -> Badge | None:
    key = identity_key(name)
    if not key:
        return None
    return session.exec(select(Badge).where(col(Badge.name_key) == key)).first()


def _insert(session: Session, spec: BadgeSpec) -> Badge:
    badge = Badge(**spec.as_row(), builtin=False, created_at=clock.now())
    session.add(badge)
    session.flush()
    return badge
