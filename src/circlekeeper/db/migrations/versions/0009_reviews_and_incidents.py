"""seasonal reviews (one open review per circle, one choice per member) and confidential incidents

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA_VERSION = 9


def upgrade() -> None:
    op.create_table(
        "incident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("circle_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.String(), nullable=False),
        sa.Column("severity", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("contact", sa.String(), nullable=False),
        sa.Column("alternate_contact", sa.String(), nullable=False),
        sa.Column("follow_up_on", sa.Date(), nullable=True),
        sa.Column("resolution", sa.String(), nullable=False),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('harm', 'breach')", name=op.f("ck_incident_kind_valid")),
        sa.CheckConstraint(
            "severity IN ('low', 'medium', 'high')", name=op.f("ck_incident_severity_valid")
        ),
        sa.CheckConstraint(
            "status != 'resolved' OR resolution != ''",
            name=op.f("ck_incident_resolved_has_resolution"),
        ),
        sa.CheckConstraint(
            "status IN ('open', 'escalated', 'resolved')", name=op.f("ck_incident_status_valid")
        ),
        sa.CheckConstraint(
            "length(resolution) <= 4000", name=op.f("ck_incident_resolution_length")
        ),
        sa.CheckConstraint(
            "length(summary) BETWEEN 1 AND 4000", name=op.f("ck_incident_summary_length")
        ),
        sa.ForeignKeyConstraint(
            ["circle_id"],
            ["circle.id"],
            name=op.f("fk_incident_circle_id_circle"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident")),
    )
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.create_index("ix_incident_circle", ["circle_id"], unique=False)
        batch_op.create_index("ix_incident_status", ["status", "follow_up_on"], unique=False)

    op.create_table(
        "incident_person",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incident.id"],
            name=op.f("fk_incident_person_incident_id_incident"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_incident_person_member_id_member"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("incident_id", "member_id", name=op.f("pk_incident_person")),
    )
    with op.batch_alter_table("incident_person", schema=None) as batch_op:
        batch_op.create_index("ix_incident_person_member", ["member_id"], unique=False)

    op.create_table(
        "review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("circle_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(status = 'applied') = (applied_on IS NOT NULL)",
            name=op.f("ck_review_applied_when_applied"),
        ),
        sa.CheckConstraint(
            "status IN ('open', 'applied', 'cancelled')", name=op.f("ck_review_status_valid")
        ),
        sa.ForeignKeyConstraint(
            ["circle_id"],
            ["circle.id"],
            name=op.f("fk_review_circle_id_circle"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["circle_session.id"],
            name=op.f("fk_review_session_id_circle_session"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review")),
    )
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.create_index("ix_review_circle", ["circle_id", "started_on"], unique=False)
        batch_op.create_index(
            "uq_review_open",
            ["circle_id"],
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
        )

    op.create_table(
        "review_entry",
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("choice", sa.String(), nullable=False),
        sa.Column("pause_until", sa.Date(), nullable=True),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(choice = 'pause') = (pause_until IS NOT NULL)",
            name=op.f("ck_review_entry_pause_has_date"),
        ),
        sa.CheckConstraint(
            "choice IN ('continue', 'pause', 'leave', 'regroup')",
            name=op.f("ck_review_entry_choice_valid"),
        ),
        sa.CheckConstraint("length(note) <= 1000", name=op.f("ck_review_entry_note_length")),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_review_entry_member_id_member"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["review.id"],
            name=op.f("fk_review_entry_review_id_review"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("review_id", "member_id", name=op.f("pk_review_entry")),
    )
    with op.batch_alter_table("review_entry", schema=None) as batch_op:
        batch_op.create_index("ix_review_entry_member", ["member_id"], unique=False)
    op.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def downgrade() -> None:
    with op.batch_alter_table("review_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_review_entry_member")
    op.drop_table("review_entry")
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_index("uq_review_open", sqlite_where=sa.text("status = 'open'"))
        batch_op.drop_index("ix_review_circle")
    op.drop_table("review")
    with op.batch_alter_table("incident_person", schema=None) as batch_op:
        batch_op.drop_index("ix_incident_person_member")
    op.drop_table("incident_person")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_index("ix_incident_status")
        batch_op.drop_index("ix_incident_circle")
    op.drop_table("incident")
    op.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
