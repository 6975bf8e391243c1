"""Agreement operations. Each works in the caller's transaction (the caller commits) and
appends to the case's ledger what it changes: issue (the PDF's hash), each signature (the
signed hash), an edit after issue (the voided signatures), and taking effect (the executed
PDF's hash). The stage change to SIGNED goes through `cases.operations.transition`.

Interfaces for other domains (keep them stable):
- `effective_agreement(session, case) -> Agreement | None`
- `payment_schedule(agreement) -> list[dict]`
- `executed_pdf(session, case, store) -> (bytes, sha256) | None`
- `agreement_pdf(agreement, store) -> bytes` (the issued PDF the parties signed)
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from mediation.agreements import render
from mediation.agreements.errors import AgreementError
from mediation.agreements.model import Agreement, AgreementSignature, AgreementStatus, SignerRole
from mediation.agreements.templates import PAYER_ZH, TEMPLATES, validate_clauses
from mediation.cases import operations
from mediation.cases.model import Case, EventKind, Party, PartyRole, Stage
from mediation.db import utcnow
from mediation.deadlines.service import DeadlineContext
from mediation.evidence.blobstore import BlobStore
from mediation.evidence.ledger import append_entry, text_digest
from mediation.evidence.service import _record_blob
from mediation.i18n import t
from mediation.notify import Notice, Sender, check_code, issue_code, send
from mediation.people.model import Role, User

SIGN_PURPOSE = "agreement.sign"
DRAFT_STAGES = (Stage.ACCEPTED, Stage.INVESTIGATION, Stage.MEDIATION)
ISSUE_STAGES = (Stage.MEDIATION,)


@dataclass(frozen=True)
class Settings:
    seal_file: str | None = None  # the centre's own seal image; None: a generated one
    timezone: str = "Asia/Shanghai"

    @classmethod
    def from_config(cls, config) -> Settings:
        return cls(
            seal_file=config.get("AGREEMENT_SEAL_FILE") or None,
            timezone=config.get("TIMEZONE") or "Asia/Shanghai",
        )


# Reading --------------------------------------------------------------------------------


def _case_id(case: Case | int) -> int:
    return case if isinstance(case, int) else case.id


def versions(session: Session, case: Case | int) -> list[Agreement]:
    """Every version of the case's agreement, oldest first."""
    return list(
        session.scalars(
            select(Agreement)
            .where(Agreement.case_id == _case_id(case))
            .options(selectinload(Agreement.signatures).selectinload(AgreementSignature.signer))
            .order_by(Agreement.version)
        )
    )


def latest_agreement(session: Session, case: Case | int) -> Agreement | None:
    return session.scalar(
        select(Agreement)
        .where(Agreement.case_id == _case_id(case))
        .options(selectinload(Agreement.signatures).selectinload(AgreementSignature.signer))
        .order_by(Agreement.version.desc())
        .limit(1)
    )


def effective_agreement(session: Session, case: Case | int) -> Agreement | None:
    """The agreement in effect for the case (every required signature recorded), or None."""
    return session.scalar(
        select(Agreement)
        .where(Agreement.case_id == _case_id(case), Agreement.status == AgreementStatus.EFFECTIVE)
        .options(selectinload(Agreement.signatures))
        .order_by(Agreement.version.desc())
        .limit(1)
    )


def payment_schedule(agreement: Agreement) -> list[dict]:
    """The payments the agreement's clauses call for, ordered by due date.

    Each item: {"due_on": date, "amount": Decimal (yuan, 2 places),
    "payer": "respondent" | "claimant", "description": str (zh), "clause": int (0-based
    index of the clause), "instalment": int | None (1-based number within an instalment
    clause)}.
    A refund or compensation clause is one payment by the respondent due on its pay-by date;
    an instalment clause is one payment per instalment by the payer it names. Waivers,
    apologies and withdrawals carry no payment. Stable: payment tracking builds on it.
    """
    out: list[dict] = []
    for index, clause in enumerate(agreement.clauses or []):
        key, f = clause["template"], clause["fields"]
        if key in ("refund", "compensation"):
            out.append(
                {
                    "due_on": date.fromisoformat(f["pay_by"]),
                    "amount": Decimal(f["amount"]),
                    "payer": "respondent",
                    "description": TEMPLATES[key].title,
                    "clause": index,
                    "instalment": None,
                }
            )
        elif key == "instalments":
            count = len(f["instalments"])
            for n, item in enumerate(f["instalments"], 1):
                out.append(
                    {
                        "due_on": date.fromisoformat(item["due_on"]),
                        "amount": Decimal(item["amount"]),
                        "payer": f["payer"],
                        "description": f"分期还款 第{n}/{count}期（{PAYER_ZH[f['payer']]}支付）",
                        "clause": index,
                        "instalment": n,
                    }
                )
    out.sort(key=lambda p: (p["due_on"], p["clause"], p["instalment"] or 0))
    return out


