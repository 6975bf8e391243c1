from __future__ import annotations

import re
from pathlib import Path

import pytest

from mediation.deadlines.rules import (
    RULE_DIR,
    CountUnit,
    RuleFileError,
    RuleKind,
    RuleStatus,
    UnknownRule,
    UnknownRuleSet,
    list_rule_sets,
    load_rule_set,
    load_rulebook,
)

# Every verified row of shared/law/TIME_LIMITS.md §1: id, length, count mode.
DAYS, WORK, MONTHS, YEARS = (
    CountUnit.DAYS,
    CountUnit.WORKING_DAYS,
    CountUnit.MONTHS,
    CountUnit.YEARS,
)
STATUTORY_RULES = [
    ("NFRA-18-BASE", 15, DAYS, False),
    ("NFRA-18-EXT1", 30, DAYS, False),
    ("NFRA-18-EXT2", 60, DAYS, False),
    ("NFRA-18-RESTART", 15, DAYS, False),
    ("NFRA-20-APPLY", 30, DAYS, False),
    ("NFRA-20-DECIDE", 30, DAYS, False),
    ("NFRA-33", 7, WORK, False),
    ("PML-33", 30, DAYS, True),
    ("CPL-205", 30, DAYS, True),
    ("JC-2011-4", 3, DAYS, True),
    ("JC-2011-5", 15, DAYS, True),
    ("CPL-187", 30, DAYS, True),
    ("INTERP-372-PARTY", 15, DAYS, True),
    ("INTERP-372-THIRD", 6, MONTHS, True),
    ("JC-2011-10", 1, YEARS, True),
    ("CPL-250", 2, YEARS, True),
    ("CPL-86", 10, DAYS, True),
    ("OLM-10-CHOOSE", 2, WORK, False),
    ("OLM-10-DESIGNATE", 3, WORK, False),
    ("OLM-12", 3, WORK, False),
    ("OLM-15", 3, WORK, False),
    ("OLM-24-PRE", 30, DAYS, True),
    ("OLM-24-POST-ORD", 15, DAYS, True),
    ("OLM-24-POST-SIMPLE", 7, DAYS, True),
    ("SPM-27-DELEGATED", 30, DAYS, True),
    ("SPM-27-ENTRUSTED-ORD", 15, DAYS, True),
    ("SPM-27-ENTRUSTED-SIMPLE", 7, DAYS, True),
    ("CMED-4-ORD", 15, DAYS, True),
    ("CMED-4-SIMPLE", 7, DAYS, True),
    ("PMW-33", 1, MONTHS, True),
    ("CPL-126", 7, DAYS, True),
    ("CPL-152", 6, MONTHS, True),
    ("CPL-164", 3, MONTHS, True),
]
UNVERIFIED_ROWS = ["PBOC-COMPLAINT", "FIN-2019-27", "SEC-MEDIATION", "FIN-2025-14"]

GOOD_RULE = """\
source:
  title_zh: 测试中心规则
  title_en: Test centre rules
  promise: true
rules:
  - id: {id}
    title_zh: 测试
    title_en: Test
    stage: mediation
    start_event: {{zh: 受理, en: acceptance}}
    count: {{n: 20, unit: {unit}}}
    roll: true
    modelled_on: [OLM-24-PRE]
    status: verified
    citation:
      law: 人民法院在线调解规则
      article: 第二十四条
      quote: 立案前在线调解期限为三十日。
"""


def _write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("rule_id", "n", "unit", "roll"), STATUTORY_RULES)
def test_every_verified_row_is_encoded_with_its_count(rulebook, rule_id, n, unit, roll):
    rule = rulebook.get(rule_id)
    assert (rule.count.n, rule.count.unit, rule.roll) == (n, unit, roll)
    assert not rule.promise


@pytest.mark.parametrize("rule_id", UNVERIFIED_ROWS)
def test_unverified_rows_are_not_encoded(rulebook, rule_id):
    assert rule_id not in rulebook


