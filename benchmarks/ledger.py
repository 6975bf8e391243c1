"""Evidence ledger benchmark: appends/s, full verification speed and proof time.

    .venv/bin/python benchmarks/ledger.py                    # 1,000,000-entry ledger
    .venv/bin/python benchmarks/ledger.py --entries 100000   # quick run

Each measurement prints a baseline taken in the same run on the same database:
appends against bare insert transactions, verification against reading the rows and
hashing them (the floor any verifier pays), proofs against a single-row fetch.
Targets (issue 4): >= 2,000 appends/s, >= 100,000 entries/s verified, proofs < 5 ms.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import shutil
import sqlite3
import statistics
import sys
import time
import uuid
from datetime import date
from hashlib import sha256
from pathlib import Path

from sqlalchemy import Column, Integer, LargeBinary, MetaData, Table, create_engine, text
from sqlalchemy.orm import sessionmaker

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import mediation.models  # noqa: E402,F401 - every table
from mediation.cases.model import Case, Channel, DisputeType  # noqa: E402
from mediation.db import Base, make_engine, make_sessionmaker, session_scope  # noqa: E402
from mediation.evidence import ledger, merkle  # noqa: E402
from mediation.evidence import model as evidence_model  # noqa: E402,F401
from mediation.evidence.cli import read_engine  # noqa: E402
from mediation.evidence.jcs import canonical  # noqa: E402
from mediation.evidence.verify import verify_case  # noqa: E402
from mediation.people.model import Centre  # noqa: E402

PG_URL = os.environ.get("MEDIATION_TEST_PG", "postgresql+psycopg://root@127.0.0.1:5432/test")

# A bare table with an entry-sized row: the cost of a transaction that writes anything.
_scratch = MetaData()
baseline_rows = Table(
    "bench_baseline_rows",
    _scratch,
    Column("id", Integer, primary_key=True),
    Column("body", LargeBinary),
)

results: list[tuple[str, str, str, str]] = []


def report(what: str, value: str, baseline: str, verdict: str = "") -> None:
    results.append((what, value, baseline, verdict))
    print(f"  {what}: {value}   (baseline: {baseline}) {verdict}", flush=True)


def new_case(factory) -> int:
    tag = uuid.uuid4().hex[:8]
    with session_scope(factory) as s:
        centre = Centre(code=f"B{tag}", name="bench")
        s.add(centre)
        s.flush()
        case = Case(
            centre_id=centre.id,
            number=f"B-{tag}",
            dispute_type=DisputeType.BANKING,
            request="bench",
            channel=Channel.ONLINE,
            received_on=date(2026, 1, 5),
        )
        s.add(case)
        s.flush()
        ledger.ensure_head(s, case.id)
        return case.id


def payload(i: int) -> dict:
    return {"stage": "mediation", "amount_fen": 1_234_500 + i, "ref": sha256(b"%d" % i).hexdigest()}


# --- 1. appends


def bench_sqlite_appends(db_url: str, n: int) -> None:
    print(f"\n[1] single writer, SQLite (WAL, synchronous=NORMAL), {n} appends", flush=True)
    engine = make_engine(db_url)
    factory = make_sessionmaker(engine)
    case_id = new_case(factory)
    body = b"x" * 300
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(n):
        with session_scope(factory) as s:
            s.execute(baseline_rows.insert(), {"body": body})
    base, base_cpu = n / (time.perf_counter() - t0), n / (time.process_time() - c0)
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(n):
        with session_scope(factory) as s:
            ledger.append_entry(s, case_id, "case.note", None, payload(i))
    rate, rate_cpu = n / (time.perf_counter() - t0), n / (time.process_time() - c0)
    ok = "OK" if rate >= 2000 else "BELOW TARGET 2,000/s"
    report(
        "appends/s, 1 writer, SQLite",
        f"{rate:,.0f}/s (per CPU-second {rate_cpu:,.0f})",
        f"bare insert transactions {base:,.0f}/s (per CPU-second {base_cpu:,.0f})",
        ok,
    )
    with factory() as s:
        assert verify_case(s, case_id, keys={}).ok
    engine.dispose()


def _pg_writer(url, kwargs, case_id, n, barrier, queue, bare, per_tx) -> None:
    engine = make_engine(url, **kwargs)
    factory = make_sessionmaker(engine)
    body = b"x" * 300
    barrier.wait()
    t0 = time.perf_counter()
    for i in range(0, n, per_tx):
        with session_scope(factory) as s:
            for j in range(i, min(n, i + per_tx)):
                if bare:
                    s.execute(baseline_rows.insert(), {"body": body})
                else:
                    ledger.append_entry(s, case_id, "case.note", None, payload(j))
    queue.put(time.perf_counter() - t0)
    engine.dispose()


def _pg_round(url, kwargs, case_ids, n, bare, per_tx=1) -> float:
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(len(case_ids) + 1)
    queue = ctx.Queue()
    procs = [
        ctx.Process(target=_pg_writer, args=(url, kwargs, c, n, barrier, queue, bare, per_tx))
        for c in case_ids
    ]
    for p in procs:
        p.start()
    barrier.wait()
    t0 = time.perf_counter()
    [queue.get(timeout=600) for _ in procs]
    wall = time.perf_counter() - t0
    for p in procs:
        p.join()
    return len(case_ids) * n / wall


def bench_pg_appends(n: int, writers: int = 8) -> None:
    print(
        f"\n[2] {writers} concurrent writers (processes), PostgreSQL, {n} appends each", flush=True
    )
    try:
        probe = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with probe.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:
        print(f"  SKIPPED: PostgreSQL not reachable at {PG_URL}: {type(exc).__name__}")
        return
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with probe.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    kwargs = {"connect_args": {"options": f"-csearch_path={schema}"}}
    try:
        engine = make_engine(PG_URL, **kwargs)
        Base.metadata.create_all(engine)
        _scratch.create_all(engine)
        factory = make_sessionmaker(engine)
        own = [new_case(factory) for _ in range(writers)]
        shared = new_case(factory)
        engine.dispose()
        base = _pg_round(PG_URL, kwargs, own, n, bare=True)
        rate = _pg_round(PG_URL, kwargs, own, n, bare=False)
        one = _pg_round(PG_URL, kwargs, [shared] * writers, n, bare=False)
        batched_base = _pg_round(PG_URL, kwargs, own, n, bare=True, per_tx=10)
        batched = _pg_round(PG_URL, kwargs, own, n, bare=False, per_tx=10)
        ok = "OK" if rate >= 2000 else "BELOW TARGET 2,000/s"
        report(
            f"appends/s, {writers} writers on {writers} cases, PostgreSQL",
            f"{rate:,.0f}/s",
            f"bare insert transactions {base:,.0f}/s",
            ok,
        )
        report(
            f"appends/s, {writers} writers on ONE case, PostgreSQL",
            f"{one:,.0f}/s",
            f"bare insert transactions {base:,.0f}/s",
            "(serialised by the head-row lock)",
        )
        report(
            f"appends/s, {writers} writers, 10 appends per transaction, PostgreSQL",
            f"{batched:,.0f}/s",
            f"bare inserts, 10 per transaction {batched_base:,.0f}/s",
            "(an operation that records several entries)",
        )
        engine = make_engine(PG_URL, **kwargs)
        with make_sessionmaker(engine)() as s:
            for c in [*own, shared]:
                rep = verify_case(s, c, keys={})
                assert rep.ok and rep.entries == (n * writers if c == shared else 2 * n)
        engine.dispose()
    finally:
        with probe.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        probe.dispose()


# --- 2. a big ledger, built in bulk


def fast_body(case_id: int, seq: int, time_text: str, p: dict, prev: bytes) -> bytes:
    """The entry bytes for this benchmark's ASCII-only payloads: json.dumps with sorted keys
    and no spaces is RFC 8785 for them (checked against rfc8785 on a sample)."""
    return json.dumps(
        {
            "actor": None,
            "case": case_id,
            "file": None,
            "payload": p,
            "prev": prev.hex(),
            "seq": seq,
            "time": time_text,
            "type": "case.note",
            "v": 1,
        },
        separators=(",", ":"),
        sort_keys=True,
    ).encode()


def build_big_ledger(db_path: Path, n: int) -> int:
    print(f"\n[3] building a {n:,}-entry ledger in bulk (SQLite)", flush=True)
    url = f"sqlite:///{db_path}"
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    case_id = new_case(factory)
    engine.dispose()
    t0 = time.perf_counter()
    now = ledger.utcnow()
    time_text = ledger.format_time(now)
    created = now.isoformat(sep=" ")
    frontier: list[bytes] = []
    prev = ledger.GENESIS_PREV
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")  # bulk load only; appends use NORMAL
    conn.execute("BEGIN")
    batch = []
    for seq in range(n):
        p = {"i": seq, "amount_fen": 1_234_500 + seq}
        body = fast_body(case_id, seq, time_text, p, prev)
        if seq < 1000:
            assert body == canonical(json.loads(body)), "fast body is not RFC 8785"
        leaf = merkle.leaf_hash(body)
        subtree = merkle.frontier_append(frontier, seq, leaf)
        batch.append((case_id, seq, "case.note", None, body, leaf, prev, subtree, None, created))
        prev = leaf
        if len(batch) == 50_000:
            conn.executemany("INSERT INTO ledger_entries VALUES (?,?,?,?,?,?,?,?,?,?)", batch)
            batch.clear()
    if batch:
        conn.executemany("INSERT INTO ledger_entries VALUES (?,?,?,?,?,?,?,?,?,?)", batch)
    conn.execute(
        "UPDATE ledger_heads SET size=?, last_hash=?, root=?, frontier=? WHERE case_id=?",
        (n, prev, merkle.frontier_root(frontier), b"".join(frontier), case_id),
    )
    conn.execute("COMMIT")
    conn.close()
    print(f"  built in {time.perf_counter() - t0:.1f} s", flush=True)
    return case_id


def bench_verify(db_path: Path, case_id: int, n: int) -> None:
    print(f"\n[4] full verification of the {n:,}-entry ledger", flush=True)
    conn = sqlite3.connect(db_path)
    t0, c0 = time.perf_counter(), time.process_time()
    count = 0
    for (body,) in conn.execute(
        "SELECT body FROM ledger_entries WHERE case_id=? ORDER BY seq", (case_id,)
    ):
        sha256(b"\x00" + body).digest()
        count += 1
    floor, floor_cpu = count / (time.perf_counter() - t0), count / (time.process_time() - c0)
    conn.close()
    engine = read_engine(f"sqlite:///{db_path}")  # what `mediation verify` uses
    workers = os.cpu_count() or 1
    with sessionmaker(bind=engine)() as s:
        t0, c0 = time.perf_counter(), time.process_time()
        rep = verify_case(s, case_id, keys={})
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        assert rep.ok and rep.entries == n, rep.summary()
        t0 = time.perf_counter()
        rep = verify_case(s, case_id, keys={}, workers=workers)
        elapsed_par = time.perf_counter() - t0
        assert rep.ok and rep.entries == n, rep.summary()
    engine.dispose()
    baseline = f"read rows + SHA-256 only {floor:,.0f}/s (per CPU-second {floor_cpu:,.0f})"
    report(
        f"entries/s verified, one process ({n:,} entries, {elapsed:.1f} s)",
        f"{n / elapsed:,.0f}/s (per CPU-second {n / cpu:,.0f})",
        baseline,
        "OK" if n / elapsed >= 100_000 else "BELOW TARGET 100,000/s",
    )
    report(
        f"entries/s verified, {workers} processes ({elapsed_par:.1f} s)",
        f"{n / elapsed_par:,.0f}/s",
        baseline,
        "OK" if n / elapsed_par >= 100_000 else "BELOW TARGET 100,000/s",
    )


def bench_proofs(db_path: Path, case_id: int, n: int, samples: int) -> None:
    print(f"\n[5] proofs at size {n:,}, {samples} random entries", flush=True)
    engine = make_engine(f"sqlite:///{db_path}")
    rng = random.Random(4)
    seqs = [rng.randrange(n) for _ in range(samples)]
    with make_sessionmaker(engine)() as s:
        head = ledger.head_of(s, case_id)
        conn = s.connection()
        fetch = text("SELECT leaf_hash FROM ledger_entries WHERE case_id=:c AND seq=:s")
        t_base = []
        for seq in seqs:
            t0 = time.perf_counter()
            conn.execute(fetch, {"c": case_id, "s": seq}).scalar_one()
            t_base.append(time.perf_counter() - t0)
        t_inc = []
        cpu = 0.0
        for seq in seqs:
            t0, c0 = time.perf_counter(), time.process_time()
            proof = ledger.inclusion_proof(s, case_id, seq)
            t_inc.append(time.perf_counter() - t0)
            cpu += time.process_time() - c0
            assert proof.root == head.root
            proof.verify()
        t_con = []
        for seq in seqs[: samples // 2]:
            t0 = time.perf_counter()
            cproof = ledger.consistency_proof(s, case_id, seq + 1)
            t_con.append(time.perf_counter() - t0)
            cproof.verify()
    engine.dispose()

    def ms(xs: list[float]) -> str:
        xs = sorted(xs)
        p95 = xs[int(len(xs) * 0.95) - 1]
        return f"median {statistics.median(xs) * 1e3:.2f} ms, p95 {p95 * 1e3:.2f} ms"

    ok = "OK" if sorted(t_inc)[int(len(t_inc) * 0.95) - 1] < 0.005 else "ABOVE TARGET 5 ms"
    report(
        "inclusion proof",
        f"{ms(t_inc)} (CPU {cpu / len(seqs) * 1e3:.2f} ms)",
        f"one-row fetch {ms(t_base)}",
        ok,
    )
    report("consistency proof", ms(t_con), f"one-row fetch {ms(t_base)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000, help="size of the big ledger")
    parser.add_argument("--appends", type=int, default=3000, help="single-writer appends")
    parser.add_argument("--pg-appends", type=int, default=400, help="appends per PG writer")
    parser.add_argument("--proofs", type=int, default=200, help="proof samples")
    parser.add_argument("--workdir", type=Path, default=REPO / "benchmarks" / "out")
    parser.add_argument("--skip-pg", action="store_true")
    args = parser.parse_args()

    work = args.workdir / f"ledger-{os.getpid()}"
    work.mkdir(parents=True, exist_ok=True)
    print(f"evidence ledger benchmark, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    try:
        small = work / "appends.db"
        engine = make_engine(f"sqlite:///{small}")
        Base.metadata.create_all(engine)
        _scratch.create_all(engine)
        engine.dispose()
        bench_sqlite_appends(f"sqlite:///{small}", args.appends)
        if not args.skip_pg:
            bench_pg_appends(args.pg_appends)
        big = work / "big.db"
        engine = make_engine(f"sqlite:///{big}")
        Base.metadata.create_all(engine)
        engine.dispose()
        case_id = build_big_ledger(big, args.entries)
        bench_verify(big, case_id, args.entries)
        bench_proofs(big, case_id, args.entries, args.proofs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("\nsummary")
    for what, value, baseline, verdict in results:
        print(f"  {what:<50} {value:>52}  | {baseline} {verdict}")


if __name__ == "__main__":
    main()
