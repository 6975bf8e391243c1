"""The court receives a real packet, verifies it against its registered trust anchor,
accepts it within 3 days, rules within 15 (+10 with the president's approval), and the
ruling flows back into the case's stage, history and ledger."""

from __future__ import annotations

import io

from tests.court.conftest import RECEIVED_ON, post_packet, tamper


def _clock(sub: dict, rule: str) -> dict:
    found = [c for c in sub["clocks"] if c["rule"] == rule]
    assert found, [c["rule"] for c in sub["clocks"]]
    return found[0]


def _case(api, number):
    return api.get(f"/api/cases/{number}").get_json()


def test_clerk_upload_of_a_valid_packet_is_matched_verified_and_starts_the_3_day_clock(
    court_setup,
):
    s = court_setup
    r = post_packet(s.court.clerk, s.packet_zip)
    assert r.status_code == 201, r.get_json()
    sub = r.get_json()
    assert sub["case_number"] == s.number
    assert sub["status"] == "received" and sub["channel"] == "api"
    assert sub["verification"]["ok"] is True, sub["verification"]["problems"]
    assert sub["verification"]["problems"] == []
    assert sub["received_on"] == "2026-03-16"
    # 法释〔2011〕5号 Art 4: 3 days from receipt (Mon 03-16 → Thu 03-19).
    accept_clock = _clock(sub, "JC-2011-4")
    assert accept_clock["due_on"] == "2026-03-19" and accept_clock["status"] == "running"
    case = _case(s.mediator, s.number)
    assert case["stage"] == "judicial_confirmation"
    kinds = [e["kind"] for e in case["events"]]
    assert "court_received" in kinds
    # The 30-day application window (CPL-205) stopped, met, on receipt.
    cpl = next(c for c in case["clocks"] if c["rule"] == "CPL-205")
    assert cpl["status"] == "stopped" and cpl["met"] is True


def test_tampered_packet_is_received_but_reported_with_its_problem_and_cannot_be_accepted(
    court_setup,
):
    s = court_setup
    bad = tamper(s.packet_zip, "data/agreement.pdf", lambda b: b.replace(b"%%EOF", b"%%EOF "))
    r = post_packet(s.court.service, bad)
    assert r.status_code == 201, r.get_json()
    sub = r.get_json()
    assert sub["verification"]["ok"] is False
    problems = sub["verification"]["problems"]
    assert any(p["path"] == "data/agreement.pdf" for p in problems), problems
    assert all(p["message"] for p in problems)
    r = s.court.clerk.post(f"/api/court/submissions/{sub['id']}/accept", json={})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "court.not_verified"
    # The clerk refuses it instead, with reasons; the 3-day clock stops, met.
    r = s.court.clerk.post(
        f"/api/court/submissions/{sub['id']}/refuse",
        json={"reason": "材料包核验未通过：调解协议文件被改动", "on_date": "2026-03-17"},
    )
    assert r.status_code == 200, r.get_json()
    sub = r.get_json()
    assert sub["status"] == "refused" and sub["refusal_reason"].startswith("材料包")
    clock = _clock(sub, "JC-2011-4")
    assert clock["status"] == "stopped" and clock["met"] is True
    # The case stays in judicial confirmation; the centre may send the packet again.
    assert _case(s.mediator, s.number)["stage"] == "judicial_confirmation"
    again = post_packet(s.court.clerk, s.packet_zip)
    assert again.status_code == 201 and again.get_json()["verification"]["ok"] is True
    # Each application shows its own clocks: the new one a running 3-day clock only.
    assert [(c["rule"], c["status"]) for c in again.get_json()["clocks"]] == [
        ("JC-2011-4", "running")
    ]
    first = s.court.clerk.get(f"/api/court/submissions/{sub['id']}").get_json()
    assert [(c["rule"], c["status"]) for c in first["clocks"]] == [("JC-2011-4", "stopped")]


def test_packet_for_an_unknown_case_or_a_different_agreement_is_refused(court_setup):
    import json as json_mod
    import zipfile

    s = court_setup

    def edit_packet_json(change):
        def apply(raw: bytes) -> bytes:
            doc = json_mod.loads(raw)
            change(doc)
            return json_mod.dumps(doc, ensure_ascii=False).encode()

        return tamper(s.packet_zip, "data/packet.json", apply)

    other_case = edit_packet_json(lambda d: d["case"].update(number="2026-9999"))
    r = post_packet(s.court.clerk, other_case)
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "court.no_such_case"
    other_agreement = edit_packet_json(lambda d: d["agreement"].update(sha256="ab" * 32))
    r = post_packet(s.court.clerk, other_agreement)
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "court.agreement_mismatch"
    r = post_packet(s.court.clerk, b"not a zip")
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "court.packet_unreadable"
    assert zipfile.is_zipfile(io.BytesIO(s.packet_zip))
    assert _case(s.mediator, s.number)["stage"] == "signed"  # nothing changed


