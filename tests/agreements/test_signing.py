"""Drafting, issuing and signing through the API: signatures in any order, the last one
makes the agreement take effect and moves the case to SIGNED with the CPL-205 clock due
30 days later; an edit after issue voids signatures; the ledger records it all and
`mediation verify` still passes."""

from __future__ import annotations

import hashlib
import itertools
import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.agreements.conftest import CLAUSES, TODAY, latest_code, sign_as


def _ledger(app, case_id: int) -> list[dict]:
    from mediation.evidence.model import LedgerEntry

    with app.extensions["mediation.sessionmaker"]() as s:
        rows = s.scalars(
            select(LedgerEntry).where(LedgerEntry.case_id == case_id).order_by(LedgerEntry.seq)
        ).all()
        return [{"type": r.entry_type, "file": r.file_sha256, **json.loads(r.body)} for r in rows]


def _verify(app, number: str):
    return app.test_cli_runner().invoke(args=["verify", "--case", number, "--workers", "1"])


@pytest.mark.parametrize(
    "order", list(itertools.permutations(["claimant", "respondent", "mediator"]))
)
def test_signing_in_any_order_takes_effect_on_the_last_signature(issued, order):
    s = issued
    if not s.app.config["DATABASE_URL"].startswith("sqlite") and order != (
        "respondent",
        "mediator",
        "claimant",
    ):
        pytest.skip("every order on SQLite; one on PostgreSQL")
    pdf_sha = s.mediator.get(f"/api/cases/{s.number}/agreement").get_json()["agreement"][
        "pdf_sha256"
    ]
    for i, role in enumerate(order):
        r = sign_as(s, role)
        assert r.status_code == 200, r.get_json()
        body = r.get_json()
        signed = [x for x in body["signers"] if x["signed"]]
        assert len(signed) == i + 1
        assert all(x["pdf_sha256"] == pdf_sha for x in signed)
        expected = "effective" if i == 2 else "issued"
        assert body["status"] == expected
        case = s.mediator.get(f"/api/cases/{s.number}").get_json()
        assert case["stage"] == ("signed" if i == 2 else "mediation")
    assert body["effective_on"] == TODAY.isoformat()
    # The 30-day window for a joint application for judicial confirmation runs from today.
    case = s.mediator.get(f"/api/cases/{s.number}").get_json()
    clock = next(c for c in case["clocks"] if c["rule"] == "CPL-205")
    assert clock["started_on"] == TODAY.isoformat()
    assert clock["due_on"] == (TODAY + timedelta(days=30)).isoformat()
    transition = [e for e in case["events"] if e["kind"] == "transition"][-1]
    assert transition["to_stage"] == "signed" and transition["effective_on"] == TODAY.isoformat()


def test_ledger_records_issue_signatures_and_effect_and_verify_passes(issued):
    s = issued
    for role in ("claimant", "respondent", "mediator"):
        assert sign_as(s, role).status_code == 200
    agreement = s.claimant.get(f"/api/cases/{s.number}/agreement").get_json()["agreement"]
    entries = _ledger(s.app, s.case_id)
    types = [e["type"] for e in entries]
    assert types.count("agreement.issued") == 1
    assert types.count("agreement.signed") == 3
    assert types.count("agreement.effective") == 1
    issued_entry = next(e for e in entries if e["type"] == "agreement.issued")
    assert issued_entry["payload"]["sha256"] == agreement["pdf_sha256"] == issued_entry["file"]
    signed = [e for e in entries if e["type"] == "agreement.signed"]
    assert {e["payload"]["role"] for e in signed} == {"claimant", "respondent", "mediator"}
    assert {e["actor"] for e in signed} == {s.claimant_id, s.institution_id, s.mediator_id}
    assert all(e["payload"]["sha256"] == agreement["pdf_sha256"] for e in signed)
    effective = next(e for e in entries if e["type"] == "agreement.effective")
    assert effective["payload"]["sha256"] == agreement["executed_sha256"] == effective["file"]
    # The ledger's hash is the hash of the bytes served, and they hold no ledger data.
    pdf = s.claimant.get(f"/api/cases/{s.number}/agreement/executed.pdf")
    assert pdf.status_code == 200
    assert hashlib.sha256(pdf.data).hexdigest() == agreement["executed_sha256"]
    assert pdf.headers["X-Content-SHA256"] == agreement["executed_sha256"]
    issued_pdf = s.institution.get(f"/api/cases/{s.number}/agreement/pdf")
    assert hashlib.sha256(issued_pdf.data).hexdigest() == agreement["pdf_sha256"]
    # No personal data on the ledger: names, ID numbers and phones are absent.
    raw = json.dumps(entries, ensure_ascii=False)
    for secret in ("王秀英", "410102195203041234", "13812345678"):
        assert secret not in raw
    result = _verify(s.app, s.number)
    assert result.exit_code == 0, result.output


