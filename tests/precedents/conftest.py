"""Fixtures for precedent tests: a tiny corpus, engines with the model-free hashing
embedder, and an app with the precedent blueprint and job hook attached."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SHARED

MODEL_DIR = Path(__file__).resolve().parents[2] / "models" / "multilingual-e5-small"
SCM_DEV = SHARED / "data" / "precedents" / "scm-dev.jsonl"

TINY_CORPUS = [
    {
        "id": "t-loan-1",
        "dataset": "tiny",
        "domain": "civil",
        "cause": "民间借贷纠纷",
        "finance": True,
        "text": "原告张三诉称：被告李四于2019年3月1日向原告借款10万元，约定月利率2%，出具借条一张，"
        "后经多次催要未还。被告王五对上述借款承担连带保证责任。",
        "claims": "请求判令被告李四归还借款本金10万元及利息，被告王五承担连带责任。",
        "court_reasoning": "本院认为，借贷关系合法有效，被告应当归还借款本金100000元，"
        "约定的利率超过年利率24%的部分不予支持，被告王五应承担连带清偿责任。依照《中华人民共和国合同法》第二百零六条的规定，判决如下：",
        "labels": ["LN7:连带保证"],
    },
    {
        "id": "t-loan-2",
        "dataset": "tiny",
        "domain": "civil",
        "cause": "民间借贷纠纷",
        "finance": True,
        "text": "原告赵六诉称：被告孙七于2018年5月向原告借款8万元，约定月息2分，有借条为证，"
        "被告周八为保证人，承担连带保证责任，借款到期后被告未还。",
        "claims": "请求判令被告孙七偿还借款8万元及利息。",
        "court_reasoning": "本院认为，原告提供的借条足以证明借贷合意及款项交付，被告应当偿还借款本金60000元，"
        "利息部分超过年利率24%的部分不予支持，被告周八承担连带清偿责任。依照《中华人民共和国合同法》第二百零六条之规定。",
        "labels": [],
    },
    {
        "id": "t-card-1",
        "dataset": "tiny",
        "domain": "civil",
        "cause": "信用卡纠纷",
        "finance": True,
        "text": "原告某银行股份有限公司诉称：被告申领信用卡后透支消费，逾期未还款，截至起诉时逾期180天，"
        "尚欠透支本金3万元、利息及滞纳金。被告联系电话13812345678，身份证号110101199003077719。",
        "claims": "请求判令被告偿还信用卡透支本金3万元及利息、滞纳金。",
        "court_reasoning": "本院认为，被告应当偿还透支本金30000元，滞纳金过高部分不予支持，双方可分期还款。",
        "labels": [],
    },
    {
        "id": "t-ins-1",
        "dataset": "tiny",
        "domain": "civil",
        "cause": "人身保险合同纠纷",
        "finance": True,
        "text": "原告诉称：其投保重大疾病保险后确诊，向保险公司申请理赔，保险公司以未如实告知为由拒赔。",
        "claims": "请求判令被告支付保险金12万元。",
        "court_reasoning": "本院认为，保险公司未尽提示说明义务，拒赔理由不能成立，应予支持，被告应当支付保险金120000元。",
        "labels": [],
    },
    {
        "id": "t-other-1",
        "dataset": "tiny",
        "domain": "civil",
        "cause": "变更抚养关系纠纷",
        "finance": False,
        "text": "原告与被告离婚后，婚生女随被告生活，现原告请求变更抚养关系。",
        "claims": None,
        "court_reasoning": None,
        "labels": [],
    },
]


@pytest.fixture
def tiny_corpus(tmp_path) -> Path:
    path = tmp_path / "tiny.jsonl"
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in TINY_CORPUS), encoding="utf-8"
    )
    return path


@pytest.fixture
def hashing():
    from nlp.embeddings import HashingEmbedder

    return HashingEmbedder(dim=64)


@pytest.fixture
def papp(app, tmp_path):
    """The app with the precedent blueprint, the close-case hook and a job queue file,
    lexical search only (no model) unless a test sets PRECEDENT_MODEL_DIR."""
    from mediation.precedents import hooks, service
    from mediation.web import precedents as web_precedents

    app.config["PRECEDENT_MODEL_DIR"] = "none"
    app.config["JOB_QUEUE_URL"] = "sqlite:///" + str(tmp_path / "jobs.db")
    if "precedents" not in app.blueprints:
        app.register_blueprint(web_precedents.bp)
    hooks.install(app)
    service.forget_bases()
    yield app
    service.forget_bases()


def real_model_or_skip():
    from nlp.embeddings import model_available

    if not model_available(MODEL_DIR):
        reason = f"converted model not found at {MODEL_DIR} (run bin/setup-models-embeddings)"
        print(f"\nSKIP: {reason}")
        pytest.skip(reason)
