"""Recordings over the API: audio checks with clear messages, access, the job, corrections
kept as versions on the ledger. Recognition itself is replaced by a fake here (see
test_asr_slow.py for the real model)."""

from __future__ import annotations

import io
import time

import pytest

import mediation.transcripts.model  # noqa: F401  (tables known to the fixtures)
from tests.conftest import Api, case_payload
from tests.transcripts.audio_samples import ENCODINGS, make


@pytest.fixture
def tapp(app, tmp_path, monkeypatch):
    from mediation.web import transcripts
    from mediation.web.setup import csrf

    app.config.update(
        JOB_QUEUE_URL=f"sqlite:///{tmp_path / 'jobs.db'}",
        EVIDENCE_BLOB_DIR=str(tmp_path / "blobs"),
        ASR_MODEL_DIR=str(tmp_path / "no-models"),
    )
    if "transcripts" not in app.blueprints:
        app.register_blueprint(transcripts.bp)
        csrf.exempt(transcripts.bp)
    monkeypatch.setattr("nlp.asr.load_transcriber", lambda backend, model_dir: FakeTranscriber())
    return app


class FakeTranscriber:
    backend = "fake"
    model = "fake-base"

    def plan(self, samples, options):
        from nlp.asr import Chunk

        return [Chunk(0, samples.size // 2), Chunk(samples.size // 2, samples.size)]

    def transcribe(self, samples, options, *, chunks, start_chunk, on_chunk, on_progress):
        from nlp.asr import Segment

        for i in range(start_chunk, len(chunks)):
            on_progress(chunks[i].start / 16000, samples.size / 16000)
            text = ["我在银行买的理财产品", "逾期以后征信受了影响"][i]
            on_chunk(i, [Segment(chunks[i].start / 16000, chunks[i].end / 16000, text, 0.8)])


def _api(tapp, make_user, name, role, **kw):
    _, token = make_user(name, role, **kw)
    return Api(tapp.test_client(), token)


def _case(api) -> str:
    r = api.post("/api/cases", json=case_payload())
    assert r.status_code == 201, r.get_json()
    return r.get_json()["number"]


def _upload(api, number, data: bytes, name="statement.wav", variety="cantonese", lang=None):
    headers = dict(api.headers)
    if lang:
        headers["Accept-Language"] = lang
    return api.client.post(
        f"/api/cases/{number}/recordings",
        data={"file": (io.BytesIO(data), name), "variety": variety},
        headers=headers,
        content_type="multipart/form-data",
    )


def _run_jobs(tapp):
    import mediation.transcripts.tasks  # noqa: F401
    from mediation.jobs import REGISTRY, Worker, queue_for

    Worker(
        queue_for(tapp),
        registry={"transcripts.transcribe": REGISTRY["transcripts.transcribe"]},
        wrap=tapp.app_context,
        poll_s=0.01,
    ).run(burst=True)


@pytest.fixture
def mediator(tapp, make_user):
    return _api(tapp, make_user, "med", "mediator")


def test_a_silent_recording_is_refused_with_a_clear_message(mediator):
    number = _case(mediator)
    r = _upload(mediator, number, make("wav", 2.0, silent=True))
    assert r.status_code == 400
    assert r.get_json()["error"]["code"] == "audio.silent"
    assert "静音" in r.get_json()["error"]["message"]
    r = _upload(mediator, number, make("amr", 2.0, silent=True), name="call.amr", lang="en")
    assert "silent" in r.get_json()["error"]["message"]


@pytest.mark.parametrize(
    "data, code, status",
    [
        (b"this is a text file, not a recording" * 20, "audio.unreadable", 415),
        (b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 8, "audio.unreadable", 415),
        (b"", "audio.empty", 400),
    ],
    ids=["text", "broken-wav-header", "empty"],
)
def test_wrong_or_corrupt_files_get_a_clear_message(mediator, data, code, status):
    number = _case(mediator)
    r = _upload(mediator, number, data, name="x.wav", lang="en")
    assert (r.status_code, r.get_json()["error"]["code"]) == (status, code)
    assert r.get_json()["error"]["message"] and code not in r.get_json()["error"]["message"]


def test_a_truncated_mp3_is_refused(mediator):
    number = _case(mediator)
    r = _upload(mediator, number, make("mp3", 3.0)[:150], name="cut.mp3")
    assert r.status_code in (400, 415)
    assert r.get_json()["error"]["code"] in ("audio.unreadable", "audio.corrupt", "audio.empty")


def test_every_accepted_format_is_taken(mediator):
    number = _case(mediator)
    for fmt in ENCODINGS:
        r = _upload(mediator, number, make(fmt, 1.5), name=f"rec.{fmt}")
        assert r.status_code == 202, (fmt, r.get_json())
        body = r.get_json()
        assert body["format"] == fmt and body["status"] == "queued"
        assert abs(body["duration_s"] - 1.5) < 0.2


def test_unknown_variety_is_refused(mediator):
    number = _case(mediator)
    r = _upload(mediator, number, make("wav", 1.0), variety="klingon")
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "transcript.unknown_variety"


def test_transcribe_then_correct_keeps_both_versions_on_the_ledger(tapp, mediator):
    from mediation.evidence.ledger import entries

    number = _case(mediator)
    r = _upload(mediator, number, make("m4a", 3.0), name="statement.m4a")
    rec = r.get_json()
    assert mediator.get(rec["links"]["transcript"]).status_code == 409  # not ready
    _run_jobs(tapp)

    status = mediator.get(rec["links"]["self"]).get_json()
    assert (status["status"], status["percent"], status["error"]) == ("done", 100.0, None)
    tr = mediator.get(rec["links"]["transcript"]).get_json()
    assert tr["version"] == 1 and tr["kind"] == "machine"
    assert tr["text"] == "我在银行买的理财产品逾期以后征信受了影响"
    assert tr["segments"][1]["start"] == pytest.approx(1.5, abs=0.1)

    fixed = [dict(s) for s in tr["segments"]]
    fixed[0]["text"] = "我在银行买的理财产品（保本型）"
    r = mediator.post(
        rec["links"]["transcript"],
        json={"segments": fixed, "note": "补全产品名", "base_version": 1},
    )
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["version"] == 2
    # A second edit based on the old version is refused, not silently merged.
    r = mediator.post(rec["links"]["transcript"], json={"text": "x", "base_version": 1})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "transcript.stale"

    latest = mediator.get(rec["links"]["transcript"]).get_json()
    assert latest["current_version"] == 2 and latest["original"]["version"] == 1
    assert latest["original"]["text"] == tr["text"]
    assert [v["version"] for v in latest["versions"]] == [1, 2]

    with tapp.app_context():
        session = tapp.extensions["mediation.sessionmaker"]()
        from mediation.cases.model import Case

        case_id = session.query(Case).filter_by(number=number).one().id
        log = entries(session, case_id)
        kinds = [e.entry_type for e in log]
        assert {
            "evidence.added",
            "recording.added",
            "transcript.machine",
            "transcript.corrected",
        } <= set(kinds)
        by_type = {e.entry_type: e for e in log}
        assert by_type["recording.added"].file_sha256 == rec["audio_sha256"]
        assert by_type["transcript.machine"].file_sha256 == tr["sha256"]
        assert by_type["transcript.corrected"].file_sha256 == latest["sha256"]
        assert (
            b'"previous_sha256":"' + tr["sha256"].encode() in by_type["transcript.corrected"].body
        )
        session.close()


def test_progress_and_time_left_are_shown_while_running(tapp, mediator):
    from mediation.jobs import queue_for

    number = _case(mediator)
    rec = _upload(mediator, number, make("wav", 2.0)).get_json()
    queue = queue_for(tapp)
    job = queue.claim("test-worker", 30, ["transcripts.transcribe"])
    time.sleep(0.05)
    queue.report(job.id, "test-worker", 30, done=30.0, total=120.0)
    body = mediator.get(rec["links"]["self"]).get_json()
    assert body["status"] == "running" and body["percent"] == 25.0
    assert body["eta_s"] is not None and body["eta_s"] >= 0
    page = mediator.get(f"/cases/{number}/recordings").get_data(as_text=True)
    assert "25.0%" in page and "<progress" in page


def test_a_failed_transcription_shows_its_reason(tapp, mediator, monkeypatch):
    from nlp.audio import AudioError

    def broken(*a, **kw):
        raise AudioError("audio.corrupt", "Invalid data found when processing input")

    number = _case(mediator)
    rec = _upload(mediator, number, make("wav", 2.0)).get_json()
    monkeypatch.setattr("nlp.audio.decode", broken)  # the file breaks after the upload check
    _run_jobs(tapp)
    body = mediator.get(rec["links"]["self"]).get_json()
    assert body["status"] == "failed"
    assert body["error"]["code"] == "audio.corrupt" and "损坏" in body["error"]["message"]
    en = mediator.client.get(
        rec["links"]["self"], headers={**mediator.headers, "Accept-Language": "en"}
    )
    assert "damaged" in en.get_json()["error"]["message"]
    # After the cause is fixed, staff can run it again.
    monkeypatch.undo()
    monkeypatch.setattr("nlp.asr.load_transcriber", lambda backend, model_dir: FakeTranscriber())
    assert mediator.post(rec["links"]["self"] + "/retry").status_code == 202
    _run_jobs(tapp)
    assert mediator.get(rec["links"]["self"]).get_json()["status"] == "done"


def test_access_follows_the_case_and_the_uploader(tapp, make_user, mediator):
    number = _case(mediator)
    claimant_id, token = make_user("wang", "claimant")
    claimant = Api(tapp.test_client(), token)
    stranger = _api(tapp, make_user, "other", "claimant")
    bank = _api(tapp, make_user, "bank", "institution", institution="另一家银行")

    rec = _upload(mediator, number, make("wav", 1.0)).get_json()
    assert tapp.test_client().get(f"/api/cases/{number}/recordings").status_code == 401
    for outsider in (stranger, bank):
        assert outsider.get(f"/api/cases/{number}/recordings").status_code == 403
        assert _upload(outsider, number, make("wav", 1.0)).status_code == 403

    # Make the claimant a party of the case.
    with tapp.app_context():
        from mediation.cases.model import Case, PartyRole

        session = tapp.extensions["mediation.sessionmaker"]()
        case = session.query(Case).filter_by(number=number).one()
        next(p for p in case.parties if p.role == PartyRole.CLAIMANT).user_id = claimant_id
        session.commit()
        session.close()

    mine = _upload(claimant, number, make("wav", 1.0)).get_json()
    listed = claimant.get(f"/api/cases/{number}/recordings").get_json()["recordings"]
    assert [r["id"] for r in listed] == [mine["id"]]  # not the mediator's recording
    assert claimant.get(rec["links"]["self"]).status_code == 403
    assert mediator.get(mine["links"]["self"]).status_code == 200
    _run_jobs(tapp)
    r = claimant.post(mine["links"]["transcript"], json={"text": "改过的"})
    assert r.status_code == 403  # corrections are for the centre's staff
    assert claimant.get(mine["links"]["audio"]).status_code == 200


def test_the_recording_page_renders_segments_for_correction(tapp, mediator):
    number = _case(mediator)
    rec = _upload(mediator, number, make("wav", 2.0)).get_json()
    _run_jobs(tapp)
    html = mediator.get(rec["links"]["page"] + "?lang=en").get_data(as_text=True)
    assert "我在银行买的理财产品" in html and "<textarea" in html and rec["audio_sha256"] in html