def test_acceptance_starts_15_days_extension_adds_10_and_confirmation_moves_to_performance(
    court_setup,
):
    s = court_setup
    sub = post_packet(s.court.clerk, s.packet_zip).get_json()
    base = f"/api/court/submissions/{sub['id']}"
    r = s.court.clerk.post(
        base + "/accept", json={"on_date": "2026-03-18", "court_case_number": "(2026)示0101民特1号"}
    )
    assert r.status_code == 200, r.get_json()
    sub = r.get_json()
    assert sub["status"] == "accepted" and sub["decided_on"] == "2026-03-18"
    assert _clock(sub, "JC-2011-4")["status"] == "stopped"
    assert _clock(sub, "JC-2011-4")["met"] is True
    ruling_clock = _clock(sub, "JC-2011-5")
    assert ruling_clock["due_on"] == "2026-04-02"  # 15 days from 03-18
    # A second acceptance is refused.
    assert s.court.clerk.post(base + "/accept", json={}).status_code == 409
    # 因特殊情况 the president approves 10 more days: 04-12 is a Sunday, so 04-13.
    r = s.court.clerk.post(base + "/extension", json={"approver": "张院长"})
    assert r.status_code == 200, r.get_json()
    ruling_clock = _clock(r.get_json(), "JC-2011-5")
    assert ruling_clock["due_on"] == "2026-04-13" and ruling_clock["extension_days"] == 10
    assert ruling_clock["extensions"][0]["approver"] == "张院长"
    assert "第五条" in ruling_clock["extensions"][0]["legal_ground"]
    # Only once: the rule allows 10 days in all.
    r = s.court.clerk.post(base + "/extension", json={"approver": "张院长"})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "extension_not_allowed"

    r = s.court.clerk.client.post(
        base + "/ruling",
        data={
            "outcome": "confirmed",
            "ruled_on": "2026-04-08",
            "document": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "民事裁定书.pdf"),
        },
        headers=s.court.clerk.headers,
        content_type="multipart/form-data",
    )
    assert r.status_code == 200, r.get_json()
    sub = r.get_json()
    assert sub["status"] == "confirmed" and sub["outcome"] == "confirmed"
    assert sub["ruled_on"] == "2026-04-08" and sub["ruling_document"]
    clock = _clock(sub, "JC-2011-5")
    assert clock["status"] == "stopped" and clock["met"] is True

    case = _case(s.mediator, s.number)
    assert case["stage"] == "performance"
    ruled = [e for e in case["events"] if e["kind"] == "court_ruled"]
    assert ruled and ruled[0]["data"]["outcome"] == "confirmed"
    assert ruled[0]["effective_on"] == "2026-04-08"
    move = [e for e in case["events"] if e["kind"] == "transition"][-1]
    assert (move["from_stage"], move["to_stage"]) == ("judicial_confirmation", "performance")
    # The ruling document is evidence of the case, with its hash on the ledger.
    evidence = s.mediator.get(f"/api/cases/{s.number}/evidence").get_json()["evidence"]
    assert "民事裁定书.pdf" in [e["filename"] for e in evidence]


def test_not_confirmed_ruling_needs_reasons_and_sends_the_case_back_to_mediation(court_setup, app):
    s = court_setup
    sub = post_packet(s.court.service, s.packet_zip).get_json()
    base = f"/api/court/submissions/{sub['id']}"
    assert s.court.service.post(base + "/accept", json={"on_date": "2026-03-17"}).status_code == 200
    r = s.court.service.post(base + "/ruling", json={"outcome": "not_confirmed"})
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "reason_required"
    reason = "协议约定的违约金过高，违反法律规定"
    r = s.court.service.post(
        base + "/ruling",
        json={"outcome": "not_confirmed", "ruled_on": "2026-03-30", "reason": reason},
    )
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["status"] == "not_confirmed"
    case = _case(s.mediator, s.number)
    assert case["stage"] == "mediation"
    back = [e for e in case["events"] if e["kind"] == "transition"][-1]
    assert back["to_stage"] == "mediation" and back["reason"] == reason
    _assert_ledger_has(app, s.number, "case.court_ruled")


def _assert_ledger_has(app, number: str, entry_type: str) -> None:
    import json

    from mediation.cases.model import Case
    from mediation.evidence.ledger import entries

    with app.app_context():
        session = app.extensions["mediation.sessionmaker"]()
        try:
            case = session.query(Case).filter_by(number=number).one()
            rows = [e for e in entries(session, case.id) if e.entry_type == entry_type]
            assert rows, entry_type
            payload = json.loads(bytes(rows[-1].body))["payload"]
            # Facts are plain, the court's free text only a hash.
            assert payload["data"]["outcome"] in ("confirmed", "not_confirmed")
            assert payload["reason_sha256"] is None or len(payload["reason_sha256"]) == 64
        finally:
            session.close()