def agreement_pdf(agreement: Agreement, store: BlobStore) -> bytes:
    """The issued PDF (the one the parties sign)."""
    if not agreement.pdf_sha256:
        raise AgreementError("agreements.not_issued", status=409)
    with store.open(agreement.pdf_sha256) as fh:
        return fh.read()


def executed_pdf(session: Session, case: Case | int, store: BlobStore) -> tuple[bytes, str] | None:
    """The executed agreement (text + signature page + seal) and its SHA-256, or None when
    no agreement of the case is in effect. The ledger entry `agreement.effective` holds the
    same hash."""
    agreement = effective_agreement(session, case)
    if agreement is None or not agreement.executed_sha256:
        return None
    with store.open(agreement.executed_sha256) as fh:
        data = fh.read()
    return data, agreement.executed_sha256


# The document ---------------------------------------------------------------------------


def _snapshot(session: Session, case: Case) -> dict:
    mediator = session.get(User, case.mediator_id) if case.mediator_id else None
    parties = [
        asdict(
            render.PartyLine(
                role=p.role.value,
                kind=p.kind.value,
                name=p.name,
                id_number=p.id_number,
                address=p.address,
                agent_name=p.agent_name,
            )
        )
        for p in sorted(case.parties, key=lambda p: (p.role != PartyRole.CLAIMANT, p.id))
    ]
    return {
        "centre_name": case.centre.name,
        "case_number": case.number,
        "dispute_zh": t(f"dispute.{case.dispute_type.value}", "zh"),
        "received_on": case.received_on.isoformat(),
        "parties": parties,
        "mediator_name": mediator.display_name if mediator else None,
    }


def _doc(snapshot: dict, agreement: Agreement) -> render.AgreementDoc:
    return render.AgreementDoc(
        centre_name=snapshot["centre_name"],
        case_number=snapshot["case_number"],
        dispute_zh=snapshot["dispute_zh"],
        received_on=snapshot["received_on"],
        version=agreement.version,
        parties=tuple(render.PartyLine(**p) for p in snapshot["parties"]),
        clauses=tuple(agreement.clauses),
        mediator_name=snapshot["mediator_name"],
    )


def _terms(case_number: str, agreement: Agreement) -> dict:
    """The structured terms attached to the PDF (PDF/A-3 associated file)."""
    return {
        "case": case_number,
        "version": agreement.version,
        "clauses": agreement.clauses,
        "payment_schedule": [
            {**p, "due_on": p["due_on"].isoformat(), "amount": str(p["amount"])}
            for p in payment_schedule(agreement)
        ],
    }


def document_text(session: Session, case: Case, agreement: Agreement) -> str:
    """The agreement's words: the frozen text once issued, else the draft's current text."""
    if agreement.text is not None:
        return agreement.text
    return render.agreement_text(_doc(_snapshot(session, case), agreement))


def preview_pdf(session: Session, case: Case, agreement: Agreement) -> bytes:
    """A draft rendered as it would be issued (marked 草稿), not stored."""
    if agreement.status != AgreementStatus.DRAFT:
        raise AgreementError("agreements.not_draft", status=409)
    return render.render_pdf(
        _doc(_snapshot(session, case), agreement), _terms(case.number, agreement), draft=True
    )


# Drafting and issuing --------------------------------------------------------------------


def _store_pdf(session: Session, store: BlobStore, data: bytes) -> str:
    blob = store.put(io.BytesIO(data))
    _record_blob(session, blob)
    return blob.sha256


