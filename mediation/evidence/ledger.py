"""Appending to a case's ledger, and proofs over it.

Every case operation calls `append_entry` inside its own transaction, so the change and
its ledger entry commit together or not at all. Appends to one case are serialised by
locking the case's head row (SELECT … FOR UPDATE on PostgreSQL; SQLite already holds
its single write lock from BEGIN IMMEDIATE), and the primary key (case_id, seq) makes a
fork impossible even if a caller bypassed the lock.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from hashlib import sha256
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.orm.util import identity_key

from mediation.db import utcnow
from mediation.evidence import merkle
from mediation.evidence.blobstore import check_address
from mediation.evidence.errors import EvidenceError
from mediation.evidence.jcs import MAX_SAFE_INTEGER, CanonicalizationError, canonical_simple
from mediation.evidence.model import LedgerCheckpoint, LedgerEntry, LedgerHead

ENTRY_VERSION = 1
GENESIS_PREV = bytes(32)  # `prev` of entry 0
ENTRY_TYPE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
MAX_TEXT = 256
# Payloads hold ids, hashes and non-personal facts (DESIGN.md, privacy): keys that
# name personal data are refused so a mistake fails loudly instead of being chained
# into an append-only log for ever.
PERSONAL_KEYS = frozenset(
    {
        "name",
        "full_name",
        "display_name",
        "username",
        "phone",
        "mobile",
        "email",
        "address",
        "id_number",
        "id_card",
        "passport",
        "bank_account",
        "account_number",
        "card_number",
        "filename",
        "agent_name",
        "agent_phone",
    }
)


def text_digest(text: str) -> str:
    """SHA-256 of a text (a reason, a filename) to put on the ledger instead of the text."""
    return sha256(text.encode()).hexdigest()


def format_time(moment: datetime) -> str:
    """RFC 3339 UTC with milliseconds: 2026-11-23T08:00:00.000Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _check_value(value: Any, path: str) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or not key.isascii():
                raise EvidenceError(
                    "ledger.bad_payload", detail=f"{path}: keys must be ASCII strings"
                )
            if key.lower() in PERSONAL_KEYS:
                raise EvidenceError("ledger.personal_data", field=f"{path}.{key}".lstrip("."))
            _check_value(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check_value(item, f"{path}[{i}]")
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise EvidenceError("ledger.bad_payload", detail=f"{path}: integer out of range")
    elif isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise EvidenceError(
                "ledger.bad_payload",
                detail=f"{path}: text longer than {MAX_TEXT}; record text_digest(text)",
            )
    else:
        # Floats are refused too: money is integer fen or a decimal string.
        raise EvidenceError(
            "ledger.bad_payload", detail=f"{path}: {type(value).__name__} is not allowed"
        )


def check_payload(payload: Mapping[str, Any]) -> None:
    if not isinstance(payload, Mapping):
        raise EvidenceError("ledger.bad_payload", detail="payload must be an object")
    _check_value(dict(payload), "")


def entry_body(
    *,
    case_id: int,
    seq: int,
    entry_type: str,
    actor_id: int | None,
    time: str,
    payload: Mapping[str, Any],
    file_sha256: str | None,
    prev: bytes,
) -> bytes:
    """The RFC 8785 bytes of one entry; these bytes are the Merkle leaf."""
    check_payload(payload)
    if type(case_id) is not int or not (actor_id is None or type(actor_id) is int):
        raise EvidenceError("ledger.bad_payload", detail="case and actor must be integer ids")
    try:
        return canonical_simple(
            {
                "v": ENTRY_VERSION,
                "case": case_id,
                "seq": seq,
                "type": entry_type,
                "actor": actor_id,
                "time": time,
                "payload": dict(payload),
                "file": file_sha256,
                "prev": prev.hex(),
            }
        )
    except CanonicalizationError as exc:
        raise EvidenceError("ledger.bad_payload", detail=str(exc)) from exc


def split_frontier(raw: bytes) -> list[bytes]:
    return [raw[i : i + 32] for i in range(0, len(raw), 32)]


def ensure_head(session: Session, case_id: int) -> LedgerHead:
    """Create the case's ledger head if missing (call it when a case is created).

    Safe when two transactions race to create it: the loser's insert does nothing.
    """
    head = session.get(LedgerHead, case_id)
    if head is not None:
        return head
    values = {
        "case_id": case_id,
        "size": 0,
        "last_hash": GENESIS_PREV,
        "root": merkle.EMPTY_ROOT,
        "frontier": b"",
        "updated_at": utcnow(),
    }
    dialect = session.get_bind().dialect.name
    try:
        if dialect == "postgresql":
            stmt = postgresql.insert(LedgerHead).values(values).on_conflict_do_nothing()
            session.execute(stmt)
        elif dialect == "sqlite":
            stmt = sqlite.insert(LedgerHead).values(values).on_conflict_do_nothing()
            session.execute(stmt)
        else:
            with session.begin_nested():
                session.execute(insert(LedgerHead).values(values))
    except IntegrityError as exc:
        if "foreign key" in str(exc.orig).lower():
            raise EvidenceError("ledger.no_case", case_id=case_id) from exc
        if dialect in ("postgresql", "sqlite"):
            raise
        # Another transaction created it first: fine.
    return session.get(LedgerHead, case_id, populate_existing=True)


_ENTRIES = LedgerEntry.__table__
_ENTRY_CLASS = LedgerEntry.__mapper__.class_manager
_HEADS = LedgerHead.__table__
# Built once: appends are the hot path of every case operation, and prebuilt Core
# statements run on the session's connection skip most per-call ORM work.
_LOCK_HEAD = (
    select(_HEADS.c.size, _HEADS.c.last_hash, _HEADS.c.frontier)
    .where(_HEADS.c.case_id == bindparam("case_id"))
    .with_for_update()
)
_INSERT_ENTRY = _ENTRIES.insert().values(
    {c: bindparam(f"e_{c.name}") for c in _ENTRIES.c},
)
_UPDATE_HEAD = (
    _HEADS.update()
    .where(_HEADS.c.case_id == bindparam("head_case_id"))
    .values(
        size=bindparam("new_size"),
        last_hash=bindparam("new_last_hash"),
        frontier=bindparam("new_frontier"),
        root=bindparam("new_root"),
        updated_at=bindparam("new_updated_at"),
    )
)

_INSERT_AND_MOVE_HEAD = _INSERT_ENTRY.add_cte(_UPDATE_HEAD.cte("moved_head"))


class _DriverStatements:
    """The three append statements compiled once per dialect and run on the driver's
    cursor inside the session's transaction: SQLAlchemy's per-call work would be most
    of an append's cost otherwise."""

    def __init__(self, dialect) -> None:
        self.sqlite = dialect.name == "sqlite"
        self.lock = self._compile(_LOCK_HEAD, dialect)
        if self.sqlite:
            self.writes = [
                self._compile(_INSERT_ENTRY, dialect),
                self._compile(_UPDATE_HEAD, dialect),
            ]
        else:
            # One round trip: PostgreSQL runs a data-modifying WITH even when unreferenced.
            self.writes = [self._compile(_INSERT_AND_MOVE_HEAD, dialect)]

    @staticmethod
    def _compile(stmt, dialect) -> tuple[str, list[str] | None]:
        compiled = stmt.compile(dialect=dialect)
        return str(compiled), list(compiled.positiontup) if compiled.positional else None

    @staticmethod
    def run(cursor, statement: tuple[str, list[str] | None], params: dict[str, Any]) -> None:
        sql, order = statement
        cursor.execute(sql, [params[name] for name in order] if order else params)


_DRIVER_STATEMENTS: dict[str, _DriverStatements] = {}


def _driver_statements(dialect) -> _DriverStatements | None:
    if dialect.name not in ("sqlite", "postgresql"):
        return None
    key = f"{dialect.name}+{dialect.driver}"
    if key not in _DRIVER_STATEMENTS:
        _DRIVER_STATEMENTS[key] = _DriverStatements(dialect)
    return _DRIVER_STATEMENTS[key]


def append_entry(
    session: Session,
    case_id: int,
    entry_type: str,
    actor_id: int | None,
    payload: dict,
    file_sha256: str | None = None,
) -> LedgerEntry:
    """Append one entry to a case's ledger inside the caller's transaction.

    Does not commit. `entry_type` is dotted lowercase (`case.transition`,
    `evidence.added`); `payload` holds ids, hashes and non-personal facts only.
    """
    if not ENTRY_TYPE.match(entry_type or ""):
        raise EvidenceError("ledger.bad_type", entry_type=entry_type)
    if file_sha256 is not None:
        check_address(file_sha256)
    session.flush()  # pending changes of the operation go first, in statement order
    conn = session.connection()
    driver = _driver_statements(conn.dialect)
    cursor = conn.connection.driver_connection.cursor() if driver else None

    def locked_head() -> tuple | None:
        if driver is None:
            return conn.execute(_LOCK_HEAD, {"case_id": case_id}).one_or_none()
        driver.run(cursor, driver.lock, {"case_id": case_id})
        return cursor.fetchone()

    head = locked_head()
    if head is None:
        ensure_head(session, case_id)
        head = locked_head()
        if head is None:
            raise EvidenceError("ledger.no_case", case_id=case_id)
    size, prev, raw_frontier = head
    prev = bytes(prev)
    now = utcnow()
    body = entry_body(
        case_id=case_id,
        seq=size,
        entry_type=entry_type,
        actor_id=actor_id,
        time=format_time(now),
        payload=payload,
        file_sha256=file_sha256,
        prev=prev,
    )
    leaf = merkle.leaf_hash(body)
    frontier = split_frontier(raw_frontier)
    subtree = merkle.frontier_append(frontier, size, leaf)
    # SQLite stores DATETIME as text; give it SQLAlchemy's own format.
    stamp = now.isoformat(" ", "microseconds") if driver and driver.sqlite else now
    params = {
        "e_case_id": case_id,
        "e_seq": size,
        "e_type": entry_type,
        "e_actor_id": actor_id,
        "e_body": body,
        "e_leaf_hash": leaf,
        "e_prev": prev,
        "e_subtree": subtree,
        "e_file_sha256": file_sha256,
        "e_created_at": stamp,
        "head_case_id": case_id,
        "new_size": size + 1,
        "new_last_hash": leaf,
        "new_frontier": b"".join(frontier),
        "new_root": merkle.frontier_root(frontier),
        "new_updated_at": stamp,
    }
    if driver is None:
        conn.execute(_INSERT_ENTRY, params)
        conn.execute(_UPDATE_HEAD, params)
    else:
        for statement in driver.writes:
            driver.run(cursor, statement, params)
        cursor.close()
    cached = session.identity_map.get(identity_key(LedgerHead, case_id))
    if cached is not None:
        session.expire(cached)
    # The entry is written already: hand it back detached, built the way the ORM loads
    # rows (session.add() would attach it, never insert it again).
    entry = _ENTRY_CLASS.new_instance()
    instance_state(entry).dict.update(
        case_id=case_id,
        seq=size,
        entry_type=entry_type,
        actor_id=actor_id,
        body=body,
        leaf_hash=leaf,
        prev=prev,
        subtree=subtree,
        file_sha256=file_sha256,
        created_at=now,
    )
    make_transient_to_detached(entry)
    return entry


def head_of(session: Session, case_id: int) -> LedgerHead:
    head = session.get(LedgerHead, case_id)
    if head is None:
        raise EvidenceError("ledger.no_case", case_id=case_id)
    return head


def entries(session: Session, case_id: int) -> list[LedgerEntry]:
    stmt = select(LedgerEntry).where(LedgerEntry.case_id == case_id).order_by(LedgerEntry.seq)
    return list(session.scalars(stmt))


def find_by_hash(session: Session, hex_hash: str) -> list[LedgerEntry]:
    """Entries whose leaf hash, or whose file's SHA-256, is this hash."""
    value = check_address(hex_hash.lower())
    stmt = select(LedgerEntry).where(
        (LedgerEntry.leaf_hash == bytes.fromhex(value)) | (LedgerEntry.file_sha256 == value)
    )
    return list(session.scalars(stmt.order_by(LedgerEntry.case_id, LedgerEntry.seq)))


# --- Proofs from stored subtree hashes


def _perfect_needs(start: int, size: int, need: set[int]) -> None:
    """Rows whose `subtree`/`leaf_hash` give the root of the perfect subtree [start, +size)."""
    while True:
        last = start + size - 1
        if (last + 1) & -(last + 1) == size or size == 1:
            need.add(last)
            return
        half = size // 2
        need.add(start + half - 1)  # the left half is stored exactly at its last leaf
        start, size = start + half, half


def _perfect_root(start: int, size: int, rows: Mapping[int, tuple[bytes, bytes]]) -> bytes:
    last = start + size - 1
    leaf, subtree = rows[last]
    if (last + 1) & -(last + 1) == size:
        return subtree
    if size == 1:
        return leaf
    half = size // 2
    left = rows[start + half - 1][1]
    return merkle.node_hash(left, _perfect_root(start + half, half, rows))


def _ranges_hashes(
    session: Session, case_id: int, ranges: Iterable[tuple[int, int]]
) -> list[bytes]:
    ranges = list(ranges)
    need: set[int] = set()
    for a, b in ranges:
        for pa, pb in merkle.perfect_ranges(a, b):
            _perfect_needs(pa, pb - pa, need)
    rows: dict[int, tuple[bytes, bytes]] = {}
    if need:
        found = session.connection().execute(
            _PROOF_ROWS, {"case_id": case_id, "seqs": sorted(need)}
        )
        rows = {seq: (bytes(leaf), bytes(subtree)) for seq, leaf, subtree in found}
        if len(rows) != len(need):
            missing = min(need - rows.keys())
            raise EvidenceError("ledger.no_entry", case_id=case_id, seq=missing)

    def perfect(a: int, b: int) -> bytes:
        return _perfect_root(a, b - a, rows)

    return [merkle.range_root(a, b, perfect) for a, b in ranges]


_PROOF_ROWS = select(_ENTRIES.c.seq, _ENTRIES.c.leaf_hash, _ENTRIES.c.subtree).where(
    _ENTRIES.c.case_id == bindparam("case_id"),
    _ENTRIES.c.seq.in_(bindparam("seqs", expanding=True)),
)
_HEAD_SIZE = select(_HEADS.c.size, _HEADS.c.root).where(_HEADS.c.case_id == bindparam("case_id"))
_CHECKPOINT_NOTE = (
    select(LedgerCheckpoint.__table__.c.note)
    .where(
        LedgerCheckpoint.__table__.c.case_id == bindparam("case_id"),
        LedgerCheckpoint.__table__.c.tree_size == bindparam("size"),
    )
    .order_by(LedgerCheckpoint.__table__.c.id.desc())
    .limit(1)
)


@dataclass(frozen=True)
class _Head:
    size: int
    root: bytes


def _head(session: Session, case_id: int) -> _Head:
    row = session.connection().execute(_HEAD_SIZE, {"case_id": case_id}).one_or_none()
    if row is None:
        raise EvidenceError("ledger.no_case", case_id=case_id)
    return _Head(row[0], bytes(row[1]))


def _check_size(head: _Head, size: int | None) -> int:
    if size is None:
        return head.size
    if not 0 <= size <= head.size:
        raise EvidenceError("ledger.bad_size", size=size, tree_size=head.size)
    return size


def tree_root(session: Session, case_id: int, tree_size: int | None = None) -> bytes:
    """MTH of the first tree_size entries (default: all)."""
    head = _head(session, case_id)
    size = _check_size(head, tree_size)
    if size == head.size:
        return head.root
    if size == 0:
        return merkle.EMPTY_ROOT
    return _ranges_hashes(session, case_id, [(0, size)])[0]


@dataclass(frozen=True)
class InclusionProof:
    case_id: int
    seq: int  # the leaf index
    tree_size: int
    leaf_hash: bytes
    path: list[bytes]
    root: bytes
    checkpoint: str | None = None  # a signed note for this tree size, if there is one

    def verify(self) -> None:
        merkle.verify_inclusion(self.seq, self.tree_size, self.leaf_hash, self.path, self.root)

    def as_dict(self) -> dict[str, Any]:
        return {
            "case": self.case_id,
            "leaf_index": self.seq,
            "tree_size": self.tree_size,
            "leaf_hash": self.leaf_hash.hex(),
            "inclusion_path": [h.hex() for h in self.path],
            "root": self.root.hex(),
            "checkpoint": self.checkpoint,
        }


@dataclass(frozen=True)
class ConsistencyProof:
    case_id: int
    size1: int
    size2: int
    root1: bytes
    root2: bytes
    path: list[bytes]

    def verify(self) -> None:
        merkle.verify_consistency(self.size1, self.size2, self.path, self.root1, self.root2)

    def as_dict(self) -> dict[str, Any]:
        return {
            "case": self.case_id,
            "size1": self.size1,
            "size2": self.size2,
            "root1": self.root1.hex(),
            "root2": self.root2.hex(),
            "consistency_path": [h.hex() for h in self.path],
        }


def _checkpoint_note(session: Session, case_id: int, size: int) -> str | None:
    found = session.connection().execute(_CHECKPOINT_NOTE, {"case_id": case_id, "size": size})
    return found.scalar_one_or_none()


def inclusion_proof(
    session: Session, case_id: int, seq: int, tree_size: int | None = None
) -> InclusionProof:
    """Proof that entry `seq` is in the case's tree of `tree_size` (default: current).

    Pass the size of a signed checkpoint to get a proof against that checkpoint.
    """
    head = _head(session, case_id)
    size = _check_size(head, tree_size)
    if not 0 <= seq < size:
        raise EvidenceError("ledger.no_entry", case_id=case_id, seq=seq)
    ranges = merkle.inclusion_ranges(seq, size)
    hashes = _ranges_hashes(session, case_id, [*ranges, (0, size), (seq, seq + 1)])
    path, root_hash, leaf = hashes[:-2], hashes[-2], hashes[-1]
    return InclusionProof(
        case_id, seq, size, leaf, path, root_hash, _checkpoint_note(session, case_id, size)
    )


def consistency_proof(
    session: Session, case_id: int, size1: int, size2: int | None = None
) -> ConsistencyProof:
    """Proof that the case's tree at size2 (default: current) extends the one at size1."""
    head = _head(session, case_id)
    size2 = _check_size(head, size2)
    size1 = _check_size(head, size1)
    if not 0 < size1 <= size2:
        raise EvidenceError("ledger.bad_size", size=size1, tree_size=size2)
    ranges = merkle.consistency_ranges(size1, size2)
    hashes = _ranges_hashes(session, case_id, [*ranges, (0, size1), (0, size2)])
    return ConsistencyProof(case_id, size1, size2, hashes[-2], hashes[-1], hashes[:-2])
