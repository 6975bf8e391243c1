"""Payment schedules, their instalments, payments and missed-payment alerts."""

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
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.cases.model import Case
from mediation.db import Base, str_enum, utcnow
from mediation.people.model import User


class Payer(enum.StrEnum):
    RESPONDENT = "respondent"
    CLAIMANT = "claimant"


class PaymentMethod(enum.StrEnum):
    BANK_TRANSFER = "bank_transfer"  # 银行转账
    ACCOUNT_CREDIT = "account_credit"  # 直接入账 / 冲减欠款
    CASH = "cash"
    CHEQUE = "cheque"
    OTHER = "other"


class InstalmentStatus(enum.StrEnum):
    DUE = "due"  # 待履行
    PARTLY_PAID = "partly_paid"  # 部分履行
    PAID = "paid"  # 已履行
    OVERDUE = "overdue"  # 逾期未履行 (due date passed, not fully paid)


class PaymentSchedule(Base):
    """The payment plan of one agreement version. A case has at most one current schedule
    (replaced_at is None); a replaced one is kept, with who replaced it and why."""

    __tablename__ = "payment_schedules"
    __table_args__ = (Index("ix_payment_schedules_case_current", "case_id", "replaced_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    # Where it came from: "agreement:<id>:v<version>" or "manual".
    source: Mapped[str] = mapped_column(String(64))
    # SHA-256 of the canonical item list, so re-deriving the same plan changes nothing.
    items_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    replaced_at: Mapped[datetime | None] = mapped_column(DateTime)
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[Case] = relationship()
    instalments: Mapped[list[Instalment]] = relationship(
        back_populates="schedule", order_by="Instalment.seq", cascade="all, delete-orphan"
    )


class Instalment(Base):
    __tablename__ = "instalments"
    __table_args__ = (
        UniqueConstraint("schedule_id", "seq"),
        Index("ix_instalments_open_due", "settled", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("payment_schedules.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)  # 1, 2, ... (第 N 期)
    due_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    payer: Mapped[Payer] = mapped_column(str_enum(Payer))
    description: Mapped[str | None] = mapped_column(Text)
    paid_amount: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=Decimal("0.00"))
    # Fully paid, or its schedule was replaced: the scan no longer looks at it.
    settled: Mapped[bool] = mapped_column(default=False)
    reminded_on: Mapped[date | None] = mapped_column(Date)  # the one reminder before due
    missed_on: Mapped[date | None] = mapped_column(Date)  # the day its alert was raised

    schedule: Mapped[PaymentSchedule] = relationship(back_populates="instalments")

    @property
    def outstanding(self) -> Decimal:
        return max(self.amount - self.paid_amount, Decimal("0.00"))

    def status(self, today: date) -> InstalmentStatus:
        if self.paid_amount >= self.amount:
            return InstalmentStatus.PAID
        if today > self.due_on:
            return InstalmentStatus.OVERDUE
        if self.paid_amount > 0:
            return InstalmentStatus.PARTLY_PAID
        return InstalmentStatus.DUE


class Payment(Base):
    """One payment towards one instalment, as recorded by the mediator or by the paying
    institution; a proof file (bank slip) is stored as evidence."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    instalment_id: Mapped[int] = mapped_column(ForeignKey("instalments.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    paid_on: Mapped[date] = mapped_column(Date)
    method: Mapped[PaymentMethod] = mapped_column(str_enum(PaymentMethod))
    reference: Mapped[str | None] = mapped_column(String(100))  # bank transaction number
    note: Mapped[str | None] = mapped_column(Text)
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_items.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    event_seq: Mapped[int | None] = mapped_column(Integer)  # the case event (and ledger)

    recorded_by: Mapped[User | None] = relationship()
    instalment: Mapped[Instalment] = relationship()


class PerformanceAlert(Base):
    """A missed payment: raised once per instalment by the daily scan, shown to the
    mediator and the claimant until the missed instalments are paid."""

    __tablename__ = "performance_alerts"
    __table_args__ = (Index("ix_performance_alerts_open", "case_id", "resolved_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    raised_on: Mapped[date] = mapped_column(Date)
    raised_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # [{"seq": 1, "due_on": "2026-05-01", "amount": "1000.00", "outstanding": "400.00"}]
    missed: Mapped[list] = mapped_column(JSON, default=list)
    # The enforcement-application packet (mediation.packets); retried by the next scan
    # while it could not be built.
    packet_id: Mapped[int | None] = mapped_column(Integer)
    packet_sha256: Mapped[str | None] = mapped_column(String(64))
    packet_error: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)

    case: Mapped[Case] = relationship()
