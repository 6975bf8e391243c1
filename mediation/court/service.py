"""The court side of judicial confirmation (司法确认): courts and their clerks, packets
received (sent by the centre, uploaded by a clerk or posted by the court's system), the
check of each packet against the court's registered trust anchor, acceptance or refusal
within 3 days and the ruling within 15 days (+10 with the president's approval) under
法释〔2011〕5号 Arts 4-5, and the ruling flowing back into the case (民事诉讼法 Art 206).

Runs in the caller's transaction; never commits. Who may act is checked here
(`require_clerk`, `require_submission`) as well as in the web layer."""

from __future__ import annotations

import hashlib
import io
import json
import secrets
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath
from typing import BinaryIO

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from werkzeug.security import generate_password_hash

from mediation.cases import operations
from mediation.cases.model import Case, EventKind, Stage
from mediation.cases.service import get_case
from mediation.db import utcnow
from mediation.deadlines.model import Clock, ClockStatus
from mediation.deadlines.service import DeadlineContext
from mediation.errors import Forbidden, NotFound, UserError
from mediation.evidence.blobstore import BlobStore
from mediation.evidence.ledger import entries as ledger_entries
from mediation.evidence.service import _record_blob, add_evidence
from mediation.people.model import Centre, Role, User

from .model import (
    OPEN_STATUSES,
    Court,
    CourtSubmission,
    CourtUser,
    Outcome,
    SubmissionChannel,
    SubmissionStatus,
)

ACCEPT_RULE = "JC-2011-4"  # 3 days from receipt to decide acceptance
RULING_RULE = "JC-2011-5"  # 15 days from acceptance to decide, +10 with approval
EXTENSION_DAYS = 10
EXTENSION_GROUND = "法释〔2011〕5号 第五条第一款"
# Stages from which a packet can be received for the case.
RECEIVABLE = (Stage.SIGNED, Stage.JUDICIAL_CONFIRMATION)

# Called with (session, centre, today) for the centre's deadline context.
ContextFor = Callable[[Session, Centre], DeadlineContext]


# -- courts and clerks -------------------------------------------------------------------


def ca_fingerprint(pem: str) -> str:
    """SHA-256 fingerprint of a PEM certificate as `openssl x509 -noout -fingerprint
    -sha256` prints it (AA:BB:...)."""
    try:
        cert = x509.load_pem_x509_certificate(pem.encode())
    except ValueError:
        raise UserError("court.bad_certificate") from None
    digest = hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def register_court(
    session: Session,
    centre: Centre,
    code: str,
    name: str,
    *,
    region: str | None = None,
    trust_anchor_pem: str | None = None,
    tsa_ca_pem: str | None = None,
) -> Court:
    """Add a court, or update the one with this code (name, region, trust anchors)."""
    code = code.strip()
    if not code or not name.strip():
        raise UserError("missing_field", field="code" if not code else "name")
    court = session.scalar(select(Court).where(Court.centre_id == centre.id, Court.code == code))
    if court is None:
        court = Court(centre_id=centre.id, code=code, name=name.strip(), active=True)
        session.add(court)
    court.name = name.strip()
    court.region = region
    if trust_anchor_pem is not None:
        court.ca_fingerprint = ca_fingerprint(trust_anchor_pem)
        court.trust_anchor_pem = trust_anchor_pem
    if tsa_ca_pem is not None:
        ca_fingerprint(tsa_ca_pem)  # refuse what is not a certificate
        court.tsa_ca_pem = tsa_ca_pem
    session.flush()
    return court


def get_court(session: Session, centre_id: int, code: str) -> Court:
    court = session.scalar(select(Court).where(Court.centre_id == centre_id, Court.code == code))
    if court is None:
        raise UserError("court.unknown_court", status=404, court=code)
    return court


def list_courts(session: Session, centre_id: int) -> list[Court]:
    return list(
        session.scalars(select(Court).where(Court.centre_id == centre_id).order_by(Court.code))
    )


