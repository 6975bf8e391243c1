"""Recordings and transcripts: upload, transcription status, mediator corrections.

Each operation changes state and appends to the case's evidence ledger in the caller's
transaction (the caller commits): the audio as an evidence item plus a
`recording.added` entry with its SHA-256, the machine transcript as
`transcript.machine`, each correction as `transcript.corrected`. Transcript texts are
kept in the blob store as canonical JSON; the ledger holds only their hashes (the text
is personal data and must stay erasable).
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from mediation.cases.model import Case, PartyKind
from mediation.db import utcnow
from mediation.errors import UserError
from mediation.people.model import User
from mediation.transcripts.messages import t
from mediation.transcripts.model import (
    Recording,
    RecordingStatus,
    Transcript,
    TranscriptKind,
    Variety,
)

TRANSCRIBE_TASK = "transcripts.transcribe"
DEFAULT_MAX_AUDIO_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_AUDIO_SECONDS = 4 * 3600
MAX_SEGMENTS = 20000
MAX_SEGMENT_CHARS = 4000

_STATUS_FOR = {  # HTTP status per audio error code
    "audio.unsupported": 415,
    "audio.unreadable": 415,
    "audio.too_large": 413,
}


class TranscriptError(UserError):
    """A refusal with a stable code; texts in mediation.transcripts.messages."""

    def message(self, lang: str = "zh") -> str:
        return t(f"error.{self.code}", lang, self.params)


@dataclass(frozen=True)
class Settings:
    """What the service needs from the app's configuration."""

    blob_dir: Path
    model_dir: Path
    backend: str = "faster-whisper"
    max_audio_bytes: int = DEFAULT_MAX_AUDIO_BYTES
    max_audio_seconds: float = DEFAULT_MAX_AUDIO_SECONDS

    @classmethod
    def from_config(cls, config, instance_path: str | Path) -> Settings:
        repo = Path(__file__).resolve().parents[2]
        return cls(
            blob_dir=Path(config.get("EVIDENCE_BLOB_DIR") or Path(instance_path) / "blobs"),
            model_dir=Path(config.get("ASR_MODEL_DIR") or repo / "models"),
            backend=config.get("ASR_BACKEND") or "faster-whisper",
            max_audio_bytes=int(config.get("MAX_AUDIO_BYTES") or DEFAULT_MAX_AUDIO_BYTES),
            max_audio_seconds=float(config.get("MAX_AUDIO_SECONDS") or DEFAULT_MAX_AUDIO_SECONDS),
        )


def blob_store(settings: Settings):
    """The evidence blob store. Recordings are checked by decoding them before they are
    stored, so formats the store's sniffer does not name (WebM) are accepted here."""
    from mediation.evidence.blobstore import DEFAULT_ALLOWED_TYPES, UNKNOWN, LocalBlobStore

    return LocalBlobStore(
        settings.blob_dir,
        max_size=max(settings.max_audio_bytes, 1),
        allowed_types=DEFAULT_ALLOWED_TYPES | {UNKNOWN},
    )


def audio_error(exc) -> TranscriptError:
    """nlp.audio.AudioError -> a user-facing error."""
    params = dict(exc.params)
    params.setdefault("format", "?")
    return TranscriptError(exc.code, status=_STATUS_FOR.get(exc.code, 400), **params)


def record_case_event(
    session: Session, case: Case, actor: User | None, kind: str, data: dict
) -> None:
    """The case timeline entry for a recording change.

    Uses EventKind.RECORDING_ADDED / TRANSCRIPT_READY / TRANSCRIPT_CORRECTED once they
    exist in mediation.cases.model; until then the ledger entry is the only record.
    """
    from mediation.cases.model import EventKind
    from mediation.cases.operations import add_event

    member = getattr(EventKind, kind.upper(), None)
    if member is not None:
        add_event(session, case, member, actor, data=data)


