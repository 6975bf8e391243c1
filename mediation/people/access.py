"""Who may see and change which case. Every page and API goes through here."""

from __future__ import annotations

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import object_session

from mediation.cases.model import Case, Party, PartyRole, Stage
from mediation.errors import Forbidden
from mediation.people.model import Role, User


def visible_cases(user: User) -> Select:
    """A select of the cases this user may see."""
    query = select(Case).where(Case.centre_id == user.centre_id)
    if user.reads_all_cases:
        return query
    if user.role == Role.CLAIMANT:
        own = exists().where(
            Party.case_id == Case.id, Party.role == PartyRole.CLAIMANT, Party.user_id == user.id
        )
        return query.where(own)
    if user.role == Role.INSTITUTION:
        conds = [Party.user_id == user.id]
        if user.institution_name:
            conds.append(Party.name == user.institution_name)
        own = exists().where(
            Party.case_id == Case.id, Party.role == PartyRole.RESPONDENT, or_(*conds)
        )
        return query.where(own)
    if user.role == Role.COURT:
        # A court sees only the cases it received a packet for (mediation/court).
        return query.where(Case.id.in_(_court_case_ids(user)))
    return query.where(False)


def _court_case_ids(user: User, case_id: int | None = None) -> Select:
    from mediation.court.model import CourtSubmission, CourtUser

    query = (
        select(CourtSubmission.case_id)
        .join(CourtUser, CourtUser.court_id == CourtSubmission.court_id)
        .where(CourtUser.user_id == user.id)
    )
    return query if case_id is None else query.where(CourtSubmission.case_id == case_id)


def can_see(user: User, case: Case) -> bool:
    if case.centre_id != user.centre_id:
        return False
    if user.reads_all_cases:
        return True
    if user.role == Role.CLAIMANT:
        return any(p.role == PartyRole.CLAIMANT and p.user_id == user.id for p in case.parties)
    if user.role == Role.INSTITUTION:
        return any(
            p.role == PartyRole.RESPONDENT
            and (
                p.user_id == user.id or (user.institution_name and p.name == user.institution_name)
            )
            for p in case.parties
        )
    if user.role == Role.COURT:
        session = object_session(case)
        if session is None or case.id is None:
            return False
        return session.scalar(_court_case_ids(user, case.id).limit(1)) is not None
    return False


def require_see(user: User, case: Case) -> None:
    if not can_see(user, case):
        raise Forbidden()


def require_manage(user: User, case: Case) -> None:
    """Stage changes, pauses and extensions are for the centre's staff."""
    require_see(user, case)
    if not user.is_staff:
        raise Forbidden()


def require_transition(user: User, case: Case, target: Stage) -> None:
    require_see(user, case)
    if user.is_staff:
        return
    # A claimant may withdraw their own dispute (撤回) at any point before it is settled.
    if user.role == Role.CLAIMANT and target == Stage.WITHDRAWN:
        return
    raise Forbidden()


def sees_personal_data(user: User, case: Case, party: Party) -> bool:
    """Mediators and administrators see everything; a party sees their own details; everyone
    else (auditors, the other side, the court) sees masked values."""
    if user.is_staff:
        return True
    return party.user_id == user.id


def mask_id_number(value: str | None) -> str | None:
    if not value:
        return value
    if len(value) <= 8:
        return value[:1] + "*" * (len(value) - 1)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str | None:
    if not value:
        return value
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str | None) -> str | None:
    """张三 → 张*, 欧阳小明 → 欧**明; institutions are not masked by callers."""
    if not value:
        return value
    if len(value) <= 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


def log_personal_data_access(session, user: User, case: Case, via: str, ip: str | None) -> None:
    """Record that `user` was shown the case's unmasked personal data (caller commits)."""
    from mediation.people.model import PersonalDataAccess

    if any(sees_personal_data(user, case, p) and (p.id_number or p.phone) for p in case.parties):
        session.add(PersonalDataAccess(user_id=user.id, case_id=case.id, via=via, ip=ip))


def require_post(user: User, case: Case, kind: str) -> None:
    """Parties and staff write messages; only the institution answers formally; parties and
    staff may put a settlement proposal; auditors and courts only read."""
    require_see(user, case)
    if user.role in (Role.AUDITOR, Role.COURT):
        raise Forbidden()
    if kind == "response" and user.role != Role.INSTITUTION:
        raise Forbidden()
