"""`mediation verify`: exit status and what it prints, through a Flask app context."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.orm import Session

from mediation.db import make_sessionmaker, session_scope
from mediation.evidence import checkpoints, ledger, service
from mediation.evidence.blobstore import LocalBlobStore
from mediation.evidence.checkpoints import KeyRing
from mediation.evidence.cli import read_engine, verify_command
from mediation.evidence.verify import verify_case
from mediation.people.model import User


@pytest.fixture
def app_with_ledger(sqlite_db, tmp_path):
    instance = tmp_path / "instance"
    app = Flask("verify_test", instance_path=str(instance))
    app.config["DATABASE_URL"] = sqlite_db.url
    store = LocalBlobStore(instance / "blobs")
    signer = KeyRing(instance).current("centre.example/ledger")
    case_id, _, claimant = sqlite_db.make_case(number="2026-0042")
    with session_scope(sqlite_db.factory) as s:
        for i in range(5):
            ledger.append_entry(s, case_id, "case.note", None, {"i": i})
        service.add_evidence(
            s, case_id, s.get(User, claimant), io.BytesIO(b"%PDF-1.4 x"), "x.pdf", store
        )
        checkpoints.checkpoint_case(s, case_id, signer)
    return app, sqlite_db, case_id, store


def _run(app, *args):
    with app.app_context():
        return app.test_cli_runner().invoke(verify_command, list(args))


def test_verify_a_case_by_number_and_by_id(app_with_ledger):
    app, _, case_id, _ = app_with_ledger
    by_number = _run(app, "--case", "2026-0042")
    assert by_number.exit_code == 0, by_number.output
    assert f"case {case_id}: 6 entries" in by_number.output
    assert "1 checkpoints (latest size 6" in by_number.output and ": OK" in by_number.output
    assert _run(app, "--case", str(case_id)).exit_code == 0
    assert _run(app, "--all").exit_code == 0


def test_verify_names_the_first_bad_entry_and_fails(app_with_ledger):
    app, db, case_id, _ = app_with_ledger
    with db.engine.begin() as conn:
        conn.execute(
            text("UPDATE ledger_entries SET body = body || x'20' WHERE case_id=:c AND seq=2"),
            {"c": case_id},
        )
    result = _run(app, "--case", "2026-0042")
    assert result.exit_code == 1
    assert "FAILED, first bad entry seq 2" in result.output
    assert "[entry.hash] seq 2" in result.output
    assert _run(app, "--all").exit_code == 1


def test_verify_detects_a_changed_file_unless_told_to_skip_files(app_with_ledger):
    app, _, _, store = app_with_ledger
    [address] = list(store.addresses())
    path = store.path(address)
    path.chmod(0o644)
    path.write_bytes(path.read_bytes() + b"!")
    result = _run(app, "--all")
    assert result.exit_code == 1 and "[blob.corrupt] seq 5" in result.output
    assert _run(app, "--all", "--no-files").exit_code == 0


def test_usage_errors(app_with_ledger):
    app, *_ = app_with_ledger
    assert _run(app).exit_code == 2
    assert _run(app, "--case", "1", "--all").exit_code == 2
    missing = _run(app, "--case", "2099-9999")
    assert missing.exit_code == 2 and "no case" in missing.output


def test_verification_reads_a_snapshot_without_blocking_writers(sqlite_db):
    case_id, _, _ = sqlite_db.make_case()
    with session_scope(sqlite_db.factory) as s:
        ledger.append_entry(s, case_id, "case.note", None, {"i": 0})
    engine = read_engine(sqlite_db.url)
    try:
        with engine.connect() as conn, conn.begin():
            reader = Session(bind=conn)
            assert verify_case(reader, case_id, keys={}).entries == 1
            writer = sqlite_db.new_engine(connect_args={"timeout": 2, "check_same_thread": False})
            factory = make_sessionmaker(writer)
            with session_scope(factory) as s:  # would wait, then fail, under a write lock
                ledger.append_entry(s, case_id, "case.note", None, {"i": 1})
            writer.dispose()
            report = verify_case(reader, case_id, keys={})
            assert report.ok and report.entries == 1  # still the snapshot it started with
    finally:
        engine.dispose()
    with sqlite_db.factory() as s:
        assert verify_case(s, case_id, keys={}).entries == 2
