"""Erasure: the log of members who were forgotten, and what forgetting reports.

Neither holds personal data: the log keeps a member id (without a foreign key, so the row can
never be what keeps someone findable) and how many rows of each table were touched.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel
from sqlalchemy import JSON, Column, Index
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

import circlekeeper.models.base  # noqa: F401  (naming convention before any table)
from circlekeeper.models.types import UTCDateTime


class ErasureLog(SQLModel, table=True):
    """One member forgotten: when, which member id, and the counts of what was erased."""

    __tablename__ = "erasure_log"
    __table_args__ = (Index("ix_erasure_log_member", "member_id"),)

    id: int | None = SQLField(default=None, primary_key=True)
    erased_at: dt.datetime = SQLField(sa_type=UTCDateTime)
    member_id: int
    counts: dict[str, Any] = SQLField(sa_column=Column(JSON, nullable=False))


class ErasureCounts(BaseModel):
    """How many rows forgetting a member touches, per table (never what they held)."""

    erased: dict[str, int]
    """Rows of the member's own data that are cleared or anonymised (attendance rows stay)."""
    deleted: dict[str, int]
    """Rows removed: their tags, recognitions they received, their links to incidents."""
    mentions: dict[str, int]
    """Rows elsewhere whose text named them (name, email or handle), now "[erased]"."""


class ForgetPreview(ErasureCounts):
    """What `forget_member` would do to one member, read without changing anything."""

    member_id: int
    name: str
    forgotten_on: dt.datetime | None
    """When this member was already forgotten (then there is nothing left to erase)."""


class ForgetReport(ErasureCounts):
    """What `forget_member` did; holds no personal data, like the erasure log row it wrote."""

    erasure_id: int
    member_id: int
    placeholder: str
    """The name the member's row carries from now on ("Forgotten member #12")."""
    erased_at: dt.datetime
    checkpointed: bool
    """True when the write-ahead log was copied into the database and emptied, so no old copy
    of the erased text is left in the -wal file; False when another program kept it open."""
    backup_folder: str
    backups: int
    """Backup files found in `backup_folder`: taken before, they still hold the erased data."""
