import math
from collections import Counter

import numpy as np
import pytest

from nlp.fusion import reciprocal_rank_fusion, weighted_zscore, zscore
from nlp.lexical import BM25Index, tokenize

DOCS = [
    "被告向原告借款十万元，约定月利率百分之二，出具借条",
    "信用卡透支逾期，银行请求偿还透支本金和滞纳金",
    "保险公司以未如实告知为由拒绝理赔重大疾病保险金",
    "保证人对借款承担连带保证责任，借款到期未还",
    "双方离婚后变更子女抚养关系",
]


def reference_bm25(query, docs, k1=1.2, b=0.75, k3=8.0):
    toks = [tokenize(d) for d in docs]
    n = len(toks)
    avg = sum(len(t) for t in toks) / n
    df = Counter(w for t in toks for w in set(t))
    out = []
    for t in toks:
        tf = Counter(t)
        s = 0.0
        for w, q in Counter(tokenize(query)).items():
            if w in tf:
                idf = math.log1p((n - df[w] + 0.5) / (df[w] + 0.5))
                qw = (k3 + 1) * q / (k3 + q)
                s += qw * idf * tf[w] * (k1 + 1) / (tf[w] + k1 * (1 - b + b * len(t) / avg))
        out.append(s)
    return np.array(out)


def test_tokens_are_words_without_stopwords_or_bare_numbers():
    toks = tokenize("原告于2019年向被告借款10万元，约定月利率2%，承担连带保证责任")
    assert "借款" in toks and "月利率" in toks and "连带保证" in toks
    assert "的" not in toks and "2019" not in toks and "，" not in toks


def test_bm25_matches_the_textbook_formula():
    index = BM25Index()
    index.add(list(range(len(DOCS))), [tokenize(d) for d in DOCS])
    query = "借款逾期未还 连带保证 借款"
    np.testing.assert_allclose(
        index.scores(tokenize(query)), reference_bm25(query, DOCS), rtol=1e-5
    )


def test_bm25_incremental_updates_equal_a_fresh_build():
    index = BM25Index(max_segments=2)
    for i, d in enumerate(DOCS[:3]):
        index.add([i], [tokenize(d)])
    index.add([3, 4], [tokenize(DOCS[3]), tokenize(DOCS[4])])  # forces a merge
    # Replace one document and remove another.
    changed = DOCS.copy()
    changed[1] = "借款人逾期未还款，出借人多次催要"
    index.add([1], [tokenize(changed[1])])
    index.remove([4])
    query = "借款逾期未还 催要"
    got = index.scores(tokenize(query))
    expected = reference_bm25(query, changed[:4])
    np.testing.assert_allclose(got[:4], expected, rtol=1e-5)
    assert got[4] == 0.0
    assert index.live_count == 4


def test_zscore_and_weighted_fusion():
    assert np.allclose(zscore(np.array([1.0, 1.0, 1.0])), 0.0)
    a = np.array([0.9, 0.8, 0.1])
    b = np.array([1.0, 30.0, 2.0])
    fused = weighted_zscore({"dense": a, "lexical": b}, {"dense": 1.0, "lexical": 1.0})
    assert fused.argmax() == 1
    only_dense = weighted_zscore({"dense": a, "lexical": b}, {"dense": 1.0, "lexical": 0.0})
    assert only_dense.argmax() == 0


def test_reciprocal_rank_fusion_rewards_agreement():
    scores = reciprocal_rank_fusion([["a", "b", "c"], ["b", "a", "d"]])
    assert scores["a"] == pytest.approx(scores["b"])
    assert scores["a"] > scores["c"] > 0 and scores["d"] > 0
