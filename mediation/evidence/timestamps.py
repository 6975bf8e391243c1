"""RFC 3161 trusted timestamps over checkpoint notes, from a configured TSA URL.

The raw TimeStampResp is kept as issued, so a clerk can check it with
`openssl ts -verify -data checkpoint.txt -in checkpoint.tsr -CAfile tsa-ca.pem`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import urllib.request
from datetime import UTC, datetime
from hashlib import sha256
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimestampRequestBuilder,
    VerifierBuilder,
    decode_timestamp_response,
)
from rfc3161_client.errors import VerificationError

from mediation.evidence.errors import EvidenceError

SHA256_OID = "2.16.840.1.101.3.4.2.1"


class TimestampError(ValueError):
    """A timestamp response that is malformed, refused, or does not cover the data."""


def _naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


class TimestampAuthority:
    """Client of one RFC 3161 time-stamping authority (HTTP POST, RFC 3161 §3.4)."""

    def __init__(self, url: str, *, timeout: float = 10.0) -> None:
        self.url = url
        self.timeout = timeout

    def stamp(self, data: bytes) -> bytes:
        """The raw TimeStampResp over SHA-256(data); checks status, nonce and imprint."""
        request = (
            TimestampRequestBuilder()
            .data(data)
            .hash_algorithm(HashAlgorithm.SHA256)
            .cert_request(cert_request=True)
            .build()
        )
        http = urllib.request.Request(
            self.url,
            data=request.as_bytes(),
            headers={"Content-Type": "application/timestamp-query"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(http, timeout=self.timeout) as reply:
                raw = reply.read()
        except OSError as exc:
            raise EvidenceError("timestamp.failed", detail=str(exc)) from exc
        try:
            response = decode_timestamp_response(raw)
        except ValueError as exc:
            raise EvidenceError("timestamp.failed", detail=f"unreadable reply: {exc}") from exc
        if response.status not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
            raise EvidenceError("timestamp.failed", detail=f"status {response.status}")
        info = response.tst_info
        if request.nonce is not None and info.nonce != request.nonce:
            raise EvidenceError("timestamp.failed", detail="nonce mismatch")
        if info.message_imprint.message != sha256(data).digest():
            raise EvidenceError("timestamp.failed", detail="message imprint mismatch")
        return raw


def timestamp_time(tsr: bytes) -> datetime:
    """genTime of a timestamp response, naive UTC."""
    return _naive_utc(decode_timestamp_response(tsr).tst_info.gen_time)


def _openssl_verify(tsr: bytes, data: bytes, roots_pem: bytes) -> datetime:
    """`openssl ts -verify`, then genTime from `openssl ts -reply -text`."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise TimestampError("the timestamp cannot be parsed and openssl is not available")
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        (d / "data").write_bytes(data)
        (d / "r.tsr").write_bytes(tsr)
        (d / "ca.pem").write_bytes(roots_pem)
        verify = [openssl, "ts", "-verify", "-data", str(d / "data"), "-in", str(d / "r.tsr")]
        done = subprocess.run(
            [*verify, "-CAfile", str(d / "ca.pem")], capture_output=True, text=True, check=False
        )
        if done.returncode != 0 or "Verification: OK" not in done.stdout:
            output = (done.stdout + done.stderr).strip()[-300:]
            raise TimestampError(f"openssl ts -verify: {output}")
        text = subprocess.run(
            [openssl, "ts", "-reply", "-in", str(d / "r.tsr"), "-text"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
    found = re.search(r"^Time stamp: (\w{3}) +(\d+) (\d\d:\d\d:\d\d)(?:\.\d+)? (\d{4})", text, re.M)
    if not found:
        raise TimestampError("openssl verified the timestamp but printed no time")
    month, day, clock, year = found.groups()
    return datetime.strptime(f"{month} {day} {clock} {year}", "%b %d %H:%M:%S %Y")


def verify_timestamp(tsr: bytes, data: bytes, roots: list[x509.Certificate] | None) -> datetime:
    """Check a timestamp covers `data`; with roots, also the TSA's signature and chain.

    Returns genTime (naive UTC). Without roots only the imprint is checked: the caller
    should say that the time is not independently verified.
    """
    try:
        response = decode_timestamp_response(tsr)
    except ValueError as exc:
        # Some TSAs encode their certificate SET out of DER order; rfc3161-client then
        # refuses to parse while OpenSSL accepts the token.
        if not roots:
            raise TimestampError(f"unreadable timestamp: {exc}") from exc
        return _openssl_verify(tsr, data, b"".join(r.public_bytes(Encoding.PEM) for r in roots))
    if response.status not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        raise TimestampError(f"timestamp status {response.status}")
    info = response.tst_info
    algorithm = info.message_imprint.hash_algorithm.dotted_string
    if algorithm != SHA256_OID or info.message_imprint.message != sha256(data).digest():
        raise TimestampError("timestamp does not cover this checkpoint (imprint mismatch)")
    if roots:
        builder = VerifierBuilder()
        for root in roots:
            builder = builder.add_root_certificate(root)
        try:
            builder.build().verify_message(response, data)
        except VerificationError as exc:
            raise TimestampError(f"timestamp signature or chain invalid: {exc}") from exc
    return _naive_utc(info.gen_time)


def load_certificates(path: str | Path) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(Path(path).read_bytes())
