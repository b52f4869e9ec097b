"""Lost-update protection shared by every editable table: UPDATE … WHERE version = expected."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import update
from sqlmodel import Session, col

from circlekeeper import clock
from circlekeeper.services.errors import StaleEdit


class Versioned(Protocol):
    """A table row with an id, a version counter and an updated_at timestamp."""

    id: int | None
    version: int


def versioned_update(
    session: Session,
    row: Versioned,
    values: dict[str, Any],
    *,
    expected_version: int | None,
    what: str,
) -> None:
    """Write `values` to `row` only if it is still at `expected_version` (default: as read).

    The version goes up by one and updated_at is set; a stale edit changes nothing and raises
    StaleEdit ("<what> changed elsewhere — reload"). The row is refreshed afterwards.
    """
    table = type(row)
    version = row.version if expected_version is None else expected_version
    result = session.exec(
        update(table)
        .where(col(table.id) == row.id, col(table.version) == version)
        .values(**values, version=version + 1, updated_at=clock.now())
    )
    if result.rowcount != 1:
        raise StaleEdit(what)
    session.refresh(row)
