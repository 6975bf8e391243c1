"""Schedule derivation and replacement, payments (partial, overpayment, proof as
evidence), instalment status, events and ledger entries."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from mediation.errors import UserError
from mediation.performance.service import schedule_from
from tests.performance.conftest import SCHEDULE


def _set(s, items=SCHEDULE):
    return s.mediator.post(f"/api/cases/{s.number}/performance/schedule", json={"items": items})


def _pay(api, number, **body):
    body.setdefault("method", "bank_transfer")
    return api.post(f"/api/cases/{number}/performance/payments", json=body)


def _ledger_types(s) -> list[str]:
    from mediation.evidence.model import LedgerEntry

    with s.session() as session:
        return list(
            session.scalars(
                select(LedgerEntry.entry_type)
                .where(LedgerEntry.case_id == s.case_id)
                .order_by(LedgerEntry.seq)
            )
        )


def test_schedule_from_validates_and_sorts_by_due_date():
    items = schedule_from(SCHEDULE)
    assert [i.due_on for i in items] == [date(2026, 4, 20), date(2026, 5, 1), date(2026, 6, 1)]
    assert items[0].amount == Decimal("500.50") and items[0].payer.value == "claimant"
    for bad, field in (
        ([{"due_on": "2026-13-01", "amount": "1"}], "items[0].due_on"),
        ([{"due_on": "2026-05-01", "amount": "-3"}], "items[0].amount"),
        ([{"due_on": "2026-05-01", "amount": "abc"}], "items[0].amount"),
        ([{"due_on": "2026-05-01", "amount": "1", "payer": "court"}], "items[0].payer"),
    ):
        with pytest.raises(UserError) as exc:
            schedule_from(bad)
        assert exc.value.params["field"] == field
    with pytest.raises(UserError) as exc:
        schedule_from([])
    assert exc.value.code == "performance.empty_schedule"


def test_schedule_needs_a_signed_case(parties):
    r = _set(parties)
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "performance.wrong_stage"


def test_setting_a_schedule_is_idempotent_and_a_new_plan_replaces_an_unpaid_one(signed):
    s = signed
    r = _set(s)
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert [i["due_on"] for i in body["instalments"]] == ["2026-04-20", "2026-05-01", "2026-06-01"]
    assert body["schedule"]["total"] == "3500.50"
    first_id = body["schedule"]["id"]
    # The same plan again: nothing new, no second event.
    assert _set(s).get_json()["schedule"]["id"] == first_id
    events = s.mediator.get(f"/api/cases/{s.number}/events").get_json()["events"]
    assert [e["kind"] for e in events].count("schedule_set") == 1
    # A different plan (a new agreement version) replaces the unpaid one, recorded.
    r = _set(s, SCHEDULE[:2])
    assert r.status_code == 201
    second = r.get_json()
    assert second["schedule"]["id"] != first_id and len(second["instalments"]) == 2
    events = s.mediator.get(f"/api/cases/{s.number}/events").get_json()["events"]
    replaced = [e for e in events if e["kind"] == "schedule_set"][-1]
    assert replaced["data"]["replaced"] == first_id
    assert _ledger_types(s).count("case.schedule_set") == 2
    # Once something is paid the schedule stays.
    assert (
        _pay(s.mediator, s.number, instalment=1, amount="10", paid_on="2026-04-14").status_code
        == 201
    )
    r = _set(s, SCHEDULE)
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "performance.schedule_has_payments"


def test_partial_payments_statuses_and_overpayment(signed, pin_today):
    s = signed
    _set(s)
    # Instalment 2 (2026-05-01, 1000.00, respondent): part now, rest later.
    r = _pay(
        s.mediator, s.number, instalment=2, amount="400", paid_on="2026-04-14", reference="TX1"
    )
    assert r.status_code == 201, r.get_json()
    inst = {i["seq"]: i for i in r.get_json()["instalments"]}
    assert inst[2]["status"] == "partly_paid" and inst[2]["outstanding"] == "600.00"
    assert inst[3]["status"] == "due"
    r = _pay(s.mediator, s.number, instalment=2, amount="600.01", paid_on="2026-04-14")
    assert r.status_code == 409
    err = r.get_json()["error"]
    assert err["code"] == "performance.overpayment" and "600.00" in err["message"]
    r = _pay(s.mediator, s.number, instalment=2, amount="0", paid_on="2026-04-14")
    assert r.status_code == 400
    r = _pay(s.mediator, s.number, instalment=9, amount="1", paid_on="2026-04-14")
    assert (
        r.status_code == 404 and r.get_json()["error"]["code"] == "performance.unknown_instalment"
    )
    r = _pay(s.mediator, s.number, instalment=2, amount="1", paid_on="2026-04-15")
    assert r.get_json()["error"]["code"] == "performance.future_payment"
    r = _pay(s.mediator, s.number, instalment=2, amount="600", paid_on="2026-04-14")
    assert {i["seq"]: i["status"] for i in r.get_json()["instalments"]}[2] == "paid"
    r = _pay(s.mediator, s.number, instalment=2, amount="1", paid_on="2026-04-14")
    assert r.get_json()["error"]["code"] == "performance.already_paid"
    # Later: the claimant's 2026-04-20 instalment is overdue, a partly paid one too.
    pin_today(date(2026, 6, 2))
    _pay(s.mediator, s.number, instalment=3, amount="100", paid_on="2026-05-20")
    body = s.mediator.get(f"/api/cases/{s.number}/performance").get_json()
    assert {i["seq"]: i["status"] for i in body["instalments"]} == {
        1: "overdue",
        2: "paid",
        3: "overdue",
    }
    assert body["overdue"] is True and body["complete"] is False


def test_each_payment_is_an_event_and_a_ledger_entry_and_completion_allows_closing(signed):
    s = signed
    _set(s, SCHEDULE[:1])
    r = _pay(s.mediator, s.number, instalment=1, amount="1000.00", paid_on="2026-04-10")
    body = r.get_json()
    assert body["complete"] is True and body["may_close"] is True
    events = s.mediator.get(f"/api/cases/{s.number}/events").get_json()["events"]
    paid = [e for e in events if e["kind"] == "payment_recorded"]
    assert len(paid) == 1
    assert paid[0]["effective_on"] == "2026-04-10"
    assert paid[0]["data"]["amount"] == "1000.00" and paid[0]["data"]["complete"] is True
    assert _ledger_types(s).count("case.payment_recorded") == 1
    # The payment's ledger entry carries the amount and date as facts.
    from mediation.evidence.model import LedgerEntry

    with s.session() as session:
        entry = session.scalars(
            select(LedgerEntry).where(
                LedgerEntry.case_id == s.case_id, LedgerEntry.entry_type == "case.payment_recorded"
            )
        ).one()
        body = entry.body.decode()
        assert '"amount":"1000.00"' in body and '"paid_on":"2026-04-10"' in body
    # Close the case from the suggestion: the ordinary transition.
    r = s.mediator.post(f"/api/cases/{s.number}/transitions", json={"to": "closed"})
    assert r.status_code == 200 and r.get_json()["stage"] == "closed"
    # A closed case takes no more payments.
    r = _pay(s.mediator, s.number, instalment=1, amount="1", paid_on="2026-04-10")
    assert r.get_json()["error"]["code"] == "performance.wrong_stage"


def test_a_proof_file_is_stored_as_evidence(signed):
    s = signed
    _set(s)
    slip = b"%PDF-1.4 bank slip 2026-04-14 1000.00"
    r = s.institution.client.post(
        f"/api/cases/{s.number}/performance/payments",
        headers=s.institution.headers,
        data={
            "instalment": "2",
            "amount": "1000.00",
            "paid_on": "2026-04-14",
            "method": "bank_transfer",
            "proof": (io.BytesIO(slip), "回单.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 201, r.get_json()
    payment = r.get_json()["payments"][0]
    assert payment["recorded_by_role"] == "institution" and payment["evidence_id"]
    evidence = s.mediator.get(f"/api/cases/{s.number}/evidence").get_json()["evidence"]
    item = next(e for e in evidence if e["id"] == payment["evidence_id"])
    import hashlib

    assert item["filename"] == "回单.pdf" and item["sha256"] == hashlib.sha256(slip).hexdigest()
    download = s.claimant.get(item["download"])
    assert download.status_code == 200 and download.data == slip
    assert "evidence.added" in _ledger_types(s)
