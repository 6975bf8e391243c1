"""Clocks on cases: start, stop, pause, extend, recompute, and the due/overdue scan.

Runs inside the caller's transaction; never commits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Date, DateTime, String, and_, func, insert, literal, select, text, update
from sqlalchemy import case as sql_case
from sqlalchemy.orm import Session

from mediation.cases.model import Case, CaseEvent, EventKind, Stage, Urgency
from mediation.deadlines.calendar import WorkCalendar
from mediation.deadlines.counting import CountingError, DueDate, compute_due
from mediation.deadlines.model import (
    UNMARKED_DUE_SOON,
    UNMARKED_OVERDUE,
    CalendarYear,
    Clock,
    ClockStatus,
    DayKind,
    HolidayOverride,
)
from mediation.deadlines.rules import MILESTONES, Rule, RuleBook, RuleSet
from mediation.errors import UserError

URGENCY_RANK = {
    Urgency.NONE: 0,
    Urgency.OK: 1,
    Urgency.UNVERIFIED: 2,
    Urgency.DUE_SOON: 3,
    Urgency.OVERDUE: 4,
}


@dataclass
class DeadlineContext:
    """What computing a clock needs: the rules, the centre's rule set, the calendar, today."""

    rulebook: RuleBook
    rule_set: RuleSet
    calendar: WorkCalendar
    today: date
    warning_days: int = 3


def load_calendar(session: Session) -> WorkCalendar:
    """The packaged State Council calendar with the administrator's overrides on top."""
    overrides = {
        row.day: row.kind == DayKind.WORKDAY for row in session.scalars(select(HolidayOverride))
    }
    years = session.scalars(select(CalendarYear.year)).all()
    return WorkCalendar(overrides=overrides, extra_verified_years=years)


def pause_intervals(clock: Clock, today: date) -> list[tuple[date, date]]:
    # An open pause counts up to today: the due date moves a day later for each paused day.
    return [(p.started_on, p.ended_on or max(today, p.started_on)) for p in clock.pauses]


def compute_clock(clock: Clock, rule: Rule, ctx: DeadlineContext) -> DueDate:
    try:
        return compute_due(
            rule,
            clock.started_on,
            ctx.calendar,
            pauses=pause_intervals(clock, ctx.today),
            extension_days=clock.extension_days,
        )
    except CountingError as exc:
        raise UserError("counting", detail=str(exc)) from exc


def urgency_for(due: date | None, provisional: bool, warn_on: date | None, today: date) -> Urgency:
    if due is None:
        return Urgency.NONE
    if due < today:
        return Urgency.OVERDUE
    if warn_on is not None and warn_on <= today:
        return Urgency.DUE_SOON
    return Urgency.UNVERIFIED if provisional else Urgency.OK


def refresh_clock(clock: Clock, ctx: DeadlineContext, record=None) -> DueDate:
    """Recompute the clock's due date with its pauses and extensions so far.

    An urgency that rises (to due soon or overdue) is an event on the case: `record(kind,
    rule_id)` writes it now; without `record` the rise is left to the scan, which records it."""
    result = compute_clock(clock, ctx.rulebook.get(clock.rule_id), ctx)
    clock.due_on = result.due or result.provisional_due
    clock.provisional = not result.verified
    clock.warn_on = clock.due_on - timedelta(days=clock.warn_days)
    if clock.status == ClockStatus.STOPPED:
        clock.urgency = Urgency.NONE
        return result
    level = urgency_for(clock.due_on, clock.provisional, clock.warn_on, ctx.today)
    previous = clock.urgency or Urgency.OK
    if (
        level in (Urgency.DUE_SOON, Urgency.OVERDUE)
        and URGENCY_RANK[level] > URGENCY_RANK[previous]
    ):
        if record is None:
            level = Urgency.UNVERIFIED if clock.provisional else Urgency.OK
        else:
            record(
                EventKind.OVERDUE if level == Urgency.OVERDUE else EventKind.DUE_SOON, clock.rule_id
            )
    clock.urgency = level
    return result


def escalate(clocks: Iterable[Clock], ctx: DeadlineContext, add_event) -> None:
    """Recompute running clocks and record on the case any that became due soon or overdue."""

    def record(kind: EventKind, rule_id: str) -> None:
        add_event(kind, data={"rule": rule_id}, reason=rule_id)

    for clock in clocks:
        if clock.status != ClockStatus.STOPPED:
            refresh_clock(clock, ctx, record)


def refresh_case_summary(case: Case, clocks: Iterable[Clock]) -> None:
    """Denormalise the most urgent running clock onto the case for the queue."""
    running = [c for c in clocks if c.status != ClockStatus.STOPPED]
    case.paused = any(c.status == ClockStatus.PAUSED for c in running)
    case.next_due_on = min((c.due_on for c in running if c.due_on), default=None)
    case.urgency = max(
        (c.urgency for c in running), key=URGENCY_RANK.__getitem__, default=Urgency.NONE
    )


def binding_for(rule_set: RuleSet, rule_id: str):
    return next((b for b in rule_set.clocks if b.rule_id == rule_id), None)


def case_clocks(session: Session, case: Case) -> list[Clock]:
    return list(session.scalars(select(Clock).where(Clock.case_id == case.id).order_by(Clock.id)))


