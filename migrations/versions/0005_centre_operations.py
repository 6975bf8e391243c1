"""centre operations: mediator profiles and grades, conflicts of interest, mentoring,
talent pool and subsidies, assignment history, circuit mediation, ratings, assessments,
risk warnings

Revision ID: 0005_centre_operations
Revises: 0004_precedents
Create Date: 2026-11-24 08:32:01.425663
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_centre_operations"
down_revision = "0004_precedents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "circuit_sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "township_service_point",
                "bank_branch",
                "court",
                "community",
                "other",
                name="sitekind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["centre_id"], ["centres.id"], name=op.f("fk_circuit_sites_centre_id_centres")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_circuit_sites")),
    )
    with op.batch_alter_table("circuit_sites", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_circuit_sites_centre_id"), ["centre_id"], unique=False)

    op.create_table(
        "experts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "retired_judge",
                "lawyer",
                "compliance",
                "academic",
                "other",
                name="expertkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("organisation", sa.String(length=200), nullable=True),
        sa.Column("specialties", sa.JSON(), nullable=False),
        sa.Column("regions", sa.JSON(), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["centre_id"], ["centres.id"], name=op.f("fk_experts_centre_id_centres")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_experts")),
    )
    with op.batch_alter_table("experts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_experts_centre_id"), ["centre_id"], unique=False)

    op.create_table(
        "subsidy_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column(
            "dispute_type",
            sa.Enum(
                "banking",
                "insurance",
                "securities",
                "payments",
                "lending",
                "wealth_management",
                "other",
                name="disputetype",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column(
            "complexity",
            sa.Enum(
                "simple", "ordinary", "complex", name="complexity", native_enum=False, length=32
            ),
            nullable=True,
        ),
        sa.Column(
            "outcome",
            sa.Enum("success", "failure", name="outcome", native_enum=False, length=32),
            nullable=True,
        ),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["centre_id"], ["centres.id"], name=op.f("fk_subsidy_rules_centre_id_centres")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subsidy_rules")),
    )
    with op.batch_alter_table("subsidy_rules", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subsidy_rules_centre_id"), ["centre_id"], unique=False)

    op.create_table(
        "assessment_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("scheme", sa.JSON(), nullable=False),
        sa.Column("run_at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_assessment_runs_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["centre_id"], ["centres.id"], name=op.f("fk_assessment_runs_centre_id_centres")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_runs")),
    )
    with op.batch_alter_table("assessment_runs", schema=None) as batch_op:
        batch_op.create_index("ix_assessment_runs_centre_year", ["centre_id", "year"], unique=False)

    op.create_table(
        "assessment_schemes",
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("pass_line", sa.Float(), nullable=False),
        sa.Column("case_target", sa.Integer(), nullable=False),
        sa.Column("complaint_penalty", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["centre_id"], ["centres.id"], name=op.f("fk_assessment_schemes_centre_id_centres")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_assessment_schemes_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("centre_id", "year", name=op.f("pk_assessment_schemes")),
    )
    op.create_table(
        "circuit_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.Time(), nullable=False),
        sa.Column("ends_at", sa.Time(), nullable=False),
        sa.Column("mediator_id", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mediator_id"], ["users.id"], name=op.f("fk_circuit_sessions_mediator_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["circuit_sites.id"],
            name=op.f("fk_circuit_sessions_site_id_circuit_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_circuit_sessions")),
        sa.UniqueConstraint(
            "site_id", "day", "starts_at", name=op.f("uq_circuit_sessions_site_id_day_starts_at")
        ),
    )
    with op.batch_alter_table("circuit_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_circuit_sessions_day"), ["day"], unique=False)

    op.create_table(
        "mediator_conflicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("institution", sa.String(length=200), nullable=False),
        sa.Column(
            "relation",
            sa.Enum(
                "former_employee",
                "relative",
                "shareholder",
                "other",
                name="conflictrelation",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("declared_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_mediator_conflicts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediator_conflicts")),
    )
    with op.batch_alter_table("mediator_conflicts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mediator_conflicts_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "mediator_grade_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "grade",
            sa.Enum(
                "junior",
                "intermediate",
                "senior",
                "chief",
                name="grade",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "previous_grade",
            sa.Enum(
                "junior",
                "intermediate",
                "senior",
                "chief",
                name="grade",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_mediator_grade_changes_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_mediator_grade_changes_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediator_grade_changes")),
    )
    with op.batch_alter_table("mediator_grade_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mediator_grade_changes_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "mediator_profiles",
        sa.Column("user_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column(
            "employment",
            sa.Enum("full_time", "part_time", name="employment", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "grade",
            sa.Enum(
                "junior",
                "intermediate",
                "senior",
                "chief",
                name="grade",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("specialties", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("regions", sa.JSON(), nullable=False),
        sa.Column("available", sa.Boolean(), nullable=False),
        sa.Column("away_until", sa.Date(), nullable=True),
        sa.Column("max_open_cases", sa.Integer(), nullable=False),
        sa.Column("exited_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_mediator_profiles_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_mediator_profiles")),
    )
    op.create_table(
        "mentoring_pairs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("apprentice_id", sa.Integer(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["apprentice_id"], ["users.id"], name=op.f("fk_mentoring_pairs_apprentice_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"], ["users.id"], name=op.f("fk_mentoring_pairs_mentor_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentoring_pairs")),
        sa.UniqueConstraint(
            "mentor_id",
            "apprentice_id",
            "started_on",
            name=op.f("uq_mentoring_pairs_mentor_id_apprentice_id_started_on"),
        ),
    )
    with op.batch_alter_table("mentoring_pairs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mentoring_pairs_apprentice_id"), ["apprentice_id"], unique=False
        )

    op.create_table(
        "risk_warnings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column(
            "dimension",
            sa.Enum(
                "institution",
                "product",
                "region",
                name="riskdimension",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("window_start", sa.Date(), nullable=False),
        sa.Column("window_end", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("baseline_mean", sa.Float(), nullable=False),
        sa.Column("baseline_weeks", sa.Integer(), nullable=False),
        sa.Column("p_value", sa.Float(), nullable=False),
        sa.Column("z_score", sa.Float(), nullable=False),
        sa.Column("case_ids", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open", "acknowledged", "closed", name="warningstatus", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["users.id"],
            name=op.f("fk_risk_warnings_acknowledged_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["centre_id"], ["centres.id"], name=op.f("fk_risk_warnings_centre_id_centres")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_warnings")),
        sa.UniqueConstraint(
            "centre_id",
            "dimension",
            "key",
            "window_end",
            name=op.f("uq_risk_warnings_centre_id_dimension_key_window_end"),
        ),
    )
    op.create_table(
        "assessment_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("mediator_id", sa.Integer(), nullable=False),
        sa.Column("indicators", sa.JSON(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("flagged_for_exit", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mediator_id"], ["users.id"], name=op.f("fk_assessment_results_mediator_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["assessment_runs.id"],
            name=op.f("fk_assessment_results_run_id_assessment_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_results")),
        sa.UniqueConstraint(
            "run_id", "mediator_id", name=op.f("uq_assessment_results_run_id_mediator_id")
        ),
    )
    with op.batch_alter_table("assessment_results", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_results_mediator_id"), ["mediator_id"], unique=False
        )

    op.create_table(
        "assignment_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("mediator_id", sa.Integer(), nullable=False),
        sa.Column("previous_mediator_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("components", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_assignment_records_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_assignment_records_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mediator_id"], ["users.id"], name=op.f("fk_assignment_records_mediator_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["previous_mediator_id"],
            ["users.id"],
            name=op.f("fk_assignment_records_previous_mediator_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment_records")),
    )
    with op.batch_alter_table("assignment_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assignment_records_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "case_claimant_languages",
        sa.Column("case_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("dialect", sa.String(length=50), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_claimant_languages_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_claimant_languages")),
    )
    op.create_table(
        "case_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("complaint", sa.Boolean(), nullable=False),
        sa.Column("rated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name=op.f("ck_case_ratings_score_range")),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_ratings_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_case_ratings_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_ratings")),
    )
    with op.batch_alter_table("case_ratings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_ratings_case_id"), ["case_id"], unique=True)

    op.create_table(
        "circuit_bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.Time(), nullable=False),
        sa.Column("notice_zh", sa.Text(), nullable=False),
        sa.Column("notice_en", sa.Text(), nullable=False),
        sa.Column("notified_at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_circuit_bookings_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_circuit_bookings_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["circuit_sessions.id"],
            name=op.f("fk_circuit_bookings_session_id_circuit_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_circuit_bookings")),
        sa.UniqueConstraint(
            "session_id", "case_id", name=op.f("uq_circuit_bookings_session_id_case_id")
        ),
    )
    with op.batch_alter_table("circuit_bookings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_circuit_bookings_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_circuit_bookings_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "expert_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column(
            "complexity",
            sa.Enum(
                "simple", "ordinary", "complex", name="complexity", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "invited",
                "accepted",
                "declined",
                "completed",
                name="invitationstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("invited_on", sa.Date(), nullable=False),
        sa.Column("responded_on", sa.Date(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum("success", "failure", name="outcome", native_enum=False, length=32),
            nullable=True,
        ),
        sa.Column("subsidy", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("rule_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_expert_invitations_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_expert_invitations_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["expert_id"],
            ["experts.id"],
            name=op.f("fk_expert_invitations_expert_id_experts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["subsidy_rules.id"],
            name=op.f("fk_expert_invitations_rule_id_subsidy_rules"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_invitations")),
        sa.UniqueConstraint(
            "expert_id", "case_id", name=op.f("uq_expert_invitations_expert_id_case_id")
        ),
    )
    with op.batch_alter_table("expert_invitations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_expert_invitations_case_id"), ["case_id"], unique=False
        )
        batch_op.create_index("ix_expert_invitations_completed_on", ["completed_on"], unique=False)

    op.create_table(
        "mentor_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name=op.f("ck_mentor_reviews_score_range")),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_mentor_reviews_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_mentor_reviews_case_id_cases"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["pair_id"],
            ["mentoring_pairs.id"],
            name=op.f("fk_mentor_reviews_pair_id_mentoring_pairs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentor_reviews")),
    )
    with op.batch_alter_table("mentor_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mentor_reviews_pair_id"), ["pair_id"], unique=False)

    op.create_table(
        "mentored_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("added_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_mentored_cases_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pair_id"],
            ["mentoring_pairs.id"],
            name=op.f("fk_mentored_cases_pair_id_mentoring_pairs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentored_cases")),
        sa.UniqueConstraint("pair_id", "case_id", name=op.f("uq_mentored_cases_pair_id_case_id")),
    )


def downgrade() -> None:
    op.drop_table("mentored_cases")
    with op.batch_alter_table("mentor_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentor_reviews_pair_id"))

    op.drop_table("mentor_reviews")
    with op.batch_alter_table("expert_invitations", schema=None) as batch_op:
        batch_op.drop_index("ix_expert_invitations_completed_on")
        batch_op.drop_index(batch_op.f("ix_expert_invitations_case_id"))

    op.drop_table("expert_invitations")
    with op.batch_alter_table("circuit_bookings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_circuit_bookings_session_id"))
        batch_op.drop_index(batch_op.f("ix_circuit_bookings_case_id"))

    op.drop_table("circuit_bookings")
    with op.batch_alter_table("case_ratings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_ratings_case_id"))

    op.drop_table("case_ratings")
    op.drop_table("case_claimant_languages")
    with op.batch_alter_table("assignment_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignment_records_case_id"))

    op.drop_table("assignment_records")
    with op.batch_alter_table("assessment_results", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_results_mediator_id"))

    op.drop_table("assessment_results")
    op.drop_table("risk_warnings")
    with op.batch_alter_table("mentoring_pairs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentoring_pairs_apprentice_id"))

    op.drop_table("mentoring_pairs")
    op.drop_table("mediator_profiles")
    with op.batch_alter_table("mediator_grade_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mediator_grade_changes_user_id"))

    op.drop_table("mediator_grade_changes")
    with op.batch_alter_table("mediator_conflicts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mediator_conflicts_user_id"))

    op.drop_table("mediator_conflicts")
    with op.batch_alter_table("circuit_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_circuit_sessions_day"))

    op.drop_table("circuit_sessions")
    op.drop_table("assessment_schemes")
    with op.batch_alter_table("assessment_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_assessment_runs_centre_year")

    op.drop_table("assessment_runs")
    with op.batch_alter_table("subsidy_rules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subsidy_rules_centre_id"))

    op.drop_table("subsidy_rules")
    with op.batch_alter_table("experts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_experts_centre_id"))

    op.drop_table("experts")
    with op.batch_alter_table("circuit_sites", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_circuit_sites_centre_id"))

    op.drop_table("circuit_sites")