def test_nfra_23_is_a_pause_rule_for_the_article_18_limits(rulebook):
    rule = rulebook.get("NFRA-23")
    assert rule.kind is RuleKind.PAUSE and rule.count is None
    assert rule.pause_reason == "mediation"
    assert "NFRA-18-BASE" in rule.pauses
    assert rulebook.get("NFRA-18-BASE").allows_pause("mediation")


def test_every_rule_has_a_citation_with_a_quote(rulebook):
    for rule in rulebook.all():
        assert rule.citation.law and rule.citation.article, rule.id
        assert len(rule.citation.quote) >= 8, rule.id
        assert rule.title_zh and rule.title_en and rule.start_event_zh and rule.start_event_en


def _normalise(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_every_quote_is_verbatim_in_the_law_text(rulebook, law_texts):
    texts: dict[str, str] = {}
    missing = []
    for rule in rulebook.all():
        cited = [("citation", rule.citation), ("restart", rule.restart.citation)]
        cited += [(f"excludes {e.reason}", e.citation) for e in rule.excludes]
        cited += [(f"extension {x.id}", x.citation) for x in rule.extensions]
        for where, citation in cited:
            if citation is None:
                continue
            assert citation.text_file, f"{rule.id} {where}: no text file named"
            if citation.text_file not in texts:
                texts[citation.text_file] = _normalise(
                    (law_texts / citation.text_file).read_text("utf-8")
                )
            if _normalise(citation.quote) not in texts[citation.text_file]:
                missing.append(f"{rule.id} {where}: {citation.quote}")
    assert missing == []


def test_one_rule_file_per_source_with_its_metadata(rulebook):
    sources = {s.id: s for s in rulebook.sources()}
    assert {
        "nfra-2020-3",
        "minshi-susong-fa-2023",
        "renmin-tiaojie-fa-2010",
        "sifa-queren-2011",
        "minsu-jieshi-2022",
        "zaixian-tiaojie-2021",
        "teyao-tiaojie-2016",
        "minshi-tiaojie-2020",
        "renmin-tiaojie-gongzuo-2002",
        "centre-promises",
    } <= set(sources)
    for source in sources.values():
        assert source.title_zh and source.title_en
        assert source.promise or (source.text_file and source.effective), source.id
    assert sources["nfra-2020-3"].document_number == "中国银行保险监督管理委员会令2020年第3号"
    assert sources["sifa-queren-2011"].document_number == "法释〔2011〕5号"


def test_alias_resolves_to_the_same_limit_with_its_own_citation(rulebook):
    alias = rulebook.get("PML-33")
    target = rulebook.get("CPL-205")
    assert alias.alias_of == "CPL-205"
    assert (alias.count, alias.roll) == (target.count, target.roll)
    assert alias.citation.law == "中华人民共和国人民调解法"
    assert "三十日内共同向人民法院申请司法确认" in alias.citation.quote
    assert target.citation.law == "中华人民共和国民事诉讼法"
    assert rulebook.get("pml-33").id == "PML-33"


def test_unknown_rule_id_raises_with_the_id(rulebook):
    with pytest.raises(UnknownRule) as excinfo:
        rulebook.get("CPL-999")
    assert excinfo.value.rule_id == "CPL-999"


def test_status_notes_and_soft_targets(rulebook):
    jc10 = rulebook.get("JC-2011-10")
    assert jc10.status is RuleStatus.REVIEW and "INTERP-372-THIRD" in jc10.status_note
    assert rulebook.get("PMW-33").soft
    assert rulebook.get("INTERP-372-THIRD").fixed_period


def test_extensions_give_their_length(rulebook):
    base = rulebook.get("NFRA-18-BASE")
    assert base.extension("NFRA-18-EXT1").days_added(base) == 15
    assert base.extension("NFRA-18-EXT2").days_added(base) == 45
    jc5 = rulebook.get("JC-2011-5")
    assert jc5.extensions[0].days_added(jc5) == 10
    assert rulebook.get("OLM-24-PRE").extensions[0].unlimited_by_consent
    assert rulebook.get("CPL-152").extensions[0].add_months == 6
    assert rulebook.get("NFRA-18-BASE").restart.allowed
    assert not rulebook.get("CPL-205").restart.allowed


def test_centre_promises_name_the_statute_they_copy(rulebook):
    promises = [r for r in rulebook.all() if r.promise]
    assert {"CENTRE-ACCEPT", "CENTRE-MEDIATE"} <= {r.id for r in promises}
    for rule in promises:
        assert rule.modelled_on and all(m in rulebook for m in rule.modelled_on)
    accept = rulebook.get("CENTRE-ACCEPT")
    assert (accept.count.n, accept.count.unit) == (3, CountUnit.WORKING_DAYS)


def test_package_rulebook_is_built_once():
    assert load_rulebook() is load_rulebook()


def test_centre_rule_directory_adds_rules(tmp_path):
    _write(tmp_path, "my-centre.yaml", GOOD_RULE.format(id="MYCENTRE-MEDIATE", unit="days"))
    book = load_rulebook([tmp_path])
    assert book.get("MYCENTRE-MEDIATE").count.n == 20
    assert book.get("CPL-205")
    assert "MYCENTRE-MEDIATE" not in load_rulebook()


def test_duplicate_rule_id_names_both_files(tmp_path):
    path = _write(tmp_path, "clash.yaml", GOOD_RULE.format(id="CPL-205", unit="days"))
    with pytest.raises(RuleFileError) as excinfo:
        load_rulebook([tmp_path])
    message = str(excinfo.value)
    assert "duplicate rule id CPL-205" in message
    assert str(RULE_DIR / "minshi-susong-fa-2023.yaml") in message and str(path) in message


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (lambda t: t.replace("unit: days", "unit: weeks"), "unit"),
        (lambda t: t.replace("stage: mediation", "stage: lunch"), "stage"),
        (lambda t: t.replace("      quote: 立案前在线调解期限为三十日。\n", ""), "quote"),
        (lambda t: t.replace("    status: verified\n", "    status: maybe\n"), "status"),
        (lambda t: t.replace("    roll: true\n", "    roll: yes please\n"), "roll"),
        (lambda t: t.replace("    roll: true\n", ""), "roll"),
        (lambda t: t.replace("n: 20", "n: -1"), "n"),
        (lambda t: t.replace("    modelled_on: [OLM-24-PRE]\n", ""), "modelled_on"),
        (
            lambda t: t.replace("    modelled_on: [OLM-24-PRE]\n", "    modelled_on: [NOPE-1]\n"),
            "modelled_on",
        ),
        (lambda t: t + "    colour: red\n", "colour"),
    ],
)
def test_malformed_rule_file_names_file_and_field(tmp_path, edit, field):
    path = _write(tmp_path, "bad.yaml", edit(GOOD_RULE.format(id="MYCENTRE-X", unit="days")))
    with pytest.raises(RuleFileError) as excinfo:
        load_rulebook([tmp_path])
    assert excinfo.value.path == path
    assert excinfo.value.field == field
    assert str(path) in str(excinfo.value) and f"'{field}'" in str(excinfo.value)


