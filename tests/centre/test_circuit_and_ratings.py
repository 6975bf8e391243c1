"""Circuit mediation (sites, rota, cases scheduled, claimants told where and when) and the
claimant's rating of a closed case."""

from __future__ import annotations

from datetime import date

from tests.conftest import case_payload


def _own_case(admin, users, **kw):
    """A case whose claimant is the test claimant user (filed by them online)."""
    r = users["claimant"][1].post("/api/cases", json=case_payload(**kw))
    assert r.status_code == 201, r.get_json()
    return r.get_json()["number"]


def test_rota_bookings_and_the_claimants_notice(app, users, today_is):
    today_is(date(2026, 4, 1))
    admin = users["admin"][1]
    med = users["med_a"][0]
    site = admin.post(
        "/api/centre/circuit/sites",
        json={
            "name": "东河乡便民服务中心",
            "kind": "township_service_point",
            "address": "东河乡政府大院一楼",
            "region": "东河乡",
        },
    ).get_json()
    r = admin.post(
        "/api/centre/circuit/sessions",
        json={
            "site_id": site["id"],
            "day": "2026-04-15",
            "starts_at": "09:00",
            "ends_at": "10:00",
            "mediator_id": med,
            "capacity": 2,
        },
    )
    assert r.status_code == 201, r.get_json()
    session_id = r.get_json()["id"]
    clash = admin.post(
        "/api/centre/circuit/sessions",
        json={
            "site_id": site["id"],
            "day": "2026-04-15",
            "starts_at": "09:30",
            "ends_at": "11:00",
            "mediator_id": med,
        },
    )
    assert clash.status_code == 409 and clash.get_json()["error"]["code"] == "rota_clash"

    mine = _own_case(admin, users)
    other = admin.post("/api/cases", json=case_payload()).get_json()["number"]
    third = admin.post("/api/cases", json=case_payload()).get_json()["number"]
    b1 = admin.post(f"/api/centre/circuit/sessions/{session_id}/bookings", json={"case": mine})
    assert b1.status_code == 201, b1.get_json()
    assert b1.get_json()["time"] == "09:00"
    b2 = admin.post(f"/api/centre/circuit/sessions/{session_id}/bookings", json={"case": other})
    assert b2.get_json()["time"] == "09:30"
    full = admin.post(f"/api/centre/circuit/sessions/{session_id}/bookings", json={"case": third})
    assert full.status_code == 409 and full.get_json()["error"]["code"] == "session_full"

    appts = users["claimant"][1].get("/api/centre/circuit/my-appointments").get_json()
    assert [a["case"] for a in appts["appointments"]] == [mine]  # only their own case
    notice = appts["appointments"][0]["notice"]
    assert "2026-04-15 09:00" in notice and "东河乡政府大院一楼" in notice
    assert "med_a" in notice
    en = users["claimant"][1].get("/api/centre/circuit/my-appointments?lang=en").get_json()
    assert en["appointments"][0]["notice"].startswith(f"Your case {mine} will be mediated")

    rota = admin.get("/api/centre/circuit/sessions?from=2026-04-01&to=2026-04-30").get_json()
    assert [b["case"] for b in rota["sessions"][0]["bookings"]] == [mine, other]
    page = admin.get("/centre/circuit").get_data(as_text=True)
    assert "东河乡便民服务中心" in page and mine in page

    assert users["med_a"][1].get("/api/centre/circuit/sites").status_code == 403
    assert admin.get("/api/centre/circuit/my-appointments").status_code == 403


def _walk_to_closed(admin, number):
    for stage in ("accepted", "mediation", "signed", "closed"):
        r = admin.post(f"/api/cases/{number}/transitions", json={"to": stage})
        assert r.status_code == 200, r.get_json()


def test_only_the_cases_claimant_rates_a_closed_case_once(app, users):
    admin = users["admin"][1]
    claimant = users["claimant"][1]
    number = _own_case(admin, users)
    r = claimant.post(f"/api/centre/cases/{number}/rating", json={"score": 5})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "case_not_closed"
    _walk_to_closed(admin, number)

    for who in ("admin", "med_a", "bank"):
        assert (
            users[who][1].post(f"/api/centre/cases/{number}/rating", json={"score": 5}).status_code
            == 403
        )
    other = admin.post("/api/cases", json=case_payload()).get_json()["number"]
    _walk_to_closed(admin, other)
    # A claimant who is not a party to the case may not rate it.
    assert claimant.post(f"/api/centre/cases/{other}/rating", json={"score": 1}).status_code in (
        403,
        404,
    )

    bad = claimant.post(f"/api/centre/cases/{number}/rating", json={"score": 6})
    assert bad.status_code == 400
    r = claimant.post(
        f"/api/centre/cases/{number}/rating",
        json={"score": 2, "comment": "等待时间太长", "complaint": True},
    )
    assert r.status_code == 201, r.get_json()
    again = claimant.post(f"/api/centre/cases/{number}/rating", json={"score": 5})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_rated"
    got = admin.get(f"/api/centre/cases/{number}/rating").get_json()["rating"]
    assert (got["score"], got["complaint"], got["comment"]) == (2, True, "等待时间太长")
    assert users["med_a"][1].get(f"/api/centre/cases/{number}/rating").status_code == 403

    dash = admin.get("/api/stats/dashboard").get_json()
    assert dash["satisfaction"]["distribution"]["2"] == 1
    assert dash["totals"]["complaints"] == 1
