"""A scheduled mediation session of one case and the parties taking part in it.

Times are stored as naive UTC like every other timestamp here; the pages show them in the
centre's time zone. A remote session has an unguessable room id; the link to the video room
is built from config VIDEO_ROOM_URL when it is shown, so a changed video service needs no
data migration."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.cases.model import Case, Party
from mediation.centre.model import CircuitSite
from mediation.db import Base, str_enum, utcnow
from mediation.people.model import User


class HearingKind(enum.StrEnum):
    ON_SITE = "on_site"  # 现场调解, at the centre
    CIRCUIT = "circuit"  # 巡回调解, at one of the centre's circuit sites
    REMOTE = "remote"  # 在线调解, in a video room


class HearingStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"


class Hearing(Base):
    __tablename__ = "hearings"
    __table_args__ = (
        Index("ix_hearings_mediator_starts", "mediator_id", "starts_at"),
        UniqueConstraint("room", name="uq_hearings_room"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[HearingKind] = mapped_column(str_enum(HearingKind))
    status: Mapped[HearingStatus] = mapped_column(
        str_enum(HearingStatus), default=HearingStatus.SCHEDULED
    )
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    place: Mapped[str | None] = mapped_column(String(300))
    circuit_site_id: Mapped[int | None] = mapped_column(ForeignKey("circuit_sites.id"))
    room: Mapped[str | None] = mapped_column(String(64))  # remote only
    mediator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)  # what the parties should bring
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    minutes: Mapped[str | None] = mapped_column(Text)  # the mediator's record of the session
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship()
    mediator: Mapped[User] = relationship(foreign_keys=[mediator_id])
    circuit_site: Mapped[CircuitSite | None] = relationship()
    participants: Mapped[list[HearingParticipant]] = relationship(
        back_populates="hearing", cascade="all, delete-orphan", order_by="HearingParticipant.id"
    )


class HearingParticipant(Base):
    """A party of the case invited to the session (the mediator always takes part)."""

    __tablename__ = "hearing_participants"
    __table_args__ = (UniqueConstraint("hearing_id", "party_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(
        ForeignKey("hearings.id", ondelete="CASCADE"), index=True
    )
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"))

    hearing: Mapped[Hearing] = relationship(back_populates="participants")
    party: Mapped[Party] = relationship()
