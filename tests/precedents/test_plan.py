from decimal import Decimal

from nlp.plan import Outcome, PlanSource, awarded_amount, classify_outcome, suggest_plan


def test_outcome_classification():
    assert classify_outcome("本院认为……被告应当归还借款，超过部分不予支持") == Outcome.PARTLY
    assert classify_outcome("原告的诉讼请求证据不足，驳回原告的全部诉讼请求") == Outcome.REJECTED
    assert classify_outcome("原告的诉讼请求合法，本院予以支持") == Outcome.SUPPORTED
    assert classify_outcome("双方自愿达成调解协议，分三期还款") == Outcome.SETTLED
    assert classify_outcome(None) == Outcome.UNKNOWN


def test_awarded_amount_ignores_interest_and_fees():
    text = "被告应当归还借款本金60000元，并支付利息5000元，案件受理费1000元由被告负担"
    assert awarded_amount(text) == Decimal("60000.00")


def _src(ref, outcome, text, claimed):
    return PlanSource(key=hash(ref), ref=ref, title=ref, score=1.0, outcome=outcome, text=text,
                      claimed=Decimal(claimed) if claimed else None)  # fmt: skip


def test_plan_is_traced_to_its_sources_and_never_certain():
    sources = [
        _src(
            "a",
            Outcome.PARTLY,
            "被告应当归还借款本金100000元，超过年利率24%的部分不予支持，保证人承担连带清偿责任。依照《中华人民共和国合同法》第二百零六条",
            100000,
        ),
        _src(
            "b",
            Outcome.PARTLY,
            "被告应当偿还借款本金60000元，超过年利率24%的部分不予支持，保证人承担连带清偿责任。依照《中华人民共和国合同法》第二百零六条",
            80000,
        ),
        _src(
            "c",
            Outcome.SETTLED,
            "双方自愿达成调解协议：退还本金80000元，免除利息，分3期还款",
            100000,
        ),
        _src("d", Outcome.REJECTED, "驳回原告的诉讼请求", 50000),
    ]
    plan = suggest_plan(Decimal(200000), sources)
    assert plan.basis == ["a", "b", "c"]
    assert plan.considered == 4
    share = plan.settlement_share
    assert share["n"] == 3 and share["sources"] == ["a", "b", "c"]
    assert share["low"] <= share["median"] <= share["high"] <= 1.0
    assert Decimal(plan.suggested_amount["low"]) == Decimal(200000) * Decimal(str(share["low"]))
    terms = {t.code: t.sources for t in plan.terms}
    assert terms["joint_liability"] == ["a", "b"]
    interest = {t.code: t.sources for t in plan.interest}
    assert set(interest["interest_capped"]) == {"a", "b"}
    assert interest["interest_waived"] == ["c"]
    statutes = [p for p in plan.legal_points if p.code == "statute"]
    assert (
        statutes
        and statutes[0].detail == "《合同法》第二百零六条"
        and statutes[0].sources == ["a", "b"]
    )
    assert plan.confidence in ("low", "medium")
    assert plan.to_json()["basis"] == ["a", "b", "c"]


def test_plan_from_nothing_says_so():
    plan = suggest_plan(Decimal(1000), [])
    assert plan.basis == [] and plan.settlement_share is None and plan.confidence == "low"
