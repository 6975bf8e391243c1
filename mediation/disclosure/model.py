"""The disclosure of one case: an anonymized draft, its review and its publication."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.cases.model import Case
from mediation.db import Base, str_enum, utcnow
from mediation.people.model import User


class DisclosureStatus(enum.StrEnum):
    DRAFT = "draft"  # 待审核
    APPROVED = "approved"  # 已审核
    PUBLISHED = "published"  # 已公开
    WITHDRAWN = "withdrawn"  # 已撤回


class Disclosure(Base):
    """At most one per case. The texts are stored already anonymized; `findings` keeps only
    what kind of data was replaced and how often, never the original values."""

    __tablename__ = "disclosures"
    __table_args__ = (Index("ix_disclosures_status_published", "status", "published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    status: Mapped[DisclosureStatus] = mapped_column(
        str_enum(DisclosureStatus), default=DisclosureStatus.DRAFT
    )
    title: Mapped[str] = mapped_column(String(200))
    facts: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(Text)
    findings: Mapped[dict] = mapped_column(JSON, default=dict)  # {"id_number": 1, ...}
    drafted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    drafted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    edited_at: Mapped[datetime | None] = mapped_column(DateTime)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)

    case: Mapped[Case] = relationship()
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
