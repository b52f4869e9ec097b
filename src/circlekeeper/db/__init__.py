"""Storage: the only package that knows the database is SQLite.

The engine (and with it SQLAlchemy) loads only when `Database`, `create_database` or
`open_database` is first used, so checking a file with `circlekeeper.db.identify` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from circlekeeper.db.errors import (
    DatabaseBusy,
    DatabaseCorrupt,
    DatabaseMissing,
    NewerSchema,
    NotACircleKeeperDatabase,
    StorageError,
)
from circlekeeper.text import quoted

if TYPE_CHECKING:
    from circlekeeper.db.database import (
        BUSY_MESSAGE,
        Database,
        create_database,
        open_database,
    )

_LAZY = frozenset({"BUSY_MESSAGE", "Database", "create_database", "open_database"})


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module("circlekeeper.db.database"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {quoted(name)}")


__all__ = [
    "BUSY_MESSAGE",
    "Database",
    "DatabaseBusy",
    "DatabaseCorrupt",
    "DatabaseMissing",
    "NewerSchema",
    "NotACircleKeeperDatabase",
    "StorageError",
    "create_database",
    "open_database",
]
