"""Build a packet for a real case and verify it with our code and with the standard tools
in a clean environment; each tampering must fail, naming what is wrong."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from hashlib import sha256
from pathlib import Path

import pytest
import rfc8785

from mediation.db import session_scope
from mediation.packets.build import PacketContext, build_packet, write_bag
from mediation.packets.service import zip_folder
from mediation.packets.signing import PacketKeys, PacketSigner, fingerprint, make_ca_and_signer
from mediation.packets.verify import verify_packet
from tests.packets.conftest import BAGIT, OPENSSL, VENV_BIN

SYSTEM_PYTHON = "/usr/bin/python3"
CLEAN_ENV = {"PATH": f"/usr/bin:/bin:{VENV_BIN}", "LANG": "C.UTF-8"}


def _build(app, packet_case, out: Path, *, tsa_url=None, kind="settlement", extra=None) -> Path:
    ctx = PacketContext.from_app(app)
    if tsa_url:
        from mediation.evidence.timestamps import TimestampAuthority

        ctx.tsa = TimestampAuthority(tsa_url)
    with session_scope(app.extensions["mediation.sessionmaker"]) as s:
        return build_packet(
            s,
            packet_case.case_id,
            kind,
            out,
            agreement_pdf=packet_case.agreement_pdf,
            extra=extra,
            context=ctx,
        )


def _ca_pem(app) -> bytes:
    return PacketKeys(app.instance_path).signer().ca_pem


def _clean(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """A command with nothing but /usr/bin, /bin and the bagit script on PATH."""
    return subprocess.run(
        ["env", "-i", *(f"{k}={v}" for k, v in CLEAN_ENV.items()), *cmd],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def _bagit(folder: Path) -> subprocess.CompletedProcess:
    # The console script of the `bagit` package, run by its own interpreter.
    return _clean(["bagit.py", "--validate", "packet"], folder)


def _cms(folder: Path, ca: Path) -> subprocess.CompletedProcess:
    return _clean(
        [
            "openssl", "cms", "-verify", "-binary", "-inform", "DER",
            "-in", "packet/manifest-sha256.txt.p7s", "-content", "packet/manifest-sha256.txt",
            "-CAfile", str(ca), "-out", "/dev/null",
        ],
        folder,
    )  # fmt: skip


def _verify_ledger(folder: Path) -> subprocess.CompletedProcess:
    return _clean([SYSTEM_PYTHON, "-I", "data/verify_ledger.py", "data/ledger"], folder / "packet")


@pytest.fixture
def clerk_dir(tmp_path, app):
    """A clean folder outside the instance, with the registered centre-ca.pem only."""
    if OPENSSL is None or not BAGIT.exists() or not Path(SYSTEM_PYTHON).exists():
        pytest.skip("openssl, bagit.py or /usr/bin/python3 missing")
    d = tmp_path / "clerk"
    d.mkdir()
    (d / "centre-ca.pem").write_bytes(_ca_pem(app))
    return d


def test_packet_has_the_layout_and_verifies(app, packet_case, tmp_path, local_tsa):
    url, tsa_dir = local_tsa
    bag = _build(app, packet_case, tmp_path / "out", tsa_url=url)
    assert bag == tmp_path / "out" / "packet"
    files = {p.relative_to(bag).as_posix() for p in bag.rglob("*") if p.is_file()}
    assert files == {
        "bagit.txt",
        "bag-info.txt",
        "manifest-sha256.txt",
        "manifest-sha512.txt",
        "tagmanifest-sha256.txt",
        "tagmanifest-sha512.txt",
        "manifest-sha256.txt.p7s",
        "manifest-sha256.txt.tsr",
        "data/agreement.pdf",
        "data/evidence/借款合同.pdf",
        "data/evidence/还款记录 2026年.txt",
        "data/evidence/录音说明.txt",
        "data/ledger/entries.jsonl",
        "data/ledger/checkpoint.txt",
        "data/ledger/log-key.pem",
        "data/ledger/log-key.vkey",
        "data/ledger/proofs.json",
        "data/ledger/checkpoint.tsr",
        "data/packet.json",
        "data/README.txt",
        "data/verify_ledger.py",
    }
    assert (bag / "bagit.txt").read_text() == (
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    )
    for name, data in packet_case.evidence.items():
        assert (bag / "data" / "evidence" / name).read_bytes() == data
    raw = (bag / "data" / "packet.json").read_bytes()
    packet = json.loads(raw)
    assert rfc8785.dumps(packet) == raw
    assert packet["case"]["number"] == packet_case.number
    assert packet["agreement"]["sha256"] == sha256(packet_case.agreement_pdf).hexdigest()
    assert packet["agreement"]["ledger_seq"] == packet_case.agreement_seq
    assert packet["kind"] == "settlement" and "extra" not in packet
    lines = (bag / "data" / "ledger" / "entries.jsonl").read_bytes().split(b"\n")[:-1]
    assert packet["ledger"]["tree_size"] == len(lines)
    readme = (bag / "data" / "README.txt").read_text()
    for command in (
        "bagit.py --validate packet",
        "openssl cms -verify -binary -inform DER -in packet/manifest-sha256.txt.p7s",
        "-content packet/manifest-sha256.txt -CAfile centre-ca.pem -out /dev/null",
        "openssl ts -verify -data packet/manifest-sha256.txt",
        "openssl x509 -noout -fingerprint -sha256 -in centre-ca.pem",
        "python3 -I data/verify_ledger.py data/ledger",
        "openssl pkeyutl -verify -pubin -inkey log-key.pem -rawin",
        "openssl ts -verify -data /tmp/cp.body -in checkpoint.tsr",
    ):
        assert command in readme
    assert "核验步骤" in readme and "Verification" in readme
    assert fingerprint(_ca_pem(app)) in readme

    report = verify_packet(
        bag, centre_ca_pem=_ca_pem(app), tsa_ca_pem=(tsa_dir / "ca.pem").read_bytes()
    )
    assert report.ok, [p.en for p in report.problems]
    assert [c.name for c in report.checks] == [
        "open", "bag", "cms", "timestamp", "packet_json", "ledger", "checkpoint",
        "agreement", "evidence",
    ]  # fmt: skip
    assert all(c.ok for c in report.checks)
    facts = report.facts
    assert facts["case_number"] == packet_case.number
    assert facts["tree_size"] == len(lines)
    assert facts["root"] == packet["ledger"]["root"]
    assert facts["agreement_sha256"] == packet["agreement"]["sha256"]
    assert facts["signing_time"] and facts["timestamp_time"] and facts["timestamp_trusted"]
    assert facts["checkpoint_timestamp_time"]

    # A timestamp checked against the wrong TSA root fails, naming the token.
    wrong = verify_packet(bag, centre_ca_pem=_ca_pem(app), tsa_ca_pem=_ca_pem(app))
    assert wrong.codes() == ["timestamp_invalid", "timestamp_invalid"]
    assert wrong.files() == ["manifest-sha256.txt.tsr", "data/ledger/checkpoint.tsr"]


def test_standard_tools_verify_the_packet_in_a_clean_environment(
    app, packet_case, tmp_path, local_tsa, clerk_dir
):
    url, tsa_dir = local_tsa
    bag = _build(app, packet_case, tmp_path / "out", tsa_url=url)
    # What the clerk downloads is the zip; Info-ZIP's unzip restores the UTF-8 names.
    zip_folder(bag, clerk_dir / "packet.zip")
    done = _clean(["unzip", "-q", "packet.zip"], clerk_dir)
    assert done.returncode == 0, done.stderr
    (clerk_dir / "packet.zip").unlink()
    assert (clerk_dir / "packet" / "data" / "evidence" / "还款记录 2026年.txt").is_file()
    shutil.copy(tsa_dir / "ca.pem", clerk_dir / "tsa-ca.pem")

    done = _bagit(clerk_dir)
    assert done.returncode == 0, done.stderr
    done = _cms(clerk_dir, clerk_dir / "centre-ca.pem")
    assert done.returncode == 0 and "CMS Verification successful" in done.stderr, done.stderr
    done = _clean(
        [
            "openssl", "ts", "-verify", "-data", "packet/manifest-sha256.txt",
            "-in", "packet/manifest-sha256.txt.tsr", "-CAfile", "tsa-ca.pem",
        ],
        clerk_dir,
    )  # fmt: skip
    assert done.returncode == 0 and "Verification: OK" in done.stdout, done.stdout + done.stderr
    script = (
        "sed '/^$/,$d' checkpoint.txt > /tmp/cp.body.$$ && openssl ts -verify -data "
        "/tmp/cp.body.$$ -in checkpoint.tsr -CAfile ../../../tsa-ca.pem; rc=$?; "
        "rm -f /tmp/cp.body.$$; exit $rc"
    )
    done = _clean(["bash", "-c", script], clerk_dir / "packet" / "data" / "ledger")
    assert done.returncode == 0 and "Verification: OK" in done.stdout, done.stdout + done.stderr
    done = _clean(["openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", "centre-ca.pem"],
                  clerk_dir)  # fmt: skip
    assert fingerprint(_ca_pem(app)) in done.stdout
    done = _verify_ledger(clerk_dir)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "核验通过 / verification OK" in done.stdout
    assert "checkpoint Ed25519 signature valid" in done.stdout
    # The checkpoint with openssl alone, exactly as the README says.
    script = (
        "sed '/^$/,$d' checkpoint.txt > /tmp/cp.body.$$ && "
        "grep '^— ' checkpoint.txt | awk '{print $3}' | base64 -d | tail -c 64 > /tmp/cp.sig.$$ && "
        "openssl pkeyutl -verify -pubin -inkey log-key.pem -rawin -in /tmp/cp.body.$$ "
        "-sigfile /tmp/cp.sig.$$; rc=$?; rm -f /tmp/cp.body.$$ /tmp/cp.sig.$$; exit $rc"
    )
    done = _clean(["bash", "-c", script], clerk_dir / "packet" / "data" / "ledger")
    assert done.returncode == 0 and "Signature Verified Successfully" in done.stdout, done
    assert _bagit(clerk_dir).returncode == 0  # the checks left nothing behind in the packet


# --- tampering: each must fail with the standard tools and with verify_packet


def _modify_payload(bag: Path) -> str:
    target = bag / "data" / "evidence" / "还款记录 2026年.txt"
    target.write_bytes(target.read_bytes().replace(b"1000.00", b"9000.00"))  # same size
    return "data/evidence/还款记录 2026年.txt"


def _remove_file(bag: Path) -> str:
    (bag / "data" / "evidence" / "借款合同.pdf").unlink()
    return "data/evidence/借款合同.pdf"


def _add_file(bag: Path) -> str:
    (bag / "data" / "evidence" / "补充说明.txt").write_text("事后加入的文件\n")
    return "data/evidence/补充说明.txt"


def _rebag(bag: Path) -> str:
    """An attacker edits a file and regenerates every manifest: the bag is valid again."""
    _modify_payload(bag)
    for name in ("manifest", "tagmanifest"):
        for alg in ("sha256", "sha512"):
            (bag / f"{name}-{alg}.txt").unlink()
    info = dict(
        line.split(": ", 1)
        for line in (bag / "bag-info.txt").read_text().splitlines()
        if not line.startswith(("Bagging-Date", "Payload-Oxum"))
    )
    write_bag(bag, info)
    return "manifest-sha256.txt"


def _wrong_signature(bag: Path) -> str:
    """Signed by another CA's signer (e.g. a forged centre)."""
    _, ca, key, cert = make_ca_and_signer("某冒名调解中心")
    manifest = (bag / "manifest-sha256.txt").read_bytes()
    (bag / "manifest-sha256.txt.p7s").write_bytes(
        PacketSigner(key=key, cert=cert, ca=ca).sign_detached(manifest)
    )
    return "manifest-sha256.txt.p7s"


