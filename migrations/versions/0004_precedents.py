"""precedent base: precedents, their embeddings, the change sequence

Revision ID: 0004_precedents
Revises: 0003_transcripts
Create Date: 2026-11-24 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_precedents"
down_revision = "0003_transcripts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "precedent_sync",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_precedent_sync")),
    )
    op.create_table(
        "precedents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=120), nullable=False),
        sa.Column(
            "source",
            sa.Enum("corpus", "centre", name="precedentsource", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("centre_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("dataset", sa.String(length=200), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("cause", sa.String(length=200), nullable=True),
        sa.Column("dispute_type", sa.String(length=32), nullable=True),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("claims", sa.Text(), nullable=True),
        sa.Column("outcome_text", sa.Text(), nullable=True),
        sa.Column("key_facts", sa.JSON(), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("provenance", sa.JSON(), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_precedents_case_id_cases"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["centre_id"], ["centres.id"], name=op.f("fk_precedents_centre_id_centres")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_precedents")),
        sa.UniqueConstraint("case_id", name=op.f("uq_precedents_case_id")),
        sa.UniqueConstraint("ref", name=op.f("uq_precedents_ref")),
    )
    op.create_index(op.f("ix_precedents_centre_id"), "precedents", ["centre_id"], unique=False)
    op.create_index("ix_precedents_seq", "precedents", ["seq"], unique=False)
    op.create_table(
        "precedent_embeddings",
        sa.Column("precedent_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("dim", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["precedent_id"],
            ["precedents.id"],
            name=op.f("fk_precedent_embeddings_precedent_id_precedents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("precedent_id", "model", name=op.f("pk_precedent_embeddings")),
    )


def downgrade() -> None:
    op.drop_table("precedent_embeddings")
    op.drop_index("ix_precedents_seq", table_name="precedents")
    op.drop_index(op.f("ix_precedents_centre_id"), table_name="precedents")
    op.drop_table("precedents")
    op.drop_table("precedent_sync")
