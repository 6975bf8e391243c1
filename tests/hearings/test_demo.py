"""The demo data has an upcoming session on every case in mediation, made through the same
operation as the case page, so its ledger still verifies."""

from __future__ import annotations

from sqlalchemy import select


def test_every_demo_case_in_mediation_has_an_upcoming_session(app):
    from mediation.cases.model import Case, EventKind, Stage
    from mediation.hearings.model import Hearing, HearingKind, HearingStatus

    r = app.test_cli_runner().invoke(args=["demo"])
    assert r.exit_code == 0, r.output
    session = app.extensions["mediation.sessionmaker"]()
    try:
        cases = session.scalars(select(Case).where(Case.stage == Stage.MEDIATION)).all()
        assert cases
        kinds = set()
        for case in cases:
            (h,) = session.scalars(select(Hearing).where(Hearing.case_id == case.id)).all()
            assert h.status == HearingStatus.SCHEDULED and h.mediator_id == case.mediator_id
            assert (h.room is not None) == (h.kind == HearingKind.REMOTE)
            assert any(e.kind == EventKind.HEARING_SCHEDULED for e in case.events)
            kinds.add(h.kind)
        assert kinds == {HearingKind.REMOTE, HearingKind.ON_SITE}
    finally:
        session.close()
    r = app.test_cli_runner().invoke(args=["verify", "--all", "--no-files", "--workers", "1"])
    assert r.exit_code == 0, r.output