def _edit_ledger(bag: Path) -> str:
    path = bag / "data" / "ledger" / "entries.jsonl"
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b'"seq":2', b'"seq":2,"note":"x"')
    path.write_bytes(b"\n".join(lines))
    return "data/ledger/entries.jsonl"


TAMPERS = {
    "modified_file": (_modify_payload, {"bagit"}, {"file_modified"}),
    "missing_file": (_remove_file, {"bagit"}, {"file_missing"}),
    "extra_file": (_add_file, {"bagit"}, {"file_unexpected"}),
    "changed_manifest": (_rebag, {"cms"}, {"signature_digest", "hash_mismatch"}),
    "wrong_signature": (_wrong_signature, {"cms"}, {"signature_untrusted"}),
    "edited_ledger_line": (
        _edit_ledger,
        {"bagit", "verify_ledger"},
        {"file_modified", "ledger_changed"},
    ),
}


@pytest.mark.parametrize("tamper", list(TAMPERS))
def test_tampering_fails_with_the_standard_tools_and_verify_packet(
    app, packet_case, tmp_path, clerk_dir, tamper
):
    change, failing_tools, codes = TAMPERS[tamper]
    bag = _build(app, packet_case, tmp_path / "out")
    shutil.copytree(bag, clerk_dir / "packet")
    named = change(clerk_dir / "packet")

    bagit_run = _bagit(clerk_dir)
    cms_run = _cms(clerk_dir, clerk_dir / "centre-ca.pem")
    ledger_run = _verify_ledger(clerk_dir)
    results = {
        "bagit": bagit_run.returncode == 0,
        "cms": cms_run.returncode == 0,
        "verify_ledger": ledger_run.returncode == 0,
    }
    assert {tool for tool, ok in results.items() if not ok} >= failing_tools, results
    if "bagit" in failing_tools:
        # bagit.py names the file (or, for a same-size edit, its changed hash).
        assert Path(named).name in bagit_run.stderr, bagit_run.stderr
    if "cms" in failing_tools:
        assert "Verification failure" in cms_run.stderr, cms_run.stderr
        if tamper == "wrong_signature":
            assert "certificate verify error" in cms_run.stderr
        else:
            assert "digest failure" in cms_run.stderr or "content verify" in cms_run.stderr
    if tamper == "edited_ledger_line":
        assert "ledger entry 2 was changed" in ledger_run.stdout, ledger_run.stdout
        assert "FAILED" in ledger_run.stdout

    report = verify_packet(clerk_dir / "packet", centre_ca_pem=_ca_pem(app))
    assert not report.ok
    assert codes <= set(report.codes()), [p.en for p in report.problems]
    assert named in report.files(), [p.en for p in report.problems]
    messages = " ".join(p.en for p in report.problems)
    assert named in messages
    assert all(p.zh and p.en and p.zh != p.en for p in report.problems)
    # and the command, as a centre or court user runs it
    cli = app.test_cli_runner().invoke(
        args=["verify-packet", str(clerk_dir / "packet"), "--ca", str(clerk_dir / "centre-ca.pem")]
    )
    assert cli.exit_code == 1, cli.output
    assert f"[{named}]" in cli.output and "FAILED" in cli.output


