"""Who may see and act on court submissions: the receiving court's clerks decide; the
centre's staff read; a clerk of another court, claimants and institutions are refused on
every court route, API and pages; a court sees only the cases it received."""

from __future__ import annotations

import io
import re

import pytest

from tests.conftest import Api, sign_in
from tests.court.conftest import post_packet


def _link_claimant(app, number: str, user_id: int) -> None:
    from mediation.cases.model import Case, PartyRole
    from mediation.db import session_scope

    with session_scope(app.extensions["mediation.sessionmaker"]) as s:
        case = s.query(Case).filter_by(number=number).one()
        next(p for p in case.parties if p.role == PartyRole.CLAIMANT).user_id = user_id


@pytest.fixture
def received(court_setup):
    r = post_packet(court_setup.court.clerk, court_setup.packet_zip)
    assert r.status_code == 201, r.get_json()
    return court_setup, r.get_json()["id"]


def _api_routes(sub_id: int, number: str) -> list[tuple[str, str, dict | None]]:
    base = f"/api/court/submissions/{sub_id}"
    return [
        ("get", base, None),
        ("get", base + "/packet", None),
        ("post", base + "/accept", {}),
        ("post", base + "/refuse", {"reason": "x"}),
        ("post", base + "/ruling", {"outcome": "confirmed"}),
        ("post", base + "/extension", {"approver": "x"}),
        ("post", f"/api/cases/{number}/court-submissions", {"court": "J001"}),
    ]


def test_outsiders_are_refused_on_every_court_api_route(received, app, make_user):
    s, sub_id = received
    claimant_id, claimant_token = make_user("claimant1", "claimant")
    _link_claimant(app, s.number, claimant_id)
    _, inst_token = make_user(
        "bank1", "institution", institution="某人寿保险股份有限公司示范中心支公司"
    )
    _, court_user_token = make_user("loose-court", "court")  # role court, but no court
    client = app.test_client()
    outsiders = {
        "other court clerk": s.other.clerk,
        "other court service": s.other.service,
        "claimant": Api(client, claimant_token),
        "institution": Api(client, inst_token),
        "court role without a court": Api(client, court_user_token),
    }
    for who, api in outsiders.items():
        for method, path, body in _api_routes(sub_id, s.number):
            r = api.get(path) if method == "get" else api.post(path, json=body)
            assert r.status_code == 403, (who, method, path, r.status_code)
        clerk_elsewhere = who.startswith("other court")
        # Another court's clerk has an inbox of its own (empty), and can receive packets
        # only for its own court: this case already has an open application elsewhere.
        r = api.get("/api/court/submissions")
        assert r.status_code == (200 if clerk_elsewhere else 403), (who, r.status_code)
        if clerk_elsewhere:
            assert r.get_json()["submissions"] == []
        r = post_packet(api, s.packet_zip)
        assert r.status_code == (409 if clerk_elsewhere else 403), (who, "receive")
    # Nothing changed.
    got = s.court.clerk.get(f"/api/court/submissions/{sub_id}").get_json()
    assert got["status"] == "received"


def test_a_court_sees_only_the_cases_it_received(received, app, make_user):
    s, _ = received
    assert s.court.clerk.get(f"/api/cases/{s.number}").status_code == 200
    assert s.other.clerk.get(f"/api/cases/{s.number}").status_code == 403
    assert s.other.clerk.get(f"/api/cases/{s.number}/evidence").status_code == 403
    listed = s.other.clerk.get("/api/cases").get_json()
    assert listed["total"] == 0
    assert [c["number"] for c in s.court.clerk.get("/api/cases").get_json()["cases"]] == [s.number]
    # The receiving court sees the claimant's personal data masked.
    case = s.court.clerk.get(f"/api/cases/{s.number}").get_json()
    claimant = next(p for p in case["parties"] if p["role"] == "claimant")
    assert claimant["id_number"] != "410102195203041234" and "*" in claimant["id_number"]
    # A court never changes the case's stage itself.
    r = s.court.clerk.post(f"/api/cases/{s.number}/transitions", json={"to": "performance"})
    assert r.status_code == 403


def test_claimant_sees_the_court_status_of_their_case_but_not_the_report(received, app, make_user):
    s, _ = received
    claimant_id, token = make_user("claimant1", "claimant")
    _link_claimant(app, s.number, claimant_id)
    api = Api(app.test_client(), token)
    rows = api.get(f"/api/cases/{s.number}/court-submissions").get_json()["submissions"]
    assert rows[0]["status"] == "received" and "verification" not in rows[0]
    assert "packet_sha256" not in rows[0]


def _signed_in(app, username: str) -> tuple:
    client = app.test_client()
    sign_in(client, username, "pw-long-enough")
    page = client.get("/my")
    token = re.search(rb'name="csrf-token" content="([^"]+)"', page.data).group(1).decode()
    return client, token


def test_court_pages_refuse_outsiders_and_forms_need_csrf(received, app, make_user):
    s, sub_id = received
    make_user("claimant2", "claimant", password="pw-long-enough")
    other, other_csrf = _signed_in(app, "clerk-J002")
    claimant, claimant_csrf = _signed_in(app, "claimant2")
    pages = [
        ("get", "/court"),
        ("get", f"/court/submissions/{sub_id}"),
        ("get", f"/court/submissions/{sub_id}/packet"),
        ("post", f"/court/submissions/{sub_id}/accept"),
        ("post", f"/court/submissions/{sub_id}/refuse"),
        ("post", f"/court/submissions/{sub_id}/ruling"),
        ("post", f"/court/submissions/{sub_id}/extension"),
        ("post", f"/cases/{s.number}/court/submit"),
    ]
    for client, csrf in ((other, other_csrf), (claimant, claimant_csrf)):
        for method, path in pages:
            if method == "get":
                r = client.get(path)
            else:
                r = client.post(path, data={"csrf_token": csrf, "reason": "x", "approver": "x"})
            if path == "/court" and client is other:
                assert r.status_code == 200  # its own (empty) inbox
                assert s.number.encode() not in r.data
                continue
            assert r.status_code == 403, (path, r.status_code)
    # The receiving clerk without the CSRF token is refused; with it, accepted.
    clerk, csrf = _signed_in(app, "clerk-J001")
    r = clerk.post(f"/court/submissions/{sub_id}/accept", data={"on_date": "2026-03-17"})
    assert r.status_code == 400
    r = clerk.post(
        f"/court/submissions/{sub_id}/accept", data={"on_date": "2026-03-17", "csrf_token": csrf}
    )
    assert r.status_code == 302
    assert s.court.clerk.get(f"/api/court/submissions/{sub_id}").get_json()["status"] == "accepted"
    # The other court's clerk uploading the packet on its page: it would land in its own
    # court, but the case already has an open application, so nothing is received.
    r = other.post(
        "/court/upload",
        data={"csrf_token": other_csrf, "packet": (io.BytesIO(s.packet_zip), "p.zip")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    assert s.other.clerk.get("/api/court/submissions").get_json()["submissions"] == []
