from datetime import date
from decimal import Decimal

import numpy as np

from nlp.plan import Outcome
from nlp.precedents import Filters, PrecedentDoc, PrecedentEngine
from nlp.vectorindex import NumpyIndex


def unit(v):
    v = np.asarray(v, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_numpy_index_exact_top_k_with_updates_and_removals():
    rng = np.random.default_rng(1)
    vectors = np.stack([unit(v) for v in rng.normal(size=(50, 8))])
    index = NumpyIndex(8, capacity=4)  # grows as rows arrive
    index.upsert(list(range(50)), vectors)
    q = unit(rng.normal(size=8))
    rows, scores = index.search(q, 5)
    expected = np.argsort(-(vectors @ q))[:5]
    assert rows.tolist() == expected.tolist()
    assert np.allclose(scores, (vectors @ q)[expected], atol=1e-6)

    index.remove([int(expected[0])])
    index.upsert([7], [q])  # row 7 becomes the query itself
    rows, scores = index.search(q, 3)
    assert rows[0] == 7 and scores[0] > 0.999
    assert int(expected[0]) not in rows.tolist()
    mask = np.zeros(50, dtype=bool)
    mask[[3, 4, 5]] = True
    rows, _ = index.search(q, 10, mask)
    assert sorted(rows.tolist()) == [3, 4, 5]
    assert len(index) == 49


def _doc(key, text, **kw):
    return PrecedentDoc(key=key, ref=f"r{key}", text=text, **kw)


DOCS = [
    _doc(
        1,
        "被告向原告借款10万元，约定月利率2%，出具借条，保证人承担连带保证责任，逾期未还。",
        dispute_type="lending",
        amount=Decimal(100000),
        region="杭州市",
        decided_on=date(2024, 5, 1),
        outcome=Outcome.SETTLED,
    ),  # fmt: skip
    _doc(
        2,
        "信用卡透支逾期180天，银行请求偿还透支本金3万元及滞纳金。",
        dispute_type="banking",
        amount=Decimal(30000),
        region="宁波市",
        decided_on=date(2023, 1, 1),
        outcome=Outcome.PARTLY,
    ),  # fmt: skip
    _doc(
        3,
        "保险公司以未如实告知为由拒赔重大疾病保险金12万元。",
        dispute_type="insurance",
        amount=Decimal(120000),
        region="杭州市",
        outcome=Outcome.SUPPORTED,
    ),  # fmt: skip
    _doc(
        4,
        "出借人起诉借款人归还借款8万元，约定月息2分，有借条，保证人承担连带责任。",
        dispute_type="lending",
        amount=Decimal(80000),
        region="温州市",
        decided_on=date(2022, 3, 3),
        outcome=Outcome.SUPPORTED,
    ),  # fmt: skip
]


def test_hybrid_search_explains_its_results(hashing):
    engine = PrecedentEngine(hashing)
    engine.upsert(DOCS)
    matches = engine.search("借款人借款9万元，月利率2%，有借条和保证人连带保证，逾期不还", k=4)
    assert {m.doc.key for m in matches[:2]} == {1, 4}
    top = matches[0]
    assert set(top.signals) == {"dense", "lexical", "facts"}
    assert "guarantee:joint" in top.shared_facts
    assert top.passages and any(s["mark"] for s in top.passages[0].segments)
    assert "".join(s["text"] for s in top.passages[0].segments) in top.doc.text


def test_filters_restrict_results(hashing):
    engine = PrecedentEngine(hashing)
    engine.upsert(DOCS)
    q = "借款逾期未还"
    assert {
        m.doc.key for m in engine.search(q, filters=Filters(dispute_types=frozenset({"lending"})))
    } == {1, 4}
    assert {
        m.doc.key for m in engine.search(q, filters=Filters(amount_min=50000, amount_max=110000))
    } == {1, 4}
    assert {m.doc.key for m in engine.search(q, filters=Filters(region="杭州"))} == {1, 3}
    assert {m.doc.key for m in engine.search(q, filters=Filters(date_from=date(2023, 1, 1)))} == {
        1,
        2,
    }
    assert {
        m.doc.key
        for m in engine.search(q, filters=Filters(outcomes=frozenset({Outcome.SUPPORTED})))
    } == {3, 4}
    assert {
        m.doc.key
        for m in engine.search(q, filters=Filters(facts=frozenset({"product:credit_card"})))
    } == {2}
    assert engine.search(q, filters=Filters(facts=frozenset({"no:such"}))) == []


def test_a_centres_own_precedents_are_seen_by_that_centre_only(hashing):
    engine = PrecedentEngine(hashing)
    engine.upsert(DOCS + [_doc(9, "借款10万元月利率2%借条连带保证逾期", scope=7)])
    assert 9 not in {m.doc.key for m in engine.search("借款 借条 连带保证", k=10)}
    seen = engine.search("借款 借条 连带保证", k=10, filters=Filters(scopes=frozenset({7})))
    assert 9 in {m.doc.key for m in seen}
    other = engine.search("借款 借条 连带保证", k=10, filters=Filters(scopes=frozenset({8})))
    assert 9 not in {m.doc.key for m in other}


def test_incremental_update_equals_a_fresh_index(hashing):
    grown = PrecedentEngine(hashing)
    grown.upsert(DOCS[:2])
    grown.upsert(DOCS[2:])
    grown.upsert([_doc(2, "信用卡盗刷，持卡人请求银行赔偿损失2万元", dispute_type="banking")])
    grown.remove([3])
    fresh = PrecedentEngine(hashing)
    fresh.upsert(
        [
            DOCS[0],
            _doc(2, "信用卡盗刷，持卡人请求银行赔偿损失2万元", dispute_type="banking"),
            DOCS[3],
        ]
    )
    q = "信用卡被盗刷请求赔偿"
    a = [(m.doc.key, round(m.score, 6)) for m in grown.search(q, k=5)]
    b = [(m.doc.key, round(m.score, 6)) for m in fresh.search(q, k=5)]
    assert a == b
    assert a[0][0] == 2 and 3 not in dict(a)
    assert len(grown) == 3


def test_search_without_an_embedder_uses_words_and_key_facts():
    engine = PrecedentEngine(None)
    engine.upsert(DOCS)
    matches = engine.search("信用卡透支逾期", k=2)
    assert matches[0].doc.key == 2
    assert set(matches[0].signals) == {"lexical", "facts"}


def test_excluded_keys_are_never_returned(hashing):
    engine = PrecedentEngine(hashing)
    engine.upsert(DOCS)
    assert 1 not in {m.doc.key for m in engine.search(DOCS[0].text, exclude_keys=[1])}
