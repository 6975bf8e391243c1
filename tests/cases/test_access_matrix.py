"""Every route that names a case refuses a user who may not see that case: a claimant of
another case, an institution the case is not against and a court user it was not sent to,
through the API (bearer token) and through the pages (signed-in session, valid CSRF token)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import Api, case_payload, sign_in


def _case_routes(app):
    for rule in app.url_map.iter_rules():
        if "<number>" not in rule.rule:
            continue
        url = re.sub(
            r"<(?:int:)?(\w+)>", lambda m: "{number}" if m.group(1) == "number" else "1", rule.rule
        )
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, url


@pytest.mark.parametrize("role", ["claimant", "institution", "court"])
def test_outsiders_are_refused_on_every_case_route(app, make_user, mediator_api, role):
    if app.config["DATABASE_URL"].startswith("postgresql"):
        pytest.skip("the route matrix runs once, on SQLite")
    number = mediator_api.post("/api/cases", json=case_payload()).get_json()["number"]
    _, token = make_user(
        "outsider",
        role,
        institution="另一家银行" if role == "institution" else None,
        password="pw-long-enough",
    )
    api = Api(app.test_client(), token)
    browser = app.test_client()
    sign_in(browser, "outsider", "pw-long-enough")
    csrf = (
        re.search(rb'name="csrf-token" content="([^"]+)"', browser.get("/my").data)
        .group(1)
        .decode()
    )
    routes = list(_case_routes(app))
    assert len(routes) > 30
    let_through = []
    for method, template in routes:
        url = template.format(number=number)
        if url.startswith("/api/"):
            r = api.client.open(
                url, method=method, headers=api.headers, json={} if method == "POST" else None
            )
        else:
            r = browser.open(
                url,
                method=method,
                data={"csrf_token": csrf} if method == "POST" else None,
                headers={"X-CSRFToken": csrf},
            )
        if r.status_code != 403:
            let_through.append((method, url, r.status_code))
    assert let_through == [], "\n".join(map(str, let_through))
