"""Precedent routes: who may use them, the JSON they return, closed cases indexed by the job."""

import pytest

from mediation.precedents import service
from tests.conftest import Api, case_payload


@pytest.fixture
def corpus_loaded(papp, tiny_corpus):
    service.import_corpus(papp.extensions["mediation.sessionmaker"], tiny_corpus, None)


@pytest.fixture
def mediator(papp, make_user):
    _, token = make_user("pmed", "mediator")
    return Api(papp.test_client(), token)


def _loan_case(api) -> str:
    body = case_payload(
        dispute_type="lending",
        request="请求被申请人归还借款本金9万元及利息",
        facts="申请人王秀英于2020年向被申请人出借9万元，约定月利率2%，有借条，保证人承担连带保证责任，逾期未还，多次催要。",
        amount_claimed="90000.00",
    )
    r = api.post("/api/cases", json=body)
    assert r.status_code == 201, r.get_json()
    return r.get_json()["number"]


def test_only_the_centres_staff_may_use_precedents(papp, make_user, mediator, corpus_loaded):
    number = _loan_case(mediator)
    anonymous = papp.test_client()
    r = anonymous.get(f"/api/cases/{number}/precedents")
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "unauthorized"
    _, token = make_user("claimant1", "claimant")
    claimant = Api(papp.test_client(), token)
    for path in (
        f"/api/cases/{number}/precedents",
        "/api/precedents/search?q=借款",
        f"/api/cases/{number}/mediation-plan",
    ):
        r = claimant.get(path)
        assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"
    r = mediator.get("/api/cases/2099-9999/precedents")
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"


def test_case_precedents_show_score_passages_facts_and_outcome(mediator, corpus_loaded):
    number = _loan_case(mediator)
    r = mediator.get(f"/api/cases/{number}/precedents?k=3")
    assert r.status_code == 200
    body = r.get_json()
    assert body["lexical_only"] is True and body["notice"]
    refs = [x["ref"] for x in body["results"]]
    assert set(refs[:2]) == {"t-loan-1", "t-loan-2"}
    assert all(x["score"] >= 0 for x in body["results"])  # no below-average suggestion
    top = body["results"][0]
    assert {"score", "signals", "passages", "shared_facts", "outcome", "outcome_label"} <= set(top)
    assert any(
        f["code"] == "guarantee:joint" and f["label"] == "连带责任保证" for f in top["shared_facts"]
    )
    assert any(seg["mark"] for p in top["passages"] for seg in p["segments"])
    assert "王秀英" not in r.get_data(as_text=True)


def test_filters_and_their_validation(mediator, corpus_loaded):
    r = mediator.get("/api/precedents/search?q=保险公司拒赔&dispute_type=insurance")
    assert [x["ref"] for x in r.get_json()["results"]] == ["t-ins-1"]
    r = mediator.get("/api/precedents/search?q=借款&amount_min=90000&amount_max=200000")
    assert {x["ref"] for x in r.get_json()["results"]} <= {"t-loan-1", "t-ins-1"}
    r = mediator.get("/api/precedents/search?q=借款&outcome=claim_partly_supported&source=corpus")
    assert r.status_code == 200
    assert all(x["outcome"] == "claim_partly_supported" for x in r.get_json()["results"])
    r = mediator.get("/api/precedents/search?q=借款&outcome=maybe")
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_field"
    r = mediator.get("/api/precedents/search?q=借款&date_from=2024-13-01")
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_date"
    r = mediator.get("/api/precedents/search")
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "missing_field"
    r = mediator.get("/api/precedents/search?q=借款&k=500")
    assert r.status_code == 400


