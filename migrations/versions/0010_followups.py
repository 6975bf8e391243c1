"""in-person signatures of agreements; users' notice language

Revision ID: 0010_followups
Revises: 0009_hearings
Create Date: 2026-11-24 13:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_followups"
down_revision = "0009_hearings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("agreement_signatures") as batch:
        batch.add_column(sa.Column("signatory_name", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("id_document_masked", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("id_document_hash", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("paper_sha256", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("paper_evidence_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_agreement_signatures_paper_evidence_id_evidence_items",
            "evidence_items",
            ["paper_evidence_id"],
            ["id"],
        )
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("language", sa.String(length=8), server_default="zh", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("language")
    with op.batch_alter_table("agreement_signatures") as batch:
        batch.drop_constraint(
            "fk_agreement_signatures_paper_evidence_id_evidence_items", type_="foreignkey"
        )
        batch.drop_column("paper_evidence_id")
        batch.drop_column("paper_sha256")
        batch.drop_column("id_document_hash")
        batch.drop_column("id_document_masked")
        batch.drop_column("signatory_name")
