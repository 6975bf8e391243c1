"""The transcription job: decode the stored audio, transcribe it chunk by chunk with a
checkpoint after each chunk, then save version 1 of the transcript on the case."""

from __future__ import annotations

from flask import current_app

from mediation.cases.model import Case
from mediation.db import session_scope
from mediation.jobs import JobContext, JobFailed, task
from mediation.transcripts import service
from mediation.transcripts.model import Recording, RecordingStatus


def _factory():
    return current_app.extensions["mediation.sessionmaker"]


def _fail(recording_id: int, code: str, detail: str | None = None) -> JobFailed:
    with session_scope(_factory()) as s:
        rec = s.get(Recording, recording_id)
        if rec is not None:
            service.mark_failed(s, rec, code, detail)
    return JobFailed(code, detail or code)


@task(service.TRANSCRIBE_TASK, max_attempts=3)
def transcribe_recording(ctx: JobContext, recording_id: int) -> dict:
    from nlp.asr import ModelMissing, Options, Segment, load_transcriber
    from nlp.audio import AudioError, check_signal, decode

    settings = service.Settings.from_config(current_app.config, current_app.instance_path)
    with session_scope(_factory()) as s:
        rec = s.get(Recording, recording_id)
        if rec is None:
            raise JobFailed("transcript.not_found", f"recording {recording_id} is gone")
        if rec.status == RecordingStatus.DONE:
            return {"recording": recording_id, "already": True}
        rec.status = RecordingStatus.RUNNING
        audio_sha256 = rec.audio_sha256
        variety = rec.variety.value
        vocabulary = service.case_vocabulary(s.get(Case, rec.case_id))

    store = service.blob_store(settings)
    try:
        samples, _info = decode(store.path(audio_sha256), max_seconds=settings.max_audio_seconds)
        check_signal(samples)
    except AudioError as exc:
        raise _fail(recording_id, exc.code, exc.detail) from None
    try:
        transcriber = load_transcriber(settings.backend, settings.model_dir)
    except ModelMissing as exc:
        # Retried: an administrator may install the models while the job waits.
        raise JobFailed("transcript.model_missing", str(exc), retry=True) from None

    options = Options(variety=variety, vocabulary=vocabulary)
    chunks = transcriber.plan(samples, options)
    total = samples.size / 16000
    state = ctx.checkpoint or {}
    if state.get("chunks") != len(chunks) or state.get("backend") != transcriber.backend:
        state = {"chunks": len(chunks), "backend": transcriber.backend, "next": 0, "segments": []}
    segments: list[dict] = list(state["segments"])

    def on_chunk(i: int, found: list[Segment]) -> None:
        segments.extend(s.as_dict() for s in found)
        done = chunks[i].end / 16000
        ctx.save_checkpoint({**state, "next": i + 1, "segments": segments}, done=done, total=total)

    start = state["next"]
    resumed_at = chunks[start].start / 16000 if start < len(chunks) else total
    ctx.progress(resumed_at, total, note=f"{start}/{len(chunks)}", force=True)
    transcriber.transcribe(
        samples,
        options,
        chunks=chunks,
        start_chunk=start,
        on_chunk=on_chunk,
        on_progress=lambda done, whole: ctx.progress(done, whole),
    )
    ctx.check()
    with session_scope(_factory()) as s:
        rec = s.get(Recording, recording_id)
        if rec is None:
            raise JobFailed("transcript.not_found", f"recording {recording_id} is gone")
        service.save_machine_transcript(
            s,
            rec,
            segments,
            backend=transcriber.backend,
            model=transcriber.model,
            settings=settings,
        )
    return {"recording": recording_id, "segments": len(segments), "resumed_from_chunk": start}
