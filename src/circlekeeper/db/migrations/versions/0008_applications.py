"""applications to circles whose visibility is "application"

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA_VERSION = 8


def upgrade() -> None:
    op.create_table(
        "application",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("circle_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.String(), nullable=False),
        sa.Column("decision_note", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'accepted', 'declined', 'withdrawn')",
            name=op.f("ck_application_status_valid"),
        ),
        sa.CheckConstraint("length(answer) <= 1000", name=op.f("ck_application_answer_length")),
        sa.CheckConstraint(
            "(status = 'pending') = (decided_on IS NULL)",
            name=op.f("ck_application_decided_when_not_pending"),
        ),
        sa.ForeignKeyConstraint(
            ["circle_id"],
            ["circle.id"],
            name=op.f("fk_application_circle_id_circle"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_application_member_id_member"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application")),
    )
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.create_index(
            "ix_application_circle", ["circle_id", "status", "created_at"], unique=False
        )
        batch_op.create_index("ix_application_member", ["member_id"], unique=False)
        batch_op.create_index(
            "uq_application_pending",
            ["circle_id", "member_id"],
            unique=True,
            sqlite_where=sa.text("status = 'pending'"),
        )
    op.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def downgrade() -> None:
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_index("uq_application_pending", sqlite_where=sa.text("status = 'pending'"))
        batch_op.drop_index("ix_application_member")
        batch_op.drop_index("ix_application_circle")
    op.drop_table("application")
    op.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
