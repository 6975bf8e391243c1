"""Mediators on the centre's roster: profiles, grade history, conflicts of interest and
mentoring. Each operation changes state in the caller's transaction (the caller commits)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.cases.model import Case, DisputeType
from mediation.centre.errors import CentreError, require_admin
from mediation.centre.model import (
    ConflictOfInterest,
    ConflictRelation,
    Employment,
    Grade,
    GradeChange,
    MediatorProfile,
    MentoredCase,
    MentoringPair,
    MentorReview,
)
from mediation.errors import Forbidden, NotFound
from mediation.people.model import Role, User


@dataclass
class ProfileInput:
    employment: Employment
    grade: Grade
    specialties: list[DisputeType] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    available: bool = True
    away_until: date | None = None
    max_open_cases: int = 20
    note: str | None = None


def _clean(values: list[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        v = v.strip()
        if v and v not in out:
            out.append(v)
    return out


def get_mediator(session: Session, centre_id: int, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or user.centre_id != centre_id:
        raise NotFound()
    if user.role != Role.MEDIATOR:
        raise CentreError("not_a_mediator", status=409, user=user.username)
    return user


def mediators(session: Session, centre_id: int, *, include_inactive: bool = False) -> list[User]:
    query = select(User).where(User.centre_id == centre_id, User.role == Role.MEDIATOR)
    if not include_inactive:
        query = query.where(User.active)
    return list(session.scalars(query.order_by(User.display_name, User.id)))


def profiles_by_user(session: Session, user_ids: list[int]) -> dict[int, MediatorProfile]:
    if not user_ids:
        return {}
    rows = session.scalars(select(MediatorProfile).where(MediatorProfile.user_id.in_(user_ids)))
    return {p.user_id: p for p in rows}


def save_profile(
    session: Session,
    actor: User | None,
    mediator: User,
    data: ProfileInput,
    on_date: date,
    *,
    grade_reason: str | None = None,
) -> MediatorProfile:
    """Create or update a profile. A new grade is a step in the grade history."""
    require_admin(actor)
    if data.max_open_cases < 1:
        raise CentreError("invalid_field", field="max_open_cases", detail="≥ 1")
    profile = session.get(MediatorProfile, mediator.id)
    previous = profile.grade if profile else None
    if profile is None:
        profile = MediatorProfile(user_id=mediator.id)
        session.add(profile)
    profile.employment = data.employment
    profile.grade = data.grade
    profile.specialties = [s.value for s in dict.fromkeys(data.specialties)]
    profile.languages = _clean(data.languages)
    profile.regions = _clean(data.regions)
    profile.available = data.available
    profile.away_until = data.away_until
    profile.max_open_cases = data.max_open_cases
    profile.note = data.note
    if previous != data.grade:
        session.add(
            GradeChange(
                user_id=mediator.id,
                grade=data.grade,
                previous_grade=previous,
                effective_on=on_date,
                reason=grade_reason,
                actor_id=actor.id if actor else None,
            )
        )
    session.flush()
    return profile


def change_grade(
    session: Session,
    actor: User | None,
    mediator: User,
    grade: Grade,
    effective_on: date,
    reason: str | None,
) -> GradeChange:
    require_admin(actor)
    profile = session.get(MediatorProfile, mediator.id)
    if profile is None:
        raise CentreError("no_profile", status=409, user=mediator.username)
    if profile.grade == grade:
        raise CentreError("same_grade", status=409)
    change = GradeChange(
        user_id=mediator.id,
        grade=grade,
        previous_grade=profile.grade,
        effective_on=effective_on,
        reason=reason,
        actor_id=actor.id if actor else None,
    )
    profile.grade = grade
    session.add(change)
    session.flush()
    return change


def grade_history(session: Session, user_id: int) -> list[GradeChange]:
    return list(
        session.scalars(
            select(GradeChange)
            .where(GradeChange.user_id == user_id)
            .order_by(GradeChange.effective_on, GradeChange.id)
        )
    )


def record_exit(session: Session, actor: User | None, mediator: User, on_date: date) -> None:
    """Take a mediator off the roster (after a failed assessment, or on leaving)."""
    require_admin(actor)
    profile = session.get(MediatorProfile, mediator.id)
    if profile is None:
        raise CentreError("no_profile", status=409, user=mediator.username)
    profile.exited_on = on_date
    profile.available = False


def declare_conflict(
    session: Session,
    actor: User | None,
    mediator: User,
    institution: str,
    relation: ConflictRelation,
    declared_on: date,
    note: str | None = None,
    ended_on: date | None = None,
) -> ConflictOfInterest:
    require_admin(actor)
    institution = institution.strip()
    if not institution:
        raise CentreError("missing_field", field="institution")
    conflict = ConflictOfInterest(
        user_id=mediator.id,
        institution=institution,
        relation=relation,
        declared_on=declared_on,
        note=note,
        ended_on=ended_on,
    )
    session.add(conflict)
    session.flush()
    return conflict


def _norm(name: str) -> str:
    return "".join(name.split())


def institutions_match(declared: str, respondent: str) -> bool:
    """A tie to 某银行股份有限公司 binds for its 示范县支行 and the other way round: the
    names match when one, without spaces, contains the other."""
    a, b = _norm(declared), _norm(respondent)
    return bool(a and b) and (a in b or b in a)


def active_conflicts(
    session: Session, user_ids: list[int], on_date: date
) -> dict[int, list[ConflictOfInterest]]:
    if not user_ids:
        return {}
    rows = session.scalars(
        select(ConflictOfInterest).where(
            ConflictOfInterest.user_id.in_(user_ids),
            (ConflictOfInterest.ended_on.is_(None)) | (ConflictOfInterest.ended_on >= on_date),
        )
    )
    out: dict[int, list[ConflictOfInterest]] = {}
    for c in rows:
        out.setdefault(c.user_id, []).append(c)
    return out


def conflicts_with_case(conflicts: list[ConflictOfInterest], case: Case) -> list[dict]:
    """Which declared ties bind for this case's respondents."""
    found = []
    for c in conflicts:
        for party in case.respondents:
            if institutions_match(c.institution, party.name):
                found.append(
                    {
                        "conflict_id": c.id,
                        "institution": c.institution,
                        "respondent": party.name,
                        "relation": c.relation.value,
                    }
                )
    return found


