"""Anonymization on realistic complaint texts and on real judgment texts: personal data
goes, amounts, dates, case numbers and the respondent institution stay."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mediation.disclosure.anonymize import anonymize, summary, surname_of

INSTITUTION = "某人寿保险股份有限公司示范中心支公司"
CORPUS = (
    Path(__file__).resolve().parents[2].parent / "shared/data/precedents/corpus/precedents.jsonl"
)

COMPLAINT = (
    "申请人王秀英（身份证号410102195203041234，联系电话13812345678）称，其于2024年3月5日在"
    f"{INSTITUTION}投保重大疾病保险，年缴保费12,000.00元，缴费期20年。2025年8月确诊后申请理赔，"
    "被申请人以未如实告知为由拒赔。申请人住浙江省杭州市西湖区文三路90号东部软件园1号楼302室，"
    "理赔款请汇入其工商银行卡6222 0212 3456 7890 123。秀英表示，业务员刘强当时未询问病史。"
    "被申请人客服电话0571-87654321，邮箱claims@example.com。"
)


def test_a_complaint_loses_its_personal_data_and_keeps_its_facts():
    text, findings = anonymize(COMPLAINT, ["王秀英"], keep=[INSTITUTION])
    for secret in (
        "王秀英",
        "秀英",
        "410102195203041234",
        "13812345678",
        "文三路",
        "302室",
        "6222 0212 3456 7890 123",
        "刘强",
        "0571-87654321",
        "claims@example.com",
    ):
        assert secret not in text, secret
    # Amounts, dates, durations and the institution's name stay.
    for kept in (
        "12,000.00元",
        "2024年3月5日",
        "2025年8月",
        "20年",
        INSTITUTION,
        "浙江省杭州市西湖区",
    ):
        assert kept in text, kept
    assert text.startswith("申请人王某（身份证号[身份证号]，联系电话[电话]）")
    assert "王某表示，业务员刘某当时未询问病史" in text
    assert summary(findings) == {
        "name": 3,
        "id_number": 1,
        "phone": 2,
        "address": 1,
        "bank_account": 1,
        "email": 1,
    }
    # Positions refer to the input.
    for f in findings:
        assert COMPLAINT[f.start : f.end] == f.original


@pytest.mark.parametrize(
    "text, gone, kept",
    [
        # The old 15-digit ID and an 18-digit one ending in X.
        (
            "身份证号：410102520304123，新证11010519491231002X。",
            ["410102520304123", "11010519491231002X"],
            [],
        ),
        # Spaced and +86 mobiles, bracketed landlines with an extension.
        (
            "手机 138 1234 5678，或+86 139-8765-4321；座机（010）6512 3456转803。",
            ["138 1234 5678", "139-8765-4321", "6512 3456"],
            [],
        ),
        # A bare 11-digit landline only where labelled as a phone.
        ("联系电话：02087654321。", ["02087654321"], []),
        # Amounts, dates and a date written as digits stay, as does a case number.
        (
            "借款本金1,500,000元，利息按年利率15.4%计算至20240315止，案号（2024）浙0106民初1234号。",
            [],
            ["1,500,000元", "15.4%", "20240315", "（2024）浙0106民初1234号"],
        ),
        # A contract number is not an account number.
        (
            "签订编号为33010120130017501的借款合同，账号62220212345678901。",
            ["62220212345678901"],
            ["33010120130017501"],
        ),
        # 住院 is a hospital stay, not an address.
        ("住院治疗花费医疗费8000元。", [], ["住院治疗", "8000元"]),
        # Unknown names after a party label; 诉称 is not part of the name.
        (
            "原告李华诉称，被告张伟明、第三人欧阳小明未还款。",
            ["李华", "张伟明", "欧阳小明"],
            ["诉称", "李某", "张某", "欧阳某"],
        ),
        # Words after a label that are not names stay.
        ("被告辩称，原告施工，被告原因造成损失。", [], ["被告辩称", "施工", "原因"]),
    ],
)
def test_tricky_cases(text, gone, kept):
    out, _ = anonymize(text)
    for g in gone:
        assert g not in out, (g, out)
    for k in kept:
        assert k in out, (k, out)


def test_people_with_one_surname_are_told_apart_and_compound_surnames_kept():
    out, _ = anonymize("张伟向张伟明借款，欧阳小明作保。", ["张伟", "张伟明", "欧阳小明"])
    assert out == "张某1向张某2借款，欧阳某作保。"
    assert surname_of("欧阳小明") == "欧阳" and surname_of("王芳") == "王"


def test_an_organisation_claimant_is_replaced_and_respondents_stay():
    out, _ = anonymize(
        "申请人示范县小微商贸有限公司与被申请人示范农商银行发生争议。",
        organisations=["示范县小微商贸有限公司"],
        keep=["示范农商银行"],
    )
    assert out == "申请人某单位与被申请人示范农商银行发生争议。"


@pytest.mark.skipif(not CORPUS.exists(), reason=f"{CORPUS} is not present")
def test_real_judgment_texts_keep_every_amount_and_date_and_lose_id_numbers():
    """The precedent corpus (real, published judgment excerpts; read in place)."""
    # An ID number: region, a birth date, sequence and check digit (a policy number such as
    # PLCT201550010000001447 is none).
    id18 = re.compile(
        r"(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
        r"\d{3}[\dXx](?![0-9A-Za-z])"
    )
    mobile = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
    amounts = re.compile(r"\d[\d,，.]*(?:万)?元")
    dates = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")
    texts = [json.loads(line)["text"] for line in CORPUS.open(encoding="utf-8")]
    assert len(texts) > 1000
    replaced = 0
    for text in texts:
        out, findings = anonymize(text)
        replaced += len(findings)
        for m in amounts.findall(text) + dates.findall(text):
            assert m in out, m
        for m in id18.findall(out) + mobile.findall(out):
            pytest.fail(f"left in: {m}")
    assert replaced > 1000
