"""Who may see and change which case; personal data masked for others."""

from __future__ import annotations

from tests.conftest import Api, case_payload, sign_in

BANK = "某人寿保险股份有限公司示范中心支公司"


def test_requests_without_a_valid_token_are_refused(app, mediator_api):
    client = app.test_client()
    r = client.get("/api/cases")
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "unauthorized"
    r = client.get("/api/cases", headers={"Authorization": "Bearer forged"})
    assert r.status_code == 401


def test_claimant_sees_only_own_cases_and_cannot_move_them_except_withdraw(
    app, make_user, mediator_api
):
    _, tok = make_user("claimant1", "claimant")
    _, other_tok = make_user("claimant2", "claimant")
    mine = Api(app.test_client(), tok).post("/api/cases", json=case_payload())
    assert mine.status_code == 201
    number = mine.get_json()["number"]
    mediator_api.post("/api/cases", json=case_payload())  # someone else's case
    me = Api(app.test_client(), tok)
    assert [c["number"] for c in me.get("/api/cases").get_json()["cases"]] == [number]
    other = Api(app.test_client(), other_tok)
    r = other.get(f"/api/cases/{number}")
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"
    assert me.post(f"/api/cases/{number}/transitions", json={"to": "accepted"}).status_code == 403
    assert me.post(f"/api/cases/{number}/pause", json={"reason": "appraisal"}).status_code == 403
    r = me.post(
        f"/api/cases/{number}/transitions", json={"to": "withdrawn", "reason": "已自行和解"}
    )
    assert r.status_code == 200 and r.get_json()["stage"] == "withdrawn"


def test_institution_sees_its_cases_with_the_claimants_personal_data_masked(
    app, make_user, mediator_api
):
    _, tok = make_user("insurer", "institution", institution=BANK)
    theirs = mediator_api.post("/api/cases", json=case_payload()).get_json()["number"]
    other = case_payload()
    other["parties"][1]["name"] = "另一家银行"
    mediator_api.post("/api/cases", json=other)
    bank = Api(app.test_client(), tok)
    listing = bank.get("/api/cases").get_json()
    assert [c["number"] for c in listing["cases"]] == [theirs]
    assert listing["cases"][0]["claimants"] == ["王*英"]
    case = bank.get(f"/api/cases/{theirs}").get_json()
    claimant = case["parties"][0]
    assert claimant["name"] == "王*英"
    assert claimant["id_number"] == "4101**********1234"
    assert claimant["phone"] == "138****5678"
    assert claimant["address"] is None
    assert case["parties"][1]["name"] == BANK  # institutions are not masked


def test_browser_session_needs_csrf_token_for_api_writes(app, make_user, mediator_api):
    make_user("web", "mediator", password="s3cret-pass")
    number = mediator_api.post("/api/cases", json=case_payload()).get_json()["number"]
    client = app.test_client()
    page = client.get("/login")
    import re

    token = re.search(rb'name="csrf_token" value="([^"]+)"', page.data).group(1).decode()
    r = client.post(
        "/login", data={"username": "web", "password": "s3cret-pass", "csrf_token": token}
    )
    assert r.status_code == 302
    # Signing in starts a new session, with a new CSRF token (shown on every page).
    page = client.get("/workspace")
    token = re.search(rb'name="csrf-token" content="([^"]+)"', page.data).group(1).decode()
    r = client.post(f"/api/cases/{number}/transitions", json={"to": "accepted"})
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "csrf"
    r = client.post(
        f"/api/cases/{number}/transitions", json={"to": "accepted"}, headers={"X-CSRFToken": token}
    )
    assert r.status_code == 200


def test_login_form_without_csrf_token_is_refused(app, make_user):
    make_user("web2", "mediator", password="s3cret-pass")
    r = app.test_client().post("/login", data={"username": "web2", "password": "s3cret-pass"})
    assert r.status_code == 400
    assert "表单已过期" in r.get_data(as_text=True)


def test_repeated_failed_sign_ins_lock_the_user_name(app, make_user):
    make_user("target", "mediator", password="right-password")
    client = app.test_client()
    for _ in range(5):
        assert sign_in(client, "target", "guess").status_code == 401
    r = sign_in(client, "target", "right-password")
    assert r.status_code == 429
    assert "登录失败次数过多" in r.get_data(as_text=True)
    assert (
        sign_in(app.test_client(), "target", "right-password").status_code == 429
    )  # per name, not per browser


