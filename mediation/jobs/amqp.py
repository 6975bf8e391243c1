"""The queue on RabbitMQ: the broker delivers jobs, the SQLite job store keeps them.

RabbitMQ is a broker, not a job database, so the job records (state, attempts,
progress and time left, checkpoint, result, error) stay in the same SQLite job store
as the embedded queue: `get`/`list`, the browser's progress bars and `retry` read
and write it exactly as with `sqlite:///`. RabbitMQ carries the deliveries:

* one durable direct exchange `<prefix>` and one durable queue `<prefix>.<task>` per
  task (routing key = task name); every message is persistent and holds the job id;
* `enqueue` writes the record (queued), then publishes; `claim` takes a message with
  basic.get and manual ack, and marks the record running under a lease, as SQLite does;
* the message is acked only when the job is finished or failed for good (or a retry was
  published); a worker killed mid-job leaves its message unacked, its connection
  closes, RabbitMQ redelivers the message, and the next claim takes the job once the
  dead worker's lease ran out (the attempt counts; after `max_attempts` the job fails as
  "worker_lost"); the task resumes from its checkpoint;
* delayed runs (`delay_s`, retry back-off) go to `<prefix>.delay.<task>.<ms>`: a queue
  per task and delay with a message TTL that dead-letters into the exchange, routed to
  the task's queue, when the time is up (it expires a minute after its last use);
* the lease still rules: a claim gives back jobs whose lease ran out (publishing a new
  message) and a message whose job is already finished is dropped, so a message that
  comes twice never runs a job twice. A message whose job another worker still holds is
  parked in a delay queue until that lease would have run out.

Configuration
-------------
    JOB_QUEUE_URL=amqp://user:password@host:5672/vhost?store=/path/jobs.db&prefix=name

`store`: the SQLite job store (default: <instance>/jobs.db under the app); every web
process and worker must see the same file, so on many machines put it on shared storage
or run the workers beside it. `prefix`: names of the exchange and queues (default
"mediation.jobs"). Other query parameters go to pika (e.g. `heartbeat`; the default here
is 0, off: the lease, not the AMQP heartbeat, decides when a silent worker is lost, and
a killed process's socket closes at once). RabbitMQ's `consumer_timeout` (30 min by
default) must be longer than the longest job, or set it off for these queues.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from mediation.jobs.core import FAILED, QUEUED, RUNNING, Job, retry_delay
from mediation.jobs.sqlite import SQLiteQueue

DEFAULT_PREFIX = "mediation.jobs"


def split_url(url: str) -> tuple[str, str | None, str]:
    """(broker URL for pika, store path or None, prefix)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    store = query.pop("store", None)
    prefix = query.pop("prefix", DEFAULT_PREFIX)
    query.setdefault("heartbeat", "0")
    broker = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))
    return broker, store, prefix


