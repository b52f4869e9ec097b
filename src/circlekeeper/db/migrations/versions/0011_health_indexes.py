"""indexes for health and reports at community scale: a circle's sessions newest first with
their status, sessions by day, and check-ins by session with attendance and member (covering)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA_VERSION = 11


def upgrade() -> None:
    with op.batch_alter_table("circle_session", schema=None) as batch_op:
        batch_op.drop_index("ix_circle_session_circle_day")
        batch_op.create_index(
            "ix_circle_session_circle_day",
            ["circle_id", "local_date", "starts_at", "status"],
            unique=False,
        )
        batch_op.create_index(
            "ix_circle_session_day_status", ["local_date", "status"], unique=False
        )
    with op.batch_alter_table("checkin", schema=None) as batch_op:
        batch_op.create_index(
            "ix_checkin_session_attendance",
            ["session_id", "attendance", "member_id"],
            unique=False,
        )
    op.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def downgrade() -> None:
    with op.batch_alter_table("checkin", schema=None) as batch_op:
        batch_op.drop_index("ix_checkin_session_attendance")
    with op.batch_alter_table("circle_session", schema=None) as batch_op:
        batch_op.drop_index("ix_circle_session_day_status")
        batch_op.drop_index("ix_circle_session_circle_day")
        batch_op.create_index(
            "ix_circle_session_circle_day", ["circle_id", "local_date"], unique=False
        )
    op.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
