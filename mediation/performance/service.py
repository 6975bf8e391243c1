"""Performance operations: set the payment schedule, record payments, and the daily scan
(reminders before due dates, one alert per missed instalment with an enforcement packet).

Every change is a case event (so also a ledger entry) written through
mediation.cases.operations in the caller's transaction; the caller commits.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import BinaryIO

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from mediation.cases import operations, stages
from mediation.cases.model import Case, EventKind, MessageKind, Party, PartyRole, Stage
from mediation.db import utcnow
from mediation.errors import Forbidden, UserError
from mediation.i18n import t
from mediation.people.model import Role, User
from mediation.performance.model import (
    Instalment,
    InstalmentStatus,
    Payer,
    Payment,
    PaymentMethod,
    PaymentSchedule,
    PerformanceAlert,
)

log = logging.getLogger("mediation.performance")

# Performance is handled once the agreement is signed: before or after judicial
# confirmation, and in the performance stage itself.
ACTIVE_STAGES = frozenset({Stage.SIGNED, Stage.JUDICIAL_CONFIRMATION, Stage.PERFORMANCE})
DEFAULT_REMINDER_DAYS = 3
CENT = Decimal("0.01")


@dataclass(frozen=True)
class ScheduleItem:
    due_on: date
    amount: Decimal
    payer: Payer = Payer.RESPONDENT
    description: str | None = None

    def canonical(self) -> dict:
        return {
            "due_on": self.due_on.isoformat(),
            "amount": f"{self.amount:.2f}",
            "payer": self.payer.value,
            "description": self.description or "",
        }


def _amount(value: object, name: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        raise UserError("invalid_field", field=name, detail="amount") from None
    if not amount.is_finite() or amount <= 0:
        raise UserError("invalid_field", field=name, detail="> 0")
    if amount >= Decimal("1e14"):
        raise UserError("invalid_field", field=name, detail="too large")
    return amount


def _date(value: object, name: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise UserError("invalid_field", field=name, detail="YYYY-MM-DD") from None


def schedule_from(items: Iterable[Mapping]) -> list[ScheduleItem]:
    """Validate a payment plan given as dicts (due_on, amount, payer, description), the
    shape mediation.agreements.service.payment_schedule returns; sorted by due date."""
    out = []
    for i, raw in enumerate(items):
        if not isinstance(raw, Mapping):
            raise UserError("invalid_field", field=f"items[{i}]", detail="object")
        payer = raw.get("payer") or Payer.RESPONDENT.value
        try:
            payer = Payer(payer)
        except ValueError:
            raise UserError(
                "invalid_field", field=f"items[{i}].payer", detail="respondent | claimant"
            ) from None
        description = raw.get("description")
        out.append(
            ScheduleItem(
                due_on=_date(raw.get("due_on"), f"items[{i}].due_on"),
                amount=_amount(raw.get("amount"), f"items[{i}].amount"),
                payer=payer,
                description=str(description).strip()[:2000] if description else None,
            )
        )
    if not out:
        raise UserError("performance.empty_schedule")
    return sorted(out, key=lambda item: item.due_on)


def _items_digest(items: list[ScheduleItem]) -> str:
    body = json.dumps([i.canonical() for i in items], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()


def _require_active(case: Case) -> None:
    if case.stage not in ACTIVE_STAGES:
        raise UserError("performance.wrong_stage", status=409, stage=t(f"stage.{case.stage.value}"))


def current_schedule(session: Session, case: Case | int) -> PaymentSchedule | None:
    case_id = case if isinstance(case, int) else case.id
    return session.scalar(
        select(PaymentSchedule)
        .where(PaymentSchedule.case_id == case_id, PaymentSchedule.replaced_at.is_(None))
        .options(selectinload(PaymentSchedule.instalments))
        .order_by(PaymentSchedule.id.desc())
        .limit(1)
    )


def set_schedule(
    session: Session,
    case: Case,
    actor: User | None,
    items: list[ScheduleItem],
    *,
    source: str = "manual",
) -> PaymentSchedule:
    """Make `items` the case's payment schedule. The same plan again changes nothing; a
    different plan (a new agreement version) replaces the current one only while nothing
    has been paid on it, and the replacement is recorded."""
    _require_active(case)
    if not items:
        raise UserError("performance.empty_schedule")
    digest = _items_digest(items)
    current = current_schedule(session, case)
    if current is not None:
        if current.items_sha256 == digest:
            return current
        if any(i.paid_amount > 0 for i in current.instalments):
            raise UserError("performance.schedule_has_payments", status=409)
        current.replaced_at = utcnow()
        current.replaced_by_id = actor.id if actor else None
        for old in current.instalments:
            old.settled = True
    schedule = PaymentSchedule(
        case_id=case.id,
        source=source[:64],
        items_sha256=digest,
        created_at=utcnow(),
        created_by_id=actor.id if actor else None,
    )
    schedule.instalments = [
        Instalment(
            case_id=case.id,
            seq=n,
            due_on=item.due_on,
            amount=item.amount,
            payer=item.payer,
            description=item.description,
            paid_amount=Decimal("0.00"),
            settled=False,
        )
        for n, item in enumerate(items, start=1)
    ]
    session.add(schedule)
    session.flush()
    operations.add_event(
        session,
        case,
        EventKind.SCHEDULE_SET,
        actor,
        effective_on=None,
        data={
            "schedule": schedule.id,
            "instalments": len(items),
            "total": f"{sum(i.amount for i in items):.2f}",
            "due_on": items[-1].due_on.isoformat(),
            "replaced": current.id if current is not None else None,
            "source": source,
        },
    )
    return schedule


# The agreements domain -------------------------------------------------------------------


def _effective_agreement(session: Session, case: Case):
    """The agreement in effect, or None (also when the agreements domain is not installed)."""
    try:
        from mediation.agreements import service as agreements
    except ImportError:
        return None
    return agreements.effective_agreement(session, case)


def _agreement_items(agreement) -> list[dict]:
    from mediation.agreements import service as agreements

    return agreements.payment_schedule(agreement)


def agreement_ref(agreement) -> str:
    version = getattr(agreement, "version", None)
    ref = f"agreement:{getattr(agreement, 'id', '?')}"
    return f"{ref}:v{version}" if version is not None else ref


def schedule_from_agreement(session: Session, case: Case, actor: User | None) -> PaymentSchedule:
    """Derive the schedule from the case's agreement in effect (idempotent)."""
    _require_active(case)
    agreement = _effective_agreement(session, case)
    if agreement is None:
        raise UserError("performance.no_agreement", status=409)
    items = schedule_from(_agreement_items(agreement))
    return set_schedule(session, case, actor, items, source=agreement_ref(agreement))


