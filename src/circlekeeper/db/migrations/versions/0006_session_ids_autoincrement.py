"""circle_session ids are never reused (AUTOINCREMENT), so calendar UIDs stay unique

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21

An .ics event's UID is derived from the session id. Without AUTOINCREMENT SQLite hands the
highest id of a deleted (re-planned) session to the next new one, so a calendar would update the
old event with a different meeting. The table is rebuilt from this explicit definition because
SQLite reflection does not carry CHECK constraints; migrations run with foreign keys off.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA_VERSION = 6


def _definition(autoincrement: bool) -> sa.Table:
    """circle_session exactly as revision 0004 created it, with or without AUTOINCREMENT."""
    return sa.Table(
        "circle_session",
        sa.MetaData(),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("circle_id", sa.Integer(), nullable=False),
        sa.Column("ritual_id", sa.Integer(), nullable=True),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("notes", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('planned', 'held', 'cancelled', 'did-not-happen')",
            name="ck_circle_session_status_valid",
        ),
        sa.CheckConstraint("version >= 1", name="ck_circle_session_version_positive"),
        sa.ForeignKeyConstraint(
            ["circle_id"],
            ["circle.id"],
            name="fk_circle_session_circle_id_circle",
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["ritual_id"],
            ["ritual.id"],
            name="fk_circle_session_ritual_id_ritual",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_circle_session"),
        sa.Index("ix_circle_session_circle_day", "circle_id", "local_date"),
        sa.Index("ix_circle_session_starts_status", "starts_at", "status", "circle_id"),
        sa.Index("uq_circle_session_circle_start", "circle_id", "starts_at", unique=True),
        sqlite_autoincrement=autoincrement,
    )


def upgrade() -> None:
    with op.batch_alter_table(
        "circle_session", recreate="always", copy_from=_definition(autoincrement=True)
    ):
        pass
    op.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def downgrade() -> None:
    with op.batch_alter_table(
        "circle_session", recreate="always", copy_from=_definition(autoincrement=False)
    ):
        pass
    op.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
