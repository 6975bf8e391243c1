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
    def from_config(
        cls, config, instance_path: str | None = None, centre_code: str | None = None
    ) -> Settings:
        """The seal an administrator uploaded for the centre (under the instance directory)
        if there is one, else `AGREEMENT_SEAL_FILE`, else a generated seal."""
        from mediation.agreements.seal import seal_file

        uploaded = seal_file(instance_path, centre_code) if instance_path and centre_code else None
        return cls(
            seal_file=str(uploaded) if uploaded else (config.get("AGREEMENT_SEAL_FILE") or None),
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
                in_person=not party_has_account(session, case, p),
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
    # A party without a portal account signs on paper at the centre (`sign_in_person`).
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
        elif sig.signatory_name and slot["role"] == "respondent":
            who = f"{names.get(slot['party'], '')}（经办人：{sig.signatory_name}）"
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
    told: set[int] = set()
    for sig in agreement.valid_signatures:
        # An in-person signature's signer_id is the mediator who recorded it: tell each once.
        if sig.signer_id in told:
            continue
        told.add(sig.signer_id)
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


# Signing in person ------------------------------------------------------------------------
#
# A party without a portal account (often an elderly claimant at a county centre) signs the
# issued agreement on paper at the centre. The mediator records it: who signed, the identity
# document checked, when, and the scan of the signed page (evidence, on the ledger); where
# the party's phone is on file a code texted to it is entered as the party's confirmation.
# A party that has an account always signs themselves.

IN_PERSON_PURPOSE = "agreement.sign_in_person"
MAX_SCAN_BYTES = 20 * 1024 * 1024
_SCAN_TYPES = ((b"%PDF-", "pdf"), (b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"))


def party_has_account(session: Session, case: Case, party: Party) -> bool:
    """Whether someone signs in for this party: its own user, or (for an institution) an
    active institution user who answers for it by name."""
    if party.user_id is not None:
        return True
    if party.role != PartyRole.RESPONDENT:
        return False
    return (
        session.scalar(
            select(User.id)
            .where(
                User.centre_id == case.centre_id,
                User.role == Role.INSTITUTION,
                User.active.is_(True),
                User.institution_name == party.name,
            )
            .limit(1)
        )
        is not None
    )


def _party_phone(party: Party) -> str | None:
    if party.role == PartyRole.CLAIMANT:
        return party.phone or None
    return party.agent_phone or party.phone or None


def _require_recorder(user: User, case: Case) -> None:
    """Only a mediator (the case's, if one is assigned) records an in-person signature."""
    if user.role != Role.MEDIATOR or case.mediator_id not in (None, user.id):
        raise AgreementError("agreements.not_recorder", status=403)


def in_person_slots(session: Session, case: Case, agreement: Agreement) -> list[dict]:
    """The issued agreement's open party slots that are signed in person: each
    {"role", "party", "party_name", "code_required", "phone_masked"}."""
    from mediation.people.access import mask_phone

    if agreement.status != AgreementStatus.ISSUED:
        return []
    out = []
    for slot, sig in signer_status(agreement):
        party = _party(case, slot["party"])
        if sig is not None or party is None or party_has_account(session, case, party):
            continue
        phone = _party_phone(party)
        out.append(
            {
                "role": slot["role"],
                "party": party.id,
                "party_name": party.name,
                "code_required": phone is not None,
                "phone_masked": mask_phone(phone),
            }
        )
    return out


def _in_person_slot(session: Session, case: Case, agreement: Agreement, party_id: object):
    slot = next(
        (s for s in agreement.signers if s["party"] is not None and s["party"] == party_id),
        None,
    )
    party = _party(case, party_id) if slot is not None else None  # type: ignore[arg-type]
    if slot is None or party is None:
        raise AgreementError("agreements.not_a_signer_party", status=404)
    if party_has_account(session, case, party):
        # That party signs themselves; nobody signs in their place.
        raise AgreementError("agreements.party_has_account", status=403, party=party.name)
    if _signature_for(agreement, slot) is not None:
        raise AgreementError("agreements.party_already_signed", status=409, party=party.name)
    return slot, party


def in_person_code_object(agreement: Agreement, party_id: int) -> str:
    return f"{code_object(agreement)}:party:{party_id}"


def request_in_person_code(
    session: Session,
    case: Case,
    actor: User,
    party_id: int,
    *,
    now: datetime | None = None,
    sender: Sender | None = None,
):
    """Text a code to the phone on file of a party signing in person; the party reads it
    to the mediator, who enters it as the party's confirmation."""
    _require_recorder(actor, case)
    agreement = _issued(session, case)
    _slot, party = _in_person_slot(session, case, agreement, party_id)
    phone = _party_phone(party)
    if phone is None:
        raise AgreementError("agreements.no_phone_on_file", status=409, party=party.name)
    return issue_code(
        session,
        actor.id,
        IN_PERSON_PURPOSE,
        in_person_code_object(agreement, party.id),
        Notice(
            channel="sms",
            key="notify.code.agreement.sign_in_person",
            params={"centre": case.centre.name, "number": case.number},
            # The party has no account and so no language preference: Chinese.
            lang="zh",
            phone=phone,
            case_id=case.id,
            follow_user_language=False,
        ),
        now=now,
        sender=sender,
    )


def _scan_kind(head: bytes) -> str | None:
    return next((kind for magic, kind in _SCAN_TYPES if head.startswith(magic)), None)


def mask_document(number: str) -> tuple[str, str]:
    """An identity document number as (masked, "salt$sha256"): the number itself is not
    kept; the salted hash lets the centre confirm a document later shown to it."""
    import secrets

    from mediation.people.access import mask_id_number

    normal = "".join(number.split()).upper()
    salt = secrets.token_hex(8)
    return mask_id_number(normal) or "", f"{salt}${sha256_hex(f'{salt}|{normal}'.encode())}"


def document_matches(stored: str, number: str) -> bool:
    salt, _, digest = stored.partition("$")
    normal = "".join(number.split()).upper()
    return sha256_hex(f"{salt}|{normal}".encode()) == digest


def sign_in_person(
    session: Session,
    case: Case,
    actor: User,
    party_id: int,
    *,
    signatory_name: str,
    id_document: str,
    signed_at: datetime,
    scan: io.IOBase,
    scan_filename: str,
    code: str | None,
    ctx: DeadlineContext,
    store: BlobStore,
    settings: Settings | None = None,
    now: datetime | None = None,
    lang: str = "zh",
) -> AgreementSignature:
    """Record a party's signature given on paper at the centre. `signed_at` is UTC (naive),
    not in the future and not before the agreement was issued. With the party's phone on
    file, `code` (texted to it by `request_in_person_code`) must be right: method
    "in_person_code"; without one, "in_person_paper". The last required signature makes
    the agreement take effect, as an online one does."""
    from mediation.evidence.service import add_evidence

    settings = settings or Settings()
    now = now or utcnow()
    _require_recorder(actor, case)
    agreement = _issued(session, case)
    slot, party = _in_person_slot(session, case, agreement, party_id)
    signatory_name = (signatory_name or "").strip()
    if not signatory_name or len(signatory_name) > 100:
        raise AgreementError("agreements.bad_signatory", status=400)
    number = "".join((id_document or "").split())
    if not 6 <= len(number) <= 40 or not number.isalnum():
        raise AgreementError("agreements.bad_id_document", status=400)
    # A form gives whole minutes: the minute of issue itself is fine.
    issued_minute = (
        agreement.issued_at.replace(second=0, microsecond=0) if agreement.issued_at else None
    )
    if signed_at > now or (issued_minute is not None and signed_at < issued_minute):
        raise AgreementError("agreements.bad_signed_at", status=400)
    head = scan.read(8)
    kind = _scan_kind(head)
    if kind is None:
        raise AgreementError("agreements.bad_scan", status=400)
    body = head + scan.read(MAX_SCAN_BYTES + 1 - len(head))
    if len(body) > MAX_SCAN_BYTES:
        raise AgreementError("agreements.scan_too_large", status=413, mb=MAX_SCAN_BYTES >> 20)
    phone = _party_phone(party)
    used = None
    if phone is not None:
        used = check_code(
            session,
            actor.id,
            IN_PERSON_PURPOSE,
            in_person_code_object(agreement, party.id),
            code,
            now=now,
        )
    # check_code commits a wrong try; everything below is one transaction with the code's use.
    method = "in_person_code" if used is not None else "in_person_paper"
    item = add_evidence(
        session,
        case,
        actor,
        io.BytesIO(body),
        scan_filename or f"signed-page.{kind}",
        store,
        channel="in_person_signing",
    )
    masked, doc_hash = mask_document(number)
    signature = AgreementSignature(
        agreement_id=agreement.id,
        role=SignerRole(slot["role"]),
        party_id=party.id,
        signer_id=actor.id,
        signed_at=signed_at,
        pdf_sha256=agreement.pdf_sha256,
        method=method,
        code_id=used.id if used is not None else None,
        signatory_name=signatory_name,
        id_document_masked=masked,
        id_document_hash=doc_hash,
        paper_sha256=item.blob_sha256,
        paper_evidence_id=item.id,
    )
    agreement.signatures.append(signature)
    session.flush()
    entry = append_entry(
        session,
        case.id,
        "agreement.signed",
        actor.id,
        {
            "agreement": agreement.id,
            "version": agreement.version,
            "signature": signature.id,
            "role": slot["role"],
            "party": party.id,
            "sha256": agreement.pdf_sha256,
            "method": method,
            "in_person": True,
            "paper_sha256": item.blob_sha256,
            "paper_evidence": item.id,
            "signatory_sha256": text_digest(signatory_name),
            "signed_at": signed_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
        file_sha256=agreement.pdf_sha256,
    )
    signature.ledger_seq = entry.seq
    operations.add_event(
        session,
        case,
        EventKind.AGREEMENT_SIGNED,
        actor,
        data={
            "agreement": agreement.id,
            "version": agreement.version,
            "role": slot["role"],
            "in_person": True,
        },
    )
    if all(sig is not None for _, sig in signer_status(agreement)):
        _take_effect(session, case, agreement, ctx, store, settings, lang=lang)
    session.flush()
    return signature


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
