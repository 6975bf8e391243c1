"""Risk warnings: a week's spike of new disputes per institution, product or region against
its own trailing history (Poisson upper tail), raised once, with the cases behind it."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest

from mediation.cases import operations
from mediation.cases.model import Channel, DisputeType, PartyKind, PartyRole
from mediation.cases.service import deadline_context
from mediation.centre import cli as centre_cli
from mediation.centre import risk
from mediation.people.model import Centre

AS_OF = date(2026, 3, 31)
HOT = "某消费金融有限公司"
STEADY = "示范县农村商业银行股份有限公司"


def _tail(x: int, lam: float) -> float:
    return 1 - sum(math.exp(-lam) * lam**k / math.factorial(k) for k in range(x))


@pytest.mark.parametrize("x, lam", [(0, 1.0), (3, 0.5), (4, 0.5), (5, 1.0), (12, 5.0), (30, 2.5)])
def test_poisson_upper_tail_equals_the_textbook_sum(x, lam):
    assert risk.poisson_upper_tail(x, lam) == pytest.approx(_tail(x, lam), abs=1e-12)


def _file(session, centre, day, respondent, dtype, region):
    data = operations.CaseInput(
        dispute_type=dtype,
        channel=Channel.PHONE,
        request="退还费用",
        received_on=day,
        region=region,
        parties=[
            operations.PartyInput(role=PartyRole.CLAIMANT, kind=PartyKind.PERSON, name="甲"),
            operations.PartyInput(
                role=PartyRole.RESPONDENT, kind=PartyKind.INSTITUTION, name=respondent
            ),
        ],
    )
    return operations.create_case(
        session, centre, None, data, deadline_context(session, centre, AS_OF)
    )


@pytest.fixture
def spike(app):
    """HOT: one case a week for twelve weeks, then six in the last week (城关镇, lending).
    STEADY: one case a week throughout, current week included (东河乡, banking)."""
    with app.extensions["mediation.sessionmaker"]() as s:
        centre = s.query(Centre).one()
        hot_now = []
        for week in range(1, 13):
            day = AS_OF - timedelta(days=7 * week + 2)
            _file(s, centre, day, HOT, DisputeType.LENDING, "城关镇")
        for i in range(6):
            c = _file(s, centre, AS_OF - timedelta(days=i), HOT, DisputeType.LENDING, "城关镇")
            hot_now.append(c.number)
        for week in range(0, 13):
            day = AS_OF - timedelta(days=7 * week + 3)
            _file(s, centre, day, STEADY, DisputeType.BANKING, "东河乡")
        # Older than the baseline: not counted anywhere.
        _file(s, centre, AS_OF - timedelta(days=200), HOT, DisputeType.LENDING, "城关镇")
        s.commit()
        return centre.id, hot_now


def test_scan_raises_one_warning_per_spike_with_its_cases(app, spike, users):
    centre_id, hot_now = spike
    with app.extensions["mediation.sessionmaker"]() as s:
        found = {(x.dimension.value, x.key): x for x in risk.detect(s, centre_id, AS_OF)}
    # Lending and 城关镇 went from 1 a week to 6; the steady bank and 东河乡 did not move.
    assert found.keys() == {("institution", HOT), ("product", "lending"), ("region", "城关镇")}
    hot = found[("institution", HOT)]
    assert (hot.count, hot.baseline, hot.baseline_mean) == (6, [1] * 12, 1.0)
    assert hot.p_value == pytest.approx(_tail(6, 1.0))
    assert hot.z_score == pytest.approx(5.0)
    assert hot.window_start == AS_OF - timedelta(days=6)

    admin = users["admin"][1]
    r = admin.post("/api/centre/risk-warnings/scan", json={"as_of": AS_OF.isoformat()})
    assert r.status_code == 200, r.get_json()
    raised = {(w["dimension"], w["key"]): w for w in r.get_json()["raised"]}
    assert raised.keys() == found.keys()
    assert sorted(raised[("institution", HOT)]["cases"]) == sorted(hot_now)

    # Scanning again, today or tomorrow, does not repeat a warning for the same spike.
    again = admin.post("/api/centre/risk-warnings/scan", json={"as_of": AS_OF.isoformat()})
    assert again.get_json()["raised"] == []
    nxt = admin.post(
        "/api/centre/risk-warnings/scan", json={"as_of": (AS_OF + timedelta(days=1)).isoformat()}
    )
    assert nxt.get_json()["raised"] == []

    listing = admin.get("/api/centre/risk-warnings?status=open").get_json()["warnings"]
    assert len(listing) == 3
    wid = next(w["id"] for w in listing if w["dimension"] == "institution")
    r = admin.post(f"/api/centre/risk-warnings/{wid}/acknowledge", json={"note": "已约谈该机构"})
    assert r.get_json()["status"] == "acknowledged"
    assert len(admin.get("/api/centre/risk-warnings?status=open").get_json()["warnings"]) == 2

    page = admin.get("/centre/risk").get_data(as_text=True)
    assert HOT in page and hot_now[0] in page and "已约谈该机构" in page
    assert "Poisson" in page  # the method is shown to the administrator
    dash = admin.get("/centre/dashboard").get_data(as_text=True)
    assert "有 2 条风险预警待处理" in dash

    for who in ("med_a", "claimant"):
        api = users[who][1]
        assert api.get("/api/centre/risk-warnings").status_code == 403
        assert api.post("/api/centre/risk-warnings/scan", json={}).status_code == 403


def test_risk_scan_command(app, spike):
    runner = app.test_cli_runner()
    result = runner.invoke(centre_cli.group, ["risk-scan", "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 0, result.output
    assert f"institution\t{HOT}\t6" in result.output
    assert "3 new warnings" in result.output
    again = runner.invoke(centre_cli.group, ["risk-scan", "--as-of", AS_OF.isoformat()])
    assert "0 new warnings" in again.output
