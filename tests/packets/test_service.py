"""Packets as records (table, blob store, ledger entry, download), enforcement packets,
the centre CA on first use and `mediation packet export-ca`, and the stdlib-only
verify_ledger.py's own Ed25519 and Merkle code."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import zipfile
from decimal import Decimal
from hashlib import sha256
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mediation.cases.model import Case, Stage
from mediation.db import session_scope
from mediation.errors import UserError
from mediation.evidence import ledger as ledger_mod
from mediation.evidence import merkle
from mediation.evidence.model import LedgerEntry
from mediation.packets import verify_ledger
from mediation.packets.build import PacketContext, build_packet
from mediation.packets.model import Packet
from mediation.packets.service import export_packet, list_packets, packet_zip
from mediation.packets.signing import PacketKeys, fingerprint
from mediation.packets.verify import verify_packet
from mediation.people.model import User

REPO = Path(__file__).resolve().parents[2]


def _factory(app):
    return app.extensions["mediation.sessionmaker"]


def test_export_stores_the_zip_records_it_and_it_downloads(app, packet_case):
    ctx = PacketContext.from_app(app)
    with session_scope(_factory(app)) as s:
        case = s.get(Case, packet_case.case_id)
        mediator = s.get(User, packet_case.mediator_id)
        row = export_packet(
            s, case, "settlement", mediator, agreement_pdf=packet_case.agreement_pdf, context=ctx
        )
        packet_id = row.id
    with _factory(app)() as s:
        row = s.get(Packet, packet_id)
        assert row.kind == "settlement" and row.created_by_id == packet_case.mediator_id
        assert row.blob_key == row.sha256
        assert row.agreement_sha256 == sha256(packet_case.agreement_pdf).hexdigest()
        assert [p.id for p in list_packets(s, packet_case.case_id)] == [packet_id]
        stream, filename, _ = packet_zip(s, packet_id, context=ctx)
        with stream:
            data = stream.read()
        assert filename == f"packet-{packet_case.number}-settlement-{packet_id}.zip"
        assert len(data) == row.size and sha256(data).hexdigest() == row.sha256
        # The packet is on the case's ledger, after the checkpoint it carries.
        entry = ledger_mod.entries(s, packet_case.case_id)[-1]
        body = json.loads(entry.body)
        assert body["type"] == "packet.built"
        assert body["payload"]["zip_sha256"] == row.sha256
        assert body["payload"]["tree_size"] == row.tree_size == entry.seq
    with zipfile.ZipFile(Path(ctx.packet_store.path(row.blob_key))) as zf:
        names = zf.namelist()
    assert "packet/bagit.txt" in names and "packet/data/evidence/借款合同.pdf" in names
    report = verify_packet(data, centre_ca_pem=ctx.packet_signer.ca_pem)
    assert report.ok, [p.en for p in report.problems]
    assert report.facts["tree_size"] == row.tree_size


def test_enforcement_packet_carries_extra_and_its_own_title(app, packet_case, tmp_path):
    ctx = PacketContext.from_app(app)
    extra = {"missed_payments": [{"due_on": "2026-12-31", "amount": "30000.00", "paid": "0"}]}
    with session_scope(_factory(app)) as s:
        case = s.get(Case, packet_case.case_id)
        bag = build_packet(
            s,
            case,
            "enforcement",
            tmp_path,
            agreement_pdf=packet_case.agreement_pdf,
            extra=extra,
            context=ctx,
        )
    packet = json.loads((bag / "data" / "packet.json").read_bytes())
    assert packet["kind"] == "enforcement" and packet["extra"] == extra
    readme = (bag / "data" / "README.txt").read_text()
    assert readme.startswith("强制执行申请材料\nEnforcement application packet\n")
    report = verify_packet(bag, centre_ca_pem=ctx.packet_signer.ca_pem)
    assert report.ok and report.facts["kind"] == "enforcement"
    assert report.facts["extra"] == extra


def test_refusals(app, packet_case, tmp_path, make_user):
    ctx = PacketContext.from_app(app)
    out = tmp_path / "out"
    out.mkdir()
    _, _ = make_user("claimant9", "claimant")
    with session_scope(_factory(app)) as s:
        case = s.get(Case, packet_case.case_id)
        with pytest.raises(UserError) as err:
            build_packet(s, case, "settlement", out, agreement_pdf=b"%PDF-1.7 other", context=ctx)
        assert err.value.code == "packet.agreement_not_on_ledger"
        assert "SHA-256" in err.value.message("en") and "账本" in err.value.message("zh")
        with pytest.raises(UserError) as err:
            build_packet(s, case, "appeal", out, agreement_pdf=b"%PDF-", context=ctx)
        assert err.value.code == "packet.bad_kind"
        with pytest.raises(UserError) as err:
            build_packet(
                s, case, "enforcement", out, agreement_pdf=packet_case.agreement_pdf,
                extra={"amount": Decimal("1.5")}, context=ctx,
            )  # fmt: skip
        assert err.value.code == "packet.bad_extra" and "RFC 8785" in err.value.message("en")
        outsider = s.query(User).filter_by(username="claimant9").one()
        with pytest.raises(UserError) as err:
            export_packet(
                s, case, "settlement", outsider, agreement_pdf=packet_case.agreement_pdf,
                context=ctx,
            )  # fmt: skip
        assert err.value.status == 403
        case.stage = Stage.MEDIATION
        with pytest.raises(UserError) as err:
            export_packet(
                s, case, "settlement", None, agreement_pdf=packet_case.agreement_pdf,
                context=ctx,
            )  # fmt: skip
        assert err.value.code == "packet.wrong_stage" and err.value.status == 409
        s.rollback()
    assert not any(out.iterdir())  # nothing half-built left behind


def test_agreement_found_by_payload_hash_as_well(app, packet_case, tmp_path):
    """An agreement entry that carries the hash in its payload only (no `file`)."""
    ctx = PacketContext.from_app(app)
    pdf = packet_case.agreement_pdf.replace(b"%%EOF", b"%%EOF\n")
    digest = sha256(pdf).hexdigest()
    with session_scope(_factory(app)) as s:
        ledger_mod.append_entry(
            s, packet_case.case_id, "agreement.amended", None, {"sha256": digest}
        )
        bag = build_packet(s, packet_case.case_id, "settlement", tmp_path, agreement_pdf=pdf,
                           context=ctx)  # fmt: skip
        seq = s.query(LedgerEntry).filter_by(case_id=packet_case.case_id).count() - 1
    packet = json.loads((bag / "data" / "packet.json").read_bytes())
    assert packet["agreement"]["ledger_seq"] == seq
    assert verify_packet(bag, centre_ca_pem=ctx.packet_signer.ca_pem).ok


def test_centre_ca_on_first_use_and_export_ca(app, tmp_path):
    keys = PacketKeys(app.instance_path)
    assert not keys.exists()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["packet", "export-ca", "--out", str(tmp_path / "centre-ca.pem")])
    assert result.exit_code == 0, result.output
    assert keys.exists()
    for name in ("ca.key", "signer.key"):
        assert stat.S_IMODE((keys.dir / name).stat().st_mode) == 0o600
    assert not keys.dir.resolve().is_relative_to(REPO)  # instance folder, not the repo
    pem = (tmp_path / "centre-ca.pem").read_bytes()
    assert f"SHA256 Fingerprint={fingerprint(pem)}" in result.output
    openssl = subprocess.run(
        ["openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", str(tmp_path / "centre-ca.pem")],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert fingerprint(pem) in openssl
    signer = keys.signer()
    ca = x509.load_pem_x509_certificate(pem)
    assert signer.cert.issuer == ca.subject
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    with pytest.raises(x509.ExtensionNotFound):  # no EKU: OpenSSL's S/MIME purpose passes
        signer.cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    again = runner.invoke(args=["packet", "export-ca"])
    assert pem.decode() in again.output  # the same CA, not a new one


def test_verify_ledger_ed25519_matches_cryptography():
    for i in range(20):
        key = Ed25519PrivateKey.generate()
        public = key.public_key().public_bytes_raw()
        message = os.urandom(i * 7)
        signature = key.sign(message)
        assert verify_ledger.ed25519_verify(public, message, signature)
        assert not verify_ledger.ed25519_verify(public, message + b"x", signature)
        flipped = bytearray(signature)
        flipped[i % 64] ^= 1 << (i % 8)
        assert not verify_ledger.ed25519_verify(public, message, bytes(flipped))
        other = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
        assert not verify_ledger.ed25519_verify(other, message, signature)


def test_verify_ledger_merkle_matches_the_ledger_module():
    for size in range(1, 34):
        leaves = [merkle.leaf_hash(f"entry {i}".encode()) for i in range(size)]
        root = merkle.root(leaves)
        assert verify_ledger.tree_root(leaves) == root
        for index in range(size):
            path = merkle.inclusion_proof(index, leaves)
            assert verify_ledger.inclusion_ok(index, size, leaves[index], path, root)
            assert not verify_ledger.inclusion_ok(index, size, leaves[index - 1], path, root) or (
                size == 1
            )
            if path:
                assert not verify_ledger.inclusion_ok(index, size, leaves[index], path[:-1], root)


def test_packet_build_command(app, packet_case, tmp_path):
    pdf = tmp_path / "agreement.pdf"
    pdf.write_bytes(packet_case.agreement_pdf)
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["packet", "build", packet_case.number, "--agreement", str(pdf), "--out",
              str(tmp_path / "out")]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.startswith("packet ")
    ca = tmp_path / "centre-ca.pem"
    ca.write_bytes(PacketKeys(app.instance_path).signer().ca_pem)
    checked = runner.invoke(
        args=["verify-packet", str(tmp_path / "out" / "packet"), "--ca", str(ca)]
    )
    assert checked.exit_code == 0, checked.output
    refused = runner.invoke(
        args=["packet", "build", packet_case.number, "--agreement", str(ca)]
    )  # not a PDF
    assert refused.exit_code != 0 and "PDF" in refused.output


def test_messages_have_the_same_fields_in_both_languages():
    import string

    from mediation.packets.messages import MESSAGES

    fields = string.Formatter()
    for key, (zh, en) in MESSAGES.items():
        assert zh and en and zh != en, key
        assert {f[1] for f in fields.parse(zh) if f[1]} == {
            f[1] for f in fields.parse(en) if f[1]
        }, key
