"""`verify_packet`: every check a clerk runs by hand, at once, naming what is wrong.

Checks, in order: the bag (every manifest line recomputed, plus `bagit`'s own full
validation), the detached CMS signature over manifest-sha256.txt (parsed with asn1crypto:
messageDigest, the signature over the signed attributes, the signer certificate issued by
the registered centre CA), the RFC 3161 token if present, packet.json, the ledger (leaf
hashes, chain, root against the checkpoint, inclusion proofs), the checkpoint's Ed25519
signature by the packet's log key, and the agreement and evidence files against
packet.json and their ledger entries.

The court inbox calls `verify_packet(uploaded_zip, centre_ca_pem=registered_ca)`.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from hashlib import sha256, sha512
from pathlib import Path
from typing import Any, BinaryIO

import bagit
import rfc8785
from asn1crypto import cms
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding

from mediation.evidence import merkle, notes
from mediation.evidence.timestamps import TimestampError, verify_timestamp
from mediation.i18n import t
from mediation.packets.build import MANIFEST, SIGNATURE, TIMESTAMP
from mediation.packets.signing import fingerprint

MAX_MEMBERS = 20_000
MAX_UNPACKED = 8 * 1024**3
_HASHES = {"sha256": sha256, "sha512": sha512}
_CMS_HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


@dataclass(frozen=True)
class PacketProblem:
    code: str
    file: str | None
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "zh") -> str:
        params = {"file": self.file or "-", **self.params}
        if "reason" in params:
            params["reason"] = t(f"packet.reason.{params['reason']}", lang)
        return t(f"packet.problem.{self.code}", lang, params)

    @property
    def zh(self) -> str:
        return self.message("zh")

    @property
    def en(self) -> str:
        return self.message("en")


@dataclass
class Check:
    name: str  # packet.check.<name>
    ok: bool | None = None  # None: not run (or nothing to check)
    detail: str = ""

    def title(self, lang: str = "zh") -> str:
        return t(f"packet.check.{self.name}", lang)


@dataclass
class PacketReport:
    problems: list[PacketProblem] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def codes(self) -> list[str]:
        return [p.code for p in self.problems]

    def files(self) -> list[str | None]:
        return [p.file for p in self.problems]

    def summary(self, lang: str = "zh") -> str:
        if self.ok:
            return t("packet.verify.ok", lang)
        return t("packet.verify.failed", lang, {"count": len(self.problems)})


class _Run:
    """One verification: the report and the check currently running."""

    def __init__(self, report: PacketReport) -> None:
        self.report = report
        self.check: Check | None = None

    def start(self, name: str) -> Check:
        self.check = Check(name)
        self.report.checks.append(self.check)
        return self.check

    def problem(self, code: str, file: str | None = None, **params: Any) -> None:
        found = PacketProblem(code, file, params)
        if found not in self.report.problems:
            self.report.problems.append(found)
        if self.check is not None:
            self.check.ok = False

    def passed(self, detail: str = "") -> None:
        if self.check is not None and self.check.ok is None:
            self.check.ok = True
        if detail and self.check is not None:
            self.check.detail = detail


# --- opening


def _safe_extract(zf: zipfile.ZipFile, target: Path) -> None:
    members = zf.infolist()
    if len(members) > MAX_MEMBERS:
        raise ValueError(f"more than {MAX_MEMBERS} files in the zip")
    total = 0
    for info in members:
        name = info.filename
        parts = Path(name).parts
        if name.startswith(("/", "\\")) or ".." in parts or ":" in name or "\\" in name:
            raise ValueError(f"unsafe path in the zip: {name!r}")
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise ValueError(f"symbolic link in the zip: {name!r}")
        dest = target / name
        if info.is_dir():
            dest.mkdir(parents=True, exist_ok=True)
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        with zf.open(info) as src, open(dest, "wb") as out:
            while chunk := src.read(1 << 20):
                total += len(chunk)
                if total > MAX_UNPACKED:
                    raise ValueError("the zip unpacks to more than the size limit")
                out.write(chunk)


def _find_bag(root: Path) -> Path | None:
    if (root / "bagit.txt").is_file():
        return root
    candidates = [p for p in root.iterdir() if p.is_dir() and (p / "bagit.txt").is_file()]
    return candidates[0] if len(candidates) == 1 else None


@contextlib.contextmanager
def _opened(source: str | os.PathLike[str] | bytes | BinaryIO) -> Iterator[Path]:
    if isinstance(source, str | os.PathLike) and Path(source).is_dir():
        yield Path(source)
        return
    with tempfile.TemporaryDirectory(prefix="verify-packet-") as tmp:
        if isinstance(source, bytes | bytearray):
            stream: Any = io.BytesIO(source)
        elif isinstance(source, str | os.PathLike):
            stream = os.fspath(source)
        else:
            stream = source
        with zipfile.ZipFile(stream) as zf:
            _safe_extract(zf, Path(tmp))
        yield Path(tmp)


# --- the bag


def _decode_path(raw: str) -> str:
    return (
        raw.replace("%0A", "\n")
        .replace("%0a", "\n")
        .replace("%0D", "\r")
        .replace("%0d", "\r")
        .replace("%25", "%")
    )


def _read_manifest(path: Path) -> dict[str, str]:
    entries: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        digest, _, name = line.partition(" ")
        entries[_decode_path(name.lstrip(" *"))] = digest.lower()
    return entries


def _digest(path: Path, algorithm: str) -> str:
    h = _HASHES[algorithm]()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _inside(bag: Path, rel: str) -> Path | None:
    target = (bag / rel).resolve()
    return target if target.is_relative_to(bag.resolve()) else None


def _check_bag(run: _Run, bag: Path) -> None:
    run.start("bag")
    payload = (
        {
            p.relative_to(bag).as_posix()
            for p in (bag / "data").rglob("*")
            if p.is_file() or p.is_symlink()
        }
        if (bag / "data").is_dir()
        else set()
    )
    modified: set[str] = set()
    for algorithm in _HASHES:
        manifest = bag / f"manifest-{algorithm}.txt"
        if not manifest.is_file():
            run.problem("file_missing", manifest.name)
            continue
        entries = _read_manifest(manifest)
        for rel, expected in sorted(entries.items()):
            target = _inside(bag, rel)
            if target is None or not rel.startswith("data/"):
                run.problem("bag_invalid", rel, detail=f"{rel}: path outside data/")
            elif not target.is_file():
                if algorithm == "sha256":
                    run.problem("file_missing", rel)
            elif rel not in modified and _digest(target, algorithm) != expected:
                run.problem("file_modified", rel, alg=algorithm.upper())
                modified.add(rel)
        if algorithm == "sha256":
            for rel in sorted(payload - entries.keys()):
                run.problem("file_unexpected", rel)
    for algorithm in _HASHES:
        tagmanifest = bag / f"tagmanifest-{algorithm}.txt"
        if not tagmanifest.is_file():
            continue
        for rel, expected in sorted(_read_manifest(tagmanifest).items()):
            target = _inside(bag, rel)
            if target is None or not target.is_file():
                run.problem("file_missing", rel)
            elif rel not in modified and _digest(target, algorithm) != expected:
                run.problem("file_modified", rel, alg=algorithm.upper())
                modified.add(rel)
    try:
        bagit.Bag(str(bag)).validate(processes=1)
    except (bagit.BagError, bagit.BagValidationError, OSError, ValueError) as exc:
        text = str(exc).strip()
        detail = text.splitlines()[0] if text else type(exc).__name__
        if len(detail) > 160:
            detail = detail[:160] + "…"
        if run.check.ok is not False:
            run.problem("bag_invalid", None, detail=detail)
        run.check.detail = f"bagit: {detail}"
        return
    run.passed("bagit --validate: OK")


# --- the CMS signature


def _attr(signed_attrs: Any, name: str) -> Any:
    for attr in signed_attrs:
        if attr["type"].native == name:
            return attr["values"][0]
    return None


def _signer_certificate(signed_data: Any, sid: Any) -> x509.Certificate | None:
    for choice in signed_data["certificates"] or []:
        if choice.name != "certificate":
            continue
        cert = choice.chosen
        if sid.name == "issuer_and_serial_number":
            match = (
                cert.issuer == sid.chosen["issuer"]
                and cert.serial_number == sid.chosen["serial_number"].native
            )
        else:
            match = cert.key_identifier == sid.chosen.native
        if match:
            return x509.load_der_x509_certificate(cert.dump())
    return None


def _verify_raw(cert: x509.Certificate, signature: bytes, data: bytes, algo: Any) -> None:
    public = cert.public_key()
    if isinstance(public, ec.EllipticCurvePublicKey):
        public.verify(signature, data, ec.ECDSA(algo()))
    elif isinstance(public, rsa.RSAPublicKey):
        public.verify(signature, data, padding.PKCS1v15(), algo())
    else:
        raise InvalidSignature("unsupported key type")


def _check_issuer(cert: x509.Certificate, roots: list[x509.Certificate], when: datetime) -> str:
    """Empty when a root issued `cert`, valid at `when`; else why not."""
    reasons = []
    for root in roots:
        try:
            cert.verify_directly_issued_by(root)
        except (ValueError, TypeError, InvalidSignature) as exc:
            reasons.append(f"{root.subject.rfc4514_string()}: {exc or 'signature mismatch'}")
            continue
        constraints = root.extensions.get_extension_for_class(x509.BasicConstraints).value
        if not constraints.ca:
            reasons.append("the registered certificate is not a CA")
            continue
        for c in (cert, root):
            if not c.not_valid_before_utc <= when <= c.not_valid_after_utc:
                return f"{c.subject.rfc4514_string()} not valid at {when:%Y-%m-%d %H:%M:%S}Z"
        return ""
    return "; ".join(reasons) or "no CA certificate given"


def _check_cms(
    run: _Run, bag: Path, manifest: bytes | None, roots: list[x509.Certificate] | None
) -> None:
    run.start("cms")
    p7s = bag / SIGNATURE
    if not p7s.is_file():
        run.problem("signature_missing", SIGNATURE)
        return
    if manifest is None:
        run.problem("signature_digest", MANIFEST)
        return
    try:
        info = cms.ContentInfo.load(p7s.read_bytes())
        if info["content_type"].native != "signed_data":
            raise ValueError("not CMS SignedData")
        signed_data = info["content"]
        signers = list(signed_data["signer_infos"])
        if len(signers) != 1:
            raise ValueError(f"{len(signers)} signers, expected one")
        signer = signers[0]
        digest_name = signer["digest_algorithm"]["algorithm"].native
        if digest_name not in _CMS_HASHES:
            raise ValueError(f"digest {digest_name} not accepted")
        signed_attrs = signer["signed_attrs"]
        if not signed_attrs:
            raise ValueError("no signed attributes")
        message_digest = _attr(signed_attrs, "message_digest")
        content_type = _attr(signed_attrs, "content_type")
        signing_time = _attr(signed_attrs, "signing_time")
        cert = _signer_certificate(signed_data, signer["sid"])
        if cert is None:
            raise ValueError("the signer certificate is not in the signature")
        signature = signer["signature"].native
        to_verify = signed_attrs.untag().dump(force=True)
    except (ValueError, TypeError, KeyError) as exc:
        run.problem("signature_malformed", SIGNATURE, detail=str(exc)[:200])
        return
    if content_type is None or content_type.native != "data":
        run.problem("signature_malformed", SIGNATURE, detail="contentType is not id-data")
        return
    algo = _CMS_HASHES[digest_name]
    digest = hashes.Hash(algo())
    digest.update(manifest)
    if message_digest is None or message_digest.native != digest.finalize():
        run.problem("signature_digest", MANIFEST)
        return
    try:
        _verify_raw(cert, signature, to_verify, algo)
    except InvalidSignature:
        run.problem("signature_invalid", SIGNATURE)
        return
    when = signing_time.native if signing_time is not None else datetime.now(UTC)
    run.report.facts["signing_time"] = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    run.report.facts["signer"] = cert.subject.rfc4514_string()
    if not roots:
        run.problem("no_trust_anchor", "centre-ca.pem")
        return
    reason = _check_issuer(cert, roots, when)
    if reason:
        run.problem("signature_untrusted", SIGNATURE, detail=reason[:300])
        return
    run.passed(f"{cert.subject.rfc4514_string()}, {run.report.facts['signing_time']}")


def _check_timestamp(
    run: _Run, bag: Path, manifest: bytes | None, roots: list[x509.Certificate] | None
) -> None:
    check = run.start("timestamp")
    tsr = bag / TIMESTAMP
    if not tsr.is_file():
        check.detail = "none / 无"
        run.report.facts["timestamp_time"] = None
        return
    if manifest is None:
        run.problem("timestamp_invalid", TIMESTAMP, detail="manifest-sha256.txt is missing")
        return
    try:
        when = verify_timestamp(tsr.read_bytes(), manifest, roots or None)
    except (TimestampError, ValueError) as exc:
        run.problem("timestamp_invalid", TIMESTAMP, detail=str(exc)[:300])
        return
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    run.report.facts["timestamp_time"] = stamp
    run.report.facts["timestamp_trusted"] = bool(roots)
    if not roots:
        run.report.warnings.append(
            "timestamp imprint checked, but no TSA CA given: the TSA's signature is unchecked"
        )
        run.passed(f"{stamp} (imprint only)")
    else:
        run.passed(stamp)


# --- packet.json and the ledger


def _load_packet_json(run: _Run, data: Path) -> dict | None:
    run.start("packet_json")
    path = data / "packet.json"
    try:
        raw = path.read_bytes()
        packet = json.loads(raw)
        if rfc8785.dumps(packet) != raw:
            run.problem("packet_json", "data/packet.json", detail="not RFC 8785 canonical")
        for key in ("case", "ledger", "agreement"):
            if not isinstance(packet.get(key), dict):
                raise ValueError(f"'{key}' missing")
    except FileNotFoundError:
        run.problem("file_missing", "data/packet.json")
        return None
    except ValueError as exc:
        run.problem("packet_json", "data/packet.json", detail=str(exc)[:200])
        return None
    facts = run.report.facts
    facts["kind"] = packet.get("kind")
    facts["case_number"] = packet["case"].get("number")
    facts["case_id"] = packet["case"].get("id")
    facts["agreement_sha256"] = packet["agreement"].get("sha256")
    facts["extra"] = packet.get("extra")
    run.passed(f"{facts['kind']} {facts['case_number']}")
    return packet


@dataclass
class _Ledger:
    lines: list[bytes]
    leaves: list[bytes]
    entries: list[dict]
    proven: set[int]


def _check_ledger(
    run: _Run, data: Path, packet: dict | None, tsa_roots: list[x509.Certificate] | None
) -> _Ledger | None:
    run.start("ledger")
    ledger = data / "ledger"
    try:
        raw = (ledger / "entries.jsonl").read_bytes()
        proofs = json.loads((ledger / "proofs.json").read_bytes())
        note = (ledger / "checkpoint.txt").read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        run.problem("file_missing", f"data/ledger/{Path(exc.filename).name}")
        return None
    except ValueError as exc:
        run.problem("packet_json", "data/ledger/proofs.json", detail=str(exc)[:200])
        return None
    lines = raw.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    leaves = [merkle.leaf_hash(line) for line in lines]
    entries: list[dict] = []
    prev = merkle.ZERO_HASH.hex()
    case_id = (packet or {}).get("case", {}).get("id")
    file = "data/ledger/entries.jsonl"
    listed = proofs.get("leaf_hashes") or []
    changed = [i for i, leaf in enumerate(leaves) if i < len(listed) and listed[i] != leaf.hex()]
    for seq in changed[:5]:
        run.problem("ledger_changed", file, seq=seq)
    for seq, line in enumerate(lines):
        try:
            entry = json.loads(line)
        except ValueError:
            entries.append({})
            run.problem("ledger_entry", file, seq=seq, reason="not_json")
            prev = leaves[seq].hex()
            continue
        entries.append(entry)
        # An entry already named as changed breaks its successor's `prev` too: say it once.
        if seq not in changed and seq - 1 not in changed:
            if entry.get("seq") != seq:
                run.problem("ledger_entry", file, seq=seq, reason="bad_seq")
            elif entry.get("prev") != prev:
                run.problem("ledger_entry", file, seq=seq, reason="chain")
            elif case_id is not None and entry.get("case") != case_id:
                run.problem("ledger_entry", file, seq=seq, reason="other_case")
        prev = leaves[seq].hex()

    # The checkpoint and its signature
    try:
        text, _ = notes.split_note(note)
        origin, size, cp_root = notes.parse_checkpoint(text)
    except notes.NoteError as exc:
        run.problem("checkpoint_invalid", "data/ledger/checkpoint.txt", detail=str(exc))
        return _Ledger(lines, leaves, entries, set())
    facts = run.report.facts
    facts.update(origin=origin, tree_size=size, root=cp_root.hex())
    computed = merkle.root(leaves)
    if size != len(lines):
        run.problem("root_mismatch", file, detail=f"checkpoint size {size}, {len(lines)} entries")
    elif computed != cp_root:
        run.problem("root_mismatch", file, detail=f"{computed.hex()} != {cp_root.hex()}")
    if packet is not None:
        expected = packet.get("ledger") or {}
        if (expected.get("origin"), expected.get("tree_size"), expected.get("root")) != (
            origin,
            size,
            cp_root.hex(),
        ):
            run.problem(
                "packet_json", "data/packet.json", detail="ledger differs from checkpoint.txt"
            )

    proven: set[int] = set()
    for proof in proofs.get("proofs", []):
        try:
            seq = int(proof["leaf_index"])
            path = [bytes.fromhex(h) for h in proof["inclusion_path"]]
            leaf = bytes.fromhex(proof["leaf_hash"])
            if seq >= len(leaves) or leaves[seq] != leaf:
                raise merkle.ProofError("the entry does not hash to the proven leaf")
            merkle.verify_inclusion(seq, int(proof["tree_size"]), leaf, path, cp_root)
        except (KeyError, ValueError, TypeError) as exc:
            run.problem(
                "proof_invalid",
                "data/ledger/proofs.json",
                seq=proof.get("leaf_index", "?"),
                detail=str(exc)[:200],
            )
            continue
        if int(proof["tree_size"]) == size:
            proven.add(seq)
    run.passed(f"{len(lines)} entries, {len(proven)} proofs, root {cp_root.hex()}")

    # Checkpoint signature by the log key (covered by the manifest, hence by the CMS)
    run.start("checkpoint")
    try:
        vkey = (ledger / "log-key.vkey").read_text(encoding="utf-8").strip()
        name, key_id, public = notes.parse_verifier_key(vkey)
        notes.open_note(note, {(name, key_id): public})
    except FileNotFoundError:
        run.problem("file_missing", "data/ledger/log-key.vkey")
    except notes.NoteError as exc:
        run.problem("checkpoint_invalid", "data/ledger/checkpoint.txt", detail=str(exc))
    else:
        if packet is not None and (packet.get("ledger") or {}).get("log_key") != vkey:
            run.problem("packet_json", "data/packet.json", detail="log_key differs")
        facts["log_key"] = vkey
        detail = vkey.split("+")[0] + "+" + vkey.split("+")[1]
        tsr = ledger / "checkpoint.tsr"
        if tsr.is_file():
            # RFC 3161 token over the checkpoint text (the note before its signatures).
            try:
                when = verify_timestamp(tsr.read_bytes(), text.encode(), tsa_roots or None)
            except (TimestampError, ValueError) as exc:
                run.problem("timestamp_invalid", "data/ledger/checkpoint.tsr", detail=str(exc))
            else:
                facts["checkpoint_timestamp_time"] = when.strftime("%Y-%m-%dT%H:%M:%SZ")
                detail += f", {facts['checkpoint_timestamp_time']}"
        run.passed(detail)
    return _Ledger(lines, leaves, entries, proven)


def _check_item(run: _Run, data: Path, item: dict, ledger: _Ledger | None) -> None:
    rel = str(item.get("file", ""))
    shown = f"data/{rel}"
    target = _inside(data, rel)
    if target is None or not target.is_file():
        run.problem("file_missing", shown)
        return
    if _digest(target, "sha256") != item.get("sha256"):
        run.problem("hash_mismatch", shown)
        return
    if ledger is None:
        return
    seq = item.get("ledger_seq")
    entry = ledger.entries[seq] if isinstance(seq, int) and 0 <= seq < len(ledger.entries) else {}
    on_ledger = item["sha256"] in (entry.get("file"), (entry.get("payload") or {}).get("sha256"))
    if not on_ledger:
        run.problem("not_on_ledger", shown, seq=seq)
    elif seq not in ledger.proven:
        run.problem("no_proof", shown)


def _check_files(run: _Run, data: Path, packet: dict | None, ledger: _Ledger | None) -> None:
    if packet is None:
        return
    agreement = packet["agreement"]
    run.start("agreement")
    _check_item(run, data, agreement, ledger)
    run.passed(f"SHA-256 {agreement.get('sha256')}, ledger seq {agreement.get('ledger_seq')}")
    evidence = packet.get("evidence") or []
    run.start("evidence")
    for item in evidence:
        _check_item(run, data, item, ledger)
    run.passed(f"{len(evidence)} file(s)")


def verify_packet(
    path_or_zip: str | os.PathLike[str] | bytes | BinaryIO,
    *,
    centre_ca_pem: bytes | str | None,
    tsa_ca_pem: bytes | str | None = None,
) -> PacketReport:
    """Verify a packet folder or zip (path, bytes or stream). Never raises on bad input:
    everything wrong is a problem in the report."""
    report = PacketReport()
    run = _Run(report)
    run.start("open")
    if isinstance(centre_ca_pem, str):  # a PEM kept in a text column
        centre_ca_pem = centre_ca_pem.encode()
    if isinstance(tsa_ca_pem, str):
        tsa_ca_pem = tsa_ca_pem.encode()
    try:
        roots = x509.load_pem_x509_certificates(centre_ca_pem) if centre_ca_pem else None
        tsa_roots = x509.load_pem_x509_certificates(tsa_ca_pem) if tsa_ca_pem else None
    except ValueError as exc:
        run.problem("unreadable", "centre-ca.pem", detail=f"not a PEM certificate: {exc}")
        return report
    if roots:
        report.facts["centre_ca_sha256"] = [
            fingerprint(r.public_bytes(Encoding.PEM)) for r in roots
        ]
    try:
        with _opened(path_or_zip) as root:
            bag = _find_bag(root)
            if bag is None:
                run.problem("not_a_bag", "bagit.txt")
                return report
            run.passed(str(path_or_zip) if isinstance(path_or_zip, str | os.PathLike) else "zip")
            _check_bag(run, bag)
            manifest_path = bag / MANIFEST
            manifest = manifest_path.read_bytes() if manifest_path.is_file() else None
            if manifest is not None:
                report.facts["manifest_sha256"] = sha256(manifest).hexdigest()
            _check_cms(run, bag, manifest, roots)
            _check_timestamp(run, bag, manifest, tsa_roots)
            data = bag / "data"
            packet = _load_packet_json(run, data)
            ledger = _check_ledger(run, data, packet, tsa_roots)
            _check_files(run, data, packet, ledger)
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        run.check = report.checks[0]
        run.problem("unreadable", None, detail=str(exc)[:300])
    except Exception as exc:  # hostile input must fail closed, never crash the inbox
        run.problem("unreadable", None, detail=f"{type(exc).__name__}: {exc}"[:300])
    return report
