"""Signed agreements for the demo data: drafted, issued and signed by every party through
the same operations as the pages (codes included), so the demo's ledgers verify."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from mediation.agreements import service
from mediation.cases.model import Case
from mediation.deadlines.service import DeadlineContext
from mediation.evidence.blobstore import LocalBlobStore
from mediation.notify.sender import Notice, Sender
from mediation.people.model import User


class _Keep(Sender):
    """Keeps the last code instead of texting it (the demo signs on the parties' behalf)."""

    code: str | None = None

    def deliver(self, notice: Notice) -> None:
        self.code = str(notice.secret_params.get("code"))


def demo_clauses(case: Case, on: date, i: int) -> list[dict]:
    amount = (Decimal(case.amount_claimed or 10000) * Decimal("0.6")).quantize(Decimal("1"))
    if i % 2 == 0:
        first = (amount / 2).quantize(Decimal("1"))
        return [
            {
                "template": "instalments",
                "fields": {
                    "payer": "respondent",
                    "total": str(amount),
                    "instalments": [
                        {"due_on": (on + timedelta(days=30)).isoformat(), "amount": str(first)},
                        {
                            "due_on": (on + timedelta(days=60)).isoformat(),
                            "amount": str(amount - first),
                        },
                    ],
                },
            },
            {
                "template": "apology",
                "fields": {"manner": "written", "by": (on + timedelta(days=7)).isoformat()},
            },
            {"template": "withdrawal", "fields": {}},
        ]
    return [
        {
            "template": "refund",
            "fields": {"amount": str(amount), "pay_by": (on + timedelta(days=15)).isoformat()},
        },
        {
            "template": "waiver",
            "fields": {
                "contract": f"DK{on:%Y}{i:04d}",
                "penalty": "860.00",
                "done_by": (on + timedelta(days=15)).isoformat(),
            },
        },
    ]


def sign_demo_agreement(
    session: Session,
    case: Case,
    ctx: DeadlineContext,
    on: date,
    i: int,
    *,
    mediator: User,
    claimant: User,
    institution: User,
    blob_dir: Path,
) -> None:
    """Draft, issue and have all three sign on day `on`: the case moves to SIGNED."""
    store = LocalBlobStore(blob_dir)
    ctx.today = on
    service.save_draft(session, case, mediator, demo_clauses(case, on, i))
    service.issue(session, case, mediator, store)
    start = datetime.combine(on, time(9)) - timedelta(hours=8) + timedelta(minutes=10 * i)
    for k, user in enumerate((claimant, institution, mediator)):
        keep = _Keep()
        now = start + timedelta(minutes=k)
        service.request_code(session, case, user, now=now, sender=keep)
        service.sign(
            session,
            case,
            user,
            keep.code,
            ctx,
            store,
            now=now + timedelta(seconds=40),
            user_agent="demo",
        )
