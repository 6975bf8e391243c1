"""Rule-set bindings on court milestones as well as stages: the court's 3-day and 15-day
clocks (法释〔2011〕5号 Arts 4-5) start and stop on receipt, acceptance and ruling."""

from __future__ import annotations

import pytest

from mediation.deadlines.rules import (
    MILESTONES,
    RuleFileError,
    list_rule_sets,
    load_rule_set,
    load_rulebook,
)
from tests.court.conftest import post_packet


@pytest.fixture(scope="module")
def rulebook():
    return load_rulebook()


@pytest.mark.parametrize("name", ["default", "people-mediation", "bank-complaint"])
def test_rule_sets_covering_judicial_confirmation_bind_the_court_milestones(rulebook, name):
    rule_set = load_rule_set(name, rulebook)
    by_rule = {c.rule_id: c for c in rule_set.clocks}
    assert by_rule["JC-2011-4"].starts_on == "court_received"
    assert {"court_accepted", "court_refused"} <= set(by_rule["JC-2011-4"].stops_on)
    assert by_rule["JC-2011-5"].starts_on == "court_accepted"
    assert "court_ruled" in by_rule["JC-2011-5"].stops_on
    assert [c.rule_id for c in rule_set.clocks_starting("court_accepted")] == ["JC-2011-5"]
    assert not rule_set.clocks_starting("judicial_confirmation")


def test_every_shipped_rule_set_still_loads(rulebook):
    for name in list_rule_sets():
        load_rule_set(name, rulebook)


RULE_SET = """\
name: custom
title_zh: 测试
title_en: Test
description: A test rule set.
clocks:
  - rule: JC-2011-4
    starts_on: {starts}
    stops_on: [{stops}]
"""


def test_binding_names_a_stage_or_a_milestone_and_nothing_else(rulebook, tmp_path):
    path = tmp_path / "custom.yaml"
    path.write_text(RULE_SET.format(starts="court_received", stops="court_accepted, closed"))
    assert load_rule_set("custom", rulebook, [tmp_path]).clocks[0].stops_on == (
        "court_accepted",
        "closed",
    )
    path.write_text(RULE_SET.format(starts="court_lunch", stops="closed"))
    with pytest.raises(RuleFileError, match="court_lunch") as exc:
        load_rule_set("custom", rulebook, [tmp_path])
    assert exc.value.field == "starts_on"
    path.write_text(RULE_SET.format(starts="signed", stops="court_dinner"))
    with pytest.raises(RuleFileError, match="court_dinner"):
        load_rule_set("custom", rulebook, [tmp_path])


def test_on_milestone_refuses_an_unknown_name():
    from mediation.deadlines.service import on_milestone

    assert "court_received" in MILESTONES
    with pytest.raises(ValueError, match="court_lunch"):
        on_milestone(None, None, "court_lunch", None, None, None)


def test_receipt_before_national_day_rolls_the_3_days_past_the_holiday(court_setup):
    s = court_setup
    r = post_packet(s.court.clerk, s.packet_zip, received_on="2026-09-30")
    assert r.status_code == 201, r.get_json()
    clock = next(c for c in r.get_json()["clocks"] if c["rule"] == "JC-2011-4")
    # 3 days end on Sat 10-03, inside the National Day holiday (10-01..10-07): due 10-08.
    assert clock["due_on"] == "2026-10-08"
    assert clock["calendar_verified"] is True


def test_acceptance_on_the_last_day_is_met_and_after_it_is_missed(court_setup):
    s = court_setup
    sub = post_packet(s.court.clerk, s.packet_zip).get_json()
    r = s.court.clerk.post(
        f"/api/court/submissions/{sub['id']}/accept", json={"on_date": "2026-03-20"}
    )
    assert r.status_code == 200, r.get_json()
    clock = next(c for c in r.get_json()["clocks"] if c["rule"] == "JC-2011-4")
    assert clock["due_on"] == "2026-03-19" and clock["met"] is False
    sub2 = s.court.clerk.get(f"/api/court/submissions/{sub['id']}").get_json()
    assert sub2["decided_on"] == "2026-03-20"
    ruling = next(c for c in sub2["clocks"] if c["rule"] == "JC-2011-5")
    # 15 days from 03-20 end on Sat 04-04, in the Qingming holiday (04-04..04-06): 04-07.
    assert ruling["due_on"] == "2026-04-07"
    # A ruling dated before the acceptance is refused.
    r = s.court.clerk.post(
        f"/api/court/submissions/{sub['id']}/ruling",
        json={"outcome": "confirmed", "ruled_on": "2026-03-19"},
    )
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_field"


def test_acceptance_dated_before_receipt_is_refused(court_setup):
    s = court_setup
    sub = post_packet(s.court.clerk, s.packet_zip).get_json()
    r = s.court.clerk.post(
        f"/api/court/submissions/{sub['id']}/accept", json={"on_date": "2026-03-15"}
    )
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_field"
