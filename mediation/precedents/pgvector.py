"""The dense index on PostgreSQL with pgvector (HNSW, cosine), for bases too large for
memory. Same interface as nlp.vectorindex.NumpyIndex, selected by PRECEDENT_INDEX=pgvector.

The ANN table is derived data: a copy of precedent_embeddings in pgvector's type, kept in
its own schema (PRECEDENT_PGVECTOR_SCHEMA, default precedent_ann) so that the application
schema, which Alembic owns, does not depend on the extension being installed. It is
created on first use and caught up from the change sequence like the in-memory engine;
dropping the schema loses nothing.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence

import numpy as np
from sqlalchemy import text
from sqlalchemy.engine import Engine

from mediation.db import make_engine

_IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
FILTER_IN_SQL_LIMIT = 20_000  # allowed sets up to this size go into the query itself


class PgVectorUnavailable(RuntimeError):
    """The server has no vector extension (CREATE EXTENSION vector failed)."""


def vector_literal(vector: np.ndarray) -> str:
    return "[" + ",".join(f"{float(x):.7g}" for x in np.asarray(vector).ravel()) + "]"


def extension_available(engine: Engine) -> tuple[bool, str | None]:
    """Whether `CREATE EXTENSION IF NOT EXISTS vector` succeeds here, and why not."""
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS vector"))
        return True, None
    except Exception as exc:  # the reason is reported, not hidden
        return False, f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}"


class PgVectorIndex:
    def __init__(
        self,
        engine: Engine,
        dim: int,
        *,
        schema: str = "precedent_ann",
        table: str = "vectors",
        m: int = 16,
        ef_construction: int = 64,
    ) -> None:
        if not (_IDENT.match(schema) and _IDENT.match(table)):
            raise ValueError("schema and table must be plain lower-case identifiers")
        self.engine = engine
        self.dim = dim
        self.schema, self.table = schema, table
        self.qualified = f'"{schema}"."{table}"'
        self.m, self.ef_construction = m, ef_construction
        self._key_of_row: Callable[[int], int] = lambda r: r
        self._row_of_key: Callable[[int], int | None] = lambda k: k
        self._alive: Callable[[], np.ndarray] | None = None
        self._lock = threading.Lock()
        self._ready = False

    # -- setup ---------------------------------------------------------------------------

    def bind(self, precedent_engine) -> None:
        """Map the precedent engine's rows to the keys stored here (precedent ids)."""
        self._key_of_row = lambda r: precedent_engine.keys[r]
        self._row_of_key = precedent_engine.row_of.get

    def ensure_schema(self, with_index: bool = True) -> None:
        if self._ready:
            return
        ok, reason = extension_available(self.engine)
        if not ok:
            raise PgVectorUnavailable(reason)
        with self.engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"'))
            conn.execute(
                text(
                    f"CREATE TABLE IF NOT EXISTS {self.qualified} ("
                    f"id bigint PRIMARY KEY, embedding vector({self.dim}) NOT NULL)"
                )
            )
            conn.execute(
                text(
                    f'CREATE TABLE IF NOT EXISTS "{self.schema}"."{self.table}_state" ('
                    "model text PRIMARY KEY, seq bigint NOT NULL)"
                )
            )
            if with_index:
                self.create_index(conn)
        self._ready = True

    def create_index(self, conn=None) -> None:
        sql = text(
            f'CREATE INDEX IF NOT EXISTS "{self.table}_hnsw" ON {self.qualified} '
            f"USING hnsw (embedding vector_cosine_ops) WITH (m = {int(self.m)}, "
            f"ef_construction = {int(self.ef_construction)})"
        )
        if conn is not None:
            conn.execute(sql)
            return
        with self.engine.begin() as c:
            c.execute(sql)

    def drop(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE'))
        self._ready = False

    # -- writing -------------------------------------------------------------------------

    def write(self, keys: Sequence[int], vectors: np.ndarray, conn=None) -> None:
        self.ensure_schema()
        rows = [
            {"id": int(k), "v": vector_literal(v)}
            for k, v in zip(keys, np.asarray(vectors, dtype=np.float32), strict=True)
        ]
        if not rows:
            return
        sql = text(
            f"INSERT INTO {self.qualified} (id, embedding) VALUES (:id, CAST(:v AS vector)) "
            "ON CONFLICT (id) DO UPDATE SET embedding = EXCLUDED.embedding"
        )
        if conn is not None:
            conn.execute(sql, rows)
            return
        with self.engine.begin() as c:
            c.execute(sql, rows)

    def delete(self, keys: Sequence[int]) -> None:
        if not keys:
            return
        self.ensure_schema()
        with self.engine.begin() as conn:
            conn.execute(
                text(f"DELETE FROM {self.qualified} WHERE id = ANY(:ids)"),
                {"ids": [int(k) for k in keys]},
            )

    def sync_from(self, session, model: str, batch: int = 2000) -> int:
        """Copy embeddings of `model` changed since the last sync from precedent_embeddings
        (the application's schema) into the ANN table. Safe to run from many processes."""
        from sqlalchemy import select

        from mediation.precedents.model import Precedent, PrecedentEmbedding

        self.ensure_schema()
        copied = 0
        with self._lock:
            with self.engine.begin() as conn:
                row = conn.execute(
                    text(
                        f'SELECT seq FROM "{self.schema}"."{self.table}_state" WHERE model = :m FOR UPDATE'
                    ),
                    {"m": model},
                ).first()
                seen = int(row[0]) if row else 0
                while True:
                    changed = session.execute(
                        select(
                            Precedent.id,
                            Precedent.seq,
                            Precedent.deleted,
                            PrecedentEmbedding.vector,
                            PrecedentEmbedding.dim,
                        )
                        .outerjoin(
                            PrecedentEmbedding,
                            (PrecedentEmbedding.precedent_id == Precedent.id)
                            & (PrecedentEmbedding.model == model),
                        )
                        .where(Precedent.seq > seen)
                        .order_by(Precedent.seq)
                        .limit(batch)
                    ).all()
                    if not changed:
                        break
                    live = [
                        (pid, np.frombuffer(v, dtype="<f4", count=d))
                        for pid, _s, dead, v, d in changed
                        if not dead and v is not None
                    ]
                    gone = [pid for pid, _s, dead, _v, _d in changed if dead]
                    if live:
                        self.write([k for k, _ in live], np.stack([v for _, v in live]), conn)
                    if gone:
                        conn.execute(
                            text(f"DELETE FROM {self.qualified} WHERE id = ANY(:ids)"),
                            {"ids": gone},
                        )
                    seen = int(changed[-1][1])
                    copied += len(changed)
                conn.execute(
                    text(
                        f'INSERT INTO "{self.schema}"."{self.table}_state" (model, seq) VALUES (:m, :s) '
                        "ON CONFLICT (model) DO UPDATE SET seq = EXCLUDED.seq"
                    ),
                    {"m": model, "s": seen},
                )
        return copied

    # -- the DenseIndex interface of nlp.precedents --------------------------------------

    def upsert(self, rows: Sequence[int], vectors: np.ndarray) -> None:
        self.write([self._key_of_row(r) for r in rows], vectors)

    def remove(self, rows: Sequence[int]) -> None:
        self.delete([self._key_of_row(r) for r in rows])

    def _rows(self, keys) -> np.ndarray:
        out = []
        for k in keys:
            r = self._row_of_key(int(k))
            out.append(-1 if r is None else r)
        return np.asarray(out, dtype=np.int64)

    def search(
        self,
        query: np.ndarray,
        k: int,
        allowed: np.ndarray | None = None,
        *,
        ef_search: int | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        self.ensure_schema()
        q = vector_literal(query)
        ef = int(ef_search or min(max(k, 40), 1000))
        params: dict = {"q": q, "k": int(k)}
        where = ""
        fetch = k
        if allowed is not None and not allowed.all():
            allowed_rows = np.flatnonzero(allowed)
            if len(allowed_rows) <= FILTER_IN_SQL_LIMIT:
                where = "WHERE id = ANY(:ids)"
                params["ids"] = [int(self._key_of_row(int(r))) for r in allowed_rows]
            else:
                fetch = min(k * 8, 4000)  # filter after the ANN scan, over-fetching
        params["k"] = int(fetch)
        with self.engine.begin() as conn:
            conn.execute(text(f"SET LOCAL hnsw.ef_search = {max(ef, min(fetch, 1000))}"))
            conn.execute(text("SET LOCAL hnsw.iterative_scan = relaxed_order"))
            result = conn.execute(
                text(
                    f"SELECT id, 1 - (embedding <=> CAST(:q AS vector)) AS score FROM {self.qualified} "
                    f"{where} ORDER BY embedding <=> CAST(:q AS vector) LIMIT :k"
                ),
                params,
            ).all()
        keys = [r[0] for r in result]
        scores = np.asarray([r[1] for r in result], dtype=np.float32)
        rows = self._rows(keys)
        keep = rows >= 0
        if allowed is not None and where == "":
            keep &= np.asarray(
                [allowed[r] if 0 <= r < len(allowed) else False for r in rows], dtype=bool
            )
        rows, scores = rows[keep][:k], scores[keep][:k]
        return rows, scores

    def scores_for(self, query: np.ndarray, rows: Sequence[int]) -> np.ndarray:
        rows = [int(r) for r in rows]
        if not rows:
            return np.zeros(0, dtype=np.float32)
        keys = [int(self._key_of_row(r)) for r in rows]
        with self.engine.begin() as conn:
            got = dict(
                conn.execute(
                    text(
                        f"SELECT id, 1 - (embedding <=> CAST(:q AS vector)) FROM {self.qualified} "
                        "WHERE id = ANY(:ids)"
                    ),
                    {"q": vector_literal(query), "ids": keys},
                ).all()
            )
        return np.asarray([got.get(k, 0.0) for k in keys], dtype=np.float32)

    def has(self, rows: np.ndarray) -> np.ndarray:
        rows = [int(r) for r in rows]
        if not rows:
            return np.zeros(0, dtype=bool)
        keys = [int(self._key_of_row(r)) for r in rows]
        with self.engine.begin() as conn:
            present = {
                r[0]
                for r in conn.execute(
                    text(f"SELECT id FROM {self.qualified} WHERE id = ANY(:ids)"), {"ids": keys}
                )
            }
        return np.asarray([k in present for k in keys], dtype=bool)

    def count(self) -> int:
        self.ensure_schema()
        with self.engine.begin() as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM {self.qualified}")).scalar_one())


_engines: dict[str, Engine] = {}


def engine_dense_index(database_url: str, schema: str, dim: int) -> PgVectorIndex:
    if not database_url.startswith("postgresql"):
        raise PgVectorUnavailable("PRECEDENT_INDEX=pgvector needs a PostgreSQL DATABASE_URL")
    engine = _engines.get(database_url)
    if engine is None:
        engine = _engines[database_url] = make_engine(database_url)
    index = PgVectorIndex(engine, dim, schema=schema)
    index.ensure_schema()
    return index
