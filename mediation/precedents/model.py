"""Precedents, their embeddings, and the change counter that keeps search indexes current."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from mediation.db import Base, str_enum, utcnow


class PrecedentSource(enum.StrEnum):
    CORPUS = "corpus"  # imported judgments (public, anonymised by their publisher)
    CENTRE = "centre"  # a case this centre closed


class Precedent(Base):
    """One precedent as it is searched and shown. Every text column holds masked text
    (nlp/masking.py): no name, ID, phone, card or account number is stored here."""

    __tablename__ = "precedents"
    __table_args__ = (Index("ix_precedents_seq", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Corpus id (cjrc-dev-1) or case:<centre code>:<case number>.
    ref: Mapped[str] = mapped_column(String(120), unique=True)
    source: Mapped[PrecedentSource] = mapped_column(str_enum(PrecedentSource))
    # A centre's own cases are seen by that centre only; corpus rows have no centre.
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="SET NULL"), unique=True
    )
    dataset: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    cause: Mapped[str | None] = mapped_column(String(200))  # 案由
    dispute_type: Mapped[str | None] = mapped_column(String(32))  # DisputeType values
    region: Mapped[str | None] = mapped_column(String(100))
    decided_on: Mapped[date | None] = mapped_column(Date)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))  # what was claimed
    outcome: Mapped[str] = mapped_column(String(32))  # nlp.plan.Outcome codes
    text: Mapped[str] = mapped_column(Text)
    claims: Mapped[str | None] = mapped_column(Text)
    outcome_text: Mapped[str | None] = mapped_column(Text)
    key_facts: Mapped[dict] = mapped_column(JSON, default=dict)
    labels: Mapped[list] = mapped_column(JSON, default=list)
    provenance: Mapped[dict] = mapped_column(JSON, default=dict)
    text_sha256: Mapped[str] = mapped_column(String(64))  # of the masked text, to skip re-imports
    # Position in the change sequence (PrecedentSync): an index that has seen seq N
    # catches up by reading the rows with seq > N, removals included.
    seq: Mapped[int] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PrecedentEmbedding(Base):
    """The passage embedding of a precedent under one model (float32, little-endian)."""

    __tablename__ = "precedent_embeddings"

    precedent_id: Mapped[int] = mapped_column(
        ForeignKey("precedents.id", ondelete="CASCADE"), primary_key=True
    )
    model: Mapped[str] = mapped_column(String(100), primary_key=True)
    dim: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    text_sha256: Mapped[str] = mapped_column(String(64))  # the text that was embedded


class PrecedentSync(Base):
    """A single row counting changes to the precedent base. Writers increment it under a
    row lock, so sequence numbers follow commit order and no reader skips a change."""

    __tablename__ = "precedent_sync"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer, default=0)
