"""Court pages: the inbox ordered by the running clock's due date, the submission page
with the verification report and the decision forms, the clerk's upload, and the court
status on the mediator's and the claimant's case pages."""

from __future__ import annotations

import io
import re

from tests.conftest import sign_in
from tests.court.conftest import post_packet, tamper


def _client(app, username: str):
    client = app.test_client()
    sign_in(client, username, "pw-long-enough")
    page = client.get("/my")
    csrf = re.search(rb'name="csrf-token" content="([^"]+)"', page.data).group(1).decode()
    return client, csrf


def test_clerk_uploads_on_the_page_and_sees_the_report_and_the_clock(court_setup, app):
    s = court_setup
    clerk, csrf = _client(app, "clerk-J001")
    inbox = clerk.get("/court")
    assert inbox.status_code == 200 and "司法确认收件箱" in inbox.get_data(as_text=True)
    r = clerk.post(
        "/court/upload",
        data={"csrf_token": csrf, "packet": (io.BytesIO(s.packet_zip), "packet.zip")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302 and "/court/submissions/" in r.location
    page = clerk.get(r.location).get_data(as_text=True)
    assert 'id="verification" data-ok="true"' in page
    assert 'data-rule="JC-2011-4"' in page and "2026-03-19" in page
    assert 'id="accept-form"' in page and 'id="refuse-form"' in page
    assert "法释〔2011〕5号" in page or "司法确认程序" in page  # the rule's citation
    sub_id = int(r.location.rsplit("/", 1)[1])
    got = s.court.clerk.get(f"/api/court/submissions/{sub_id}").get_json()
    assert got["channel"] == "web"
    inbox = clerk.get("/court").get_data(as_text=True)
    assert s.number in inbox and "2026-03-19" in inbox
    # The packet can be downloaded as received, with its hash.
    download = clerk.get(f"/court/submissions/{sub_id}/packet")
    assert download.status_code == 200 and download.data == s.packet_zip
    assert download.headers["X-Content-SHA256"] == got["packet_sha256"]


def test_tampered_packet_page_names_the_problem(court_setup, app):
    s = court_setup
    bad = tamper(s.packet_zip, "manifest-sha256.txt")
    sub = post_packet(s.court.clerk, bad).get_json()
    clerk, _ = _client(app, "clerk-J001")
    page = clerk.get(f"/court/submissions/{sub['id']}").get_data(as_text=True)
    assert 'data-ok="false"' in page
    codes = re.findall(r'<li data-code="([^"]+)">', page)
    assert codes and codes == [p["code"] for p in sub["verification"]["problems"]]
    assert "manifest-sha256.txt" in page
    english = clerk.get(f"/court/submissions/{sub['id']}?lang=en").get_data(as_text=True)
    assert "Verification failed" in english


def test_ruling_on_the_page_and_the_status_on_the_case_pages(court_setup, app, make_user):
    from mediation.cases.model import Case, PartyRole
    from mediation.db import session_scope

    s = court_setup
    sub = post_packet(s.court.clerk, s.packet_zip).get_json()
    clerk, csrf = _client(app, "clerk-J001")
    base = f"/court/submissions/{sub['id']}"
    assert (
        clerk.post(base + "/accept", data={"csrf_token": csrf, "on_date": "2026-03-17"}).status_code
        == 302
    )
    page = clerk.get(base).get_data(as_text=True)
    assert 'id="ruling-form"' in page and 'id="extend-form"' in page
    r = clerk.post(
        base + "/ruling",
        data={
            "csrf_token": csrf,
            "outcome": "not_confirmed",
            "ruled_on": "2026-03-25",
            "reason": "协议内容损害第三人利益",
        },
    )
    assert r.status_code == 302
    claimant_id, _ = make_user("claimant9", "claimant", password="pw-long-enough")
    with session_scope(app.extensions["mediation.sessionmaker"]) as db:
        case = db.query(Case).filter_by(number=s.number).one()
        next(p for p in case.parties if p.role == PartyRole.CLAIMANT).user_id = claimant_id
    claimant, _ = _client(app, "claimant9")
    portal = claimant.get(f"/cases/{s.number}").get_data(as_text=True)
    assert 'id="court"' in portal and 'data-status="not_confirmed"' in portal
    assert "协议内容损害第三人利益" in portal
    assert "提起诉讼" in portal  # what the parties may do next (民事诉讼法 Art 206)
    assert "核验结果" not in portal  # no report for a party
    make_user("mediator9", "mediator", password="pw-long-enough")
    mediator, _ = _client(app, "mediator9")
    page = mediator.get(f"/cases/{s.number}").get_data(as_text=True)
    assert 'data-status="not_confirmed"' in page and "核验结果" in page


def test_mediator_sends_the_case_to_court_from_the_case_page(court_setup, app, make_user):
    s = court_setup
    make_user("mediator9", "mediator", password="pw-long-enough")
    mediator, csrf = _client(app, "mediator9")
    page = mediator.get(f"/cases/{s.number}").get_data(as_text=True)
    assert 'id="court-submit-form"' in page and 'value="J001"' in page
    r = mediator.post(
        f"/cases/{s.number}/court/submit",
        data={"csrf_token": csrf, "court": "J002", "applied_on": "2026-03-16"},
    )
    assert r.status_code == 302
    page = mediator.get(f"/cases/{s.number}").get_data(as_text=True)
    assert 'data-status="received"' in page and "邻区人民法院" in page
    assert 'id="court-submit-form"' not in page  # one open application at a time
    assert s.other.clerk.get("/api/court/submissions").get_json()["submissions"]
