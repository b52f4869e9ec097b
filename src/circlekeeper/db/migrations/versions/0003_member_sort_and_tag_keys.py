"""members sort ignoring accents and punctuation; tag values compare case-insensitively

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21

member.name_key was identity_key(name) (NFC + casefold), so "Ámbar" sorted after "Zoë" and
"[b]Bo" before "Ahmed"; it becomes text.sort_key(name). Tag searches compared SQLite's lower()
of the value, which folds ASCII only; member_tag.value_key holds identity_key(value) and the
(key, value, member_id) index becomes (key, value_key, member_id). Both keys are computed in
Python for the existing rows (SQL has no casefold); migrations run with foreign keys off, so
rebuilding member_tag in batch mode keeps every row.
"""

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

from circlekeeper.text import identity_key, sort_key

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


SCHEMA_VERSION = 3


def upgrade() -> None:
    op.drop_index("ix_member_tag_key_value", table_name="member_tag")
    op.add_column("member_tag", sa.Column("value_key", sa.String(), nullable=True))
    _rekey_names(sort_key)
    _fill_value_keys()
    with op.batch_alter_table("member_tag", recreate="always") as batch_op:
        batch_op.alter_column("value_key", existing_type=sa.String(), nullable=False)
    op.create_index("ix_member_tag_key_value_key", "member_tag", ["key", "value_key", "member_id"])
    op.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def downgrade() -> None:
    op.drop_index("ix_member_tag_key_value_key", table_name="member_tag")
    with op.batch_alter_table("member_tag", recreate="always") as batch_op:
        batch_op.drop_column("value_key")
    op.create_index("ix_member_tag_key_value", "member_tag", ["key", "value", "member_id"])
    _rekey_names(identity_key)
    op.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")


def _rekey_names(key: Callable[[str], str]) -> None:
    """Set every member's name_key to key(name), writing only the rows that change."""
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, name, name_key FROM member")).all()
    changed = []
    for member_id, name, stored in rows:
        new = key(name)
        if new != stored:
            changed.append({"id": member_id, "name_key": new})
    if changed:
        bind.execute(sa.text("UPDATE member SET name_key = :name_key WHERE id = :id"), changed)


def _fill_value_keys() -> None:
    """Give every tag its value_key."""
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT member_id, key, value FROM member_tag")).all()
    keyed = [
        {"member_id": member_id, "key": key, "value_key": identity_key(value)}
        for member_id, key, value in rows
    ]
    if keyed:
        bind.execute(
            sa.text(
                "UPDATE member_tag SET value_key = :value_key"
                " WHERE member_id = :member_id AND key = :key"
            ),
            keyed,
        )
