"""Recordings attached to a case, and the versions of their transcripts.

A recording's audio lives in the content-addressed blob store (it is also an evidence
item of the case); each transcript version is stored there too, as canonical JSON, and
its SHA-256 is on the case's ledger. Version 1 is the machine's transcript; every
correction by a mediator adds a version, and none is ever overwritten.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.cases import model as _cases_model  # noqa: F401  (tables our keys refer to)
from mediation.db import Base, str_enum, utcnow
from mediation.evidence import model as _evidence_model  # noqa: F401
from mediation.people.model import User


class Variety(enum.StrEnum):
    """The speaker's language variety: a hint for recognition."""

    MANDARIN = "mandarin"  # 普通话
    CANTONESE = "cantonese"  # 粤语
    SICHUANESE = "sichuanese"  # 四川话
    WU = "wu"  # 吴语（上海话）
    MINNAN = "minnan"  # 闽南话
    OTHER = "other"


class RecordingStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class TranscriptKind(enum.StrEnum):
    MACHINE = "machine"
    CORRECTION = "correction"


class Recording(Base):
    __tablename__ = "recordings"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    evidence_item_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_items.id"))
    audio_sha256: Mapped[str] = mapped_column(String(64), index=True)
    audio_format: Mapped[str] = mapped_column(String(16))  # wav, mp3, m4a, amr, ogg, webm ...
    size: Mapped[int] = mapped_column(Integer)
    duration_s: Mapped[float] = mapped_column(Float)
    variety: Mapped[Variety] = mapped_column(str_enum(Variety))
    status: Mapped[RecordingStatus] = mapped_column(
        str_enum(RecordingStatus), default=RecordingStatus.QUEUED
    )
    job_id: Mapped[str | None] = mapped_column(String(64))
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_detail: Mapped[str | None] = mapped_column(Text)
    backend: Mapped[str | None] = mapped_column(String(32))
    model: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)

    created_by: Mapped[User | None] = relationship()
    transcripts: Mapped[list[Transcript]] = relationship(
        back_populates="recording", order_by="Transcript.version", cascade="all, delete-orphan"
    )

    @property
    def latest(self) -> Transcript | None:
        return self.transcripts[-1] if self.transcripts else None

    @property
    def original(self) -> Transcript | None:
        return self.transcripts[0] if self.transcripts else None


class Transcript(Base):
    __tablename__ = "transcripts"
    __table_args__ = (UniqueConstraint("recording_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recording_id: Mapped[int] = mapped_column(ForeignKey("recordings.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[TranscriptKind] = mapped_column(str_enum(TranscriptKind))
    text: Mapped[str] = mapped_column(Text)
    # [{"start": s, "end": s, "text": str, "confidence": 0..1 (machine only)}]
    segments: Mapped[list] = mapped_column(JSON)
    sha256: Mapped[str] = mapped_column(String(64))  # of the canonical JSON in the blob store
    ledger_seq: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: machine

    recording: Mapped[Recording] = relationship(back_populates="transcripts")
    created_by: Mapped[User | None] = relationship()
