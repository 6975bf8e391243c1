"""The RabbitMQ queue's own promises: the broker delivers, the job store keeps the state.

The shared contract (progress, failures, leases, dedupe, killed workers) runs against
RabbitMQ in test_jobs.py through the `queue` and `sqlite_url` fixtures.
"""

from __future__ import annotations

import time

import pytest

from tests.transcripts.conftest import AMQP_URL, amqp_reason, amqp_url

pytestmark = pytest.mark.skipif(amqp_reason() is not None, reason=str(amqp_reason()))

TASKS = ["tests.count"]


@pytest.fixture
def url(tmp_path):
    import tests.transcripts.fake_tasks  # noqa: F401

    return amqp_url(tmp_path)


def _open(url):
    from mediation.jobs import open_queue

    return open_queue(url)


def test_an_amqp_url_selects_rabbitmq_and_the_job_store_holds_the_records(url, tmp_path):
    from mediation.jobs.amqp import AmqpQueue
    from mediation.jobs.sqlite import SQLiteQueue

    queue = _open(url)
    try:
        assert isinstance(queue, AmqpQueue)
        job_id = queue.enqueue("tests.count", {"steps": 2})
        assert queue.ready("tests.count") == 1  # a persistent message in a durable queue
        # The record is in the SQLite job store: anyone with the file can read it.
        store = SQLiteQueue(f"sqlite:///{tmp_path / 'jobs.db'}")
        assert store.get(job_id).state == "queued"
        assert [j.id for j in store.list("queued")] == [job_id]
        store.close()
    finally:
        queue.drop_everything()
        queue.close()


def test_the_message_is_acked_only_when_the_job_is_finished(url):
    worker_q, other = _open(url), _open(url)
    try:
        job_id = worker_q.enqueue("tests.count")
        job = worker_q.claim("w1", 30, TASKS)
        assert job.id == job_id and worker_q.ready("tests.count") == 0
        assert worker_q.finish(job_id, "w1", {"ok": 1})
        worker_q.close()  # nothing unacked is left to come back
        time.sleep(0.3)
        assert other.ready("tests.count") == 0
        assert other.claim("w2", 30, TASKS) is None
        assert other.get(job_id).state == "done"
    finally:
        other.drop_everything()
        other.close()


def test_a_lost_connection_brings_the_job_back_after_its_lease(url):
    dead, alive = _open(url), _open(url)
    try:
        job_id = dead.enqueue("tests.count")
        assert dead.claim("dead", 1.0, TASKS).id == job_id
        assert dead.report(job_id, "dead", 1.0, done=3, total=10, checkpoint={"next": 3})
        dead._connection.close()  # the worker's connection dies without an ack
        time.sleep(0.3)
        assert alive.ready("tests.count") == 1  # RabbitMQ redelivers the message
        # Its lease still runs: the message waits, nobody runs the job twice.
        assert alive.claim("alive", 30, TASKS) is None
        end = time.time() + 10
        job = None
        while job is None and time.time() < end:
            time.sleep(0.1)
            job = alive.claim("alive", 30, TASKS)
        assert job is not None and job.id == job_id
        assert job.attempts == 2 and job.checkpoint == {"next": 3}
        assert job.error_code == "worker_lost"
        assert alive.finish(job_id, "alive", {})
        assert not dead.finish(job_id, "dead", {})  # the old owner is out
    finally:
        alive.drop_everything()
        alive.close()
        dead.close()


def test_the_app_url_gets_the_instance_job_store(app):
    from mediation.jobs import queue_url

    app.config["JOB_QUEUE_URL"] = AMQP_URL
    assert queue_url(app).endswith("?store=" + app.instance_path + "/jobs.db")


def test_a_dropped_broker_connection_is_opened_again(url):
    import socket

    queue = _open(url)
    try:
        old = queue._connection
        old._impl._transport._sock.shutdown(socket.SHUT_RDWR)
        job_id = queue.enqueue("tests.count")  # publishes on a new connection
        assert queue._connection is not old
        assert queue.claim("w1", 30, TASKS).id == job_id
        assert queue.finish(job_id, "w1", {})
    finally:
        queue.drop_everything()
        queue.close()