def test_centre_sends_the_packet_and_the_inbox_orders_by_due_date(court_setup):
    s = court_setup
    r = s.mediator.post(
        f"/api/cases/{s.number}/court-submissions",
        json={"court": "J001", "applied_on": "2026-03-15"},
    )
    assert r.status_code == 201, r.get_json()
    sub = r.get_json()
    assert sub["channel"] == "centre" and sub["applied_on"] == "2026-03-15"
    assert sub["verification"]["ok"] is True
    assert sub["received_on"] == RECEIVED_ON.isoformat()
    # A second application while this one is open is refused.
    r = s.mediator.post(f"/api/cases/{s.number}/court-submissions", json={"court": "J002"})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "court.already_open"
    inbox = s.court.clerk.get("/api/court/submissions").get_json()["submissions"]
    assert [x["id"] for x in inbox] == [sub["id"]]
    assert inbox[0]["running_due_on"] == "2026-03-19"
    # The other court's inbox is empty, and its clerk cannot read this submission.
    assert s.other.clerk.get("/api/court/submissions").get_json()["submissions"] == []
    status = s.mediator.get(f"/api/cases/{s.number}/court-submissions").get_json()
    assert status["submissions"][0]["status"] == "received"


def test_the_court_system_may_post_the_zip_itself_as_the_body(court_setup):
    s = court_setup
    api = s.court.service
    r = api.client.post(
        "/api/court/packets",
        data=s.packet_zip,
        headers={**api.headers, "Content-Type": "application/zip"},
    )
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["verification"]["ok"] is True
    r = api.client.post("/api/court/packets", json={}, headers=api.headers)
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "missing_field"
    # English messages for the court's system.
    en = {**api.headers, "Accept-Language": "en"}
    r = api.client.post(
        "/api/court/packets", data=s.packet_zip, headers={**en, "Content-Type": "application/zip"}
    )
    assert r.status_code == 409
    assert r.get_json()["error"]["message"] == (
        f"Case {s.number} already has an application pending at a court."
    )


def test_inbox_lists_open_applications_by_the_due_date_of_their_running_clock(court_setup, app):
    from tests.court.conftest import signed_case

    s = court_setup
    second, second_zip, _ = signed_case(app, s.mediator)
    first = post_packet(s.court.clerk, s.packet_zip, received_on="2026-03-16").get_json()
    other = post_packet(s.court.clerk, second_zip, received_on="2026-03-13").get_json()
    assert other["case_number"] == second
    inbox = s.court.clerk.get("/api/court/submissions").get_json()["submissions"]
    assert [(x["case_number"], x["running_due_on"]) for x in inbox] == [
        (second, "2026-03-16"),
        (s.number, "2026-03-19"),
    ]
    # Accepting the second starts its 15 days (due 03-30): now the first is more urgent.
    base = f"/api/court/submissions/{other['id']}"
    assert s.court.clerk.post(base + "/accept", json={"on_date": "2026-03-15"}).status_code == 200
    inbox = s.court.clerk.get("/api/court/submissions").get_json()["submissions"]
    assert [(x["case_number"], x["running_due_on"]) for x in inbox] == [
        (s.number, "2026-03-19"),
        (second, "2026-03-30"),
    ]
    # A decided application goes after the open ones.
    r = s.court.clerk.post(
        f"/api/court/submissions/{first['id']}/refuse",
        json={"reason": "不属于本院管辖", "on_date": "2026-03-17"},
    )
    assert r.status_code == 200
    inbox = s.court.clerk.get("/api/court/submissions").get_json()["submissions"]
    assert [(x["case_number"], x["status"]) for x in inbox] == [
        (second, "accepted"),
        (s.number, "refused"),
    ]


def test_the_claimant_is_told_of_the_ruling(court_setup, app, make_user):
    from sqlalchemy import select

    from mediation.cases.model import Case, PartyRole
    from mediation.db import session_scope
    from mediation.notify.model import Notification

    s = court_setup
    claimant_id, _ = make_user("claimant-n", "claimant")
    with session_scope(app.extensions["mediation.sessionmaker"]) as db:
        case = db.query(Case).filter_by(number=s.number).one()
        next(p for p in case.parties if p.role == PartyRole.CLAIMANT).user_id = claimant_id
    sub = post_packet(s.court.clerk, s.packet_zip).get_json()
    base = f"/api/court/submissions/{sub['id']}"
    assert s.court.clerk.post(base + "/accept", json={}).status_code == 200
    assert s.court.clerk.post(base + "/ruling", json={"outcome": "confirmed"}).status_code == 200
    with session_scope(app.extensions["mediation.sessionmaker"]) as db:
        sent = db.scalars(select(Notification).where(Notification.user_id == claimant_id)).all()
        assert [(n.key, n.status) for n in sent] == [("notify.court.confirmed", "sent")]
        assert sent[0].params["number"] == s.number and sent[0].recipient != "13812345678"
