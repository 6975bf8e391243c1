"""Durable background jobs: an embedded SQLite queue by default, Redis or RabbitMQ at scale.

Any slow work (speech transcription, precedent indexing) runs as a job in a worker
process; the web process only enqueues and reads status.

Writing a task
--------------
    from mediation.jobs import JobContext, JobFailed, task

    @task("precedents.index", max_attempts=3)
    def index_precedents(ctx: JobContext, corpus_id: int) -> dict:
        state = ctx.checkpoint or {"next": 0}          # saved by an earlier attempt
        items = load(corpus_id)
        for i in range(state["next"], len(items)):
            work(items[i])
            ctx.progress(i + 1, len(items))            # percent + time left for the UI
            ctx.save_checkpoint({"next": i + 1})       # resume point after a crash
        if nothing_to_do:
            raise JobFailed("precedents.empty", "the corpus is empty")  # no retry
        return {"indexed": len(items)}                  # stored as the job's result

* A task runs inside the Flask app context (current_app, the database) when the worker
  was started with `mediation worker`.
* `ctx.progress(done, total, note=None)`: any unit; stored at most twice a second. It
  raises (and the worker handles) when the worker is stopping or lost the job, so a
  task that reports often stops promptly.
* `ctx.save_checkpoint(state)`: a JSON-able dict; the next attempt sees it as
  `ctx.checkpoint`. Tasks must be idempotent up to their last checkpoint.
* `raise JobFailed(code, message, retry=False)`: a failure with a reason a person can
  act on; `retry=True` for transient causes. Any other exception is retried with
  back-off until `max_attempts`, then the job fails with code "error".
* A worker killed mid-job (kill -9, out of memory): under `mediation worker` its
  supervisor requeues the job at once and starts a new worker; otherwise the job's lease
  (30 s) runs out and the next claim requeues it. Either way the attempt counts, and
  after `max_attempts` the job fails with code "worker_lost".
* Add the task's module to the JOB_TASK_MODULES config list so workers import it.

Enqueueing and reading status (web process)
-------------------------------------------
    from mediation.jobs import queue_for
    q = queue_for(current_app)                         # cached per app
    job_id = q.enqueue("precedents.index", {"corpus_id": 3}, dedupe_key="corpus:3")
    job = q.get(job_id)     # Job: state queued|running|done|failed, percent, eta_s(),
                            #      attempts, error_code/error, result, checkpoint
    job.as_dict()           # the JSON the API shows
    q.retry(job_id)         # run a failed job again

Configuration
-------------
    JOB_QUEUE_URL     default sqlite:///<instance>/jobs.db; "redis://127.0.0.1:6379/0"
                      (optionally ?prefix=name:) for many workers on many machines;
                      "amqp://user:password@host:5672/vhost" for RabbitMQ delivery with
                      the job records in the SQLite job store (?store=/path/jobs.db,
                      default <instance>/jobs.db; see mediation/jobs/amqp.py)
    JOB_TASK_MODULES  modules that define tasks (default: mediation.transcripts.tasks)
    JOB_LEASE_S       seconds a worker may go silent before its job is taken back (30)

Running workers
---------------
    mediation worker [--processes N] [--burst]    supervised worker processes
    python -m mediation.jobs.worker --url URL --import module   (no Flask)
"""

from __future__ import annotations

from pathlib import Path

from mediation.jobs.core import (
    DONE,
    FAILED,
    QUEUED,
    REGISTRY,
    RUNNING,
    Job,
    JobFailed,
    JobQueue,
    task,
)
from mediation.jobs.worker import JobContext, Worker

DEFAULT_TASK_MODULES = ("mediation.transcripts.tasks",)


def open_queue(url: str) -> JobQueue:
    if url.startswith("sqlite:///"):
        from mediation.jobs.sqlite import SQLiteQueue

        return SQLiteQueue(url)
    if url.startswith(("redis://", "rediss://", "unix://")):
        from mediation.jobs.redisq import RedisQueue

        return RedisQueue(url)
    if url.startswith(("amqp://", "amqps://")):
        from mediation.jobs.amqp import AmqpQueue

        return AmqpQueue(url)
    raise ValueError(
        f"unsupported JOB_QUEUE_URL {url!r}: use sqlite:///path, redis://host:port/db"
        " or amqp://user:password@host:5672/vhost"
    )


def queue_url(app) -> str:
    url = app.config.get("JOB_QUEUE_URL")
    store = str(Path(app.instance_path) / "jobs.db")
    if url and url.startswith(("amqp://", "amqps://")) and "store=" not in url:
        # RabbitMQ delivers; the job records live in the app's SQLite job store.
        return url + ("&" if "?" in url else "?") + "store=" + store
    return url or "sqlite:///" + store


def queue_for(app) -> JobQueue:
    """The app's queue, opened once."""
    queue = app.extensions.get("mediation.jobs")
    if queue is None:
        queue = open_queue(queue_url(app))
        app.extensions["mediation.jobs"] = queue
    return queue


def task_modules(app) -> list[str]:
    value = app.config.get("JOB_TASK_MODULES") or DEFAULT_TASK_MODULES
    if isinstance(value, str):  # from the environment: comma-separated
        value = [v.strip() for v in value.split(",") if v.strip()]
    return list(value)


def lease_seconds(app) -> float:
    return float(app.config.get("JOB_LEASE_S") or 30.0)


__all__ = [
    "DONE",
    "FAILED",
    "QUEUED",
    "REGISTRY",
    "RUNNING",
    "Job",
    "JobContext",
    "JobFailed",
    "JobQueue",
    "Worker",
    "open_queue",
    "queue_for",
    "queue_url",
    "task",
    "task_modules",
]
