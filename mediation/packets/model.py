"""The packets table: every packet built for a court, stored as a zip in the blob store."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.cases.model import Case
from mediation.db import Base, utcnow
from mediation.people.model import User

KINDS = ("settlement", "enforcement")


class Packet(Base):
    """One built packet. `sha256` is the zip's hash and its content address in the
    blob store (`blob_key`); `manifest_sha256` is what the CMS signature covers."""

    __tablename__ = "packets"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # settlement | enforcement
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    blob_key: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    tree_size: Mapped[int] = mapped_column(Integer)  # the signed checkpoint it carries
    agreement_sha256: Mapped[str] = mapped_column(String(64))

    case: Mapped[Case] = relationship()
    created_by: Mapped[User | None] = relationship()