# Payments ---------------------------------------------------------------------------------


def _respondent_of(user: User, case: Case) -> bool:
    return any(
        p.role == PartyRole.RESPONDENT
        and (p.user_id == user.id or (user.institution_name and p.name == user.institution_name))
        for p in case.parties
    )


def may_record(user: User, case: Case, payer: Payer | None = None) -> bool:
    """Staff record any payment; the paying institution records its own (payer respondent)."""
    if user.centre_id != case.centre_id:
        return False
    if user.is_staff:
        return True
    return (
        user.role == Role.INSTITUTION
        and _respondent_of(user, case)
        and payer in (None, Payer.RESPONDENT)
    )


def get_instalment(schedule: PaymentSchedule, seq: int) -> Instalment:
    for item in schedule.instalments:
        if item.seq == seq:
            return item
    raise UserError("performance.unknown_instalment", status=404, seq=seq)


def record_payment(
    session: Session,
    case: Case,
    actor: User,
    *,
    seq: int,
    amount: object,
    paid_on: date,
    method: PaymentMethod,
    today: date,
    reference: str | None = None,
    note: str | None = None,
    proof: tuple[BinaryIO, str] | None = None,
    store=None,
) -> Payment:
    """A payment towards instalment `seq`. Partial payments are allowed; paying more than is
    outstanding is refused. An optional proof file is stored as evidence."""
    _require_active(case)
    schedule = current_schedule(session, case)
    if schedule is None:
        raise UserError("performance.no_schedule", status=409)
    instalment = get_instalment(schedule, seq)
    if not may_record(actor, case, instalment.payer):
        if actor.role == Role.INSTITUTION and _respondent_of(actor, case):
            raise UserError("performance.not_your_payment", status=403)
        raise Forbidden()
    value = _amount(amount, "amount")
    if instalment.outstanding <= 0:
        raise UserError("performance.already_paid", status=409, seq=seq)
    if value > instalment.outstanding:
        raise UserError(
            "performance.overpayment",
            status=409,
            seq=seq,
            amount=f"{value:.2f}",
            outstanding=f"{instalment.outstanding:.2f}",
        )
    if paid_on > today:
        raise UserError("performance.future_payment")
    evidence_id = None
    if proof is not None:
        from mediation.evidence.service import add_evidence

        stream, filename = proof
        evidence_id = add_evidence(
            session, case, actor, stream, filename, store, channel="payment"
        ).id
    instalment.paid_amount = instalment.paid_amount + value
    if instalment.paid_amount >= instalment.amount:
        instalment.settled = True
    payment = Payment(
        case_id=case.id,
        instalment_id=instalment.id,
        amount=value,
        paid_on=paid_on,
        method=method,
        reference=(reference or "").strip()[:100] or None,
        note=(note or "").strip() or None,
        evidence_id=evidence_id,
        recorded_by_id=actor.id,
        recorded_at=utcnow(),
    )
    session.add(payment)
    session.flush()
    complete = all(i.paid_amount >= i.amount for i in schedule.instalments)
    event = operations.add_event(
        session,
        case,
        EventKind.PAYMENT_RECORDED,
        actor,
        effective_on=paid_on,
        data={
            "instalment": seq,
            "amount": f"{value:.2f}",
            "paid_on": paid_on.isoformat(),
            "method": method.value,
            "outstanding": f"{instalment.outstanding:.2f}",
            "complete": complete,
            "evidence": evidence_id,
        },
    )
    payment.event_seq = event.seq
    _resolve_alerts(session, case, schedule)
    return payment


