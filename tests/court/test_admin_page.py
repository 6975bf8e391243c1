"""The administrator's courts page: the centre CA and its fingerprint (as openssl prints
it), registering a court (trust anchor: the centre CA unless another is uploaded), adding a
clerk or the court's service account with the API token shown once. Others are refused."""

from __future__ import annotations

import io
import re
import subprocess

import pytest

from tests.conftest import Api, sign_in


def _admin(app, make_user):
    make_user("admin-courts", "admin", password="pw-long-enough")
    client = app.test_client()
    sign_in(client, "admin-courts", "pw-long-enough")
    page = client.get("/admin/courts")
    assert page.status_code == 200, page.data[:300]
    token = re.search(rb'name="csrf-token" content="([^"]+)"', page.data).group(1).decode()
    return client, token, page.data.decode()


def _openssl_fingerprint(pem: bytes, tmp_path) -> str:
    path = tmp_path / "centre-ca.pem"
    path.write_bytes(pem)
    out = subprocess.run(
        ["openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", str(path)],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    return out.strip().split("=", 1)[1]


def test_admin_registers_a_court_with_the_centre_ca_and_adds_accounts(app, make_user, tmp_path):
    client, csrf, html = _admin(app, make_user)
    pem = client.get("/admin/courts/centre-ca.pem")
    assert pem.status_code == 200 and pem.data.startswith(b"-----BEGIN CERTIFICATE-----")
    fingerprint = _openssl_fingerprint(pem.data, tmp_path)
    shown = re.search(r'id="centre-ca-fingerprint">([^<]+)<', html).group(1)
    assert shown == fingerprint

    r = client.post(
        "/admin/courts",
        data={"csrf_token": csrf, "code": "J001", "name": "示范区人民法院", "region": "示范区"},
        follow_redirects=True,
    )
    page = r.data.decode()
    assert f"已登记法院 J001，信任根指纹：{fingerprint}" in page
    row = re.search(r'<tr data-court="J001">.*?</tr>', page, re.S).group(0)
    assert "示范区人民法院" in row and fingerprint in row and "与本中心根证书一致" in row

    # A clerk: the token is shown once, works on the court API; the password signs in.
    r = client.post(
        "/admin/courts/J001/users",
        data={
            "csrf_token": csrf,
            "kind": "clerk",
            "username": "clerk-li",
            "display_name": "李书记员",
            "password": "clerk-password-1",
        },
    )
    assert r.status_code == 200
    token = re.search(r'id="token-value">([^<]+)<', r.data.decode()).group(1)
    assert Api(app.test_client(), token).get("/api/court/submissions").status_code == 200
    clerk = app.test_client()
    assert sign_in(clerk, "clerk-li", "clerk-password-1").status_code == 302
    assert clerk.get("/court").status_code == 200
    # Not shown again, not kept in the session cookie.
    again = client.get("/admin/courts").data.decode()
    assert token not in again and 'id="new-token"' not in again
    assert "clerk-li · 书记员（网页登录）" in again

    # The court's system: a service account with a token and no usable password.
    r = client.post(
        "/admin/courts/J001/users",
        data={"csrf_token": csrf, "kind": "service_account", "username": "j001-system"},
    )
    token2 = re.search(r'id="token-value">([^<]+)<', r.data.decode()).group(1)
    assert token2 != token
    assert Api(app.test_client(), token2).get("/api/court/submissions").status_code == 200
    from mediation.court.model import CourtUser

    with app.extensions["mediation.sessionmaker"]() as s:
        links = {link.user.username: link.service_account for link in s.query(CourtUser).all()}
    assert links == {"clerk-li": False, "j001-system": True}

    # A taken user name and a short clerk password are refused with a message.
    r = client.post(
        "/admin/courts/J001/users",
        data={"csrf_token": csrf, "kind": "service_account", "username": "clerk-li"},
        follow_redirects=True,
    )
    assert "clerk-li" in r.data.decode() and 'id="new-token"' not in r.data.decode()
    r = client.post(
        "/admin/courts/J001/users",
        data={"csrf_token": csrf, "kind": "clerk", "username": "clerk-x", "password": "short"},
        follow_redirects=True,
    )
    assert "密码至少需要10位" in r.data.decode()
    assert (
        client.post(
            "/admin/courts/NOPE/users",
            data={"csrf_token": csrf, "kind": "service_account", "username": "x-system"},
            follow_redirects=True,
        )
        .data.decode()
        .count("未登记法院")
    )


def test_an_uploaded_trust_anchor_is_checked_and_shown_as_differing(app, make_user, tmp_path):
    client, csrf, _ = _admin(app, make_user)
    key = tmp_path / "k.pem"
    cert = tmp_path / "c.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "30",
            "-subj",
            "/CN=old CA",
        ],
        check=True,
        capture_output=True,
    )
    r = client.post(
        "/admin/courts",
        data={
            "csrf_token": csrf,
            "code": "J002",
            "name": "邻区人民法院",
            "trust_anchor": (io.BytesIO(cert.read_bytes()), "old-ca.pem"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = r.data.decode()
    assert _openssl_fingerprint(cert.read_bytes(), tmp_path) in page
    assert "与本中心当前根证书不一致" in page
    r = client.post(
        "/admin/courts",
        data={
            "csrf_token": csrf,
            "code": "J003",
            "name": "某法院",
            "trust_anchor": (io.BytesIO(b"not a certificate"), "x.pem"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "不是有效的 PEM 证书" in r.data.decode()
    assert 'data-court="J003"' not in r.data.decode()


@pytest.mark.parametrize("role", ["mediator", "auditor", "court", "claimant", "institution"])
def test_non_administrators_are_refused(app, make_user, role):
    from mediation.court.model import Court, CourtUser

    make_user(f"{role}-c", role, password="pw-long-enough")
    client = app.test_client()
    sign_in(client, f"{role}-c", "pw-long-enough")
    csrf = (
        re.search(rb'name="csrf-token" content="([^"]+)"', client.get("/my").data).group(1).decode()
    )
    assert client.get("/admin/courts").status_code == 403
    assert client.get("/admin/courts/centre-ca.pem").status_code == 403
    r = client.post("/admin/courts", data={"csrf_token": csrf, "code": "J9", "name": "x"})
    assert r.status_code == 403
    r = client.post(
        "/admin/courts/J9/users",
        data={"csrf_token": csrf, "kind": "service_account", "username": "sneaky"},
    )
    assert r.status_code == 403
    with app.extensions["mediation.sessionmaker"]() as s:
        assert s.query(Court).count() == 0 and s.query(CourtUser).count() == 0