def test_idle_session_expires(app, make_user):
    make_user("sleepy", "mediator", password="right-password")
    client = app.test_client()
    assert sign_in(client, "sleepy", "right-password").status_code == 302
    assert client.get("/workspace").status_code == 200
    with client.session_transaction() as s:
        s["seen"] -= app.config["SESSION_IDLE_SECONDS"] + 1
    r = client.get("/workspace")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_auditor_reads_every_case_masked_and_changes_nothing(app, make_user, mediator_api):
    _, tok = make_user("auditor1", "auditor")
    number = mediator_api.post("/api/cases", json=case_payload()).get_json()["number"]
    auditor = Api(app.test_client(), tok)
    case = auditor.get(f"/api/cases/{number}").get_json()
    assert case["parties"][0]["id_number"] == "4101**********1234"
    r = auditor.post(f"/api/cases/{number}/transitions", json={"to": "accepted"})
    assert r.status_code == 403
    assert auditor.post("/api/cases", json=case_payload()).status_code == 403


def test_opening_unmasked_personal_data_is_logged(app, make_user, mediator_api):
    from sqlalchemy import select

    from mediation.people.model import PersonalDataAccess

    _, bank_tok = make_user("bank9", "institution", institution=BANK)
    number = mediator_api.post("/api/cases", json=case_payload()).get_json()["number"]
    mediator_api.get(f"/api/cases/{number}")
    Api(app.test_client(), bank_tok).get(f"/api/cases/{number}")  # sees masked data only
    session = app.extensions["mediation.sessionmaker"]()
    rows = session.execute(select(PersonalDataAccess.via, PersonalDataAccess.user_id)).all()
    session.close()
    assert len(rows) == 1 and rows[0].via == "api"


def test_institution_answers_and_proposes_claimant_sees_it_others_cannot_post(
    app, make_user, mediator_api
):
    _, bank_tok = make_user("bank2", "institution", institution=BANK)
    _, aud_tok = make_user("aud", "auditor")
    claimant_id, claimant_tok = make_user("wang2", "claimant")
    number = (
        Api(app.test_client(), claimant_tok)
        .post("/api/cases", json=case_payload())
        .get_json()["number"]
    )
    bank = Api(app.test_client(), bank_tok)
    r = bank.post(
        f"/api/cases/{number}/messages", json={"kind": "response", "body": "投保时未告知既往病史。"}
    )
    assert r.status_code == 201 and r.get_json()["label"] == "机构答复意见"
    r = bank.post(
        f"/api/cases/{number}/messages", json={"kind": "proposal", "body": "愿意通融赔付一半。"}
    )
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "missing_field"
    r = bank.post(
        f"/api/cases/{number}/messages",
        json={"kind": "proposal", "body": "愿意通融赔付一半。", "amount": "60000"},
    )
    assert r.status_code == 201
    claimant = Api(app.test_client(), claimant_tok)
    assert (
        claimant.post(
            f"/api/cases/{number}/messages", json={"kind": "response", "body": "x"}
        ).status_code
        == 403
    )
    assert (
        Api(app.test_client(), aud_tok)
        .post(f"/api/cases/{number}/messages", json={"body": "x"})
        .status_code
        == 403
    )
    r = claimant.post(f"/api/cases/{number}/messages", json={"body": "我不同意，要求全额赔付。"})
    assert r.status_code == 201
    seen = claimant.get(f"/api/cases/{number}/messages").get_json()["messages"]
    assert [(m["kind"], m["amount"]) for m in seen] == [
        ("response", None),
        ("proposal", "60000.00"),
        ("message", None),
    ]
    # The bank sees the claimant's role, not the claimant's name.
    assert bank.get(f"/api/cases/{number}/messages").get_json()["messages"][2]["author"] == "申请人"
    events = mediator_api.get(f"/api/cases/{number}").get_json()["events"]
    assert [e["kind"] for e in events if e["kind"] in ("response", "proposal")] == [
        "response",
        "proposal",
    ]
