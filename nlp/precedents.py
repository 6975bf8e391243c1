"""Hybrid precedent search: sentence embeddings + BM25 over jieba tokens + key facts.

`PrecedentEngine` holds the precedent base in memory (text, metadata, BM25 postings,
key-fact codes and, through a dense index, the embeddings) and answers a query with the
most similar precedents, each with its score, the score's parts, the passages that match
and the key facts both sides share. Every change is incremental: `upsert` and `remove`
touch only the rows concerned.

Ranking: for the query, three signals are computed over the candidate pool (the best
`pool` rows of each signal among the rows the filters allow): embedding cosine, BM25, and
the IDF-weighted overlap of key-fact codes. Each is standardised over the pool and the
weighted sum is the score (see nlp/fusion.py). Without an embedding model the other two
signals still work.

No Flask and no database here: mediation/precedents/ feeds the engine from the database.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Protocol

import numpy as np
from scipy import sparse

from nlp import keyfacts as kf
from nlp.embeddings import Embedder
from nlp.fusion import weighted_zscore
from nlp.lexical import BM25Index, tokenize
from nlp.passages import Passage, matched_passages
from nlp.plan import Outcome
from nlp.vectorindex import NumpyIndex

DEFAULT_WEIGHTS = {"dense": 1.0, "lexical": 1.0, "facts": 1.0}


@dataclass
class PrecedentDoc:
    key: int  # stable integer key (the database id)
    ref: str  # stable external reference shown to people
    text: str  # masked text that is indexed and shown
    title: str = ""
    source: str = "corpus"
    scope: int | None = None  # the centre a precedent belongs to; None: shared by all
    dispute_type: str | None = None
    cause: str | None = None
    region: str | None = None
    decided_on: date | None = None
    amount: Decimal | None = None  # what was claimed
    outcome: str = Outcome.UNKNOWN
    outcome_text: str | None = None
    facts: kf.KeyFacts | None = None

    def key_facts(self) -> kf.KeyFacts:
        if self.facts is None:
            self.facts = kf.extract(self.text)
        return self.facts


@dataclass(frozen=True)
class Filters:
    dispute_types: frozenset[str] | None = None
    amount_min: float | None = None
    amount_max: float | None = None
    region: str | None = None  # a part of the region name (城关镇, 杭州)
    date_from: date | None = None
    date_to: date | None = None
    outcomes: frozenset[str] | None = None
    sources: frozenset[str] | None = None
    facts: frozenset[str] | None = None  # key-fact codes every result must have
    scopes: frozenset[int] | None = None  # centres whose own precedents may be seen

    def is_empty(self) -> bool:
        return all(getattr(self, f) in (None, frozenset()) for f in self.__dataclass_fields__)


@dataclass
class Match:
    doc: PrecedentDoc
    score: float
    signals: dict[str, float]
    shared_facts: list[str]
    passages: list[Passage] = field(default_factory=list)


class DenseIndex(Protocol):
    def upsert(self, rows: Sequence[int], vectors: np.ndarray) -> None: ...

    def remove(self, rows: Sequence[int]) -> None: ...

    def search(
        self, query: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]: ...

    def scores_for(self, query: np.ndarray, rows: Sequence[int]) -> np.ndarray: ...

    def has(self, rows: np.ndarray) -> np.ndarray: ...


class PrecedentEngine:
    def __init__(
        self,
        embedder: Embedder | None = None,
        *,
        dense: DenseIndex | None = None,
        weights: dict[str, float] | None = None,
        pool: int = 200,
    ) -> None:
        self.embedder = embedder
        self.dense: DenseIndex | None = dense
        if self.dense is None and embedder is not None:
            self.dense = NumpyIndex(embedder.dim)
        self.weights = dict(weights or DEFAULT_WEIGHTS)
        self.pool = pool
        self.lexical = BM25Index()
        self._lock = threading.RLock()
        self.docs: list[PrecedentDoc | None] = []
        self.keys: list[int] = []  # row -> key, kept after a removal
        self.row_of: dict[int, int] = {}
        self._features: list[np.ndarray] = []  # row -> feature ids
        self.feature_ids: dict[str, int] = {}
        self._feature_df = np.zeros(0, dtype=np.int64)
        self._cache: dict | None = None  # arrays rebuilt after a change

    # -- changes -------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.row_of)

    def has_dense(self) -> bool:
        return (
            self.embedder is not None
            and self.dense is not None
            and self.weights.get("dense", 0) > 0
        )

    def upsert(
        self, docs: Sequence[PrecedentDoc], vectors: np.ndarray | None = None, *, embed: bool = True
    ) -> None:
        """Add or replace documents. `vectors` are their passage embeddings (one row per
        doc); without them the embedder computes them, unless `embed` is False (the dense
        index then keeps what it has, e.g. a pgvector table written elsewhere)."""
        if not docs:
            return
        if vectors is None and embed and self.has_dense():
            vectors = self.embedder.encode_passages([d.text for d in docs])
        with self._lock:
            rows = []
            for doc in docs:
                row = self.row_of.get(doc.key)
                if row is None:
                    row = len(self.docs)
                    self.docs.append(doc)
                    self.keys.append(doc.key)
                    self._features.append(np.zeros(0, dtype=np.int64))
                    self.row_of[doc.key] = row
                else:
                    self._drop_features(row)
                    self.docs[row] = doc
                self._set_features(row, doc.key_facts().features())
                rows.append(row)
            self.lexical.add(rows, [tokenize(d.text) for d in docs])
            if vectors is not None and self.dense is not None:
                self.dense.upsert(rows, np.asarray(vectors, dtype=np.float32))
            self._cache = None

    def remove(self, keys: Iterable[int]) -> int:
        with self._lock:
            rows = [self.row_of.pop(k) for k in keys if k in self.row_of]
            for row in rows:
                self._drop_features(row)
                self.docs[row] = None
            self.lexical.remove(rows)
            if self.dense is not None and rows:
                self.dense.remove(rows)
            self._cache = None
            return len(rows)

    def _set_features(self, row: int, codes: set[str]) -> None:
        ids = []
        for code in sorted(codes):
            fid = self.feature_ids.get(code)
            if fid is None:
                fid = self.feature_ids[code] = len(self.feature_ids)
                self._feature_df = np.append(self._feature_df, 0)
            ids.append(fid)
        arr = np.asarray(ids, dtype=np.int64)
        self._features[row] = arr
        self._feature_df[arr] += 1

    def _drop_features(self, row: int) -> None:
        old = self._features[row]
        if len(old):
            self._feature_df[old] -= 1
        self._features[row] = np.zeros(0, dtype=np.int64)

    # -- cached arrays ---------------------------------------------------------------------

    def _arrays(self) -> dict:
        with self._lock:
            if self._cache is not None:
                return self._cache
            n = len(self.docs)
            alive = np.fromiter((d is not None for d in self.docs), dtype=bool, count=n)
            amount = np.full(n, np.nan)
            day = np.full(n, -1, dtype=np.int64)
            codes: dict[str, dict] = {
                "dispute_type": {},
                "outcome": {},
                "source": {},
                "region": {},
                "scope": {},
            }
            cols = {name: np.full(n, -1, dtype=np.int64) for name in codes}
            for row, doc in enumerate(self.docs):
                if doc is None:
                    continue
                if doc.amount is not None:
                    amount[row] = float(doc.amount)
                if doc.decided_on is not None:
                    day[row] = doc.decided_on.toordinal()
                for name, table in codes.items():
                    value = getattr(doc, name)
                    if value is not None:
                        cols[name][row] = table.setdefault(value, len(table))
            indptr = np.zeros(n + 1, dtype=np.int64)
            np.cumsum([len(f) for f in self._features], out=indptr[1:])
            indices = np.concatenate(self._features) if n else np.zeros(0, dtype=np.int64)
            feats = sparse.csr_matrix(
                (np.ones(len(indices), dtype=np.float32), indices, indptr),
                shape=(n, max(len(self.feature_ids), 1)),
            )
            self._cache = {
                "alive": alive,
                "amount": amount,
                "day": day,
                "codes": codes,
                "cols": cols,
                "features": feats,
            }
            return self._cache

    def allowed(self, filters: Filters | None, exclude_keys: Iterable[int] = ()) -> np.ndarray:
        a = self._arrays()
        mask = a["alive"].copy()
        for key in exclude_keys:
            row = self.row_of.get(key)
            if row is not None:
                mask[row] = False
        if filters is None or filters.is_empty():
            # Without a scope filter only the shared precedents are visible.
            return mask & (a["cols"]["scope"] < 0)

        def in_codes(name: str, wanted: Iterable[str]) -> np.ndarray:
            ids = [a["codes"][name][w] for w in wanted if w in a["codes"][name]]
            return np.isin(a["cols"][name], np.asarray(ids, dtype=np.int64))

        mask &= (a["cols"]["scope"] < 0) | in_codes("scope", filters.scopes or ())
        if filters.dispute_types:
            mask &= in_codes("dispute_type", filters.dispute_types)
        if filters.outcomes:
            mask &= in_codes("outcome", filters.outcomes)
        if filters.sources:
            mask &= in_codes("source", filters.sources)
        if filters.region:
            needle = filters.region.strip()
            mask &= in_codes("region", [r for r in a["codes"]["region"] if needle in r])
        if filters.amount_min is not None:
            mask &= a["amount"] >= filters.amount_min
        if filters.amount_max is not None:
            mask &= a["amount"] <= filters.amount_max
        if filters.date_from is not None:
            mask &= a["day"] >= filters.date_from.toordinal()
        if filters.date_to is not None:
            mask &= (a["day"] >= 0) & (a["day"] <= filters.date_to.toordinal())
        if filters.facts:
            for code in filters.facts:
                fid = self.feature_ids.get(code)
                if fid is None:
                    return np.zeros_like(mask)
                mask &= a["features"][:, fid].toarray().ravel() > 0
        return mask

    # -- scoring ---------------------------------------------------------------------------

    def _fact_weights(self) -> np.ndarray:
        n = max(len(self.row_of), 1)
        df = np.maximum(self._feature_df, 1)
        return np.log1p(n / df).astype(np.float32)

    def fact_similarity(self, codes: set[str]) -> np.ndarray:
        """IDF-weighted cosine between the query's key-fact codes and every row's."""
        a = self._arrays()
        feats = a["features"]
        w = self._fact_weights()
        if len(w) < feats.shape[1]:
            w = np.pad(w, (0, feats.shape[1] - len(w)))
        q = np.zeros(feats.shape[1], dtype=np.float32)
        for code in codes:
            fid = self.feature_ids.get(code)
            if fid is not None:
                q[fid] = 1.0
        qw = q * w
        q_norm = math.sqrt(float(qw @ q)) or 1.0
        d_norm = np.sqrt(np.asarray(feats @ w).ravel())
        d_norm[d_norm == 0] = 1.0
        return np.asarray(feats @ qw).ravel() / (d_norm * q_norm)

    def _top(self, values: np.ndarray, mask: np.ndarray, k: int) -> np.ndarray:
        idx = np.flatnonzero(mask)
        if len(idx) == 0:
            return idx
        k = min(k, len(idx))
        sub = values[idx]
        return idx[np.argpartition(-sub, k - 1)[:k]]

    def search(
        self,
        query: str,
        *,
        filters: Filters | None = None,
        k: int = 10,
        query_facts: kf.KeyFacts | None = None,
        query_vector: np.ndarray | None = None,
        exclude_keys: Iterable[int] = (),
        passages: int = 2,
        min_score: float | None = None,
    ) -> list[Match]:
        """The k best precedents for `query`. `min_score` drops results whose fused score
        is below it (0: below the average candidate of this search)."""
        query_vector = self._query_vector(query, query_vector)
        with self._lock:
            pool, rows, fused, signals, q_codes, q_weights = self._rank(
                query, filters, query_facts, query_vector, exclude_keys, max(k, 1)
            )
        if len(rows) == 0:
            return []
        order = np.argsort(-fused, kind="stable")[:k]
        out = []
        for i in order:
            row = int(rows[i])
            doc = self.docs[row]
            if doc is None or (min_score is not None and fused[i] < min_score):
                continue
            shared = kf.shared_features(q_codes, doc.key_facts().features())
            out.append(
                Match(
                    doc=doc,
                    score=float(fused[i]),
                    signals={name: float(values[i]) for name, values in signals.items()},
                    shared_facts=shared,
                    passages=matched_passages(doc.text, q_weights, limit=passages)
                    if passages
                    else [],
                )
            )
        return out

    def score_keys(
        self,
        query: str,
        keys: Sequence[int],
        *,
        exclude_keys: Iterable[int] = (),
        query_vector: np.ndarray | None = None,
    ) -> dict[int, float]:
        """Fused scores of the given documents for a query: they join the candidate pool
        of a search (so passing every key scores the query against the whole base)."""
        query_vector = self._query_vector(query, query_vector)
        with self._lock:
            force = [self.row_of[k] for k in keys if k in self.row_of]
            _, rows, fused, _, _, _ = self._rank(
                query, None, None, query_vector, exclude_keys, self.pool, force_rows=force
            )
        by_row = {int(r): float(s) for r, s in zip(rows, fused, strict=True)}
        return {k: by_row.get(self.row_of.get(k, -1), float("-inf")) for k in keys}

    def _query_vector(self, query: str, given: np.ndarray | None) -> np.ndarray | None:
        # Outside the lock: the model is the slow part and needs no engine state.
        if given is not None or not self.has_dense():
            return given
        return self.embedder.encode_queries([query])[0]

    def _rank(
        self,
        query: str,
        filters: Filters | None,
        query_facts: kf.KeyFacts | None,
        query_vector: np.ndarray | None,
        exclude_keys: Iterable[int],
        k: int,
        force_rows: Sequence[int] = (),
    ):
        mask = self.allowed(filters, exclude_keys)
        q_tokens = tokenize(query)
        q_facts = query_facts or kf.extract(query)
        q_codes = q_facts.features()
        q_weights = self.lexical.term_weights(q_tokens)
        pool = max(self.pool, k)
        signals: dict[str, np.ndarray] = {}

        lexical_all = self.lexical.scores(q_tokens)
        lexical_all = np.pad(lexical_all, (0, max(0, len(mask) - len(lexical_all))))
        facts_all = self.fact_similarity(q_codes)
        candidates = [self._top(lexical_all, mask, pool), self._top(facts_all, mask, pool)]

        dense_rows = np.zeros(0, dtype=np.int64)
        qv = None
        if self.has_dense():
            qv = (
                query_vector
                if query_vector is not None
                else self.embedder.encode_queries([query])[0]
            )
            dense_rows, _ = self.dense.search(qv, pool, mask)
            candidates.append(dense_rows)
        if force_rows:
            forced = np.asarray(force_rows, dtype=np.int64)
            candidates.append(forced[mask[forced]])
        rows = np.unique(np.concatenate(candidates)) if candidates else np.zeros(0, np.int64)
        if len(rows) == 0:
            return pool, rows, np.zeros(0), {}, q_codes, q_weights

        signals["lexical"] = lexical_all[rows]
        signals["facts"] = facts_all[rows]
        if qv is not None:
            dense = self.dense.scores_for(qv, rows).astype(np.float64)
            present = self.dense.has(rows)
            if present.any() and not present.all():
                # A row not embedded yet scores like the weakest candidate, not like zero.
                dense[~present] = dense[present].min()
            signals["dense"] = dense
        fused = weighted_zscore(signals, self.weights)
        return pool, rows, fused, signals, q_codes, q_weights
