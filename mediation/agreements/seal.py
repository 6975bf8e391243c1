"""The centre's own seal image, uploaded by an administrator: a PNG or an SVG, checked by
its content (not its name or declared type), at most `MAX_BYTES`, kept under the instance
directory (never in the repository) as `seals/<centre code>.png|svg`. Agreement rendering
uses it instead of the generated seal (see `Settings.from_config`)."""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path
from xml.etree import ElementTree

from mediation.errors import UserError

MAX_BYTES = 512 * 1024
MAX_SIDE = 4000  # pixels
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SVG_NS = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
KINDS = ("png", "svg")
MEDIA_TYPES = {"png": "image/png", "svg": "image/svg+xml"}
# Elements that run code or pull in other documents: never in a seal.
_FORBIDDEN = {"script", "foreignObject", "iframe", "object", "embed", "use", "image", "animate"}
_SAFE_HREF = re.compile(r"^(#|data:image/(png|jpeg);base64,)")
_URL = re.compile(r"url\(\s*['\"]?\s*([^)'\"\s]*)", re.IGNORECASE)
_CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def _bad(detail: str) -> UserError:
    return UserError("agreements.bad_seal", detail=detail)


def _check_png(data: bytes) -> None:
    """Every chunk whole with a correct CRC, IHDR first with a sane size, IEND last."""
    pos, first, seen_end = len(PNG_MAGIC), True, False
    while pos < len(data):
        if pos + 8 > len(data):
            raise _bad("png")
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        end = pos + 12 + length
        if end > len(data):
            raise _bad("png")
        body = data[pos + 4 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : end])
        if zlib.crc32(body) != crc:
            raise _bad("png")
        if first:
            if kind != b"IHDR" or length != 13:
                raise _bad("png")
            width, height = struct.unpack(">II", body[4:12])
            if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
                raise _bad("png")
            first = False
        pos = end
        if kind == b"IEND":
            seen_end = True
            break
    if first or not seen_end or pos != len(data):
        raise _bad("png")


def _check_svg(data: bytes) -> None:
    """Well-formed SVG that draws only: no DTD or entities, no scripts, event handlers,
    embedded documents or references outside the file."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise _bad("svg") from None
    if re.search(r"<!DOCTYPE|<!ENTITY|<\?xml-stylesheet", text, re.IGNORECASE):
        raise _bad("svg")
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError:
        raise _bad("svg") from None
    if root.tag != SVG_NS + "svg":
        raise _bad("svg")
    for element in root.iter():
        tag = element.tag.split("}")[-1] if isinstance(element.tag, str) else ""
        if tag in _FORBIDDEN or not str(element.tag).startswith(SVG_NS):
            raise _bad("svg")
        for name, value in element.attrib.items():
            local = name.split("}")[-1]
            if local.lower().startswith("on"):
                raise _bad("svg")
            if (name == XLINK_HREF or local == "href") and not _SAFE_HREF.match(value.strip()):
                raise _bad("svg")
            for ref in _URL.findall(value):
                if not ref.startswith("#"):
                    raise _bad("svg")
        if tag == "style" and element.text:
            if "@import" in element.text or any(
                not ref.startswith("#") for ref in _URL.findall(element.text)
            ):
                raise _bad("svg")


def check_seal(data: bytes) -> str:
    """The image's kind ("png" or "svg") read from its content, or a UserError."""
    if not data:
        raise _bad("empty")
    if len(data) > MAX_BYTES:
        raise UserError("agreements.seal_too_large", status=413, kb=MAX_BYTES // 1024)
    if data.startswith(PNG_MAGIC):
        _check_png(data)
        return "png"
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml") or head.startswith(b"<svg"):
        _check_svg(data)
        return "svg"
    raise _bad("type")


def _base(instance_path: str | Path, centre_code: str) -> Path:
    if not _CODE.match(centre_code or ""):
        raise UserError("invalid_field", field="centre")
    return Path(instance_path) / "seals" / centre_code


def seal_file(instance_path: str | Path, centre_code: str) -> Path | None:
    """The uploaded seal of the centre, or None."""
    if not _CODE.match(centre_code or ""):
        return None
    base = _base(instance_path, centre_code)
    for kind in KINDS:
        path = base.with_suffix("." + kind)
        if path.is_file():
            return path
    return None


def save_seal(instance_path: str | Path, centre_code: str, data: bytes) -> Path:
    """Check and store the centre's seal (replacing the previous one); returns its path."""
    kind = check_seal(data)
    base = _base(instance_path, centre_code)
    base.parent.mkdir(parents=True, exist_ok=True)
    path = base.with_suffix("." + kind)
    tmp = base.with_suffix(".upload")
    tmp.write_bytes(data)
    tmp.replace(path)
    for other in KINDS:
        if other != kind:
            base.with_suffix("." + other).unlink(missing_ok=True)
    return path


def remove_seal(instance_path: str | Path, centre_code: str) -> None:
    base = _base(instance_path, centre_code)
    for kind in KINDS:
        base.with_suffix("." + kind).unlink(missing_ok=True)
