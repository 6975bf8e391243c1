"""The annual assessment: indicators from the stored cases equal an independent
recomputation; weights and pass line are configurable; failing flags for exit; every run
is kept as history."""

from __future__ import annotations

from datetime import date

import pytest

from mediation.centre import cli as centre_cli
from mediation.people.model import Centre, User
from tests.centre import generate as gen_mod
from tests.centre.generate import AS_OF

WEIGHTS = {
    "cases_handled": 10.0,
    "success_rate": 30.0,
    "on_time_rate": 20.0,
    "satisfaction": 20.0,
    "complaints": 10.0,
    "mentor_review": 10.0,
}


@pytest.fixture
def generated(app, users, today_is):
    today_is(AS_OF)
    factory = app.extensions["mediation.sessionmaker"]
    with factory() as s:
        centre = s.query(Centre).one()
        admin = s.get(User, users["admin"][0])
        claimant = s.get(User, users["claimant"][0])
        mediators = [s.get(User, users[n][0]) for n in ("med_a", "med_b", "med_c")]
        gen = gen_mod.generate(s, centre, admin, claimant, mediators, n=36, seed=11)
        s.commit()
        return gen, gen_mod.clock_rows(s)


def test_assessment_matches_recomputation_and_flags_those_below_the_pass_line(
    app, users, generated
):
    gen, clocks = generated
    admin = users["admin"][1]
    mentor_id, apprentice_id = users["med_a"][0], users["med_c"][0]

    r = admin.post(
        "/api/centre/mentoring",
        json={"mentor_id": mentor_id, "apprentice_id": apprentice_id, "started_on": "2025-01-02"},
    )
    assert r.status_code == 201, r.get_json()
    pair_id = r.get_json()["id"]
    mentor = users["med_a"][1]
    reviews = [(4, date(2025, 3, 1)), (5, date(2025, 9, 1)), (1, date(2024, 12, 1))]
    for score, day in reviews:
        r = mentor.post(
            f"/api/centre/mentoring/{pair_id}/reviews",
            json={"score": score, "reviewed_on": day.isoformat(), "comment": "认真"},
        )
        assert r.status_code == 201, r.get_json()
    # Only the mentor of the pair reviews the apprentice.
    assert (
        users["med_b"][1]
        .post(f"/api/centre/mentoring/{pair_id}/reviews", json={"score": 5})
        .status_code
        == 403
    )
    gen.apprentice_reviews[apprentice_id] = reviews

    scores = {
        m: e["score"]
        for m, e in gen_mod.expected_assessment(
            gen, clocks, 2025, AS_OF, WEIGHTS, 0, 20, 15.0
        ).items()
    }
    assert len(set(scores.values())) == 3
    pass_line = round(sorted(scores.values())[1] - 0.005, 3)  # the lowest of three fails
    r = admin.post(
        "/api/centre/assessment-schemes/2025",
        json={
            "weights": WEIGHTS,
            "pass_line": pass_line,
            "case_target": 20,
            "complaint_penalty": 15,
        },
    )
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["pass_line"] == pass_line

    r = admin.post("/api/centre/assessments/2025", json={"as_of": AS_OF.isoformat()})
    assert r.status_code == 201, r.get_json()
    results = {x["mediator_id"]: x for x in r.get_json()["results"]}
    expected = gen_mod.expected_assessment(gen, clocks, 2025, AS_OF, WEIGHTS, pass_line, 20, 15.0)
    assert results.keys() == expected.keys()
    for m, exp in expected.items():
        got = results[m]
        counts = got["counts"]
        assert counts["handled"] == exp["handled"]
        assert counts["successes"] == exp["successes"]
        assert (counts["clocks_met"], counts["clocks_missed"]) == (exp["met"], exp["missed"])
        assert counts["ratings"] == exp["ratings"]
        assert counts["complaints"] == exp["complaints"]
        for k, v in exp["parts"].items():
            if v is None:
                assert got["indicators"][k]["score"] is None
            else:
                assert got["indicators"][k]["score"] == pytest.approx(v, abs=0.006)
        assert got["score"] == pytest.approx(exp["score"], abs=0.006)
        assert got["flagged_for_exit"] is exp["flagged"]
        assert got["passed"] is (not exp["flagged"])
    assert sum(x["flagged_for_exit"] for x in results.values()) == 1
    assert results[apprentice_id]["indicators"]["mentor_review"]["value"] == pytest.approx(4.5)
    assert results[mentor_id]["indicators"]["mentor_review"]["value"] is None

    # A second run (e.g. after corrections) is added; the first stays in the history.
    admin.post("/api/centre/assessments/2025", json={"as_of": "2026-02-01"})
    hist = admin.get(f"/api/centre/mediators/{mentor_id}/assessments").get_json()["history"]
    assert [h["as_of"] for h in hist] == ["2026-02-01", AS_OF.isoformat()]
    latest = admin.get("/api/centre/assessments/2025").get_json()
    assert latest["as_of"] == "2026-02-01"
    assert latest["scheme"]["pass_line"] == pass_line

    page = admin.get("/centre/assessments?year=2025")
    assert page.status_code == 200
    assert "不合格，列入退出名单" in page.get_data(as_text=True)


def test_scheme_is_validated_and_assessment_is_admin_only(app, users):
    admin = users["admin"][1]
    assert admin.get("/api/centre/assessment-schemes/2025").get_json()["pass_line"] == 60.0
    bad = admin.post("/api/centre/assessment-schemes/2025", json={"weights": {"speed": 1}})
    assert bad.status_code == 400
    assert bad.get_json()["error"]["code"] == "invalid_field"
    assert (
        admin.post("/api/centre/assessment-schemes/2025", json={"pass_line": 101}).status_code
        == 400
    )
    assert admin.get("/api/centre/assessments/2024").status_code == 404
    med = users["med_a"][1]
    assert med.post("/api/centre/assessments/2025").status_code == 403
    assert med.get("/api/centre/assessment-schemes/2025").status_code == 403


def test_assess_command_prints_each_mediator(app, users):
    runner = app.test_cli_runner()
    result = runner.invoke(centre_cli.group, ["assess", "2025", "--as-of", "2026-01-10"])
    assert result.exit_code == 0, result.output
    assert "2025: 3 mediators assessed" in result.output
    assert "med_a" in result.output
    bad = runner.invoke(centre_cli.group, ["assess", "2025", "--as-of", "soon"])
    assert bad.exit_code != 0
