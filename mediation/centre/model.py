"""Centre operations: mediators and their grades, conflicts of interest, mentoring, the
talent pool and its subsidies, assignment history, circuit mediation, claimant ratings,
annual assessments and risk warnings."""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.cases.model import Case, DisputeType
from mediation.db import Base, str_enum, utcnow
from mediation.people.model import User


class Employment(enum.StrEnum):
    FULL_TIME = "full_time"  # 专职
    PART_TIME = "part_time"  # 兼职


class Grade(enum.StrEnum):
    JUNIOR = "junior"  # 初级
    INTERMEDIATE = "intermediate"  # 中级
    SENIOR = "senior"  # 高级
    CHIEF = "chief"  # 首席


class MediatorProfile(Base):
    """What the centre knows about a mediator beyond their user account."""

    __tablename__ = "mediator_profiles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    employment: Mapped[Employment] = mapped_column(str_enum(Employment))
    grade: Mapped[Grade] = mapped_column(str_enum(Grade))
    # DisputeType values the mediator handles well.
    specialties: Mapped[list] = mapped_column(JSON, default=list)
    # Languages and dialects spoken, in the centre's words (普通话, 粤语, 闽南语, 藏语 ...).
    languages: Mapped[list] = mapped_column(JSON, default=list)
    # Regions (towns, districts) the mediator serves, as written on cases.
    regions: Mapped[list] = mapped_column(JSON, default=list)
    available: Mapped[bool] = mapped_column(Boolean, default=True)
    away_until: Mapped[date | None] = mapped_column(Date)  # on leave up to and including
    max_open_cases: Mapped[int] = mapped_column(Integer, default=20)
    exited_on: Mapped[date | None] = mapped_column(Date)  # left the roster (e.g. after assessment)
    note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()


class GradeChange(Base):
    """One step in a mediator's grade history (the profile holds the current grade)."""

    __tablename__ = "mediator_grade_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    grade: Mapped[Grade] = mapped_column(str_enum(Grade))
    previous_grade: Mapped[Grade | None] = mapped_column(str_enum(Grade))
    effective_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ConflictRelation(enum.StrEnum):
    FORMER_EMPLOYEE = "former_employee"  # 曾任职
    RELATIVE = "relative"  # 近亲属任职
    SHAREHOLDER = "shareholder"  # 持股或其他利益关系
    OTHER = "other"


class ConflictOfInterest(Base):
    """A declared tie between a mediator and a financial institution: never assigned to a
    case against it (人民调解法 Art 15 and the centre's rules on 回避)."""

    __tablename__ = "mediator_conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    institution: Mapped[str] = mapped_column(String(200))
    relation: Mapped[ConflictRelation] = mapped_column(str_enum(ConflictRelation))
    note: Mapped[str | None] = mapped_column(Text)
    declared_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)  # the tie no longer binds after this day


class MentoringPair(Base):
    __tablename__ = "mentoring_pairs"
    __table_args__ = (UniqueConstraint("mentor_id", "apprentice_id", "started_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    apprentice_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)

    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])
    apprentice: Mapped[User] = relationship(foreign_keys=[apprentice_id])