def _resolve_alerts(session: Session, case: Case, schedule: PaymentSchedule) -> None:
    """An alert ends when every instalment it names is paid."""
    paid = {i.seq for i in schedule.instalments if i.paid_amount >= i.amount}
    for alert in session.scalars(
        select(PerformanceAlert).where(
            PerformanceAlert.case_id == case.id, PerformanceAlert.resolved_at.is_(None)
        )
    ):
        if all(m["seq"] in paid for m in alert.missed):
            alert.resolved_at = utcnow()


def is_complete(schedule: PaymentSchedule | None) -> bool:
    return bool(schedule and schedule.instalments) and all(
        i.paid_amount >= i.amount for i in schedule.instalments
    )


def payments_of(session: Session, case: Case) -> list[Payment]:
    return list(
        session.scalars(
            select(Payment)
            .where(Payment.case_id == case.id)
            .options(selectinload(Payment.instalment), selectinload(Payment.recorded_by))
            .order_by(Payment.paid_on, Payment.id)
        )
    )


def alerts_of(session: Session, case: Case) -> list[PerformanceAlert]:
    return list(
        session.scalars(
            select(PerformanceAlert)
            .where(PerformanceAlert.case_id == case.id)
            .order_by(PerformanceAlert.id)
        )
    )


def open_alerts(session: Session, centre_id: int, limit: int = 200) -> list[PerformanceAlert]:
    """Unresolved missed-payment alerts of the centre's open cases, for the mediator queue."""
    return list(
        session.scalars(
            select(PerformanceAlert)
            .join(Case, Case.id == PerformanceAlert.case_id)
            .where(
                Case.centre_id == centre_id,
                Case.stage != Stage.CLOSED,
                PerformanceAlert.resolved_at.is_(None),
            )
            .options(selectinload(PerformanceAlert.case))
            .order_by(PerformanceAlert.raised_on, PerformanceAlert.id)
            .limit(limit)
        )
    )


def may_close(case: Case, schedule: PaymentSchedule | None) -> bool:
    return is_complete(schedule) and Stage.CLOSED in stages.allowed_next(case.stage)


# The daily scan ---------------------------------------------------------------------------


