"""indexes for members at risk and the dashboard at community scale: check-ins by member and day
with their attendance, circle and session (a member's latest marks are judged from the index
alone), and
check-ins by day with attendance and session (the dashboard's weekly attendance line)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA_VERSION = 13


def upgrade() -> None:
    with op.batch_alter_table("checkin", schema=None) as batch_op:
        batch_op.drop_index("ix_checkin_member_day")
        batch_op.create_index(
            "ix_checkin_member_day",
            ["member_id", "day", "attendance", "circle_id", "session_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_checkin_day_attendance", ["day", "attendance", "session_id"], unique=False
        )
    op.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def downgrade() -> None:
    with op.batch_alter_table("checkin", schema=None) as batch_op:
        batch_op.drop_index("ix_checkin_day_attendance")
        batch_op.drop_index("ix_checkin_member_day")
        batch_op.create_index("ix_checkin_member_day", ["member_id", "day"], unique=False)
    op.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
