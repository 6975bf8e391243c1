"""settlement packets, courts, court clerks, submissions and rulings

Revision ID: 0007_packets_court
Revises: 0006_agreements
Create Date: 2026-11-24 12:30:00
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0007_packets_court"
down_revision = "0006_agreements"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # packets (mediation/packets): one row per packet built for a court
    op.create_table(
        "packets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("blob_key", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("manifest_sha256", sa.String(length=64), nullable=False),
        sa.Column("tree_size", sa.Integer(), nullable=False),
        sa.Column("agreement_sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_packets_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_packets_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_packets")),
    )
    op.create_index(op.f("ix_packets_case_id"), "packets", ["case_id"], unique=False)
    op.create_index(op.f("ix_packets_sha256"), "packets", ["sha256"], unique=False)
    # end packets

    # court (mediation/court): courts, their clerks, packets received and rulings
    op.create_table(
        "courts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("trust_anchor_pem", sa.Text(), nullable=True),
        sa.Column("ca_fingerprint", sa.String(length=95), nullable=True),
        sa.Column("tsa_ca_pem", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["centre_id"], ["centres.id"], name=op.f("fk_courts_centre_id_centres")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courts")),
        sa.UniqueConstraint("centre_id", "code", name=op.f("uq_courts_centre_id_code")),
    )
    with op.batch_alter_table("courts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_courts_centre_id"), ["centre_id"], unique=False)

    op.create_table(
        "court_users",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("court_id", sa.Integer(), nullable=False),
        sa.Column("service_account", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["court_id"], ["courts.id"], name=op.f("fk_court_users_court_id_courts")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_court_users_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_court_users")),
    )
    with op.batch_alter_table("court_users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_court_users_court_id"), ["court_id"], unique=False)

    op.create_table(
        "court_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("court_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "received",
                "accepted",
                "refused",
                "confirmed",
                "not_confirmed",
                name="submissionstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "channel",
            sa.Enum("centre", "web", "api", name="submissionchannel", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("packet_sha256", sa.String(length=64), nullable=False),
        sa.Column("packet_id", sa.Integer(), nullable=True),
        sa.Column("agreement_sha256", sa.String(length=64), nullable=True),
        sa.Column("joint_application", sa.Boolean(), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("received_by_id", sa.Integer(), nullable=True),
        sa.Column("verified_ok", sa.Boolean(), nullable=False),
        sa.Column("verification", sa.JSON(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("court_case_number", sa.String(length=64), nullable=True),
        sa.Column("refusal_reason", sa.Text(), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum("confirmed", "not_confirmed", name="outcome", native_enum=False, length=32),
            nullable=True,
        ),
        sa.Column("ruled_on", sa.Date(), nullable=True),
        sa.Column("ruling_reason", sa.Text(), nullable=True),
        sa.Column("ruling_evidence_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_court_submissions_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["court_id"], ["courts.id"], name=op.f("fk_court_submissions_court_id_courts")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_court_submissions_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["packet_sha256"],
            ["blobs.sha256"],
            name=op.f("fk_court_submissions_packet_sha256_blobs"),
        ),
        sa.ForeignKeyConstraint(
            ["received_by_id"], ["users.id"], name=op.f("fk_court_submissions_received_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["ruling_evidence_id"],
            ["evidence_items.id"],
            name=op.f("fk_court_submissions_ruling_evidence_id_evidence_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_court_submissions")),
    )
    with op.batch_alter_table("court_submissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_court_submissions_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            "ix_court_submissions_court_status", ["court_id", "status"], unique=False
        )
    # end court


def downgrade() -> None:
    # court
    op.drop_table("court_submissions")
    op.drop_table("court_users")
    op.drop_table("courts")
    # end court
    # packets last: court submissions may refer to it
    op.drop_index(op.f("ix_packets_sha256"), table_name="packets")
    op.drop_index(op.f("ix_packets_case_id"), table_name="packets")
    op.drop_table("packets")
