"""Draft (anonymized), mediator review, publish and withdraw; the public pages; a case
involving privacy or trade secrets is refused at every step and never listed or shown."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import Api, sign_in
from tests.performance.conftest import SCHEDULE

FACTS = (
    "申请人王秀英（身份证号410102195203041234，手机13812345678）于2024年3月5日投保，"
    "住示范县城关镇解放路12号3单元501室。理赔款请转入6222021234567890123。"
)


@pytest.fixture
def agreed(signed):
    s = signed
    from mediation.cases.model import Case

    with s.session() as session:
        case = session.get(Case, s.case_id)
        case.facts = FACTS
        session.commit()
    s.mediator.post(f"/api/cases/{s.number}/performance/schedule", json={"items": SCHEDULE})
    return s


def _post(s, path, json=None):
    return s.mediator.post(f"/api/cases/{s.number}/{path}", json=json or {})


def test_draft_review_publish_and_withdraw(agreed, app):
    s = agreed
    r = _post(s, "disclosure/draft")
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    d = body["disclosure"]
    assert d["status"] == "draft"
    text = d["title"] + d["facts"] + d["outcome"]
    for secret in (
        "王秀英",
        "410102195203041234",
        "13812345678",
        "解放路12号",
        "6222021234567890123",
    ):
        assert secret not in text
    assert "王某" in text and "示范县" in text and "2024年3月5日" in text
    assert "3500.50" in d["outcome"] and "分3期" in d["outcome"]
    assert d["findings"] == {"name": 1, "id_number": 1, "phone": 1, "address": 1, "bank_account": 1}
    # The reviewer is shown what was replaced (not stored).
    assert {f["kind"] for f in body["findings"]} >= {"name", "id_number"}
    # Not public before approval and publication.
    public = app.test_client()
    assert d["title"] not in public.get("/public/agreements").get_data(as_text=True)
    r = _post(s, "disclosure/publish")
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "disclosure.not_approved"
    # An edit is anonymized again and needs approval again.
    r = _post(
        s,
        "disclosure",
        {
            "title": d["title"],
            "facts": d["facts"] + "联系人王秀英，电话0571-87654321。",
            "outcome": d["outcome"],
        },
    )
    assert r.status_code == 200
    edited = r.get_json()["disclosure"]
    assert "王秀英" not in edited["facts"] and "0571-87654321" not in edited["facts"]
    assert _post(s, "disclosure/approve").get_json()["disclosure"]["status"] == "approved"
    r = _post(s, "disclosure/publish")
    assert r.status_code == 200 and r.get_json()["disclosure"]["status"] == "published"
    # Publishing is an event and a ledger entry.
    events = s.mediator.get(f"/api/cases/{s.number}/events").get_json()["events"]
    assert [e["kind"] for e in events].count("disclosure_published") == 1
    from mediation.evidence.model import LedgerEntry

    with s.session() as session:
        types = list(
            session.scalars(select(LedgerEntry.entry_type).where(LedgerEntry.case_id == s.case_id))
        )
    assert "case.disclosure_published" in types
    # Listed and readable without signing in, zh and en.
    listing = public.get("/public/agreements").get_data(as_text=True)
    assert edited["title"] in listing and "调解协议公开" in listing
    item_id = edited["id"]
    page = public.get(f"/public/agreements/{item_id}").get_data(as_text=True)
    assert "王某" in page and "王秀英" not in page and "410102195203041234" not in page
    assert "Published mediation agreements" in public.get("/public/agreements?lang=en").get_data(
        as_text=True
    )
    # Withdrawn: gone from the list and the direct address.
    assert _post(s, "disclosure/withdraw", {"reason": ""}).status_code == 400
    r = _post(s, "disclosure/withdraw", {"reason": "当事人提出异议"})
    assert r.get_json()["disclosure"]["status"] == "withdrawn"
    assert edited["title"] not in public.get("/public/agreements").get_data(as_text=True)
    assert public.get(f"/public/agreements/{item_id}").status_code == 404


def test_a_privacy_case_is_refused_at_every_step_and_never_shown(agreed, app):
    s = agreed
    # Published first, then flagged: withdrawn at once, texts removed.
    _post(s, "disclosure/draft")
    _post(s, "disclosure/approve")
    item_id = _post(s, "disclosure/publish").get_json()["disclosure"]["id"]
    public = app.test_client()
    assert public.get(f"/public/agreements/{item_id}").status_code == 200
    r = _post(s, "privacy-flag", {"restricted": True, "reason": "涉及商业秘密"})
    assert r.status_code == 200 and r.get_json()["privacy_restricted"] is True
    events = s.mediator.get(f"/api/cases/{s.number}/events").get_json()["events"]
    flag = [e for e in events if e["kind"] == "privacy_flag"]
    assert flag and flag[0]["data"]["restricted"] is True
    assert "disclosure_withdrawn" in [e["kind"] for e in events]
    assert public.get(f"/public/agreements/{item_id}").status_code == 404
    assert "示范" not in public.get("/public/agreements").get_data(as_text=True).split("</h1>")[1]
    d = r.get_json()["disclosure"]
    assert d["status"] == "withdrawn" and d["facts"] == "" and d["title"] == ""
    for path, body in (
        ("disclosure/draft", {}),
        ("disclosure", {"title": "x", "facts": "y", "outcome": "z"}),
        ("disclosure/approve", {}),
        ("disclosure/publish", {}),
    ):
        r = _post(s, path, body)
        assert r.status_code == 409, path
        assert r.get_json()["error"]["code"] == "disclosure.restricted"
        assert "隐私或商业秘密" in r.get_json()["error"]["message"]
    # Even a row forced to "published" in the database is not listed or shown.
    from mediation.disclosure.model import Disclosure

    with s.session() as session:
        row = session.get(Disclosure, item_id)
        row.status = "published"
        row.title = "强制公开的标题"
        session.commit()
    assert "强制公开的标题" not in public.get("/public/agreements").get_data(as_text=True)
    assert public.get(f"/public/agreements/{item_id}").status_code == 404


def test_a_case_flagged_before_drafting_is_never_drafted(agreed, app):
    s = agreed
    _post(s, "privacy-flag", {"restricted": True})
    r = _post(s, "disclosure/draft")
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "disclosure.restricted"
    state = s.mediator.get(f"/api/cases/{s.number}/disclosure").get_json()
    assert state["disclosure"] is None and state["eligible"] is False
    # The case page says so and offers no draft button.
    client = app.test_client()
    sign_in(client, "med-p", "pw-long-enough")
    page = client.get(f"/cases/{s.number}").get_data(as_text=True)
    assert 'id="privacy-restricted"' in page and 'id="disclosure-draft-button"' not in page
    # Cleared again (an event too), drafting works.
    _post(s, "privacy-flag", {"restricted": False})
    assert _post(s, "disclosure/draft").status_code == 201


def test_only_cases_with_an_agreement_and_only_staff(parties, agreed, make_user, app):
    s = agreed
    for user, role, inst in (
        ("claimant-x", "claimant", None),
        ("auditor-x", "auditor", None),
        ("court-x", "court", None),
    ):
        _, token = make_user(user, role, institution=inst)
        api = Api(app.test_client(), token)
        assert api.post(f"/api/cases/{s.number}/disclosure/draft", json={}).status_code == 403
        assert api.post(f"/api/cases/{s.number}/privacy-flag", data="x").status_code == 403
    assert s.claimant.get(f"/api/cases/{s.number}/disclosure").status_code == 403
    assert s.institution.post(f"/api/cases/{s.number}/disclosure/publish").status_code == 403
    # A case still in mediation has nothing to disclose.
    r = s.mediator.post("/api/cases", json={**_payload(), "received_on": "2026-03-03"})
    other = r.get_json()["number"]
    r = s.mediator.post(f"/api/cases/{other}/disclosure/draft", json={})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "disclosure.no_agreement"


def _payload():
    from tests.conftest import case_payload

    return case_payload()


def test_staff_review_through_the_case_page_forms(agreed, app):
    s = agreed
    client = app.test_client()
    sign_in(client, "med-p", "pw-long-enough")
    page = client.get(f"/cases/{s.number}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    base = f"/cases/{s.number}/disclosure/"
    assert client.post(base + "draft").status_code == 400  # no CSRF token
    for action in ("draft", "approve", "publish"):
        r = client.post(base + action, data={"csrf_token": token})
        assert r.status_code == 302, action
    page = client.get(f"/cases/{s.number}").get_data(as_text=True)
    assert 'id="disclosure-status">已公开' in page
    assert "/public/agreements/" in page


def test_public_list_fits_a_phone(agreed, app, server, browser):
    s = agreed
    _post(s, "disclosure/draft")
    _post(s, "disclosure/approve")
    _post(s, "disclosure/publish")
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(server + "/public/agreements")
    assert page.locator("#public-agreements li").count() == 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    from tests.web.test_accessibility import audit

    assert audit(page, contrast=4.5) == []
    page.locator("#public-agreements a").first.click()
    page.wait_for_selector("#public-agreement")
    assert "王某" in page.inner_text("#public-agreement")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert audit(page, contrast=4.5) == []
    # The mediator's case page with both sections passes the same audit.
    page.goto(server + "/login")
    page.fill("input[name=username]", "med-p")
    page.fill("input[name=password]", "pw-long-enough")
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state()
    page.goto(f"{server}/cases/{s.number}")
    assert page.locator("#performance").count() == 1 and page.locator("#disclosure").count() == 1
    assert audit(page, contrast=4.5) == []
