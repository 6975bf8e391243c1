"""Fixtures for the evidence ledger: own SQLite databases (create_all) and one
PostgreSQL schema per test session, dropped at the end (skipped, with the reason
printed, where PostgreSQL is unreachable)."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

import mediation.models  # noqa: F401 - every table of the other domains
from mediation.cases.model import Case, Channel, DisputeType
from mediation.db import Base, make_engine, make_sessionmaker, session_scope
from mediation.evidence import model as evidence_model  # noqa: F401
from mediation.evidence.blobstore import LocalBlobStore
from mediation.evidence.checkpoints import KeyRing
from mediation.evidence.ledger import ensure_head
from mediation.people.model import Centre, Role, User

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
PG_URL = os.environ.get("MEDIATION_TEST_PG", "postgresql+psycopg://root@127.0.0.1:5432/test")


@dataclass
class Db:
    """One database for a test: its URL, engine options, engine and sessionmaker."""

    kind: str
    url: str
    engine_kwargs: dict

    def __post_init__(self) -> None:
        self.engine = make_engine(self.url, **self.engine_kwargs)
        self.factory = make_sessionmaker(self.engine)

    def new_engine(self, **extra):
        """A separate engine on the same database (for another process or thread pool)."""
        return make_engine(self.url, **{**self.engine_kwargs, **extra})

    def make_case(self, number: str | None = None) -> tuple[int, int, int]:
        """A fresh case with a mediator and a claimant; returns (case id, mediator, claimant)."""
        tag = uuid.uuid4().hex[:10]
        with session_scope(self.factory) as s:
            centre = Centre(code=f"C{tag}", name="测试中心")
            s.add(centre)
            s.flush()
            mediator = User(
                centre_id=centre.id,
                username=f"m{tag}",
                display_name="调解员",
                role=Role.MEDIATOR,
                password_hash="x",
            )
            claimant = User(
                centre_id=centre.id,
                username=f"c{tag}",
                display_name="申请人",
                role=Role.CLAIMANT,
                password_hash="x",
            )
            case = Case(
                centre_id=centre.id,
                number=number or f"2026-{tag[:4]}",
                dispute_type=DisputeType.BANKING,
                request="退还多收的利息",
                channel=Channel.ONLINE,
                received_on=date(2026, 3, 2),
            )
            s.add_all([mediator, claimant, case])
            s.flush()
            ensure_head(s, case.id)
            return case.id, mediator.id, claimant.id


def _pg_reason() -> str | None:
    try:
        engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:  # any failure to connect is a reason to skip
        first = str(exc).splitlines()[0] if str(exc) else ""
        return f"PostgreSQL not reachable at {PG_URL}: {type(exc).__name__}: {first}"
    return None


@pytest.fixture(scope="session")
def ledger_pg_schema():
    """A uniquely named PostgreSQL schema with every table, for this test session."""
    reason = _pg_reason()
    if reason:
        print(f"\nSKIP evidence PostgreSQL tests: {reason}")
        pytest.skip(reason)
    schema = f"evidence_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    kwargs = {"connect_args": {"options": f"-csearch_path={schema}"}}
    engine = create_engine(PG_URL, **kwargs)
    Base.metadata.create_all(engine)
    engine.dispose()
    try:
        yield kwargs
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def sqlite_db(tmp_path):
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    db = Db("sqlite", url, {})
    Base.metadata.create_all(db.engine)
    yield db
    db.engine.dispose()


@pytest.fixture
def pg_db(ledger_pg_schema):
    db = Db("postgresql", PG_URL, dict(ledger_pg_schema))
    yield db
    db.engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request):
    """The test once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue(f"{'sqlite' if request.param == 'sqlite' else 'pg'}_db")


@pytest.fixture
def blob_store(tmp_path):
    return LocalBlobStore(tmp_path / "blobs")


@pytest.fixture
def keyring(tmp_path):
    return KeyRing(tmp_path / "instance")


@pytest.fixture
def signer(keyring):
    return keyring.current("test-centre.example/ledger")


@pytest.fixture
def shared_data():
    """The shared vector folder, or a skip that says why."""
    if not SHARED_DATA.is_dir():
        reason = f"shared test vectors not found at {SHARED_DATA}"
        print(f"\nSKIP: {reason}")
        pytest.skip(reason)
    return SHARED_DATA
