"""nlp/: audio checks, text normalisation and CER, chunk planning, the CT2 -> openai-whisper
converter (on a tiny model written here), and the migration of the transcript tables."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from nlp import audio
from nlp.asr import CHUNK_S, Chunk, clean_text, join_text, plan_chunks
from nlp.textnorm import cardinal, cer, normalize
from tests.transcripts.audio_samples import ENCODINGS, make, voice_like


@pytest.mark.parametrize("fmt", sorted(ENCODINGS))
def test_every_accepted_format_decodes_to_16k_mono(fmt):
    samples, info = audio.decode(make(fmt, 1.0))
    assert info.format == fmt
    assert samples.dtype == np.float32 and abs(samples.size / 16000 - 1.0) < 0.1
    assert audio.check_signal(samples).active_ratio > 0.5


@pytest.mark.parametrize(
    "data, code",
    [
        (b"%PDF-1.7 not audio at all" * 10, "audio.unreadable"),
        (make("wav", 1.0, silent=True), "audio.silent"),
        (make("wav", 0.1), "audio.empty"),
    ],
    ids=["pdf", "silent", "too-short"],
)
def test_bad_audio_gets_a_stable_code(data, code):
    with pytest.raises(audio.AudioError) as err:
        audio.validate(data)
    assert err.value.code == code


def test_too_long_is_refused_from_the_header():
    with pytest.raises(audio.AudioError) as err:
        audio.validate(make("wav", 3.0), max_seconds=2.0)
    assert err.value.code == "audio.too_long"


def test_a_video_container_without_sound_is_refused():
    import io

    import av

    buf = io.BytesIO()
    with av.open(buf, "w", format="webm") as out:
        stream = out.add_stream("libvpx", rate=5)
        stream.width, stream.height, stream.pix_fmt = 32, 32, "yuv420p"
        for i in range(3):
            frame = av.VideoFrame.from_ndarray(np.zeros((32, 32, 3), np.uint8), format="rgb24")
            frame.pts = i
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    with pytest.raises(audio.AudioError) as err:
        audio.validate(buf.getvalue())
    assert err.value.code == "audio.no_audio"


def test_numbers_are_read_out_before_scoring():
    assert cardinal(356) == "三百五十六"
    assert (cardinal(10), cardinal(105), cardinal(20000), cardinal(1010)) == (
        "十",
        "一百零五",
        "二万",
        "一千零一十",
    )
    assert normalize("减少运距356公里。") == "减少运距三百五十六公里"
    assert normalize("2024年，利率3.5%") == "二零二四年利率百分之三点五"
    assert normalize("無論你提出任何嘅要求") == "无论你提出任何嘅要求"


def test_cer_counts_edits_after_normalisation():
    assert cer("甚至出现交易几乎停滞的情况", "甚至出现交易几乎停滞的情况。") == (0, 13)
    assert cer("甚至出现交易几乎停止的情况", "甚至出现交易几乎停滞的情况") == (1, 13)


def test_output_text_is_simplified_with_chinese_punctuation_and_no_loops():
    assert (
        clean_text("如果東邊道建成,丹東就會成為 最近的出海港.")
        == "如果东边道建成，丹东就会成为最近的出海港。"
    )
    assert clean_text("好的好的好的好的好的好的好的") == "好的好的"
    assert clean_text("利率3.5%") == "利率3.5%"
    assert join_text(["我在银行", "买了理财"]) == "我在银行买了理财"


def test_chunks_follow_speech_and_skip_long_silences(monkeypatch):
    sr = 16000
    regions = [(1 * sr, 5 * sr), (5.5 * sr, 9 * sr), (40 * sr, 45 * sr), (45.5 * sr, 80 * sr)]
    monkeypatch.setattr("nlp.asr.speech_regions", lambda s: [(int(a), int(b)) for a, b in regions])
    chunks = plan_chunks(np.zeros(90 * sr, np.float32))
    assert chunks[0] == Chunk(0, 10 * sr)  # close regions merged, with 1 s of context
    assert chunks[1].start == 39 * sr  # the silence from 10 s to 39 s is not decoded
    assert all(c.seconds <= 30 for c in chunks)
    assert all(a.end <= b.start for a, b in zip(chunks, chunks[1:], strict=False))
    assert plan_chunks(np.zeros(60 * sr, np.float32), vad=False) == [
        Chunk(0, int(CHUNK_S * sr)),
        Chunk(int(CHUNK_S * sr), int(2 * CHUNK_S * sr)),
        Chunk(int(2 * CHUNK_S * sr), 60 * sr),
    ]


def test_energy_vad_finds_the_voice_between_silences():
    from nlp.asr import _energy_regions

    sr = 16000
    samples = np.concatenate(
        [np.zeros(2 * sr, np.float32), voice_like(2.0), np.zeros(3 * sr, np.float32)]
    )
    regions = _energy_regions(samples)
    assert len(regions) == 1
    assert abs(regions[0][0] / sr - 2.0) < 0.2 and abs(regions[0][1] / sr - 4.0) < 0.2


# ---------------------------------------------------------------- converter


def _ct2_string(s: str) -> bytes:
    raw = s.encode() + b"\x00"
    return struct.pack("<H", len(raw)) + raw


def _write_tiny_ct2(path, n=8, mels=4, vocab=51865, actx=6, tctx=5, layers=1, heads=2):
    rng = np.random.default_rng(0)
    variables: dict[str, np.ndarray] = {}

    def lin(name, out, inp):
        variables[f"{name}/weight"] = rng.standard_normal((out, inp)).astype(np.float16)
        variables[f"{name}/bias"] = rng.standard_normal(out).astype(np.float16)

    def ln(name):
        variables[f"{name}/gamma"] = rng.standard_normal(n).astype(np.float16)
        variables[f"{name}/beta"] = rng.standard_normal(n).astype(np.float16)

    variables["encoder/conv1/weight"] = rng.standard_normal((n, mels, 3)).astype(np.float16)
    variables["encoder/conv1/bias"] = rng.standard_normal(n).astype(np.float16)
    variables["encoder/conv2/weight"] = rng.standard_normal((n, n, 3)).astype(np.float16)
    variables["encoder/conv2/bias"] = rng.standard_normal(n).astype(np.float16)
    variables["encoder/position_encodings/encodings"] = rng.standard_normal((actx, n)).astype(
        np.float16
    )
    variables["encoder/num_heads"] = np.array(heads, np.int16)
    variables["decoder/num_heads"] = np.array(heads, np.int16)
    variables["decoder/embeddings/weight"] = rng.standard_normal((vocab, n)).astype(np.float16)
    variables["decoder/position_encodings/encodings"] = rng.standard_normal((tctx, n)).astype(
        np.float16
    )
    for side in ("encoder", "decoder"):
        for i in range(layers):
            p = f"{side}/layer_{i}"
            lin(f"{p}/self_attention/linear_0", 3 * n, n)
            lin(f"{p}/self_attention/linear_1", n, n)
            ln(f"{p}/self_attention/layer_norm")
            lin(f"{p}/ffn/linear_0", 4 * n, n)
            lin(f"{p}/ffn/linear_1", n, 4 * n)
            ln(f"{p}/ffn/layer_norm")
            if side == "decoder":
                lin(f"{p}/attention/linear_0", n, n)
                lin(f"{p}/attention/linear_1", 2 * n, n)
                lin(f"{p}/attention/linear_2", n, n)
                ln(f"{p}/attention/layer_norm")
        ln(f"{side}/layer_norm")
    dtype_id = {np.dtype(np.float16): 4, np.dtype(np.int16): 2, np.dtype(np.float32): 0}
    out = struct.pack("<I", 6) + _ct2_string("WhisperSpec") + struct.pack("<II", 3, len(variables))
    for name, arr in variables.items():
        out += _ct2_string(name) + struct.pack("<B", arr.ndim)
        out += struct.pack("<" + "I" * arr.ndim, *arr.shape)
        out += struct.pack("<BI", dtype_id[arr.dtype], arr.nbytes) + arr.tobytes()
    out += (
        struct.pack("<I", 1)
        + _ct2_string("decoder/projection/weight")
        + _ct2_string("decoder/embeddings/weight")
    )
    path.write_bytes(out)
    return variables


def test_converter_maps_every_tensor_and_openai_whisper_loads_it(tmp_path):
    pytest.importorskip("torch")
    whisper = pytest.importorskip("whisper")
    from nlp.convert_whisper import convert

    src = _write_tiny_ct2(tmp_path / "model.bin")
    dims = convert(tmp_path / "model.bin", tmp_path / "whisper-tiny-test.pt")
    assert dims["n_audio_state"] == 8 and dims["n_text_layer"] == 1 and dims["n_audio_head"] == 2
    model = whisper.load_model(str(tmp_path / "whisper-tiny-test.pt"), device="cpu")  # strict
    state = model.state_dict()
    qkv = src["encoder/layer_0/self_attention/linear_0/weight"].astype(np.float32)
    assert np.allclose(state["encoder.blocks.0.attn.key.weight"].float().numpy(), qkv[8:16])
    bias = src["decoder/layer_0/attention/linear_1/bias"].astype(np.float32)
    assert np.allclose(state["decoder.blocks.0.cross_attn.value.bias"].float().numpy(), bias[8:])
    # Deterministic: converting again gives the same bytes.
    first = (tmp_path / "whisper-tiny-test.pt").read_bytes()
    convert(tmp_path / "model.bin", tmp_path / "whisper-tiny-test.pt")
    assert (tmp_path / "whisper-tiny-test.pt").read_bytes() == first


def test_the_transcript_tables_match_their_migration(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    import mediation.models  # noqa: F401
    import mediation.transcripts.model  # noqa: F401
    from mediation.db import Base

    with app.extensions["mediation.engine"].connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)

    def ours(item):
        text = repr(item)
        return "recordings" in text or "transcripts" in text

    assert [d for d in diff if ours(d)] == []
