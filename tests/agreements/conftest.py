"""A case in mediation with a claimant who has a portal account, an institution user who
answers for the respondent, and the case's mediator; API clients for each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select, update

from tests.conftest import Api, case_payload

INSTITUTION = "某人寿保险股份有限公司示范中心支公司"
TODAY = date(2026, 4, 14)  # +30 days is Thursday 2026-05-14, a working day

CLAUSES = [
    {"template": "refund", "fields": {"amount": "12000", "pay_by": "2026-05-01"}},
    {
        "template": "instalments",
        "fields": {
            "payer": "respondent",
            "total": "3000.00",
            "instalments": [
                {"due_on": "2026-06-01", "amount": "1000"},
                {"due_on": "2026-07-01", "amount": "2000"},
            ],
        },
    },
    {"template": "apology", "fields": {"manner": "written", "by": "2026-04-30"}},
]


@dataclass
class Signing:
    app: object
    number: str
    case_id: int
    mediator: Api
    claimant: Api
    institution: Api
    mediator_id: int
    claimant_id: int
    institution_id: int

    def by_role(self, role: str) -> Api:
        return {
            "mediator": self.mediator,
            "claimant": self.claimant,
            "respondent": self.institution,
        }[role]

    def user_id(self, role: str) -> int:
        return {
            "mediator": self.mediator_id,
            "claimant": self.claimant_id,
            "respondent": self.institution_id,
        }[role]


def latest_code(user_id: int) -> str:
    from mediation.notify.sender import recent_notices

    return recent_notices(user_id=user_id, key="notify.code.agreement.sign")[-1]["code"]


def forget_rate_limit(app, user_id: int) -> None:
    """Age the user's codes by two minutes, as if the resend wait had passed."""
    from datetime import timedelta

    from mediation.notify.model import VerificationCode

    engine = app.extensions["mediation.engine"]
    table = VerificationCode.__table__
    with engine.begin() as conn:
        rows = conn.execute(
            select(table.c.id, table.c.created_at).where(table.c.user_id == user_id)
        ).all()
        for row in rows:
            conn.execute(
                update(table)
                .where(table.c.id == row.id)
                .values(created_at=row.created_at - timedelta(minutes=2))
            )


def sign_as(s: Signing, role: str):
    """Ask for a code as `role`, read it from the log sender, sign with it."""
    api = s.by_role(role)
    forget_rate_limit(s.app, s.user_id(role))
    r = api.post(f"/api/cases/{s.number}/agreement/code", json={})
    assert r.status_code == 200, r.get_json()
    return api.post(
        f"/api/cases/{s.number}/agreement/sign", json={"code": latest_code(s.user_id(role))}
    )


@pytest.fixture
def signing(app, make_user, fixed_today):
    from mediation.cases.model import Case, Party, PartyRole

    fixed_today(TODAY)
    import mediation.web.agreements  # noqa: F401

    mediator_id, mtoken = make_user("med-a", "mediator")
    claimant_id, ctoken = make_user("claimant-a", "claimant", password="pw-long-enough")
    institution_id, itoken = make_user(
        "inst-a", "institution", institution=INSTITUTION, password="pw-long-enough"
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
    for stage in ("accepted", "mediation"):
        r = mediator.post(
            f"/api/cases/{number}/transitions", json={"to": stage, "on_date": "2026-03-05"}
        )
        assert r.status_code == 200, r.get_json()
    return Signing(
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
def issued(signing):
    r = signing.mediator.post(f"/api/cases/{signing.number}/agreement", json={"clauses": CLAUSES})
    assert r.status_code == 201, r.get_json()
    r = signing.mediator.post(f"/api/cases/{signing.number}/agreement/issue", json={})
    assert r.status_code == 200, r.get_json()
    return signing
