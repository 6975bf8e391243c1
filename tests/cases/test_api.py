"""The case lifecycle through the JSON API, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest

from tests.conftest import Api, case_payload


def _create(api, **overrides) -> dict:
    r = api.post("/api/cases", json=case_payload(**overrides))
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def _clock(case: dict, rule: str) -> dict:
    matches = [c for c in case["clocks"] if c["rule"] == rule]
    assert matches, f"no clock {rule} in {[c['rule'] for c in case['clocks']]}"
    return matches[-1]


def _move(api, number, to, **extra):
    return api.post(f"/api/cases/{number}/transitions", json={"to": to, **extra})


def test_registering_a_case_numbers_it_per_year_and_starts_the_acceptance_clock(mediator_api):
    first = _create(mediator_api)
    second = _create(mediator_api)
    other_year = _create(mediator_api, received_on="2025-12-30")
    assert (first["number"], second["number"], other_year["number"]) == (
        "2026-0001",
        "2026-0002",
        "2025-0001",
    )
    assert first["stage"] == "intake" and first["stage_label"] == "登记"
    assert [e["kind"] for e in first["events"]][:2] == ["created", "clock_started"]
    clock = _clock(first, "CENTRE-ACCEPT")
    # Received Monday 2026-03-02; 3 working days from the next day: Tue, Wed, Thu.
    assert clock["due_on"] == "2026-03-05"
    assert clock["calendar_verified"] is True
    assert clock["citation"][0]["quote"]
    assert first["parties"][0]["id_number"] == "410102195203041234"  # staff see it in full


def test_full_lifecycle_records_every_transition_and_stops_clocks(mediator_api):
    case = _create(mediator_api)
    n = case["number"]
    path = [
        "accepted",
        "investigation",
        "mediation",
        "signed",
        "judicial_confirmation",
        "performance",
        "closed",
    ]
    for i, stage in enumerate(path):
        r = _move(mediator_api, n, stage, on_date=f"2026-03-{10 + i:02d}")
        assert r.status_code == 200, r.get_json()
    case = mediator_api.get(f"/api/cases/{n}").get_json()
    assert case["stage"] == "closed"
    moves = [(e["from_stage"], e["to_stage"]) for e in case["events"] if e["kind"] == "transition"]
    assert moves == list(zip(["intake", *path[:-1]], path, strict=True))
    assert all(c["status"] == "stopped" for c in case["clocks"])
    assert case["next_due_on"] is None and case["urgency"] == "none"
    seqs = [e["seq"] for e in case["events"]]
    assert seqs == list(range(1, len(seqs) + 1))  # gap-free history


def test_illegal_transition_is_refused_and_changes_nothing(mediator_api):
    case = _create(mediator_api)
    r = _move(mediator_api, case["number"], "signed")
    assert r.status_code == 409
    err = r.get_json()["error"]
    assert err["code"] == "illegal_transition"
    assert (
        err["message"] == "案件当前处于“登记”阶段，不能转为“签约”。可转为：受理、不予受理、撤回。"
    )
    after = mediator_api.get(f"/api/cases/{case['number']}").get_json()
    assert after["stage"] == "intake"
    assert after["events"] == case["events"] and after["version"] == case["version"]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"to": "nowhere"}, 400, "unknown_stage"),
        ({"to": "accepted", "on_date": "2026-02-30"}, 400, "invalid_date"),
        ({"to": "accepted", "on_date": "1900-01-01"}, 400, "date_out_of_range"),
        ({"to": "rejected"}, 400, "reason_required"),
        ({}, 400, "missing_field"),
        ({"to": "accepted", "expected_version": 99}, 409, "conflict"),
    ],
)
def test_bad_transition_input_gets_a_clear_error_and_nothing_changes(
    mediator_api, body, status, code
):
    case = _create(mediator_api)
    r = mediator_api.post(f"/api/cases/{case['number']}/transitions", json=body)
    assert r.status_code == status
    assert r.get_json()["error"]["code"] == code
    assert r.get_json()["error"]["message"]
    after = mediator_api.get(f"/api/cases/{case['number']}").get_json()
    assert after["stage"] == "intake" and len(after["events"]) == len(case["events"])


def test_malformed_json_and_bad_fields_are_rejected_in_the_users_language(app, mediator_api):
    r = mediator_api.client.post(
        "/api/cases",
        data="{not json",
        headers={**mediator_api.headers, "Content-Type": "application/json"},
    )
    assert r.status_code == 400
    assert r.get_json()["error"] == {"code": "invalid_json", "message": "请求内容不是有效的 JSON。"}
    en = Api(mediator_api.client, mediator_api.headers["Authorization"][7:], lang="en")
    r = en.post("/api/cases", json=case_payload(dispute_type="crypto"))
    assert r.status_code == 400
    assert r.get_json()["error"]["code"] == "invalid_field"
    assert r.get_json()["error"]["message"].startswith("Field 'dispute_type' is invalid")
    r = en.post("/api/cases", json=case_payload(amount_claimed="-5"))
    assert r.get_json()["error"]["code"] == "invalid_field"
    r = en.post("/api/cases", json=case_payload(parties=[{"role": "claimant", "name": "王五"}]))
    assert r.get_json()["error"]["code"] == "missing_field"
    assert mediator_api.get("/api/cases").get_json()["total"] == 0


def test_rejection_keeps_its_reason(mediator_api):
    case = _create(mediator_api)
    r = _move(mediator_api, case["number"], "rejected", reason="争议已由人民法院受理")
    assert r.status_code == 200
    body = r.get_json()
    assert body["stage"] == "rejected" and body["rejection_reason"] == "争议已由人民法院受理"
    move = [e for e in body["events"] if e["kind"] == "transition"][-1]
    assert (move["to_stage"], move["reason"]) == ("rejected", "争议已由人民法院受理")


def test_pause_for_appraisal_moves_the_due_date_and_resume_restarts_the_clock(mediator_api):
    case = _create(mediator_api)
    n = case["number"]
    assert _move(mediator_api, n, "accepted", on_date="2026-03-05").status_code == 200
    before = _clock(mediator_api.get(f"/api/cases/{n}").get_json(), "OLM-24-PRE")
    # 30 days after 2026-03-05 is Saturday 04-04, a Qingming day off (04-04..04-06): 04-07.
    assert before["due_on"] == "2026-04-07"
    r = mediator_api.post(
        f"/api/cases/{n}/pause",
        json={"reason": "appraisal", "note": "委托损失评估", "on_date": "2026-03-10"},
    )
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["paused"] is True
    assert _clock(r.get_json(), "OLM-24-PRE")["status"] == "paused"
    again = mediator_api.post(
        f"/api/cases/{n}/pause", json={"reason": "appraisal", "on_date": "2026-03-11"}
    )
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_paused"
    r = mediator_api.post(f"/api/cases/{n}/resume", json={"on_date": "2026-03-20"})
    assert r.status_code == 200, r.get_json()
    clock = _clock(r.get_json(), "OLM-24-PRE")
    # The appraisal excludes 20 - 10 = 10 days (在线调解规则 Art 26): 04-04 + 10 = 04-14 (Tue).
    assert clock["due_on"] == "2026-04-14"
    assert clock["paused_days"] == 10 and clock["status"] == "running"
    assert r.get_json()["paused"] is False
    kinds = [e["kind"] for e in r.get_json()["events"]]
    assert "pause" in kinds and "resume" in kinds


def test_pause_reason_that_no_clock_accepts_is_refused(mediator_api):
    case = _create(mediator_api)
    r = mediator_api.post(f"/api/cases/{case['number']}/pause", json={"reason": "mediation"})
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "no_pausable_clock"


def test_extension_records_approver_and_legal_ground(mediator_api):
    case = _create(mediator_api)
    n = case["number"]
    _move(mediator_api, n, "accepted", on_date="2026-03-05")
    r = mediator_api.post(
        f"/api/cases/{n}/extensions",
        json={
            "rule": "OLM-24-PRE",
            "days": 15,
            "approver": "双方当事人（书面同意）",
            "legal_ground": "人民法院在线调解规则第二十四条",
        },
    )
    assert r.status_code == 200, r.get_json()
    clock = _clock(r.get_json(), "OLM-24-PRE")
    # 30 + 15 = 45 days after 2026-03-05 is Sunday 04-19: rolls to Monday 04-20.
    assert clock["due_on"] == "2026-04-20"
    assert clock["extensions"][0]["approver"] == "双方当事人（书面同意）"
    event = r.get_json()["events"][-1]
    assert event["kind"] == "extension" and event["data"]["due_before"] == "2026-04-07"
    bad = mediator_api.post(
        f"/api/cases/{n}/extensions",
        json={"rule": "NO-SUCH", "days": 1, "approver": "x", "legal_ground": "y"},
    )
    assert bad.status_code == 404 and bad.get_json()["error"]["code"] == "unknown_rule"
    none_running = mediator_api.post(
        f"/api/cases/{n}/extensions",
        json={"rule": "CPL-205", "days": 1, "approver": "x", "legal_ground": "y"},
    )
    assert (
        none_running.status_code == 409 and none_running.get_json()["error"]["code"] == "no_clock"
    )


def test_scan_marks_overdue_and_due_soon_once_and_records_it_on_the_case(
    app, admin_api, mediator_api, fixed_today
):
    from datetime import date

    fixed_today(date(2026, 3, 3))
    old = _create(mediator_api, received_on="2026-03-02")  # CENTRE-ACCEPT due 03-05
    fixed_today(date(2026, 3, 9))
    soon = _create(mediator_api, received_on="2026-03-09")  # due 03-12, warned 1 day before
    assert soon["urgency"] == "ok"
    fixed_today(date(2026, 3, 11))
    r = admin_api.post("/api/scan")
    assert r.status_code == 200
    assert r.get_json() == {"today": "2026-03-11", "newly_overdue": 1, "newly_due_soon": 1}
    assert admin_api.post("/api/scan").get_json()["newly_overdue"] == 0  # idempotent
    overdue = mediator_api.get("/api/cases?overdue=true").get_json()
    assert [c["number"] for c in overdue["cases"]] == [old["number"]]
    body = mediator_api.get(f"/api/cases/{old['number']}").get_json()
    assert body["urgency"] == "overdue"
    assert [e for e in body["events"] if e["kind"] == "overdue"][0]["reason"] == "CENTRE-ACCEPT"
    assert mediator_api.get(f"/api/cases/{soon['number']}").get_json()["urgency"] == "due_soon"
    assert mediator_api.post("/api/scan").status_code == 403  # administrators only


def test_list_filters_by_stage_type_and_due_date(mediator_api):
    a = _create(mediator_api, dispute_type="banking", received_on="2026-03-02")
    b = _create(mediator_api, dispute_type="insurance", received_on="2026-05-11")
    _move(mediator_api, b["number"], "accepted", on_date="2026-05-12")
    listing = mediator_api.get("/api/cases").get_json()
    assert [c["number"] for c in listing["cases"]] == [
        a["number"],
        b["number"],
    ]  # most urgent first
    assert [
        c["number"] for c in mediator_api.get("/api/cases?stage=accepted").get_json()["cases"]
    ] == [b["number"]]
    assert [
        c["number"] for c in mediator_api.get("/api/cases?dispute_type=banking").get_json()["cases"]
    ] == [a["number"]]
    assert [
        c["number"]
        for c in mediator_api.get("/api/cases?due_before=2026-04-01").get_json()["cases"]
    ] == [a["number"]]
    bad = mediator_api.get("/api/cases?stage=limbo")
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "unknown_stage"


def test_two_users_moving_one_case_at_once_cannot_both_win(app, make_user, mediator_api):
    case = _create(mediator_api)
    n = case["number"]
    _move(mediator_api, n, "accepted")
    tokens = [make_user(f"m{i}", "mediator")[1] for i in range(4)]
    barrier = threading.Barrier(len(tokens))
    results = []

    def worker(token):
        api = Api(app.test_client(), token)
        barrier.wait()
        results.append(_move(api, n, "investigation").status_code)

    threads = [threading.Thread(target=worker, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200, 409, 409, 409]
    body = mediator_api.get(f"/api/cases/{n}").get_json()
    assert [e["to_stage"] for e in body["events"] if e["kind"] == "transition"] == [
        "accepted",
        "investigation",
    ]
    seqs = [e["seq"] for e in body["events"]]
    assert seqs == list(range(1, len(seqs) + 1))


def test_stale_version_from_a_form_is_a_conflict(mediator_api):
    case = _create(mediator_api)
    n = case["number"]
    assert _move(mediator_api, n, "accepted", expected_version=case["version"]).status_code == 200
    # A second user still holding the old page tries a different move on the old version.
    r = _move(mediator_api, n, "withdrawn", reason="申请人撤回", expected_version=case["version"])
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "conflict"


def test_deadline_endpoint_reports_calendar_unverified(app):
    client = app.test_client()
    r = client.get("/api/deadline?rule=CPL-205&start=2026-12-20")
    assert r.status_code == 200
    body = r.get_json()
    assert body["status"] == "calendar_unverified" and body["due"] is None
    assert body["provisional_due"] == "2027-01-19"
    r = client.get("/api/deadline?rule=CPL-205&start=2025-04-05")
    assert r.get_json()["due"] == "2025-05-06"
    r = client.get("/api/deadline?rule=NOPE&start=2025-04-05")
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "unknown_rule"


def test_registering_a_case_already_past_its_limit_records_it_as_overdue(mediator_api, fixed_today):
    from datetime import date

    fixed_today(date(2026, 3, 20))
    case = _create(mediator_api, received_on="2026-03-02")
    assert case["urgency"] == "overdue"
    assert _clock(case, "CENTRE-ACCEPT")["days_left"] == -15
    assert [e["kind"] for e in case["events"]] == ["created", "clock_started", "overdue"]


def test_every_case_event_is_on_the_verifiable_evidence_ledger(app, mediator_api):
    from sqlalchemy import select

    from mediation.cases.model import Case
    from mediation.evidence.ledger import entries
    from mediation.evidence.verify import verify_case

    case = _create(mediator_api, received_on="2026-03-02")
    n = case["number"]
    _move(mediator_api, n, "accepted", on_date="2026-03-03")
    mediator_api.post(
        f"/api/cases/{n}/pause", json={"reason": "appraisal", "on_date": "2026-03-04"}
    )
    mediator_api.post(f"/api/cases/{n}/resume", json={"on_date": "2026-03-06"})
    mediator_api.post(
        f"/api/cases/{n}/extensions",
        json={
            "rule": "OLM-24-PRE",
            "days": 5,
            "approver": "张三（双方同意）",
            "legal_ground": "在线调解规则第二十四条",
        },
    )
    events = mediator_api.get(f"/api/cases/{n}").get_json()["events"]
    session = app.extensions["mediation.sessionmaker"]()
    case_id = session.scalar(select(Case.id).where(Case.number == n))
    chain = entries(session, case_id)
    assert [(e.entry_type, e.seq) for e in chain] == [
        (f"case.{ev['kind']}", ev["seq"] - 1) for ev in events
    ]
    bodies = b"".join(e.body for e in chain).decode()
    assert (
        "张三" not in bodies and "在线调解规则" not in bodies
    )  # names and free text only as hashes
    assert verify_case(session, case_id, keys={}).ok  # no checkpoints signed yet
    session.close()