def add_court_user(
    session: Session,
    court: Court,
    username: str,
    display_name: str,
    *,
    password: str | None = None,
    service_account: bool = False,
) -> tuple[User, str]:
    """A clerk (signs in with a password) or the court's service account (API token only).
    Returns the user and a new API token, shown once; only its hash is stored."""
    from mediation.web.setup import token_hash

    if session.scalar(select(User).where(User.username == username)) is not None:
        raise UserError("court.username_taken", status=409, username=username)
    token = secrets.token_urlsafe(32)
    user = User(
        centre_id=court.centre_id,
        username=username,
        display_name=display_name,
        role=Role.COURT,
        # A service account has no usable password: a random one nobody knows.
        password_hash=generate_password_hash(password or secrets.token_urlsafe(32)),
        api_token_hash=token_hash(token),
        active=True,
    )
    session.add(user)
    session.flush()
    session.add(CourtUser(user_id=user.id, court_id=court.id, service_account=service_account))
    session.flush()
    return user, token


def link_user(session: Session, court: Court, user: User, *, service_account=False) -> None:
    """Make an existing court-role user a clerk (or the service account) of `court`."""
    if user.role != Role.COURT:
        raise UserError("court.not_court_user", status=409, username=user.username)
    link = session.get(CourtUser, user.id)
    if link is None:
        session.add(CourtUser(user_id=user.id, court_id=court.id, service_account=service_account))
    else:
        link.court_id = court.id
        link.service_account = service_account
    session.flush()


def court_of(session: Session, user: User | None) -> Court | None:
    if user is None or user.role != Role.COURT:
        return None
    return session.scalar(
        select(Court)
        .join(CourtUser, CourtUser.court_id == Court.id)
        .where(CourtUser.user_id == user.id, Court.active)
    )


def require_clerk(session: Session, user: User) -> Court:
    court = court_of(session, user)
    if court is None:
        raise Forbidden()
    return court


def may_read_submission(session: Session, user: User, submission: CourtSubmission) -> bool:
    """The court's own clerks, and the centre's staff and auditors; nobody else."""
    if submission.case.centre_id != user.centre_id:
        return False
    if user.reads_all_cases:
        return True
    court = court_of(session, user)
    return court is not None and court.id == submission.court_id


def get_submission(session: Session, user: User, submission_id: int, *, for_update=False):
    submission = session.get(CourtSubmission, submission_id, with_for_update=for_update or None)
    if submission is None:
        raise NotFound()
    if not may_read_submission(session, user, submission):
        raise Forbidden()
    return submission


def require_decider(session: Session, user: User, submission: CourtSubmission) -> Court:
    """Only a clerk of the court that received the packet records its decisions."""
    court = require_clerk(session, user)
    if court.id != submission.court_id:
        raise Forbidden()
    return court


# -- packets -----------------------------------------------------------------------------


@dataclass
class PacketFacts:
    case_number: str | None
    agreement_sha256: str | None
    raw: dict


def _packet_json_name(names: list[str]) -> str | None:
    candidates = [n for n in names if PurePosixPath(n).parts[-2:] == ("data", "packet.json")]
    return min(candidates, key=lambda n: len(PurePosixPath(n).parts), default=None)


def read_packet_facts(zip_bytes: bytes) -> PacketFacts:
    """The case number and agreement hash from the packet's data/packet.json."""
    try:
        with zipfile.ZipFile(io.BytesIO(zip_bytes)) as zf:
            name = _packet_json_name(zf.namelist())
            if name is None:
                raise UserError("court.packet_unreadable", status=422, detail="data/packet.json")
            raw = json.loads(zf.read(name).decode("utf-8"))
    except (zipfile.BadZipFile, UnicodeDecodeError, json.JSONDecodeError, KeyError) as exc:
        raise UserError("court.packet_unreadable", status=422, detail=type(exc).__name__) from None
    if not isinstance(raw, dict):
        raise UserError("court.packet_unreadable", status=422, detail="packet.json")
    number = _first(raw, "case_number", "case", "number")
    agreement = _first(raw, "agreement_sha256", "agreement")
    if isinstance(agreement, dict):
        agreement = agreement.get("sha256")
    return PacketFacts(
        case_number=str(number) if number is not None else None,
        agreement_sha256=str(agreement).lower() if agreement else None,
        raw=raw,
    )


