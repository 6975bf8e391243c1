"""Users, roles and the centre they belong to."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.db import Base, str_enum, utcnow


class Role(enum.StrEnum):
    ADMIN = "admin"  # centre administrator
    MEDIATOR = "mediator"  # 调解员
    CLAIMANT = "claimant"  # 申请人 / 金融消费者
    INSTITUTION = "institution"  # respondent financial institution staff
    COURT = "court"  # court clerk
    AUDITOR = "auditor"  # reads every case of the centre, changes nothing


STAFF_ROLES = frozenset({Role.ADMIN, Role.MEDIATOR})


class Centre(Base):
    __tablename__ = "centres"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(100))
    # Which rule set binds time-limit rules to case events for this centre.
    rule_set: Mapped[str] = mapped_column(String(64), default="default")
    warning_days: Mapped[int] = mapped_column(default=3)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("username"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    username: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    password_hash: Mapped[str] = mapped_column(String(256))
    # SHA-256 of the API token; the token itself is shown once and never stored.
    api_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # For institution users: the institution they answer for (matches Party.name).
    institution_name: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The language notices to this user are written in (zh | en); set when the user
    # switches language while signed in, or by an administrator.
    language: Mapped[str] = mapped_column(String(8), default="zh", server_default="zh")

    centre: Mapped[Centre] = relationship()

    @property
    def is_staff(self) -> bool:
        """Centre staff who act on cases (administrators and mediators)."""
        return self.role in STAFF_ROLES

    @property
    def reads_all_cases(self) -> bool:
        return self.role in STAFF_ROLES or self.role == Role.AUDITOR


class LoginAttempt(Base):
    """Every sign-in attempt, for rate limiting and the security log."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_username_at", "username", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    success: Mapped[bool] = mapped_column(Boolean)


class PersonalDataAccess(Base):
    """Who opened a case's unmasked personal data, and when (个人信息保护法: access is logged)."""

    __tablename__ = "personal_data_access"
    __table_args__ = (Index("ix_personal_data_access_case_at", "case_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    via: Mapped[str] = mapped_column(String(16))  # api | page
    ip: Mapped[str | None] = mapped_column(String(64))
