"""Evidence operations: each changes state and appends to the case's ledger in the
caller's transaction (the caller commits), so the list of evidence and its history
cannot diverge. Permission to see a case is the caller's check; the rules here are
the evidence domain's own (who may withdraw)."""

from __future__ import annotations

import re
import unicodedata
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload

from mediation.cases.model import Case
from mediation.db import utcnow
from mediation.evidence.blobstore import BlobStore, StoredBlob, check_address
from mediation.evidence.errors import EvidenceError
from mediation.evidence.ledger import InclusionProof, append_entry, inclusion_proof, text_digest
from mediation.evidence.model import Blob, EvidenceItem, LedgerCheckpoint, LedgerEntry
from mediation.people.model import User

_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f]")


def clean_filename(filename: str | None) -> str:
    """The last path component, without control characters, at most 255 characters."""
    name = unicodedata.normalize("NFC", filename or "")
    name = re.split(r"[\\/]", name)[-1]
    name = _UNSAFE_NAME.sub("", name).strip().strip(".") or "file"
    return name[:255]


def _case_id(case: Case | int) -> int:
    return case if isinstance(case, int) else case.id


def _record_blob(session: Session, blob: StoredBlob) -> None:
    values = {
        "sha256": blob.sha256,
        "size": blob.size,
        "media_type": blob.media_type,
        "stored_at": utcnow(),
    }
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(postgresql.insert(Blob).values(values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        session.execute(sqlite.insert(Blob).values(values).on_conflict_do_nothing())
    elif session.get(Blob, blob.sha256) is None:
        session.add(Blob(**values))
        session.flush()


def add_evidence(
    session: Session,
    case: Case | int,
    actor: User | None,
    stream: BinaryIO,
    filename: str,
    store: BlobStore,
    *,
    client_sha256: str | None = None,
    channel: str = "web",
) -> EvidenceItem:
    """Store a file and record it on the case's ledger (entry `evidence.added`).

    The file is streamed into the store first (content-addressed, so a rolled-back
    transaction leaves at most an unreferenced blob, never a wrong one). The entry
    carries what 人民法院在线诉讼规则 Art 18 asks about pre-chain authenticity: the
    server-computed SHA-256, size, type, uploader, channel, the client's hash if it
    sent one, and the filename's hash (the name itself may be personal data).
    """
    case_id = _case_id(case)
    if client_sha256 is not None:
        client_sha256 = check_address(client_sha256.strip().lower())
    blob = store.put(stream, expected_sha256=client_sha256)
    _record_blob(session, blob)
    name = clean_filename(filename)
    item = EvidenceItem(
        case_id=case_id,
        blob_sha256=blob.sha256,
        filename=name,
        added_by_id=actor.id if actor is not None else None,
    )
    session.add(item)
    session.flush()
    payload: dict[str, object] = {
        "item": item.id,
        "sha256": blob.sha256,
        "size": blob.size,
        "media_type": blob.media_type,
        "filename_sha256": text_digest(name),
        "channel": channel,
    }
    if client_sha256 is not None:
        payload["client_sha256"] = client_sha256
    entry = append_entry(
        session, case_id, "evidence.added", item.added_by_id, payload, file_sha256=blob.sha256
    )
    item.added_seq = entry.seq
    item.added_at = entry.created_at
    session.flush()
    return item


def withdraw_evidence(
    session: Session, item: EvidenceItem | int, actor: User | None, reason: str
) -> EvidenceItem:
    """Withdraw an item: a new `evidence.withdrawn` entry; the file and the earlier
    entry stay. Only whoever added it, or centre staff, may withdraw."""
    item_id = item if isinstance(item, int) else item.id
    locked = session.get(EvidenceItem, item_id, with_for_update=True, populate_existing=True)
    if locked is None:
        raise EvidenceError("evidence.not_found")
    if locked.withdrawn_at is not None:
        raise EvidenceError("evidence.already_withdrawn", when=f"{locked.withdrawn_at:%Y-%m-%d}")
    if not (reason or "").strip():
        raise EvidenceError("evidence.reason_required")
    if actor is not None and actor.id != locked.added_by_id and not actor.is_staff:
        raise EvidenceError("evidence.withdraw_forbidden")
    actor_id = actor.id if actor is not None else None
    entry = append_entry(
        session,
        locked.case_id,
        "evidence.withdrawn",
        actor_id,
        {"item": locked.id, "sha256": locked.blob_sha256, "reason_sha256": text_digest(reason)},
    )
    locked.withdrawn_at = entry.created_at
    locked.withdrawn_by_id = actor_id
    locked.withdrawn_reason = reason.strip()
    locked.withdrawn_seq = entry.seq
    session.flush()
    return locked


def list_evidence(
    session: Session, case: Case | int, *, include_withdrawn: bool = True
) -> list[EvidenceItem]:
    """A case's evidence, oldest first, with who added (and withdrew) it loaded."""
    stmt = (
        select(EvidenceItem)
        .where(EvidenceItem.case_id == _case_id(case))
        .options(
            selectinload(EvidenceItem.blob),
            selectinload(EvidenceItem.added_by),
            selectinload(EvidenceItem.withdrawn_by),
        )
        .order_by(EvidenceItem.added_at, EvidenceItem.id)
    )
    if not include_withdrawn:
        stmt = stmt.where(EvidenceItem.withdrawn_at.is_(None))
    return list(session.scalars(stmt))


def get_evidence(session: Session, case: Case | int, item_id: int) -> EvidenceItem:
    item = session.get(EvidenceItem, item_id)
    if item is None or item.case_id != _case_id(case):
        raise EvidenceError("evidence.not_found")
    return item


def proof_for(
    session: Session, target: EvidenceItem | LedgerEntry, *, tree_size: int | None = None
) -> InclusionProof:
    """Inclusion proof of an item's `evidence.added` entry (or of any entry).

    By default against the latest signed checkpoint that contains the entry, so the
    proof ends at a signed root; against the current tree if none does yet.
    """
    if isinstance(target, EvidenceItem):
        case_id, seq = target.case_id, target.added_seq
        if seq is None:
            raise EvidenceError("evidence.not_found")
    else:
        case_id, seq = target.case_id, target.seq
    if tree_size is None:
        tree_size = session.execute(
            select(LedgerCheckpoint.tree_size)
            .where(LedgerCheckpoint.case_id == case_id, LedgerCheckpoint.tree_size > seq)
            .order_by(LedgerCheckpoint.tree_size.desc())
            .limit(1)
        ).scalar_one_or_none()
    return inclusion_proof(session, case_id, seq, tree_size)
