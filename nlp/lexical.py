"""The lexical side of precedent search: jieba tokens and an incremental BM25 index."""

from __future__ import annotations

import logging
import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
from scipy import sparse

# Terms of the trade jieba's general dictionary splits apart.
LEGAL_TERMS = (
    "民间借贷 金融借款 借款合同 借条 欠条 借据 收条 本金 利息 罚息 复利 违约金 滞纳金 月利率 年利率 日利率 "
    "月息 年息 逾期 催收 催告 还款 分期 分期还款 展期 连带责任 连带保证 一般保证 保证人 担保人 保证期间 抵押 质押 "
    "诉讼时效 夫妻共同债务 债权转让 债务转移 信用卡 透支 银行卡 盗刷 征信 理财产品 保险金 理赔 拒赔 如实告知 "
    "免责条款 融资租赁 小额贷款 消费金融 网络借贷 格式条款 适当性义务 砍头息 套路贷 律师费 诉讼费 受理费 "
    "LPR 贷款市场报价利率 司法确认 调解协议 和解协议"
).split()

STOPWORDS = frozenset(
    "的 了 和 与 及 或 在 是 为 于 对 将 把 被 由 从 向 以 之 其 该 此 等 并 且 而 也 又 就 都 均 已 "
    "但 则 所 因 故 如 若 即 某 年 月 日 元 万元 号 人 于是 其中 上述 以上 以下 本案 本院 一 二 三 "
    "有 无 不 没有 个 这 那 后 前 时 中 上 下 其他 以及 对于 关于 经 至 自 已经 尚 还 再".split()
)
_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z]")

_jieba_lock = threading.Lock()
_jieba_ready = False


def _jieba():
    global _jieba_ready
    import jieba

    if not _jieba_ready:
        with _jieba_lock:
            if not _jieba_ready:
                jieba.setLogLevel(logging.WARNING)
                for term in LEGAL_TERMS:
                    jieba.add_word(term, freq=20000)
                jieba.initialize()
                _jieba_ready = True
    return jieba


def segment(text: str) -> list[str]:
    """jieba's segmentation, every character kept (the pieces join back to the text)."""
    return _jieba().lcut(text or "", HMM=True)


def is_term(token: str) -> bool:
    return bool(_KEEP.search(token)) and token not in STOPWORDS


def tokenize(text: str) -> list[str]:
    """Index terms: jieba words with Chinese or Latin letters, lower-cased, no stopwords and no
    bare numbers (amounts and dates are compared as key facts instead)."""
    return [t.lower() for t in segment(text) if is_term(t)]


