"""Signed checkpoints: the centre's Ed25519 signature over a tree head.

The signing key lives in the instance folder (`ledger-keys/`), created on first use with
mode 0600; rotation makes a new current key, deletes the old private key and keeps its
public half (`<key id>.vkey`, and a row in ledger_signing_keys) so old checkpoints stay
verifiable. A case's checkpoint has origin `<key name>/case/<case id>`; a store
checkpoint (`<key name>/store`) signs a tree over every case head at that moment.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from mediation.db import utcnow
from mediation.evidence import merkle, notes
from mediation.evidence.errors import EvidenceError
from mediation.evidence.jcs import canonical
from mediation.evidence.model import LedgerCheckpoint, LedgerHead, SigningKey
from mediation.evidence.timestamps import TimestampAuthority, timestamp_time

KEY_DIR = "ledger-keys"
DEFAULT_KEY_NAME = "mediation-ledger"

TrustedKeys = Mapping[tuple[str, bytes], Ed25519PublicKey]


def case_origin(key_name: str, case_id: int) -> str:
    return f"{key_name}/case/{case_id}"


def store_origin(key_name: str) -> str:
    return f"{key_name}/store"


class LedgerSigner:
    """An Ed25519 signing key with its signed-note name."""

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        self.name = name
        self.private_key = private_key
        self.public_key = private_key.public_key().public_bytes_raw()
        self.key_id = notes.key_id(name, self.public_key).hex()

    @property
    def verifier_key(self) -> str:
        return notes.verifier_key_text(self.name, self.public_key)

    def trusted(self) -> dict[tuple[str, bytes], Ed25519PublicKey]:
        key = Ed25519PublicKey.from_public_bytes(self.public_key)
        return {(self.name, bytes.fromhex(self.key_id)): key}

    def sign(self, text: str) -> str:
        return notes.sign_note(text, self.name, self.private_key)


def _write_new(path: Path, text: str, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.fchmod(fd, mode)
        os.write(fd, text.encode())
        os.fsync(fd)
    finally:
        os.close(fd)


class KeyRing:
    """The ledger keys in an instance folder."""

    def __init__(self, instance_path: str | os.PathLike[str]) -> None:
        self.dir = Path(instance_path) / KEY_DIR

    def _current_file(self) -> Path:
        return self.dir / "current"

    def _load(self, key_id: str) -> LedgerSigner:
        path = self.dir / f"{key_id}.key"
        try:
            name, private = notes.parse_signer_key(path.read_text())
        except FileNotFoundError:
            raise EvidenceError("checkpoint.no_key", key_id=key_id) from None
        return LedgerSigner(name, private)

    def _generate(self, name: str) -> LedgerSigner:
        self.dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        signer = LedgerSigner(name, Ed25519PrivateKey.generate())
        _write_new(
            self.dir / f"{signer.key_id}.key",
            notes.signer_key_text(name, signer.private_key),
            0o600,
        )
        _write_new(self.dir / f"{signer.key_id}.vkey", signer.verifier_key + "\n", 0o644)
        return signer

    def current(self, name: str = DEFAULT_KEY_NAME, *, create: bool = True) -> LedgerSigner:
        """The signing key; generated on first use (install) when `create`."""
        try:
            return self._load(self._current_file().read_text().strip())
        except FileNotFoundError:
            if not create:
                raise EvidenceError("checkpoint.no_key", key_id="current") from None
        signer = self._generate(name)
        pointer = self.dir / f"current.{signer.key_id}.tmp"
        pointer.write_text(signer.key_id + "\n")
        try:
            os.link(pointer, self._current_file())  # fails if another process won the race
        except FileExistsError:
            for suffix in (".key", ".vkey"):
                (self.dir / f"{signer.key_id}{suffix}").unlink(missing_ok=True)
            return self._load(self._current_file().read_text().strip())
        finally:
            pointer.unlink(missing_ok=True)
        return signer

    def rotate(self, name: str | None = None) -> LedgerSigner:
        """Make a new current key; the old private key is deleted, its .vkey kept."""
        old = self.current(create=True)
        signer = self._generate(name or old.name)
        pointer = self.dir / f"current.{signer.key_id}.tmp"
        pointer.write_text(signer.key_id + "\n")
        os.replace(pointer, self._current_file())
        (self.dir / f"{old.key_id}.key").unlink(missing_ok=True)
        return signer

    def trusted(self) -> dict[tuple[str, bytes], Ed25519PublicKey]:
        """Every public key this instance ever signed with (current and retired)."""
        keys: dict[tuple[str, bytes], Ed25519PublicKey] = {}
        if self.dir.is_dir():
            for path in sorted(self.dir.glob("*.vkey")):
                name, key_id, public = notes.parse_verifier_key(path.read_text())
                keys[(name, key_id)] = public
        return keys


def register_key(session: Session, signer: LedgerSigner) -> SigningKey:
    """Record the signer's public key (idempotent) and retire every other key."""
    row = session.execute(
        select(SigningKey).where(SigningKey.key_id == signer.key_id)
    ).scalar_one_or_none()
    if row is None:
        row = SigningKey(name=signer.name, key_id=signer.key_id, public_key=signer.public_key)
        session.add(row)
    for other in session.scalars(
        select(SigningKey).where(
            SigningKey.key_id != signer.key_id, SigningKey.retired_at.is_(None)
        )
    ):
        other.retired_at = utcnow()
    session.flush()
    return row


