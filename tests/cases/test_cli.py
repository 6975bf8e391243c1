"""The `mediation` command: deadlines, holiday import, demo data, scan."""

from __future__ import annotations

from pathlib import Path

import pytest

SCHEDULE_2027 = """\
year: 2027
source: "测试用安排（格式示例）"
holidays:
  - name: 元旦
    days_off: ["2027-01-01..2027-01-03"]
  - name: 春节
    days_off: ["2027-02-06..2027-02-13"]
    workdays: ["2027-02-14", "2027-02-20"]
"""


def test_deadline_command_prints_the_due_date_and_how_it_was_counted(app):
    r = app.test_cli_runner().invoke(args=["deadline", "CPL-205", "2025-04-05"])
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[0] == "CPL-205: due 2025-05-06"
    assert "2025年5月5日" in r.output  # the unrolled end it moved from
    r = app.test_cli_runner().invoke(
        args=["deadline", "NFRA-18-BASE", "2025-06-03", "--pause", "2025-06-06/2025-06-15"]
    )
    assert r.output.splitlines()[0] == "NFRA-18-BASE: due 2025-06-27"


def test_deadline_command_rejects_unknown_rules_and_bad_dates(app):
    r = app.test_cli_runner().invoke(args=["deadline", "XYZ-1", "2025-04-05"])
    assert r.exit_code != 0 and "XYZ-1" in r.output
    r = app.test_cli_runner().invoke(args=["deadline", "CPL-205", "2025-13-45"])
    assert r.exit_code != 0 and "2025-13-45" in r.output


def test_importing_next_years_schedule_makes_its_deadlines_computable(app, tmp_path):
    runner = app.test_cli_runner()
    r = runner.invoke(args=["deadline", "CPL-205", "2026-12-20"])
    assert r.output.splitlines()[0] == "CPL-205: CALENDAR_UNVERIFIED (provisional 2027-01-19)"
    path = tmp_path / "2027.yaml"
    path.write_text(SCHEDULE_2027, encoding="utf-8")
    r = runner.invoke(args=["holidays", "import", str(path)])
    assert r.exit_code == 0, r.output
    assert runner.invoke(args=["holidays", "import", str(path)]).exit_code == 0  # idempotent
    r = runner.invoke(args=["deadline", "CPL-205", "2026-12-20"])
    assert r.output.splitlines()[0] == "CPL-205: due 2027-01-19"
    # 2027-02-06 + 1 day is in the imported Spring Festival break: rolls to the 02-14 make-up day.
    r = runner.invoke(args=["deadline", "JC-2011-4", "2027-02-05"])
    assert r.output.splitlines()[0] == "JC-2011-4: due 2027-02-14"
    listing = runner.invoke(args=["holidays", "list", "2027"]).output
    assert "2027: verified" in listing and "2027-02-14  上班 workday" in listing


def test_bad_schedule_file_is_refused_with_a_clear_message(app, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "year: 2027\nsource: x\nholidays:\n  - name: 春节\n    days_off: ['2026-02-06']\n",
        encoding="utf-8",
    )
    r = app.test_cli_runner().invoke(args=["holidays", "import", str(path)])
    assert r.exit_code != 0
    assert "2026-02-06" in r.output


def test_demo_data_covers_every_stage_and_is_idempotent(app):
    from sqlalchemy import func, select

    from mediation.cases.model import Case, Stage

    runner = app.test_cli_runner()
    r = runner.invoke(args=["demo"])
    assert r.exit_code == 0, r.output
    again = runner.invoke(args=["demo"])
    assert again.output.strip() == "demo data: 0 cases"
    session = app.extensions["mediation.sessionmaker"]()
    stages = {s for (s,) in session.execute(select(Case.stage).distinct())}
    assert stages == set(Stage)
    assert session.scalar(select(func.count(Case.id))) >= 30
    creds = Path(app.instance_path, "demo-credentials.txt").read_text(encoding="utf-8")
    assert "mediator\t" in creds
    session.close()


@pytest.mark.parametrize("day", ["2026-06-01"])
def test_scan_command_reports_counts(app, day):
    r = app.test_cli_runner().invoke(args=["scan", "--today", day])
    assert r.exit_code == 0 and r.output.startswith(f"scan {day}:")


def test_admin_overrides_one_day_from_the_command_line(app):
    runner = app.test_cli_runner()
    before = runner.invoke(args=["deadline", "JC-2011-4", "2026-03-04"]).output.splitlines()[0]
    assert before == "JC-2011-4: due 2026-03-09"  # Sat 03-07 → Mon 03-09
    assert (
        runner.invoke(
            args=["holidays", "set", "2026-03-09", "--day-off", "--name", "停工"]
        ).exit_code
        == 0
    )
    after = runner.invoke(args=["deadline", "JC-2011-4", "2026-03-04"]).output.splitlines()[0]
    assert after == "JC-2011-4: due 2026-03-10"
    assert (
        runner.invoke(
            args=["holidays", "set", "2026-03-09", "--day-off", "--remove"]
        ).output.strip()
        == "removed"
    )
    assert (
        runner.invoke(args=["deadline", "JC-2011-4", "2026-03-04"]).output.splitlines()[0] == before
    )


def test_centre_rule_set_command_lists_and_switches(app):
    runner = app.test_cli_runner()
    listing = runner.invoke(args=["centre", "rule-set"]).output.splitlines()
    assert "* default" in listing and "  people-mediation" in listing
    assert runner.invoke(args=["centre", "rule-set", "people-mediation"]).exit_code == 0
    assert "* people-mediation" in runner.invoke(args=["centre", "rule-set"]).output.splitlines()
    bad = runner.invoke(args=["centre", "rule-set", "nope"])
    assert bad.exit_code != 0 and "nope" in bad.output


def test_ledger_is_signed_and_verified_from_the_command_line(app, mediator_api):
    from tests.conftest import case_payload

    number = mediator_api.post("/api/cases", json=case_payload()).get_json()["number"]
    runner = app.test_cli_runner()
    r = runner.invoke(args=["ledger", "sign"])
    assert r.exit_code == 0 and r.output.strip() == "signed 1 checkpoints"
    assert runner.invoke(args=["ledger", "sign"]).output.strip() == "signed 0 checkpoints"
    r = runner.invoke(args=["verify", "--case", number])
    assert r.exit_code == 0, r.output
    r = runner.invoke(args=["verify", "--all"])
    assert r.exit_code == 0, r.output


def test_nightly_runs_scan_checkpoints_and_risk_scan(app, mediator_api):
    from tests.conftest import case_payload

    mediator_api.post("/api/cases", json=case_payload(received_on="2026-03-02"))
    r = app.test_cli_runner().invoke(args=["nightly"])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0].startswith("scan ") and lines[1] == "signed 1 checkpoints"