class BM25Index:
    """Okapi BM25 over rows 0..n-1, updated incrementally.

    Each `add` builds one compressed sparse column segment (a term's postings are a column
    slice); updates and removals mark old rows dead and fix document frequencies, so no
    full rebuild is ever needed. Segments are merged once there are many of them.
    """

    def __init__(
        self, k1: float = 1.2, b: float = 0.75, k3: float | None = 8.0, max_segments: int = 8
    ) -> None:
        # k3: saturation of a term repeated in the query (Robertson's full BM25); a case's
        # facts are a long query, in which repetition says what matters. None: each
        # distinct query term counts once.
        self.k1, self.b, self.k3, self.max_segments = k1, b, k3, max_segments
        self.vocab: dict[str, int] = {}
        self.df = np.zeros(0, dtype=np.int64)
        self.doc_len = np.zeros(0, dtype=np.float32)
        self.alive = np.zeros(0, dtype=bool)
        # (segment id, first row, matrix); a row's live postings are in segment _row_seg[row].
        self._segments: list[tuple[int, int, sparse.csc_matrix]] = []
        self._row_seg = np.zeros(0, dtype=np.int64)
        self._next_seg = 0
        self._row_terms: dict[int, np.ndarray] = {}  # row -> unique term ids, for removal

    @property
    def size(self) -> int:
        return len(self.alive)

    @property
    def live_count(self) -> int:
        return int(self.alive.sum())

    def _grow(self, rows: int) -> None:
        if rows > len(self.alive):
            extra = rows - len(self.alive)
            self.alive = np.concatenate([self.alive, np.zeros(extra, dtype=bool)])
            self.doc_len = np.concatenate([self.doc_len, np.zeros(extra, dtype=np.float32)])
            self._row_seg = np.concatenate([self._row_seg, np.full(extra, -1, dtype=np.int64)])

    def _term_ids(self, tokens: Iterable[str], create: bool) -> list[int]:
        ids = []
        for tok in tokens:
            tid = self.vocab.get(tok)
            if tid is None and create:
                tid = self.vocab[tok] = len(self.vocab)
            if tid is not None:
                ids.append(tid)
        return ids

    def add(self, rows: Sequence[int], token_lists: Sequence[Sequence[str]]) -> None:
        """Index (or re-index) the given rows."""
        if not rows:
            return
        self.remove([r for r in rows if r < len(self.alive) and self.alive[r]])
        first, last = min(rows), max(rows)
        self._grow(last + 1)
        data, indices, indptr = [], [], [0]
        row_of = {r: i for i, r in enumerate(range(first, last + 1))}
        per_row: dict[int, Counter] = {}
        for row, tokens in zip(rows, token_lists, strict=True):
            per_row[row] = Counter(self._term_ids(tokens, create=True))
            self.doc_len[row] = len(tokens)
            self.alive[row] = True
        if len(self.df) < len(self.vocab):
            self.df = np.concatenate([self.df, np.zeros(len(self.vocab) - len(self.df), np.int64)])
        for row in range(first, last + 1):
            counts = per_row.get(row)
            if counts:
                terms = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
                indices.extend(terms.tolist())
                data.extend(counts.values())
                self.df[terms] += 1
                self._row_terms[row] = terms
            indptr.append(len(indices))
        matrix = sparse.csr_matrix(
            (np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int64), indptr),
            shape=(len(row_of), len(self.vocab)),
        ).tocsc()
        seg_id = self._next_seg
        self._next_seg += 1
        self._row_seg[list(rows)] = seg_id
        self._segments.append((seg_id, first, matrix))
        if len(self._segments) > self.max_segments:
            self._merge()

    def remove(self, rows: Iterable[int]) -> None:
        for row in rows:
            if row < len(self.alive) and self.alive[row]:
                self.alive[row] = False
                terms = self._row_terms.pop(row, None)
                if terms is not None:
                    self.df[terms] -= 1

    def _merge(self) -> None:
        """One segment from all, holding only the live postings of each row."""
        n_rows, n_terms = len(self.alive), len(self.vocab)
        R, C, D = [], [], []
        for seg_id, first, matrix in self._segments:
            coo = matrix.tocoo()
            rows = coo.row + first
            keep = self.alive[rows] & (self._row_seg[rows] == seg_id)
            R.append(rows[keep])
            C.append(coo.col[keep])
            D.append(coo.data[keep])
        merged = sparse.csc_matrix(
            (np.concatenate(D), (np.concatenate(R), np.concatenate(C))),
            shape=(n_rows, n_terms),
            dtype=np.float32,
        )
        seg_id = self._next_seg
        self._next_seg += 1
        self._row_seg[self.alive] = seg_id
        self._segments = [(seg_id, 0, merged)]

    def idf(self, term_ids: np.ndarray) -> np.ndarray:
        n = max(self.live_count, 1)
        df = self.df[term_ids].astype(np.float64)
        return np.log1p((n - df + 0.5) / (df + 0.5))

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 of every row against the query (0 for dead rows)."""
        out = np.zeros(len(self.alive), dtype=np.float32)
        terms, qtf = np.unique(
            np.asarray(self._term_ids(tokens, create=False), dtype=np.int64), return_counts=True
        )
        if len(terms) == 0 or not self.alive.any():
            return out
        idf = self.idf(terms)
        if self.k3 is not None:
            idf = idf * (self.k3 + 1) * qtf / (self.k3 + qtf)
        avgdl = float(self.doc_len[self.alive].mean()) or 1.0
        k1, b = self.k1, self.b
        for seg_id, first, matrix in self._segments:
            usable = terms < matrix.shape[1]
            if not usable.any():
                continue
            cols = matrix[:, terms[usable]].tocoo()
            if cols.nnz == 0:
                continue
            rows = cols.row + first
            live = self._row_seg[rows] == seg_id
            rows, tf, col = rows[live], cols.data[live], cols.col[live]
            norm = k1 * (1 - b + b * self.doc_len[rows] / avgdl)
            contrib = idf[usable][col] * tf * (k1 + 1) / (tf + norm)
            np.add.at(out, rows, contrib.astype(np.float32))
        out[~self.alive] = 0.0
        return out

    def term_weights(self, tokens: Iterable[str]) -> dict[str, float]:
        """IDF of each known token (for highlighting the terms that matter)."""
        out = {}
        for tok in set(tokens):
            tid = self.vocab.get(tok)
            if tid is not None and tid < len(self.df) and self.df[tid] > 0:
                out[tok] = float(self.idf(np.asarray([tid]))[0])
        return out


def idf_weight(df: int, n: int) -> float:
    return math.log1p((n - df + 0.5) / (df + 0.5))