def database_keys(session: Session) -> dict[tuple[str, bytes], Ed25519PublicKey]:
    """Public keys as recorded in the database (not an independent trust anchor)."""
    return {
        (row.name, bytes.fromhex(row.key_id)): Ed25519PublicKey.from_public_bytes(row.public_key)
        for row in session.scalars(select(SigningKey))
    }


def _new_checkpoint(
    session: Session,
    signer: LedgerSigner,
    *,
    case_id: int | None,
    origin: str,
    tree_size: int,
    root: bytes,
    leaves: bytes | None = None,
    tsa: TimestampAuthority | None = None,
) -> LedgerCheckpoint:
    text = notes.checkpoint_text(origin, tree_size, root)
    note = signer.sign(text)
    tsr = tsa.stamp(text.encode()) if tsa is not None else None
    register_key(session, signer)
    checkpoint = LedgerCheckpoint(
        case_id=case_id,
        origin=origin,
        tree_size=tree_size,
        root=root,
        note=note,
        key_id=signer.key_id,
        leaves=leaves,
        tsr=tsr,
        timestamped_at=timestamp_time(tsr) if tsr else None,
    )
    session.add(checkpoint)
    session.flush()
    return checkpoint


def latest_checkpoint(session: Session, case_id: int | None) -> LedgerCheckpoint | None:
    stmt = select(LedgerCheckpoint).order_by(
        LedgerCheckpoint.tree_size.desc(), LedgerCheckpoint.id.desc()
    )
    if case_id is None:
        stmt = stmt.where(LedgerCheckpoint.case_id.is_(None))
    else:
        stmt = stmt.where(LedgerCheckpoint.case_id == case_id)
    return session.scalars(stmt.limit(1)).first()


def checkpoint_case(
    session: Session,
    case_id: int,
    signer: LedgerSigner,
    tsa: TimestampAuthority | None = None,
) -> LedgerCheckpoint | None:
    """Sign the case's current tree head, unless the latest checkpoint already covers it.

    With a TSA the HTTP round trip happens inside the transaction; on SQLite (one
    writer) prefer `sign_pending`, which talks to the TSA between two short ones.
    """
    head = session.get(LedgerHead, case_id, populate_existing=True)
    if head is None or head.size == 0:
        return None
    last = latest_checkpoint(session, case_id)
    if last is not None and last.tree_size == head.size:
        return last
    return _new_checkpoint(
        session,
        signer,
        case_id=case_id,
        origin=case_origin(signer.name, case_id),
        tree_size=head.size,
        root=head.root,
        tsa=tsa,
    )


def store_leaves(heads: Iterable[tuple[int, int, bytes]]) -> list[bytes]:
    """One RFC 8785 line per case head (case id, size, root), the leaves of a store tree."""
    return [canonical({"case": c, "root": r.hex(), "size": n}) for c, n, r in heads]


def checkpoint_store(
    session: Session, signer: LedgerSigner, tsa: TimestampAuthority | None = None
) -> LedgerCheckpoint:
    """Sign a tree over every non-empty case head: one note that commits the whole store."""
    heads = session.execute(
        select(LedgerHead.case_id, LedgerHead.size, LedgerHead.root)
        .where(LedgerHead.size > 0)
        .order_by(LedgerHead.case_id)
    ).all()
    leaves = store_leaves(heads)
    root = merkle.root([merkle.leaf_hash(line) for line in leaves])
    return _new_checkpoint(
        session,
        signer,
        case_id=None,
        origin=store_origin(signer.name),
        tree_size=len(leaves),
        root=root,
        leaves=b"".join(line + b"\n" for line in leaves),
        tsa=tsa,
    )


@dataclass(frozen=True)
class _Pending:
    case_id: int
    size: int
    root: bytes


def sign_pending(
    factory: sessionmaker[Session],
    signer: LedgerSigner,
    tsa: TimestampAuthority | None = None,
    *,
    limit: int = 1000,
) -> list[LedgerCheckpoint]:
    """The scheduled job: checkpoint every case whose ledger grew since its last one.

    Reads heads in one short transaction, signs and timestamps outside any transaction,
    writes the checkpoints in a second one.
    """
    latest = (
        select(LedgerCheckpoint.case_id, func.max(LedgerCheckpoint.tree_size).label("size"))
        .where(LedgerCheckpoint.case_id.is_not(None))
        .group_by(LedgerCheckpoint.case_id)
        .subquery()
    )
    with factory() as session, session.begin():
        rows = session.execute(
            select(LedgerHead.case_id, LedgerHead.size, LedgerHead.root)
            .outerjoin(latest, latest.c.case_id == LedgerHead.case_id)
            .where(LedgerHead.size > func.coalesce(latest.c.size, 0))
            .order_by(LedgerHead.case_id)
            .limit(limit)
        ).all()
    pending = [_Pending(*row) for row in rows]
    signed = []
    for item in pending:
        text = notes.checkpoint_text(case_origin(signer.name, item.case_id), item.size, item.root)
        tsr = tsa.stamp(text.encode()) if tsa is not None else None
        signed.append((item, signer.sign(text), tsr))
    out = []
    with factory() as session, session.begin():
        register_key(session, signer)
        for item, note, tsr in signed:
            checkpoint = LedgerCheckpoint(
                case_id=item.case_id,
                origin=case_origin(signer.name, item.case_id),
                tree_size=item.size,
                root=item.root,
                note=note,
                key_id=signer.key_id,
                tsr=tsr,
                timestamped_at=timestamp_time(tsr) if tsr else None,
            )
            session.add(checkpoint)
            out.append(checkpoint)
    return out
