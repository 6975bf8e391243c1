"""C2SP signed-note (Ed25519) and tlog-checkpoint texts, against the Go reference."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mediation.evidence import notes


@pytest.fixture
def vector(shared_data):
    return json.loads((shared_data / "merkle-vectors" / "signed-note.json").read_text())


def test_signing_reproduces_the_reference_note_byte_for_byte(vector):
    name, private = notes.parse_signer_key(vector["signer_key"])
    assert notes.sign_note(vector["text"], name, private) == vector["signed_note"]
    public = private.public_key().public_bytes_raw()
    assert notes.verifier_key_text(name, public) == vector["verifier_key"]
    assert notes.signer_key_text(name, private) == vector["signer_key"]


def test_reference_note_opens_with_either_key(vector):
    first = notes.parse_verifier_key(vector["verifier_key"])
    second = notes.parse_verifier_key(vector["second_key"]["verifier_key"])
    note = vector["signed_note"] + vector["second_key"]["signature_line"]
    text, sigs = notes.open_note(note, {(first[0], first[1]): first[2]})
    assert text == vector["text"]
    assert [s.name for s in sigs] == ["PeterNeumann"]
    _, sigs = notes.open_note(note, {(second[0], second[1]): second[2]})
    assert [s.name for s in sigs] == ["EnochRoot"]


def test_a_changed_text_or_an_unknown_key_is_refused(vector):
    name, key_id, public = notes.parse_verifier_key(vector["verifier_key"])
    keys = {(name, key_id): public}
    forged = vector["signed_note"].replace("cryptography", "cryptographY")
    with pytest.raises(notes.NoteError, match="invalid"):
        notes.open_note(forged, keys)
    other = Ed25519PrivateKey.generate()
    with pytest.raises(notes.NoteError, match="no signature by a known key"):
        notes.open_note(notes.sign_note(vector["text"], name, other), keys)


def test_checkpoint_text_round_trip():
    root = bytes(range(32))
    text = notes.checkpoint_text("example.org/log", 12, root)
    assert text.count("\n") == 3
    assert notes.parse_checkpoint(text) == ("example.org/log", 12, root)
    with pytest.raises(notes.NoteError):
        notes.parse_checkpoint("example.org/log\n012\nAAAA\n")


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")
def test_a_clerk_can_check_a_checkpoint_with_openssl_alone(tmp_path):
    """EVIDENCE.md §2: body before the blank line, signature = last 64 bytes of the blob."""
    private = Ed25519PrivateKey.generate()
    text = notes.checkpoint_text("centre.example/ledger/case/7", 5, bytes(32))
    note = notes.sign_note(text, "centre.example/ledger", private)
    (tmp_path / "checkpoint.txt").write_text(note)
    (tmp_path / "log-key.pem").write_bytes(
        private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    script = (
        "sed '/^$/,$d' checkpoint.txt > cp.body && "
        "grep '^— ' checkpoint.txt | awk '{print $3}' | base64 -d | tail -c 64 > cp.sig && "
        "openssl pkeyutl -verify -pubin -inkey log-key.pem -rawin -in cp.body -sigfile cp.sig"
    )
    ok = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True)
    assert ok.returncode == 0 and "Signature Verified Successfully" in ok.stdout
    (tmp_path / "checkpoint.txt").write_text(note.replace("\n5\n", "\n6\n"))
    bad = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True)
    assert bad.returncode != 0
