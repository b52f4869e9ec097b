"""the erasure log: which member was forgotten when, and how many rows, without personal data

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA_VERSION = 10


def upgrade() -> None:
    op.create_table(
        "erasure_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("erased_at", sa.DateTime(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasure_log")),
    )
    with op.batch_alter_table("erasure_log", schema=None) as batch_op:
        batch_op.create_index("ix_erasure_log_member", ["member_id"], unique=False)
    op.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def downgrade() -> None:
    with op.batch_alter_table("erasure_log", schema=None) as batch_op:
        batch_op.drop_index("ix_erasure_log_member")
    op.drop_table("erasure_log")
    op.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
