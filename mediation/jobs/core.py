"""What every queue backend shares: the job record, the task registry, the errors."""

from __future__ import annotations

import abc
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

QUEUED = "queued"
RUNNING = "running"
DONE = "done"
FAILED = "failed"
STATES = (QUEUED, RUNNING, DONE, FAILED)

MISSING: Any = object()


class JobFailed(Exception):
    """Raised by a task: the job failed for a reason a person can act on.

    `retry=False` (the default) fails the job at once; `retry=True` tries again later
    while attempts remain (a transient cause).
    """

    def __init__(self, code: str, message: str = "", *, retry: bool = False) -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message or code
        self.retry = retry


class JobLost(Exception):
    """This worker no longer holds the job's lease (it expired and another took it)."""


class JobInterrupted(Exception):
    """The worker is stopping; the job goes back to the queue and resumes later."""


@dataclass
class Job:
    id: str
    task: str
    payload: dict
    state: str
    attempts: int = 0
    max_attempts: int = 3
    dedupe_key: str | None = None
    created_at: float = 0.0
    updated_at: float = 0.0
    started_at: float | None = None  # start of the current (or last) attempt
    finished_at: float | None = None
    run_after: float = 0.0
    lease_until: float | None = None
    worker: str | None = None
    done: float = 0.0  # progress, in the task's own units (seconds of audio, items...)
    total: float = 0.0
    note: str | None = None
    progress_at: float | None = None
    attempt_done0: float = 0.0  # progress when this attempt started (a resumed job)
    checkpoint: dict | None = None
    result: dict | None = None
    error_code: str | None = None  # the last failure, also kept when a retry succeeded
    error: str | None = None

    @property
    def percent(self) -> float | None:
        if self.state == DONE:
            return 100.0
        if self.total > 0:
            return round(min(100.0, 100.0 * self.done / self.total), 1)
        return None

    def eta_s(self, now: float | None = None) -> float | None:
        """Seconds left, from the rate of progress in the current attempt."""
        if self.state != RUNNING or self.total <= 0 or self.started_at is None:
            return None
        if self.progress_at is None or self.done <= self.attempt_done0:
            return None
        rate = (self.done - self.attempt_done0) / max(self.progress_at - self.started_at, 1e-3)
        left = (self.total - self.done) / rate
        # Time since the last report has passed too.
        if now is not None:
            left -= max(0.0, now - self.progress_at)
        return max(0.0, round(left, 1))

    def as_dict(self, now: float | None = None) -> dict:
        now = time.time() if now is None else now
        return {
            "id": self.id,
            "task": self.task,
            "state": self.state,
            "percent": self.percent,
            "eta_s": self.eta_s(now),
            "note": self.note,
            "attempts": self.attempts,
            "max_attempts": self.max_attempts,
            "error": {"code": self.error_code, "message": self.error}
            if self.state == FAILED
            else None,
            "created_at": self.created_at,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
        }


@dataclass
class TaskSpec:
    name: str
    fn: Callable[..., dict | None]
    max_attempts: int = 3


REGISTRY: dict[str, TaskSpec] = {}


def task(name: str, *, max_attempts: int = 3) -> Callable:
    """Register a function as the task `name`: fn(ctx: JobContext, **payload) -> dict."""

    def register(fn: Callable) -> Callable:
        REGISTRY[name] = TaskSpec(name, fn, max_attempts)
        return fn

    return register


def new_id() -> str:
    return uuid.uuid4().hex


@dataclass
class Reaped:
    requeued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


class JobQueue(abc.ABC):
    """A durable queue of jobs with leases. Implemented on SQLite and on Redis."""

    url: str

    @abc.abstractmethod
    def enqueue(
        self,
        task: str,
        payload: dict | None = None,
        *,
        dedupe_key: str | None = None,
        max_attempts: int | None = None,
        delay_s: float = 0.0,
    ) -> str:
        """Add a job; with `dedupe_key`, an unfinished or finished job with the same key
        is returned instead of a new one (a failed one is replaced)."""

    @abc.abstractmethod
    def get(self, job_id: str) -> Job | None: ...

    @abc.abstractmethod
    def list(self, state: str | None = None, limit: int = 100) -> list[Job]: ...

    @abc.abstractmethod
    def claim(self, worker: str, lease_s: float, tasks: Iterable[str]) -> Job | None:
        """Take the next runnable job of one of `tasks` (after giving expired leases back)."""

    @abc.abstractmethod
    def renew(self, job_id: str, worker: str, lease_s: float) -> bool:
        """Extend the lease; False when the worker no longer holds the job."""

    @abc.abstractmethod
    def report(
        self,
        job_id: str,
        worker: str,
        lease_s: float,
        *,
        done: float | None = None,
        total: float | None = None,
        note: str | None = MISSING,
        checkpoint: dict | None = MISSING,
    ) -> bool:
        """Store progress and/or a checkpoint, extending the lease."""

    @abc.abstractmethod
    def finish(self, job_id: str, worker: str, result: dict | None) -> bool: ...

    @abc.abstractmethod
    def fail(self, job_id: str, worker: str, code: str, message: str, *, retry: bool) -> str:
        """Record a failure; returns the job's new state (queued again, or failed)."""

    @abc.abstractmethod
    def release(self, job_id: str, worker: str) -> bool:
        """Give a job back without counting the attempt (the worker is stopping)."""

    @abc.abstractmethod
    def release_worker(self, worker: str) -> list[str]:
        """Requeue (or fail, when out of attempts) the jobs of a worker known to be dead."""

    @abc.abstractmethod
    def retry(self, job_id: str) -> bool:
        """Run a failed job again, with a fresh count of attempts."""

    def close(self) -> None:  # noqa: B027 - optional for backends
        pass


def retry_delay(attempts: int) -> float:
    """Back-off before the next attempt: 2 s, 4 s, 8 s ... at most 5 minutes."""
    return float(min(300, 2**attempts))


def lost_message(attempts: int) -> str:
    return f"worker stopped during attempt {attempts}"
