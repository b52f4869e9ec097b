"""member list filtered by status walks one index in name order

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21

`ix_member_status` alone made "active members, sorted by name" sort every active member for
each page (0.3 s for a page deep in 100,000 members); (status, name_key, id) serves the filter
and the order together, and still serves status counts.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


SCHEMA_VERSION = 2


def upgrade() -> None:
    op.drop_index("ix_member_status", table_name="member")
    op.create_index("ix_member_status_name_key_id", "member", ["status", "name_key", "id"])
    op.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def downgrade() -> None:
    op.drop_index("ix_member_status_name_key_id", table_name="member")
    op.create_index("ix_member_status", "member", ["status"])
    op.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