def test_interfaces_for_payments_and_packets(issued):
    from decimal import Decimal

    from mediation.agreements.service import effective_agreement, executed_pdf, payment_schedule
    from mediation.web.evidence import blob_store

    s = issued
    with s.app.app_context(), s.app.extensions["mediation.sessionmaker"]() as session:
        assert effective_agreement(session, s.case_id) is None
        assert executed_pdf(session, s.case_id, blob_store()) is None
    for role in ("mediator", "claimant", "respondent"):
        assert sign_as(s, role).status_code == 200
    with s.app.app_context(), s.app.extensions["mediation.sessionmaker"]() as session:
        agreement = effective_agreement(session, s.case_id)
        assert agreement is not None and agreement.version == 1
        data, sha = executed_pdf(session, s.case_id, blob_store())
        assert hashlib.sha256(data).hexdigest() == sha == agreement.executed_sha256
        assert data.startswith(b"%PDF-")
        schedule = payment_schedule(agreement)
    assert [(p["due_on"], p["amount"], p["payer"]) for p in schedule] == [
        (date(2026, 5, 1), Decimal("12000.00"), "respondent"),
        (date(2026, 6, 1), Decimal("1000.00"), "respondent"),
        (date(2026, 7, 1), Decimal("2000.00"), "respondent"),
    ]
    assert schedule[0]["description"] == "退款"


def test_an_edit_after_issue_makes_a_new_version_and_voids_signatures(issued):
    s = issued
    assert sign_as(s, "claimant").status_code == 200
    first = s.mediator.get(f"/api/cases/{s.number}/agreement").get_json()["agreement"]
    changed = [dict(CLAUSES[0], fields={"amount": "15000", "pay_by": "2026-05-01"})]
    r = s.mediator.post(
        f"/api/cases/{s.number}/agreement", json={"clauses": changed, "expected_version": 1}
    )
    assert r.status_code == 200, r.get_json()
    draft = r.get_json()
    assert draft["version"] == 2 and draft["status"] == "draft" and draft["signers"] == []
    # Parties never see the draft: they still see version 1, now superseded.
    seen = s.claimant.get(f"/api/cases/{s.number}/agreement").get_json()["agreement"]
    assert seen["version"] == 1 and seen["status"] == "superseded"
    assert not any(x["signed"] for x in seen["signers"])
    # Signing the old version is over.
    r = s.institution.post(f"/api/cases/{s.number}/agreement/code", json={})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "agreements.not_issued"
    entries = _ledger(s.app, s.case_id)
    superseded = next(e for e in entries if e["type"] == "agreement.superseded")
    assert superseded["payload"]["sha256"] == first["pdf_sha256"]
    assert len(superseded["payload"]["voided_signatures"]) == 1
    # A stale editor (still showing version 1) is refused.
    r = s.mediator.post(
        f"/api/cases/{s.number}/agreement", json={"clauses": changed, "expected_version": 1}
    )
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "agreements.stale_version"
    # Version 2 is issued with a new PDF; the claimant signs again, with a new code.
    r = s.mediator.post(f"/api/cases/{s.number}/agreement/issue", json={})
    assert r.status_code == 200
    second = r.get_json()
    assert second["pdf_sha256"] != first["pdf_sha256"]
    for role in ("claimant", "respondent", "mediator"):
        assert sign_as(s, role).status_code == 200
    final = s.mediator.get(f"/api/cases/{s.number}/agreement").get_json()["agreement"]
    assert final["status"] == "effective" and final["version"] == 2
    r = s.mediator.post(f"/api/cases/{s.number}/agreement", json={"clauses": changed})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "agreements.already_effective"
    assert _verify(s.app, s.number).exit_code == 0


def test_a_code_is_bound_to_its_signer_and_version(issued):
    s = issued
    from tests.agreements.conftest import forget_rate_limit

    forget_rate_limit(s.app, s.claimant_id)
    assert s.claimant.post(f"/api/cases/{s.number}/agreement/code", json={}).status_code == 200
    claimant_code = latest_code(s.claimant_id)
    # The institution cannot use the claimant's code (it has none of its own yet).
    r = s.institution.post(f"/api/cases/{s.number}/agreement/sign", json={"code": claimant_code})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "notify.code_missing"
    # The claimant signs once; the same code does not sign twice.
    r = s.claimant.post(f"/api/cases/{s.number}/agreement/sign", json={"code": claimant_code})
    assert r.status_code == 200
    r = s.claimant.post(f"/api/cases/{s.number}/agreement/sign", json={"code": claimant_code})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "agreements.already_signed"


def test_issue_accepts_a_claimant_without_an_account_who_signs_in_person(signing, app):
    from sqlalchemy import update

    from mediation.cases.model import Party

    s = signing
    assert (
        s.mediator.post(f"/api/cases/{s.number}/agreement", json={"clauses": CLAUSES}).status_code
        == 201
    )
    with app.extensions["mediation.engine"].begin() as conn:
        conn.execute(update(Party).where(Party.case_id == s.case_id).values(user_id=None))
    r = s.mediator.post(f"/api/cases/{s.number}/agreement/issue", json={})
    assert r.status_code == 200, r.get_json()
    slots = r.get_json()["in_person_slots"]
    assert [x["role"] for x in slots] == ["claimant"]  # the institution user answers online
    assert slots[0]["party_name"] == "王秀英"


def test_responses_match_the_openapi_document(issued):
    import jsonschema

    s = issued
    spec = s.mediator.get("/api/openapi.json").get_json()
    path = spec["paths"]["/api/cases/{number}/agreement"]
    schema = path["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    jsonschema.validate(s.claimant.get(f"/api/cases/{s.number}/agreement").get_json(), schema)
    signed = sign_as(s, "claimant").get_json()
    sign_schema = spec["paths"]["/api/cases/{number}/agreement/sign"]["post"]["responses"]["200"]
    jsonschema.validate(signed, sign_schema["content"]["application/json"]["schema"])
    templates = s.claimant.get("/api/agreement-templates").get_json()["templates"]
    assert [t["key"] for t in templates] == [
        "refund",
        "compensation",
        "waiver",
        "instalments",
        "apology",
        "withdrawal",
    ]
