"""A signed case with a claimant account, an institution account that answers for the
respondent, the case's mediator, and API clients for each; `today` pinned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select, update

from tests.conftest import Api, case_payload

INSTITUTION = "某人寿保险股份有限公司示范中心支公司"
TODAY = date(2026, 4, 14)


@dataclass
class Parties:
    app: object
    number: str
    case_id: int
    mediator: Api
    claimant: Api
    institution: Api
    mediator_id: int
    claimant_id: int
    institution_id: int

    def session(self):
        return self.app.extensions["mediation.sessionmaker"]()


@pytest.fixture
def pin_today(monkeypatch, fixed_today):
    def pin(day: date):
        import mediation.web.disclosure as disclosure_mod
        import mediation.web.performance as performance_mod

        fixed_today(day)
        for mod in (performance_mod, disclosure_mod):
            if hasattr(mod, "today"):
                monkeypatch.setattr(mod, "today", lambda: day)

    pin(TODAY)
    return pin


@pytest.fixture
def parties(app, make_user, pin_today) -> Parties:
    from mediation.cases.model import Case, Party, PartyRole

    mediator_id, mtoken = make_user("med-p", "mediator", password="pw-long-enough")
    claimant_id, ctoken = make_user("claimant-p", "claimant", password="pw-long-enough")
    institution_id, itoken = make_user(
        "inst-p", "institution", institution=INSTITUTION, password="pw-long-enough"
    )
    mediator = Api(app.test_client(), mtoken)
    r = mediator.post("/api/cases", json=case_payload(received_on="2026-03-02"))
    assert r.status_code == 201, r.get_json()
    number = r.get_json()["number"]
    with app.extensions["mediation.engine"].begin() as conn:
        case_id = conn.execute(select(Case.id).where(Case.number == number)).scalar_one()
        conn.execute(
            update(Party)
            .where(Party.case_id == case_id, Party.role == PartyRole.CLAIMANT)
            .values(user_id=claimant_id)
        )
        conn.execute(update(Case).where(Case.id == case_id).values(mediator_id=mediator_id))
    return Parties(
        app=app,
        number=number,
        case_id=case_id,
        mediator=mediator,
        claimant=Api(app.test_client(), ctoken),
        institution=Api(app.test_client(), itoken),
        mediator_id=mediator_id,
        claimant_id=claimant_id,
        institution_id=institution_id,
    )


@pytest.fixture
def signed(parties) -> Parties:
    """The case moved to 签约 by the mediator (no agreement document: the schedule is given)."""
    for stage in ("accepted", "mediation", "signed"):
        r = parties.mediator.post(
            f"/api/cases/{parties.number}/transitions", json={"to": stage, "on_date": "2026-03-05"}
        )
        assert r.status_code == 200, r.get_json()
    return parties


SCHEDULE = [
    {"due_on": "2026-05-01", "amount": "1000.00", "payer": "respondent", "description": "第1期"},
    {"due_on": "2026-06-01", "amount": "2000", "payer": "respondent", "description": "第2期"},
    {"due_on": "2026-04-20", "amount": "500.5", "payer": "claimant", "description": "返还"},
]
