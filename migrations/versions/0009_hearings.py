"""scheduled mediation sessions (on site, circuit, remote)

Revision ID: 0009_hearings
Revises: 0008_performance_disclosure
Create Date: 2026-11-24 12:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_hearings"
down_revision = "0008_performance_disclosure"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hearings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "on_site", "circuit", "remote", name="hearingkind", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "scheduled",
                "held",
                "cancelled",
                name="hearingstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=True),
        sa.Column("circuit_site_id", sa.Integer(), nullable=True),
        sa.Column("room", sa.String(length=64), nullable=True),
        sa.Column("mediator_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("minutes", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_hearings_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["circuit_site_id"],
            ["circuit_sites.id"],
            name=op.f("fk_hearings_circuit_site_id_circuit_sites"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_hearings_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["mediator_id"], ["users.id"], name=op.f("fk_hearings_mediator_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hearings")),
        sa.UniqueConstraint("room", name="uq_hearings_room"),
    )
    with op.batch_alter_table("hearings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hearings_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            "ix_hearings_mediator_starts", ["mediator_id", "starts_at"], unique=False
        )

    op.create_table(
        "hearing_participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hearing_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hearing_id"],
            ["hearings.id"],
            name=op.f("fk_hearing_participants_hearing_id_hearings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["parties.id"],
            name=op.f("fk_hearing_participants_party_id_parties"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hearing_participants")),
        sa.UniqueConstraint(
            "hearing_id", "party_id", name=op.f("uq_hearing_participants_hearing_id_party_id")
        ),
    )
    with op.batch_alter_table("hearing_participants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hearing_participants_hearing_id"), ["hearing_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("hearing_participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hearing_participants_hearing_id"))
    op.drop_table("hearing_participants")
    with op.batch_alter_table("hearings", schema=None) as batch_op:
        batch_op.drop_index("ix_hearings_mediator_starts")
        batch_op.drop_index(batch_op.f("ix_hearings_case_id"))
    op.drop_table("hearings")
