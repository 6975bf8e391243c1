"""Settlement agreements: one row per version, and the signatures on a version."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.cases.model import Case, Party
from mediation.db import Base, str_enum, utcnow
from mediation.people.model import User


class AgreementStatus(enum.StrEnum):
    DRAFT = "draft"  # editable
    ISSUED = "issued"  # text frozen, PDF stored, out for signature
    EFFECTIVE = "effective"  # every required signature recorded
    SUPERSEDED = "superseded"  # edited after issue: a newer version replaced it


class SignerRole(enum.StrEnum):
    CLAIMANT = "claimant"
    RESPONDENT = "respondent"
    MEDIATOR = "mediator"  # signs for the centre and applies its seal


class Agreement(Base):
    """One version of a case's settlement agreement.

    `clauses` holds the structured terms (see agreements/templates.py); `signers` the
    required signers frozen at issue: [{"role": ..., "party": party id or null}].
    """

    __tablename__ = "agreements"
    __table_args__ = (UniqueConstraint("case_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[AgreementStatus] = mapped_column(
        str_enum(AgreementStatus), default=AgreementStatus.DRAFT
    )
    clauses: Mapped[list] = mapped_column(JSON, default=list)
    signers: Mapped[list] = mapped_column(JSON, default=list)
    text: Mapped[str | None] = mapped_column(Text)  # the frozen text, at issue
    # What the text was made from at issue (parties, centre, mediator), so the executed
    # PDF repeats the issued words even if a party's details change later.
    snapshot: Mapped[dict | None] = mapped_column(JSON)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))  # the PDF the parties sign
    issued_at: Mapped[datetime | None] = mapped_column(DateTime)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    effective_on: Mapped[date | None] = mapped_column(Date)
    effective_at: Mapped[datetime | None] = mapped_column(DateTime)
    executed_sha256: Mapped[str | None] = mapped_column(String(64))  # with the signature page
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    case: Mapped[Case] = relationship()
    signatures: Mapped[list[AgreementSignature]] = relationship(
        back_populates="agreement", order_by="AgreementSignature.id", cascade="all, delete-orphan"
    )

    @property
    def valid_signatures(self) -> list[AgreementSignature]:
        return [s for s in self.signatures if s.voided_at is None]


class AgreementSignature(Base):
    """One signer's identity-verified online confirmation of one agreement version
    (人民法院在线诉讼规则 Art 33): who, in which role, when, over which PDF hash, how the
    identity was checked, from where; and the ledger entry that records it."""

    __tablename__ = "agreement_signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[SignerRole] = mapped_column(str_enum(SignerRole))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"))
    signer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    # sms_code | email_code (online); in_person_code | in_person_paper (signed on paper at
    # the centre by a party without a portal account, recorded by the mediator)
    method: Mapped[str] = mapped_column(String(32))
    code_id: Mapped[int | None] = mapped_column(ForeignKey("verification_codes.id"))
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    ledger_seq: Mapped[int | None] = mapped_column(Integer)
    voided_at: Mapped[datetime | None] = mapped_column(DateTime)
    void_reason: Mapped[str | None] = mapped_column(String(32))
    # In-person signing (signer_id is then the mediator who recorded it): the person who
    # signed, the identity document checked (masked number, salted hash "salt$sha256"; the
    # full number is never stored) and the scan of the signed paper page (an evidence item).
    signatory_name: Mapped[str | None] = mapped_column(String(100))
    id_document_masked: Mapped[str | None] = mapped_column(String(40))
    id_document_hash: Mapped[str | None] = mapped_column(String(100))
    paper_sha256: Mapped[str | None] = mapped_column(String(64))
    paper_evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_items.id"))

    agreement: Mapped[Agreement] = relationship(back_populates="signatures")
    signer: Mapped[User] = relationship()
    party: Mapped[Party | None] = relationship()
