"""Suggesting mediators: ranked by specialty, dialect, region and workload; never one with
a conflict of interest; the administrator confirms; reassignment keeps history."""

from __future__ import annotations

import re
import time

import pytest

from tests.conftest import case_payload

RESPONDENT = "某人寿保险股份有限公司示范中心支公司"


def _profiles(admin, users):
    a, b, c = users["med_a"][0], users["med_b"][0], users["med_c"][0]
    body = {"employment": "full_time", "grade": "senior", "max_open_cases": 4}
    r = admin.post(
        f"/api/centre/mediators/{a}/profile",
        json={
            **body,
            "specialties": ["insurance"],
            "languages": ["普通话", "闽南语"],
            "regions": ["城关镇"],
        },
    )
    assert r.status_code == 200, r.get_json()
    admin.post(
        f"/api/centre/mediators/{b}/profile",
        json={**body, "grade": "junior", "specialties": ["insurance"], "regions": ["东河乡"]},
    )
    admin.post(
        f"/api/centre/mediators/{c}/profile",
        json={
            **body,
            "grade": "chief",
            "specialties": ["insurance", "banking"],
            "languages": ["闽南语"],
            "regions": ["城关镇"],
        },
    )
    # med_c used to work for the insurer's head office: bound for its branch too.
    r = admin.post(
        f"/api/centre/mediators/{c}/conflicts",
        json={"institution": "某人寿保险股份有限公司", "relation": "former_employee"},
    )
    assert r.status_code == 201, r.get_json()
    return a, b, c


def test_ranking_excludes_conflicts_and_admin_confirms_with_history(app, users):
    admin = users["admin"][1]
    a, b, c = _profiles(admin, users)
    number = admin.post("/api/cases", json=case_payload()).get_json()["number"]
    r = admin.post(f"/api/centre/cases/{number}/claimant-language", json={"dialect": "闽南语"})
    assert r.get_json()["dialect"] == "闽南语"

    s = admin.get(f"/api/centre/cases/{number}/suggestions").get_json()
    assert [x["user_id"] for x in s["suggestions"]] == [a, b]
    top = s["suggestions"][0]
    assert top["components"] == {
        "specialty": 40.0,
        "dialect": 25.0,
        "region": 20.0,
        "workload": 15.0,
    }
    assert top["score"] == 100.0 and top["rank"] == 1
    assert s["suggestions"][1]["score"] == 55.0
    assert [(x["user_id"], x["excluded"]) for x in s["excluded"]] == [(c, "conflict")]
    assert s["excluded"][0]["conflicts"][0]["respondent"] == RESPONDENT

    r = admin.post(f"/api/centre/cases/{number}/assignment", json={"mediator_id": c})
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "conflict_of_interest"
    assert "某人寿保险股份有限公司" in r.get_json()["error"]["message"]

    r = admin.post(f"/api/centre/cases/{number}/assignment", json={"mediator_id": a})
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["rank"] == 1
    assert (
        admin.get(f"/api/centre/cases/{number}/suggestions").get_json()["current_mediator_id"] == a
    )
    events = admin.get(f"/api/cases/{number}/events").get_json()["events"]
    assert [e["kind"] for e in events].count("mediator_assigned") == 1

    # Reassignment needs a reason and keeps the earlier assignment.
    r = admin.post(f"/api/centre/cases/{number}/assignment", json={"mediator_id": b})
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "reason_required"
    r = admin.post(
        f"/api/centre/cases/{number}/assignment",
        json={"mediator_id": b, "reason": "申请人要求更换"},
    )
    assert r.status_code == 201, r.get_json()
    hist = admin.get(f"/api/centre/cases/{number}/assignments").get_json()["history"]
    assert [(h["mediator_id"], h["previous_mediator_id"]) for h in hist] == [(a, None), (b, a)]
    assert hist[1]["reason"] == "申请人要求更换"
    events = admin.get(f"/api/cases/{number}/events").get_json()["events"]
    assert [e["kind"] for e in events].count("mediator_assigned") == 2

    page = admin.get(f"/centre/cases/{number}/assign")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "存在利益冲突，须回避" in html and "申请人要求更换" in html


