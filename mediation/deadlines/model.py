"""Persistent state of time limits: running clocks, pauses, extensions and the
admin-editable holiday overrides."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.cases.model import Case, Urgency
from mediation.db import Base, str_enum, utcnow
from mediation.people.model import User

UNMARKED_OVERDUE = "status = 'running' AND urgency <> 'overdue'"
UNMARKED_DUE_SOON = "status = 'running' AND urgency NOT IN ('due_soon', 'overdue')"


class ClockStatus(enum.StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"  # the act the limit is for was done (or the case left the stage)


class PauseReason(enum.StrEnum):
    APPRAISAL = "appraisal"  # 鉴定、检测、评估
    PARTY_REQUEST = "party_request"  # 当事人申请
    NEW_FACTS = "new_facts"  # 新的事实和理由
    MEDIATION = "mediation"  # NFRA Art 23: mediation period not counted


class Clock(Base):
    """One statutory or promised time limit running on a case."""

    __tablename__ = "clocks"
    __table_args__ = (
        # The nightly scan looks only for clocks that have not yet been marked: partial
        # indexes hold just those, so a day's scan reads the few that crossed a line
        # instead of every overdue clock in the system.
        Index(
            "ix_clocks_unmarked_overdue",
            "due_on",
            postgresql_where=text(UNMARKED_OVERDUE),
            sqlite_where=text(UNMARKED_OVERDUE),
        ),
        Index(
            "ix_clocks_unmarked_due_soon",
            "warn_on",
            postgresql_where=text(UNMARKED_DUE_SOON),
            sqlite_where=text(UNMARKED_DUE_SOON),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    rule_id: Mapped[str] = mapped_column(String(64))
    started_on: Mapped[date] = mapped_column(Date)  # the start event's date (not counted)
    status: Mapped[ClockStatus] = mapped_column(str_enum(ClockStatus), default=ClockStatus.RUNNING)
    # Cached result of the computation with the pauses and extensions so far.
    due_on: Mapped[date | None] = mapped_column(Date)
    # From this day on the scan marks the clock "due soon" (due_on minus the warning days).
    warn_on: Mapped[date | None] = mapped_column(Date)
    warn_days: Mapped[int] = mapped_column(Integer, default=3)
    provisional: Mapped[bool] = mapped_column(default=False)  # calendar unverified
    extension_days: Mapped[int] = mapped_column(Integer, default=0)
    urgency: Mapped[Urgency] = mapped_column(str_enum(Urgency), default=Urgency.OK)
    stopped_on: Mapped[date | None] = mapped_column(Date)
    stop_reason: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    case: Mapped[Case] = relationship()
    pauses: Mapped[list[ClockPause]] = relationship(
        back_populates="clock", order_by="ClockPause.started_on", cascade="all, delete-orphan"
    )
    extensions: Mapped[list[Extension]] = relationship(
        back_populates="clock", order_by="Extension.id", cascade="all, delete-orphan"
    )


class ClockPause(Base):
    __tablename__ = "clock_pauses"

    id: Mapped[int] = mapped_column(primary_key=True)
    clock_id: Mapped[int] = mapped_column(ForeignKey("clocks.id", ondelete="CASCADE"), index=True)
    reason: Mapped[PauseReason] = mapped_column(str_enum(PauseReason))
    note: Mapped[str | None] = mapped_column(Text)
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    clock: Mapped[Clock] = relationship(back_populates="pauses")


class Extension(Base):
    __tablename__ = "extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    clock_id: Mapped[int] = mapped_column(ForeignKey("clocks.id", ondelete="CASCADE"), index=True)
    days: Mapped[int] = mapped_column(Integer)
    approver: Mapped[str] = mapped_column(String(200))  # who approved (name and office)
    legal_ground: Mapped[str] = mapped_column(Text)  # the article relied on
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    clock: Mapped[Clock] = relationship(back_populates="extensions")
    actor: Mapped[User | None] = relationship()


class DayKind(enum.StrEnum):
    DAY_OFF = "day_off"  # 放假
    WORKDAY = "workday"  # 上班 (including 调休 make-up weekend days)


class HolidayOverride(Base):
    """A day whose status an administrator set or imported from a State Council notice;
    it wins over the packaged calendar."""

    __tablename__ = "holiday_overrides"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[DayKind] = mapped_column(str_enum(DayKind))
    name: Mapped[str | None] = mapped_column(String(100))
    source: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class CalendarYear(Base):
    """A year whose State Council schedule was imported in full: days in it count as verified."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(300))
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
