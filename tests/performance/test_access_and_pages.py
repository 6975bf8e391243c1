"""Who may do what: staff manage, the paying institution records its own payments, the
claimant sees, everyone else is refused; the section on the case pages, its forms with
CSRF, zh and en."""

from __future__ import annotations

import re

from tests.conftest import Api, sign_in
from tests.performance.conftest import SCHEDULE


def _schedule(s):
    r = s.mediator.post(f"/api/cases/{s.number}/performance/schedule", json={"items": SCHEDULE})
    assert r.status_code == 201


def test_access_matrix(signed, make_user, app):
    s = signed
    _schedule(s)
    base = f"/api/cases/{s.number}/performance"
    pay = {"instalment": 2, "amount": "10", "paid_on": "2026-04-14"}
    # The claimant sees and may not change anything.
    assert s.claimant.get(base).status_code == 200
    assert s.claimant.post(base + "/payments", json=pay).status_code == 403
    assert s.claimant.post(base + "/schedule", json={"items": SCHEDULE}).status_code == 403
    # The institution records what it owes, not what the claimant owes, and sets no plan.
    assert s.institution.get(base).status_code == 200
    assert s.institution.post(base + "/payments", json=pay).status_code == 201
    r = s.institution.post(base + "/payments", json={**pay, "instalment": 1})
    assert r.status_code == 403
    assert r.get_json()["error"]["code"] == "performance.not_your_payment"
    assert s.institution.post(base + "/schedule", json={"items": SCHEDULE}).status_code == 403
    # An auditor reads; others are refused everything, before their body is read.
    _, auditor = make_user("auditor-p", "auditor")
    assert Api(app.test_client(), auditor).get(base).status_code == 200
    assert Api(app.test_client(), auditor).post(base + "/payments", json=pay).status_code == 403
    for username, role, inst in (
        ("other-claimant", "claimant", None),
        ("other-bank", "institution", "另一家银行"),
        ("court-p", "court", None),
    ):
        _, token = make_user(username, role, institution=inst)
        other = Api(app.test_client(), token)
        assert other.get(base).status_code == 403, username
        assert other.post(base + "/payments", data="not json").status_code == 403, username
        assert other.post(base + "/schedule", json={"items": SCHEDULE}).status_code == 403
        assert other.get(base + "/alerts/1/packet").status_code == 403, username
    assert app.test_client().get(base).status_code == 401


def _page(client, number, lang="zh"):
    return client.get(f"/cases/{number}?lang={lang}").get_data(as_text=True)


def test_case_pages_show_the_section_and_the_forms_carry_csrf(signed, app):
    s = signed
    _schedule(s)
    mediator = app.test_client()
    sign_in(mediator, "med-p", "pw-long-enough")
    page = _page(mediator, s.number)
    assert 'id="performance"' in page and "协议履行" in page and 'id="payment-form"' in page
    assert 'id="instalments"' in page and "待履行" in page
    page_en = _page(mediator, s.number, "en")
    assert "Performance of the agreement" in page_en and "Record a payment" in page_en
    # A form post without the CSRF token is refused; with it the payment is recorded.
    url = f"/cases/{s.number}/performance/payments"
    form = {"instalment": "2", "amount": "250", "paid_on": "2026-04-14", "method": "cash"}
    assert mediator.post(url, data=form).status_code == 400
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = mediator.post(url, data={**form, "csrf_token": token})
    assert r.status_code == 302 and r.headers["Location"].endswith("#performance")
    page = _page(mediator, s.number)
    assert "部分履行" in page and "250.00" in page
    # The claimant's portal shows the schedule without the form.
    claimant = app.test_client()
    sign_in(claimant, "claimant-p", "pw-long-enough")
    page = _page(claimant, s.number)
    assert 'id="performance"' in page and 'id="payment-form"' not in page
    assert "部分履行" in page
    # The institution's portal has the form.
    institution = app.test_client()
    sign_in(institution, "inst-p", "pw-long-enough")
    assert 'id="payment-form"' in _page(institution, s.number)
    # An over-payment through the form comes back as a message, nothing recorded.
    r = mediator.post(
        url, data={**form, "amount": "99999", "csrf_token": token}, follow_redirects=True
    )
    assert "超过第 2 期未付金额" in r.get_data(as_text=True)


def test_all_paid_suggests_closing(signed, app):
    s = signed
    s.mediator.post(f"/api/cases/{s.number}/performance/schedule", json={"items": SCHEDULE[:1]})
    s.mediator.post(
        f"/api/cases/{s.number}/performance/payments",
        json={"instalment": 1, "amount": "1000", "paid_on": "2026-04-14"},
    )
    mediator = app.test_client()
    sign_in(mediator, "med-p", "pw-long-enough")
    page = _page(mediator, s.number)
    assert 'id="performance-complete"' in page and "可以结案" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = mediator.post(f"/cases/{s.number}/transition", data={"to": "closed", "csrf_token": token})
    assert r.status_code == 302
    assert s.mediator.get(f"/api/cases/{s.number}").get_json()["stage"] == "closed"