@dataclass
class ScanResult:
    today: date
    reminders: int = 0
    alerts: int = 0
    packets: int = 0
    schedules: int = 0
    packet_errors: list[str] = field(default_factory=list)
    schedule_errors: list[str] = field(default_factory=list)


def sync_schedules(session: Session, result: ScanResult | None = None) -> int:
    """Derive the schedule of every case whose agreement in effect is not yet its
    schedule's source (a mediator need not press the button). Returns how many changed."""
    try:
        from mediation.agreements.model import Agreement, AgreementStatus
    except ImportError:
        return 0
    current = (
        select(PaymentSchedule.case_id, PaymentSchedule.source)
        .where(PaymentSchedule.replaced_at.is_(None))
        .subquery()
    )
    rows = session.execute(
        select(Agreement, current.c.source)
        .join(Case, Case.id == Agreement.case_id)
        .outerjoin(current, current.c.case_id == Agreement.case_id)
        .where(Agreement.status == AgreementStatus.EFFECTIVE, Case.stage.in_(ACTIVE_STAGES))
    ).all()
    changed = 0
    for agreement, source in rows:
        if source == agreement_ref(agreement):
            continue
        case = session.get(Case, agreement.case_id)
        try:
            with session.begin_nested():
                before = current_schedule(session, case)
                after = schedule_from_agreement(session, case, None)
        except UserError as exc:
            if result is not None:
                result.schedule_errors.append(f"{case.number}: {exc.message('zh')}")
            continue
        if before is None or after.id != before.id:
            changed += 1
    return changed


def _party_users(session: Session, case: Case, role: PartyRole) -> list[tuple[User, Party]]:
    """The accounts that answer for the parties of `role`: linked users, and for an
    institution its staff (User.institution_name)."""
    out: dict[int, tuple[User, Party]] = {}
    for party in case.parties:
        if party.role != role:
            continue
        conds = []
        if party.user_id:
            conds.append(User.id == party.user_id)
        if role == PartyRole.RESPONDENT:
            conds.append(User.institution_name == party.name)
        if not conds:
            continue
        for user in session.scalars(
            select(User).where(User.centre_id == case.centre_id, User.active, or_(*conds))
        ):
            out.setdefault(user.id, (user, party))
    return list(out.values())


def _notify(session: Session, case: Case, user: User, phone: str | None, key: str, params: dict):
    """A notice through mediation.notify (the default sender writes it to the log)."""
    try:
        from mediation.notify import send
        from mediation.notify.sender import Notice
    except ImportError:  # the notify domain is not installed: the log is the notice
        log.info("notice %s to user=%s case=%s %s", key, user.id, case.number, params)
        return
    send(
        session,
        Notice(
            channel="sms",
            key=key,
            params={"centre": case.centre.name, "number": case.number, **params},
            user_id=user.id,
            phone=phone,
            case_id=case.id,
        ),
    )


def _staff_author(session: Session, case: Case) -> User | None:
    if case.mediator is not None:
        return case.mediator
    return session.scalar(
        select(User)
        .where(User.centre_id == case.centre_id, User.role == Role.ADMIN, User.active)
        .order_by(User.id)
        .limit(1)
    )


def _remind(session: Session, case: Case, instalment: Instalment, today: date) -> None:
    payer_role = PartyRole(instalment.payer.value)
    recipients = _party_users(session, case, payer_role)
    if payer_role != PartyRole.CLAIMANT:
        recipients += _party_users(session, case, PartyRole.CLAIMANT)
    params = {
        "seq": instalment.seq,
        "amount": f"{instalment.outstanding:.2f}",
        "due_on": instalment.due_on.isoformat(),
    }
    for user, party in recipients:
        _notify(session, case, user, party.phone, "performance.notice.reminder", params)
    instalment.reminded_on = today
    operations.add_event(
        session,
        case,
        EventKind.PAYMENT_REMINDER,
        None,
        effective_on=today,
        data={"instalment": instalment.seq, "due_on": instalment.due_on.isoformat()},
    )