def save_draft(
    session: Session,
    case: Case,
    actor: User,
    raw_clauses: object,
    *,
    expected_version: int | None = None,
) -> Agreement:
    """Create the first draft, change the current draft, or (after issue) start a new
    version: the issued one is superseded and its signatures voided, on the ledger."""
    latest = latest_agreement(session, case)
    if latest is not None and latest.status == AgreementStatus.EFFECTIVE:
        raise AgreementError("agreements.already_effective", status=409)
    if case.stage not in DRAFT_STAGES:
        raise AgreementError(
            "agreements.wrong_stage", status=409, stage=case.stage.value, action="draft"
        )
    clauses = validate_clauses(raw_clauses)
    if latest is not None and expected_version is not None and expected_version != latest.version:
        raise AgreementError("agreements.stale_version", status=409, current=latest.version)
    now = utcnow()
    if latest is not None and latest.status == AgreementStatus.DRAFT:
        latest.clauses = clauses
        latest.updated_at = now
        session.flush()
        return latest
    if latest is not None and latest.status == AgreementStatus.ISSUED:
        _supersede(session, case, actor, latest, latest.version + 1, now)
    agreement = Agreement(
        case_id=case.id,
        version=(latest.version + 1) if latest is not None else 1,
        status=AgreementStatus.DRAFT,
        clauses=clauses,
        signers=[],
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
    )
    session.add(agreement)
    session.flush()
    return agreement


def _supersede(
    session: Session, case: Case, actor: User, old: Agreement, new_version: int, now: datetime
) -> None:
    voided = []
    for sig in old.signatures:
        if sig.voided_at is None:
            sig.voided_at = now
            sig.void_reason = "edited"
            voided.append(sig.id)
    old.status = AgreementStatus.SUPERSEDED
    old.superseded_at = now
    append_entry(
        session,
        case.id,
        "agreement.superseded",
        actor.id,
        {
            "agreement": old.id,
            "version": old.version,
            "sha256": old.pdf_sha256,
            "by_version": new_version,
            "voided_signatures": voided,
        },
    )


def required_signers(case: Case) -> list[dict]:
    """Each claimant party, each respondent party (an institution user answers for it),
    and the mediator for the centre."""
    slots = [{"role": "claimant", "party": p.id} for p in case.claimants]
    slots += [{"role": "respondent", "party": p.id} for p in case.respondents]
    slots.append({"role": "mediator", "party": None})
    return slots


def issue(
    session: Session, case: Case, actor: User, store: BlobStore, *, lang: str = "zh"
) -> Agreement:
    """Freeze the draft: render the PDF, store it, put its hash on the ledger, fix the
    required signers, and tell the parties."""
    if case.stage not in ISSUE_STAGES:
        raise AgreementError(
            "agreements.wrong_stage", status=409, stage=case.stage.value, action="issue"
        )
    agreement = latest_agreement(session, case)
    if agreement is None:
        raise AgreementError("agreements.none", status=404)
    if agreement.status != AgreementStatus.DRAFT:
        raise AgreementError("agreements.not_draft", status=409)
    for p in case.claimants:
        if p.user_id is None:
            raise AgreementError("agreements.claimant_no_account", status=409, party=p.name)
    snapshot = _snapshot(session, case)
    doc = _doc(snapshot, agreement)
    pdf = render.render_pdf(doc, _terms(case.number, agreement))
    sha = _store_pdf(session, store, pdf)
    now = utcnow()
    agreement.snapshot = snapshot
    agreement.text = render.agreement_text(doc)
    agreement.pdf_sha256 = sha
    agreement.signers = required_signers(case)
    agreement.status = AgreementStatus.ISSUED
    agreement.issued_at = now
    agreement.issued_by_id = actor.id
    agreement.updated_at = now
    append_entry(
        session,
        case.id,
        "agreement.issued",
        actor.id,
        {
            "agreement": agreement.id,
            "version": agreement.version,
            "sha256": sha,
            "templates": [c["template"] for c in agreement.clauses],
            "terms_sha256": text_digest(
                json.dumps(agreement.clauses, ensure_ascii=False, sort_keys=True)
            ),
            "signers": [s["role"] for s in agreement.signers],
        },
        file_sha256=sha,
    )
    # On the case's history too, so every party sees the step on the timeline.
    operations.add_event(
        session,
        case,
        EventKind.AGREEMENT_ISSUED,
        actor,
        data={"agreement": agreement.id, "version": agreement.version},
    )
    for p in case.claimants + case.respondents:
        if p.user_id is not None:
            send(
                session,
                Notice(
                    channel="sms",
                    key="notify.agreement.issued",
                    params={"centre": case.centre.name, "number": case.number},
                    lang=lang,
                    user_id=p.user_id,
                    phone=p.phone or p.agent_phone,
                    case_id=case.id,
                ),
            )
    session.flush()
    return agreement


