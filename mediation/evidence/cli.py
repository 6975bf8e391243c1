"""`mediation verify`: check one case ledger or the whole store, offline.

Exit status 0 when everything verifies, 1 when anything does not, 2 on bad usage.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import click
from cryptography import x509
from flask.cli import with_appcontext
from sqlalchemy import create_engine, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from mediation.cases.model import Case
from mediation.evidence import notes
from mediation.evidence.blobstore import BlobStore, LocalBlobStore
from mediation.evidence.checkpoints import KeyRing, TrustedKeys, database_keys
from mediation.evidence.timestamps import load_certificates
from mediation.evidence.verify import CaseReport, verify_store

BLOB_DIR_NAME = "blobs"


def resolve_case(session: Session, ref: str) -> list[int]:
    """Case ids for a case number (2026-0001) or a numeric id."""
    ref = ref.strip()
    if ref.isdigit():
        found = session.get(Case, int(ref))
        return [found.id] if found is not None else []
    return list(session.scalars(select(Case.id).where(Case.number == ref).order_by(Case.id)))


def _print_case(report: CaseReport, echo: Callable[[str], None], details: int) -> None:
    echo(report.summary())
    if not report.ok:
        first = report.first_problem
        ordered = [first] + [p for p in report.problems if p is not first]
        for problem in ordered[:details]:
            where = f"seq {problem.seq}" if problem.seq is not None else "-"
            echo(f"  [{problem.code}] {where}: {problem.message}")
        if len(report.problems) > details or report.truncated:
            echo("  …")


def run_verify(
    factory: sessionmaker[Session],
    *,
    case_ref: str | None,
    all_cases: bool,
    keys: TrustedKeys,
    store: BlobStore | None,
    tsa_roots: list[x509.Certificate] | None = None,
    echo: Callable[[str], None] = click.echo,
    details: int = 10,
    workers: int = 1,
) -> int:
    """Verify and print; returns the exit status."""
    started = time.perf_counter()
    with factory() as session:
        if all_cases:
            case_ids = None
        else:
            case_ids = resolve_case(session, case_ref or "")
            if not case_ids:
                echo(f"no case {case_ref!r}")
                return 2
        if not keys:
            keys = database_keys(session)
            echo("warning: no trusted key files; using the keys recorded in the database")
        report = verify_store(
            session,
            keys=keys,
            store=store,
            tsa_roots=tsa_roots,
            case_ids=case_ids,
            workers=workers,
        )
        session.rollback()
    elapsed = time.perf_counter() - started
    for problem in report.problems:
        echo(f"store: FAILED [{problem.code}] {problem.message}")
    for case_report in report.cases:
        if all_cases and case_report.ok and len(report.cases) > 20:
            continue  # with --all, list the failures; the totals follow
        _print_case(case_report, echo, details)
    entries = sum(c.entries for c in report.cases)
    failed = len(report.failed_cases) + (1 if report.problems else 0)
    rate = entries / elapsed if elapsed > 0 else 0.0
    echo(
        f"{len(report.cases)} ledgers, {entries} entries checked in {elapsed:.2f} s "
        f"({rate:,.0f} entries/s): {'OK' if report.ok else f'{failed} FAILED'}"
    )
    return 0 if report.ok else 1


def read_engine(url: str) -> Engine:
    """An engine for verification: one consistent snapshot that never takes the write
    lock (the application's SQLite engine begins every transaction IMMEDIATE)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _no_implicit_transactions(dbapi_conn, _record) -> None:
            dbapi_conn.isolation_level = None

        @event.listens_for(engine, "begin")
        def _read_snapshot(conn) -> None:
            conn.exec_driver_sql("BEGIN")  # deferred: a WAL read snapshot

        return engine
    return create_engine(url, isolation_level="REPEATABLE READ", pool_pre_ping=True)


def load_keys(paths: tuple[str, ...], instance_path: Path) -> TrustedKeys:
    """Trusted keys from the given .vkey files, else from the instance's key folder."""
    if paths:
        keys = {}
        for path in paths:
            for line in Path(path).read_text().splitlines():
                if line.strip():
                    name, key_id, public = notes.parse_verifier_key(line)
                    keys[(name, key_id)] = public
        return keys
    return KeyRing(instance_path).trusted()


@click.command("verify")
@click.option("--case", "case_ref", metavar="NUMBER_OR_ID", help="Case number or id.")
@click.option("--all", "all_cases", is_flag=True, help="Every case ledger in the store.")
@click.option(
    "--key",
    "key_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Trusted verifier key file (.vkey); default: the instance's ledger-keys folder.",
)
@click.option(
    "--tsa-ca",
    type=click.Path(exists=True, dir_okay=False),
    help="PEM root certificate(s) of the time-stamping authority.",
)
@click.option("--no-files", is_flag=True, help="Do not re-hash the stored files.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=lambda: os.cpu_count() or 1,
    show_default="CPU count",
    help="Processes for big ledgers.",
)
@with_appcontext
def verify_command(
    case_ref: str | None,
    all_cases: bool,
    key_files: tuple[str, ...],
    tsa_ca: str | None,
    no_files: bool,
    workers: int,
) -> None:
    """Recompute every hash, chain link, tree head, signature and file hash."""
    if bool(case_ref) == all_cases:
        raise click.UsageError("give either --case NUMBER_OR_ID or --all")
    from flask import current_app

    config = current_app.config
    instance = Path(current_app.instance_path)
    url = config.get("DATABASE_URL")
    if not url and "mediation.engine" in current_app.extensions:
        url = current_app.extensions["mediation.engine"].url.render_as_string(hide_password=False)
    if not url:
        raise click.ClickException("DATABASE_URL is not configured")
    engine = read_engine(url)
    try:
        store = None
        if not no_files:
            store = LocalBlobStore(config.get("EVIDENCE_BLOB_DIR") or instance / BLOB_DIR_NAME)
        tsa_file = tsa_ca or config.get("TSA_CA_FILE")
        code = run_verify(
            sessionmaker(bind=engine),
            case_ref=case_ref,
            all_cases=all_cases,
            keys=load_keys(key_files, instance),
            store=store,
            tsa_roots=load_certificates(tsa_file) if tsa_file else None,
            workers=workers,
        )
    finally:
        engine.dispose()
    click.get_current_context().exit(code)