def _raise_alert(
    session: Session, case: Case, missed: list[Instalment], today: date, context
) -> PerformanceAlert:
    outstanding = sum((i.outstanding for i in missed), Decimal("0.00"))
    alert = PerformanceAlert(
        case_id=case.id,
        raised_on=today,
        raised_at=utcnow(),
        missed=[
            {
                "seq": i.seq,
                "due_on": i.due_on.isoformat(),
                "amount": f"{i.amount:.2f}",
                "paid": f"{i.paid_amount:.2f}",
                "outstanding": f"{i.outstanding:.2f}",
                "payer": i.payer.value,
            }
            for i in missed
        ],
    )
    session.add(alert)
    for i in missed:
        i.missed_on = today
    session.flush()
    seqs = "、".join(str(i.seq) for i in missed)
    operations.add_event(
        session,
        case,
        EventKind.PAYMENT_MISSED,
        None,
        effective_on=today,
        data={
            "instalments": [i.seq for i in missed],
            "outstanding": f"{outstanding:.2f}",
            "due_on": missed[0].due_on.isoformat(),
        },
    )
    author = _staff_author(session, case)
    if author is not None:
        operations.post_message(
            session,
            case,
            author,
            MessageKind.MESSAGE,
            t("performance.message.missed", "zh", {"seqs": seqs, "outstanding": outstanding}),
        )
    params = {"seqs": seqs, "outstanding": f"{outstanding:.2f}"}
    if case.mediator is not None:
        _notify(session, case, case.mediator, None, "performance.notice.missed", params)
    for user, party in _party_users(session, case, PartyRole.CLAIMANT):
        _notify(session, case, user, party.phone, "performance.notice.missed", params)
    build_alert_packet(session, case, alert, context)
    return alert


def build_alert_packet(session: Session, case: Case, alert: PerformanceAlert, context=None) -> bool:
    """Build and store the enforcement-application packet of an alert (mediation.packets,
    kind "enforcement", the missed instalments in `extra`), with the executed agreement.
    A failure is recorded on the alert and retried by the next scan; it never undoes the
    alert."""
    if alert.packet_id is not None:
        return True
    try:
        from mediation.agreements.service import executed_pdf
        from mediation.packets.build import PacketContext
        from mediation.packets.service import export_packet
    except ImportError as exc:
        alert.packet_error = f"not installed: {exc.name}"
        return False
    try:
        ctx = context or PacketContext.from_app()
        with session.begin_nested():
            executed = executed_pdf(session, case, ctx.evidence_store)
            if executed is None:
                raise UserError("performance.no_agreement", status=409)
            packet = export_packet(
                session,
                case,
                "enforcement",
                None,
                agreement_pdf=executed[0],
                extra={
                    "alert": alert.id,
                    "raised_on": alert.raised_on.isoformat(),
                    "missed_instalments": alert.missed,
                },
                context=ctx,
            )
    except Exception as exc:  # recorded on the alert; the next scan tries again
        log.warning("enforcement packet for case %s failed: %s", case.number, exc)
        message = exc.message("zh") if isinstance(exc, UserError) else str(exc)
        alert.packet_error = f"{exc.__class__.__name__}: {message}"[:1000]
        return False
    alert.packet_id = packet.id
    alert.packet_sha256 = packet.sha256
    alert.packet_error = None
    return True


def scan(
    session: Session,
    today: date,
    *,
    reminder_days: int = DEFAULT_REMINDER_DAYS,
    packet_context=None,
) -> ScanResult:
    """Once a day: derive schedules from agreements newly in effect, remind payer and
    claimant `reminder_days` before each due date (once per instalment), raise one alert per
    case for instalments newly past due and not fully paid (once per instalment), and retry
    packets that could not be built."""
    result = ScanResult(today=today)
    result.schedules = sync_schedules(session, result)
    horizon = date.fromordinal(today.toordinal() + max(reminder_days, 0))
    rows = session.scalars(
        select(Instalment)
        .join(PaymentSchedule, PaymentSchedule.id == Instalment.schedule_id)
        .join(Case, Case.id == Instalment.case_id)
        .where(
            Instalment.settled.is_(False),
            PaymentSchedule.replaced_at.is_(None),
            Instalment.due_on <= horizon,
            Case.stage.in_(ACTIVE_STAGES),
            or_(
                Instalment.reminded_on.is_(None),
                (Instalment.due_on < today) & Instalment.missed_on.is_(None),
            ),
        )
        .order_by(Instalment.case_id, Instalment.seq)
    ).all()
    by_case: dict[int, list[Instalment]] = {}
    for row in rows:
        by_case.setdefault(row.case_id, []).append(row)
    for case_id, instalments in by_case.items():
        case = session.get(Case, case_id)
        missed = [i for i in instalments if i.due_on < today and i.missed_on is None]
        for i in instalments:
            if i.due_on >= today and i.reminded_on is None:
                _remind(session, case, i, today)
                result.reminders += 1
        if missed:
            alert = _raise_alert(session, case, missed, today, packet_context)
            result.alerts += 1
            if alert.packet_id is not None:
                result.packets += 1
            elif alert.packet_error:
                result.packet_errors.append(f"{case.number}: {alert.packet_error}")
    for alert in session.scalars(
        select(PerformanceAlert).where(
            PerformanceAlert.packet_id.is_(None),
            PerformanceAlert.resolved_at.is_(None),
            PerformanceAlert.raised_on < today,
        )
    ):
        if build_alert_packet(session, alert.case, alert, packet_context):
            result.packets += 1
    session.flush()
    return result


