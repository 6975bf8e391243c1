"""The embedded queue: one SQLite file (WAL), no server.

Claims run in BEGIN IMMEDIATE transactions, so two workers never take the same job; a
running job holds a lease (`lease_until`) that its worker renews, and a job whose lease
ran out is given back to the queue (or failed, when out of attempts) by the next claim.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from mediation.jobs.core import (
    DONE,
    FAILED,
    MISSING,
    QUEUED,
    RUNNING,
    Job,
    JobQueue,
    Reaped,
    lost_message,
    new_id,
    retry_delay,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    task TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 3,
    dedupe_key TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    started_at REAL,
    finished_at REAL,
    run_after REAL NOT NULL DEFAULT 0,
    lease_until REAL,
    worker TEXT,
    done REAL NOT NULL DEFAULT 0,
    total REAL NOT NULL DEFAULT 0,
    note TEXT,
    progress_at REAL,
    attempt_done0 REAL NOT NULL DEFAULT 0,
    checkpoint TEXT,
    result TEXT,
    error_code TEXT,
    error TEXT
);
CREATE INDEX IF NOT EXISTS ix_jobs_runnable ON jobs (state, run_after);
CREATE INDEX IF NOT EXISTS ix_jobs_lease ON jobs (state, lease_until);
CREATE UNIQUE INDEX IF NOT EXISTS ux_jobs_dedupe ON jobs (dedupe_key);
"""

_JSON = ("payload", "checkpoint", "result")


def path_of(url: str) -> Path:
    """sqlite:///relative/jobs.db or sqlite:////absolute/jobs.db."""
    if not url.startswith("sqlite:///"):
        raise ValueError(f"not a sqlite URL: {url}")
    return Path(url.removeprefix("sqlite:///"))


