"""The durable job queue: progress, failures with reasons, leases, and workers that die."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from mediation.jobs import REGISTRY, Worker
from tests.transcripts.conftest import REPO

TASKS = ["tests.count", "tests.refuse", "tests.crash"]


def _only(*names):
    return {n: REGISTRY[n] for n in names}


def test_progress_gives_percent_and_time_left(queue):
    job_id = queue.enqueue("tests.count", {"steps": 4})
    job = queue.claim("w1", 30, TASKS)
    assert job.id == job_id and job.state == "running" and job.attempts == 1
    time.sleep(0.05)
    assert queue.report(job_id, "w1", 30, done=25, total=100, note="chunk 1")
    job = queue.get(job_id)
    assert job.percent == 25.0
    assert job.eta_s(time.time()) is not None and job.eta_s(time.time()) >= 0
    assert job.as_dict()["note"] == "chunk 1"
    assert queue.finish(job_id, "w1", {"ok": True})
    job = queue.get(job_id)
    assert (job.state, job.percent, job.result) == ("done", 100.0, {"ok": True})


def test_a_task_refusal_fails_the_job_with_its_reason(queue):
    job_id = queue.enqueue("tests.refuse", {"code": "tests.bad_input"})
    Worker(queue, registry=_only("tests.refuse"), poll_s=0.01).run(burst=True)
    job = queue.get(job_id)
    assert job.state == "failed"
    assert job.as_dict()["error"] == {
        "code": "tests.bad_input",
        "message": "the input cannot be processed",
    }
    assert job.attempts == 1  # not retried


def test_a_crash_is_retried_then_fails_with_the_exception(queue):
    job_id = queue.enqueue("tests.crash")
    worker = Worker(queue, registry=_only("tests.crash"), poll_s=0.01)
    worker.run(burst=True)
    job = queue.get(job_id)
    assert job.state == "queued" and job.error == "RuntimeError: boom"
    assert job.run_after > time.time()  # backs off before the next attempt
    job = queue.claim("w2", 30, ["tests.crash"]) or _force_claim(queue, job_id)
    assert queue.fail(job_id, job.worker, "error", "RuntimeError: boom", retry=True) == "failed"
    assert queue.get(job_id).attempts == 2
    assert queue.retry(job_id)
    assert queue.get(job_id).state == "queued"


def _force_claim(queue, job_id):
    # Skip the back-off: claim as if its time had come.
    real = time.time
    try:
        time.time = lambda: real() + 600
        job = queue.claim("w2", 30, ["tests.crash"])
    finally:
        time.time = real
    # A broker's delayed delivery cannot be hurried: wait out the back-off (2 s).
    return job or _wait(lambda: queue.claim("w2", 30, ["tests.crash"]), timeout=10)


def test_an_expired_lease_is_taken_by_another_worker(queue):
    job_id = queue.enqueue("tests.count")
    queue.claim("dead", 0.05, TASKS)
    time.sleep(0.1)
    job = queue.claim("alive", 30, TASKS)
    assert job.id == job_id and job.worker == "alive" and job.attempts == 2
    assert job.error_code == "worker_lost"
    assert not queue.report(job_id, "dead", 30, done=1, total=2)  # the old owner is out
    assert not queue.finish(job_id, "dead", {})


def test_out_of_attempts_a_lost_job_fails_as_worker_lost(queue):
    job_id = queue.enqueue("tests.count", max_attempts=1)
    queue.claim("dead", 0.05, TASKS)
    time.sleep(0.1)
    assert queue.claim("alive", 30, TASKS) is None
    job = queue.get(job_id)
    assert job.state == "failed" and job.error_code == "worker_lost"


def test_release_worker_requeues_a_dead_workers_job_at_once(queue):
    job_id = queue.enqueue("tests.count")
    queue.claim("dead", 300, TASKS)
    assert queue.release_worker("dead") == [job_id]
    job = queue.claim("alive", 30, TASKS)
    assert job.id == job_id and job.attempts == 2


def test_dedupe_key_returns_the_existing_job(queue):
    a = queue.enqueue("tests.count", dedupe_key="recording:1")
    assert queue.enqueue("tests.count", dedupe_key="recording:1") == a
    assert queue.enqueue("tests.count", dedupe_key="recording:2") != a


def test_checkpoint_survives_into_the_next_attempt(queue):
    job_id = queue.enqueue("tests.count")
    queue.claim("w1", 30, TASKS)
    assert queue.report(job_id, "w1", 30, checkpoint={"next": 7})
    queue.release(job_id, "w1")
    job = queue.claim("w2", 30, TASKS)
    assert job.checkpoint == {"next": 7} and job.attempts == 1  # a release is not an attempt


# ------------------------------------------------------------ real worker processes


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _worker(url, *extra):
    cmd = [sys.executable, "-m", "mediation.jobs.worker", "--url", url]
    cmd += ["--import", "tests.transcripts.fake_tasks", "--lease", "1", "--poll", "0.05", *extra]
    return subprocess.Popen(cmd, cwd=REPO, env=_env(), stderr=subprocess.DEVNULL)


def _wait(predicate, timeout=20.0):
    end = time.time() + timeout
    while time.time() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


@pytest.fixture(params=["sqlite", "amqp"])
def sqlite_url(request, tmp_path):
    """A queue URL for worker processes: the embedded queue, and RabbitMQ."""
    import tests.transcripts.fake_tasks  # noqa: F401

    if request.param == "amqp":
        from tests.transcripts.conftest import amqp_reason, amqp_url

        reason = amqp_reason()
        if reason:
            pytest.skip(reason)
        return amqp_url(tmp_path)
    return f"sqlite:///{tmp_path / 'jobs.db'}"


def test_kill_9_mid_job_then_the_job_resumes_from_its_checkpoint(sqlite_url):
    from mediation.jobs import open_queue

    queue = open_queue(sqlite_url)
    job_id = queue.enqueue("tests.count", {"steps": 20, "step_s": 0.1})
    first = _worker(sqlite_url)
    second = None
    try:
        _wait(lambda: (queue.get(job_id).done or 0) >= 6)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(5)
        assert queue.get(job_id).state == "running"  # nobody told the queue
        if hasattr(queue, "ready"):  # RabbitMQ: the unacked message comes back
            _wait(lambda: queue.ready("tests.count") == 1, timeout=10)
        # Another worker takes the job once the dead one's lease (1 s here) runs out.
        second = _worker(sqlite_url)
        job = _wait(lambda: (j := queue.get(job_id)).state == "done" and j)
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                proc.wait(10)
    assert job.state == "done" and job.attempts == 2
    assert job.result["resumed_from"] >= 6
    assert job.result["executed"] == 20  # no step ran twice, none was skipped


def test_a_supervisor_restarts_a_killed_worker_and_requeues_its_job(sqlite_url):
    from mediation.jobs import open_queue

    queue = open_queue(sqlite_url)
    job_id = queue.enqueue("tests.count", {"steps": 15, "step_s": 0.1})
    sup = _worker(sqlite_url, "--supervise")
    try:
        job = _wait(lambda: (j := queue.get(job_id)).done >= 4 and j)
        child_pid = int(job.worker.rsplit(":", 1)[1])
        os.kill(child_pid, signal.SIGKILL)
        job = _wait(lambda: (j := queue.get(job_id)).state == "done" and j)
        assert job.attempts == 2 and job.result["resumed_from"] >= 4
        assert int(job.worker.rsplit(":", 1)[1]) != child_pid
    finally:
        sup.send_signal(signal.SIGTERM)
        try:
            sup.wait(15)
        except subprocess.TimeoutExpired:
            sup.kill()
