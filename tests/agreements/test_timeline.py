"""Issuing and each signature are steps of the case's history: the claimant sees them on
the portal timeline, and they are on the case ledger."""

from __future__ import annotations

import re

from tests.agreements.conftest import sign_as
from tests.conftest import sign_in


def _timeline(app, username: str, number: str) -> list[str]:
    client = app.test_client()
    sign_in(client, username, "pw-long-enough")
    page = client.get(f"/cases/{number}").get_data(as_text=True)
    block = page.split('<ol id="timeline">', 1)[1].split("</ol>", 1)[0]
    return [re.sub(r"<[^>]+>", "", li).strip() for li in block.split("<li>")[1:]]


def test_claimant_sees_issue_and_every_signature(issued, app):
    for role in ("respondent", "claimant", "mediator"):
        assert sign_as(issued, role).status_code == 200
    steps = _timeline(app, "claimant-a", issued.number)
    issued_at = next(i for i, s in enumerate(steps) if "调解协议送签" in s)
    signed = [s for s in steps if "签署调解协议" in s]
    assert len(signed) == 3
    assert "被申请人" in signed[0] and "申请人" in signed[1] and "调解员" in signed[2]
    assert all(steps.index(s) > issued_at for s in signed)
    assert any("签约" in s for s in steps[steps.index(signed[-1]) :])

    api = issued.mediator
    kinds = [e["kind"] for e in api.get(f"/api/cases/{issued.number}/events").get_json()["events"]]
    assert kinds.count("agreement_signed") == 3 and kinds.count("agreement_issued") == 1
    r = app.test_cli_runner().invoke(args=["verify", "--case", issued.number, "--workers", "1"])
    assert r.exit_code == 0, r.output
