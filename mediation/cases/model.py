"""Cases, parties and the event history of each case."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.db import Base, str_enum, utcnow
from mediation.people.model import Centre, User


class Stage(enum.StrEnum):
    INTAKE = "intake"  # 登记
    ACCEPTED = "accepted"  # 受理
    REJECTED = "rejected"  # 不予受理
    INVESTIGATION = "investigation"  # 调查
    MEDIATION = "mediation"  # 调解
    SIGNED = "signed"  # 签约
    FAILED = "failed"  # 调解不成
    WITHDRAWN = "withdrawn"  # 撤回
    JUDICIAL_CONFIRMATION = "judicial_confirmation"  # 司法确认
    PERFORMANCE = "performance"  # 履行
    CLOSED = "closed"  # 结案


class DisputeType(enum.StrEnum):
    BANKING = "banking"
    INSURANCE = "insurance"
    SECURITIES = "securities"
    PAYMENTS = "payments"
    LENDING = "lending"
    WEALTH_MANAGEMENT = "wealth_management"
    OTHER = "other"


class Channel(enum.StrEnum):
    WALK_IN = "walk_in"
    ONLINE = "online"
    PHONE = "phone"
    REGULATOR_REFERRAL = "regulator_referral"
    COURT_REFERRAL = "court_referral"


class PartyRole(enum.StrEnum):
    CLAIMANT = "claimant"
    RESPONDENT = "respondent"


class PartyKind(enum.StrEnum):
    PERSON = "person"
    INSTITUTION = "institution"


class Urgency(enum.StrEnum):
    """What the last deadline scan found for the case's most urgent running clock."""

    NONE = "none"
    OK = "ok"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    UNVERIFIED = "unverified"


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("centre_id", "number"),
        Index("ix_cases_centre_stage", "centre_id", "stage"),
        Index("ix_cases_next_due", "next_due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    number: Mapped[str] = mapped_column(String(32))  # e.g. 2026-0001, per centre and year
    dispute_type: Mapped[DisputeType] = mapped_column(str_enum(DisputeType))
    amount_claimed: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    request: Mapped[str] = mapped_column(Text)  # the claimant's request (诉求)
    facts: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel))
    region: Mapped[str | None] = mapped_column(String(100))
    stage: Mapped[Stage] = mapped_column(str_enum(Stage), default=Stage.INTAKE)
    stage_since: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    received_on: Mapped[date] = mapped_column(Date)  # the day the centre received the dispute
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    mediator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Denormalised from the clocks by every operation and by the scan, for sorting
    # the queue by urgency without touching the clocks table.
    next_due_on: Mapped[date | None] = mapped_column(Date)
    urgency: Mapped[Urgency] = mapped_column(str_enum(Urgency), default=Urgency.NONE)
    paused: Mapped[bool] = mapped_column(default=False)
    # 涉及隐私或商业秘密: set by staff; such a case is never drafted, published or listed
    # for public disclosure (mediation/disclosure).
    privacy_restricted: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Number of events so far; each new event takes last_event_seq + 1, and the
    # version column below makes two concurrent writers of one case collide.
    last_event_seq: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __mapper_args__ = {"version_id_col": version}

    centre: Mapped[Centre] = relationship()
    mediator: Mapped[User | None] = relationship(foreign_keys=[mediator_id])
    parties: Mapped[list[Party]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Party.id"
    )
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.seq", cascade="all, delete-orphan"
    )

    @property
    def claimants(self) -> list[Party]:
        return [p for p in self.parties if p.role == PartyRole.CLAIMANT]

    @property
    def respondents(self) -> list[Party]:
        return [p for p in self.parties if p.role == PartyRole.RESPONDENT]


class CaseCounter(Base):
    """Last case number given out per centre and year (2026-0001, 2026-0002, ...)."""

    __tablename__ = "case_counters"

    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Party(Base):
    __tablename__ = "parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    role: Mapped[PartyRole] = mapped_column(str_enum(PartyRole))
    kind: Mapped[PartyKind] = mapped_column(str_enum(PartyKind))
    name: Mapped[str] = mapped_column(String(200))
    id_number: Mapped[str | None] = mapped_column(String(64))  # 身份证号 / 统一社会信用代码
    phone: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(String(300))
    agent_name: Mapped[str | None] = mapped_column(String(100))  # 代理人
    agent_phone: Mapped[str | None] = mapped_column(String(32))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    case: Mapped[Case] = relationship(back_populates="parties")


class EventKind(enum.StrEnum):
    CREATED = "created"
    TRANSITION = "transition"
    PAUSE = "pause"
    RESUME = "resume"
    EXTENSION = "extension"
    RESTART = "restart"
    CLOCK_STARTED = "clock_started"
    CLOCK_STOPPED = "clock_stopped"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    MEDIATOR_ASSIGNED = "mediator_assigned"
    RESPONSE = "response"
    PROPOSAL = "proposal"
    RECORDING_ADDED = "recording_added"
    TRANSCRIPT_READY = "transcript_ready"
    TRANSCRIPT_CORRECTED = "transcript_corrected"
    # Judicial confirmation at a court (mediation/court)
    COURT_RECEIVED = "court_received"
    COURT_ACCEPTED = "court_accepted"
    COURT_REFUSED = "court_refused"
    COURT_RULED = "court_ruled"
    # Performance of the agreement and public disclosure (mediation/performance, /disclosure)
    SCHEDULE_SET = "schedule_set"
    PAYMENT_RECORDED = "payment_recorded"
    PAYMENT_REMINDER = "payment_reminder"
    PAYMENT_MISSED = "payment_missed"
    PRIVACY_FLAG = "privacy_flag"
    DISCLOSURE_PUBLISHED = "disclosure_published"
    DISCLOSURE_WITHDRAWN = "disclosure_withdrawn"
    HEARING_SCHEDULED = "hearing_scheduled"
    HEARING_RESCHEDULED = "hearing_rescheduled"
    HEARING_CANCELLED = "hearing_cancelled"
    HEARING_HELD = "hearing_held"
    # agreements (mediation/agreements): the PDF issued for signing, each signature
    AGREEMENT_ISSUED = "agreement_issued"
    AGREEMENT_SIGNED = "agreement_signed"


class CaseEvent(Base):
    """One recorded fact in a case's history: who did what, when and why."""

    __tablename__ = "case_events"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind))
    from_stage: Mapped[Stage | None] = mapped_column(str_enum(Stage))
    to_stage: Mapped[Stage | None] = mapped_column(str_enum(Stage))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the system
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    effective_on: Mapped[date | None] = mapped_column(Date)  # the legal date of the event
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    case: Mapped[Case] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class MessageKind(enum.StrEnum):
    MESSAGE = "message"  # 留言
    RESPONSE = "response"  # the institution's answer to the complaint (答复意见)
    PROPOSAL = "proposal"  # a settlement offer (和解方案)


class CaseMessage(Base):
    """Messages between the parties and the centre on one case; every party of the case
    and the centre's staff read them."""

    __tablename__ = "case_messages"
    __table_args__ = (Index("ix_case_messages_case_at", "case_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[MessageKind] = mapped_column(str_enum(MessageKind))
    body: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))  # for a proposal
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    author: Mapped[User] = relationship()
