"""Building a packet: the layout of EVIDENCE.md §5.

    packet/
      bagit.txt  bag-info.txt  manifest-sha{256,512}.txt  tagmanifest-sha{256,512}.txt
      manifest-sha256.txt.p7s     detached CMS (DER) by the centre's packet signer
      manifest-sha256.txt.tsr     RFC 3161 response over manifest-sha256.txt (TSA configured)
      data/agreement.pdf  data/evidence/…  data/ledger/{entries.jsonl, checkpoint.txt,
      log-key.pem, log-key.vkey, proofs.json}  data/packet.json  data/README.txt
      data/verify_ledger.py

The bag is written here (RFC 8493, BagIt-Version 1.0) rather than by `bagit.make_bag`,
which changes the process's working directory (unsafe in a threaded server) and writes
version 0.97; `bagit.py --validate` is what checks it, in the tests as for the clerk.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from hashlib import sha256, sha512
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.cases.model import Case
from mediation.errors import UserError
from mediation.evidence.blobstore import (
    CHUNK,
    DEFAULT_ALLOWED_TYPES,
    ZIP,
    BlobStore,
    LocalBlobStore,
)
from mediation.evidence.checkpoints import KeyRing, LedgerSigner, checkpoint_case
from mediation.evidence.errors import EvidenceError
from mediation.evidence.jcs import CanonicalizationError, canonical
from mediation.evidence.ledger import inclusion_proof
from mediation.evidence.model import LedgerEntry, SigningKey
from mediation.evidence.notes import verifier_key_text
from mediation.evidence.service import list_evidence
from mediation.evidence.timestamps import TimestampAuthority
from mediation.packets import readme
from mediation.packets.model import KINDS
from mediation.packets.signing import PacketKeys, PacketSigner

PACKET_DIR = "packet"
PACKET_VERSION = 1
MANIFEST = "manifest-sha256.txt"
SIGNATURE = MANIFEST + ".p7s"
TIMESTAMP = MANIFEST + ".tsr"
ALGORITHMS = {"sha256": sha256, "sha512": sha512}
VERIFY_SCRIPT = Path(__file__).with_name("verify_ledger.py")
PACKET_MAX_BYTES = 4 * 1024**3


class PacketError(UserError):
    """A packet that cannot be built or found."""

    def __init__(self, code: str, status: int = 400, **params: object) -> None:
        super().__init__(f"packet.{code}", status=status, **params)


@dataclass
class PacketContext:
    """What building a packet needs beyond the database: keys, stores, the TSA."""

    centre_name: str
    ledger_signer: LedgerSigner
    packet_signer: PacketSigner
    evidence_store: BlobStore
    packet_store: BlobStore
    tsa: TimestampAuthority | None = None

    @classmethod
    def for_instance(
        cls,
        instance_path: str | os.PathLike[str],
        *,
        centre_name: str = "调解中心",
        ledger_key_name: str | None = None,
        blob_dir: str | os.PathLike[str] | None = None,
        tsa_url: str | None = None,
    ) -> PacketContext:
        instance = Path(instance_path)
        ring = KeyRing(instance)
        root = Path(blob_dir) if blob_dir else instance / "blobs"
        return cls(
            centre_name=centre_name,
            ledger_signer=ring.current(ledger_key_name) if ledger_key_name else ring.current(),
            packet_signer=PacketKeys(instance).signer(centre_name),
            evidence_store=LocalBlobStore(root),
            packet_store=packet_store(root),
            tsa=TimestampAuthority(tsa_url) if tsa_url else None,
        )

    @classmethod
    def from_app(cls, app: Any = None) -> PacketContext:
        if app is None:
            from flask import current_app

            app = current_app
        config = app.config
        return cls.for_instance(
            app.instance_path,
            centre_name=config.get("CENTRE_NAME") or "调解中心",
            ledger_key_name=config.get("LEDGER_KEY_NAME"),
            blob_dir=config.get("EVIDENCE_BLOB_DIR"),
            tsa_url=config.get("TSA_URL"),
        )


def packet_store(
    root: str | os.PathLike[str], *, max_size: int = PACKET_MAX_BYTES
) -> LocalBlobStore:
    """The evidence blob store, accepting packet zips."""
    return LocalBlobStore(root, max_size=max_size, allowed_types=DEFAULT_ALLOWED_TYPES | {ZIP})


@dataclass(frozen=True)
class BuiltPacket:
    path: Path  # the bag folder
    case_id: int
    kind: str
    tree_size: int
    root: str
    manifest_sha256: str
    agreement_sha256: str
    timestamped: bool


# --- BagIt (RFC 8493) writing


def _manifest_path(rel: str) -> str:
    # RFC 8493 §2.1.3: CR, LF and % are percent-encoded in manifest paths.
    return rel.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _hash_file(path: Path) -> dict[str, str]:
    hashers = {name: fn() for name, fn in ALGORITHMS.items()}
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            for h in hashers.values():
                h.update(chunk)
    return {name: h.hexdigest() for name, h in hashers.items()}


def _files_under(root: Path) -> list[Path]:
    return sorted((p for p in root.rglob("*") if p.is_file()), key=lambda p: p.as_posix())


def write_bag(bag: Path, info: Mapping[str, str]) -> None:
    """Turn a folder whose payload is already under data/ into a BagIt 1.0 bag.

    No Payload-Oxum (optional in RFC 8493): with it `bagit.py --validate` stops at the
    count/size check ("Expected 12 files … found 11") without naming the file, and
    `--fast` passes a same-size edit. Without it bagit names each missing, extra or
    changed file, and refuses `--fast` outright.
    """
    payload = _files_under(bag / "data")
    lines: dict[str, list[str]] = {name: [] for name in ALGORITHMS}
    for path in payload:
        digests = _hash_file(path)
        rel = _manifest_path(path.relative_to(bag).as_posix())
        for name in ALGORITHMS:
            lines[name].append(f"{digests[name]}  {rel}\n")
    (bag / "bagit.txt").write_text(
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n", encoding="utf-8"
    )
    fields = dict(info)
    fields["Bagging-Date"] = datetime.now(UTC).strftime("%Y-%m-%d")
    (bag / "bag-info.txt").write_text(
        "".join(f"{k}: {v}\n" for k, v in fields.items()), encoding="utf-8"
    )
    for name in ALGORITHMS:
        (bag / f"manifest-{name}.txt").write_text("".join(lines[name]), encoding="utf-8")
    tag_files = ["bagit.txt", "bag-info.txt", *(f"manifest-{n}.txt" for n in ALGORITHMS)]
    digests = {tag: _hash_file(bag / tag) for tag in tag_files}
    for name in ALGORITHMS:
        (bag / f"tagmanifest-{name}.txt").write_text(
            "".join(f"{digests[tag][name]}  {tag}\n" for tag in tag_files), encoding="utf-8"
        )


# --- packet contents

_UNSAFE = re.compile(r"[%\x00-\x1f\x7f/\\]")


def _payload_name(filename: str, used: set[str], item_id: int) -> str:
    name = _UNSAFE.sub("_", filename).strip().lstrip(".") or f"file-{item_id}"
    if name.casefold() in used:
        stem, dot, ext = name.rpartition(".")
        name = f"{stem} ({item_id}).{ext}" if dot and stem else f"{name} ({item_id})"
    used.add(name.casefold())
    return name


def _copy_blob(store: BlobStore, sha: str, target: Path) -> int:
    h = sha256()
    size = 0
    with store.open(sha) as src, open(target, "wb") as out:
        while chunk := src.read(CHUNK):
            h.update(chunk)
            size += len(chunk)
            out.write(chunk)
    if h.hexdigest() != sha:
        raise PacketError("blob_corrupt", status=500, sha256=sha)
    return size


def _agreement_entry(session: Session, case_id: int, digest: str, bodies: list[bytes]) -> int:
    seq = session.execute(
        select(LedgerEntry.seq)
        .where(LedgerEntry.case_id == case_id, LedgerEntry.file_sha256 == digest)
        .order_by(LedgerEntry.seq.desc())
        .limit(1)
    ).scalar_one_or_none()
    if seq is not None and seq < len(bodies):
        return seq
    for i in range(len(bodies) - 1, -1, -1):
        payload = json.loads(bodies[i]).get("payload") or {}
        if payload.get("sha256") == digest:
            return i
    raise PacketError("agreement_not_on_ledger", status=409, sha256=digest)


def _log_key(session: Session, key_id: str, signer: LedgerSigner) -> tuple[str, bytes]:
    if key_id == signer.key_id:
        return signer.name, signer.public_key
    row = session.execute(select(SigningKey).where(SigningKey.key_id == key_id)).scalar_one()
    return row.name, bytes(row.public_key)


def _now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_packet(
    session: Session,
    case: Case | int,
    kind: str,
    out_dir: str | os.PathLike[str],
    *,
    agreement_pdf: bytes,
    extra: dict | None = None,
    context: PacketContext | None = None,
) -> Path:
    """Build the packet folder `out_dir/packet` and return its path.

    Signs a fresh checkpoint of the case's ledger in the caller's transaction (the
    caller commits). `agreement_pdf` must already be on the ledger (an entry whose
    `file` or `payload.sha256` is its SHA-256). `extra` (e.g. missed payments for an
    enforcement packet) goes into packet.json as is; it must be RFC 8785 serialisable.
    """
    return build(
        session, case, kind, out_dir, agreement_pdf=agreement_pdf, extra=extra, context=context
    ).path


def build(
    session: Session,
    case: Case | int,
    kind: str,
    out_dir: str | os.PathLike[str],
    *,
    agreement_pdf: bytes,
    extra: dict | None = None,
    context: PacketContext | None = None,
) -> BuiltPacket:
    """`build_packet`, returning what the packet holds as well as where it is."""
    if kind not in KINDS:
        raise PacketError("bad_kind", kind=kind)
    if not agreement_pdf.startswith(b"%PDF-"):
        raise PacketError("not_pdf")
    if extra is not None:
        try:
            canonical(extra)
        except CanonicalizationError as exc:
            raise PacketError("bad_extra", detail=str(exc)[:200]) from None
    ctx = context or PacketContext.from_app()
    case_obj = case if isinstance(case, Case) else session.get(Case, case)
    if case_obj is None:
        raise UserError("not_found", status=404)
    case_id = case_obj.id
    bag = Path(out_dir) / PACKET_DIR
    if bag.exists():
        raise PacketError("out_exists", path=str(bag))

    # With a TSA the checkpoint is timestamped as well (kept in the database too).
    checkpoint = checkpoint_case(session, case_id, ctx.ledger_signer, ctx.tsa)
    if checkpoint is None:
        raise PacketError("empty_ledger", status=409)
    size = checkpoint.tree_size
    bodies = [
        bytes(b)
        for b in session.scalars(
            select(LedgerEntry.body)
            .where(LedgerEntry.case_id == case_id, LedgerEntry.seq < size)
            .order_by(LedgerEntry.seq)
        )
    ]
    if len(bodies) != size:
        raise EvidenceError("ledger.no_entry", case_id=case_id, seq=len(bodies))
    agreement_sha = sha256(agreement_pdf).hexdigest()
    agreement_seq = _agreement_entry(session, case_id, agreement_sha, bodies)

    data = bag / "data"
    (data / "ledger").mkdir(parents=True)
    try:
        (data / "agreement.pdf").write_bytes(agreement_pdf)
        proven: list[tuple[int, str]] = [(agreement_seq, "agreement.pdf")]
        evidence: list[dict[str, Any]] = []
        used: set[str] = set()
        items = [
            i
            for i in list_evidence(session, case_id, include_withdrawn=False)
            if i.added_seq is not None and i.added_seq < size
        ]
        if items:
            (data / "evidence").mkdir()
        for item in items:
            name = _payload_name(item.filename, used, item.id)
            _copy_blob(ctx.evidence_store, item.blob_sha256, data / "evidence" / name)
            evidence.append(
                {
                    "file": f"evidence/{name}",
                    "item": item.id,
                    "sha256": item.blob_sha256,
                    "size": item.blob.size,
                    "media_type": item.blob.media_type,
                    "ledger_seq": item.added_seq,
                }
            )
            proven.append((item.added_seq, f"evidence/{name}"))

        ledger_dir = data / "ledger"
        (ledger_dir / "entries.jsonl").write_bytes(b"".join(b + b"\n" for b in bodies))
        (ledger_dir / "checkpoint.txt").write_text(checkpoint.note, encoding="utf-8")
        if checkpoint.tsr:
            (ledger_dir / "checkpoint.tsr").write_bytes(bytes(checkpoint.tsr))
        key_name, public = _log_key(session, checkpoint.key_id, ctx.ledger_signer)
        vkey = verifier_key_text(key_name, public)
        (ledger_dir / "log-key.vkey").write_text(vkey + "\n", encoding="utf-8")
        (ledger_dir / "log-key.pem").write_bytes(
            Ed25519PublicKey.from_public_bytes(public).public_bytes(
                Encoding.PEM, PublicFormat.SubjectPublicKeyInfo
            )
        )
        leaf_hashes = [
            bytes(h).hex()
            for h in session.scalars(
                select(LedgerEntry.leaf_hash)
                .where(LedgerEntry.case_id == case_id, LedgerEntry.seq < size)
                .order_by(LedgerEntry.seq)
            )
        ]
        proofs = []
        for seq, label in proven:
            proof = inclusion_proof(session, case_id, seq, size)
            proof.verify()
            proofs.append(
                {
                    "label": label,
                    "leaf_index": seq,
                    "tree_size": size,
                    "leaf_hash": proof.leaf_hash.hex(),
                    "inclusion_path": [h.hex() for h in proof.path],
                }
            )
        root_hex = bytes(checkpoint.root).hex()
        (ledger_dir / "proofs.json").write_bytes(
            canonical(
                {
                    "origin": checkpoint.origin,
                    "tree_size": size,
                    "root": root_hex,
                    "leaf_hashes": leaf_hashes,
                    "proofs": proofs,
                }
            )
            + b"\n"
        )
        built_at = _now_text()
        packet: dict[str, Any] = {
            "v": PACKET_VERSION,
            "kind": kind,
            "centre": ctx.centre_name,
            "case": {"id": case_id, "number": case_obj.number},
            "built_at": built_at,
            "ledger": {
                "origin": checkpoint.origin,
                "tree_size": size,
                "root": root_hex,
                "log_key": vkey,
            },
            "agreement": {
                "file": "agreement.pdf",
                "sha256": agreement_sha,
                "size": len(agreement_pdf),
                "ledger_seq": agreement_seq,
            },
            "evidence": evidence,
            "centre_ca_sha256": ctx.packet_signer.ca_fingerprint.replace(":", "").lower(),
        }
        if extra is not None:
            packet["extra"] = extra
        (data / "packet.json").write_bytes(canonical(packet))
        extra_lines = []
        if kind == "enforcement" and extra:
            extra_lines.append(
                '附加事项 / Details:        data/packet.json "extra" '
                "（如逾期未付款项 / e.g. missed payments）"
            )
        (data / "README.txt").write_text(
            readme.render(
                kind=kind,
                centre=ctx.centre_name,
                case_number=case_obj.number,
                built_at=built_at,
                origin=checkpoint.origin,
                tree_size=size,
                root=root_hex,
                agreement_sha256=agreement_sha,
                fingerprint=ctx.packet_signer.ca_fingerprint,
                has_timestamp=ctx.tsa is not None,
                checkpoint_timestamp=bool(checkpoint.tsr),
                extra_lines=extra_lines,
            ),
            encoding="utf-8",
        )
        shutil.copyfile(VERIFY_SCRIPT, data / "verify_ledger.py")

        title = readme.TITLES[kind]
        write_bag(
            bag,
            {
                "Source-Organization": ctx.centre_name,
                "External-Identifier": case_obj.number,
                "External-Description": f"{title[0]} / {title[1]}",
                "Bag-Software-Agent": "mediation packets v1",
            },
        )
        manifest = (bag / MANIFEST).read_bytes()
        (bag / SIGNATURE).write_bytes(ctx.packet_signer.sign_detached(manifest))
        timestamped = False
        if ctx.tsa is not None:
            (bag / TIMESTAMP).write_bytes(ctx.tsa.stamp(manifest))
            timestamped = True
    except BaseException:
        shutil.rmtree(bag, ignore_errors=True)
        raise
    return BuiltPacket(
        path=bag,
        case_id=case_id,
        kind=kind,
        tree_size=size,
        root=root_hex,
        manifest_sha256=sha256(manifest).hexdigest(),
        agreement_sha256=agreement_sha,
        timestamped=timestamped,
    )
