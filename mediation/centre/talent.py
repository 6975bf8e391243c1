"""The talent pool: experts invited to cases, per-case subsidies from configurable rules,
and monthly statements."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from mediation.cases.model import Case, DisputeType
from mediation.centre.errors import CentreError, require_admin
from mediation.centre.model import (
    Complexity,
    Expert,
    ExpertInvitation,
    ExpertKind,
    InvitationStatus,
    Outcome,
    SubsidyRule,
)
from mediation.centre.outcomes import SUCCESS_STAGE, case_outcome
from mediation.errors import NotFound
from mediation.people.model import User


@dataclass
class ExpertInput:
    name: str
    kind: ExpertKind
    organisation: str | None = None
    specialties: list[DisputeType] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    phone: str | None = None
    joined_on: date | None = None
    note: str | None = None


def add_expert(session: Session, actor: User | None, centre_id: int, data: ExpertInput) -> Expert:
    require_admin(actor)
    expert = Expert(
        centre_id=centre_id,
        name=data.name.strip(),
        kind=data.kind,
        organisation=data.organisation,
        specialties=[s.value for s in dict.fromkeys(data.specialties)],
        regions=[r.strip() for r in data.regions if r.strip()],
        phone=data.phone,
        joined_on=data.joined_on,
        note=data.note,
        active=True,
    )
    session.add(expert)
    session.flush()
    return expert


def experts(session: Session, centre_id: int) -> list[Expert]:
    return list(
        session.scalars(
            select(Expert).where(Expert.centre_id == centre_id).order_by(Expert.name, Expert.id)
        )
    )


def get_expert(session: Session, centre_id: int, expert_id: int) -> Expert:
    expert = session.get(Expert, expert_id)
    if expert is None or expert.centre_id != centre_id:
        raise NotFound()
    return expert


def get_invitation(session: Session, centre_id: int, invitation_id: int) -> ExpertInvitation:
    inv = session.get(ExpertInvitation, invitation_id)
    if inv is None or inv.expert.centre_id != centre_id:
        raise NotFound()
    return inv


def add_rule(
    session: Session,
    actor: User | None,
    centre_id: int,
    amount: Decimal,
    *,
    dispute_type: DisputeType | None = None,
    complexity: Complexity | None = None,
    outcome: Outcome | None = None,
    note: str | None = None,
) -> SubsidyRule:
    require_admin(actor)
    if amount < 0:
        raise CentreError("invalid_field", field="amount", detail="≥ 0")
    rule = SubsidyRule(
        centre_id=centre_id,
        dispute_type=dispute_type,
        complexity=complexity,
        outcome=outcome,
        amount=amount,
        note=note,
        active=True,
    )
    session.add(rule)
    session.flush()
    return rule


def retire_rule(session: Session, actor: User | None, rule: SubsidyRule) -> None:
    require_admin(actor)
    rule.active = False


def rules(session: Session, centre_id: int, *, active_only: bool = False) -> list[SubsidyRule]:
    query = select(SubsidyRule).where(SubsidyRule.centre_id == centre_id)
    if active_only:
        query = query.where(SubsidyRule.active)
    return list(session.scalars(query.order_by(SubsidyRule.id)))


def pick_rule(
    candidates: list[SubsidyRule],
    dispute_type: DisputeType,
    complexity: Complexity,
    outcome: Outcome,
) -> SubsidyRule | None:
    """The active rule whose named criteria all match, naming the most criteria; among
    equally specific rules the most recently added one (a new rule replaces an old one
    without deleting it)."""
    best: tuple[int, int] | None = None
    chosen = None
    for r in candidates:
        if not r.active:
            continue
        crit = ((r.dispute_type, dispute_type), (r.complexity, complexity), (r.outcome, outcome))
        if any(want is not None and want != have for want, have in crit):
            continue
        key = (sum(want is not None for want, _ in crit), r.id)
        if best is None or key > best:
            best, chosen = key, r
    return chosen


def invite(
    session: Session,
    actor: User | None,
    expert: Expert,
    case: Case,
    complexity: Complexity,
    on_date: date,
) -> ExpertInvitation:
    require_admin(actor)
    if case.centre_id != expert.centre_id:
        raise NotFound()
    if not expert.active:
        raise CentreError("expert_inactive", status=409)
    existing = session.scalar(
        select(ExpertInvitation).where(
            ExpertInvitation.expert_id == expert.id, ExpertInvitation.case_id == case.id
        )
    )
    if existing is not None:
        raise CentreError("already_invited", status=409)
    inv = ExpertInvitation(
        expert_id=expert.id,
        case_id=case.id,
        complexity=complexity,
        status=InvitationStatus.INVITED,
        invited_on=on_date,
        actor_id=actor.id if actor else None,
    )
    session.add(inv)
    session.flush()
    return inv


def respond(
    session: Session, actor: User | None, inv: ExpertInvitation, accepted: bool, on_date: date
) -> None:
    require_admin(actor)
    if inv.status != InvitationStatus.INVITED:
        raise CentreError("invitation_state", status=409, state=inv.status.value)
    inv.status = InvitationStatus.ACCEPTED if accepted else InvitationStatus.DECLINED
    inv.responded_on = on_date


def complete(
    session: Session, actor: User | None, inv: ExpertInvitation, on_date: date
) -> ExpertInvitation:
    """Close the expert's work on a concluded case and fix the subsidy from the rules in
    force today; the amount is kept as computed."""
    require_admin(actor)
    if inv.status not in (InvitationStatus.INVITED, InvitationStatus.ACCEPTED):
        raise CentreError("invitation_state", status=409, state=inv.status.value)
    found = case_outcome(session, inv.case)
    if found is None:
        raise CentreError("case_not_concluded", status=409, number=inv.case.number)
    outcome = Outcome.SUCCESS if found[0] == SUCCESS_STAGE else Outcome.FAILURE
    rule = pick_rule(
        rules(session, inv.expert.centre_id, active_only=True),
        inv.case.dispute_type,
        inv.complexity,
        outcome,
    )
    if rule is None:
        raise CentreError(
            "no_subsidy_rule",
            status=409,
            dispute_type=inv.case.dispute_type.value,
            complexity=inv.complexity.value,
            outcome=outcome.value,
        )
    inv.status = InvitationStatus.COMPLETED
    inv.completed_on = on_date
    inv.outcome = outcome
    inv.subsidy = rule.amount
    inv.rule_id = rule.id
    session.flush()
    return inv


@dataclass
class StatementLine:
    expert_id: int
    expert: str
    kind: str
    organisation: str | None
    case_number: str
    dispute_type: str
    complexity: str
    outcome: str
    completed_on: date
    rule_id: int | None
    amount: Decimal


@dataclass
class Statement:
    month: str  # YYYY-MM
    lines: list[StatementLine]
    totals: dict[int, Decimal]  # per expert id
    total: Decimal


def parse_month(month: str) -> tuple[date, date]:
    try:
        year, mon = (int(x) for x in month.split("-"))
        first = date(year, mon, 1)
    except ValueError:
        raise CentreError("invalid_field", field="month", detail="YYYY-MM") from None
    nxt = date(year + (mon == 12), mon % 12 + 1, 1)
    return first, nxt


def statement(session: Session, centre_id: int, month: str) -> Statement:
    """Subsidies of invitations completed in the month, per expert and case."""
    first, nxt = parse_month(month)
    rows = session.scalars(
        select(ExpertInvitation)
        .join(Expert, Expert.id == ExpertInvitation.expert_id)
        .where(
            Expert.centre_id == centre_id,
            ExpertInvitation.status == InvitationStatus.COMPLETED,
            ExpertInvitation.completed_on >= first,
            ExpertInvitation.completed_on < nxt,
        )
        .options(selectinload(ExpertInvitation.expert), selectinload(ExpertInvitation.case))
        .order_by(Expert.name, Expert.id, ExpertInvitation.completed_on, ExpertInvitation.id)
    )
    lines = []
    totals: dict[int, Decimal] = {}
    for inv in rows:
        amount = inv.subsidy or Decimal("0.00")
        lines.append(
            StatementLine(
                expert_id=inv.expert_id,
                expert=inv.expert.name,
                kind=inv.expert.kind.value,
                organisation=inv.expert.organisation,
                case_number=inv.case.number,
                dispute_type=inv.case.dispute_type.value,
                complexity=inv.complexity.value,
                outcome=inv.outcome.value if inv.outcome else "",
                completed_on=inv.completed_on,
                rule_id=inv.rule_id,
                amount=amount,
            )
        )
        totals[inv.expert_id] = totals.get(inv.expert_id, Decimal("0.00")) + amount
    return Statement(
        month=f"{first.year:04d}-{first.month:02d}",
        lines=lines,
        totals=totals,
        total=sum(totals.values(), Decimal("0.00")),
    )
