"""A centre's own rule file and rule set, and the administrator's calendar overrides."""

from __future__ import annotations

import textwrap

import pytest

from tests.conftest import Api, case_payload

PROMISES = textwrap.dedent(
    """\
    source:
      title_zh: 本中心服务承诺
      title_en: Our centre's promises
      promise: true
    rules:
      - id: OUR-ACCEPT
        title_zh: 两个工作日内决定是否受理
        title_en: Decide on acceptance within 2 working days
        stage: intake
        start_event: {zh: 登记之日, en: registration}
        count: {n: 2, unit: working_days}
        roll: false
        modelled_on: [OLM-12]
        status: verified
        citation:
          law: 人民法院在线调解规则
          article: 第十二条第一款
          quote: 调解组织或者调解员应当在收到人民法院委派委托调解信息或者当事人在线调解申请后三个工作日内，确认接受人民法院委派委托或者当事人调解申请。
    """
)
RULE_SET = textwrap.dedent(
    """\
    name: fast
    title_zh: 快速受理
    title_en: Fast acceptance
    description: Our promise of a decision within two working days.
    clocks:
      - rule: OUR-ACCEPT
        starts_on: intake
        stops_on: [accepted, rejected, withdrawn]
    """
)


@pytest.fixture
def centre_rules(app, tmp_path):
    folder = tmp_path / "our-rules"
    (folder / "rules").mkdir(parents=True)
    (folder / "rulesets").mkdir()
    (folder / "rules" / "our-promises.yaml").write_text(PROMISES, encoding="utf-8")
    (folder / "rulesets" / "fast.yaml").write_text(RULE_SET, encoding="utf-8")
    app.config["EXTRA_RULE_DIRS"] = [str(folder)]
    return folder


def test_centre_adds_its_own_rule_set_and_new_cases_follow_it(
    app, centre_rules, make_user, mediator_api
):
    _, tok = make_user("boss", "admin")
    admin = Api(app.test_client(), tok)
    assert "fast" in admin.get("/api/rule-sets").get_json()["rule_sets"]
    assert mediator_api.post("/api/centre/rule-set", json={"name": "fast"}).status_code == 403
    r = admin.post("/api/centre/rule-set", json={"name": "fast"})
    assert r.status_code == 200 and r.get_json() == {"current": "fast"}
    case = mediator_api.post("/api/cases", json=case_payload(received_on="2026-03-06")).get_json()
    assert [c["rule"] for c in case["clocks"]] == ["OUR-ACCEPT"]
    # Friday 03-06: Monday 03-09 and Tuesday 03-10 are the two working days.
    assert case["clocks"][0]["due_on"] == "2026-03-10"
    bad = admin.post("/api/centre/rule-set", json={"name": "nope"})
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "unknown_rule_set"


def test_admin_override_of_a_day_changes_working_day_counts(app, make_user, mediator_api):
    _, tok = make_user("boss", "admin")
    admin = Api(app.test_client(), tok)
    # Make Wednesday 2026-03-04 a day off (say, a local emergency closure).
    r = admin.post(
        "/api/holidays", json={"day": "2026-03-04", "workday": False, "name": "临时停工"}
    )
    assert r.status_code == 200
    assert (
        mediator_api.post("/api/holidays", json={"day": "2026-03-05", "workday": False}).status_code
        == 403
    )
    case = mediator_api.post("/api/cases", json=case_payload(received_on="2026-03-02")).get_json()
    # Working days after Monday 03-02: Tue 03-03, (Wed off), Thu 03-05, Fri 03-06.
    assert case["clocks"][0]["due_on"] == "2026-03-06"
    year = admin.get("/api/holidays?year=2026").get_json()
    assert year["verified"] is True
    assert {"day": "2026-03-04", "workday": False, "name": "临时停工"} in year["days"]
    assert admin.get("/api/holidays?year=2027").get_json()["verified"] is False
    bad = admin.post("/api/holidays", json={"day": "2026-03-04", "workday": "no"})
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_field"
