"""Fixtures: database tests run on SQLite and on the local PostgreSQL (skipped, with the
reason printed, only where no PostgreSQL is reachable)."""

from __future__ import annotations

import os
import secrets
import shutil
import threading
import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
PG_BASE = os.environ.get("MEDIATION_TEST_PG", "postgresql+psycopg://root@127.0.0.1:5432/test")


def _pg_reachable() -> str | None:
    try:
        engine = create_engine(PG_BASE, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any failure to connect is a reason to skip
        return f"PostgreSQL not reachable at {PG_BASE}: {exc.__class__.__name__}: {str(exc).splitlines()[0]}"


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    """A migrated, empty database per backend for the whole test session."""
    from mediation.migrate import upgrade

    if request.param == "sqlite":
        url = "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")
        upgrade(url)
        yield url
        return
    reason = _pg_reachable()
    if reason:
        print(f"\nSKIP PostgreSQL tests: {reason}")
        pytest.skip(reason)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_BASE)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_BASE}?options=-csearch_path%3D{schema}"
    try:
        upgrade(url)
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _clear(engine) -> None:
    import mediation.models  # noqa: F401
    from mediation.db import Base

    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def app(database_url, tmp_path):
    from mediation import create_app

    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": secrets.token_hex(16),
            "WTF_CSRF_ENABLED": True,
        }
    )
    _clear(app.extensions["mediation.engine"])
    with app.app_context():
        from mediation.db import session_scope
        from mediation.people.setup import ensure_centre

        with session_scope(app.extensions["mediation.sessionmaker"]) as s:
            ensure_centre(s, app.config)
    yield app
    app.extensions["mediation.engine"].dispose()


@pytest.fixture
def session(app):
    s = app.extensions["mediation.sessionmaker"]()
    yield s
    s.rollback()
    s.close()


class Api:
    """A test client that authenticates with a user's bearer token."""

    def __init__(self, client, token: str, lang: str = "zh"):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}", "Accept-Language": lang}

    def get(self, path, **kw):
        return self.client.get(path, headers=self.headers, **kw)

    def post(self, path, json=None, **kw):
        return self.client.post(path, json=json, headers=self.headers, **kw)


@pytest.fixture
def make_user(app):
    from werkzeug.security import generate_password_hash

    from mediation.db import session_scope
    from mediation.people.model import Centre, Role, User
    from mediation.web.setup import token_hash

    def make(
        username: str, role: str, *, institution: str | None = None, password: str = "pw-" + "x" * 8
    ):
        token = secrets.token_urlsafe(16)
        with session_scope(app.extensions["mediation.sessionmaker"]) as s:
            centre = s.query(Centre).filter_by(code=app.config["CENTRE_CODE"]).one()
            user = User(
                centre_id=centre.id,
                username=username,
                display_name=username,
                role=Role(role),
                password_hash=generate_password_hash(password),
                api_token_hash=token_hash(token),
                institution_name=institution,
            )
            s.add(user)
            s.flush()
            user_id = user.id
        return user_id, token

    return make


@pytest.fixture
def mediator_api(app, make_user):
    _, token = make_user("mediator1", "mediator")
    return Api(app.test_client(), token)


@pytest.fixture
def admin_api(app, make_user):
    _, token = make_user("admin1", "admin")
    return Api(app.test_client(), token)


def sign_in(client, username: str, password: str):
    """Sign in through the login form, CSRF token and all; returns the response."""
    import re

    page = client.get("/login")
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page.data).group(1).decode()
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )


@pytest.fixture
def signed_in(app, make_user):
    """A browser-like client of a new user of `role`, and the CSRF token of its session."""
    import re

    def make(username: str, role: str):
        make_user(username, role, password="pw-long-enough")
        client = app.test_client()
        sign_in(client, username, "pw-long-enough")
        page = client.get("/my")
        token = re.search(rb'name="csrf-token" content="([^"]+)"', page.data).group(1).decode()
        return client, token

    return make


def case_payload(**overrides) -> dict:
    body = {
        "dispute_type": "insurance",
        "channel": "walk_in",
        "request": "按合同给付重大疾病保险金",
        "facts": "申请人确诊后申请理赔，保险公司以未如实告知为由拒赔。",
        "amount_claimed": "120000.00",
        "received_on": "2026-03-02",
        "region": "城关镇",
        "parties": [
            {
                "role": "claimant",
                "kind": "person",
                "name": "王秀英",
                "id_number": "410102195203041234",
                "phone": "13812345678",
            },
            {
                "role": "respondent",
                "kind": "institution",
                "name": "某人寿保险股份有限公司示范中心支公司",
                "agent_name": "刘专员",
            },
        ],
    }
    body.update(overrides)
    return body


@pytest.fixture
def fixed_today(monkeypatch):
    """Pin 'today' for the web layer so due/overdue assertions do not depend on the clock."""

    def pin(day: date):
        import mediation.web.api as api_mod
        import mediation.web.centre as centre_mod
        import mediation.web.filing as filing_mod
        import mediation.web.pages as pages_mod
        import mediation.web.setup as setup_mod

        for mod in (setup_mod, api_mod, pages_mod, filing_mod, centre_mod):
            monkeypatch.setattr(mod, "today", lambda: day)

    return pin


# Browser tests --------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


@pytest.fixture
def server(app):
    """The app served on a free local port in a thread, for a real browser."""
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()


@pytest.fixture
def browser():
    """Debian's Chromium driven by Playwright (no browser download)."""
    if not shutil.which("chromium") and not shutil.which("/usr/bin/chromium"):
        pytest.skip("chromium is not installed (bin/setup installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def local_tsa(tmp_path_factory):
    """(URL, folder with ca.pem) of a local time-stamping authority (tests/local_tsa.py)."""
    from tests import local_tsa as tsa

    if tsa.OPENSSL is None:
        pytest.skip("openssl not installed")
    d = tmp_path_factory.mktemp("tsa")
    with tsa.local_tsa(d) as url:
        yield url, d
