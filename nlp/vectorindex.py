"""Exact nearest-neighbour search over normalised embeddings in memory (numpy).

Rows are the precedent engine's row numbers; an update overwrites a row in place, a removal
clears it, so the index never needs a rebuild. Scores are cosine similarities (the vectors
are L2-normalised), found by one matrix-vector product and a partial sort.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class NumpyIndex:
    def __init__(self, dim: int, capacity: int = 1024) -> None:
        self.dim = dim
        self._vectors = np.zeros((capacity, dim), dtype=np.float32)
        self._present = np.zeros(capacity, dtype=bool)
        self._rows = 0  # rows in use: 0.._rows-1

    def __len__(self) -> int:
        return int(self._present[: self._rows].sum())

    @property
    def rows(self) -> int:
        return self._rows

    def _reserve(self, rows: int) -> None:
        if rows <= len(self._vectors):
            return
        capacity = max(rows, 2 * len(self._vectors))
        grown = np.zeros((capacity, self.dim), dtype=np.float32)
        grown[: self._rows] = self._vectors[: self._rows]
        present = np.zeros(capacity, dtype=bool)
        present[: self._rows] = self._present[: self._rows]
        self._vectors, self._present = grown, present

    def upsert(self, rows: Sequence[int], vectors: np.ndarray) -> None:
        if len(rows) == 0:
            return
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(rows), self.dim)
        rows_arr = np.asarray(rows, dtype=np.int64)
        self._reserve(int(rows_arr.max()) + 1)
        self._vectors[rows_arr] = vectors
        self._present[rows_arr] = True
        self._rows = max(self._rows, int(rows_arr.max()) + 1)

    def remove(self, rows: Sequence[int]) -> None:
        rows_arr = np.asarray([r for r in rows if r < self._rows], dtype=np.int64)
        if len(rows_arr):
            self._present[rows_arr] = False
            self._vectors[rows_arr] = 0.0

    def has(self, rows: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows, dtype=np.int64)
        out = np.zeros(len(rows), dtype=bool)
        ok = rows < self._rows
        out[ok] = self._present[rows[ok]]
        return out

    def scores(self, query: np.ndarray) -> np.ndarray:
        """Cosine of every row (0 for rows without a vector)."""
        return self._vectors[: self._rows] @ np.asarray(query, dtype=np.float32)

    def scores_for(self, query: np.ndarray, rows: Sequence[int]) -> np.ndarray:
        rows_arr = np.asarray(rows, dtype=np.int64)
        out = np.zeros(len(rows_arr), dtype=np.float32)
        ok = rows_arr < self._rows
        out[ok] = self._vectors[rows_arr[ok]] @ np.asarray(query, dtype=np.float32)
        return out

    def search(
        self, query: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top k rows (and cosines) among present rows, optionally within a boolean mask."""
        if self._rows == 0 or k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        scores = self.scores(query)
        mask = self._present[: self._rows].copy()
        if allowed is not None:
            allowed = np.asarray(allowed, dtype=bool)[: self._rows]
            mask[len(allowed) :] = False
            mask[: len(allowed)] &= allowed
        candidates = np.flatnonzero(mask)
        if len(candidates) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        sub = scores[candidates] if len(candidates) < self._rows else scores
        k = min(k, len(candidates))
        top = np.argpartition(-sub, k - 1)[:k]
        top = top[np.argsort(-sub[top], kind="stable")]
        rows = candidates[top] if len(candidates) < self._rows else top
        return rows.astype(np.int64), scores[rows]