class MentoredCase(Base):
    """A case the apprentice co-mediated with the mentor."""

    __tablename__ = "mentored_cases"
    __table_args__ = (UniqueConstraint("pair_id", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("mentoring_pairs.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    added_on: Mapped[date] = mapped_column(Date)

    case: Mapped[Case] = relationship()


class MentorReview(Base):
    """The mentor's review of the apprentice (score 1–5), on a case or overall."""

    __tablename__ = "mentor_reviews"
    __table_args__ = (CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(
        ForeignKey("mentoring_pairs.id", ondelete="CASCADE"), index=True
    )
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    reviewed_on: Mapped[date] = mapped_column(Date)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ExpertKind(enum.StrEnum):
    RETIRED_JUDGE = "retired_judge"  # 退休法官
    LAWYER = "lawyer"  # 律师
    COMPLIANCE = "compliance"  # 金融机构合规人员
    ACADEMIC = "academic"  # 专家学者
    OTHER = "other"


class Expert(Base):
    """A member of the talent pool (人才库), invited to cases and paid per case."""

    __tablename__ = "experts"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[ExpertKind] = mapped_column(str_enum(ExpertKind))
    organisation: Mapped[str | None] = mapped_column(String(200))
    specialties: Mapped[list] = mapped_column(JSON, default=list)
    regions: Mapped[list] = mapped_column(JSON, default=list)
    phone: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    joined_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)


class Complexity(enum.StrEnum):
    SIMPLE = "simple"  # 简易
    ORDINARY = "ordinary"  # 一般
    COMPLEX = "complex"  # 疑难复杂


class Outcome(enum.StrEnum):
    SUCCESS = "success"  # 调解成功 (agreement signed)
    FAILURE = "failure"  # 调解不成 or withdrawn


class SubsidyRule(Base):
    """A per-case subsidy amount; a criterion left empty matches any value. The most
    specific matching rule wins (see mediation.centre.talent.pick_rule)."""

    __tablename__ = "subsidy_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    dispute_type: Mapped[DisputeType | None] = mapped_column(str_enum(DisputeType))
    complexity: Mapped[Complexity | None] = mapped_column(str_enum(Complexity))
    outcome: Mapped[Outcome | None] = mapped_column(str_enum(Outcome))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class InvitationStatus(enum.StrEnum):
    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    COMPLETED = "completed"


class ExpertInvitation(Base):
    """An expert invited to a case. On completion the subsidy is computed once and kept,
    so a later change of the rules does not rewrite a closed month."""

    __tablename__ = "expert_invitations"
    __table_args__ = (
        UniqueConstraint("expert_id", "case_id"),
        Index("ix_expert_invitations_completed_on", "completed_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    complexity: Mapped[Complexity] = mapped_column(str_enum(Complexity))
    status: Mapped[InvitationStatus] = mapped_column(
        str_enum(InvitationStatus), default=InvitationStatus.INVITED
    )
    invited_on: Mapped[date] = mapped_column(Date)
    responded_on: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[Outcome | None] = mapped_column(str_enum(Outcome))
    subsidy: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("subsidy_rules.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    expert: Mapped[Expert] = relationship()
    case: Mapped[Case] = relationship()


class ClaimantLanguage(Base):
    """The language or dialect the claimant is most at ease in, for matching mediators."""

    __tablename__ = "case_claimant_languages"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    dialect: Mapped[str] = mapped_column(String(50))
    note: Mapped[str | None] = mapped_column(Text)


class AssignmentRecord(Base):
    """Each assignment or reassignment of a case, confirmed by an administrator, with the
    ranking that was shown when it was made."""

    __tablename__ = "assignment_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    mediator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    previous_mediator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text)
    rank: Mapped[int | None] = mapped_column(Integer)  # place in the suggestion list, 1 = top
    score: Mapped[float | None] = mapped_column(Float)
    components: Mapped[dict] = mapped_column(JSON, default=dict)

    mediator: Mapped[User] = relationship(foreign_keys=[mediator_id])
    previous_mediator: Mapped[User | None] = relationship(foreign_keys=[previous_mediator_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])


class SiteKind(enum.StrEnum):
    TOWNSHIP_SERVICE_POINT = "township_service_point"  # 乡镇服务点
    BANK_BRANCH = "bank_branch"  # 银行网点
    COURT = "court"  # 法庭
    COMMUNITY = "community"  # 社区、村委会
    OTHER = "other"


class CircuitSite(Base):
    __tablename__ = "circuit_sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[SiteKind] = mapped_column(str_enum(SiteKind))
    address: Mapped[str] = mapped_column(String(300))
    region: Mapped[str | None] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class CircuitSession(Base):
    """One date on the circuit rota: a mediator sits at a site for some hours."""

    __tablename__ = "circuit_sessions"
    __table_args__ = (UniqueConstraint("site_id", "day", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("circuit_sites.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date, index=True)
    starts_at: Mapped[time] = mapped_column(Time)
    ends_at: Mapped[time] = mapped_column(Time)
    mediator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    capacity: Mapped[int] = mapped_column(Integer, default=6)

    site: Mapped[CircuitSite] = relationship()
    mediator: Mapped[User] = relationship()
    bookings: Mapped[list[CircuitBooking]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="CircuitBooking.slot"
    )


class CircuitBooking(Base):
    """A case scheduled into a circuit session, with the notice sent to the claimant."""

    __tablename__ = "circuit_bookings"
    __table_args__ = (UniqueConstraint("session_id", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("circuit_sessions.id", ondelete="CASCADE"), index=True
    )
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    slot: Mapped[time] = mapped_column(Time)
    notice_zh: Mapped[str] = mapped_column(Text)
    notice_en: Mapped[str] = mapped_column(Text)
    notified_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    session: Mapped[CircuitSession] = relationship(back_populates="bookings")
    case: Mapped[Case] = relationship()


class CaseRating(Base):
    """The claimant's rating of a closed case (1–5), optionally marked as a complaint
    about the service."""

    __tablename__ = "case_ratings"
    __table_args__ = (CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), unique=True, index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    complaint: Mapped[bool] = mapped_column(Boolean, default=False)
    rated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AssessmentScheme(Base):
    """Weights, pass line and targets of one year's assessment."""

    __tablename__ = "assessment_schemes"

    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    weights: Mapped[dict] = mapped_column(JSON)
    pass_line: Mapped[float] = mapped_column(Float)
    case_target: Mapped[int] = mapped_column(Integer)
    complaint_penalty: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class AssessmentRun(Base):
    """One computation of a year's assessment; earlier runs stay as history."""

    __tablename__ = "assessment_runs"
    __table_args__ = (Index("ix_assessment_runs_centre_year", "centre_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    year: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[date] = mapped_column(Date)
    scheme: Mapped[dict] = mapped_column(JSON)  # the weights and pass line used
    run_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    results: Mapped[list[AssessmentResult]] = relationship(
        back_populates="run", cascade="all, delete-orphan", order_by="AssessmentResult.id"
    )


class AssessmentResult(Base):
    __tablename__ = "assessment_results"
    __table_args__ = (UniqueConstraint("run_id", "mediator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("assessment_runs.id", ondelete="CASCADE"))
    mediator_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    indicators: Mapped[dict] = mapped_column(JSON)
    score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    flagged_for_exit: Mapped[bool] = mapped_column(Boolean, default=False)

    run: Mapped[AssessmentRun] = relationship(back_populates="results")
    mediator: Mapped[User] = relationship()


class RiskDimension(enum.StrEnum):
    INSTITUTION = "institution"
    PRODUCT = "product"  # the dispute type
    REGION = "region"


class WarningStatus(enum.StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    CLOSED = "closed"


class RiskWarning(Base):
    """A spike of new disputes against one institution, product or region, compared with
    its own history (method: mediation.centre.risk)."""

    __tablename__ = "risk_warnings"
    __table_args__ = (UniqueConstraint("centre_id", "dimension", "key", "window_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    dimension: Mapped[RiskDimension] = mapped_column(str_enum(RiskDimension))
    key: Mapped[str] = mapped_column(String(200))
    window_start: Mapped[date] = mapped_column(Date)
    window_end: Mapped[date] = mapped_column(Date)
    count: Mapped[int] = mapped_column(Integer)
    baseline_mean: Mapped[float] = mapped_column(Float)
    baseline_weeks: Mapped[int] = mapped_column(Integer)
    p_value: Mapped[float] = mapped_column(Float)
    z_score: Mapped[float] = mapped_column(Float)
    case_ids: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[WarningStatus] = mapped_column(
        str_enum(WarningStatus), default=WarningStatus.OPEN
    )
    raised_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime)
    note: Mapped[str | None] = mapped_column(Text)
