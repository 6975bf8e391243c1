"""The only place that changes a case. Each operation validates, changes state, records
the event and recomputes the clocks in the caller's transaction (the caller commits)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from mediation.cases import stages
from mediation.cases.model import (
    Case,
    CaseCounter,
    CaseEvent,
    CaseMessage,
    Channel,
    DisputeType,
    EventKind,
    MessageKind,
    Party,
    PartyKind,
    PartyRole,
    Stage,
)
from mediation.db import utcnow
from mediation.deadlines import service as clocks
from mediation.deadlines.model import Clock, ClockPause, ClockStatus, Extension, PauseReason
from mediation.deadlines.rules import Rule
from mediation.errors import Conflict, UserError
from mediation.evidence.ledger import append_entry, text_digest
from mediation.people.model import Centre, User


@dataclass
class PartyInput:
    role: PartyRole
    kind: PartyKind
    name: str
    id_number: str | None = None
    phone: str | None = None
    address: str | None = None
    agent_name: str | None = None
    agent_phone: str | None = None
    user_id: int | None = None


@dataclass
class CaseInput:
    dispute_type: DisputeType
    channel: Channel
    request: str
    received_on: date
    parties: list[PartyInput] = field(default_factory=list)
    amount_claimed: Decimal | None = None
    facts: str | None = None
    region: str | None = None


def add_event(
    session: Session,
    case: Case,
    kind: EventKind,
    actor: User | None,
    *,
    reason: str | None = None,
    from_stage: Stage | None = None,
    to_stage: Stage | None = None,
    effective_on: date | None = None,
    data: dict | None = None,
) -> CaseEvent:
    # last_event_seq lives on the versioned case row: two writers that both read seq N
    # collide on the version check (and on UNIQUE(case_id, seq)) instead of both winning.
    case.last_event_seq += 1
    event = CaseEvent(
        case_id=case.id,
        seq=case.last_event_seq,
        kind=kind,
        actor_id=actor.id if actor else None,
        reason=reason,
        from_stage=from_stage,
        to_stage=to_stage,
        effective_on=effective_on,
        at=utcnow(),
        data=data or {},
    )
    session.add(event)
    _chain(session, case, event)
    return event


# Fields of event data that are plain facts (ids, codes, dates, counts); any other value,
# such as an approver's name, goes on the ledger only as a hash.
LEDGER_FACTS = frozenset(
    {
        "rule",
        "rules",
        "due_on",
        "due_before",
        "due_after",
        "calendar_verified",
        "met",
        "days",
        "reason",
        "clocks",
        "number",
        "dispute_type",
        "mediator_id",
        "amount",
        # judicial confirmation (mediation/court): codes, hashes and outcomes
        "court",
        "submission",
        "channel",
        "packet_sha256",
        "agreement_sha256",
        "verified",
        "outcome",
        # performance and disclosure (mediation/performance, mediation/disclosure)
        "instalment",
        "instalments",
        "total",
        "paid_on",
        "method",
        "outstanding",
        "schedule",
        "replaced",
        "complete",
        "restricted",
        "disclosure",
        # agreements (mediation/agreements): ids, version and the signer's role
        "agreement",
        "version",
        "role",
    }
)


def _chain(session: Session, case: Case, event: CaseEvent) -> None:
    """Append the event to the case's evidence ledger in the same transaction, so the
    history and the state cannot diverge (STYLE.md)."""
    data = {
        key: value
        if key in LEDGER_FACTS
        else text_digest(json.dumps(value, ensure_ascii=False, sort_keys=True))
        for key, value in (event.data or {}).items()
    }
    payload = {
        "event": event.seq,
        "kind": event.kind.value,
        "from_stage": event.from_stage.value if event.from_stage else None,
        "to_stage": event.to_stage.value if event.to_stage else None,
        "effective_on": event.effective_on.isoformat() if event.effective_on else None,
        "reason_sha256": text_digest(event.reason) if event.reason else None,
        "data": data,
    }
    append_entry(session, case.id, f"case.{event.kind.value}", event.actor_id, payload)


def _event_adder(session: Session, case: Case, actor: User | None, on_date: date):
    def add(kind: EventKind, data: dict | None = None, reason: str | None = None) -> CaseEvent:
        return add_event(session, case, kind, actor, effective_on=on_date, data=data, reason=reason)

    return add


def next_case_number(session: Session, centre: Centre, year: int) -> str:
    counter = session.get(CaseCounter, (centre.id, year), with_for_update=True)
    if counter is None:
        counter = CaseCounter(centre_id=centre.id, year=year, last=0)
        session.add(counter)
    counter.last += 1
    session.flush()
    return f"{year}-{counter.last:04d}"


def create_case(
    session: Session,
    centre: Centre,
    actor: User | None,
    data: CaseInput,
    ctx: clocks.DeadlineContext,
) -> Case:
    if not any(p.role == PartyRole.CLAIMANT for p in data.parties):
        raise UserError("missing_field", field="parties[role=claimant]")
    if not any(p.role == PartyRole.RESPONDENT for p in data.parties):
        raise UserError("missing_field", field="parties[role=respondent]")
    case = Case(
        centre_id=centre.id,
        number=next_case_number(session, centre, data.received_on.year),
        dispute_type=data.dispute_type,
        amount_claimed=data.amount_claimed,
        request=data.request,
        facts=data.facts,
        channel=data.channel,
        region=data.region,
        stage=Stage.INTAKE,
        stage_since=utcnow(),
        received_on=data.received_on,
        created_by_id=actor.id if actor else None,
        last_event_seq=0,
    )
    case.parties = [Party(**vars(p)) for p in data.parties]
    session.add(case)
    session.flush()
    add_event(
        session,
        case,
        EventKind.CREATED,
        actor,
        to_stage=Stage.INTAKE,
        effective_on=data.received_on,
        data={"number": case.number, "dispute_type": data.dispute_type.value},
    )
    clocks.on_stage_entered(
        session,
        case,
        Stage.INTAKE,
        data.received_on,
        ctx,
        _event_adder(session, case, actor, data.received_on),
    )
    return case


def _check_version(case: Case, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != case.version:
        raise Conflict("conflict")


def transition(
    session: Session,
    case: Case,
    actor: User | None,
    target: Stage,
    ctx: clocks.DeadlineContext,
    *,
    reason: str | None = None,
    on_date: date | None = None,
    expected_version: int | None = None,
) -> CaseEvent:
    _check_version(case, expected_version)
    current = case.stage
    if target not in stages.allowed_next(current):
        raise UserError(
            "illegal_transition",
            status=409,
            current=current.value,
            target=target.value,
            allowed=[s.value for s in stages.allowed_next(current)],
        )
    reason = (reason or "").strip() or None
    if stages.needs_reason(current, target) and not reason:
        raise UserError("reason_required")
    on_date = on_date or ctx.today
    case.stage = target
    case.stage_since = utcnow()
    if target == Stage.REJECTED:
        case.rejection_reason = reason
    event = add_event(
        session,
        case,
        EventKind.TRANSITION,
        actor,
        reason=reason,
        from_stage=current,
        to_stage=target,
        effective_on=on_date,
    )
    clocks.on_stage_entered(
        session, case, target, on_date, ctx, _event_adder(session, case, actor, on_date)
    )
    return event


def milestone(
    session: Session,
    case: Case,
    actor: User | None,
    kind: EventKind,
    ctx: clocks.DeadlineContext,
    *,
    on_date: date | None = None,
    reason: str | None = None,
    data: dict | None = None,
) -> CaseEvent:
    """Record a named event that is not a stage change (e.g. the court received or accepted
    the application) and start or stop the clocks the rule set binds to it."""
    on_date = on_date or ctx.today
    event = add_event(
        session, case, kind, actor, reason=reason, effective_on=on_date, data=data or {}
    )
    clocks.on_milestone(
        session, case, kind.value, on_date, ctx, _event_adder(session, case, actor, on_date)
    )
    return event


def _settle(
    session: Session, case: Case, actor: User | None, on_date: date, ctx, open_clocks: list[Clock]
) -> None:
    """After a change: record clocks that became due soon or overdue, update the queue fields."""
    clocks.escalate(open_clocks, ctx, _event_adder(session, case, actor, on_date))
    clocks.refresh_case_summary(case, open_clocks)


def _open_clocks(session: Session, case: Case) -> list[Clock]:
    return [c for c in clocks.case_clocks(session, case) if c.status != ClockStatus.STOPPED]


def pause(
    session: Session,
    case: Case,
    actor: User | None,
    reason: PauseReason,
    ctx: clocks.DeadlineContext,
    *,
    note: str | None = None,
    on_date: date | None = None,
    expected_version: int | None = None,
) -> CaseEvent:
    """Stop the running clocks whose rule excludes this kind of interval (e.g. NFRA Art 18
    ¶2: appraisal time is not counted)."""
    _check_version(case, expected_version)
    if case.stage == Stage.CLOSED:
        raise UserError("case_closed", status=409)
    on_date = on_date or ctx.today
    open_clocks = _open_clocks(session, case)
    if open_clocks and all(c.status == ClockStatus.PAUSED for c in open_clocks):
        raise UserError("already_paused", status=409)
    paused = []
    for clock in open_clocks:
        if clock.status != ClockStatus.RUNNING:
            continue
        rule = ctx.rulebook.get(clock.rule_id)
        if not rule.allows_pause(reason.value):
            continue
        if clock.due_on and on_date > clock.due_on and not clock.provisional:
            # TIME_LIMITS §2.7: a pause must start on or before the end of the period.
            continue
        clock.pauses.append(
            ClockPause(
                reason=reason, note=note, started_on=on_date, actor_id=actor.id if actor else None
            )
        )
        clock.status = ClockStatus.PAUSED
        clocks.refresh_clock(clock, ctx)
        paused.append(clock.rule_id)
    if not paused:
        raise UserError("no_pausable_clock", status=409, reason=reason.value)
    event = add_event(
        session,
        case,
        EventKind.PAUSE,
        actor,
        reason=note,
        effective_on=on_date,
        data={"reason": reason.value, "rules": paused},
    )
    _settle(session, case, actor, on_date, ctx, open_clocks)
    return event


def resume(
    session: Session,
    case: Case,
    actor: User | None,
    ctx: clocks.DeadlineContext,
    *,
    note: str | None = None,
    on_date: date | None = None,
    expected_version: int | None = None,
) -> CaseEvent:
    _check_version(case, expected_version)
    on_date = on_date or ctx.today
    open_clocks = _open_clocks(session, case)
    resumed = []
    for clock in open_clocks:
        if clock.status != ClockStatus.PAUSED:
            continue
        for p in clock.pauses:
            if p.ended_on is None:
                if on_date < p.started_on:
                    raise UserError(
                        "invalid_field", field="on_date", detail=f"< {p.started_on.isoformat()}"
                    )
                p.ended_on = on_date
        clock.status = ClockStatus.RUNNING
        clocks.refresh_clock(clock, ctx)
        resumed.append(
            {"rule": clock.rule_id, "due_on": clock.due_on.isoformat() if clock.due_on else None}
        )
    if not resumed:
        raise UserError("not_paused", status=409)
    event = add_event(
        session,
        case,
        EventKind.RESUME,
        actor,
        reason=note,
        effective_on=on_date,
        data={"clocks": resumed},
    )
    _settle(session, case, actor, on_date, ctx, open_clocks)
    return event


def _extension_room(rule: Rule, clock: Clock) -> int | None:
    """How many more days the rule allows; None means no ceiling in the text (extension by
    all parties' consent, or by a court president without a stated length)."""
    if rule.fixed_period:
        return 0  # 不变期间 (民诉法解释 Art 127): never extended
    room = 0
    totals = []
    for ext in rule.extensions:
        if ext.unlimited_by_consent or ext.length_unspecified:
            return None
        if ext.total_days is not None:
            # "延长至30日" (NFRA Art 18) is a total counted from the start, not an addition.
            totals.append(ext.days_added(rule) or 0)
        elif ext.add_months:
            room += 31 * ext.add_months
        else:
            room += ext.days_added(rule) or 0
    return max(totals, default=0) + room - clock.extension_days


def extend(
    session: Session,
    case: Case,
    actor: User | None,
    rule_id: str,
    days: int,
    approver: str,
    legal_ground: str,
    ctx: clocks.DeadlineContext,
    *,
    expected_version: int | None = None,
) -> CaseEvent:
    _check_version(case, expected_version)
    if days <= 0:
        raise UserError("invalid_field", field="days", detail="> 0")
    if not approver.strip():
        raise UserError("missing_field", field="approver")
    if not legal_ground.strip():
        raise UserError("missing_field", field="legal_ground")
    rule = ctx.rulebook.get(rule_id)
    clock = next((c for c in _open_clocks(session, case) if c.rule_id == rule.id), None)
    if clock is None:
        raise UserError("no_clock", status=409, rule=rule_id)
    room = _extension_room(rule, clock)
    if room is not None and days > room:
        raise UserError("extension_not_allowed", status=409, rule=rule.id, max=max(room, 0))
    before = clock.due_on
    clock.extension_days += days
    clock.extensions.append(
        Extension(
            days=days,
            approver=approver.strip(),
            legal_ground=legal_ground.strip(),
            actor_id=actor.id if actor else None,
            at=utcnow(),
        )
    )
    clocks.refresh_clock(clock, ctx)
    event = add_event(
        session,
        case,
        EventKind.EXTENSION,
        actor,
        reason=legal_ground.strip(),
        effective_on=ctx.today,
        data={
            "rule": rule.id,
            "days": days,
            "approver": approver.strip(),
            "due_before": before.isoformat() if before else None,
            "due_after": clock.due_on.isoformat() if clock.due_on else None,
        },
    )
    _settle(session, case, actor, ctx.today, ctx, _open_clocks(session, case))
    return event


def assign_mediator(session: Session, case: Case, actor: User | None, mediator: User) -> CaseEvent:
    case.mediator_id = mediator.id
    return add_event(
        session, case, EventKind.MEDIATOR_ASSIGNED, actor, data={"mediator_id": mediator.id}
    )


def post_message(
    session: Session,
    case: Case,
    author: User,
    kind: MessageKind,
    body: str,
    *,
    amount: Decimal | None = None,
) -> CaseMessage:
    """A message on the case. The institution's formal answer and a settlement proposal are
    also events, so they appear in the case history."""
    if case.stage == Stage.CLOSED:
        raise UserError("case_closed", status=409)
    if kind == MessageKind.PROPOSAL and amount is None:
        raise UserError("missing_field", field="amount")
    message = CaseMessage(
        case_id=case.id, author_id=author.id, kind=kind, body=body, amount=amount, at=utcnow()
    )
    session.add(message)
    if kind != MessageKind.MESSAGE:
        add_event(
            session,
            case,
            EventKind.RESPONSE if kind == MessageKind.RESPONSE else EventKind.PROPOSAL,
            author,
            effective_on=None,
            data={"amount": str(amount)} if amount is not None else {},
        )
    return message