def test_working_day_rule_cannot_roll(tmp_path):
    _write(tmp_path, "bad.yaml", GOOD_RULE.format(id="MYCENTRE-X", unit="working_days"))
    with pytest.raises(RuleFileError, match="working-day count"):
        load_rulebook([tmp_path])


def test_invalid_yaml_is_a_rule_file_error(tmp_path):
    path = _write(tmp_path, "broken.yaml", "rules: [unclosed\n")
    with pytest.raises(RuleFileError, match="not valid YAML") as excinfo:
        load_rulebook([tmp_path])
    assert excinfo.value.path == path


def test_alias_of_an_unknown_rule_is_an_error(tmp_path):
    _write(
        tmp_path,
        "alias.yaml",
        "source: {title_zh: 测试, title_en: Test}\n"
        "aliases:\n  - id: MY-ALIAS\n    of: CPL-999\n"
        "    citation: {article: 第一条, quote: 一二三四五六七八}\n",
    )
    with pytest.raises(RuleFileError, match="CPL-999"):
        load_rulebook([tmp_path])


# -- rule sets ---------------------------------------------------------------------------


def test_shipped_rule_sets_load_and_validate(rulebook):
    names = list_rule_sets()
    assert {"default", "people-mediation", "bank-complaint"} <= set(names)
    for name in names:
        rule_set = load_rule_set(name, rulebook)
        assert rule_set.clocks and rule_set.title_zh and rule_set.title_en


