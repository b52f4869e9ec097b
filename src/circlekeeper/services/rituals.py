"""Ritual rules: the prompt packs circles use; built-in packs are installed by the schema itself."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import Ritual, RitualCreate, RitualMode, RitualRead, RitualUpdate
from circlekeeper.services.errors import Conflict, InvalidInput, NotFound
from circlekeeper.services.validation import parse
from circlekeeper.services.versioning import versioned_update
from circlekeeper.text import identity_key, quoted

RITUAL_FILE_KEYS = frozenset(RitualCreate.model_fields)


def read_ritual_file(path: Path) -> RitualCreate:
    """A prompt pack from a TOML file (the format of sample_data/rituals/*.toml)."""
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path} is not valid TOML: {exc}") from exc
    unknown = sorted(set(data) - RITUAL_FILE_KEYS)
    if unknown:
        raise InvalidInput(f"{path}: unknown keys {', '.join(unknown)}")
    return parse(RitualCreate, **data)


def find_ritual(session: Session, ref: str | int) -> Ritual:
    """The ritual with id `ref` ("#3" also works) or with that name, regardless of case."""
    text = str(ref).strip()
    digits = text.removeprefix("#")
    if digits.isdigit() and digits.isascii() and len(digits) < 19:
        found = session.get(Ritual, int(digits))
        if found is not None:
            return found
    if text:
        found = session.exec(
            select(Ritual).where(col(Ritual.name_key) == identity_key(text))
        ).first()
        if found is not None:
            return found
    raise NotFound(f"no ritual matches {quoted(text)} — 'ritual list' shows them")


def list_rituals(db: Database) -> list[RitualRead]:
    """Every prompt pack, built-in ones first, then by name."""
    with db.read() as session:
        rows = session.exec(
            select(Ritual).order_by(col(Ritual.builtin).desc(), col(Ritual.name_key))
        ).all()
        return [to_read(row) for row in rows]


def get_ritual(db: Database, *, ref: str | int) -> RitualRead:
    """One prompt pack."""
    with db.read() as session:
        return to_read(find_ritual(session, ref))


def add_ritual(db: Database, *, data: RitualCreate) -> RitualRead:
    """Add a facilitator's own prompt pack; names are unique regardless of case."""
    moment = clock.now()
    with db.write() as session:
        _ensure_unique_name(session, data.name)
        ritual = Ritual(
            **data.model_dump(),
            name_key=identity_key(data.name),
            builtin=False,
            created_at=moment,
            updated_at=moment,
        )
        session.add(ritual)
        session.flush()
        return to_read(ritual)


def edit_ritual(
    db: Database, *, ref: str | int, changes: RitualUpdate, expected_version: int | None = None
) -> RitualRead:
    """Change a prompt pack; sessions already held keep the answers they recorded."""
    values = {
        key: value
        for key, value in changes.model_dump(exclude_unset=True).items()
        if value is not None
    }
    with db.write() as session:
        ritual = find_ritual(session, ref)
        if "name" in values:
            _ensure_unique_name(session, values["name"], exclude_id=ritual.id)
            values["name_key"] = identity_key(values["name"])
        if "mode" in values:
            values["mode"] = RitualMode(values["mode"]).value
        versioned_update(
            session,
            ritual,
            values,
            expected_version=expected_version,
            what=f"ritual {quoted(ritual.name)}",
        )
        return to_read(ritual)


def to_read(ritual: Ritual) -> RitualRead:
    """The read model of a ritual row."""
    assert ritual.id is not None
    return RitualRead(
        id=ritual.id,
        name=ritual.name,
        description=ritual.description,
        prompts=list(ritual.prompts),
        timebox_minutes=ritual.timebox_minutes,
        opening=ritual.opening,
        closing=ritual.closing,
        mode=RitualMode(ritual.mode),
        builtin=ritual.builtin,
        version=ritual.version,
    )


def _ensure_unique_name(session: Session, name: str, *, exclude_id: int | None = None) -> None:
    clash = session.exec(
        select(Ritual.id).where(col(Ritual.name_key) == identity_key(name))
    ).first()
    if clash is not None and clash != exclude_id:
        raise Conflict(f"a ritual named {quoted(name)} already exists (#{clash})")
