"""The centre's seal image: an administrator uploads a PNG or SVG (checked by content,
size-limited, kept under the instance directory), sees it previewed, and executed
agreements carry it instead of the generated seal. Others are refused."""

from __future__ import annotations

import re
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from tests.agreements.conftest import sign_as
from tests.agreements.test_in_person import png_bytes

GOOD_SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120" viewBox="0 0 120 120">'
    b'<circle cx="60" cy="60" r="55" fill="none" stroke="#c00" stroke-width="4"/>'
    b'<text x="60" y="66" text-anchor="middle" fill="#c00">SEAL</text></svg>'
)


def _admin_client(app, make_user):
    from tests.conftest import sign_in

    make_user("admin-seal", "admin", password="pw-long-enough")
    client = app.test_client()
    sign_in(client, "admin-seal", "pw-long-enough")
    page = client.get("/admin/seal")
    assert page.status_code == 200
    token = re.search(rb'name="csrf-token" content="([^"]+)"', page.data).group(1).decode()
    return client, token


def _upload(client, token, data: bytes, name: str = "seal.png"):
    import io

    return client.post(
        "/admin/seal",
        data={"csrf_token": token, "seal": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_admin_uploads_a_png_seal_kept_under_the_instance_directory(app, make_user):
    client, token = _admin_client(app, make_user)
    assert b'data-state="generated"' in client.get("/admin/seal").data
    generated = client.get("/admin/seal/image")
    assert generated.mimetype == "image/svg+xml" and "调解专用章".encode() in generated.data
    seal = png_bytes(37, 23)
    r = _upload(client, token, seal)
    assert "印章已更新" in r.data.decode()
    assert 'data-state="uploaded"' in r.data.decode() and 'id="seal-preview"' in r.data.decode()
    stored = Path(app.instance_path) / "seals" / "DEMO.png"
    assert stored.read_bytes() == seal
    repo = Path(__file__).resolve().parents[2]
    assert repo not in stored.resolve().parents
    image = client.get("/admin/seal/image")
    assert image.data == seal and image.mimetype == "image/png"
    assert "default-src 'none'" in image.headers["Content-Security-Policy"]
    # An SVG replaces it; removing it brings the generated seal back.
    assert "印章已更新" in _upload(client, token, GOOD_SVG, "seal.svg").data.decode()
    assert not stored.exists() and stored.with_suffix(".svg").read_bytes() == GOOD_SVG
    r = client.post(
        "/admin/seal", data={"csrf_token": token, "action": "remove"}, follow_redirects=True
    )
    assert b'data-state="generated"' in r.data


def _bad_crc_png() -> bytes:
    data = bytearray(png_bytes())
    data[-20] ^= 0xFF  # inside IDAT: its CRC no longer matches
    return bytes(data)


@pytest.mark.parametrize(
    "data",
    [
        b"hello, this is text named seal.png",
        _bad_crc_png(),
        GOOD_SVG.replace(b"</svg>", b"<script>alert(1)</script></svg>"),
        GOOD_SVG.replace(b"<circle", b'<circle onload="alert(1)"'),
        GOOD_SVG.replace(b"</svg>", b'<image href="file:///etc/passwd"/></svg>'),
        GOOD_SVG.replace(b'fill="none"', b'fill="url(http://example.org/x#p)"'),
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>',
        b"<html><body>not a seal</body></html>",
    ],
    ids=[
        "text",
        "bad-crc",
        "script",
        "handler",
        "outside-href",
        "outside-url",
        "dtd",
        "fo",
        "html",
    ],
)
def test_what_is_not_a_clean_png_or_svg_is_refused(app, make_user, data):
    client, token = _admin_client(app, make_user)
    r = _upload(client, token, data)
    assert "印章图片应为有效的 PNG" in r.data.decode()
    assert not (Path(app.instance_path) / "seals").exists() or not any(
        (Path(app.instance_path) / "seals").iterdir()
    )


def test_an_oversized_seal_is_refused(app, make_user):
    from mediation.agreements.seal import MAX_BYTES

    client, token = _admin_client(app, make_user)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    png = png_bytes()
    big = png[:-12] + chunk(b"tEXt", b"c\x00" + b"x" * MAX_BYTES) + png[-12:]
    r = _upload(client, token, big)
    assert "印章图片不能超过 512 KB" in r.data.decode()


def test_only_administrators_manage_the_seal(app, make_user):
    import io

    from tests.conftest import Api, sign_in

    for role in ("mediator", "auditor", "claimant", "court"):
        make_user(f"{role}-seal", role, password="pw-long-enough")
        client = app.test_client()
        sign_in(client, f"{role}-seal", "pw-long-enough")
        assert client.get("/admin/seal").status_code == 403
        assert client.get("/admin/seal/image").status_code == 403
        page = client.get("/my")
        token = re.search(rb'name="csrf-token" content="([^"]+)"', page.data).group(1).decode()
        r = client.post(
            "/admin/seal",
            data={"csrf_token": token, "seal": (io.BytesIO(png_bytes()), "s.png")},
            content_type="multipart/form-data",
        )
        assert r.status_code == 403
    assert not (Path(app.instance_path) / "seals").exists()
    _, token = make_user("med-api-seal", "mediator")
    assert Api(app.test_client(), token).get("/admin/seal").status_code in (302, 401, 403)


def test_executed_agreement_carries_the_uploaded_seal(issued, app, make_user):
    client, token = _admin_client(app, make_user)
    assert "印章已更新" in _upload(client, token, png_bytes(37, 23)).data.decode()
    s = issued
    for role in ("claimant", "respondent", "mediator"):
        assert sign_as(s, role).status_code == 200
    pdf = s.mediator.get(f"/api/cases/{s.number}/agreement/executed.pdf").data
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(pdf)
        fh.flush()
        listing = subprocess.run(
            ["pdfimages", "-list", fh.name], capture_output=True, check=True, text=True
        ).stdout
        text = subprocess.run(
            ["pdftotext", fh.name, "-"], capture_output=True, check=True, text=True
        ).stdout
    sizes = [tuple(line.split()[3:5]) for line in listing.splitlines()[2:]]
    assert ("37", "23") in sizes
    # The generated seal (its words) is not there.
    assert "调解专用章" not in re.sub(r"\s", "", text)