def _first(raw: dict, *keys: str):
    for key in keys:
        value = raw.get(key)
        if isinstance(value, dict) and key == "case":
            value = value.get("number")
        if value not in (None, ""):
            return value
    return None


def verify(zip_bytes: bytes, court: Court) -> dict:
    """verify_packet's report on the packet, against the court's registered trust anchor,
    as stored JSON: {"ok", "problems": [{code, message_zh, message_en, path}], "facts"}."""
    if not court.trust_anchor_pem:
        return {
            "ok": False,
            "problems": [_problem("court.no_trust_anchor", None)],
            "facts": {},
            "ca_fingerprint": None,
        }
    try:
        from mediation.packets.verify import verify_packet
    except ImportError:  # the packets domain is not installed in this build
        return {
            "ok": False,
            "problems": [_problem("court.verifier_missing", None)],
            "facts": {},
            "ca_fingerprint": court.ca_fingerprint,
        }
    report = verify_packet(
        zip_bytes,
        centre_ca_pem=court.trust_anchor_pem.encode(),
        tsa_ca_pem=court.tsa_ca_pem.encode() if court.tsa_ca_pem else None,
    )
    return {
        "ok": bool(report.ok),
        "problems": [_report_problem(p) for p in report.problems],
        "facts": _jsonable(dict(report.facts or {})),
        "ca_fingerprint": court.ca_fingerprint,
    }


def _problem(code: str, path: str | None) -> dict:
    from mediation.i18n import t

    return {
        "code": code,
        "message_zh": t(f"error.{code}", "zh"),
        "message_en": t(f"error.{code}", "en"),
        "path": path,
    }


def _report_problem(problem) -> dict:
    """A PacketProblem (code, file, zh/en messages) as stored JSON."""

    def get(name: str):
        if isinstance(problem, dict):
            return problem.get(name)
        return getattr(problem, name, None)

    zh, en = get("zh") or get("message_zh"), get("en") or get("message_en")
    message = get("message")
    if callable(message):
        zh, en = zh or message("zh"), en or message("en")
    elif isinstance(message, str):
        zh, en = zh or message, en or message
    return {
        "code": str(get("code")),
        "message_zh": zh,
        "message_en": en,
        "path": get("path") or get("file"),
    }


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, bytes):
        return value.hex()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _agreement_on_case(session: Session, case: Case, sha256: str | None) -> bool:
    """The packet's agreement is one this case recorded: its hash is on the case's ledger
    (as a file or in an entry), or a packet the centre built for the case carries it."""
    if not sha256 or len(sha256) != 64:
        return False
    needle = sha256.encode()
    for entry in ledger_entries(session, case.id):
        if entry.file_sha256 == sha256 or needle in bytes(entry.body):
            return True
    try:
        from mediation.packets.model import Packet
    except ImportError:
        return False
    return (
        session.scalar(
            select(Packet.id).where(Packet.case_id == case.id, Packet.agreement_sha256 == sha256)
        )
        is not None
    )


