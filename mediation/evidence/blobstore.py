"""Content-addressed file store: every file is kept once, under its SHA-256.

`BlobStore` is the interface (an S3-compatible store implements the same methods);
`LocalBlobStore` keeps files under a directory. An upload streams to a temporary file
in the store's own file system, is fsynced, checked (size, type by content) and only
then renamed into place, so a failed or killed upload never leaves a half-written blob.
"""

from __future__ import annotations

import abc
import codecs
import os
import re
import tempfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path
from typing import BinaryIO

from mediation.evidence.errors import EvidenceError

CHUNK = 1024 * 1024
HEAD_SIZE = 64 * 1024  # bytes kept for sniffing
DEFAULT_MAX_SIZE = 64 * 1024 * 1024
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
WEBP = "image/webp"
HEIC = "image/heic"
TIFF = "image/tiff"
WAV = "audio/wav"
MP3 = "audio/mpeg"
AAC = "audio/aac"
AMR = "audio/amr"
OGG = "audio/ogg"
FLAC = "audio/flac"
M4A = "audio/mp4"
MP4 = "video/mp4"
QUICKTIME = "video/quicktime"
TEXT = "text/plain; charset=utf-8"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
OFD = "application/ofd"  # GB/T 33190, the format of Chinese electronic invoices
ZIP = "application/zip"
OLE = "application/x-ole-storage"  # legacy .doc/.xls: may carry macros
UNKNOWN = "application/octet-stream"

DEFAULT_ALLOWED_TYPES = frozenset(
    {PDF, PNG, JPEG, GIF, WEBP, HEIC, TIFF, WAV, MP3, AAC, AMR, OGG, FLAC, M4A, MP4}
    | {QUICKTIME, TEXT, DOCX, XLSX, PPTX, OFD}
)

