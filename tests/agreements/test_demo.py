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
            # One went on to the court as a packet; the other is being performed.
            assert case.stage in (Stage.JUDICIAL_CONFIRMATION, Stage.PERFORMANCE)
            assert payment_schedule(agreement)
            assert any(
                e.to_stage == Stage.SIGNED and e.effective_on == agreement.effective_on
                for e in case.events
            )
        numbers = [case.number for _, case in rows]
        from mediation.court.model import CourtSubmission
        from mediation.disclosure.model import Disclosure
        from mediation.performance.model import Payment

        (submission,) = s.scalars(select(CourtSubmission)).all()
        assert submission.verified_ok is True
        assert s.get(Case, submission.case_id).stage == Stage.JUDICIAL_CONFIRMATION
        assert len(s.scalars(select(Payment)).all()) == 1
        (published,) = s.scalars(select(Disclosure)).all()
        assert published.status.value == "published"
        assert "王秀英" not in published.facts + published.outcome
    for number in numbers:
        r = runner.invoke(args=["verify", "--case", number, "--workers", "1"])
        assert r.exit_code == 0, r.output