def test_default_rule_set_binds_the_clocks_to_stages(rulebook):
    rule_set = load_rule_set("default", rulebook)
    assert [(c.rule_id, c.starts_on) for c in rule_set.clocks] == [
        ("CENTRE-ACCEPT", "intake"),
        ("OLM-24-PRE", "accepted"),
        ("CPL-205", "signed"),
        ("JC-2011-4", "court_received"),
        ("JC-2011-5", "court_accepted"),
    ]
    assert [c.rule_id for c in rule_set.clocks_starting("signed")] == ["CPL-205"]
    assert {c.rule_id for c in rule_set.clocks_stopping("closed")} == {
        "OLM-24-PRE",
        "CPL-205",
        "JC-2011-4",
        "JC-2011-5",
    }
    assert [c.rule_id for c in rule_set.clocks_stopping("court_accepted")] == ["JC-2011-4"]
    assert rule_set.clocks_stopping("accepted")[0].rule_id == "CENTRE-ACCEPT"


def test_people_mediation_rule_set_uses_the_alias(rulebook):
    rule_set = load_rule_set("people-mediation", rulebook)
    assert "PML-33" in rule_set.rule_ids()


def test_unknown_rule_set_raises(rulebook):
    with pytest.raises(UnknownRuleSet, match="nonesuch"):
        load_rule_set("nonesuch", rulebook)


RULE_SET = """\
name: {name}
title_zh: 测试
title_en: Test
description: A test rule set.
clocks:
  - rule: {rule}
    starts_on: {starts}
    stops_on: [{stops}]
"""


@pytest.mark.parametrize(
    ("rule", "starts", "stops", "field"),
    [
        ("CPL-999", "signed", "closed", "rule"),
        ("NFRA-23", "mediation", "closed", "rule"),
        ("CPL-205", "lunch", "closed", "starts_on"),
        ("CPL-205", "signed", "closed, dinner", "stops_on"),
        ("CPL-205", "signed", "signed", "stops_on"),
    ],
)
def test_invalid_rule_set_names_the_field(tmp_path, rulebook, rule, starts, stops, field):
    _write(
        tmp_path, "mine.yaml", RULE_SET.format(name="mine", rule=rule, starts=starts, stops=stops)
    )
    with pytest.raises(RuleFileError) as excinfo:
        load_rule_set("mine", rulebook, [tmp_path])
    assert excinfo.value.field == field


def test_centre_rule_set_directory_adds_and_replaces_sets(tmp_path, rulebook):
    _write(
        tmp_path,
        "default.yaml",
        RULE_SET.format(name="default", rule="CPL-205", starts="signed", stops="closed"),
    )
    _write(
        tmp_path,
        "mine.yaml",
        RULE_SET.format(name="mine", rule="pml-33", starts="signed", stops="closed"),
    )
    assert {"default", "mine", "bank-complaint"} <= set(list_rule_sets([tmp_path]))
    assert len(load_rule_set("default", rulebook, [tmp_path]).clocks) == 1
    assert load_rule_set("mine", rulebook, [tmp_path]).clocks[0].rule_id == "PML-33"


def test_rule_set_name_must_match_its_file(tmp_path, rulebook):
    _write(
        tmp_path,
        "mine.yaml",
        RULE_SET.format(name="other", rule="CPL-205", starts="signed", stops="closed"),
    )
    with pytest.raises(RuleFileError, match="does not match"):
        load_rule_set("mine", rulebook, [tmp_path])
