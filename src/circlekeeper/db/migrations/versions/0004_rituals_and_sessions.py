"""rituals, sessions, check-ins and session-runner drafts; circles get a default ritual

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21

The built-in prompt packs (sample_data/rituals/*.toml) are installed as data here, so every
database, new or migrated, has them; facilitators copy and edit them or add their own.
"""

import datetime as dt
import json
import tomllib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from circlekeeper.paths import bundled_dir
from circlekeeper.text import identity_key

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA_VERSION = 4


def upgrade() -> None:
    op.create_table(
        "ritual",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("name_key", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("prompts", sa.JSON(), nullable=False),
        sa.Column("timebox_minutes", sa.Integer(), nullable=False),
        sa.Column("opening", sa.String(), nullable=False),
        sa.Column("closing", sa.String(), nullable=False),
        sa.Column("mode", sa.String(), nullable=False),
        sa.Column("builtin", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("mode IN ('live', 'async')", name=op.f("ck_ritual_mode_valid")),
        sa.CheckConstraint("length(name) BETWEEN 1 AND 80", name=op.f("ck_ritual_name_length")),
        sa.CheckConstraint(
            "timebox_minutes BETWEEN 1 AND 60", name=op.f("ck_ritual_timebox_range")
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_ritual_version_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ritual")),
        sa.UniqueConstraint("name_key", name=op.f("uq_ritual_name_key")),
    )
    op.create_table(
        "circle_session",
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
            name=op.f("ck_circle_session_status_valid"),
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_circle_session_version_positive")),
        sa.ForeignKeyConstraint(
            ["circle_id"],
            ["circle.id"],
            name=op.f("fk_circle_session_circle_id_circle"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["ritual_id"],
            ["ritual.id"],
            name=op.f("fk_circle_session_ritual_id_ritual"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_circle_session")),
    )
    with op.batch_alter_table("circle_session", schema=None) as batch_op:
        batch_op.create_index(
            "ix_circle_session_circle_day", ["circle_id", "local_date"], unique=False
        )
        batch_op.create_index(
            "ix_circle_session_starts_status", ["starts_at", "status", "circle_id"], unique=False
        )
        batch_op.create_index(
            "uq_circle_session_circle_start", ["circle_id", "starts_at"], unique=True
        )

    op.create_table(
        "checkin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("circle_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("attendance", sa.String(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("mood", sa.Integer(), nullable=True),
        sa.Column("visibility", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "attendance IN ('present', 'absent', 'excused')",
            name=op.f("ck_checkin_attendance_valid"),
        ),
        sa.CheckConstraint(
            "visibility IN ('private', 'circle', 'community')",
            name=op.f("ck_checkin_visibility_valid"),
        ),
        sa.CheckConstraint(
            "mood IS NULL OR mood BETWEEN 1 AND 5", name=op.f("ck_checkin_mood_range")
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_checkin_version_positive")),
        sa.ForeignKeyConstraint(
            ["circle_id"],
            ["circle.id"],
            name=op.f("fk_checkin_circle_id_circle"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_checkin_member_id_member"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["circle_session.id"],
            name=op.f("fk_checkin_session_id_circle_session"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin")),
    )
    with op.batch_alter_table("checkin", schema=None) as batch_op:
        batch_op.create_index(
            "ix_checkin_circle_day", ["circle_id", "day", "attendance"], unique=False
        )
        batch_op.create_index("ix_checkin_member_day", ["member_id", "day"], unique=False)
        batch_op.create_index(
            "uq_checkin_session_member",
            ["session_id", "member_id"],
            unique=True,
            sqlite_where=sa.text("session_id IS NOT NULL"),
            postgresql_where=sa.text("session_id IS NOT NULL"),
        )

    op.create_table(
        "session_draft",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["circle_session.id"],
            name=op.f("fk_session_draft_session_id_circle_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_session_draft")),
    )
    with op.batch_alter_table("circle", schema=None) as batch_op:
        batch_op.add_column(sa.Column("week_of_month", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("ritual_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_circle_ritual_id_ritual"),
            "ritual",
            ["ritual_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_circle_week_of_month_valid"),
            "week_of_month IS NULL OR week_of_month IN (1, 2, 3, 4, 5, -1)",
        )
    _install_builtin_rituals()
    op.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def downgrade() -> None:
    with op.batch_alter_table("circle", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_circle_week_of_month_valid"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_circle_ritual_id_ritual"), type_="foreignkey")
        batch_op.drop_column("ritual_id")
        batch_op.drop_column("week_of_month")

    op.drop_table("session_draft")
    with op.batch_alter_table("checkin", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_checkin_session_member",
            sqlite_where=sa.text("session_id IS NOT NULL"),
            postgresql_where=sa.text("session_id IS NOT NULL"),
        )
        batch_op.drop_index("ix_checkin_member_day")
        batch_op.drop_index("ix_checkin_circle_day")

    op.drop_table("checkin")
    with op.batch_alter_table("circle_session", schema=None) as batch_op:
        batch_op.drop_index("uq_circle_session_circle_start")
        batch_op.drop_index("ix_circle_session_starts_status")
        batch_op.drop_index("ix_circle_session_circle_day")

    op.drop_table("circle_session")
    op.drop_table("ritual")
    op.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")


def _install_builtin_rituals() -> None:
    """Insert the shipped prompt packs (each TOML file in sample_data/rituals) as built-ins."""
    folder = bundled_dir("sample_data") / "rituals"
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows = []
    for path in sorted(folder.glob("*.toml")):
        pack = tomllib.loads(path.read_text(encoding="utf-8"))
        rows.append(
            {
                "name": pack["name"],
                "name_key": identity_key(pack["name"]),
                "description": pack.get("description", ""),
                "prompts": json.dumps(pack["prompts"], ensure_ascii=False),
                "timebox_minutes": int(pack.get("timebox_minutes", 3)),
                "opening": pack.get("opening", ""),
                "closing": pack.get("closing", ""),
                "mode": pack.get("mode", "live"),
                "created_at": now,
                "updated_at": now,
            }
        )
    if rows:
        op.get_bind().execute(
            sa.text(
                "INSERT INTO ritual (name, name_key, description, prompts, timebox_minutes, "
                "opening, closing, mode, builtin, version, created_at, updated_at) VALUES "
                "(:name, :name_key, :description, :prompts, :timebox_minutes, :opening, "
                ":closing, :mode, 1, 1, :created_at, :updated_at)"
            ),
            rows,
        )
