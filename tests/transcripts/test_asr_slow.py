"""The real Whisper model on a few dev clips (../shared/data/audio), through both backends
and through the background job. Skipped, with the reason printed, where the models
(bin/setup-models-asr) or the dev clips are absent."""

from __future__ import annotations

import csv
import os
import shutil

import pytest

from tests.transcripts.conftest import REPO, SHARED_AUDIO

pytestmark = pytest.mark.slow

MODELS = os.environ.get("ASR_MODEL_DIR") or str(REPO / "models")
CLIPS = {  # file -> CER the default path must stay under (base model; dialects are hard)
    "cmn_BAC009S0764W0121.wav": 0.25,
    "yue_xg0011541_133580_136570.wav": 0.4,
    "chuan_016.wav": 0.8,
}


def _skip_reason() -> str | None:
    try:
        from nlp.asr import ModelMissing, find_weights

        find_weights("faster-whisper", MODELS)
        find_weights("openai-whisper", MODELS)
    except ModelMissing as exc:
        return f"speech models not installed ({exc})"
    except ImportError as exc:
        return f"speech libraries not installed: {exc}"
    if not (SHARED_AUDIO / "transcripts.tsv").exists():
        return f"dev clips not found at {SHARED_AUDIO}"
    return None


@pytest.fixture(scope="module")
def references():
    reason = _skip_reason()
    if reason:
        print(f"\nSKIP real-model tests: {reason}")
        pytest.skip(reason)
    rows = csv.DictReader((SHARED_AUDIO / "transcripts.tsv").open(encoding="utf-8"), delimiter="\t")
    return {r["file"]: r for r in rows if r["file"] in CLIPS}


def _samples(name):
    from nlp.audio import decode

    return decode(SHARED_AUDIO / name)[0]


@pytest.mark.parametrize("name", sorted(CLIPS))
def test_default_path_transcribes_dev_clips_in_simplified_chinese(references, name):
    from nlp.asr import Options, load_transcriber, to_simplified
    from nlp.textnorm import cer

    row = references[name]
    samples = _samples(name)
    result = load_transcriber("faster-whisper", MODELS).transcribe(
        samples, Options(variety=row["variety"])
    )
    edits, length = cer(result.text, row["reference"])
    print(f"\n{name}: {result.text} | ref {row['reference']} | CER {edits / length:.3f}")
    assert edits / length <= CLIPS[name]
    assert result.text == to_simplified(result.text)
    duration = samples.size / 16000
    for seg in result.segments:
        assert 0 <= seg.start <= seg.end <= duration + 0.05
        assert 0 <= seg.confidence <= 1


def test_openai_whisper_backend_gives_the_same_kind_of_result(references):
    from nlp.asr import Options, load_transcriber
    from nlp.textnorm import cer

    name = "cmn_BAC009S0764W0121.wav"
    result = load_transcriber("openai-whisper", MODELS).transcribe(_samples(name), Options())
    edits, length = cer(result.text, references[name]["reference"])
    assert result.backend == "openai-whisper" and edits / length <= 0.3


def test_faster_whisper_stops_at_the_end_of_the_speech(references):
    """Once a segment reaches the given speech end, nothing after it is decoded: here a
    second sentence after it (where a chunk would have silence) stays out."""
    import numpy as np

    from nlp.asr import load_transcriber

    name = "cmn_BAC009S0764W0121.wav"
    speech = _samples(name)
    samples = np.concatenate([speech, np.zeros(2 * 16000, np.float32), speech])
    engine = load_transcriber("faster-whisper", MODELS).engine
    encoded = []
    real_encode = engine.model.encode

    def encode(features):
        encoded.append(1)
        return real_encode(features)

    engine.model.encode = encode
    try:
        end = speech.size / 16000
        raw, _lang = engine.decode(
            samples,
            language="zh",
            prompt=None,
            hotwords=None,
            beam_size=1,
            temperatures=(0.0,),
            speech_end=end,
        )
    finally:
        del engine.model.encode
    assert "".join(r.text for r in raw).strip()
    assert all(r.start < end for r in raw)
    assert len(encoded) == 1


def test_a_worker_transcribes_an_uploaded_recording_end_to_end(
    references, app, make_user, tmp_path
):
    """Upload through the API, a real worker process runs the job with the real model."""
    import signal
    import subprocess
    import sys
    import time

    from mediation.web import transcripts
    from mediation.web.setup import csrf
    from tests.conftest import Api, case_payload

    if "transcripts" not in app.blueprints:
        app.register_blueprint(transcripts.bp)
        csrf.exempt(transcripts.bp)
    queue_url = f"sqlite:///{tmp_path / 'jobs.db'}"
    app.config.update(
        JOB_QUEUE_URL=queue_url, EVIDENCE_BLOB_DIR=str(tmp_path / "blobs"), ASR_MODEL_DIR=MODELS
    )
    _, token = make_user("med-slow", "mediator")
    api = Api(app.test_client(), token)
    number = api.post("/api/cases", json=case_payload()).get_json()["number"]
    name = "yue_xg0011541_133580_136570.wav"
    wav = tmp_path / name
    shutil.copy(SHARED_AUDIO / name, wav)
    with wav.open("rb") as f:
        rec = api.client.post(
            f"/api/cases/{number}/recordings",
            data={"file": (f, name), "variety": "cantonese"},
            headers=api.headers,
            content_type="multipart/form-data",
        ).get_json()
    assert rec["status"] == "queued", rec

    env = dict(
        os.environ,
        DATABASE_URL=app.config["DATABASE_URL"],
        MEDIATION_JOB_QUEUE_URL=queue_url,
        MEDIATION_EVIDENCE_BLOB_DIR=str(tmp_path / "blobs"),
        MEDIATION_ASR_MODEL_DIR=MODELS,
        MEDIATION_INSTANCE=str(tmp_path / "worker-instance"),
        PYTHONPATH=str(REPO),
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "mediation.jobs.worker", "--app", "--poll", "0.2"], cwd=REPO, env=env
    )
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            body = api.get(rec["links"]["self"]).get_json()
            if body["status"] in ("done", "failed"):
                break
            time.sleep(0.5)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(30)
    assert body["status"] == "done", body
    tr = api.get(rec["links"]["transcript"]).get_json()
    assert "香港" in tr["text"] and tr["segments"][0]["end"] > 0
