"""Storage: the only package that knows the database is SQLite."""

from circlekeeper.db.database import BUSY_MESSAGE, Database, create_database, open_database
from circlekeeper.db.errors import (
    DatabaseBusy,
    DatabaseCorrupt,
    DatabaseMissing,
    NewerSchema,
    NotACircleKeeperDatabase,
    StorageError,
)

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
