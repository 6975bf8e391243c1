"""The centre's packet-signing certificates and the detached CMS signature.

On first use an ECDSA P-256 centre CA (self-signed) and a signer certificate issued by
it are generated into the instance key folder next to the ledger keys
(`instance/ledger-keys/packet-ca/`, private keys mode 0600, never in the repository).
The court registers `centre-ca.pem` (or its SHA-256 fingerprint) out of band; the
signer certificate travels inside each `.p7s`.

The signer certificate has no extendedKeyUsage: OpenSSL's default purpose for
`openssl cms -verify` is S/MIME signing, which a `codeSigning` EKU fails (EVIDENCE.md §4).
"""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from hashlib import sha256
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, pkcs7
from cryptography.x509.oid import NameOID

from mediation.evidence.checkpoints import KEY_DIR

CA_DIR = "packet-ca"
CA_YEARS = 20
SIGNER_YEARS = 10


def fingerprint(cert_pem: bytes) -> str:
    """SHA-256 fingerprint as `openssl x509 -noout -fingerprint -sha256` prints it."""
    der = x509.load_pem_x509_certificate(cert_pem).public_bytes(Encoding.DER)
    digest = sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
        ]
    )


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _write(path: Path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.fchmod(fd, mode)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def make_ca_and_signer(
    organisation: str, *, now: datetime | None = None
) -> tuple[
    ec.EllipticCurvePrivateKey, x509.Certificate, ec.EllipticCurvePrivateKey, x509.Certificate
]:
    """A self-signed centre CA and a signer certificate it issued (all ECDSA P-256)."""
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name(f"{organisation} 调解协议签章根证书", organisation)
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    signer_key = ec.generate_private_key(ec.SECP256R1())
    signer = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{organisation} 调解协议材料签章", organisation))
        .issuer_name(ca_name)
        .public_key(signer_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=365 * SIGNER_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(signer_key.public_key()), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return ca_key, ca, signer_key, signer


@dataclass(frozen=True)
class PacketSigner:
    """The signer key and certificate, and the CA that issued it."""

    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate
    ca: x509.Certificate

    @property
    def ca_pem(self) -> bytes:
        return self.ca.public_bytes(Encoding.PEM)

    @property
    def ca_fingerprint(self) -> str:
        return fingerprint(self.ca_pem)

    def sign_detached(self, content: bytes) -> bytes:
        """Detached CMS SignedData, DER, over the exact bytes (Binary: no CRLF rewriting)."""
        return (
            pkcs7.PKCS7SignatureBuilder()
            .set_data(content)
            .add_signer(self.cert, self.key, hashes.SHA256())
            .sign(
                Encoding.DER,
                [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary],
            )
        )


class PacketKeys:
    """The packet CA and signer in an instance folder, generated on first use."""

    def __init__(self, instance_path: str | os.PathLike[str]) -> None:
        self.dir = Path(instance_path) / KEY_DIR / CA_DIR

    def exists(self) -> bool:
        return (self.dir / "signer.pem").is_file()

    def _load(self) -> PacketSigner:
        key = serialization.load_pem_private_key((self.dir / "signer.key").read_bytes(), None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise ValueError("the packet signer key is not an EC key")
        return PacketSigner(
            key=key,
            cert=x509.load_pem_x509_certificate((self.dir / "signer.pem").read_bytes()),
            ca=x509.load_pem_x509_certificate((self.dir / "ca.pem").read_bytes()),
        )

    def signer(self, organisation: str = "调解中心", *, create: bool = True) -> PacketSigner:
        """The signer; with `create`, a CA and signer are made if there are none yet.

        Generation happens in a temporary folder renamed into place, so two processes
        starting at once end up with the same keys (the loser's are discarded).
        """
        if self.exists() or not create:
            return self._load()
        parent = self.dir.parent
        parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = parent / f"{CA_DIR}.{secrets.token_hex(6)}.tmp"
        tmp.mkdir(mode=0o700)
        try:
            ca_key, ca, signer_key, cert = make_ca_and_signer(organisation)
            _write(tmp / "ca.key", _key_pem(ca_key), 0o600)
            _write(tmp / "ca.pem", ca.public_bytes(Encoding.PEM), 0o644)
            _write(tmp / "signer.key", _key_pem(signer_key), 0o600)
            _write(tmp / "signer.pem", cert.public_bytes(Encoding.PEM), 0o644)
            try:
                os.rename(tmp, self.dir)
            except OSError:
                if not self.exists():
                    raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return self._load()

    def ca_pem(self, organisation: str = "调解中心") -> bytes:
        return self.signer(organisation).ca_pem
