"""The demo data holds signed agreements, made through the real operations, and their
ledgers verify."""

from __future__ import annotations

from sqlalchemy import select


def test_demo_has_signed_agreements_that_verify(app):
    if not app.config["DATABASE_URL"].startswith("sqlite"):
        import pytest

        pytest.skip("the demo runs once, on SQLite")
    from mediation.agreements.model import Agreement, AgreementStatus
    from mediation.agreements.service import payment_schedule
    from mediation.cases.model import Case, Stage

    runner = app.test_cli_runner()
    r = runner.invoke(args=["demo"])
    assert r.exit_code == 0, r.output
    with app.extensions["mediation.sessionmaker"]() as s:
        rows = s.execute(select(Agreement, Case).join(Case, Case.id == Agreement.case_id)).all()
        assert len(rows) == 2
        for agreement, case in rows:
            assert agreement.status == AgreementStatus.EFFECTIVE
            assert len(agreement.valid_signatures) == 3
            assert case.stage in (Stage.SIGNED, Stage.PERFORMANCE)
            assert payment_schedule(agreement)
            assert any(
                e.to_stage == Stage.SIGNED and e.effective_on == agreement.effective_on
                for e in case.events
            )
        numbers = [case.number for _, case in rows]
    for number in numbers:
        r = runner.invoke(args=["verify", "--case", number, "--workers", "1"])
        assert r.exit_code == 0, r.output
