"""C2SP signed-note (Ed25519) and tlog-checkpoint texts, as pure functions.

A note is `text + "\\n" + signature lines`; each line is
`— <key name> <base64(4-byte key ID || 64-byte signature)>`. The key ID is
SHA-256(name || 0x0A || 0x01 || public key)[:4]. A checkpoint's text is
`<origin>\\n<tree size>\\n<base64 root>\\n`.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass
from hashlib import sha256

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ED25519 = 0x01
EM_DASH = "\u2014"
_NAME = re.compile(r"^[^\s+]+$")
_SIZE = re.compile(r"^(0|[1-9][0-9]{0,18})$")


class NoteError(ValueError):
    """A malformed note or key, or a signature that does not verify."""


def _check_name(name: str) -> None:
    if not name or not _NAME.match(name):
        raise NoteError(f"invalid key name {name!r}")


def key_id(name: str, public_key: bytes) -> bytes:
    _check_name(name)
    return sha256(name.encode() + b"\n" + bytes([ED25519]) + public_key).digest()[:4]


def verifier_key_text(name: str, public_key: bytes) -> str:
    """`<name>+<hex key id>+<base64(0x01 || public key)>`."""
    encoded = base64.b64encode(bytes([ED25519]) + public_key).decode()
    return f"{name}+{key_id(name, public_key).hex()}+{encoded}"


def signer_key_text(name: str, private_key: Ed25519PrivateKey) -> str:
    """`PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 || seed)>` (Go note format)."""
    seed = private_key.private_bytes_raw()
    public = private_key.public_key().public_bytes_raw()
    encoded = base64.b64encode(bytes([ED25519]) + seed).decode()
    return f"PRIVATE+KEY+{name}+{key_id(name, public).hex()}+{encoded}"


def _split_key(text: str, parts: int) -> list[str]:
    fields = text.strip().split("+")
    # base64 may itself contain "+": re-join what follows the fixed fields.
    if len(fields) < parts:
        raise NoteError("malformed key text")
    return fields[: parts - 1] + ["+".join(fields[parts - 1 :])]


def _decode_key(name: str, hex_id: str, encoded: str) -> bytes:
    _check_name(name)
    try:
        raw = base64.b64decode(encoded, validate=True)
    except binascii.Error as exc:
        raise NoteError("key is not base64") from exc
    if len(raw) != 33 or raw[0] != ED25519:
        raise NoteError("not an Ed25519 key")
    if not re.fullmatch(r"[0-9a-f]{8}", hex_id):
        raise NoteError("malformed key id")
    return raw[1:]


def parse_verifier_key(text: str) -> tuple[str, bytes, Ed25519PublicKey]:
    """(name, key id, public key) from a verifier key text; checks the key id."""
    name, hex_id, encoded = _split_key(text, 3)
    public = _decode_key(name, hex_id, encoded)
    if key_id(name, public).hex() != hex_id:
        raise NoteError("key id does not match the key")
    return name, bytes.fromhex(hex_id), Ed25519PublicKey.from_public_bytes(public)


def parse_signer_key(text: str) -> tuple[str, Ed25519PrivateKey]:
    """(name, private key) from a `PRIVATE+KEY+…` text; checks the key id."""
    fields = _split_key(text, 5)
    if fields[:2] != ["PRIVATE", "KEY"]:
        raise NoteError("not a signer key")
    name, hex_id, encoded = fields[2:]
    seed = _decode_key(name, hex_id, encoded)
    private = Ed25519PrivateKey.from_private_bytes(seed)
    if key_id(name, private.public_key().public_bytes_raw()).hex() != hex_id:
        raise NoteError("key id does not match the key")
    return name, private


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise NoteError("note text must end with a newline")
    if "\n\n" in text:
        raise NoteError("note text must not contain a blank line")
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise NoteError("note text must not contain control characters")


def sign_note(text: str, name: str, private_key: Ed25519PrivateKey) -> str:
    """The signed note: text, a blank line, one Ed25519 signature line."""
    _check_text(text)
    public = private_key.public_key().public_bytes_raw()
    signature = private_key.sign(text.encode())
    blob = base64.b64encode(key_id(name, public) + signature).decode()
    return f"{text}\n{EM_DASH} {name} {blob}\n"


@dataclass(frozen=True)
class Signature:
    name: str
    key_id: bytes
    signature: bytes


def split_note(note: str) -> tuple[str, list[Signature]]:
    """(text, signatures) of a note; the text is everything before the last blank line."""
    if not note.endswith("\n"):
        raise NoteError("note must end with a newline")
    cut = note.rfind("\n\n")
    if cut < 0:
        raise NoteError("note has no signature block")
    text, block = note[: cut + 1], note[cut + 2 :]
    _check_text(text)
    signatures = []
    for line in block.splitlines():
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != EM_DASH:
            raise NoteError(f"malformed signature line {line!r}")
        _check_name(parts[1])
        try:
            raw = base64.b64decode(parts[2], validate=True)
        except binascii.Error as exc:
            raise NoteError("signature is not base64") from exc
        if len(raw) < 5:
            raise NoteError("signature too short")
        signatures.append(Signature(parts[1], raw[:4], raw[4:]))
    if not signatures:
        raise NoteError("note has no signatures")
    return text, signatures


def open_note(
    note: str, keys: Mapping[tuple[str, bytes], Ed25519PublicKey]
) -> tuple[str, list[Signature]]:
    """Verify a note against known keys ((name, key id) -> public key).

    Returns the text and the signatures that verified. Signatures by unknown keys are
    ignored; one by a known key that fails, or no verified signature at all, is an error.
    """
    text, signatures = split_note(note)
    verified = []
    for sig in signatures:
        key = keys.get((sig.name, sig.key_id))
        if key is None:
            continue
        try:
            key.verify(sig.signature, text.encode())
        except InvalidSignature:
            raise NoteError(f"signature by {sig.name}+{sig.key_id.hex()} is invalid") from None
        verified.append(sig)
    if not verified:
        names = ", ".join(f"{s.name}+{s.key_id.hex()}" for s in signatures)
        raise NoteError(f"no signature by a known key (signed by {names})")
    return text, verified


def checkpoint_text(origin: str, tree_size: int, root: bytes) -> str:
    if not origin or "\n" in origin:
        raise NoteError("invalid origin")
    return f"{origin}\n{tree_size}\n{base64.b64encode(root).decode()}\n"


def parse_checkpoint(text: str) -> tuple[str, int, bytes]:
    """(origin, tree size, root) of a checkpoint text; extension lines are allowed."""
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "":
        raise NoteError("a checkpoint has at least three lines")
    origin, size, encoded = lines[:3]
    if not origin:
        raise NoteError("empty origin")
    if not _SIZE.match(size):
        raise NoteError(f"invalid tree size {size!r}")
    try:
        root = base64.b64decode(encoded, validate=True)
    except binascii.Error as exc:
        raise NoteError("root is not base64") from exc
    if len(root) != 32:
        raise NoteError("root is not 32 bytes")
    return origin, int(size), root
