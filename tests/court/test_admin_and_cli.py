"""Registering courts and their people: the admin API and the `mediation court` commands;
the trust anchor's fingerprint is the one openssl prints; the service account's token
works on the court API and nowhere else."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import Api


def _ca_pem(app) -> str:
    from mediation.packets.build import PacketContext

    return PacketContext.from_app(app).packet_signer.ca_pem.decode()


def test_admin_registers_a_court_and_its_service_account(app, admin_api, mediator_api):
    pem = _ca_pem(app)
    r = admin_api.post(
        "/api/courts", json={"code": "J100", "name": "示范区人民法院", "trust_anchor_pem": pem}
    )
    assert r.status_code == 201, r.get_json()
    fingerprint = r.get_json()["ca_fingerprint"]
    assert len(fingerprint) == 95 and fingerprint.count(":") == 31
    assert mediator_api.post("/api/courts", json={"code": "J2", "name": "x"}).status_code == 403
    r = admin_api.post(
        "/api/courts", json={"code": "J101", "name": "x", "trust_anchor_pem": "not a pem"}
    )
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "court.bad_certificate"
    r = admin_api.post(
        "/api/courts/J100/users",
        json={"username": "j100-system", "display_name": "示范区法院系统", "service_account": True},
    )
    assert r.status_code == 201, r.get_json()
    token = r.get_json()["token"]
    court_api = Api(app.test_client(), token)
    assert court_api.get("/api/court/submissions").get_json() == {"submissions": []}
    assert court_api.get("/api/courts").status_code == 403
    assert court_api.post("/api/courts", json={"code": "J3", "name": "x"}).status_code == 403
    listed = mediator_api.get("/api/courts").get_json()["courts"]
    assert [c["code"] for c in listed] == ["J100"]
    # The same username twice is refused.
    r = admin_api.post(
        "/api/courts/J100/users", json={"username": "j100-system", "display_name": "x"}
    )
    assert r.status_code == 409


@pytest.mark.skipif(not shutil.which("openssl"), reason="openssl is not installed")
def test_cli_registers_a_court_with_the_fingerprint_openssl_prints(app, tmp_path):
    pem = _ca_pem(app)
    ca_file = tmp_path / "centre-ca.pem"
    ca_file.write_text(pem)
    openssl = subprocess.run(
        ["openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", str(ca_file)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    expected = openssl.split("=", 1)[1]
    runner = app.test_cli_runner()
    r = runner.invoke(
        args=["court", "add", "J200", "--name", "某市中级人民法院", "--ca", str(ca_file)]
    )
    assert r.exit_code == 0, r.output
    assert f"trust anchor SHA-256: {expected}" in r.output
    r = runner.invoke(args=["court", "service-account", "J200", "j200-system"])
    assert r.exit_code == 0, r.output
    token = r.output.strip().splitlines()[-1]
    assert Api(app.test_client(), token).get("/api/court/submissions").status_code == 200
    r = runner.invoke(
        args=[
            "court",
            "clerk",
            "J200",
            "clerk200",
            "--name",
            "李书记员",
            "--password",
            "pw-long-enough",
        ]
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(args=["court", "clerk", "J999", "clerk999", "--name", "x", "--password", "p"])
    assert r.exit_code != 0 and "J999" in r.output
    r = runner.invoke(args=["court", "list"])
    assert "J200" in r.output and expected in r.output and "open 0 / all 0" in r.output


def test_demo_links_its_court_user_to_the_demo_court(app):
    from mediation.court import service
    from mediation.people.model import User

    r = app.test_cli_runner().invoke(args=["demo"])
    assert r.exit_code == 0, r.output
    session = app.extensions["mediation.sessionmaker"]()
    try:
        clerk = session.query(User).filter_by(username="court").one()
        court = service.court_of(session, clerk)
        assert court is not None and court.name == "示范县人民法院"
        assert court.trust_anchor_pem and court.ca_fingerprint
    finally:
        session.close()
