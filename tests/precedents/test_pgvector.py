"""The pgvector dense index, against a PostgreSQL that has the extension: the one in
$MEDIATION_TEST_PGVECTOR, else the local test server if `CREATE EXTENSION vector` works
there. Skipped, with the reason printed, where neither has it."""

from __future__ import annotations

import os
import uuid

import numpy as np
import pytest
from sqlalchemy import create_engine, text

pytestmark = pytest.mark.postgres

LOCAL = os.environ.get("MEDIATION_TEST_PG", "postgresql+psycopg://root@127.0.0.1:5432/test")


@pytest.fixture(scope="module")
def pg_url():
    from mediation.precedents.pgvector import extension_available

    reasons = []
    for url in (os.environ.get("MEDIATION_TEST_PGVECTOR"), LOCAL):
        if not url:
            continue
        try:
            engine = create_engine(url, connect_args={"connect_timeout": 3})
            ok, why = extension_available(engine)
            engine.dispose()
        except Exception as exc:  # unreachable: the reason is printed below
            ok, why = False, f"{exc.__class__.__name__}"
        if ok:
            return url
        reasons.append(f"{url.split('@')[-1]}: {why}")
    reason = "no PostgreSQL with the vector extension (" + "; ".join(reasons) + ")"
    print(f"\nSKIP pgvector tests: {reason}")
    pytest.skip(reason)


@pytest.fixture
def schema_url(pg_url):
    """A migrated application schema on that server, dropped afterwards."""
    from mediation.migrate import upgrade

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in pg_url else "?"
    url = f"{pg_url}{sep}options=-csearch_path%3D{schema},public"
    upgrade(url)
    yield url, schema
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}_ann" CASCADE'))
    admin.dispose()


def unit(rows):
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_pgvector_index_agrees_with_exact_search(pg_url):
    from mediation.precedents.pgvector import PgVectorIndex
    from nlp.vectorindex import NumpyIndex

    engine = create_engine(pg_url)
    rng = np.random.default_rng(5)
    vectors = unit(rng.normal(size=(300, 16))).astype(np.float32)
    index = PgVectorIndex(engine, 16, schema=f"ann_{uuid.uuid4().hex[:8]}")
    try:
        index.upsert(list(range(300)), vectors)
        exact = NumpyIndex(16)
        exact.upsert(list(range(300)), vectors)
        for q in unit(rng.normal(size=(10, 16))).astype(np.float32):
            rows, scores = index.search(q, 5, ef_search=300)
            want, want_scores = exact.search(q, 5)
            assert rows.tolist() == want.tolist()
            assert np.allclose(scores, want_scores, atol=1e-5)
        allowed = np.zeros(300, dtype=bool)
        allowed[[1, 2, 3]] = True
        rows, _ = index.search(vectors[2], 10, allowed)
        assert sorted(rows.tolist()) == [1, 2, 3] and rows[0] == 2
        index.remove([2])
        assert 2 not in index.search(vectors[2], 5, ef_search=300)[0].tolist()
        assert index.has(np.array([1, 2])).tolist() == [True, False]
        assert index.count() == 299
    finally:
        index.drop()
        engine.dispose()


def test_the_precedent_base_on_pgvector(schema_url, tiny_corpus, hashing):
    from mediation.db import make_engine, make_sessionmaker, session_scope
    from mediation.precedents import service

    url, schema = schema_url
    factory = make_sessionmaker(make_engine(url))
    service.import_corpus(factory, tiny_corpus, hashing)
    settings = service.Settings(
        model_dir=None, index="pgvector", pgvector_schema=f"{schema}_ann", results=10, pool=200
    )
    from mediation.precedents.pgvector import engine_dense_index

    dense = engine_dense_index(url, settings.pgvector_schema, hashing.dim)
    base = service.PrecedentBase(settings, hashing, dense)
    dense.bind(base.engine)
    with session_scope(factory) as s:
        base.sync(s)
        assert dense.count() == 5
        top = base.engine.search("信用卡透支逾期未还滞纳金", k=2)
        assert top[0].doc.ref == "t-card-1" and "dense" in top[0].signals
        row = s.scalar(text("select id from precedents where ref = 't-card-1'"))
        from mediation.precedents.model import Precedent

        service.delete_precedent(s, s.get(Precedent, row))
    with session_scope(factory) as s:
        base.sync(s)
    assert dense.count() == 4
    assert "t-card-1" not in {
        m.doc.ref for m in base.engine.search("信用卡透支逾期未还滞纳金", k=5)
    }
