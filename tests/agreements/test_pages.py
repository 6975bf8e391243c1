"""The editor and the sign page, through forms with CSRF tokens, as a browser would."""

from __future__ import annotations

import re

from tests.agreements.conftest import latest_code
from tests.conftest import sign_in


def _client(app, username: str, password: str):
    client = app.test_client()
    sign_in(client, username, password)
    page = client.get("/my")
    token = re.search(rb'name="csrf-token" content="([^"]+)"', page.data).group(1).decode()
    return client, token


def test_mediator_drafts_issues_and_parties_sign_on_pages(signing, app):
    s = signing
    med, mtoken = _client(app, "med-a", "pw-" + "x" * 8)
    page = med.get(f"/cases/{s.number}/agreement")
    assert page.status_code == 200 and "调解协议编辑" in page.get_data(as_text=True)
    # A missing amount: the form comes back with the message and what was typed.
    r = med.post(
        f"/cases/{s.number}/agreement",
        data={
            "csrf_token": mtoken,
            "use.refund": "1",
            "refund.pay_by": "2026-05-01",
            "refund.product": "某理财",
        },
    )
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "第 1 项条款（退款）的“金额（元）”：必须填写。" in html
    assert 'value="某理财"' in html
    r = med.post(
        f"/cases/{s.number}/agreement",
        data={
            "csrf_token": mtoken,
            "use.refund": "1",
            "refund.amount": "5000",
            "refund.pay_by": "2026-05-01",
            "use.instalments": "1",
            "instalments.payer": "respondent",
            "instalments.total": "300",
            "instalments.instalments": "2026-06-01 100\n2026-07-01 200",
        },
        follow_redirects=True,
    )
    assert r.status_code == 200 and "草稿已保存" in r.get_data(as_text=True)
    # No CSRF token, no change.
    assert med.post(f"/cases/{s.number}/agreement/issue", data={}).status_code == 400
    r = med.post(
        f"/cases/{s.number}/agreement/issue", data={"csrf_token": mtoken}, follow_redirects=True
    )
    assert "协议已出具" in r.get_data(as_text=True)
    case_page = med.get(f"/cases/{s.number}").get_data(as_text=True)
    assert 'id="agreement"' in case_page and "待签署" in case_page

    cl, ctoken = _client(app, "claimant-a", "pw-long-enough")
    page = cl.get(f"/cases/{s.number}/agreement").get_data(as_text=True)
    assert 'id="sign-box"' in page and "人民币5000.00元" in page
    assert 'id="agreement"' in cl.get(f"/cases/{s.number}").get_data(as_text=True)
    r = cl.post(
        f"/cases/{s.number}/agreement/code", data={"csrf_token": ctoken}, follow_redirects=True
    )
    assert "验证码已发送" in r.get_data(as_text=True)
    r = cl.post(
        f"/cases/{s.number}/agreement/sign",
        data={
            "csrf_token": ctoken,
            "code": "000000" if latest_code(s.claimant_id) != "000000" else "111111",
        },
        follow_redirects=True,
    )
    assert "验证码不正确，还可以再试 4 次" in r.get_data(as_text=True)
    r = cl.post(
        f"/cases/{s.number}/agreement/sign",
        data={"csrf_token": ctoken, "code": latest_code(s.claimant_id)},
        follow_redirects=True,
    )
    html = r.get_data(as_text=True)
    assert "您已签署" in html and 'id="sign-box"' not in html

    inst, itoken = _client(app, "inst-a", "pw-long-enough")
    inst.post(f"/cases/{s.number}/agreement/code", data={"csrf_token": itoken})
    inst.post(
        f"/cases/{s.number}/agreement/sign",
        data={"csrf_token": itoken, "code": latest_code(s.institution_id)},
    )
    med.post(f"/cases/{s.number}/agreement/code", data={"csrf_token": mtoken})
    r = med.post(
        f"/cases/{s.number}/agreement/sign",
        data={"csrf_token": mtoken, "code": latest_code(s.mediator_id)},
        follow_redirects=True,
    )
    html = r.get_data(as_text=True)
    assert "已生效" in html and 'id="executed-link"' in html
    assert s.mediator.get(f"/api/cases/{s.number}").get_json()["stage"] == "signed"