def test_verify_packet_reads_zips_and_the_cli_names_the_problem(
    app, packet_case, tmp_path, clerk_dir
):
    bag = _build(app, packet_case, tmp_path / "out")
    zip_path = tmp_path / "packet.zip"
    zip_folder(bag, zip_path)
    ca = clerk_dir / "centre-ca.pem"
    assert verify_packet(zip_path, centre_ca_pem=ca.read_bytes()).ok
    assert verify_packet(zip_path.read_bytes(), centre_ca_pem=ca.read_bytes()).ok
    assert not verify_packet(zip_path, centre_ca_pem=None).ok  # no trust anchor, no trust

    runner = app.test_cli_runner()
    result = runner.invoke(args=["verify-packet", str(zip_path), "--ca", str(ca)])
    assert result.exit_code == 0, result.output
    assert "CMS" in result.output and packet_case.number in result.output

    with zipfile.ZipFile(zip_path) as zf, zipfile.ZipFile(tmp_path / "bad.zip", "w") as out:
        for info in zf.infolist():
            data = zf.read(info)
            if info.filename == "packet/data/agreement.pdf":
                data = data.replace(b"%%EOF", b"%%EOX")
            out.writestr(info, data)
    result = runner.invoke(args=["verify-packet", str(tmp_path / "bad.zip"), "--ca", str(ca)])
    assert result.exit_code == 1
    assert "data/agreement.pdf" in result.output and "FAILED" in result.output


