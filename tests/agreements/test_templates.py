"""Clause templates: validation errors name the clause and the field in zh and en; amounts
in words; the payment schedule derived from the clauses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from mediation.agreements.errors import AgreementError
from mediation.agreements.model import Agreement
from mediation.agreements.service import payment_schedule
from mediation.agreements.templates import (
    TEMPLATES,
    clause_text,
    rmb_upper,
    validate_clauses,
)


def _error(clauses) -> AgreementError:
    with pytest.raises(AgreementError) as info:
        validate_clauses(clauses)
    return info.value


def test_every_requested_template_exists():
    assert set(TEMPLATES) == {
        "refund",
        "compensation",
        "waiver",
        "instalments",
        "apology",
        "withdrawal",
    }


@pytest.mark.parametrize(
    "clauses, code, field_path",
    [
        ([], "agreements.no_clauses", None),
        ([{"template": "gift", "fields": {}}], "agreements.unknown_template", "clauses[0]"),
        (
            [{"template": "refund", "fields": {"pay_by": "2026-05-01"}}],
            "agreements.field_required",
            "clauses[0].fields.amount",
        ),
        (
            [{"template": "refund", "fields": {"amount": "-5", "pay_by": "2026-05-01"}}],
            "agreements.bad_amount",
            "clauses[0].fields.amount",
        ),
        (
            [{"template": "refund", "fields": {"amount": "1.234", "pay_by": "2026-05-01"}}],
            "agreements.bad_amount",
            "clauses[0].fields.amount",
        ),
        (
            [{"template": "compensation", "fields": {"amount": "10", "pay_by": "5/1/2026"}}],
            "agreements.bad_date",
            "clauses[0].fields.pay_by",
        ),
        (
            [{"template": "waiver", "fields": {"contract": "JK-1", "done_by": "2026-05-01"}}],
            "agreements.waiver_empty",
            "clauses[0].fields.interest",
        ),
        (
            [{"template": "apology", "fields": {"manner": "by pigeon", "by": "2026-05-01"}}],
            "agreements.bad_choice",
            "clauses[0].fields.manner",
        ),
        (
            [{"template": "refund", "fields": {"amount": "1", "pay_by": "2026-05-01", "x": 1}}],
            "agreements.unknown_field",
            "clauses[0].fields.x",
        ),
    ],
)
def test_validation_errors(clauses, code, field_path):
    err = _error(clauses)
    assert err.code == code
    assert err.field_path == field_path
    assert err.status == 400


def test_instalment_errors_name_clause_and_field_in_both_languages():
    ok = {"template": "apology", "fields": {"manner": "phone", "by": "2026-05-01"}}
    bad = {
        "template": "instalments",
        "fields": {"total": "3000", "instalments": "2026-06-01 1000\n2026-07-01 1500"},
    }
    err = _error([ok, bad])
    assert err.code == "agreements.instalments_sum"
    assert err.message("zh") == (
        "第 2 项条款（分期还款）的“各期（日期与金额）”：各期金额合计 2500.00 元，与总金额 3000.00 元不符。"
    )
    assert err.message("en").startswith("Clause 2 (Instalments), field 'Instalments")
    assert "2500.00" in err.message("en")
    err = _error(
        [
            {
                "template": "instalments",
                "fields": {"total": "2", "instalments": "2026-07-01 1\n2026-06-01 1"},
            }
        ]
    )
    assert err.code == "agreements.instalment_order"
    err = _error([{"template": "instalments", "fields": {"total": "2", "instalments": "soon 2"}}])
    assert err.code == "agreements.bad_date"
    err = _error(
        [{"template": "instalments", "fields": {"total": "2", "instalments": "2026-06-01"}}]
    )
    assert err.code == "agreements.bad_instalment_line"
    assert "2026-06-01" in err.message("zh")


def test_normal_form_and_text():
    [clause] = validate_clauses(
        [{"template": "refund", "fields": {"amount": "12,000", "pay_by": "2026-05-01 "}}]
    )
    assert clause == {
        "template": "refund",
        "fields": {"amount": "12000.00", "pay_by": "2026-05-01"},
    }
    assert clause_text(clause) == (
        "被申请人同意向申请人退还款项人民币12000.00元（大写：壹万贰仟元整），于2026年5月1日前支付完毕。"
    )
    [withdrawal] = validate_clauses([{"template": "withdrawal", "fields": {}}])
    assert withdrawal["fields"]["within_days"] == "7"


@pytest.mark.parametrize(
    "amount, words",
    [
        ("1.00", "壹元整"),
        ("10", "壹拾元整"),
        ("12010.50", "壹万贰仟零壹拾元伍角"),
        ("100000", "壹拾万元整"),
        ("20001.07", "贰万零壹元零柒分"),
        ("100000000", "壹亿元整"),
        ("0.05", "伍分"),
    ],
)
def test_amount_in_words(amount, words):
    assert rmb_upper(Decimal(amount)) == words


def test_payment_schedule_from_clauses():
    clauses = validate_clauses(
        [
            {"template": "apology", "fields": {"manner": "written", "by": "2026-04-01"}},
            {"template": "compensation", "fields": {"amount": "500", "pay_by": "2026-06-15"}},
            {
                "template": "instalments",
                "fields": {
                    "payer": "claimant",
                    "total": "900",
                    "instalments": [
                        {"due_on": "2026-05-01", "amount": "300"},
                        {"due_on": "2026-06-01", "amount": "300"},
                        {"due_on": "2026-07-01", "amount": "300"},
                    ],
                },
            },
            {"template": "refund", "fields": {"amount": "100", "pay_by": "2026-05-01"}},
        ]
    )
    schedule = payment_schedule(Agreement(clauses=clauses))
    assert [(p["due_on"], p["amount"], p["payer"], p["clause"]) for p in schedule] == [
        (date(2026, 5, 1), Decimal("300.00"), "claimant", 2),
        (date(2026, 5, 1), Decimal("100.00"), "respondent", 3),
        (date(2026, 6, 1), Decimal("300.00"), "claimant", 2),
        (date(2026, 6, 15), Decimal("500.00"), "respondent", 1),
        (date(2026, 7, 1), Decimal("300.00"), "claimant", 2),
    ]
    assert schedule[0]["description"].startswith("分期还款 第1/3期")


def test_every_label_has_zh_and_en():
    from mediation.agreements.model import AgreementStatus, SignerRole
    from mediation.i18n import t

    keys = [f"agreements.template.{k}" for k in TEMPLATES]
    for template in TEMPLATES.values():
        keys += [f"agreements.field.{f.name}" for f in template.fields]
        keys += [f"agreements.choice.{c}" for f in template.fields for c in f.choices]
    keys += [f"agreements.status.{s.value}" for s in AgreementStatus]
    keys += [f"agreements.role.{r.value}" for r in SignerRole]
    for key in keys:
        zh, en = t(key, "zh"), t(key, "en")
        assert zh != key and en != key and zh != en, key
