"""The claimant's rating of a closed case: the source of the satisfaction figures and of
complaints about the service in assessments."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.cases.model import Case, Stage
from mediation.centre.errors import CentreError
from mediation.centre.model import CaseRating
from mediation.errors import Forbidden
from mediation.people.model import Role, User


def is_claimant_of(user: User, case: Case) -> bool:
    return (
        user.role == Role.CLAIMANT
        and case.centre_id == user.centre_id
        and any(p.user_id == user.id for p in case.claimants)
    )


def rate_case(
    session: Session,
    user: User,
    case: Case,
    score: int,
    comment: str | None = None,
    complaint: bool = False,
) -> CaseRating:
    """Only the case's own claimant, once, after the case is closed (结案)."""
    if not is_claimant_of(user, case):
        raise Forbidden()
    if case.stage != Stage.CLOSED:
        raise CentreError("case_not_closed", status=409)
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise CentreError("invalid_field", field="score", detail="1..5")
    if session.scalar(select(CaseRating).where(CaseRating.case_id == case.id)) is not None:
        raise CentreError("already_rated", status=409)
    rating = CaseRating(
        case_id=case.id,
        user_id=user.id,
        score=score,
        comment=(comment or "").strip() or None,
        complaint=bool(complaint),
    )
    session.add(rating)
    session.flush()
    return rating


def rating_for(session: Session, case: Case) -> CaseRating | None:
    return session.scalar(select(CaseRating).where(CaseRating.case_id == case.id))