def test_mediation_plan_is_an_aid_traced_to_sources(mediator, corpus_loaded):
    number = _loan_case(mediator)
    body = mediator.get(f"/api/cases/{number}/mediation-plan").get_json()
    assert body["aid"] is True and "仅供调解员参考" in body["disclaimer"]
    assert body["confidence"] in ("low", "medium")
    sources = {s["ref"] for s in body["sources"]}
    for group in ("interest", "terms", "legal_points"):
        for item in body[group]:
            assert item["label"] and set(item["sources"]) <= sources
    assert body["settlement_share"]["sources"]
    assert body["suggested_amount"]["low"]
    english = Api(mediator.client, mediator.headers["Authorization"][7:], lang="en")
    assert "aid" in english.get(f"/api/cases/{number}/mediation-plan").get_json()["disclaimer"]


def test_the_case_page_panel_renders(mediator, corpus_loaded):
    number = _loan_case(mediator)
    r = mediator.get(f"/cases/{number}/precedents")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "调解方案建议" in html and "<mark>" in html and "t-loan-1" in html
    status = mediator.get("/api/precedents/status").get_json()
    assert status["corpus"] == 5 and status["model"] is None and status["index"] == "memory"


def _close(api, number):
    for to, reason in (
        ("accepted", None),
        ("mediation", None),
        ("signed", "双方达成调解协议：归还本金7万元，免除利息，分3期还款"),
        ("closed", None),
    ):
        r = api.post(f"/api/cases/{number}/transitions", json={"to": to, "reason": reason})
        assert r.status_code == 200, r.get_json()


def test_a_closed_case_is_indexed_by_the_background_job(papp, mediator, corpus_loaded):
    import mediation.precedents.tasks  # noqa: F401
    from mediation.jobs import REGISTRY, Worker, queue_for

    number = _loan_case(mediator)
    other = _loan_case(mediator)
    _close(mediator, number)
    queue = queue_for(papp)
    assert (
        Worker(
            queue,
            registry={service.INDEX_CASE_TASK: REGISTRY[service.INDEX_CASE_TASK]},
            wrap=papp.app_context,
            poll_s=0.01,
        ).run(burst=True)
        == 1
    )
    body = mediator.get(f"/api/cases/{other}/precedents?source=centre").get_json()
    assert [x["ref"] for x in body["results"]] == [f"case:DEMO:{number}"]
    assert body["results"][0]["outcome"] == "settled"
    # Its own precedent is never suggested to the case itself.
    own = mediator.get(f"/api/cases/{number}/precedents?source=centre").get_json()
    assert own["results"] == []
    plan = mediator.get(f"/api/cases/{other}/mediation-plan?source=centre").get_json()
    assert plan["basis"] == [f"case:DEMO:{number}"]
    assert any(i["code"] == "interest_waived" for i in plan["interest"])


def test_index_closed_catches_up_and_skips_open_cases(papp, mediator):
    from mediation.db import session_scope
    from mediation.precedents.model import Precedent

    factory = papp.extensions["mediation.sessionmaker"]
    number = _loan_case(mediator)
    _loan_case(mediator)
    _close(mediator, number)
    assert service.index_closed_cases(factory, None) == 1
    assert service.index_closed_cases(factory, None) == 0
    with session_scope(factory) as s:
        row = s.query(Precedent).one()
        assert "王秀英" not in row.text and row.ref.endswith(number)


def test_the_cli_imports_searches_and_reports(papp, tiny_corpus):
    from mediation.precedents.cli import precedents_group

    if "precedents" not in papp.cli.commands:
        papp.cli.add_command(precedents_group)
    runner = papp.test_cli_runner()
    r = runner.invoke(args=["precedents", "import", str(tiny_corpus), "--no-embed", "--batch", "2"])
    assert r.exit_code == 0, r.output
    assert "5 read, 5 new or changed" in r.output and "import: 5/5 (100%)" in r.output
    r = runner.invoke(args=["precedents", "search", "信用卡透支逾期", "-k", "1"])
    assert r.exit_code == 0 and "信用卡纠纷 · t-card-1" in r.output
    r = runner.invoke(args=["precedents", "status"])
    assert '"corpus": 5' in r.output
    r = runner.invoke(args=["precedents", "import", str(tiny_corpus) + ".missing"])
    assert r.exit_code != 0 and "no corpus file" in r.output