def test_workload_and_availability_change_the_ranking(app, users, today_is):
    from datetime import date

    today_is(date(2026, 3, 10))
    admin = users["admin"][1]
    a, b, _ = _profiles(admin, users)
    numbers = [
        admin.post("/api/cases", json=case_payload(region="西山镇")).get_json()["number"]
        for _ in range(3)
    ]
    for n in numbers[:2]:
        assert (
            admin.post(f"/api/centre/cases/{n}/assignment", json={"mediator_id": a}).status_code
            == 201
        )
    s = admin.get(f"/api/centre/cases/{numbers[2]}/suggestions").get_json()["suggestions"]
    # Same specialty and no region or dialect match: the lighter load comes first.
    assert [x["user_id"] for x in s] == [b, a]
    assert s[1]["components"]["workload"] == 7.5 and s[1]["open_cases"] == 2

    admin.post(
        f"/api/centre/mediators/{b}/profile",
        json={
            "employment": "part_time",
            "grade": "junior",
            "specialties": ["insurance"],
            "away_until": "2026-03-20",
        },
    )
    s = admin.get(f"/api/centre/cases/{numbers[2]}/suggestions").get_json()
    assert [x["user_id"] for x in s["suggestions"]] == [a]
    assert (b, "unavailable") in [(x["user_id"], x["excluded"]) for x in s["excluded"]]
    r = admin.post(f"/api/centre/cases/{numbers[2]}/assignment", json={"mediator_id": b})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "mediator_excluded"


def test_grade_history_and_profile_page(app, users, today_is):
    from datetime import date

    today_is(date(2026, 3, 1))
    admin = users["admin"][1]
    a, _, _ = _profiles(admin, users)
    r = admin.post(
        f"/api/centre/mediators/{a}/grade",
        json={"grade": "chief", "effective_on": "2026-06-01", "reason": "年度考核优秀"},
    )
    assert r.status_code == 201, r.get_json()
    assert (
        admin.post(f"/api/centre/mediators/{a}/grade", json={"grade": "chief"}).status_code == 409
    )
    body = admin.get(f"/api/centre/mediators/{a}").get_json()
    assert [(g["previous_grade"], g["grade"]) for g in body["grade_history"]] == [
        (None, "senior"),
        ("senior", "chief"),
    ]
    assert body["profile"]["grade"] == "chief"
    html = admin.get(f"/centre/mediators/{a}").get_data(as_text=True)
    assert "高级 → 首席" in html
    listing = admin.get("/api/centre/mediators").get_json()["mediators"]
    assert {m["user_id"] for m in listing} == {users[n][0] for n in ("med_a", "med_b", "med_c")}


def test_assignment_is_admin_only_and_session_posts_need_the_csrf_token(app, users):
    admin = users["admin"][1]
    a, _, _ = _profiles(admin, users)
    number = admin.post("/api/cases", json=case_payload()).get_json()["number"]
    med = users["med_a"][1]
    assert med.get(f"/api/centre/cases/{number}/suggestions").status_code == 403
    assert (
        med.post(f"/api/centre/cases/{number}/assignment", json={"mediator_id": a}).status_code
        == 403
    )
    assert med.get(f"/centre/cases/{number}/assign").status_code == 403

    browser = app.test_client()
    with browser.session_transaction() as sess:
        sess["user_id"] = users["admin"][0]
        sess["seen"] = int(time.time())
    r = browser.post(f"/centre/cases/{number}/assign", data={"mediator_id": a})
    assert r.status_code == 400  # no CSRF token
    page = browser.get(f"/centre/cases/{number}/assign").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    r = browser.post(f"/centre/cases/{number}/assign", data={"mediator_id": a, "csrf_token": token})
    assert r.status_code == 302
    hist = admin.get(f"/api/centre/cases/{number}/assignments").get_json()["history"]
    assert [h["mediator_id"] for h in hist] == [a]


def test_demo_command_gives_the_demo_mediators_profiles_once(app, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("the demo is loaded once, on SQLite")
    from mediation.centre import cli as centre_cli
    from mediation.cli import demo

    runner = app.test_cli_runner()
    assert runner.invoke(demo).exit_code == 0
    result = runner.invoke(centre_cli.group, ["demo"])
    assert result.exit_code == 0, result.output
    assert "mediator profiles" in result.output
    again = runner.invoke(centre_cli.group, ["demo"])
    assert "already loaded" in again.output
    with app.extensions["mediation.sessionmaker"]() as s:
        from mediation.cases.model import Case
        from mediation.centre import assignment

        case = s.query(Case).order_by(Case.id).first()
        ranking = assignment.rank_mediators(s, case, case.received_on)
        assert any(c.excluded is None for c in ranking)
