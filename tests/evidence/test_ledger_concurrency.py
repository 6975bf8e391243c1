"""50 writers appending to one case at once: threads and processes, SQLite and PostgreSQL.

Each must give one gap-free chain: seq 0..n-1, every entry chaining to the one before
(no fork), and every append a writer saw commit present exactly once (none lost).
"""

from __future__ import annotations

import json
import multiprocessing
import threading

import pytest

from mediation.db import make_engine, make_sessionmaker, session_scope
from mediation.evidence import ledger, merkle
from mediation.evidence.verify import verify_case

WRITERS = 50
PER_WRITER = 4


def _append(factory, case_id: int, writer: int, k: int) -> int:
    with session_scope(factory) as s:
        entry = ledger.append_entry(s, case_id, "case.note", None, {"writer": writer, "k": k})
        return entry.seq


def _assert_one_chain(db, case_id: int, committed: list[tuple[int, int, int]]) -> None:
    total = WRITERS * PER_WRITER
    assert len(committed) == total, "some writer did not finish"
    with db.factory() as s:
        entries = ledger.entries(s, case_id)
        assert [e.seq for e in entries] == list(range(total))  # gap-free, nothing extra
        prev = bytes(32)
        seen = {}
        for e in entries:
            body = json.loads(e.body)
            assert body["prev"] == prev.hex(), f"fork at seq {e.seq}"
            prev = merkle.leaf_hash(e.body)
            seen[(body["payload"]["writer"], body["payload"]["k"])] = e.seq
        # every append a writer saw commit is there, at the seq the writer was given
        assert seen == {(w, k): seq for w, k, seq in committed}
        assert ledger.head_of(s, case_id).size == total
        report = verify_case(s, case_id, keys={})
        assert report.ok, report.summary()


def _run_threads(db) -> None:
    case_id, _, _ = db.make_case()
    engine = db.new_engine(pool_size=WRITERS, max_overflow=0)
    factory = make_sessionmaker(engine)
    barrier = threading.Barrier(WRITERS)
    committed: list[tuple[int, int, int]] = []
    errors: list[BaseException] = []

    def writer(w: int) -> None:
        try:
            barrier.wait()
            for k in range(PER_WRITER):
                committed.append((w, k, _append(factory, case_id, w, k)))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    engine.dispose()
    assert errors == []
    _assert_one_chain(db, case_id, committed)


def _process_writer(url, kwargs, case_id, w, barrier, queue) -> None:
    engine = make_engine(url, **kwargs)
    factory = make_sessionmaker(engine)
    try:
        barrier.wait(timeout=60)
        for k in range(PER_WRITER):
            queue.put((w, k, _append(factory, case_id, w, k)))
    finally:
        engine.dispose()


def _run_processes(db) -> None:
    case_id, _, _ = db.make_case()
    db.engine.dispose()  # no pooled connection may cross the fork
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(WRITERS)
    queue = ctx.Queue()
    procs = [
        ctx.Process(
            target=_process_writer, args=(db.url, db.engine_kwargs, case_id, w, barrier, queue)
        )
        for w in range(WRITERS)
    ]
    for p in procs:
        p.start()
    committed = [queue.get(timeout=120) for _ in range(WRITERS * PER_WRITER)]
    for p in procs:
        p.join(timeout=60)
    assert [p.exitcode for p in procs] == [0] * WRITERS
    _assert_one_chain(db, case_id, committed)


def test_fifty_threads_sqlite(sqlite_db):
    _run_threads(sqlite_db)


def test_fifty_threads_postgresql(pg_db):
    _run_threads(pg_db)


@pytest.mark.slow
def test_fifty_processes_sqlite(sqlite_db):
    _run_processes(sqlite_db)


@pytest.mark.slow
def test_fifty_processes_postgresql(pg_db):
    _run_processes(pg_db)
