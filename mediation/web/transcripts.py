"""Recordings and transcripts of a case: JSON API under /api/cases/<number>/recordings and
a small server-rendered page for mediators (upload, progress, correction).

Who may do what: centre staff see every recording of a case they can see, and correct
transcripts; a party (claimant, institution) may upload recordings to their own case and
sees the ones they uploaded; a court clerk or an auditor reads what the case shows them.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from mediation.cases.model import Case
from mediation.cases.service import get_case
from mediation.errors import Forbidden, UserError
from mediation.people import access
from mediation.people.model import Role, User
from mediation.transcripts import service
from mediation.transcripts.messages import t
from mediation.transcripts.model import Recording, Variety
from mediation.web.setup import authenticate_pages_and_api, db

bp = Blueprint("transcripts", __name__)

API = "/api/cases/<number>/recordings"
PAGE = "/cases/<number>/recordings"


bp.before_request(authenticate_pages_and_api)


def _user() -> User:
    return g.user


def _settings() -> service.Settings:
    return service.Settings.from_config(current_app.config, current_app.instance_path)


def _queue():
    from mediation.jobs import queue_for

    return queue_for(current_app)


def _case(number: str) -> Case:
    case = get_case(db(), _user().centre_id, number)
    access.require_see(_user(), case)
    return case


def _may_upload(user: User) -> bool:
    return user.is_staff or user.role in (Role.CLAIMANT, Role.INSTITUTION)


def _sees(user: User, rec: Recording) -> bool:
    return user.reads_all_cases or user.role == Role.COURT or rec.created_by_id == user.id


def _recording(case: Case, recording_id: int) -> Recording:
    rec = service.get_recording(db(), case, recording_id)
    if not _sees(_user(), rec):
        raise Forbidden()
    return rec


def _transcript_json(tr) -> dict:
    return {
        "version": tr.version,
        "kind": tr.kind.value,
        "kind_label": t(f"transcript.{tr.kind.value}", g.lang),
        "text": tr.text,
        "segments": tr.segments,
        "sha256": tr.sha256,
        "ledger_seq": tr.ledger_seq,
        "note": tr.note,
        "created_at": tr.created_at.isoformat() + "Z",
        "created_by": tr.created_by.display_name if tr.created_by else None,
    }


def _recording_json(case: Case, rec: Recording) -> dict:
    base = f"/api/cases/{case.number}/recordings/{rec.id}"
    return {
        "id": rec.id,
        "case": case.number,
        "variety": rec.variety.value,
        "variety_label": t(f"variety.{rec.variety.value}", g.lang),
        "format": rec.audio_format,
        "duration_s": rec.duration_s,
        "size": rec.size,
        "audio_sha256": rec.audio_sha256,
        "evidence_item": rec.evidence_item_id,
        "created_at": rec.created_at.isoformat() + "Z",
        "finished_at": rec.finished_at.isoformat() + "Z" if rec.finished_at else None,
        "backend": rec.backend,
        "model": rec.model,
        **service.status_of(rec, _queue(), g.lang),
        "versions": [
            {"version": tr.version, "kind": tr.kind.value, "sha256": tr.sha256}
            for tr in rec.transcripts
        ],
        "links": {
            "self": base,
            "transcript": base + "/transcript",
            "audio": base + "/audio",
            "page": f"/cases/{case.number}/recordings/{rec.id}",
        },
    }


def _upload(case: Case) -> Recording:
    user = _user()
    if not _may_upload(user):
        raise Forbidden()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise service.TranscriptError("audio.missing_file")
    variety = service.parse_variety(request.form.get("variety"))
    session = db()
    rec = service.add_recording(
        session, case, user, upload.stream, upload.filename, variety, _settings()
    )
    session.commit()
    try:
        service.enqueue_transcription(_queue(), rec)
        session.commit()
    except Exception:  # the recording is kept; status shows the queue problem, retry works
        current_app.logger.exception("could not enqueue transcription of recording %s", rec.id)
        session.rollback()
    return rec


# ---------------------------------------------------------------- JSON API


@bp.post(API)
def upload_recording(number: str):
    case = _case(number)
    rec = _upload(case)
    return jsonify(_recording_json(case, rec)), 202


@bp.get(API)
def list_recordings(number: str):
    case = _case(number)
    recs = [r for r in service.list_recordings(db(), case) if _sees(_user(), r)]
    return jsonify({"recordings": [_recording_json(case, r) for r in recs]})


@bp.get(API + "/<int:recording_id>")
def read_recording(number: str, recording_id: int):
    case = _case(number)
    return jsonify(_recording_json(case, _recording(case, recording_id)))


@bp.get(API + "/<int:recording_id>/transcript")
def read_transcript(number: str, recording_id: int):
    case = _case(number)
    rec = _recording(case, recording_id)
    if not rec.transcripts:
        raise service.TranscriptError("transcript.not_ready", status=409)
    version = request.args.get("version", type=int)
    chosen = (
        rec.latest
        if version is None
        else next((x for x in rec.transcripts if x.version == version), None)
    )
    if chosen is None:
        raise service.TranscriptError("transcript.not_found", status=404)
    return jsonify(
        {
            "recording": rec.id,
            "audio_sha256": rec.audio_sha256,
            "current_version": rec.latest.version,
            **_transcript_json(chosen),
            "original": _transcript_json(rec.original) if chosen.version != 1 else None,
            "versions": [_transcript_json(x) | {"segments": None} for x in rec.transcripts],
        }
    )


@bp.post(API + "/<int:recording_id>/transcript")
def correct_transcript(number: str, recording_id: int):
    from mediation.web import inputs

    case = _case(number)
    access.require_manage(_user(), case)
    rec = _recording(case, recording_id)
    body = inputs.json_body()
    segments = service.parse_segments(body, rec)
    note = inputs.parse_text(body.get("note"), "note", required=False, max_len=2000)
    base = inputs.parse_int(body.get("base_version"), "base_version", required=False, low=1)
    tr = service.correct(db(), rec, _user(), segments, _settings(), note=note, base_version=base)
    db().commit()
    return jsonify(_transcript_json(tr)), 201


@bp.post(API + "/<int:recording_id>/retry")
def retry_recording(number: str, recording_id: int):
    case = _case(number)
    access.require_manage(_user(), case)
    rec = _recording(case, recording_id)
    service.retry(_queue(), rec)
    db().commit()
    return jsonify(_recording_json(case, rec)), 202


@bp.get(API + "/<int:recording_id>/audio")
def recording_audio(number: str, recording_id: int):
    case = _case(number)
    rec = _recording(case, recording_id)
    path = service.blob_store(_settings()).path(rec.audio_sha256)
    if not path.is_file():
        raise service.TranscriptError("transcript.not_found", status=404)
    mimetype = {
        "wav": "audio/wav",
        "mp3": "audio/mpeg",
        "m4a": "audio/mp4",
        "aac": "audio/aac",
        "amr": "audio/amr",
        "ogg": "audio/ogg",
        "webm": "audio/webm",
        "flac": "audio/flac",
    }.get(rec.audio_format, "application/octet-stream")
    return send_file(path, mimetype=mimetype, conditional=True, etag=rec.audio_sha256, max_age=0)


# ---------------------------------------------------------------- pages


def _page_context(case: Case) -> dict:
    return {
        "case": case,
        "tt": lambda key, **params: t(key, g.get("lang", "zh"), params),
        "varieties": [v.value for v in Variety],
        "may_upload": _may_upload(_user()),
        "can_manage": _user().is_staff,
    }


@bp.get(PAGE)
def recordings_page(number: str):
    case = _case(number)
    recs = [r for r in service.list_recordings(db(), case) if _sees(_user(), r)]
    items = [_recording_json(case, r) for r in recs]
    if request.args.get("fragment"):
        return render_template("transcripts/_panel.html", recordings=items, **_page_context(case))
    return render_template("transcripts/recordings.html", recordings=items, **_page_context(case))


@bp.post(PAGE)
def recordings_upload(number: str):
    case = _case(number)
    try:
        rec = _upload(case)
    except UserError as exc:
        db().rollback()
        flash(exc.message(g.get("lang", "zh")))
        return redirect(url_for("transcripts.recordings_page", number=number))
    return redirect(url_for("transcripts.recording_page", number=number, recording_id=rec.id))


@bp.get(PAGE + "/<int:recording_id>")
def recording_page(number: str, recording_id: int):
    case = _case(number)
    rec = _recording(case, recording_id)
    return render_template(
        "transcripts/recording.html",
        rec=_recording_json(case, rec),
        transcript=_transcript_json(rec.latest) if rec.latest else None,
        versions=[_transcript_json(x) for x in rec.transcripts],
        **_page_context(case),
    )


@bp.post(PAGE + "/<int:recording_id>")
def recording_correct(number: str, recording_id: int):
    case = _case(number)
    access.require_manage(_user(), case)
    rec = _recording(case, recording_id)
    form = request.form
    starts, ends, texts = form.getlist("start"), form.getlist("end"), form.getlist("text")
    body = {
        "segments": [
            {"start": a, "end": b, "text": x} for a, b, x in zip(starts, ends, texts, strict=False)
        ]
    }
    try:
        segments = service.parse_segments(body, rec)
        tr = service.correct(
            db(),
            rec,
            _user(),
            segments,
            _settings(),
            note=(form.get("note") or "")[:2000],
            base_version=int(form["base_version"])
            if form.get("base_version", "").isdigit()
            else None,
        )
        db().commit()
        flash(t("transcript.saved", g.lang, {"n": tr.version}))
    except UserError as exc:
        db().rollback()
        flash(exc.message(g.get("lang", "zh")))
    return redirect(url_for("transcripts.recording_page", number=number, recording_id=recording_id))


ROUTES = [
    ("POST", API, "upload a recording (multipart: file, variety) -> 202, transcription queued"),
    ("GET", API, "the case's recordings with status, percent, eta_s, error"),
    ("GET", API + "/<id>", "one recording's status"),
    (
        "GET",
        API + "/<id>/transcript",
        "latest (or ?version=N) transcript with segments and versions",
    ),
    (
        "POST",
        API + "/<id>/transcript",
        "staff: a correction {segments|text, note, base_version} -> 201",
    ),
    ("POST", API + "/<id>/retry", "staff: transcribe a failed recording again -> 202"),
    ("GET", API + "/<id>/audio", "the audio file"),
    ("GET", PAGE, "page: recordings, upload form, progress (?fragment=1: the panel alone)"),
    ("POST", PAGE, "form upload"),
    ("GET", PAGE + "/<id>", "page: transcript with timestamps, correction form, versions"),
    ("POST", PAGE + "/<id>", "form correction"),
]