class SQLiteQueue(JobQueue):
    def __init__(self, url: str) -> None:
        self.url = url
        self.path = path_of(url)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        conn = self._conn()
        for statement in SCHEMA.strip().split(";"):
            if statement.strip():
                conn.execute(statement)

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=30000")
            self._local.conn = conn
        return conn

    class _Tx:
        def __init__(self, conn: sqlite3.Connection) -> None:
            self.conn = conn

        def __enter__(self) -> sqlite3.Connection:
            self.conn.execute("BEGIN IMMEDIATE")
            return self.conn

        def __exit__(self, exc_type, exc, tb) -> None:
            self.conn.execute("ROLLBACK" if exc_type else "COMMIT")

    def _tx(self) -> _Tx:
        return self._Tx(self._conn())

    @staticmethod
    def _job(row: sqlite3.Row | None) -> Job | None:
        if row is None:
            return None
        data = dict(row)
        for key in _JSON:
            data[key] = json.loads(data[key]) if data[key] is not None else None
        data["payload"] = data["payload"] or {}
        return Job(**data)

    def enqueue(self, task, payload=None, *, dedupe_key=None, max_attempts=None, delay_s=0.0):
        from mediation.jobs.core import REGISTRY

        if max_attempts is None:
            spec = REGISTRY.get(task)
            max_attempts = spec.max_attempts if spec else 3
        now = time.time()
        with self._tx() as conn:
            if dedupe_key is not None:
                row = conn.execute(
                    "SELECT id, state FROM jobs WHERE dedupe_key = ?", (dedupe_key,)
                ).fetchone()
                if row is not None and row["state"] != FAILED:
                    return row["id"]
                if row is not None:
                    conn.execute("UPDATE jobs SET dedupe_key = NULL WHERE id = ?", (row["id"],))
            job_id = new_id()
            conn.execute(
                "INSERT INTO jobs (id, task, payload, state, max_attempts, dedupe_key,"
                " created_at, updated_at, run_after) VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    job_id,
                    task,
                    json.dumps(payload or {}, ensure_ascii=False),
                    QUEUED,
                    max_attempts,
                    dedupe_key,
                    now,
                    now,
                    now + delay_s,
                ),
            )
        return job_id

    def get(self, job_id):
        return self._job(
            self._conn().execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        )

    def list(self, state=None, limit=100):
        if state:
            rows = self._conn().execute(
                "SELECT * FROM jobs WHERE state = ? ORDER BY created_at DESC LIMIT ?",
                (state, limit),
            )
        else:
            rows = self._conn().execute(
                "SELECT * FROM jobs ORDER BY created_at DESC LIMIT ?", (limit,)
            )
        return [self._job(r) for r in rows.fetchall()]

    def _reap(self, conn: sqlite3.Connection, now: float, where: str, args: tuple) -> Reaped:
        out = Reaped()
        rows = conn.execute(f"SELECT id, attempts, max_attempts FROM jobs WHERE {where}", args)
        for row in rows.fetchall():
            message = lost_message(row["attempts"])
            if row["attempts"] >= row["max_attempts"]:
                conn.execute(
                    "UPDATE jobs SET state=?, worker=NULL, lease_until=NULL, finished_at=?,"
                    " updated_at=?, error_code='worker_lost', error=? WHERE id=?",
                    (FAILED, now, now, message, row["id"]),
                )
                out.failed.append(row["id"])
            else:
                conn.execute(
                    "UPDATE jobs SET state=?, worker=NULL, lease_until=NULL, run_after=?,"
                    " updated_at=?, error_code='worker_lost', error=? WHERE id=?",
                    (QUEUED, now, now, message, row["id"]),
                )
                out.requeued.append(row["id"])
        return out

    def claim(self, worker, lease_s, tasks: Iterable[str]):
        tasks = list(tasks)
        if not tasks:
            return None
        now = time.time()
        marks = ",".join("?" * len(tasks))
        with self._tx() as conn:
            self._reap(conn, now, "state = ? AND lease_until < ?", (RUNNING, now))
            row = conn.execute(
                f"SELECT id, done FROM jobs WHERE state = ? AND run_after <= ? AND task IN ({marks})"
                " ORDER BY run_after, created_at LIMIT 1",
                (QUEUED, now, *tasks),
            ).fetchone()
            if row is None:
                return None
            conn.execute(
                "UPDATE jobs SET state=?, worker=?, attempts=attempts+1, started_at=?,"
                " lease_until=?, attempt_done0=done, progress_at=?, updated_at=? WHERE id=?",
                (RUNNING, worker, now, now + lease_s, now, now, row["id"]),
            )
            return self._job(conn.execute("SELECT * FROM jobs WHERE id=?", (row["id"],)).fetchone())

    def _owned_update(self, job_id: str, worker: str, sets: dict) -> bool:
        cols = ", ".join(f"{k} = ?" for k in sets)
        cur = self._conn().execute(
            f"UPDATE jobs SET {cols} WHERE id = ? AND worker = ? AND state = ?",
            (*sets.values(), job_id, worker, RUNNING),
        )
        return cur.rowcount == 1

    def renew(self, job_id, worker, lease_s):
        now = time.time()
        return self._owned_update(job_id, worker, {"lease_until": now + lease_s, "updated_at": now})

    def report(
        self, job_id, worker, lease_s, *, done=None, total=None, note=MISSING, checkpoint=MISSING
    ):
        now = time.time()
        sets: dict = {"lease_until": now + lease_s, "updated_at": now}
        if done is not None:
            sets["done"] = float(done)
            sets["progress_at"] = now
        if total is not None:
            sets["total"] = float(total)
        if note is not MISSING:
            sets["note"] = note
        if checkpoint is not MISSING:
            sets["checkpoint"] = (
                json.dumps(checkpoint, ensure_ascii=False) if checkpoint is not None else None
            )
        return self._owned_update(job_id, worker, sets)

    def finish(self, job_id, worker, result):
        now = time.time()
        cur = self._conn().execute(
            "UPDATE jobs SET state=?, result=?, finished_at=?, updated_at=?, lease_until=NULL,"
            " done=total, checkpoint=NULL WHERE id=? AND worker=? AND state=?",
            (
                DONE,
                json.dumps(result, ensure_ascii=False) if result is not None else None,
                now,
                now,
                job_id,
                worker,
                RUNNING,
            ),
        )
        return cur.rowcount == 1

    def fail(self, job_id, worker, code, message, *, retry):
        now = time.time()
        with self._tx() as conn:
            row = conn.execute(
                "SELECT attempts, max_attempts FROM jobs WHERE id=? AND worker=? AND state=?",
                (job_id, worker, RUNNING),
            ).fetchone()
            if row is None:
                current = conn.execute("SELECT state FROM jobs WHERE id=?", (job_id,)).fetchone()
                return current["state"] if current else FAILED
            if retry and row["attempts"] < row["max_attempts"]:
                conn.execute(
                    "UPDATE jobs SET state=?, worker=NULL, lease_until=NULL, run_after=?,"
                    " updated_at=?, error_code=?, error=? WHERE id=?",
                    (QUEUED, now + retry_delay(row["attempts"]), now, code, message[:2000], job_id),
                )
                return QUEUED
            conn.execute(
                "UPDATE jobs SET state=?, worker=NULL, lease_until=NULL, finished_at=?,"
                " updated_at=?, error_code=?, error=? WHERE id=?",
                (FAILED, now, now, code, message[:2000], job_id),
            )
            return FAILED

    def release(self, job_id, worker):
        now = time.time()
        cur = self._conn().execute(
            "UPDATE jobs SET state=?, worker=NULL, lease_until=NULL, run_after=?, updated_at=?,"
            " attempts=MAX(attempts-1, 0) WHERE id=? AND worker=? AND state=?",
            (QUEUED, now, now, job_id, worker, RUNNING),
        )
        return cur.rowcount == 1

    def release_worker(self, worker):
        now = time.time()
        with self._tx() as conn:
            reaped = self._reap(conn, now, "state = ? AND worker = ?", (RUNNING, worker))
        return reaped.requeued + reaped.failed

    def retry(self, job_id):
        now = time.time()
        cur = self._conn().execute(
            "UPDATE jobs SET state=?, attempts=0, run_after=?, updated_at=?, finished_at=NULL"
            " WHERE id=? AND state=?",
            (QUEUED, now, now, job_id, FAILED),
        )
        return cur.rowcount == 1

    def close(self):
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