# Signing --------------------------------------------------------------------------------


def _party(case: Case, party_id: int | None) -> Party | None:
    return next((p for p in case.parties if p.id == party_id), None)


def may_sign_slot(user: User, case: Case, slot: dict) -> bool:
    """A claimant signs for their own party; an institution user for the respondent it
    answers for; a mediator (the case's, if one is assigned) for the centre."""
    role = slot["role"]
    if role == "mediator":
        return user.role == Role.MEDIATOR and case.mediator_id in (None, user.id)
    party = _party(case, slot["party"])
    if party is None:
        return False
    if role == "claimant":
        return user.role == Role.CLAIMANT and party.user_id == user.id
    if role == "respondent":
        return user.role == Role.INSTITUTION and (
            party.user_id == user.id
            or bool(user.institution_name and user.institution_name == party.name)
        )
    return False


def _signature_for(agreement: Agreement, slot: dict) -> AgreementSignature | None:
    return next(
        (
            s
            for s in agreement.signatures
            if s.voided_at is None and s.role.value == slot["role"] and s.party_id == slot["party"]
        ),
        None,
    )


def signer_status(agreement: Agreement) -> list[tuple[dict, AgreementSignature | None]]:
    return [(slot, _signature_for(agreement, slot)) for slot in agreement.signers or []]


def _open_slot(user: User, case: Case, agreement: Agreement) -> dict:
    mine = [s for s in agreement.signers if may_sign_slot(user, case, s)]
    if not mine:
        raise AgreementError("agreements.not_a_signer", status=403)
    for slot in mine:
        if _signature_for(agreement, slot) is None:
            return slot
    raise AgreementError("agreements.already_signed", status=409)


def _issued(session: Session, case: Case) -> Agreement:
    agreement = latest_agreement(session, case)
    if agreement is None:
        raise AgreementError("agreements.none", status=404)
    if agreement.status != AgreementStatus.ISSUED:
        raise AgreementError("agreements.not_issued", status=409)
    return agreement


def code_object(agreement: Agreement) -> str:
    """What a signing code is bound to: this version and this exact PDF."""
    return f"agreement:{agreement.id}:{agreement.pdf_sha256}"


def request_code(
    session: Session,
    case: Case,
    user: User,
    *,
    lang: str = "zh",
    now: datetime | None = None,
    sender: Sender | None = None,
):
    """Send `user` a fresh code to sign the case's issued agreement (only a required
    signer who has not signed yet gets one)."""
    agreement = _issued(session, case)
    slot = _open_slot(user, case, agreement)
    party = _party(case, slot["party"])
    phone = None
    if party is not None:
        phone = party.phone if slot["role"] == "claimant" else (party.agent_phone or party.phone)
    return issue_code(
        session,
        user.id,
        SIGN_PURPOSE,
        code_object(agreement),
        Notice(
            channel="sms",
            key="notify.code.agreement.sign",
            params={"centre": case.centre.name},
            lang=lang,
            phone=phone,
            case_id=case.id,
        ),
        now=now,
        sender=sender,
    )


