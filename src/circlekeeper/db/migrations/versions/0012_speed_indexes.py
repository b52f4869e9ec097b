"""indexes for health, goal status and the digest at community scale: check-ins with answers by
session (who spoke) and by day (the digest's quotes), and progress by day with its metric
(covering the sums of a period)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA_VERSION = 12


def upgrade() -> None:
    with op.batch_alter_table("checkin", schema=None) as batch_op:
        batch_op.create_index(
            "ix_checkin_session_spoke",
            ["session_id", "attendance", "member_id"],
            unique=False,
            sqlite_where=sa.text("json(answers) != '{}'"),
        )
        batch_op.create_index(
            "ix_checkin_day_answered",
            ["day", "circle_id"],
            unique=False,
            sqlite_where=sa.text("answers != '{}'"),
        )
    with op.batch_alter_table("goal_progress", schema=None) as batch_op:
        batch_op.drop_index("ix_goal_progress_day")
        batch_op.create_index(
            "ix_goal_progress_day",
            ["day", "ambassador_id", "metric_key", "count"],
            unique=False,
        )
    op.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def downgrade() -> None:
    with op.batch_alter_table("goal_progress", schema=None) as batch_op:
        batch_op.drop_index("ix_goal_progress_day")
        batch_op.create_index(
            "ix_goal_progress_day", ["day", "ambassador_id", "count"], unique=False
        )
    with op.batch_alter_table("checkin", schema=None) as batch_op:
        batch_op.drop_index("ix_checkin_day_answered")
        batch_op.drop_index("ix_checkin_session_spoke")
    op.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
