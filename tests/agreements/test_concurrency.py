"""The last two signatures arriving at the same moment: both are recorded, the agreement
takes effect exactly once and the case moves to SIGNED once."""

from __future__ import annotations

import threading

from tests.agreements.conftest import forget_rate_limit, latest_code
from tests.agreements.test_signing import _ledger, _verify


def test_simultaneous_last_signatures_take_effect_once(issued):
    s = issued
    from tests.agreements.conftest import sign_as

    assert sign_as(s, "mediator").status_code == 200
    codes = {}
    for role, api in (("claimant", s.claimant), ("respondent", s.institution)):
        forget_rate_limit(s.app, s.user_id(role))
        assert api.post(f"/api/cases/{s.number}/agreement/code", json={}).status_code == 200
        codes[role] = latest_code(s.user_id(role))
    barrier = threading.Barrier(2)
    results = {}

    def sign(role, api):
        barrier.wait()
        r = api.post(f"/api/cases/{s.number}/agreement/sign", json={"code": codes[role]})
        results[role] = (r.status_code, r.get_json())

    threads = [
        threading.Thread(target=sign, args=("claimant", s.claimant)),
        threading.Thread(target=sign, args=("respondent", s.institution)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert {role: code for role, (code, _) in results.items()} == {
        "claimant": 200,
        "respondent": 200,
    }, results
    types = [e["type"] for e in _ledger(s.app, s.case_id)]
    assert types.count("agreement.signed") == 3
    assert types.count("agreement.effective") == 1
    case = s.mediator.get(f"/api/cases/{s.number}").get_json()
    assert case["stage"] == "signed"
    assert [e["to_stage"] for e in case["events"] if e["kind"] == "transition"].count("signed") == 1
    assert _verify(s.app, s.number).exit_code == 0
