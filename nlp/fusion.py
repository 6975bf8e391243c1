"""Fusing the ranking signals of precedent search (embedding, BM25, key facts).

Scores of different kinds live on different scales (a cosine near 0.85, a BM25 sum in the
tens), so each signal is standardised over the candidate pool before a weighted sum;
reciprocal rank fusion is there for callers that only have ranks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np


def zscore(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        return values
    std = values.std()
    if not np.isfinite(std) or std < 1e-12:
        return np.zeros_like(values)
    return (values - values.mean()) / std


def weighted_zscore(signals: Mapping[str, np.ndarray], weights: Mapping[str, float]) -> np.ndarray:
    """Sum of weight × z-score per signal; signals with weight 0 or absent are skipped."""
    total: np.ndarray | None = None
    for name, values in signals.items():
        w = weights.get(name, 0.0)
        if not w:
            continue
        part = w * zscore(values)
        total = part if total is None else total + part
    if total is None:
        n = len(next(iter(signals.values()))) if signals else 0
        return np.zeros(n)
    return total


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[object]], k: int = 60
) -> dict[object, float]:
    """RRF (Cormack et al. 2009): score = Σ 1 / (k + rank), rank starting at 1."""
    out: dict[object, float] = {}
    for ranking in rankings:
        for rank, key in enumerate(ranking, start=1):
            out[key] = out.get(key, 0.0) + 1.0 / (k + rank)
    return out
