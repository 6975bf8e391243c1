"""Signed checkpoints: key on first use (0600), rotation, scheduled signing, and RFC 3161
timestamps from a local TSA built with `openssl ts`."""

from __future__ import annotations

import shutil
import stat
import subprocess

import pytest

from mediation.db import session_scope
from mediation.evidence import checkpoints, ledger, notes
from mediation.evidence.checkpoints import KeyRing
from mediation.evidence.errors import EvidenceError
from mediation.evidence.model import LedgerCheckpoint, SigningKey
from mediation.evidence.timestamps import (
    TimestampAuthority,
    TimestampError,
    load_certificates,
    verify_timestamp,
)
from mediation.evidence.verify import verify_case

OPENSSL = shutil.which("openssl")


def _fill(db, case_id, n, start=0):
    with session_scope(db.factory) as s:
        for i in range(start, start + n):
            ledger.append_entry(s, case_id, "case.note", None, {"i": i})


def test_key_is_created_once_with_mode_0600(tmp_path):
    ring = KeyRing(tmp_path / "instance")
    assert ring.trusted() == {}
    with pytest.raises(EvidenceError):
        ring.current(create=False)
    signer = ring.current("centre.example/ledger")
    key_file = ring.dir / f"{signer.key_id}.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(ring.dir.stat().st_mode) == 0o700
    assert key_file.read_text().startswith("PRIVATE+KEY+centre.example/ledger+")
    again = KeyRing(tmp_path / "instance").current("centre.example/ledger")
    assert again.key_id == signer.key_id  # loaded, not regenerated
    assert list(ring.trusted()) == [(signer.name, bytes.fromhex(signer.key_id))]


def test_rotation_keeps_old_checkpoints_verifiable(sqlite_db, keyring):
    case_id, _, _ = sqlite_db.make_case()
    old = keyring.current("centre.example/ledger")
    _fill(sqlite_db, case_id, 3)
    with session_scope(sqlite_db.factory) as s:
        checkpoints.checkpoint_case(s, case_id, old)
    new = keyring.rotate()
    assert new.key_id != old.key_id and new.name == old.name
    assert not (keyring.dir / f"{old.key_id}.key").exists()  # old private key gone
    assert (keyring.dir / f"{old.key_id}.vkey").exists()  # its public half kept
    assert keyring.current().key_id == new.key_id
    _fill(sqlite_db, case_id, 2, start=3)
    with session_scope(sqlite_db.factory) as s:
        checkpoints.checkpoint_case(s, case_id, new)
    with sqlite_db.factory() as s:
        keys = {k.key_id: k for k in s.query(SigningKey)}
        assert keys[old.key_id].retired_at is not None and keys[new.key_id].retired_at is None
        assert keys[old.key_id].verifier_key == old.verifier_key
        report = verify_case(s, case_id, keys=keyring.trusted())
        assert report.ok, report.summary()
        assert {c.key_id for c in report.checkpoints} == {old.key_id, new.key_id}


def test_checkpoint_is_a_c2sp_note_over_the_head(sqlite_db, signer):
    case_id, _, _ = sqlite_db.make_case()
    _fill(sqlite_db, case_id, 5)
    with session_scope(sqlite_db.factory) as s:
        cp = checkpoints.checkpoint_case(s, case_id, signer)
        assert checkpoints.checkpoint_case(s, case_id, signer).id == cp.id  # nothing new
        text, sigs = notes.open_note(cp.note, signer.trusted())
        assert notes.parse_checkpoint(text) == (
            f"{signer.name}/case/{case_id}",
            5,
            ledger.tree_root(s, case_id),
        )
        assert cp.note.splitlines()[-1].startswith(f"\u2014 {signer.name} ")