def sign(
    session: Session,
    case: Case,
    user: User,
    code: str | None,
    ctx: DeadlineContext,
    store: BlobStore,
    *,
    ip: str | None = None,
    user_agent: str | None = None,
    settings: Settings | None = None,
    now: datetime | None = None,
    lang: str = "zh",
) -> AgreementSignature:
    """Record `user`'s signature after checking their code. The last required signature
    makes the agreement take effect (see `_take_effect`)."""
    settings = settings or Settings()
    agreement = _issued(session, case)
    slot = _open_slot(user, case, agreement)
    used = check_code(session, user.id, SIGN_PURPOSE, code_object(agreement), code, now=now)
    # check_code commits a wrong try; everything below is one transaction with the code's use.
    signed_at = now or utcnow()
    method = f"{used.channel}_code"
    signature = AgreementSignature(
        agreement_id=agreement.id,
        role=SignerRole(slot["role"]),
        party_id=slot["party"],
        signer_id=user.id,
        signed_at=signed_at,
        pdf_sha256=agreement.pdf_sha256,
        method=method,
        code_id=used.id,
        ip=(ip or "")[:64] or None,
        user_agent=(user_agent or "")[:300] or None,
    )
    agreement.signatures.append(signature)
    session.flush()
    entry = append_entry(
        session,
        case.id,
        "agreement.signed",
        user.id,
        {
            "agreement": agreement.id,
            "version": agreement.version,
            "signature": signature.id,
            "role": slot["role"],
            "party": slot["party"],
            "sha256": agreement.pdf_sha256,
            "method": method,
            "ip_sha256": text_digest(ip) if ip else None,
            "ua_sha256": text_digest(user_agent) if user_agent else None,
        },
        file_sha256=agreement.pdf_sha256,
    )
    signature.ledger_seq = entry.seq
    operations.add_event(
        session,
        case,
        EventKind.AGREEMENT_SIGNED,
        user,
        data={"agreement": agreement.id, "version": agreement.version, "role": slot["role"]},
    )
    if all(sig is not None for _, sig in signer_status(agreement)):
        _take_effect(session, case, agreement, ctx, store, settings, lang=lang)
    session.flush()
    return signature


def _take_effect(
    session: Session,
    case: Case,
    agreement: Agreement,
    ctx: DeadlineContext,
    store: BlobStore,
    settings: Settings,
    *,
    lang: str = "zh",
) -> None:
    """Every required signature is in: render and store the executed PDF, put its hash on
    the ledger, and move the case to SIGNED dated the effective day (which starts the
    30-day clock for a joint application for judicial confirmation, CPL-205)."""
    effective_on = ctx.today
    names = {p.id: p.name for p in case.parties}
    lines = []
    for slot, sig in signer_status(agreement):
        if slot["role"] == "mediator":
            who = sig.signer.display_name
        elif slot["role"] == "respondent":
            who = f"{names.get(slot['party'], '')}（经办人：{sig.signer.display_name}）"
        else:
            who = names.get(slot["party"], "")
        lines.append(
            render.SignatureLine(
                role=slot["role"],
                who=who,
                signed_at=sig.signed_at,
                method=sig.method,
                pdf_sha256=sig.pdf_sha256,
            )
        )
    snapshot = agreement.snapshot or _snapshot(session, case)
    pdf = render.render_executed_pdf(
        _doc(snapshot, agreement),
        _terms(case.number, agreement),
        lines,
        signed_sha256=agreement.pdf_sha256,
        effective_on=effective_on.isoformat(),
        seal_uri=render.seal_data_uri(snapshot["centre_name"], settings.seal_file),
        timezone=settings.timezone,
    )
    sha = _store_pdf(session, store, pdf)
    agreement.executed_sha256 = sha
    agreement.effective_on = effective_on
    agreement.effective_at = utcnow()
    agreement.status = AgreementStatus.EFFECTIVE
    append_entry(
        session,
        case.id,
        "agreement.effective",
        None,
        {
            "agreement": agreement.id,
            "version": agreement.version,
            "sha256": sha,
            "signed_sha256": agreement.pdf_sha256,
            "effective_on": effective_on.isoformat(),
            "signatures": [s.id for s in agreement.valid_signatures],
        },
        file_sha256=sha,
    )
    operations.transition(session, case, None, Stage.SIGNED, ctx, on_date=effective_on)
    for sig in agreement.valid_signatures:
        send(
            session,
            Notice(
                channel="sms",
                key="notify.agreement.effective",
                params={"centre": case.centre.name, "number": case.number},
                lang=lang,
                user_id=sig.signer_id,
                case_id=case.id,
            ),
        )


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