_FTYP_AUDIO = {b"M4A ", b"M4B ", b"F4A "}
_FTYP_HEIF = {b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1"}
# C0 controls other than TAB, LF, VT, FF, CR, ESC, and DEL: binary, not text.
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")


def check_address(sha256_hex: str) -> str:
    if not isinstance(sha256_hex, str) or not SHA256_HEX.match(sha256_hex):
        raise EvidenceError("blob.bad_address", sha256=str(sha256_hex)[:80])
    return sha256_hex


def sniff(head: bytes, *, utf8_text: bool = False, zip_names: list[str] | None = None) -> str:
    """The media type of a file from its first bytes (never from its name).

    `utf8_text`: the whole file is valid UTF-8 without binary control bytes.
    `zip_names`: member names when the file is a ZIP archive (Office, OFD).
    """
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return WAV
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _FTYP_AUDIO:
            return M4A
        if brand in _FTYP_HEIF:
            return HEIC
        if brand == b"qt  ":
            return QUICKTIME
        return MP4
    if head.startswith(b"ID3"):
        return MP3
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        layer = (head[1] >> 1) & 0x03
        if layer == 0 and head[1] & 0xF6 == 0xF0:
            return AAC  # ADTS
        if layer != 0 and (head[2:3] or b"\x00")[0] >> 4 != 0x0F:
            return MP3  # MPEG audio frame sync with a valid layer and bitrate
    if head.startswith(b"#!AMR"):
        return AMR
    if head.startswith(b"OggS"):
        return OGG
    if head.startswith(b"fLaC"):
        return FLAC
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    if head.startswith(b"PK\x03\x04"):
        names = set(zip_names or ())
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
        if "ppt/presentation.xml" in names:
            return PPTX
        if "OFD.xml" in names:
            return OFD
        return ZIP
    if utf8_text:
        return TEXT
    return UNKNOWN


class _Sniffer:
    """Watches an upload go by: keeps its head and whether it is all UTF-8 text."""

    def __init__(self) -> None:
        self.head = bytearray()
        self.text = True
        self._decoder = codecs.getincrementaldecoder("utf-8")("strict")

    def feed(self, chunk: bytes) -> None:
        if len(self.head) < HEAD_SIZE:
            self.head += chunk[: HEAD_SIZE - len(self.head)]
        if self.text:
            try:
                self._decoder.decode(chunk)
            except UnicodeDecodeError:
                self.text = False
            else:
                self.text = _BINARY_BYTES.search(chunk) is None

    def media_type(self, path: Path) -> str:
        if self.text:
            try:
                self._decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                self.text = False
        head = bytes(self.head)
        names = None
        if head.startswith(b"PK\x03\x04"):
            try:
                with zipfile.ZipFile(path) as zf:
                    names = zf.namelist()
            except (zipfile.BadZipFile, OSError):
                return UNKNOWN
        return sniff(head, utf8_text=self.text, zip_names=names)


@dataclass(frozen=True)
class StoredBlob:
    sha256: str  # lowercase hex, the content address
    size: int
    media_type: str
    created: bool  # False when the store already held this content


class BlobStore(abc.ABC):
    """What the evidence service needs from a file store."""

    max_size: int
    allowed_types: frozenset[str]

    @abc.abstractmethod
    def put(
        self, stream: BinaryIO, *, max_size: int | None = None, expected_sha256: str | None = None
    ) -> StoredBlob:
        """Store a stream; nothing is left behind if this raises."""

    @abc.abstractmethod
    def open(self, sha256_hex: str) -> BinaryIO:
        """The stored bytes; EvidenceError("blob.not_found") if absent."""

    @abc.abstractmethod
    def exists(self, sha256_hex: str) -> bool: ...

    @abc.abstractmethod
    def delete(self, sha256_hex: str) -> None:
        """Remove a blob (lawful erasure); the ledger keeps only its hash."""

    @abc.abstractmethod
    def addresses(self) -> Iterator[str]:
        """Every stored content address."""

    def digest(self, sha256_hex: str) -> str:
        """SHA-256 of what is stored now, read back in full (for verification)."""
        h = sha256()
        with self.open(sha256_hex) as f:
            while chunk := f.read(CHUNK):
                h.update(chunk)
        return h.hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class LocalBlobStore(BlobStore):
    """Blobs under `root/ab/cd/abcd…`; uploads in progress under `root/tmp/`."""

    def __init__(
        self,
        root: str | os.PathLike[str],
        *,
        max_size: int = DEFAULT_MAX_SIZE,
        allowed_types: frozenset[str] = DEFAULT_ALLOWED_TYPES,
    ) -> None:
        self.root = Path(root)
        self.tmp = self.root / "tmp"
        self.max_size = max_size
        self.allowed_types = frozenset(allowed_types)
        self.tmp.mkdir(parents=True, exist_ok=True)

    def path(self, sha256_hex: str) -> Path:
        """Where the blob lives (for sendfile); it may not exist."""
        check_address(sha256_hex)
        return self.root / sha256_hex[:2] / sha256_hex[2:4] / sha256_hex

    def put(
        self, stream: BinaryIO, *, max_size: int | None = None, expected_sha256: str | None = None
    ) -> StoredBlob:
        limit = self.max_size if max_size is None else max_size
        fd, tmp_name = tempfile.mkstemp(dir=self.tmp, prefix="upload-", suffix=".part")
        tmp = Path(tmp_name)
        try:
            h = sha256()
            size = 0
            sniffer = _Sniffer()
            with os.fdopen(fd, "wb") as f:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise EvidenceError("blob.too_large", limit_mb=round(limit / 2**20, 1))
                    h.update(chunk)
                    sniffer.feed(chunk)
                    f.write(chunk)
                f.flush()
                os.fsync(f.fileno())
            if size == 0:
                raise EvidenceError("blob.empty")
            digest = h.hexdigest()
            if expected_sha256 is not None and expected_sha256.lower() != digest:
                raise EvidenceError("blob.hash_mismatch")
            media_type = sniffer.media_type(tmp)
            if media_type not in self.allowed_types:
                raise EvidenceError("blob.type_not_allowed", media_type=media_type)
            final = self.path(digest)
            existed = final.exists()
            final.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(tmp, 0o444)
            # Replacing an existing blob is harmless (same bytes) and repairs a damaged copy.
            os.replace(tmp, final)
            _fsync_dir(final.parent)
            return StoredBlob(digest, size, media_type, created=not existed)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def open(self, sha256_hex: str) -> BinaryIO:
        try:
            return open(self.path(sha256_hex), "rb")
        except FileNotFoundError:
            raise EvidenceError("blob.not_found", sha256=sha256_hex) from None

    def exists(self, sha256_hex: str) -> bool:
        return self.path(sha256_hex).is_file()

    def delete(self, sha256_hex: str) -> None:
        path = self.path(sha256_hex)
        path.unlink(missing_ok=True)
        _fsync_dir(path.parent)

    def addresses(self) -> Iterator[str]:
        for path in self.root.glob("[0-9a-f][0-9a-f]/[0-9a-f][0-9a-f]/*"):
            if SHA256_HEX.match(path.name):
                yield path.name

    def sweep_temp(self, older_than_s: float = 24 * 3600) -> int:
        """Delete uploads abandoned by a crashed process; returns how many."""
        cutoff = time.time() - older_than_s
        removed = 0
        for path in self.tmp.glob("upload-*.part"):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed
