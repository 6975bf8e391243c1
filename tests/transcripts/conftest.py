"""Fixtures for the transcription and job-queue tests."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED_AUDIO = REPO.parent / "shared" / "data" / "audio"
REDIS_URL = "redis://127.0.0.1:6379/0"
AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"


def _redis_reason() -> str | None:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        return None
    except Exception as exc:  # any failure to connect is a reason to skip
        return f"Redis not reachable at {REDIS_URL}: {exc.__class__.__name__}: {exc}"


def amqp_reason() -> str | None:
    try:
        import pika

        params = pika.URLParameters(AMQP_URL)
        params.socket_timeout = params.blocked_connection_timeout = 2
        pika.BlockingConnection(params).close()
        return None
    except Exception as exc:  # any failure to connect is a reason to skip
        return f"RabbitMQ not reachable at 127.0.0.1:5672: {exc.__class__.__name__}: {exc}"


def amqp_url(tmp_path) -> str:
    """A RabbitMQ queue with its own exchange/queue names and job store."""
    prefix = f"test-{uuid.uuid4().hex[:10]}"
    return f"{AMQP_URL}?store={tmp_path / 'jobs.db'}&prefix={prefix}"


@pytest.fixture(params=["sqlite", "redis", "amqp"])
def queue(request, tmp_path):
    """An empty queue on each backend."""
    import tests.transcripts.fake_tasks  # noqa: F401  (registers the tasks)
    from mediation.jobs import open_queue

    if request.param == "sqlite":
        q = open_queue(f"sqlite:///{tmp_path / 'jobs.db'}")
        yield q
        q.close()
        return
    if request.param == "amqp":
        reason = amqp_reason()
        if reason:
            print(f"\nSKIP RabbitMQ queue tests: {reason}")
            pytest.skip(reason)
        q = open_queue(amqp_url(tmp_path))
        yield q
        q.drop_everything()
        q.close()
        return
    reason = _redis_reason()
    if reason:
        print(f"\nSKIP Redis queue tests: {reason}")
        pytest.skip(reason)
    q = open_queue(f"{REDIS_URL}?prefix=test-{uuid.uuid4().hex[:10]}:")
    yield q
    q.drop_everything()
    q.close()