def ledger_append(
    session: Session,
    case_id: int,
    entry_type: str,
    actor_id: int | None,
    payload: dict,
    file_sha256: str | None = None,
) -> int | None:
    """Append to the case's evidence ledger; returns the entry's sequence number."""
    from mediation.evidence.ledger import append_entry

    return append_entry(session, case_id, entry_type, actor_id, payload, file_sha256).seq


def case_vocabulary(case: Case) -> list[str]:
    """Words to prime recognition with: the names of the institutions in the case."""
    return [p.name for p in case.parties if p.kind == PartyKind.INSTITUTION]


def parse_variety(value: object) -> Variety:
    if value in (None, ""):
        return Variety.MANDARIN
    try:
        return Variety(str(value))
    except ValueError:
        raise TranscriptError("transcript.unknown_variety", variety=str(value)[:40]) from None


def _size(stream: BinaryIO) -> int:
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def add_recording(
    session: Session,
    case: Case,
    actor: User | None,
    stream: BinaryIO,
    filename: str,
    variety: Variety,
    settings: Settings,
) -> Recording:
    """Check the audio (format, decodable, not silent), store it as evidence of the case,
    record it on the ledger. The caller commits, then calls enqueue_transcription."""
    from mediation.evidence.service import add_evidence
    from nlp.audio import AudioError, validate

    size = _size(stream)
    if size == 0:
        raise TranscriptError("audio.empty")
    if size > settings.max_audio_bytes:
        raise TranscriptError(
            "audio.too_large", status=413, limit_mb=round(settings.max_audio_bytes / 2**20, 1)
        )
    try:
        info, _level = validate(stream, max_seconds=settings.max_audio_seconds)
    except AudioError as exc:
        raise audio_error(exc) from None
    stream.seek(0)
    item = add_evidence(
        session, case, actor, stream, filename, blob_store(settings), channel="recording"
    )
    recording = Recording(
        case_id=case.id,
        evidence_item_id=item.id,
        audio_sha256=item.blob_sha256,
        audio_format=info.format,
        size=size,
        duration_s=round(info.duration_s, 2),
        variety=variety,
        status=RecordingStatus.QUEUED,
        created_by_id=actor.id if actor else None,
        created_at=utcnow(),
    )
    session.add(recording)
    session.flush()
    ledger_append(
        session,
        case.id,
        "recording.added",
        recording.created_by_id,
        {
            "recording": recording.id,
            "item": item.id,
            "audio_sha256": recording.audio_sha256,
            "format": info.format,
            "duration_ms": int(info.duration_s * 1000),
            "variety": variety.value,
        },
        file_sha256=recording.audio_sha256,
    )
    record_case_event(session, case, actor, "recording_added", {"recording": recording.id})
    return recording


def enqueue_transcription(queue, recording: Recording) -> str:
    job_id = queue.enqueue(
        TRANSCRIBE_TASK,
        {"recording_id": recording.id},
        dedupe_key=f"transcribe:recording:{recording.id}",
    )
    recording.job_id = job_id
    return job_id


def list_recordings(session: Session, case: Case) -> list[Recording]:
    return list(
        session.scalars(
            select(Recording)
            .where(Recording.case_id == case.id)
            .options(selectinload(Recording.transcripts))
            .order_by(Recording.created_at, Recording.id)
        )
    )


def get_recording(session: Session, case: Case, recording_id: int) -> Recording:
    rec = session.get(Recording, recording_id)
    if rec is None or rec.case_id != case.id:
        raise TranscriptError("transcript.not_found", status=404)
    return rec


# ---------------------------------------------------------------- status