# Mentoring


def pair(
    session: Session, actor: User | None, mentor: User, apprentice: User, started_on: date
) -> MentoringPair:
    require_admin(actor)
    if mentor.id == apprentice.id:
        raise CentreError("self_mentoring", status=409)
    existing = session.scalar(
        select(MentoringPair).where(
            MentoringPair.apprentice_id == apprentice.id, MentoringPair.ended_on.is_(None)
        )
    )
    if existing is not None:
        raise CentreError("already_paired", status=409, user=apprentice.username)
    p = MentoringPair(mentor_id=mentor.id, apprentice_id=apprentice.id, started_on=started_on)
    session.add(p)
    session.flush()
    return p


def end_pair(session: Session, actor: User | None, p: MentoringPair, ended_on: date) -> None:
    require_admin(actor)
    if p.ended_on is not None:
        raise CentreError("pair_ended", status=409)
    p.ended_on = ended_on


def get_pair(session: Session, centre_id: int, pair_id: int) -> MentoringPair:
    p = session.get(MentoringPair, pair_id)
    if p is None or p.mentor.centre_id != centre_id:
        raise NotFound()
    return p


def add_mentored_case(
    session: Session, actor: User, p: MentoringPair, case: Case, on_date: date
) -> MentoredCase:
    if actor.role != Role.ADMIN and actor.id != p.mentor_id:
        raise Forbidden()
    if case.centre_id != p.mentor.centre_id:
        raise NotFound()
    if session.scalar(
        select(MentoredCase).where(MentoredCase.pair_id == p.id, MentoredCase.case_id == case.id)
    ):
        raise CentreError("already_recorded", status=409)
    row = MentoredCase(pair_id=p.id, case_id=case.id, added_on=on_date)
    session.add(row)
    session.flush()
    return row


def review_apprentice(
    session: Session,
    actor: User,
    p: MentoringPair,
    score: int,
    reviewed_on: date,
    comment: str | None = None,
    case: Case | None = None,
) -> MentorReview:
    """Only the mentor of the pair (or an administrator entering a paper review) may review."""
    if actor.role != Role.ADMIN and actor.id != p.mentor_id:
        raise Forbidden()
    if not 1 <= score <= 5:
        raise CentreError("invalid_field", field="score", detail="1..5")
    review = MentorReview(
        pair_id=p.id,
        case_id=case.id if case else None,
        score=score,
        comment=comment,
        reviewed_on=reviewed_on,
        author_id=actor.id,
    )
    session.add(review)
    session.flush()
    return review


def pairs(session: Session, centre_id: int) -> list[MentoringPair]:
    return list(
        session.scalars(
            select(MentoringPair)
            .join(User, User.id == MentoringPair.mentor_id)
            .where(User.centre_id == centre_id)
            .order_by(MentoringPair.started_on.desc(), MentoringPair.id)
        )
    )
