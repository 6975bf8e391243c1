"""performance of agreements (payment schedules, payments, alerts) and public disclosure

Revision ID: 0008_performance_disclosure
Revises: 0007_packets_court
Create Date: 2026-11-24 12:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_performance_disclosure"
down_revision = "0007_packets_court"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "disclosures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "approved",
                "published",
                "withdrawn",
                name="disclosurestatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("drafted_at", sa.DateTime(), nullable=False),
        sa.Column("drafted_by_id", sa.Integer(), nullable=True),
        sa.Column("edited_at", sa.DateTime(), nullable=True),
        sa.Column("edited_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("withdrawn_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["users.id"], name=op.f("fk_disclosures_approved_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_disclosures_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["drafted_by_id"], ["users.id"], name=op.f("fk_disclosures_drafted_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["edited_by_id"], ["users.id"], name=op.f("fk_disclosures_edited_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"], ["users.id"], name=op.f("fk_disclosures_published_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosures")),
        sa.UniqueConstraint("case_id", name=op.f("uq_disclosures_case_id")),
    )
    op.create_index(
        "ix_disclosures_status_published", "disclosures", ["status", "published_at"], unique=False
    )
    op.create_table(
        "payment_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("items_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("replaced_at", sa.DateTime(), nullable=True),
        sa.Column("replaced_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_payment_schedules_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_payment_schedules_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["replaced_by_id"], ["users.id"], name=op.f("fk_payment_schedules_replaced_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_schedules")),
    )
    op.create_index(
        "ix_payment_schedules_case_current",
        "payment_schedules",
        ["case_id", "replaced_at"],
        unique=False,
    )
    op.create_table(
        "performance_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("missed", sa.JSON(), nullable=False),
        sa.Column("packet_id", sa.Integer(), nullable=True),
        sa.Column("packet_sha256", sa.String(length=64), nullable=True),
        sa.Column("packet_error", sa.Text(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_performance_alerts_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_performance_alerts")),
    )
    op.create_index(
        "ix_performance_alerts_open", "performance_alerts", ["case_id", "resolved_at"], unique=False
    )
    op.create_table(
        "instalments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column(
            "payer",
            sa.Enum("respondent", "claimant", name="payer", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("paid_amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("settled", sa.Boolean(), nullable=False),
        sa.Column("reminded_on", sa.Date(), nullable=True),
        sa.Column("missed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_instalments_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["payment_schedules.id"],
            name=op.f("fk_instalments_schedule_id_payment_schedules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instalments")),
        sa.UniqueConstraint("schedule_id", "seq", name=op.f("uq_instalments_schedule_id_seq")),
    )
    op.create_index(op.f("ix_instalments_case_id"), "instalments", ["case_id"], unique=False)
    op.create_index("ix_instalments_open_due", "instalments", ["settled", "due_on"], unique=False)
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("instalment_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column(
            "method",
            sa.Enum(
                "bank_transfer",
                "account_credit",
                "cash",
                "cheque",
                "other",
                name="paymentmethod",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("evidence_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_payments_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["evidence_items.id"],
            name=op.f("fk_payments_evidence_id_evidence_items"),
        ),
        sa.ForeignKeyConstraint(
            ["instalment_id"],
            ["instalments.id"],
            name=op.f("fk_payments_instalment_id_instalments"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_payments_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    op.create_index(op.f("ix_payments_case_id"), "payments", ["case_id"], unique=False)
    op.create_index(op.f("ix_payments_instalment_id"), "payments", ["instalment_id"], unique=False)
    op.add_column(
        "cases",
        sa.Column("privacy_restricted", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_column("privacy_restricted")
    op.drop_index(op.f("ix_payments_instalment_id"), table_name="payments")
    op.drop_index(op.f("ix_payments_case_id"), table_name="payments")
    op.drop_table("payments")
    op.drop_index("ix_instalments_open_due", table_name="instalments")
    op.drop_index(op.f("ix_instalments_case_id"), table_name="instalments")
    op.drop_table("instalments")
    op.drop_index("ix_performance_alerts_open", table_name="performance_alerts")
    op.drop_table("performance_alerts")
    op.drop_index("ix_payment_schedules_case_current", table_name="payment_schedules")
    op.drop_table("payment_schedules")
    op.drop_index("ix_disclosures_status_published", table_name="disclosures")
    op.drop_table("disclosures")
