"""Suggesting a mediator for a case and recording the administrator's choice.

Ranking (points, higher is better; the parts are shown to the administrator):

- specialty: 40 if the case's dispute type is one of the mediator's specialties;
- dialect: 25 if the claimant's recorded language or dialect is one the mediator speaks
  (no points for anyone when none is recorded);
- region: 20 if the mediator serves the case's region;
- workload: up to 15, falling linearly from 15 with no open cases to 0 at the mediator's
  own ceiling (max_open_cases); a mediator at or over the ceiling is still listed.

Never suggested, and refused if chosen: a mediator with a conflict of interest with a
respondent, one marked unavailable or away on the case's date, and one who left the
roster. Ties go to the lighter workload, then the higher grade, then the name.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mediation.cases import operations, stages
from mediation.cases.model import Case
from mediation.centre import roster
from mediation.centre.errors import CentreError, require_admin
from mediation.centre.model import (
    AssignmentRecord,
    ClaimantLanguage,
    Grade,
    MediatorProfile,
)
from mediation.errors import Forbidden
from mediation.people.model import User

SPECIALTY_POINTS = 40.0
DIALECT_POINTS = 25.0
REGION_POINTS = 20.0
WORKLOAD_POINTS = 15.0
GRADE_RANK = {g: i for i, g in enumerate(Grade)}


@dataclass
class Candidate:
    user_id: int
    username: str
    name: str
    grade: str | None
    employment: str | None
    open_cases: int
    max_open_cases: int
    score: float = 0.0
    components: dict[str, float] = field(default_factory=dict)
    excluded: str | None = None  # conflict | unavailable | exited | no_profile
    conflicts: list[dict] = field(default_factory=list)
    rank: int | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def open_case_counts(session: Session, centre_id: int) -> dict[int, int]:
    ended = [s for s in stages.ENDED_STAGES]
    rows = session.execute(
        select(Case.mediator_id, func.count())
        .where(
            Case.centre_id == centre_id,
            Case.mediator_id.is_not(None),
            Case.stage.not_in(ended),
        )
        .group_by(Case.mediator_id)
    )
    return {mid: n for mid, n in rows}


def claimant_dialect(session: Session, case: Case) -> str | None:
    row = session.get(ClaimantLanguage, case.id)
    return row.dialect if row else None


def set_claimant_dialect(
    session: Session, actor: User | None, case: Case, dialect: str | None, note: str | None = None
) -> ClaimantLanguage | None:
    """Staff record the claimant's language at intake; empty clears it."""
    if actor is not None and not actor.is_staff:
        raise Forbidden()
    row = session.get(ClaimantLanguage, case.id)
    dialect = (dialect or "").strip()
    if not dialect:
        if row is not None:
            session.delete(row)
        return None
    if row is None:
        row = ClaimantLanguage(case_id=case.id, dialect=dialect)
        session.add(row)
    row.dialect = dialect
    row.note = note
    session.flush()
    return row


def _speaks(profile: MediatorProfile, dialect: str) -> bool:
    wanted = "".join(dialect.split()).lower()
    return any("".join(lang.split()).lower() == wanted for lang in profile.languages or [])


def rank_mediators(session: Session, case: Case, on_date: date) -> list[Candidate]:
    """Every mediator of the centre, suggested ones first in rank order, then the excluded
    ones with the reason."""
    users = roster.mediators(session, case.centre_id)
    ids = [u.id for u in users]
    profiles = roster.profiles_by_user(session, ids)
    conflicts = roster.active_conflicts(session, ids, on_date)
    load = open_case_counts(session, case.centre_id)
    dialect = claimant_dialect(session, case)
    out: list[Candidate] = []
    for user in users:
        profile = profiles.get(user.id)
        c = Candidate(
            user_id=user.id,
            username=user.username,
            name=user.display_name,
            grade=profile.grade.value if profile else None,
            employment=profile.employment.value if profile else None,
            open_cases=load.get(user.id, 0),
            max_open_cases=profile.max_open_cases if profile else 0,
        )
        c.conflicts = roster.conflicts_with_case(conflicts.get(user.id, []), case)
        if c.conflicts:
            c.excluded = "conflict"
        elif profile is None:
            c.excluded = "no_profile"
        elif profile.exited_on is not None and profile.exited_on <= on_date:
            c.excluded = "exited"
        elif not profile.available or (profile.away_until and profile.away_until >= on_date):
            c.excluded = "unavailable"
        if profile is not None:
            parts = {
                "specialty": SPECIALTY_POINTS
                if case.dispute_type.value in (profile.specialties or [])
                else 0.0,
                "dialect": DIALECT_POINTS if dialect and _speaks(profile, dialect) else 0.0,
                "region": REGION_POINTS
                if case.region and case.region in (profile.regions or [])
                else 0.0,
                "workload": round(
                    WORKLOAD_POINTS * max(0.0, 1 - c.open_cases / max(1, profile.max_open_cases)),
                    2,
                ),
            }
            c.components = parts
            c.score = round(sum(parts.values()), 2)
        out.append(c)
    suggested = [c for c in out if c.excluded is None]
    suggested.sort(
        key=lambda c: (
            -c.score,
            c.open_cases,
            -GRADE_RANK.get(Grade(c.grade), 0) if c.grade else 0,
            c.name,
        )
    )
    for i, c in enumerate(suggested, start=1):
        c.rank = i
    excluded = sorted((c for c in out if c.excluded), key=lambda c: (c.excluded, c.name))
    return suggested + excluded


def assign(
    session: Session,
    actor: User | None,
    case: Case,
    mediator: User,
    on_date: date,
    *,
    reason: str | None = None,
) -> AssignmentRecord:
    """The administrator confirms a mediator (first assignment or reassignment). The
    previous mediator stays in the history; the case event is recorded by
    mediation.cases.operations.assign_mediator."""
    require_admin(actor)
    if case.stage in stages.ENDED_STAGES:
        raise CentreError("case_ended", status=409)
    ranking = rank_mediators(session, case, on_date)
    chosen = next((c for c in ranking if c.user_id == mediator.id), None)
    if chosen is None:
        raise CentreError("not_a_mediator", status=409, user=mediator.username)
    if chosen.excluded == "conflict":
        raise CentreError(
            "conflict_of_interest",
            status=409,
            user=mediator.display_name,
            institution="、".join(sorted({c["institution"] for c in chosen.conflicts})),
        )
    if chosen.excluded is not None:
        raise CentreError("mediator_excluded", status=409, reason=chosen.excluded)
    if case.mediator_id == mediator.id:
        raise CentreError("already_assigned", status=409)
    previous = case.mediator_id
    if previous is not None and not (reason or "").strip():
        raise CentreError("reason_required")
    record = AssignmentRecord(
        case_id=case.id,
        mediator_id=mediator.id,
        previous_mediator_id=previous,
        actor_id=actor.id if actor else None,
        reason=(reason or "").strip() or None,
        rank=chosen.rank,
        score=chosen.score,
        components=chosen.components,
    )
    session.add(record)
    operations.assign_mediator(session, case, actor, mediator)
    session.flush()
    return record


def history(session: Session, case: Case) -> list[AssignmentRecord]:
    return list(
        session.scalars(
            select(AssignmentRecord)
            .where(AssignmentRecord.case_id == case.id)
            .order_by(AssignmentRecord.at, AssignmentRecord.id)
        )
    )
