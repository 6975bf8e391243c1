"""kill -9 in the middle of an append or an upload: the ledger stays verifiable and
nothing that was committed is lost."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mediation.db import session_scope
from mediation.evidence import ledger, service
from mediation.evidence.verify import verify_case

WORKER = Path(__file__).with_name("crash_worker.py")
REPO = Path(__file__).resolve().parents[2]


class Worker:
    def __init__(self, db, *args: object) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(WORKER), args[0], db.url, json.dumps(db.engine_kwargs)]
            + [str(a) for a in args[1:]],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []

    def wait_for(self, prefix: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise AssertionError(f"worker ended early: {self.proc.stderr.read()[-2000:]}")
            self.lines.append(line.strip())
            if line.startswith(prefix):
                return line.strip()
        raise AssertionError(f"no {prefix!r} within {timeout} s")

    def kill9(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        assert self.proc.returncode == -signal.SIGKILL
        # lines written before the kill are still in the pipe
        self.lines += [x.strip() for x in self.proc.stdout.read().splitlines()]
        self.proc.stdout.close()
        self.proc.stderr.close()

    def committed(self) -> list[int]:
        return [int(x.split()[1]) for x in self.lines if x.startswith("committed ")]


def _assert_verifies(db, case_id, store=None):
    with db.factory() as s:
        report = verify_case(s, case_id, keys={}, store=store)
        assert report.ok, report.summary()
        return report


def test_kill_in_the_middle_of_an_append(any_db):
    case_id, _, _ = any_db.make_case()
    worker = Worker(any_db, "append", case_id, 5)
    parked = worker.wait_for("in-transaction")
    worker.kill9()
    assert parked == "in-transaction 5"
    assert worker.committed() == [0, 1, 2, 3, 4]
    report = _assert_verifies(any_db, case_id)
    assert report.entries == 5  # everything committed, nothing of the killed transaction
    with session_scope(any_db.factory) as s:  # the lock died with the process
        assert ledger.append_entry(s, case_id, "case.note", None, {"after": "crash"}).seq == 5
    _assert_verifies(any_db, case_id)


def test_kill_at_a_random_moment_while_appending(any_db):
    case_id, _, _ = any_db.make_case()
    worker = Worker(any_db, "append-fast", case_id)
    worker.wait_for("committed 20")
    time.sleep(0.05)
    worker.kill9()
    printed = worker.committed()
    report = _assert_verifies(any_db, case_id)
    # every append the worker saw commit is there; at most one more committed
    # between its COMMIT and its print
    assert printed == list(range(len(printed)))
    assert report.entries in (len(printed), len(printed) + 1)


@pytest.mark.parametrize("mode", ["upload", "upload-stored"])
def test_kill_in_the_middle_of_an_upload(any_db, blob_store, mode):
    case_id, _, claimant = any_db.make_case()
    worker = Worker(any_db, mode, case_id, blob_store.root, claimant)
    first = worker.wait_for("committed-item").split()
    worker.wait_for("mid-upload" if mode == "upload" else "stored-uncommitted")
    worker.kill9()
    _assert_verifies(any_db, case_id, blob_store)
    with any_db.factory() as s:
        items = service.list_evidence(s, case_id)
        assert [(i.id, i.blob_sha256) for i in items] == [(int(first[1]), first[2])]
        assert ledger.head_of(s, case_id).size == 1
    # every blob in the store is whole: its content hashes to its name
    for address in blob_store.addresses():
        assert blob_store.digest(address) == address
    if mode == "upload":
        assert list(blob_store.addresses()) == [first[2]]  # the half file never got a name
        assert len(list(blob_store.tmp.glob("*.part"))) == 1
        assert blob_store.sweep_temp(older_than_s=0) == 1
    else:
        assert len(list(blob_store.addresses())) == 2  # stored, unreferenced: harmless
