"""Tables of the evidence ledger: entries, per-case heads, blobs, evidence items,
signed checkpoints and the public keys that signed them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.cases.model import Case  # noqa: F401 - registers the cases table for the FKs
from mediation.db import Base, utcnow
from mediation.evidence.notes import verifier_key_text
from mediation.people.model import User


class LedgerEntry(Base):
    """One entry of a case's append-only ledger and leaf `seq` of its Merkle tree.

    `body` holds the RFC 8785 bytes exactly as hashed; the other columns are copies
    for querying and are checked against the body by verification.
    """

    __tablename__ = "ledger_entries"

    # The primary key (case_id, seq) makes a fork impossible: two entries can never
    # claim the same place in one case's chain.
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    entry_type: Mapped[str] = mapped_column("type", String(64))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32), index=True)
    prev: Mapped[bytes] = mapped_column(LargeBinary(32))  # leaf hash of seq - 1; zeros at 0
    # Root of the largest perfect subtree ending at this leaf (size: lowest set bit of
    # seq + 1). With it any proof reads O(log² n) rows instead of every leaf.
    subtree: Mapped[bytes] = mapped_column(LargeBinary(32))
    file_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class LedgerHead(Base):
    """The current end of a case's ledger; appends lock this row to serialise."""

    __tablename__ = "ledger_heads"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    size: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    root: Mapped[bytes] = mapped_column(LargeBinary(32))
    # Concatenated roots of the perfect subtrees making up the tree (compact range).
    frontier: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Blob(Base):
    """A stored file, known by the SHA-256 of its content."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(100))  # sniffed from the bytes
    stored_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class EvidenceItem(Base):
    """A file submitted to a case. Withdrawal marks it; nothing is ever deleted."""

    __tablename__ = "evidence_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    added_seq: Mapped[int | None] = mapped_column(Integer)  # its evidence.added entry
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    withdrawn_seq: Mapped[int | None] = mapped_column(Integer)  # its evidence.withdrawn entry

    blob: Mapped[Blob] = relationship()
    added_by: Mapped[User | None] = relationship(foreign_keys=[added_by_id])
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class SigningKey(Base):
    """A public key that signed checkpoints. Retired keys stay to verify old ones."""

    __tablename__ = "ledger_signing_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    key_id: Mapped[str] = mapped_column(String(8), unique=True)  # hex, C2SP signed-note
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))  # raw Ed25519
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime)

    @property
    def verifier_key(self) -> str:
        """The Go/C2SP verifier key text: <name>+<key id>+<base64(0x01 || key)>."""
        return verifier_key_text(self.name, self.public_key)


class LedgerCheckpoint(Base):
    """A signed tree head (C2SP tlog-checkpoint note) of one case, or of the whole store.

    Store checkpoints (case_id NULL) sign a tree whose leaves are the case heads listed
    in `leaves`, one RFC 8785 line per case: {"case": id, "root": hex, "size": n}.
    """

    __tablename__ = "ledger_checkpoints"
    __table_args__ = (Index("ix_ledger_checkpoints_case_size", "case_id", "tree_size"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    origin: Mapped[str] = mapped_column(String(200))
    tree_size: Mapped[int] = mapped_column(Integer)
    root: Mapped[bytes] = mapped_column(LargeBinary(32))
    note: Mapped[str] = mapped_column(Text)  # the signed note, byte for byte
    key_id: Mapped[str] = mapped_column(ForeignKey("ledger_signing_keys.key_id"))
    leaves: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # RFC 3161 TimeStampResp over the note text, kept raw for `openssl ts -verify`.
    tsr: Mapped[bytes | None] = mapped_column(LargeBinary)
    timestamped_at: Mapped[datetime | None] = mapped_column(DateTime)  # genTime of the token
