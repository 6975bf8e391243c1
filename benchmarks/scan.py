"""The due/overdue scan over a generated population of open cases, on SQLite and PostgreSQL.

Two measurements per database:
- daily: clocks already marked as of yesterday, scanned today (the real nightly workload:
  only cases that crossed a line since yesterday change);
- cold: nothing marked yet (the first scan after an import), the worst case."""

from __future__ import annotations

import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

TODAY = date(2026, 6, 15)

CASES_SQL = """
INSERT INTO cases (id, centre_id, number, dispute_type, request, channel, stage, stage_since,
                   received_on, next_due_on, urgency, paused, last_event_seq, version, created_at)
SELECT n, 1, 'B-' || n, 'banking', 'benchmark', 'online', 'mediation', :now,
       :base, {due_expr}, 'ok', false, 0, 1, :now
FROM {series}
"""
CLOCKS_SQL = """
INSERT INTO clocks (id, case_id, rule_id, started_on, status, due_on, warn_on, warn_days, provisional,
                    extension_days, urgency, created_at)
SELECT n, n, 'OLM-24-PRE', :base, 'running', {due_expr}, {warn_expr}, 3, false, 0, 'ok', :now
FROM {series}
"""


def _series(dialect: str, n: int) -> str:
    if dialect == "postgresql":
        return f"generate_series(1, {n}) AS s(n)"
    return f"(WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {n}) SELECT n FROM s)"


def _due_expr(dialect: str) -> tuple[str, str]:
    # Due dates spread evenly over TODAY-60 .. TODAY+59.
    if dialect == "postgresql":
        due = "(CAST(:base AS date) + (n % 120))"
        return due, f"({due} - 3)"
    due = "date(:base, '+' || (n % 120) || ' days')"
    return due, f"date({due}, '-3 days')"


def maintain(engine) -> None:
    """What autovacuum / ANALYZE do in the day between two nightly scans."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE cases"))
            conn.execute(text("VACUUM ANALYZE clocks"))
            conn.execute(text("VACUUM ANALYZE case_events"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def populate(engine, n: int) -> float:
    dialect = engine.dialect.name
    due, warn = _due_expr(dialect)
    series = _series(dialect, n)
    params = {"base": TODAY - timedelta(days=60), "now": datetime(2026, 1, 1)}
    t0 = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO centres (id, code, name, rule_set, warning_days) VALUES (1, 'B', 'bench', 'default', 3)"
            )
        )
        conn.execute(text(CASES_SQL.format(due_expr=due, series=series)), params)
        conn.execute(text(CLOCKS_SQL.format(due_expr=due, warn_expr=warn, series=series)), params)
    maintain(engine)
    return time.perf_counter() - t0


def timed_scan(engine, day: date) -> tuple[float, int, int]:
    from mediation.db import make_sessionmaker, session_scope
    from mediation.deadlines.service import scan

    t0 = time.perf_counter()
    with session_scope(make_sessionmaker(engine)) as s:
        result = scan(s, day)
    return time.perf_counter() - t0, result.newly_overdue, result.newly_due_soon


def bench_database(label: str, url: str, n: int, make_engine) -> None:
    from mediation.migrate import upgrade

    upgrade(url)
    engine = make_engine(url)
    took = populate(engine, n)
    print(f"scan[{label}]: generated {n} open cases with running clocks in {took:.1f} s")
    secs, over, soon = timed_scan(engine, TODAY)
    print(
        f"scan[{label}] cold (nothing marked yet): {secs:.2f} s over {n} cases; {over} newly overdue, {soon} newly due soon"
    )
    maintain(engine)  # a day passes: autovacuum / ANALYZE catch up
    secs, over, soon = timed_scan(engine, TODAY + timedelta(days=1))
    print(
        f"scan[{label}] daily (marked yesterday): {secs:.2f} s over {n} cases; {over} newly overdue, {soon} newly due soon"
    )
    secs, over, soon = timed_scan(engine, TODAY + timedelta(days=1))
    print(
        f"scan[{label}] repeat (nothing changed, baseline): {secs:.2f} s; {over} newly overdue, {soon} newly due soon"
    )
    engine.dispose()


def run(n: int, pg_url: str | None) -> None:
    from mediation.db import make_engine

    with tempfile.TemporaryDirectory() as tmp:
        bench_database("sqlite", "sqlite:///" + str(Path(tmp) / "scan.db"), n, make_engine)
    if not pg_url:
        print("scan[postgresql]: skipped (no --pg-url)")
        return
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_url)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # unreachable server: say so and go on
        print(f"scan[postgresql]: skipped ({exc.__class__.__name__}: {str(exc).splitlines()[0]})")
        return
    try:
        sep = "&" if "?" in pg_url else "?"
        bench_database(
            "postgresql", f"{pg_url}{sep}options=-csearch_path%3D{schema}", n, make_engine
        )
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
