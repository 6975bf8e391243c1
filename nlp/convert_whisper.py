"""Convert a CTranslate2 Whisper `model.bin` into an openai-whisper checkpoint (.pt).

The Whisper weights this project can install come as a CTranslate2 model (the
faster-whisper format). openai-whisper, the reference backend, loads its own checkpoint
format: {"dims": {...}, "model_state_dict": {...}}. This reads model.bin directly (no
ctranslate2 import), maps every variable onto openai-whisper's parameter names and writes
the checkpoint. Needs numpy and torch.

    python -m nlp.convert_whisper models/faster-whisper-base/model.bin models/whisper-base.pt

model.bin layout (little-endian): u32 version, string spec name, u32 revision, u32 count;
per variable: string name, u8 rank, u32 dims[rank], u8 dtype, u32 nbytes, data; then u32
alias count and (alias, target) string pairs. A string is a u16 length (with the NUL)
followed by its bytes.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import struct
import sys
import tempfile
from pathlib import Path
from typing import BinaryIO

import numpy as np

# CTranslate2 DataType ids.
_DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16, 5: "bfloat16"}


class ConversionError(Exception):
    pass


def _read(f: BinaryIO, fmt: str):
    size = struct.calcsize(fmt)
    raw = f.read(size)
    if len(raw) != size:
        raise ConversionError("model.bin is truncated")
    return struct.unpack("<" + fmt, raw)


def _string(f: BinaryIO) -> str:
    (length,) = _read(f, "H")
    raw = f.read(length)
    if len(raw) != length:
        raise ConversionError("model.bin is truncated")
    return raw.rstrip(b"\x00").decode("utf-8")


def _bf16_to_f32(raw: bytes, shape: tuple[int, ...]) -> np.ndarray:
    halves = np.frombuffer(raw, dtype=np.uint16).astype(np.uint32) << 16
    return halves.view(np.float32).reshape(shape)


def read_ct2(path: str | Path) -> dict[str, np.ndarray]:
    """Every variable of a CTranslate2 model.bin, aliases resolved, as numpy arrays
    (bf16 widened to float32)."""
    out: dict[str, np.ndarray] = {}
    with open(path, "rb") as f:
        (version,) = _read(f, "I")
        if version < 5:
            raise ConversionError(f"unsupported model.bin version {version}")
        _string(f)  # spec name
        _read(f, "I")  # spec revision
        (count,) = _read(f, "I")
        for _ in range(count):
            name = _string(f)
            (rank,) = _read(f, "B")
            shape = _read(f, "I" * rank) if rank else ()
            (dtype_id,) = _read(f, "B")
            (nbytes,) = _read(f, "I")
            raw = f.read(nbytes)
            if len(raw) != nbytes:
                raise ConversionError(f"model.bin is truncated in {name}")
            dtype = _DTYPES.get(dtype_id)
            if dtype is None:
                raise ConversionError(f"{name}: unknown dtype id {dtype_id}")
            if dtype == "bfloat16":
                out[name] = _bf16_to_f32(raw, tuple(shape))
            else:
                out[name] = np.frombuffer(raw, dtype=dtype).reshape(tuple(shape)).copy()
        tail = f.read(4)
        if len(tail) == 4:
            (aliases,) = struct.unpack("<I", tail)
            for _ in range(aliases):
                alias = _string(f)
                target = _string(f)
                out[alias] = out[target]
    return out


def _layers(ct2: dict[str, np.ndarray], side: str) -> int:
    found = {int(m.group(1)) for k in ct2 if (m := re.match(rf"{side}/layer_(\d+)/", k))}
    if not found or found != set(range(len(found))):
        raise ConversionError(f"no consecutive {side} layers in model.bin")
    return len(found)


def _scalar(ct2: dict[str, np.ndarray], name: str) -> int:
    if name not in ct2:
        raise ConversionError(f"model.bin lacks {name}")
    return int(np.asarray(ct2[name]).reshape(-1)[0])


def dims_of(ct2: dict[str, np.ndarray]) -> dict[str, int]:
    """ModelDimensions, in openai-whisper's field order, from tensor shapes and num_heads."""
    conv1 = ct2["encoder/conv1/weight"]
    embed = ct2["decoder/embeddings/weight"]
    return {
        "n_mels": int(conv1.shape[1]),
        "n_audio_ctx": int(ct2["encoder/position_encodings/encodings"].shape[0]),
        "n_audio_state": int(conv1.shape[0]),
        "n_audio_head": _scalar(ct2, "encoder/num_heads"),
        "n_audio_layer": _layers(ct2, "encoder"),
        "n_vocab": int(embed.shape[0]),
        "n_text_ctx": int(ct2["decoder/position_encodings/encodings"].shape[0]),
        "n_text_state": int(embed.shape[1]),
        "n_text_head": _scalar(ct2, "decoder/num_heads"),
        "n_text_layer": _layers(ct2, "decoder"),
    }


def _ln(out: dict, ct2: dict, src: str, dst: str) -> None:
    out[f"{dst}.weight"] = ct2[f"{src}/gamma"]
    out[f"{dst}.bias"] = ct2[f"{src}/beta"]


