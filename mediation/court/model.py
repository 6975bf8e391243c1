"""Courts that receive the centre's settlement packets, their clerks, and each packet a
court received for judicial confirmation (司法确认) with the court's decisions on it."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.cases.model import Case
from mediation.db import Base, str_enum, utcnow
from mediation.people.model import Centre, User


class Court(Base):
    """A people's court registered with the centre: the trust anchor it registered (the
    centre CA certificate it will verify packet signatures against, and its fingerprint,
    compared out of band) decides which packets it accepts as genuine."""

    __tablename__ = "courts"
    __table_args__ = (UniqueConstraint("centre_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))  # e.g. the court's 法院代码
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(100))
    trust_anchor_pem: Mapped[str | None] = mapped_column(Text)  # the centre CA, PEM
    ca_fingerprint: Mapped[str | None] = mapped_column(String(95))  # as openssl prints it
    tsa_ca_pem: Mapped[str | None] = mapped_column(Text)  # the TSA's CA, when it checks times
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    centre: Mapped[Centre] = relationship()


class CourtUser(Base):
    """A user of role `court` belongs to exactly one court: a clerk who signs in, or the
    court's service account whose API token its case system uses."""

    __tablename__ = "court_users"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    court_id: Mapped[int] = mapped_column(ForeignKey("courts.id"), index=True)
    service_account: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship()
    court: Mapped[Court] = relationship()


class SubmissionStatus(enum.StrEnum):
    RECEIVED = "received"  # the court has the application; 3 days to decide acceptance
    ACCEPTED = "accepted"  # 受理: 15 days (+10) to decide
    REFUSED = "refused"  # 不予受理
    CONFIRMED = "confirmed"  # 裁定调解协议有效
    NOT_CONFIRMED = "not_confirmed"  # 裁定驳回申请


OPEN_STATUSES = (SubmissionStatus.RECEIVED, SubmissionStatus.ACCEPTED)


class SubmissionChannel(enum.StrEnum):
    CENTRE = "centre"  # sent by the centre through the court data interface
    WEB = "web"  # a clerk uploaded the packet on the court page
    API = "api"  # the court's system posted it to the JSON API


class Outcome(enum.StrEnum):
    CONFIRMED = "confirmed"
    NOT_CONFIRMED = "not_confirmed"


class CourtSubmission(Base):
    """One settlement packet received by one court for one case: the joint application
    for judicial confirmation (民事诉讼法 Art 205) and what the court decided on it."""

    __tablename__ = "court_submissions"
    __table_args__ = (Index("ix_court_submissions_court_status", "court_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    court_id: Mapped[int] = mapped_column(ForeignKey("courts.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    status: Mapped[SubmissionStatus] = mapped_column(
        str_enum(SubmissionStatus), default=SubmissionStatus.RECEIVED
    )
    channel: Mapped[SubmissionChannel] = mapped_column(str_enum(SubmissionChannel))
    # The packet: the zip as received, in the content-addressed blob store.
    packet_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    packet_id: Mapped[int | None] = mapped_column()  # the centre's packets row, when it built it
    agreement_sha256: Mapped[str | None] = mapped_column(String(64))
    # The joint application: both parties apply together (共同提出), on this date.
    joint_application: Mapped[bool] = mapped_column(Boolean, default=True)
    applied_on: Mapped[date | None] = mapped_column(Date)
    received_on: Mapped[date] = mapped_column(Date)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # verify_packet's report against the court's registered trust anchor.
    verified_ok: Mapped[bool] = mapped_column(Boolean, default=False)
    verification: Mapped[dict] = mapped_column(JSON, default=dict)
    # Acceptance (受理) or refusal (不予受理).
    decided_on: Mapped[date | None] = mapped_column(Date)
    court_case_number: Mapped[str | None] = mapped_column(String(64))  # “调确字” number
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    # The ruling (裁定).
    outcome: Mapped[Outcome | None] = mapped_column(str_enum(Outcome))
    ruled_on: Mapped[date | None] = mapped_column(Date)
    ruling_reason: Mapped[str | None] = mapped_column(Text)
    ruling_evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_items.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    court: Mapped[Court] = relationship()
    case: Mapped[Case] = relationship()

    @property
    def open(self) -> bool:
        return self.status in OPEN_STATUSES