def status_of(recording: Recording, queue, lang: str = "zh", now: float | None = None) -> dict:
    """Status, progress and failure reason, from the recording row and its job."""
    now = time.time() if now is None else now
    status = recording.status.value
    percent = 100.0 if status == "done" else None
    eta = None
    attempts = None
    error = None
    if recording.status == RecordingStatus.FAILED:
        error = _error(recording.error_code or "error", recording.error_detail, lang)
    elif recording.status != RecordingStatus.DONE:
        job = None
        if recording.job_id:
            try:
                job = queue.get(recording.job_id)
            except Exception:  # the queue being down must not break the case page
                job = None
        if job is None and not recording.job_id:
            error = {
                "code": "transcript.queue_unavailable",
                "message": t("error.transcript.queue_unavailable", lang),
            }
        elif job is not None:
            attempts = job.attempts
            if job.state == "failed":
                status = "failed"
                error = _error(job.error_code or "error", job.error, lang)
            elif job.state == "running":
                status = "running"
                percent = job.percent
                eta = job.eta_s(now)
            elif job.state == "done":
                status = "done"  # the row is updated in the same job; a reload shows it
                percent = 100.0
    return {
        "status": status,
        "status_label": t(f"recording.status.{status}", lang),
        "percent": percent,
        "eta_s": eta,
        "attempts": attempts,
        "error": error,
    }


def _error(code: str, detail: str | None, lang: str) -> dict:
    return {
        "code": code,
        "message": t(
            f"error.{code}", lang, {"detail": detail or "", "format": "?", "max_minutes": "?"}
        ),
    }


# ---------------------------------------------------------------- transcripts


def _document(
    recording: Recording, version: int, kind: TranscriptKind, segments: list[dict], text: str
) -> bytes:
    from mediation.evidence.jcs import canonical

    return canonical(
        {
            "recording": recording.id,
            "audio_sha256": recording.audio_sha256,
            "version": version,
            "kind": kind.value,
            "segments": segments,
            "text": text,
        }
    )


def _store_text(settings: Settings, document: bytes) -> str:
    return blob_store(settings).put(io.BytesIO(document)).sha256


def _join(segments: list[dict]) -> str:
    from nlp.asr import join_text

    return join_text(s["text"] for s in segments)


def save_machine_transcript(
    session: Session,
    recording: Recording,
    segments: list[dict],
    *,
    backend: str,
    model: str,
    settings: Settings,
) -> Transcript:
    """Version 1. Idempotent: a job repeated after a crash finds it already there."""
    existing = session.scalar(
        select(Transcript).where(Transcript.recording_id == recording.id, Transcript.version == 1)
    )
    if existing is not None:
        return existing
    text = _join(segments)
    sha = _store_text(settings, _document(recording, 1, TranscriptKind.MACHINE, segments, text))
    transcript = Transcript(
        version=1,
        kind=TranscriptKind.MACHINE,
        text=text,
        segments=segments,
        sha256=sha,
        created_at=utcnow(),
    )
    recording.transcripts.append(transcript)
    recording.status = RecordingStatus.DONE
    recording.backend = backend
    recording.model = model
    recording.finished_at = utcnow()
    recording.error_code = None
    recording.error_detail = None
    session.flush()
    transcript.ledger_seq = ledger_append(
        session,
        recording.case_id,
        "transcript.machine",
        None,
        {
            "recording": recording.id,
            "version": 1,
            "audio_sha256": recording.audio_sha256,
            "transcript_sha256": sha,
            "backend": backend,
            "model": model,
            "segments": len(segments),
        },
        file_sha256=sha,
    )
    case = session.get(Case, recording.case_id)
    record_case_event(session, case, None, "transcript_ready", {"recording": recording.id})
    return transcript


def mark_failed(session: Session, recording: Recording, code: str, detail: str | None) -> None:
    recording.status = RecordingStatus.FAILED
    recording.error_code = code
    recording.error_detail = (detail or "")[:2000] or None
    recording.finished_at = utcnow()