def on_stage_entered(
    session: Session,
    case: Case,
    stage: Stage,
    on_date: date,
    ctx: DeadlineContext,
    add_event,
) -> list[Clock]:
    """Stop the clocks the new stage ends and start the ones it begins (per the rule set)."""
    return _on_event(session, case, stage.value, on_date, ctx, add_event, stop_unbound=True)


def on_milestone(
    session: Session,
    case: Case,
    name: str,
    on_date: date,
    ctx: DeadlineContext,
    add_event,
) -> list[Clock]:
    """Stop the clocks a milestone ends and start the ones it begins (per the rule set), e.g.
    `court_received` starts JC-2011-4 and `court_accepted` stops it and starts JC-2011-5.
    Unlike a stage change, a milestone leaves clocks its rule set does not bind running."""
    if name not in MILESTONES:
        raise ValueError(f"unknown milestone {name!r} (known: {', '.join(MILESTONES)})")
    return _on_event(session, case, name, on_date, ctx, add_event, stop_unbound=False)


def _on_event(
    session: Session,
    case: Case,
    name: str,
    on_date: date,
    ctx: DeadlineContext,
    add_event,
    *,
    stop_unbound: bool,
) -> list[Clock]:
    clocks = case_clocks(session, case)
    for clock in clocks:
        if clock.status == ClockStatus.STOPPED:
            continue
        binding = binding_for(ctx.rule_set, clock.rule_id)
        if (binding is None and stop_unbound) or (binding is not None and name in binding.stops_on):
            for pause in clock.pauses:
                if pause.ended_on is None:
                    pause.ended_on = max(on_date, pause.started_on)
            clock.status = ClockStatus.STOPPED
            clock.stopped_on = on_date
            clock.stop_reason = name
            refresh_clock(clock, ctx)
            add_event(
                EventKind.CLOCK_STOPPED,
                data={
                    "rule": clock.rule_id,
                    "due_on": _iso(clock.due_on),
                    "met": clock.due_on is not None and on_date <= clock.due_on,
                },
            )
    for binding in ctx.rule_set.clocks:
        if binding.starts_on != name:
            continue
        clock = Clock(
            case_id=case.id,
            rule_id=binding.rule_id,
            started_on=on_date,
            status=ClockStatus.RUNNING,
            extension_days=0,
            warn_days=binding.warn_days if binding.warn_days is not None else ctx.warning_days,
        )
        session.add(clock)
        clocks.append(clock)
        refresh_clock(clock, ctx)
        add_event(
            EventKind.CLOCK_STARTED,
            data={
                "rule": clock.rule_id,
                "due_on": _iso(clock.due_on),
                "calendar_verified": not clock.provisional,
            },
        )
    escalate(clocks, ctx, add_event)
    refresh_case_summary(case, clocks)
    return clocks


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


# The scan ----------------------------------------------------------------------------


@dataclass
class ScanResult:
    today: date
    newly_overdue: int
    newly_due_soon: int


def scan(session: Session, today: date, now=None) -> ScanResult:
    """Mark running clocks that became due soon or overdue and record one event per case.

    Set-based SQL, so the cost is one index range per state, not a Python loop over cases:
    urgency only escalates with time (ok → due soon → overdue); operations that move a
    due date recompute their clocks themselves."""
    from mediation.db import utcnow

    now = now or utcnow()
    counts = {}
    # The conditions repeat the partial indexes' predicates word for word (see
    # deadlines/model.py) so the planner can use them; hence text, not bound parameters.
    for target, condition in (
        (Urgency.OVERDUE, and_(text(UNMARKED_OVERDUE), Clock.due_on < today)),
        (
            Urgency.DUE_SOON,
            and_(text(UNMARKED_DUE_SOON), Clock.warn_on <= today, Clock.due_on >= today),
        ),
    ):
        changed = (
            select(Clock.case_id, func.min(Clock.rule_id).label("rule_id"))
            .where(condition)
            .group_by(Clock.case_id)
            .subquery()
        )
        kind = EventKind.OVERDUE if target == Urgency.OVERDUE else EventKind.DUE_SOON
        event_rows = select(
            changed.c.case_id,
            (Case.last_event_seq + 1).label("seq"),
            literal(kind.value, String).label("kind"),
            literal(now, DateTime).label("at"),
            literal(today, Date).label("effective_on"),
            changed.c.rule_id,
        ).join(Case, Case.id == changed.c.case_id)
        session.execute(
            insert(CaseEvent).from_select(
                ["case_id", "seq", "kind", "at", "effective_on", "reason"], event_rows
            )
        )
        changed_ids = select(Clock.case_id).where(condition)
        escalate = (
            [Urgency.OVERDUE] if target == Urgency.OVERDUE else [Urgency.OVERDUE, Urgency.DUE_SOON]
        )
        # INSERT ... SELECT reports no row count on every driver; the UPDATE does.
        counts[target] = session.execute(
            update(Case)
            .where(Case.id.in_(changed_ids))
            .values(
                last_event_seq=Case.last_event_seq + 1,
                version=Case.version + 1,
                urgency=sql_case((Case.urgency.in_(escalate), Case.urgency), else_=target.value),
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        if not counts[target]:
            continue
        session.execute(
            update(Clock)
            .where(condition)
            .values(urgency=target.value)
            .execution_options(synchronize_session=False)
        )
    return ScanResult(today, counts.get(Urgency.OVERDUE, 0), counts.get(Urgency.DUE_SOON, 0))