class AmqpQueue(SQLiteQueue):
    def __init__(self, url: str) -> None:
        broker, store, prefix = split_url(url)
        if not store:
            raise ValueError(f"JOB_QUEUE_URL {redact(url)!r} needs ?store=/path/jobs.db")
        super().__init__("sqlite:///" + store)
        self.url = url
        self.broker = broker
        self.prefix = prefix
        self._lock = threading.RLock()
        self._pid: int | None = None
        self._connection = None
        self._channel = None
        self._declared: set[str] = set()
        self._held: dict[str, int] = {}  # job id -> delivery tag on our channel
        self._ch()  # fail early when the broker is not reachable

    # ---------------------------------------------------------------- broker plumbing

    def _ch(self):
        import pika

        if self._pid != os.getpid():  # a forked child must not share the parent's socket
            self._connection = self._channel = None
            self._held.clear()
            self._declared.clear()
        if self._channel is None or not self._channel.is_open:
            if self._connection is not None and self._connection.is_open:
                try:
                    self._connection.close()
                except Exception:  # noqa: BLE001 - already broken
                    pass
            self._connection = pika.BlockingConnection(pika.URLParameters(self.broker))
            self._channel = self._connection.channel()
            self._channel.confirm_delivery()
            self._channel.exchange_declare(self.prefix, "direct", durable=True)
            self._pid = os.getpid()
            self._held.clear()  # unacked deliveries of a lost channel are redelivered
            self._declared.clear()
        return self._channel

    def _queue(self, task: str) -> str:
        name = f"{self.prefix}.{task}"
        if name not in self._declared:
            ch = self._ch()
            ch.queue_declare(name, durable=True)
            ch.queue_bind(name, self.prefix, routing_key=task)
            self._declared.add(name)
        return name

    def _again(self, fn, *args):
        """Run a broker operation; once more on a new connection when the old one broke
        (a restarted broker, a dropped socket). Unacked deliveries of the broken one
        are redelivered by RabbitMQ."""
        import pika

        with self._lock:
            try:
                return fn(*args)
            except (pika.exceptions.AMQPError, OSError):
                self._connection = self._channel = None
                self._held.clear()
                self._declared.clear()
                return fn(*args)

    def _publish(self, job_id: str, task: str) -> None:
        self._again(self._publish_now, job_id, task)

    def _publish_now(self, job_id: str, task: str) -> None:
        import pika

        self._queue(task)
        props = pika.BasicProperties(delivery_mode=2, content_type="text/plain")
        self._ch().basic_publish(self.prefix, task, job_id.encode(), props, mandatory=True)

    def _publish_later(self, job_id: str, task: str, delay_s: float) -> None:
        if delay_s <= 0:
            self._publish(job_id, task)
        else:
            self._again(self._park, job_id, task, delay_s)

    def _park(self, job_id: str, task: str, delay_s: float) -> None:
        import pika

        ms = max(1, int(delay_s * 1000))
        with self._lock:
            self._queue(task)
            ch = self._ch()
            delay_queue = f"{self.prefix}.delay.{task}.{ms}"
            ch.queue_declare(
                delay_queue,
                durable=True,
                arguments={
                    "x-message-ttl": ms,
                    "x-dead-letter-exchange": self.prefix,
                    "x-dead-letter-routing-key": task,
                    "x-expires": ms + 60_000,
                },
            )
            props = pika.BasicProperties(delivery_mode=2, content_type="text/plain")
            ch.basic_publish("", delay_queue, job_id.encode(), props)

    def _settle(self, job_id: str) -> None:
        """Ack the message of a job this process holds (finished, failed, or re-sent)."""
        with self._lock:
            tag = self._held.pop(job_id, None)
            if tag is None or self._pid != os.getpid():
                return
            try:
                self._channel.basic_ack(tag)
            except Exception:  # noqa: BLE001 - channel gone: the broker requeued it,
                self._channel = None  # and the job's state drops the duplicate later

    # ---------------------------------------------------------------- the contract

    def enqueue(self, task, payload=None, *, dedupe_key=None, max_attempts=None, delay_s=0.0):
        before = self.get_by_dedupe(dedupe_key) if dedupe_key is not None else None
        job_id = super().enqueue(
            task, payload, dedupe_key=dedupe_key, max_attempts=max_attempts, delay_s=delay_s
        )
        if before is None or before != job_id:  # a new job (not an existing duplicate)
            self._publish_later(job_id, task, delay_s)
        return job_id

    def get_by_dedupe(self, dedupe_key: str) -> str | None:
        row = (
            self._conn()
            .execute("SELECT id, state FROM jobs WHERE dedupe_key = ?", (dedupe_key,))
            .fetchone()
        )
        return row["id"] if row is not None and row["state"] != FAILED else None

    def claim(self, worker, lease_s, tasks: Iterable[str]):
        tasks = list(tasks)
        if not tasks:
            return None
        now = time.time()
        # Leases that ran out: back to the queue with a new message (or failed).
        with self._tx() as conn:
            reaped = self._reap(conn, now, "state = ? AND lease_until < ?", (RUNNING, now))
        for job_id in reaped.requeued + reaped.failed:
            job = self.get(job_id)
            self._settle(job_id)
            if job_id in reaped.requeued and job is not None:
                self._publish(job_id, job.task)
        return self._again(self._deliver, worker, lease_s, tasks)

    def _deliver(self, worker: str, lease_s: float, tasks: list[str]) -> Job | None:
        for task in tasks:
            while True:
                queue = self._queue(task)
                method, _props, body = self._ch().basic_get(queue, auto_ack=False)
                if method is None:
                    break
                job = self._take(body.decode(), method.delivery_tag, worker, lease_s)
                if job is not None:
                    return job
        return None

    def _take(self, job_id: str, tag: int, worker: str, lease_s: float) -> Job | None:
        """Claim the job of one delivery, or settle a message that has nothing to run."""
        ch = self._channel
        now = time.time()
        job = self.get(job_id)
        if job is None or job.state not in (QUEUED, RUNNING):
            ch.basic_ack(tag)  # finished, failed or gone: a duplicate
            return None
        if job.state == QUEUED and job.run_after > now + 0.5:
            ch.basic_ack(tag)  # an early duplicate: its delayed message is on its way
            return None
        if job.state == RUNNING:
            if job_id in self._held:  # we hold it already: a duplicate
                ch.basic_ack(tag)
                return None
            # Redelivered from a lost worker, or a duplicate while another worker runs
            # it: come back when that lease would have run out.
            wait = max(1, math.ceil((job.lease_until or now) - now + 0.2))  # few delay queues
            self._publish_later(job_id, job.task, wait)
            ch.basic_ack(tag)
            return None
        with self._tx() as conn:
            cur = conn.execute(
                "UPDATE jobs SET state=?, worker=?, attempts=attempts+1, started_at=?,"
                " lease_until=?, attempt_done0=done, progress_at=?, updated_at=?"
                " WHERE id=? AND state=?",
                (RUNNING, worker, now, now + lease_s, now, now, job_id, QUEUED),
            )
            if cur.rowcount != 1:
                ch.basic_ack(tag)
                return None
        self._held[job_id] = tag
        return self.get(job_id)

    def finish(self, job_id, worker, result):
        ok = super().finish(job_id, worker, result)
        if ok:
            self._settle(job_id)
        return ok

    def fail(self, job_id, worker, code, message, *, retry):
        job = self.get(job_id)
        state = super().fail(job_id, worker, code, message, retry=retry)
        if job is None or job.state != RUNNING or job.worker != worker:
            return state  # not ours: nothing changed
        if state == QUEUED:
            self._publish_later(job_id, job.task, retry_delay(job.attempts))
        self._settle(job_id)
        return state

    def release(self, job_id, worker):
        job = self.get(job_id)
        ok = super().release(job_id, worker)
        if ok and job is not None:
            self._publish(job_id, job.task)
            self._settle(job_id)
        return ok

    def release_worker(self, worker):
        released = super().release_worker(worker)
        # The dead worker's messages come back when its connection closes; publish
        # anew anyway (a half-open connection may hold them for long): the duplicate
        # finds the job running or finished and is dropped.
        for job_id in released:
            job = self.get(job_id)
            if job is not None and job.state == QUEUED:
                self._publish(job_id, job.task)
        return released

    def retry(self, job_id):
        ok = super().retry(job_id)
        if ok:
            job = self.get(job_id)
            self._publish(job_id, job.task)
        return ok

    def close(self):
        with self._lock:
            if self._connection is not None and self._pid == os.getpid():
                try:
                    self._connection.close()
                except Exception:  # noqa: BLE001 - closing a broken connection
                    pass
            self._connection = self._channel = None
            self._held.clear()
        super().close()

    def ready(self, task: str) -> int:
        """Messages of `task` waiting in RabbitMQ (not counting those being worked on)."""
        with self._lock:
            name = self._queue(task)
            return self._ch().queue_declare(name, durable=True).method.message_count

    def drop_everything(self) -> None:
        """Delete this prefix's exchange and task queues (tests)."""
        with self._lock:
            ch = self._ch()
            for name in list(self._declared):
                ch.queue_delete(name)
            ch.exchange_delete(self.prefix)
            self._declared.clear()


def redact(url: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


__all__ = ["AmqpQueue"]