def parse_segments(body: dict, recording: Recording) -> list[dict]:
    """The corrected transcript from a request: {"segments": [{start, end, text}]} or
    {"text": "..."} (one segment over the whole recording)."""
    if "segments" in body:
        raw = body["segments"]
        if not isinstance(raw, list) or len(raw) > MAX_SEGMENTS:
            raise TranscriptError("transcript.bad_segments", detail="segments: list")
    elif isinstance(body.get("text"), str):
        raw = [{"start": 0.0, "end": recording.duration_s, "text": body["text"]}]
    else:
        raise TranscriptError("transcript.bad_segments", detail="segments | text")
    out = []
    limit = recording.duration_s + 1.0
    for i, seg in enumerate(raw):
        if not isinstance(seg, dict):
            raise TranscriptError("transcript.bad_segments", detail=f"segments[{i}]: object")
        text = seg.get("text")
        if not isinstance(text, str) or len(text) > MAX_SEGMENT_CHARS:
            raise TranscriptError("transcript.bad_segments", detail=f"segments[{i}].text")
        try:
            start = float(seg.get("start", 0.0))
            end = float(seg.get("end", start))
        except (TypeError, ValueError):
            raise TranscriptError(
                "transcript.bad_segments", detail=f"segments[{i}].start/end"
            ) from None
        if not (0.0 <= start <= end <= limit):
            raise TranscriptError(
                "transcript.bad_segments", detail=f"segments[{i}]: 0 <= start <= end"
            )
        text = text.strip()
        if text:
            out.append({"start": round(start, 2), "end": round(end, 2), "text": text})
    return out


def correct(
    session: Session,
    recording: Recording,
    actor: User,
    segments: list[dict],
    settings: Settings,
    *,
    note: str | None = None,
    base_version: int | None = None,
) -> Transcript:
    """A mediator's correction: a new version; every earlier version stays."""
    latest = recording.latest
    if latest is None:
        raise TranscriptError("transcript.not_ready", status=409)
    if base_version is not None and base_version != latest.version:
        raise TranscriptError("transcript.stale", status=409, current=latest.version)
    previous = [{"start": s["start"], "end": s["end"], "text": s["text"]} for s in latest.segments]
    if segments == previous:
        raise TranscriptError("transcript.unchanged", status=409)
    version = latest.version + 1
    text = _join(segments)
    sha = _store_text(
        settings, _document(recording, version, TranscriptKind.CORRECTION, segments, text)
    )
    transcript = Transcript(
        version=version,
        kind=TranscriptKind.CORRECTION,
        text=text,
        segments=segments,
        sha256=sha,
        note=(note or "").strip() or None,
        created_by_id=actor.id,
        created_at=utcnow(),
    )
    recording.transcripts.append(transcript)
    session.flush()
    from mediation.evidence.ledger import text_digest

    payload = {
        "recording": recording.id,
        "version": version,
        "audio_sha256": recording.audio_sha256,
        "transcript_sha256": sha,
        "previous_sha256": latest.sha256,
    }
    if transcript.note:
        payload["note_sha256"] = text_digest(transcript.note)
    transcript.ledger_seq = ledger_append(
        session, recording.case_id, "transcript.corrected", actor.id, payload, file_sha256=sha
    )
    case = session.get(Case, recording.case_id)
    record_case_event(
        session,
        case,
        actor,
        "transcript_corrected",
        {"recording": recording.id, "version": version},
    )
    return transcript


def retry(queue, recording: Recording) -> str:
    """Transcribe a failed recording again (after the cause was fixed)."""
    if recording.status == RecordingStatus.DONE:
        raise TranscriptError("transcript.not_failed", status=409)
    job = queue.get(recording.job_id) if recording.job_id else None
    if job is not None and job.state == "failed":
        queue.retry(job.id)
    elif job is None or recording.status == RecordingStatus.FAILED:
        key = f"transcribe:recording:{recording.id}:retry:{int(time.time() * 1000)}"
        recording.job_id = queue.enqueue(
            TRANSCRIBE_TASK, {"recording_id": recording.id}, dedupe_key=key
        )
    else:
        raise TranscriptError("transcript.not_failed", status=409)
    recording.status = RecordingStatus.QUEUED
    recording.error_code = None
    recording.error_detail = None
    recording.finished_at = None
    return recording.job_id
