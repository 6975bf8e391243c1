"""Fixtures for centre operations: the centre blueprint on the test app, users, a pinned
'today', and a generated set of cases with a plain-Python record of what happened."""

from __future__ import annotations

from datetime import date

import pytest

import mediation.centre.model  # noqa: F401  (the app fixture clears these tables too)
from tests.conftest import Api


@pytest.fixture(autouse=True)
def _quick_password_hashes(monkeypatch):
    """Test users need no costly key stretching: six per test would cost seconds."""
    import werkzeug.security

    real = werkzeug.security.generate_password_hash
    monkeypatch.setattr(
        werkzeug.security,
        "generate_password_hash",
        lambda password, method="pbkdf2:sha256:1000", salt_length=16: real(
            password, method=method, salt_length=salt_length
        ),
    )


@pytest.fixture
def app(app):
    from mediation.web import centre

    if "centre" not in app.blueprints:
        app.register_blueprint(centre.bp)
    return app


@pytest.fixture
def today_is(monkeypatch):
    """Pin 'today' for the web layer, the centre pages included."""

    def pin(day: date):
        import mediation.web.api as api_mod
        import mediation.web.centre as centre_mod
        import mediation.web.pages as pages_mod
        import mediation.web.setup as setup_mod

        for mod in (setup_mod, api_mod, pages_mod, centre_mod):
            monkeypatch.setattr(mod, "today", lambda: day)

    return pin


@pytest.fixture
def users(app, make_user):
    """An administrator, three mediators, a claimant, an institution user and an auditor,
    each with an API client."""
    client = app.test_client
    out = {}
    for name, role, extra in (
        ("admin", "admin", {}),
        ("med_a", "mediator", {}),
        ("med_b", "mediator", {}),
        ("med_c", "mediator", {}),
        ("claimant", "claimant", {}),
        ("bank", "institution", {"institution": "示范县农村商业银行股份有限公司"}),
        ("auditor", "auditor", {}),
    ):
        uid, token = make_user(name, role, **extra)
        out[name] = (uid, Api(client(), token))
    return out


@pytest.fixture
def db_session(app):
    s = app.extensions["mediation.sessionmaker"]()
    yield s
    s.rollback()
    s.close()
