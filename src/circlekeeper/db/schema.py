"""How a circlekeeper database identifies itself, and which schema this code expects."""

from __future__ import annotations

APPLICATION_ID = 0x436B7072
"""Stored in the SQLite header ('Ckpr'): a foreign SQLite file is refused before it is touched."""

SCHEMA_VERSION = 14
"""PRAGMA user_version after the newest migration; each Alembic revision sets its own number."""

SQLITE_MAGIC = b"SQLite format 3\x00"
