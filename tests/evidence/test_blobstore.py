"""The content-addressed file store: streaming, atomic, typed by content, size-limited."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from hashlib import sha256

import pytest

from mediation.evidence import blobstore
from mediation.evidence.blobstore import LocalBlobStore, sniff
from mediation.evidence.errors import EvidenceError


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


def _wav() -> bytes:
    pcm = b"\x00\x00" * 800
    fmt = struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16)
    body = (
        b"WAVE"
        + b"fmt "
        + struct.pack("<I", 16)
        + fmt
        + b"data"
        + struct.pack("<I", len(pcm))
        + pcm
    )
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _zip(names: list[str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name in names:
            zf.writestr(name, "<x/>")
    return out.getvalue()


class Trickle(io.RawIOBase):
    """A stream that hands out small pieces and counts how far it was read."""

    def __init__(self, data: bytes, piece: int = 1000) -> None:
        self.data, self.pos, self.piece = data, 0, piece

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        out = self.data[self.pos : self.pos + min(self.piece, n if n > 0 else self.piece)]
        self.pos += len(out)
        return out


SAMPLES = {
    "pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n", blobstore.PDF),
    "png": (_png(), blobstore.PNG),
    "jpeg": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(100), blobstore.JPEG),
    "wav": (_wav(), blobstore.WAV),
    "mp3-id3": (b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(100), blobstore.MP3),
    "mp3-frame": (b"\xff\xfb\x90\x64" + bytes(200), blobstore.MP3),
    "m4a": (b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00" + bytes(64), blobstore.M4A),
    "mp4": (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00" + bytes(64), blobstore.MP4),
    "amr": (b"#!AMR\n" + bytes(40), blobstore.AMR),
    "text": ("借款合同第三条：利率为年化 4.35%。\r\n\t甲方签字\n".encode(), blobstore.TEXT),
    "docx": (_zip(["[Content_Types].xml", "word/document.xml"]), blobstore.DOCX),
    "xlsx": (_zip(["[Content_Types].xml", "xl/workbook.xml"]), blobstore.XLSX),
    "ofd": (_zip(["OFD.xml", "Doc_0/Document.xml"]), blobstore.OFD),
}


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_type_comes_from_the_bytes(blob_store, kind):
    data, media_type = SAMPLES[kind]
    stored = blob_store.put(io.BytesIO(data))
    assert stored.media_type == media_type
    assert stored.sha256 == sha256(data).hexdigest()
    assert stored.size == len(data)
    with blob_store.open(stored.sha256) as f:
        assert f.read() == data


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (_zip(["a.txt"]), blobstore.ZIP),
        (b"MZ\x90\x00" + bytes(100), blobstore.UNKNOWN),  # a Windows executable
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), blobstore.OLE),
        (b"caf\xe9 latin-1, not UTF-8", blobstore.UNKNOWN),
        (b"text with a NUL\x00 byte", blobstore.UNKNOWN),
    ],
)
def test_types_off_the_allow_list_are_refused_and_leave_nothing(blob_store, data, media_type):
    with pytest.raises(EvidenceError) as err:
        blob_store.put(io.BytesIO(data))
    assert err.value.code == "blob.type_not_allowed"
    assert err.value.params["media_type"] == media_type
    assert media_type in err.value.message("en")
    assert list(blob_store.addresses()) == []
    assert list(blob_store.tmp.iterdir()) == []


def test_a_name_does_not_change_the_type():
    assert sniff(b"%PDF-1.4 ...") == blobstore.PDF
    assert sniff(b"plain words", utf8_text=True) == blobstore.TEXT
    assert sniff(b"plain words", utf8_text=False) == blobstore.UNKNOWN


def test_size_limit_stops_the_upload_and_leaves_nothing(tmp_path):
    store = LocalBlobStore(tmp_path / "b", max_size=10_000)
    stream = Trickle(b"a" * 50_000, piece=1000)
    with pytest.raises(EvidenceError) as err:
        store.put(stream)
    assert err.value.code == "blob.too_large"
    assert err.value.status == 413
    assert stream.pos <= 11_000  # it stopped reading soon after the limit
    assert list(store.addresses()) == [] and list(store.tmp.iterdir()) == []
    assert store.put(io.BytesIO(b"a" * 10_000)).size == 10_000  # exactly the limit is fine


def test_empty_upload_and_declared_hash_mismatch(blob_store):
    with pytest.raises(EvidenceError) as err:
        blob_store.put(io.BytesIO(b""))
    assert err.value.code == "blob.empty"
    with pytest.raises(EvidenceError) as err:
        blob_store.put(io.BytesIO(b"hello"), expected_sha256="0" * 64)
    assert err.value.code == "blob.hash_mismatch"
    assert list(blob_store.addresses()) == []


def test_same_content_is_stored_once(blob_store):
    first = blob_store.put(io.BytesIO(b"same text"))
    second = blob_store.put(Trickle(b"same text", piece=2))
    assert first.created and not second.created
    assert first.sha256 == second.sha256
    assert list(blob_store.addresses()) == [first.sha256]


def test_large_upload_streams_in_chunks(blob_store):
    data = b"".join(f"line {i} 调解\n".encode() for i in range(300_000))  # ~4.5 MB
    stored = blob_store.put(Trickle(data, piece=64 * 1024))
    assert stored.size == len(data)
    assert blob_store.digest(stored.sha256) == sha256(data).hexdigest()
    assert blob_store.path(stored.sha256).stat().st_mode & 0o222 == 0  # stored read-only


def test_bad_addresses_and_missing_blobs(blob_store):
    with pytest.raises(EvidenceError) as err:
        blob_store.open("../../etc/passwd")
    assert err.value.code == "blob.bad_address"
    with pytest.raises(EvidenceError) as err:
        blob_store.open("a" * 64)
    assert err.value.code == "blob.not_found"
    assert err.value.message("zh").startswith("文件")


def test_stale_partial_uploads_are_swept(blob_store):
    part = blob_store.tmp / "upload-crashed.part"
    part.write_bytes(b"half")
    assert blob_store.sweep_temp(older_than_s=3600) == 0
    assert blob_store.sweep_temp(older_than_s=0) == 1
    assert not part.exists()