def test_a_zip_cannot_write_outside_its_folder(tmp_path, app):
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("../outside.txt", b"x")
    report = verify_packet(evil, centre_ca_pem=_ca_pem(app))
    assert report.codes() == ["unreadable"]
    assert not (tmp_path.parent / "outside.txt").exists()
    assert os.listdir(tmp_path) == ["evil.zip"] or "instance" in os.listdir(tmp_path)


def test_hostile_or_odd_input_fails_closed(app, packet_case, tmp_path):
    ca = _ca_pem(app)
    assert verify_packet(b"not a zip", centre_ca_pem=ca).codes() == ["unreadable"]
    assert verify_packet(tmp_path, centre_ca_pem=ca).codes() == ["not_a_bag"]
    bag = _build(app, packet_case, tmp_path / "out")
    # A bag zipped at the root (no packet/ folder) is found too; a PEM may come as text.
    flat = tmp_path / "flat.zip"
    with zipfile.ZipFile(flat, "w") as zf:
        for path in sorted(bag.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(bag).as_posix())
    assert verify_packet(flat, centre_ca_pem=ca.decode()).ok
    # packet.json listing nonsense: a problem, not a crash (signature fails too).
    raw = json.loads((bag / "data" / "packet.json").read_bytes())
    raw["evidence"] = ["x", 1]
    (bag / "data" / "packet.json").write_bytes(rfc8785.dumps(raw))
    report = verify_packet(bag, centre_ca_pem=ca)
    assert not report.ok and "file_modified" in report.codes()