def _read_all(stream: BinaryIO, limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise UserError("court.packet_too_large", status=413, limit=limit)
    return data


def open_submission(session: Session, case: Case) -> CourtSubmission | None:
    return session.scalar(
        select(CourtSubmission).where(
            CourtSubmission.case_id == case.id, CourtSubmission.status.in_(OPEN_STATUSES)
        )
    )


def receive_packet(
    session: Session,
    court: Court,
    actor: User | None,
    stream: BinaryIO,
    store: BlobStore,
    ctx: DeadlineContext,
    *,
    channel: SubmissionChannel,
    received_on: date | None = None,
    applied_on: date | None = None,
    expected_case: Case | None = None,
    packet_id: int | None = None,
    max_bytes: int = 200 * 1024 * 1024,
) -> CourtSubmission:
    """The court receives a settlement packet: store the zip, match it to its case by
    packet.json's case number and agreement hash, verify it against the court's trust
    anchor, and record receipt (milestone court_received: the 3-day acceptance clock)."""
    data = _read_all(stream, max_bytes)
    facts = read_packet_facts(data)
    if expected_case is not None:
        case = expected_case
        if facts.case_number and facts.case_number != case.number:
            raise UserError("court.packet_other_case", status=422, number=facts.case_number)
    else:
        if not facts.case_number:
            raise UserError("court.packet_unreadable", status=422, detail="case_number")
        try:
            case = get_case(session, court.centre_id, facts.case_number, for_update=True)
        except NotFound:
            raise UserError("court.no_such_case", status=422, number=facts.case_number) from None
    if not _agreement_on_case(session, case, facts.agreement_sha256):
        raise UserError("court.agreement_mismatch", status=422, number=case.number)
    if case.stage not in RECEIVABLE:
        raise UserError("court.case_not_signed", status=409, stage=case.stage.value)
    if open_submission(session, case) is not None:
        raise UserError("court.already_open", status=409, number=case.number)

    blob = store.put(io.BytesIO(data))
    _record_blob(session, blob)
    report = verify(data, court)
    on_date = received_on or ctx.today
    if case.stage == Stage.SIGNED:
        # Receipt of the joint application moves the case into judicial confirmation (and
        # stops the 30-day application window, 民事诉讼法 Art 205).
        operations.transition(
            session, case, actor, Stage.JUDICIAL_CONFIRMATION, ctx, on_date=on_date
        )
    submission = CourtSubmission(
        court_id=court.id,
        case_id=case.id,
        status=SubmissionStatus.RECEIVED,
        channel=channel,
        packet_sha256=blob.sha256,
        packet_id=packet_id,
        agreement_sha256=facts.agreement_sha256,
        joint_application=True,
        applied_on=applied_on or on_date,
        received_on=on_date,
        received_at=utcnow(),
        received_by_id=actor.id if actor else None,
        verified_ok=report["ok"],
        verification=report,
    )
    session.add(submission)
    session.flush()
    operations.milestone(
        session,
        case,
        actor,
        EventKind.COURT_RECEIVED,
        ctx,
        on_date=on_date,
        data={
            "court": court.code,
            "submission": submission.id,
            "channel": channel.value,
            "packet_sha256": blob.sha256,
            "agreement_sha256": facts.agreement_sha256,
            "verified": report["ok"],
        },
    )
    return submission


def centre_packet(session: Session, case: Case, store: BlobStore) -> tuple[bytes, int] | None:
    """The latest settlement packet the centre built for the case, if any."""
    try:
        from mediation.packets.model import Packet
    except ImportError:
        return None
    packet = session.scalar(
        select(Packet)
        .where(Packet.case_id == case.id, Packet.kind == "settlement")
        .order_by(Packet.id.desc())
        .limit(1)
    )
    if packet is None:
        return None
    return store_bytes(store, packet.blob_key), packet.id


def build_centre_packet(
    session: Session, case: Case, actor: User, evidence_store: BlobStore
) -> tuple[bytes, int] | None:
    """Build a settlement packet from the case's executed agreement (mediation/packets,
    mediation/agreements); None when the case has no executed agreement or those domains
    are not installed. Needs the Flask app (the packet signing keys live in its instance)."""
    try:
        from mediation.agreements.service import executed_pdf
        from mediation.packets.service import export_packet
    except ImportError:
        return None
    executed = executed_pdf(session, case, evidence_store)
    if executed is None:
        return None
    row = export_packet(session, case, "settlement", actor, agreement_pdf=executed[0])
    return store_bytes(evidence_store, row.blob_key), row.id


def store_bytes(store: BlobStore, sha256: str) -> bytes:
    with store.open(sha256) as fh:
        return fh.read()


def submit_to_court(
    session: Session,
    case: Case,
    actor: User,
    court: Court,
    store: BlobStore,
    ctx: DeadlineContext,
    *,
    packet: BinaryIO | None = None,
    applied_on: date | None = None,
    on_date: date | None = None,
    evidence_store: BlobStore | None = None,
) -> CourtSubmission:
    """The centre sends the case's packet to the court on the parties' joint application:
    the given zip, else the latest packet built for the case, else a new one built from
    the executed agreement (`store` holds packet zips, `evidence_store` the agreement)."""
    if not actor.is_staff:
        raise Forbidden()
    if not court.active or court.centre_id != case.centre_id:
        raise UserError("court.unknown_court", status=404, court=court.code)
    packet_id = None
    if packet is None:
        built = centre_packet(session, case, store) or build_centre_packet(
            session, case, actor, evidence_store or store
        )
        if built is None:
            raise UserError("court.no_packet", status=409, number=case.number)
        packet, packet_id = io.BytesIO(built[0]), built[1]
    return receive_packet(
        session,
        court,
        actor,
        packet,
        store,
        ctx,
        channel=SubmissionChannel.CENTRE,
        received_on=on_date,
        applied_on=applied_on,
        expected_case=case,
        packet_id=packet_id,
    )


# -- the court's decisions ----------------------------------------------------------------


def _check_date(value: date, after: date | None, field: str) -> None:
    if after is not None and value < after:
        raise UserError("invalid_field", field=field, detail=f">= {after.isoformat()}")


def accept(
    session: Session,
    submission: CourtSubmission,
    actor: User,
    ctx: DeadlineContext,
    *,
    on_date: date | None = None,
    court_case_number: str | None = None,
) -> CourtSubmission:
    """受理 (Art 4): stops the 3-day clock and starts the 15-day one."""
    require_decider(session, actor, submission)
    if submission.status != SubmissionStatus.RECEIVED:
        raise UserError("court.wrong_status", status=409, status_now=submission.status.value)
    if not submission.verified_ok:
        raise UserError("court.not_verified", status=409)
    on_date = on_date or ctx.today
    _check_date(on_date, submission.received_on, "on_date")
    submission.status = SubmissionStatus.ACCEPTED
    submission.decided_on = on_date
    submission.court_case_number = (court_case_number or "").strip() or None
    submission.decided_by_id = actor.id
    operations.milestone(
        session,
        submission.case,
        actor,
        EventKind.COURT_ACCEPTED,
        ctx,
        on_date=on_date,
        data={
            "court": submission.court.code,
            "submission": submission.id,
            "court_case_number": submission.court_case_number,
        },
    )
    return submission


def refuse(
    session: Session,
    submission: CourtSubmission,
    actor: User,
    ctx: DeadlineContext,
    reason: str,
    *,
    on_date: date | None = None,
) -> CourtSubmission:
    """不予受理 with the court's reasons. The case stays in judicial confirmation: the
    centre may send the packet to the competent court, or move the case on."""
    require_decider(session, actor, submission)
    if submission.status != SubmissionStatus.RECEIVED:
        raise UserError("court.wrong_status", status=409, status_now=submission.status.value)
    reason = (reason or "").strip()
    if not reason:
        raise UserError("reason_required")
    on_date = on_date or ctx.today
    _check_date(on_date, submission.received_on, "on_date")
    submission.status = SubmissionStatus.REFUSED
    submission.decided_on = on_date
    submission.refusal_reason = reason
    submission.decided_by_id = actor.id
    operations.milestone(
        session,
        submission.case,
        actor,
        EventKind.COURT_REFUSED,
        ctx,
        on_date=on_date,
        reason=reason,
        data={"court": submission.court.code, "submission": submission.id},
    )
    _notify(session, submission, "notify.court.refused")
    return submission


def extend(
    session: Session,
    submission: CourtSubmission,
    actor: User,
    ctx: DeadlineContext,
    approver: str,
    *,
    legal_ground: str | None = None,
) -> CourtSubmission:
    """因特殊情况 the president approves 10 more days for the decision (Art 5)."""
    require_decider(session, actor, submission)
    if submission.status != SubmissionStatus.ACCEPTED:
        raise UserError("court.wrong_status", status=409, status_now=submission.status.value)
    operations.extend(
        session,
        submission.case,
        actor,
        RULING_RULE,
        EXTENSION_DAYS,
        approver,
        legal_ground or EXTENSION_GROUND,
        ctx,
    )
    return submission


def rule(
    session: Session,
    submission: CourtSubmission,
    actor: User,
    ctx: DeadlineContext,
    outcome: Outcome,
    *,
    ruled_on: date | None = None,
    reason: str | None = None,
    document: tuple[BinaryIO, str] | None = None,
    store: BlobStore | None = None,
) -> CourtSubmission:
    """The ruling (裁定). Confirmed: the agreement is enforceable and the case moves to
    performance (调解即执行). Not confirmed: back to mediation with the court's reason; the
    parties may change the agreement, make a new one or sue (民事诉讼法 Art 206)."""
    require_decider(session, actor, submission)
    if submission.status != SubmissionStatus.ACCEPTED:
        raise UserError("court.wrong_status", status=409, status_now=submission.status.value)
    reason = (reason or "").strip() or None
    if outcome == Outcome.NOT_CONFIRMED and not reason:
        raise UserError("reason_required")
    ruled_on = ruled_on or ctx.today
    _check_date(ruled_on, submission.decided_on, "ruled_on")
    case = submission.case
    if document is not None:
        if store is None:
            raise ValueError("a ruling document needs the blob store")
        stream, filename = document
        item = add_evidence(session, case, actor, stream, filename, store, channel="court")
        submission.ruling_evidence_id = item.id
    submission.status = (
        SubmissionStatus.CONFIRMED
        if outcome == Outcome.CONFIRMED
        else SubmissionStatus.NOT_CONFIRMED
    )
    submission.outcome = outcome
    submission.ruled_on = ruled_on
    submission.ruling_reason = reason
    submission.decided_by_id = actor.id
    operations.milestone(
        session,
        case,
        actor,
        EventKind.COURT_RULED,
        ctx,
        on_date=ruled_on,
        reason=reason,
        data={
            "court": submission.court.code,
            "submission": submission.id,
            "outcome": outcome.value,
            "court_case_number": submission.court_case_number,
        },
    )
    if case.stage == Stage.JUDICIAL_CONFIRMATION:
        target = Stage.PERFORMANCE if outcome == Outcome.CONFIRMED else Stage.MEDIATION
        operations.transition(session, case, actor, target, ctx, reason=reason, on_date=ruled_on)
    _notify(session, submission, f"notify.court.{outcome.value}")
    return submission


def _notify(session: Session, submission: CourtSubmission, key: str) -> None:
    """Tell the parties who have accounts, and the case's mediator, what the court decided
    (an SMS through the configured sender; a failing sender never undoes the decision)."""
    try:
        from mediation.notify import Notice, send
    except ImportError:  # the notify domain is not installed in this build
        return
    case = submission.case
    params = {"centre": case.centre.name, "number": case.number, "court": submission.court.name}
    recipients: dict[int, str | None] = {
        p.user_id: p.phone for p in case.parties if p.user_id is not None
    }
    if case.mediator_id is not None:
        recipients.setdefault(case.mediator_id, None)
    for user_id, phone in recipients.items():
        send(
            session,
            Notice(
                channel="sms", key=key, params=params, user_id=user_id, phone=phone, case_id=case.id
            ),
        )


# -- reading -----------------------------------------------------------------------------

COURT_RULES = (ACCEPT_RULE, RULING_RULE)


def court_clocks(
    session: Session, case_ids: list[int], *, running_only: bool = False
) -> dict[int, list[Clock]]:
    out: dict[int, list[Clock]] = {}
    if not case_ids:
        return out
    query = select(Clock).where(Clock.case_id.in_(case_ids), Clock.rule_id.in_(COURT_RULES))
    if running_only:
        query = query.where(Clock.status != ClockStatus.STOPPED)
    rows = session.scalars(query.order_by(Clock.id))
    for clock in rows:
        out.setdefault(clock.case_id, []).append(clock)
    return out


def court_inbox(
    session: Session, court: Court, *, decided_limit: int = 100
) -> list[CourtSubmission]:
    """The court's open submissions, by the due date of their running clock (the most
    urgent first), then the `decided_limit` most recently received decided ones."""
    loads = (
        selectinload(CourtSubmission.case).selectinload(Case.centre),
        selectinload(CourtSubmission.court),
    )
    open_rows = list(
        session.scalars(
            select(CourtSubmission)
            .where(
                CourtSubmission.court_id == court.id,
                CourtSubmission.status.in_(OPEN_STATUSES),
            )
            .options(*loads)
        )
    )
    decided = list(
        session.scalars(
            select(CourtSubmission)
            .options(*loads)
            .where(
                CourtSubmission.court_id == court.id,
                CourtSubmission.status.not_in(OPEN_STATUSES),
            )
            .order_by(CourtSubmission.received_at.desc(), CourtSubmission.id.desc())
            .limit(decided_limit)
        )
    )
    running = court_clocks(session, [s.case_id for s in open_rows], running_only=True)

    def key(s: CourtSubmission):
        due = running_due(running.get(s.case_id, []))
        return (due is None, due or date.max, s.id)

    return sorted(open_rows, key=key) + decided


def submission_clocks(session: Session, submission: CourtSubmission) -> list[Clock]:
    """The court clocks of this submission: receipt starts one JC-2011-4 clock and
    acceptance one JC-2011-5 clock, so the n-th submission of the case owns the n-th
    JC-2011-4 clock, and the n-th accepted one the n-th JC-2011-5 clock."""
    subs = sorted(
        session.scalars(
            select(CourtSubmission).where(CourtSubmission.case_id == submission.case_id)
        ),
        key=lambda s: s.id,
    )
    clocks = court_clocks(session, [submission.case_id]).get(submission.case_id, [])
    accept_clocks = [c for c in clocks if c.rule_id == ACCEPT_RULE]
    ruling_clocks = [c for c in clocks if c.rule_id == RULING_RULE]
    accepted = [s for s in subs if s.status in ACCEPTED_STATUSES]
    out = []
    position = next(i for i, s in enumerate(subs) if s.id == submission.id)
    if position < len(accept_clocks):
        out.append(accept_clocks[position])
    if submission.status in ACCEPTED_STATUSES:
        position = next(i for i, s in enumerate(accepted) if s.id == submission.id)
        if position < len(ruling_clocks):
            out.append(ruling_clocks[position])
    return out


ACCEPTED_STATUSES = (
    SubmissionStatus.ACCEPTED,
    SubmissionStatus.CONFIRMED,
    SubmissionStatus.NOT_CONFIRMED,
)


def running_due(case_clocks: list[Clock]) -> date | None:
    dues = [c.due_on for c in case_clocks if c.status != ClockStatus.STOPPED and c.due_on]
    return min(dues, default=None)


def case_submissions(session: Session, case: Case) -> list[CourtSubmission]:
    return list(
        session.scalars(
            select(CourtSubmission)
            .where(CourtSubmission.case_id == case.id)
            .order_by(CourtSubmission.id.desc())
        )
    )


def packet_bytes(store: BlobStore, submission: CourtSubmission) -> bytes:
    return store_bytes(store, submission.packet_sha256)


def cases_with_submission_to(court_id: int):
    """Case ids with a submission to this court (for access rules)."""
    return select(CourtSubmission.case_id).where(CourtSubmission.court_id == court_id)


__all__ = [
    "ACCEPT_RULE",
    "EXTENSION_DAYS",
    "RULING_RULE",
    "accept",
    "add_court_user",
    "ca_fingerprint",
    "case_submissions",
    "court_inbox",
    "court_of",
    "extend",
    "get_submission",
    "receive_packet",
    "refuse",
    "register_court",
    "rule",
    "submit_to_court",
    "verify",
]
