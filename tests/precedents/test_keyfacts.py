from datetime import date
from decimal import Decimal

import pytest

from nlp.keyfacts import extract, extract_amounts, extract_dates, extract_rates
from nlp.numbers import parse_chinese_integer, parse_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("壹拾万", 100000),
        ("三千五百", 3500),
        ("柒万", 70000),
        ("两万三千", 23000),
        ("一亿二千万", 120000000),
        ("十", 10),
    ],
)
def test_chinese_integers(text, value):
    assert parse_chinese_integer(text) == value


def test_numbers_with_units_and_grouping():
    assert parse_number("7.7万") == Decimal("77000.0")
    assert parse_number("3,000,000") == Decimal(3000000)
    assert parse_number("１２３") == Decimal(123)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("借款本金7.7万元", "77000.00"),
        ("人民币柒万元整", "70000.00"),
        ("￥70000", "70000.00"),
        ("共计3,000,000元", "3000000.00"),
        ("透支本金3万元", "30000.00"),
    ],
)
def test_amounts(text, amount):
    assert [str(a.value) for a in extract_amounts(text)] == [amount]


@pytest.mark.parametrize(
    ("text", "annual"),
    [
        ("约定月利率2%", 24.0),
        ("年利率24％", 24.0),
        ("月息2分", 24.0),
        ("按月利率20‰计算", 24.0),
        ("日利率万分之五", 18.25),
        ("按每月3％计算利息", 36.0),
        ("年息一分五", 15.0),
    ],
)
def test_interest_rates_become_annual_percentages(text, annual):
    rates = extract_rates(text)
    assert rates, text
    assert rates[0].annual_percent == pytest.approx(annual)


def test_a_monthly_figure_unrelated_to_interest_is_not_a_rate():
    assert extract_rates("每月3%的业绩增长目标") == []


def test_dates_in_arabic_and_chinese_numerals():
    assert extract_dates("2017年1月24日借款，二〇一八年三月五日还款") == [
        date(2017, 1, 24),
        date(2018, 3, 5),
    ]


def test_loan_facts_and_their_codes():
    facts = extract(
        "原告王某诉称：被告山西某某房地产开发有限公司于2017年1月24日向原告借款50万元，"
        "约定月利率2%，出具借条，被告冯某承担连带保证责任，逾期90天未还，原告多次催要。"
    )
    assert facts.principal == Decimal("500000.00")
    assert facts.top_rate == pytest.approx(24.0)
    assert facts.overdue_days == 90
    codes = facts.features()
    assert {
        "amount:500k-1m",
        "rate:15-24",
        "guarantee:joint",
        "borrower:company",
        "element:written_proof",
        "element:demand",
        "element:interest_agreed",
        "overdue:<=90d",
        "product:private_lending",
    } <= codes


def test_product_and_institution_types():
    card = extract("被告在某银行申领信用卡透支消费后逾期未还").features()
    assert {"product:credit_card", "institution:bank", "overdue:yes"} <= card
    insurance = extract("保险公司以未如实告知为由拒绝理赔").features()
    assert {"product:insurance", "institution:insurer", "element:misselling"} <= insurance


def test_no_interest_wins_over_an_interest_mention():
    facts = extract("双方未约定利息，原告主张按年利率6%计算利息")
    assert "element:no_interest" in facts.features()
    assert "element:interest_agreed" not in facts.features()


def test_key_facts_round_trip_through_json():
    from nlp.keyfacts import KeyFacts

    facts = extract("借款10万元，月利率2%，2019年3月1日，逾期3个月，保证人承担连带责任")
    again = KeyFacts.from_json(facts.to_json())
    assert again.features() == facts.features()
    assert again.principal == facts.principal