def test_scheduled_signing_covers_every_grown_case(sqlite_db, signer):
    a, _, _ = sqlite_db.make_case()
    b, _, _ = sqlite_db.make_case()
    sqlite_db.make_case()  # empty: nothing to sign
    _fill(sqlite_db, a, 2)
    _fill(sqlite_db, b, 3)
    first = checkpoints.sign_pending(sqlite_db.factory, signer)
    assert sorted((c.case_id, c.tree_size) for c in first) == [(a, 2), (b, 3)]
    assert checkpoints.sign_pending(sqlite_db.factory, signer) == []
    _fill(sqlite_db, b, 1, start=3)
    assert [
        (c.case_id, c.tree_size) for c in checkpoints.sign_pending(sqlite_db.factory, signer)
    ] == [(b, 4)]
    with sqlite_db.factory() as s:
        assert verify_case(s, b, keys=signer.trusted()).ok


# --- RFC 3161 with a local TSA (EVIDENCE.md §3; the local_tsa fixture in tests/conftest.py)


def test_checkpoint_with_a_trusted_timestamp(sqlite_db, signer, local_tsa, tmp_path):
    url, tsa_dir = local_tsa
    roots = load_certificates(tsa_dir / "ca.pem")
    case_id, _, _ = sqlite_db.make_case()
    _fill(sqlite_db, case_id, 4)
    with session_scope(sqlite_db.factory) as s:
        cp = checkpoints.checkpoint_case(s, case_id, signer, TimestampAuthority(url))
        assert cp.tsr and cp.timestamped_at is not None
        cp_id = cp.id
    with sqlite_db.factory() as s:
        cp = s.get(LedgerCheckpoint, cp_id)
        text = notes.split_note(cp.note)[0]
        assert verify_timestamp(cp.tsr, text.encode(), roots) == cp.timestamped_at
        with pytest.raises(TimestampError, match="imprint"):
            verify_timestamp(cp.tsr, text.encode() + b"x", roots)
        report = verify_case(s, case_id, keys=signer.trusted(), tsa_roots=roots)
        assert report.ok and report.checkpoints[0].timestamp_verified
        assert "RFC 3161 time" in report.summary()
        other_root = load_certificates(tsa_dir / "tsa.pem")  # not a root: chain fails
        bad = verify_case(s, case_id, keys=signer.trusted(), tsa_roots=other_root)
        assert bad.first_problem.code == "checkpoint.timestamp"
    # a clerk's check with openssl alone (EVIDENCE.md §3)
    (tmp_path / "checkpoint.txt").write_bytes(text.encode())
    (tmp_path / "checkpoint.tsr").write_bytes(cp.tsr)
    done = subprocess.run(
        [
            OPENSSL,
            "ts",
            "-verify",
            "-data",
            "checkpoint.txt",
            "-in",
            "checkpoint.tsr",
            "-CAfile",
            str(tsa_dir / "ca.pem"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert "Verification: OK" in done.stdout


def test_scheduled_signing_with_timestamps(sqlite_db, signer, local_tsa):
    url, tsa_dir = local_tsa
    case_id, _, _ = sqlite_db.make_case()
    _fill(sqlite_db, case_id, 2)
    [cp] = checkpoints.sign_pending(sqlite_db.factory, signer, TimestampAuthority(url))
    with sqlite_db.factory() as s:
        assert s.get(LedgerCheckpoint, cp.id).tsr is not None
        roots = load_certificates(tsa_dir / "ca.pem")
        assert verify_case(s, case_id, keys=signer.trusted(), tsa_roots=roots).ok


def test_unreachable_tsa_is_a_clear_error(sqlite_db, signer):
    case_id, _, _ = sqlite_db.make_case()
    _fill(sqlite_db, case_id, 1)
    with sqlite_db.factory() as s:
        with pytest.raises(EvidenceError) as err:
            checkpoints.checkpoint_case(
                s, case_id, signer, TimestampAuthority("http://127.0.0.1:9/", timeout=2)
            )
        assert err.value.code == "timestamp.failed"
