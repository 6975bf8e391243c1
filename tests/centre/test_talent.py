"""The talent pool: experts invited to cases, subsidies from configurable rules, monthly
statements that open as CSV and XLSX."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from mediation.cases.model import DisputeType
from mediation.centre import cli as centre_cli
from mediation.centre.model import Complexity, Outcome, SubsidyRule
from mediation.centre.talent import pick_rule
from tests.conftest import case_payload


def _rule(i, amount, dispute_type=None, complexity=None, outcome=None, active=True):
    return SubsidyRule(
        id=i,
        centre_id=1,
        amount=Decimal(amount),
        dispute_type=dispute_type,
        complexity=complexity,
        outcome=outcome,
        active=active,
    )


def test_the_most_specific_matching_rule_wins_and_the_newest_among_equals():
    rules = [
        _rule(1, "300"),
        _rule(2, "500", outcome=Outcome.SUCCESS),
        _rule(3, "800", dispute_type=DisputeType.INSURANCE, complexity=Complexity.COMPLEX),
        _rule(4, "450", outcome=Outcome.SUCCESS),
        _rule(5, "9999", dispute_type=DisputeType.INSURANCE, active=False),
    ]
    ins, bank = DisputeType.INSURANCE, DisputeType.BANKING
    assert pick_rule(rules, ins, Complexity.COMPLEX, Outcome.SUCCESS).id == 3
    assert pick_rule(rules, ins, Complexity.SIMPLE, Outcome.SUCCESS).id == 4
    assert pick_rule(rules, bank, Complexity.SIMPLE, Outcome.FAILURE).id == 1
    assert pick_rule(rules[1:], bank, Complexity.SIMPLE, Outcome.FAILURE) is None


def _close(admin, number, outcome):
    path = ["accepted", "mediation", outcome]
    for i, stage in enumerate(path):
        r = admin.post(
            f"/api/cases/{number}/transitions",
            json={"to": stage, "reason": "原因", "on_date": f"2026-03-{10 + i:02d}"},
        )
        assert r.status_code == 200, r.get_json()


def test_subsidies_follow_the_rules_and_the_statement_exports(app, users, today_is, tmp_path):
    today_is(date(2026, 3, 31))
    admin = users["admin"][1]
    for body in (
        {"amount": "300"},
        {"amount": "600", "outcome": "success"},
        {"amount": "1000", "dispute_type": "insurance", "complexity": "complex"},
    ):
        assert admin.post("/api/centre/subsidy-rules", json=body).status_code == 201
    judge = admin.post(
        "/api/centre/experts",
        json={"name": "赵法官", "kind": "retired_judge", "specialties": ["insurance"]},
    ).get_json()
    lawyer = admin.post(
        "/api/centre/experts", json={"name": "钱律师", "kind": "lawyer", "organisation": "某律所"}
    ).get_json()

    n1 = admin.post("/api/cases", json=case_payload()).get_json()["number"]
    n2 = admin.post("/api/cases", json=case_payload(dispute_type="banking")).get_json()["number"]
    n3 = admin.post("/api/cases", json=case_payload(dispute_type="lending")).get_json()["number"]
    inv = []
    for expert, number, complexity in (
        (judge, n1, "complex"),
        (lawyer, n2, "simple"),
        (lawyer, n3, "ordinary"),
    ):
        r = admin.post(
            f"/api/centre/experts/{expert['id']}/invitations",
            json={"case": number, "complexity": complexity},
        )
        assert r.status_code == 201, r.get_json()
        inv.append(r.get_json()["id"])
    dup = admin.post(f"/api/centre/experts/{judge['id']}/invitations", json={"case": n1})
    assert dup.status_code == 409

    # No subsidy before the case has concluded.
    r = admin.post(f"/api/centre/invitations/{inv[0]}/complete", json={})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "case_not_concluded"
    _close(admin, n1, "signed")
    _close(admin, n2, "signed")
    _close(admin, n3, "failed")
    admin.post(f"/api/centre/invitations/{inv[1]}/response", json={"accepted": True})
    got = [
        admin.post(f"/api/centre/invitations/{i}/complete", json={"completed_on": day}).get_json()
        for i, day in zip(inv, ("2026-03-20", "2026-03-21", "2026-04-02"), strict=True)
    ]
    assert [(g["outcome"], g["subsidy"]) for g in got] == [
        ("success", "1000.00"),
        ("success", "600.00"),
        ("failure", "300.00"),
    ]
    # A later change of the rules does not rewrite what was paid.
    admin.post("/api/centre/subsidy-rules", json={"amount": "700", "outcome": "success"})

    st = admin.get("/api/centre/statements/2026-03").get_json()
    assert st["total"] == "1600.00"
    assert [(x["expert"], x["case"], x["amount"]) for x in st["lines"]] == [
        ("赵法官", n1, "1000.00"),
        ("钱律师", n2, "600.00"),
    ]
    assert admin.get("/api/centre/statements/2026-04").get_json()["total"] == "300.00"
    assert admin.get("/api/centre/statements/2026-13").status_code == 400

    r = admin.get("/api/centre/statements/2026-03/export?format=xlsx")
    wb = load_workbook(io.BytesIO(r.get_data()), read_only=True)
    lines = list(wb[wb.sheetnames[0]].iter_rows(min_row=2, values_only=True))
    assert [(x[0], x[3], x[-1]) for x in lines] == [("赵法官", n1, 1000), ("钱律师", n2, 600)]
    totals = list(wb[wb.sheetnames[1]].iter_rows(min_row=2, values_only=True))
    assert totals[-1][-1] == 1600

    r = admin.get("/api/centre/statements/2026-03/export?format=csv&lang=en")
    rows = list(csv.DictReader(io.StringIO(r.get_data().decode("utf-8-sig"))))
    assert [row["amount"] for row in rows] == ["1000.00", "600.00"]

    out = tmp_path / "march.xlsx"
    result = app.test_cli_runner().invoke(
        centre_cli.group, ["statements", "2026-03", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "total 1600.00" in result.output
    assert load_workbook(out).sheetnames[0].endswith("2026-03")
    out_csv = tmp_path / "march.csv"
    app.test_cli_runner().invoke(centre_cli.group, ["statements", "2026-03", "--out", str(out_csv)])
    assert len(list(csv.reader(out_csv.read_text(encoding="utf-8-sig").splitlines()))) == 3

    page = admin.get("/centre/talent?month=2026-03").get_data(as_text=True)
    assert "赵法官" in page and "1600.00" in page


def test_talent_pool_is_admin_only(app, users):
    med = users["med_a"][1]
    assert med.get("/api/centre/experts").status_code == 403
    assert med.post("/api/centre/subsidy-rules", json={"amount": "1"}).status_code == 403
    assert med.get("/api/centre/statements/2026-03").status_code == 403
    assert med.get("/centre/talent").status_code == 403
