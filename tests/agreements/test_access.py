"""Who may do what with an agreement: parties see issued versions only, staff draft and
issue, each signer signs only their own place, outsiders are refused before anything."""

from __future__ import annotations

from tests.agreements.conftest import CLAUSES, sign_as
from tests.conftest import Api


def _code(r) -> str:
    return r.get_json()["error"]["code"]


def test_parties_never_see_drafts_and_cannot_draft_or_issue(signing):
    s = signing
    assert (
        s.mediator.post(f"/api/cases/{s.number}/agreement", json={"clauses": CLAUSES}).status_code
        == 201
    )
    for api in (s.claimant, s.institution):
        assert api.get(f"/api/cases/{s.number}/agreement").get_json() == {"agreement": None}
        assert api.get(f"/api/cases/{s.number}/agreement/pdf").status_code == 404
        assert api.get(f"/api/cases/{s.number}/agreement/preview.pdf").status_code == 403
        assert (
            api.post(f"/api/cases/{s.number}/agreement", json={"clauses": CLAUSES}).status_code
            == 403
        )
        assert api.post(f"/api/cases/{s.number}/agreement/issue", json={}).status_code == 403
    preview = s.mediator.get(f"/api/cases/{s.number}/agreement/preview.pdf")
    assert preview.status_code == 200 and preview.data.startswith(b"%PDF-")


def test_each_signer_signs_only_their_own_place(issued, make_user, app):
    s = issued
    # The claimant signs the claimant's place, once; it cannot fill another place.
    assert sign_as(s, "claimant").status_code == 200
    r = s.claimant.post(f"/api/cases/{s.number}/agreement/code", json={})
    assert r.status_code == 409 and _code(r) == "agreements.already_signed"
    body = s.claimant.get(f"/api/cases/{s.number}/agreement").get_json()["agreement"]
    assert [x["role"] for x in body["signers"] if x["signed"]] == ["claimant"]
    # An administrator is staff but not a signer; an auditor reads but never signs.
    _, admin_token = make_user("admin-a", "admin")
    _, auditor_token = make_user("auditor-a", "auditor")
    admin, auditor = Api(app.test_client(), admin_token), Api(app.test_client(), auditor_token)
    r = admin.post(f"/api/cases/{s.number}/agreement/code", json={})
    assert r.status_code == 403 and _code(r) == "agreements.not_a_signer"
    assert auditor.get(f"/api/cases/{s.number}/agreement").status_code == 200
    assert auditor.post(f"/api/cases/{s.number}/agreement/code", json={}).status_code == 403
    assert (
        auditor.post(f"/api/cases/{s.number}/agreement/sign", json={"code": "123456"}).status_code
        == 403
    )


def test_outsiders_are_refused(issued, make_user, app):
    s = issued
    _, other_claimant = make_user("claimant-b", "claimant")
    _, other_bank = make_user("inst-b", "institution", institution="另一家银行")
    for token in (other_claimant, other_bank):
        api = Api(app.test_client(), token)
        for method, path in [
            ("GET", ""),
            ("GET", "/pdf"),
            ("GET", "/executed.pdf"),
            ("POST", "/code"),
            ("POST", "/sign"),
            ("POST", ""),
        ]:
            url = f"/api/cases/{s.number}/agreement{path}"
            r = api.get(url) if method == "GET" else api.post(url, json={"code": "000000"})
            assert r.status_code == 403, (method, url, r.status_code)
    r = app.test_client().get(f"/api/cases/{s.number}/agreement")
    assert r.status_code == 401


def test_a_second_mediator_cannot_sign_for_the_case_mediator(issued, make_user, app):
    from sqlalchemy import update

    from mediation.cases.model import Case

    s = issued
    with app.extensions["mediation.engine"].begin() as conn:
        conn.execute(update(Case).where(Case.id == s.case_id).values(mediator_id=s.mediator_id))
    _, token = make_user("med-b", "mediator")
    r = Api(app.test_client(), token).post(f"/api/cases/{s.number}/agreement/code", json={})
    assert r.status_code == 403 and _code(r) == "agreements.not_a_signer"
    assert sign_as(s, "mediator").status_code == 200


def test_errors_come_in_the_users_language(issued, app):
    s = issued
    en = Api(app.test_client(), s.claimant.headers["Authorization"][7:], lang="en")
    r = en.post(f"/api/cases/{s.number}/agreement/sign", json={"code": "12"})
    assert r.get_json()["error"]["message"] == "The verification code is 6 digits."
    r = s.claimant.post(f"/api/cases/{s.number}/agreement/sign", json={"code": "123456"})
    assert r.status_code == 409 and r.get_json()["error"]["message"] == "请先获取验证码。"
