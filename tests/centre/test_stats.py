"""Dashboard figures, computed by SQL, equal an independent recomputation in plain Python
over generated cases; the dashboard page draws them as SVG and the exports open."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from mediation.centre import stats
from mediation.people.model import Centre, User
from tests.centre import generate as gen_mod
from tests.centre.generate import AS_OF


@pytest.fixture
def generated(app, users, today_is):
    today_is(AS_OF)
    factory = app.extensions["mediation.sessionmaker"]
    with factory() as s:
        centre = s.query(Centre).one()
        admin = s.get(User, users["admin"][0])
        claimant = s.get(User, users["claimant"][0])
        mediators = [s.get(User, users[n][0]) for n in ("med_a", "med_b", "med_c")]
        gen = gen_mod.generate(s, centre, admin, claimant, mediators)
        s.commit()
        clocks = gen_mod.clock_rows(s)
        return gen, clocks, centre.id


def _check(data: dict, exp: dict) -> None:
    assert data["totals"]["cases"] == exp["cases"]
    assert data["totals"]["open"] == exp["open"]
    assert dict(data["by_type"]) == exp["by_type"]
    assert dict(data["by_stage"]) == exp["by_stage"]
    assert dict(data["by_channel"]) == exp["by_channel"]
    assert dict(data["by_region"]) == exp["by_region"]
    assert dict(data["by_month"]) == exp["by_month"]
    got_tps = {
        r["stage"]: (r["stays"], r["avg_days"], r["max_days"]) for r in data["time_per_stage"]
    }
    assert got_tps.keys() == exp["time_per_stage"].keys()
    for stage, (n, avg, mx) in exp["time_per_stage"].items():
        assert got_tps[stage][0] == n
        assert got_tps[stage][1] == pytest.approx(avg, abs=0.006)
        assert got_tps[stage][2] == mx
    assert {r["rule"]: (r["met"], r["missed"]) for r in data["on_time"]} == exp["on_time"]
    assert data["totals"]["on_time_rate"] == pytest.approx(exp["on_time_rate"])
    assert data["outcomes"]["concluded"] == exp["concluded"]
    assert data["outcomes"]["by_outcome"] == exp["by_outcome"]
    assert data["totals"]["success_rate"] == pytest.approx(exp["success_rate"])
    assert data["satisfaction"]["ratings"] == exp["ratings"]
    assert data["satisfaction"]["distribution"] == exp["distribution"]
    assert data["totals"]["avg_satisfaction"] == pytest.approx(exp["avg_satisfaction"])
    assert data["totals"]["complaints"] == exp["complaints"]
    got_inst = {
        r["institution"]: (
            r["cases"],
            r["concluded"],
            r["successes"],
            r["ratings"],
            r["avg_satisfaction"],
        )
        for r in data["institutions"]
    }
    assert got_inst.keys() == exp["institutions"].keys()
    for k, v in exp["institutions"].items():
        assert got_inst[k][:4] == v[:4]
        assert got_inst[k][4] == pytest.approx(v[4])


FILTERS = [
    (None, None, None),
    (date(2025, 3, 1), date(2025, 8, 31), None),
    (None, None, "东河乡"),
    (date(2025, 5, 1), None, "城关镇"),
]


def test_dashboard_figures_match_an_independent_recomputation(app, generated):
    gen, clocks, centre_id = generated
    assert len(gen.cases) == 48
    everything = gen_mod.expected_dashboard(gen, clocks, AS_OF)
    # The generated data exercise every branch: met and missed clocks, each outcome, ratings.
    assert {"signed", "failed", "withdrawn"} <= everything["by_outcome"].keys()
    assert any(met for met, _ in everything["on_time"].values())
    assert any(missed for _, missed in everything["on_time"].values())
    assert everything["complaints"] > 0
    for date_from, date_to, region in FILTERS:
        with app.extensions["mediation.sessionmaker"]() as s:
            data = stats.dashboard(
                s,
                stats.Filters(
                    centre_id, AS_OF, date_from=date_from, date_to=date_to, region=region
                ),
            )
        exp = gen_mod.expected_dashboard(gen, clocks, AS_OF, date_from, date_to, region)
        assert exp["cases"] > 0 and exp["concluded"] > 0 and exp["ratings"] > 0
        _check(data, exp)


def test_api_page_and_exports_show_the_same_numbers(app, generated, users):
    gen, clocks, _ = generated
    admin = users["admin"][1]
    exp = gen_mod.expected_dashboard(gen, clocks, AS_OF, date(2025, 1, 1), date(2025, 6, 30))
    query = "from=2025-01-01&to=2025-06-30"

    r = admin.get(f"/api/stats/dashboard?{query}")
    assert r.status_code == 200, r.get_json()
    _check(r.get_json(), exp)

    page = admin.get(f"/centre/dashboard?{query}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('<svg class="chart') == 9
    assert f'<div class="kpi" id="kpi-cases">案件总数<b>{exp["cases"]}</b>' in html
    assert "保险" in html  # dispute types are labelled in the user's language

    r = admin.get(f"/api/stats/export?format=csv&table=cases&{query}&lang=en")
    assert r.status_code == 200
    assert r.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(r.get_data().decode("utf-8-sig"))))
    assert len(rows) == exp["cases"]
    assert sum(1 for row in rows if row["outcome"] == "signed") == exp["by_outcome"].get(
        "signed", 0
    )
    assert not any("申请人" in v for row in rows for v in row.values())  # no personal names

    r = admin.get(f"/api/stats/export?format=csv&table=summary&{query}&lang=en")
    summary = list(csv.reader(io.StringIO(r.get_data().decode("utf-8-sig"))))
    assert summary[0] == ["section", "item", "value"]
    assert ["totals", "cases", str(exp["cases"])] in summary

    r = admin.get(f"/api/stats/export?format=xlsx&{query}")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.get_data()), read_only=True)
    assert "案件明细" in wb.sheetnames and "按类型" in wb.sheetnames
    by_type = {row[0]: row[1] for row in wb["按类型"].iter_rows(min_row=2, values_only=True)}
    assert by_type == exp["by_type"]
    cases_sheet = list(wb["案件明细"].iter_rows(min_row=2, values_only=True))
    assert len(cases_sheet) == exp["cases"]


def test_statistics_are_for_administrators_and_auditors_only(app, users):
    auditor = users["auditor"][1]
    assert auditor.get("/api/stats/dashboard").status_code == 200
    assert auditor.get("/api/stats/export?format=xlsx").status_code == 200
    assert auditor.get("/centre/dashboard").status_code == 200
    assert auditor.get("/centre/mediators").status_code == 403
    for who in ("med_a", "claimant", "bank"):
        api = users[who][1]
        assert api.get("/api/stats/dashboard").status_code == 403
        assert api.get("/api/stats/export?format=csv").status_code == 403
        assert api.get("/centre/dashboard").status_code == 403
    anonymous = app.test_client()
    assert anonymous.get("/api/stats/dashboard").status_code == 401
    assert anonymous.get("/centre/dashboard").status_code == 302


def test_empty_centre_renders_without_data(app, users):
    admin = users["admin"][1]
    r = admin.get("/centre/dashboard?lang=en")
    assert r.status_code == 200
    assert "No data." in r.get_data(as_text=True)
    assert admin.get("/api/stats/dashboard").get_json()["totals"]["success_rate"] is None
    assert admin.get("/api/stats/dashboard?from=2025-13-01").status_code == 400