def _linear(out: dict, ct2: dict, src: str, dst: str) -> None:
    out[f"{dst}.weight"] = ct2[f"{src}/weight"]
    out[f"{dst}.bias"] = ct2[f"{src}/bias"]


def _self_attention(out: dict, ct2: dict, src: str, dst: str) -> None:
    # Fused QKV (3n, n) split into thirds; openai-whisper's key has no bias (CT2 stores 0).
    w = ct2[f"{src}/linear_0/weight"]
    b = ct2[f"{src}/linear_0/bias"]
    n = w.shape[0] // 3
    out[f"{dst}.query.weight"] = w[:n]
    out[f"{dst}.query.bias"] = b[:n]
    out[f"{dst}.key.weight"] = w[n : 2 * n]
    out[f"{dst}.value.weight"] = w[2 * n :]
    out[f"{dst}.value.bias"] = b[2 * n :]
    _linear(out, ct2, f"{src}/linear_1", f"{dst}.out")


def _cross_attention(out: dict, ct2: dict, src: str, dst: str) -> None:
    _linear(out, ct2, f"{src}/linear_0", f"{dst}.query")
    w = ct2[f"{src}/linear_1/weight"]
    b = ct2[f"{src}/linear_1/bias"]
    n = w.shape[0] // 2
    out[f"{dst}.key.weight"] = w[:n]
    out[f"{dst}.value.weight"] = w[n:]
    out[f"{dst}.value.bias"] = b[n:]
    _linear(out, ct2, f"{src}/linear_2", f"{dst}.out")


def state_dict_of(ct2: dict[str, np.ndarray], dims: dict[str, int]) -> dict[str, np.ndarray]:
    """openai-whisper parameter name -> array, in openai-whisper's module order."""
    out: dict[str, np.ndarray] = {}
    out["encoder.positional_embedding"] = ct2["encoder/position_encodings/encodings"]
    _linear(out, ct2, "encoder/conv1", "encoder.conv1")
    _linear(out, ct2, "encoder/conv2", "encoder.conv2")
    for i in range(dims["n_audio_layer"]):
        src, dst = f"encoder/layer_{i}", f"encoder.blocks.{i}"
        _self_attention(out, ct2, f"{src}/self_attention", f"{dst}.attn")
        _ln(out, ct2, f"{src}/self_attention/layer_norm", f"{dst}.attn_ln")
        _linear(out, ct2, f"{src}/ffn/linear_0", f"{dst}.mlp.0")
        _linear(out, ct2, f"{src}/ffn/linear_1", f"{dst}.mlp.2")
        _ln(out, ct2, f"{src}/ffn/layer_norm", f"{dst}.mlp_ln")
    _ln(out, ct2, "encoder/layer_norm", "encoder.ln_post")
    out["decoder.positional_embedding"] = ct2["decoder/position_encodings/encodings"]
    # The output projection is tied to the token embedding in both libraries.
    out["decoder.token_embedding.weight"] = ct2["decoder/embeddings/weight"]
    for i in range(dims["n_text_layer"]):
        src, dst = f"decoder/layer_{i}", f"decoder.blocks.{i}"
        _self_attention(out, ct2, f"{src}/self_attention", f"{dst}.attn")
        _ln(out, ct2, f"{src}/self_attention/layer_norm", f"{dst}.attn_ln")
        _cross_attention(out, ct2, f"{src}/attention", f"{dst}.cross_attn")
        _ln(out, ct2, f"{src}/attention/layer_norm", f"{dst}.cross_attn_ln")
        _linear(out, ct2, f"{src}/ffn/linear_0", f"{dst}.mlp.0")
        _linear(out, ct2, f"{src}/ffn/linear_1", f"{dst}.mlp.2")
        _ln(out, ct2, f"{src}/ffn/layer_norm", f"{dst}.mlp_ln")
    _ln(out, ct2, "decoder/layer_norm", "decoder.ln")
    return out


def convert(src: str | Path, dst: str | Path, dtype: str = "float16") -> dict[str, int]:
    """Write the openai-whisper checkpoint for a CT2 model.bin; returns its dims.

    The file is byte-for-byte reproducible for a given torch version and file name
    (torch names the zip records after the file stem).
    """
    import torch

    target = {"float16": torch.float16, "float32": torch.float32}[dtype]
    ct2 = read_ct2(src)
    dims = dims_of(ct2)
    state = {
        name: torch.from_numpy(np.ascontiguousarray(arr)).to(target).clone()
        for name, arr in state_dict_of(ct2, dims).items()
    }
    dst = Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    # torch names the records inside the zip after the file stem, so the file is written
    # under its final name in a scratch directory beside it, then moved into place.
    scratch = Path(tempfile.mkdtemp(prefix=".convert-", dir=dst.parent))
    try:
        torch.save({"dims": dims, "model_state_dict": state}, scratch / dst.name)
        os.replace(scratch / dst.name, dst)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return dims


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model_bin", help="CTranslate2 model.bin")
    parser.add_argument("output", help="openai-whisper checkpoint to write (.pt)")
    parser.add_argument("--dtype", choices=["float16", "float32"], default="float16")
    args = parser.parse_args(argv)
    try:
        dims = convert(args.model_bin, args.output, args.dtype)
    except (ConversionError, KeyError, OSError) as exc:
        print(f"conversion failed: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {args.output}: {dims}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
