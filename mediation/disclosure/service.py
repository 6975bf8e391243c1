"""Disclosure operations: draft (anonymized), edit, approve, publish, withdraw, and the
privacy / trade-secret flag that stops all of them. The caller commits.

The texts of a disclosure are Chinese, the language of the agreement; the pages around
them are zh/en.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from mediation.cases import operations
from mediation.cases.model import Case, EventKind, PartyKind, PartyRole, Stage
from mediation.db import utcnow
from mediation.disclosure.anonymize import Finding, anonymize, summary
from mediation.disclosure.model import Disclosure, DisclosureStatus
from mediation.errors import Forbidden, NotFound, UserError
from mediation.evidence.ledger import text_digest
from mediation.i18n import t
from mediation.people.model import User

S = DisclosureStatus
AGREED_STAGES = frozenset({Stage.SIGNED, Stage.JUDICIAL_CONFIRMATION, Stage.PERFORMANCE})


def require_staff(user: User, case: Case) -> None:
    if not user.is_staff or user.centre_id != case.centre_id:
        raise Forbidden()


def require_disclosable(case: Case) -> None:
    """A case involving privacy or trade secrets is never drafted, published or listed."""
    if case.privacy_restricted:
        raise UserError("disclosure.restricted", status=409)


def reached_agreement(case: Case) -> bool:
    """Signed, confirmed, in performance, or closed after an agreement was signed."""
    if case.stage in AGREED_STAGES:
        return True
    if case.stage == Stage.CLOSED:
        return any(e.to_stage == Stage.SIGNED for e in case.events)
    return False


def get_disclosure(session: Session, case: Case) -> Disclosure | None:
    return session.scalar(select(Disclosure).where(Disclosure.case_id == case.id))


def names_of(case: Case) -> tuple[list[str], list[str], list[str]]:
    """(persons to replace, organisations to replace, organisations that stay): claimants
    are always anonymized; respondent institutions keep their names."""
    persons, orgs, keep = [], [], []
    for p in case.parties:
        if p.kind == PartyKind.PERSON:
            persons.append(p.name)
        elif p.role == PartyRole.CLAIMANT:
            orgs.append(p.name)
        else:
            keep.append(p.name)
        if p.agent_name:
            persons.append(p.agent_name)
    return persons, orgs, keep


def anonymize_for(case: Case, text: str) -> tuple[str, list[Finding]]:
    persons, orgs, keep = names_of(case)
    return anonymize(text or "", persons, organisations=orgs, keep=keep)


def _outcome_text(session: Session, case: Case) -> str:
    from mediation.performance.service import current_schedule, is_complete

    parts = [t("disclosure.text.agreed", "zh")]
    schedule = current_schedule(session, case)
    if schedule is not None and schedule.instalments:
        total = sum((i.amount for i in schedule.instalments), Decimal("0.00"))
        payer = schedule.instalments[0].payer.value
        parts.append(
            t(
                "disclosure.text.schedule",
                "zh",
                {
                    "payer": t(f"performance.payer.{payer}", "zh"),
                    "n": len(schedule.instalments),
                    "last": schedule.instalments[-1].due_on.isoformat(),
                    "total": f"{total:.2f}",
                },
            )
        )
        if is_complete(schedule):
            parts.append(t("disclosure.text.performed", "zh"))
    return "".join(parts)


def _facts_text(case: Case) -> str:
    facts = (case.facts or "").strip()
    request = (case.request or "").strip()
    out = []
    if facts:
        out.append(facts)
    if request:
        out.append(t("disclosure.text.request", "zh", {"request": request}))
    if case.amount_claimed is not None:
        out.append(t("disclosure.text.amount", "zh", {"amount": f"{case.amount_claimed:.2f}"}))
    return "\n".join(out)


def _title(case: Case) -> str:
    return t(
        "disclosure.text.title",
        "zh",
        {"type": t(f"dispute.{case.dispute_type.value}", "zh"), "year": case.received_on.year},
    )


def _store(d: Disclosure, case: Case, title: str, facts: str, outcome: str) -> list[Finding]:
    findings: list[Finding] = []
    texts = []
    for text in (title, facts, outcome):
        clean, found = anonymize_for(case, text)
        texts.append(clean)
        findings.extend(found)
    d.title, d.facts, d.outcome = texts[0][:200], texts[1], texts[2]
    d.findings = summary(findings)
    return findings


def draft(session: Session, case: Case, actor: User) -> tuple[Disclosure, list[Finding]]:
    """(Re)build the anonymized draft from the case. Allowed while nothing is approved or
    published; a published one must be withdrawn first."""
    require_staff(actor, case)
    require_disclosable(case)
    if not reached_agreement(case):
        raise UserError("disclosure.no_agreement", status=409)
    d = get_disclosure(session, case)
    if d is not None and d.status in (S.APPROVED, S.PUBLISHED):
        raise UserError("disclosure.wrong_status", status=409)
    texts = (_title(case), _facts_text(case), _outcome_text(session, case))
    if d is None:
        d = Disclosure(case_id=case.id, version=0)
    d.status = S.DRAFT
    d.drafted_at = utcnow()
    d.drafted_by_id = actor.id
    d.approved_at = d.approved_by_id = None
    findings = _store(d, case, *texts)
    d.version = (d.version or 0) + 1
    session.add(d)
    session.flush()
    return d, findings


def _get(session: Session, case: Case) -> Disclosure:
    d = get_disclosure(session, case)
    if d is None:
        raise UserError("disclosure.no_draft", status=409)
    return d


def edit(
    session: Session, case: Case, actor: User, *, title: str, facts: str, outcome: str
) -> tuple[Disclosure, list[Finding]]:
    """The mediator's edit. The edited text is anonymized again (an edit must not bring a
    name or a number back) and goes back to draft, to be approved again."""
    require_staff(actor, case)
    require_disclosable(case)
    d = _get(session, case)
    if d.status == S.PUBLISHED:
        raise UserError("disclosure.wrong_status", status=409)
    for name, value in (("title", title), ("facts", facts), ("outcome", outcome)):
        if not (value or "").strip():
            raise UserError("missing_field", field=name)
    findings = _store(d, case, title.strip(), facts.strip(), outcome.strip())
    d.status = S.DRAFT
    d.approved_at = d.approved_by_id = None
    d.edited_at = utcnow()
    d.edited_by_id = actor.id
    d.version += 1
    session.flush()
    return d, findings


def approve(session: Session, case: Case, actor: User) -> Disclosure:
    require_staff(actor, case)
    require_disclosable(case)
    d = _get(session, case)
    if d.status != S.DRAFT:
        raise UserError("disclosure.wrong_status", status=409)
    d.status = S.APPROVED
    d.approved_at = utcnow()
    d.approved_by_id = actor.id
    session.flush()
    return d


def _content_digest(d: Disclosure) -> str:
    return text_digest("\n\n".join((d.title, d.facts, d.outcome)))


def publish(session: Session, case: Case, actor: User) -> Disclosure:
    """Publish an approved draft: an event on the case and its ledger (the text's hash)."""
    require_staff(actor, case)
    require_disclosable(case)
    d = _get(session, case)
    if d.status != S.APPROVED:
        raise UserError("disclosure.not_approved", status=409)
    d.status = S.PUBLISHED
    d.published_at = utcnow()
    d.published_by_id = actor.id
    d.withdrawn_at = None
    d.withdrawn_reason = None
    operations.add_event(
        session,
        case,
        EventKind.DISCLOSURE_PUBLISHED,
        actor,
        data={"disclosure": d.id, "version": d.version, "content_sha256": _content_digest(d)},
    )
    session.flush()
    return d


def withdraw(session: Session, case: Case, actor: User | None, reason: str) -> Disclosure:
    if actor is not None:
        require_staff(actor, case)
    d = _get(session, case)
    if d.status != S.PUBLISHED:
        raise UserError("disclosure.not_published", status=409)
    if not (reason or "").strip():
        raise UserError("reason_required")
    d.status = S.WITHDRAWN
    d.withdrawn_at = utcnow()
    d.withdrawn_reason = reason.strip()
    operations.add_event(
        session,
        case,
        EventKind.DISCLOSURE_WITHDRAWN,
        actor,
        reason=reason.strip(),
        data={"disclosure": d.id},
    )
    session.flush()
    return d


def set_privacy_flag(
    session: Session, case: Case, actor: User, restricted: bool, reason: str | None = None
) -> Case:
    """Staff mark (or unmark) a case as involving privacy or trade secrets. Marking it
    withdraws a published disclosure and deletes an unpublished draft."""
    require_staff(actor, case)
    if case.privacy_restricted == restricted:
        return case
    case.privacy_restricted = restricted
    operations.add_event(
        session,
        case,
        EventKind.PRIVACY_FLAG,
        actor,
        reason=(reason or "").strip() or None,
        data={"restricted": restricted},
    )
    if restricted:
        d = get_disclosure(session, case)
        if d is not None:
            if d.status == S.PUBLISHED:
                withdraw(session, case, actor, t("disclosure.withdrawn_privacy", "zh"))
            if d.published_at is None:
                session.delete(d)
            else:
                # Published once: the record of that stays, its texts do not.
                d.title = d.facts = d.outcome = ""
    session.flush()
    return case


# The public side -------------------------------------------------------------------------


def _public_query():
    return (
        select(Disclosure)
        .join(Case, Case.id == Disclosure.case_id)
        .where(Disclosure.status == S.PUBLISHED, Case.privacy_restricted.is_(False))
    )


def public_list(session: Session, *, page: int = 1, per_page: int = 20) -> list[Disclosure]:
    return list(
        session.scalars(
            _public_query()
            .options(selectinload(Disclosure.case))
            .order_by(Disclosure.published_at.desc(), Disclosure.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )


def public_item(session: Session, disclosure_id: int) -> Disclosure:
    d = session.scalar(
        _public_query().where(Disclosure.id == disclosure_id).options(selectinload(Disclosure.case))
    )
    if d is None:
        raise NotFound()
    return d


def disclosure_json(d: Disclosure | None, *, public: bool = False) -> dict | None:
    if d is None:
        return None
    out = {
        "id": d.id,
        "title": d.title,
        "dispute_type": d.case.dispute_type.value,
        "facts": d.facts,
        "outcome": d.outcome,
        "published_at": d.published_at.isoformat() + "Z" if d.published_at else None,
    }
    if public:
        return out
    out.update(
        {
            "status": d.status.value,
            "version": d.version,
            "findings": d.findings or {},
            "drafted_at": d.drafted_at.isoformat() + "Z" if d.drafted_at else None,
            "approved_at": d.approved_at.isoformat() + "Z" if d.approved_at else None,
            "withdrawn_at": d.withdrawn_at.isoformat() + "Z" if d.withdrawn_at else None,
            "withdrawn_reason": d.withdrawn_reason,
        }
    )
    return out