# What pages and the API show --------------------------------------------------------------


def enforcement_due(session: Session, schedule: PaymentSchedule | None) -> date | None:
    """民事诉讼法 Art 250 (rule CPL-250): two years from the last instalment's due date."""
    if not schedule or not schedule.instalments:
        return None
    try:
        from mediation.cases.service import rulebook
        from mediation.deadlines.counting import compute_due
        from mediation.deadlines.service import load_calendar

        rule = rulebook().get("CPL-250")
        return compute_due(rule, schedule.instalments[-1].due_on, load_calendar(session)).due
    except Exception:  # an unverified calendar year or a missing rule: not shown
        return None


def overview(session: Session, case: Case, today: date) -> dict:
    schedule = current_schedule(session, case)
    instalments = []
    if schedule is not None:
        for i in schedule.instalments:
            instalments.append(
                {
                    "seq": i.seq,
                    "due_on": i.due_on.isoformat(),
                    "amount": f"{i.amount:.2f}",
                    "paid": f"{i.paid_amount:.2f}",
                    "outstanding": f"{i.outstanding:.2f}",
                    "payer": i.payer.value,
                    "description": i.description,
                    "status": i.status(today).value,
                    "reminded_on": i.reminded_on.isoformat() if i.reminded_on else None,
                    "missed_on": i.missed_on.isoformat() if i.missed_on else None,
                }
            )
    due = enforcement_due(session, schedule)
    return {
        "schedule": None
        if schedule is None
        else {
            "id": schedule.id,
            "source": schedule.source,
            "created_at": schedule.created_at.isoformat() + "Z",
            "total": f"{sum((i.amount for i in schedule.instalments), Decimal()):.2f}",
            "paid": f"{sum((i.paid_amount for i in schedule.instalments), Decimal()):.2f}",
        },
        "instalments": instalments,
        "payments": [
            {
                "id": p.id,
                "instalment": p.instalment.seq,
                "amount": f"{p.amount:.2f}",
                "paid_on": p.paid_on.isoformat(),
                "method": p.method.value,
                "reference": p.reference,
                "note": p.note,
                "evidence_id": p.evidence_id,
                "recorded_by_role": p.recorded_by.role.value if p.recorded_by else None,
                "recorded_at": p.recorded_at.isoformat() + "Z",
            }
            for p in payments_of(session, case)
        ],
        "alerts": [
            {
                "id": a.id,
                "raised_on": a.raised_on.isoformat(),
                "missed": a.missed,
                "seqs": "、".join(str(m["seq"]) for m in a.missed),
                "outstanding": f"{sum(Decimal(m['outstanding']) for m in a.missed):.2f}",
                "resolved": a.resolved_at is not None,
                "packet_ready": a.packet_id is not None,
                "packet_sha256": a.packet_sha256,
            }
            for a in alerts_of(session, case)
        ],
        "complete": is_complete(schedule),
        "may_close": may_close(case, schedule),
        "enforcement_due": due.isoformat() if due else None,
        "overdue": any(i["status"] == InstalmentStatus.OVERDUE.value for i in instalments),
    }
