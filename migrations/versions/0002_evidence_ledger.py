"""evidence ledger: entries, heads, blobs, evidence items, checkpoints, signing keys

Revision ID: 0002_evidence_ledger
Revises: 0001_initial
Create Date: 2026-11-24 08:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_evidence_ledger"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("stored_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_blobs")),
    )
    op.create_table(
        "ledger_signing_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("key_id", sa.String(length=8), nullable=False),
        sa.Column("public_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("retired_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_signing_keys")),
        sa.UniqueConstraint("key_id", name=op.f("uq_ledger_signing_keys_key_id")),
    )
    op.create_table(
        "evidence_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("blob_sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("added_seq", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("withdrawn_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_reason", sa.Text(), nullable=True),
        sa.Column("withdrawn_seq", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["users.id"], name=op.f("fk_evidence_items_added_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["blob_sha256"], ["blobs.sha256"], name=op.f("fk_evidence_items_blob_sha256_blobs")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_evidence_items_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["withdrawn_by_id"], ["users.id"], name=op.f("fk_evidence_items_withdrawn_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_items")),
    )
    op.create_index(
        op.f("ix_evidence_items_blob_sha256"), "evidence_items", ["blob_sha256"], unique=False
    )
    op.create_index(op.f("ix_evidence_items_case_id"), "evidence_items", ["case_id"], unique=False)
    op.create_table(
        "ledger_checkpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("origin", sa.String(length=200), nullable=False),
        sa.Column("tree_size", sa.Integer(), nullable=False),
        sa.Column("root", sa.LargeBinary(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("key_id", sa.String(length=8), nullable=False),
        sa.Column("leaves", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("tsr", sa.LargeBinary(), nullable=True),
        sa.Column("timestamped_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_ledger_checkpoints_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["key_id"],
            ["ledger_signing_keys.key_id"],
            name=op.f("fk_ledger_checkpoints_key_id_ledger_signing_keys"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_checkpoints")),
    )
    op.create_index(
        "ix_ledger_checkpoints_case_size",
        "ledger_checkpoints",
        ["case_id", "tree_size"],
        unique=False,
    )
    op.create_table(
        "ledger_entries",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("prev", sa.LargeBinary(length=32), nullable=False),
        sa.Column("subtree", sa.LargeBinary(length=32), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_ledger_entries_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_ledger_entries_case_id_cases")
        ),
        # (case_id, seq) is the primary key: no two entries can take one place in a chain.
        sa.PrimaryKeyConstraint("case_id", "seq", name=op.f("pk_ledger_entries")),
    )
    op.create_index(
        op.f("ix_ledger_entries_file_sha256"), "ledger_entries", ["file_sha256"], unique=False
    )
    op.create_index(
        op.f("ix_ledger_entries_leaf_hash"), "ledger_entries", ["leaf_hash"], unique=False
    )
    op.create_table(
        "ledger_heads",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("root", sa.LargeBinary(length=32), nullable=False),
        sa.Column("frontier", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_ledger_heads_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_ledger_heads")),
    )


def downgrade() -> None:
    op.drop_table("ledger_heads")
    op.drop_index(op.f("ix_ledger_entries_leaf_hash"), table_name="ledger_entries")
    op.drop_index(op.f("ix_ledger_entries_file_sha256"), table_name="ledger_entries")
    op.drop_table("ledger_entries")
    op.drop_index("ix_ledger_checkpoints_case_size", table_name="ledger_checkpoints")
    op.drop_table("ledger_checkpoints")
    op.drop_index(op.f("ix_evidence_items_case_id"), table_name="evidence_items")
    op.drop_index(op.f("ix_evidence_items_blob_sha256"), table_name="evidence_items")
    op.drop_table("evidence_items")
    op.drop_table("ledger_signing_keys")
    op.drop_table("blobs")
