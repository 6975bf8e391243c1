"""Worker processes: claim a job, run its task with a lease kept alive, record the outcome.

    python -m mediation.jobs.worker --url sqlite:///instance/jobs.db --import my.tasks
    python -m mediation.jobs.worker --app          # the Flask app's queue and task modules
    python -m mediation.jobs.worker --app --supervise --processes 2

A supervisor starts the worker processes and starts a new one whenever one dies (killed,
out of memory); the dead one's job goes straight back to the queue, and its task resumes
from its last checkpoint. Without a supervisor, a dead worker's job is taken again by any
worker once its lease runs out.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterable

from mediation.jobs.core import (
    MISSING,
    REGISTRY,
    Job,
    JobFailed,
    JobInterrupted,
    JobLost,
    JobQueue,
    TaskSpec,
)

log = logging.getLogger("mediation.jobs")

DEFAULT_LEASE_S = 30.0


class JobContext:
    """What a task gets besides its payload: progress, checkpoints, the stop signal."""

    def __init__(
        self, queue: JobQueue, job: Job, worker: str, lease_s: float, stop: threading.Event
    ):
        self.queue = queue
        self.job = job
        self.worker = worker
        self.lease_s = lease_s
        self._stop = stop
        self._lost = threading.Event()
        self._last_report = 0.0

    @property
    def job_id(self) -> str:
        return self.job.id

    @property
    def attempt(self) -> int:
        return self.job.attempts

    @property
    def checkpoint(self) -> dict | None:
        """What an earlier attempt saved with save_checkpoint, or None."""
        return self.job.checkpoint

    def check(self) -> None:
        """Raise if the job must stop now (lease lost, or the worker is stopping)."""
        if self._lost.is_set():
            raise JobLost(self.job.id)
        if self._stop.is_set():
            raise JobInterrupted(self.job.id)

    def progress(
        self, done: float, total: float, note: str | None = MISSING, *, force: bool = False
    ) -> None:
        """Report progress in any unit (seconds of audio, items); at most twice a second."""
        self.check()
        now = time.monotonic()
        if not force and now - self._last_report < 0.5:
            return
        self._last_report = now
        if not self.queue.report(
            self.job.id, self.worker, self.lease_s, done=done, total=total, note=note
        ):
            self._lost.set()
            raise JobLost(self.job.id)

    def save_checkpoint(
        self, state: dict, *, done: float | None = None, total: float | None = None
    ) -> None:
        """Persist the task's state so a later attempt can resume from it."""
        self.check()
        if not self.queue.report(
            self.job.id, self.worker, self.lease_s, done=done, total=total, checkpoint=state
        ):
            self._lost.set()
            raise JobLost(self.job.id)
        self.job.checkpoint = state


class Worker:
    def __init__(
        self,
        queue: JobQueue,
        *,
        registry: dict[str, TaskSpec] | None = None,
        worker_id: str | None = None,
        lease_s: float = DEFAULT_LEASE_S,
        poll_s: float = 1.0,
        wrap: Callable[[], contextlib.AbstractContextManager] | None = None,
    ) -> None:
        self.queue = queue
        self.registry = REGISTRY if registry is None else registry
        self.id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.lease_s = lease_s
        self.poll_s = poll_s
        self.wrap = wrap or contextlib.nullcontext
        self.stop = threading.Event()

    def install_signal_handlers(self) -> None:
        def handle(signum, frame):
            log.info("worker %s stopping (signal %s)", self.id, signum)
            self.stop.set()

        signal.signal(signal.SIGTERM, handle)
        signal.signal(signal.SIGINT, handle)

    def run(self, *, burst: bool = False, max_jobs: int | None = None) -> int:
        """Work until stopped; `burst`: return when no job is runnable. Returns jobs run."""
        ran = 0
        while not self.stop.is_set():
            job = self.queue.claim(self.id, self.lease_s, self.registry.keys())
            if job is None:
                if burst:
                    break
                self.stop.wait(self.poll_s)
                continue
            self.execute(job)
            ran += 1
            if max_jobs is not None and ran >= max_jobs:
                break
        return ran

    def execute(self, job: Job) -> None:
        spec = self.registry[job.task]
        ctx = JobContext(self.queue, job, self.id, self.lease_s, self.stop)
        done = threading.Event()

        def heartbeat() -> None:
            # Keeps the lease while a task computes without reporting (a model call).
            while not done.wait(self.lease_s / 3):
                if not self.queue.renew(job.id, self.id, self.lease_s):
                    ctx._lost.set()
                    return

        beat = threading.Thread(target=heartbeat, name=f"lease-{job.id[:8]}", daemon=True)
        beat.start()
        log.info("job %s (%s) attempt %s started", job.id, job.task, job.attempts)
        try:
            with self.wrap():
                result = spec.fn(ctx, **job.payload)
        except JobInterrupted:
            self.queue.release(job.id, self.id)
            log.info("job %s given back (worker stopping)", job.id)
        except JobLost:
            log.warning("job %s: lease lost, another worker has it", job.id)
        except JobFailed as exc:
            state = self.queue.fail(job.id, self.id, exc.code, exc.message, retry=exc.retry)
            log.warning("job %s failed (%s): %s -> %s", job.id, exc.code, exc.message, state)
        except Exception as exc:  # a bug or a transient error: retried while attempts remain
            log.error("job %s crashed:\n%s", job.id, traceback.format_exc())
            message = f"{type(exc).__name__}: {exc}"
            self.queue.fail(job.id, self.id, "error", message, retry=True)
        else:
            if not self.queue.finish(job.id, self.id, result if isinstance(result, dict) else None):
                log.warning("job %s finished after its lease was lost", job.id)
            else:
                log.info("job %s done", job.id)
        finally:
            done.set()
            beat.join(timeout=5)


def import_tasks(modules: Iterable[str]) -> None:
    for name in modules:
        importlib.import_module(name)


# ---------------------------------------------------------------- supervisor


class Supervisor:
    """Keeps N worker processes alive; a dead one's jobs are requeued at once."""

    def __init__(self, queue: JobQueue, child_argv: list[str], processes: int = 1) -> None:
        self.queue = queue
        self.child_argv = child_argv
        self.processes = processes
        self.prefix = f"{socket.gethostname()}:sup{os.getpid()}"
        self.children: dict[int, subprocess.Popen] = {}
        self.stopping = False

    def worker_id(self, slot: int, pid: int) -> str:
        return f"{self.prefix}:{slot}:{pid}"

    def _start(self, slot: int) -> None:
        argv = [*self.child_argv, "--worker-prefix", f"{self.prefix}:{slot}"]
        self.children[slot] = subprocess.Popen(argv)
        log.info("worker %s started (pid %s)", slot, self.children[slot].pid)

    def run(self) -> int:
        def handle(signum, frame):
            self.stopping = True

        signal.signal(signal.SIGTERM, handle)
        signal.signal(signal.SIGINT, handle)
        for slot in range(self.processes):
            self._start(slot)
        while not self.stopping:
            time.sleep(0.2)
            for slot, child in list(self.children.items()):
                code = child.poll()
                if code is None:
                    continue
                released = self.queue.release_worker(self.worker_id(slot, child.pid))
                log.warning(
                    "worker %s (pid %s) exited with %s; requeued %s; restarting",
                    slot,
                    child.pid,
                    code,
                    released,
                )
                if not self.stopping:
                    self._start(slot)
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in self.children.values():
            try:
                child.wait(timeout=60)
            except subprocess.TimeoutExpired:
                child.kill()
        return 0


# ---------------------------------------------------------------- command line


def _flask_setup():
    from mediation import create_app
    from mediation.jobs import queue_for, task_modules

    app = create_app()
    return app, queue_for(app), task_modules(app)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run background jobs.")
    parser.add_argument("--url", help="queue URL (sqlite:///path or redis://host:port/db)")
    parser.add_argument("--app", action="store_true", help="use the Flask app's configuration")
    parser.add_argument("--import", dest="imports", action="append", default=[], help="task module")
    parser.add_argument("--lease", type=float, default=None)
    parser.add_argument("--poll", type=float, default=1.0)
    parser.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    parser.add_argument("--supervise", action="store_true")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--worker-prefix", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")

    app = None
    lease = args.lease or DEFAULT_LEASE_S
    if args.app:
        from mediation.jobs import lease_seconds

        app, queue, modules = _flask_setup()
        import_tasks([*modules, *args.imports])
        lease = args.lease or lease_seconds(app)
    else:
        if not args.url:
            parser.error("--url or --app is required")
        from mediation.jobs import open_queue

        queue = open_queue(args.url)
        import_tasks(args.imports)

    if args.supervise:
        child = [
            sys.executable,
            "-m",
            "mediation.jobs.worker",
            "--lease",
            str(lease),
            "--poll",
            str(args.poll),
        ]
        child += ["--app"] if args.app else ["--url", args.url]
        for name in args.imports:
            child += ["--import", name]
        return Supervisor(queue, child, args.processes).run()

    worker_id = f"{args.worker_prefix}:{os.getpid()}" if args.worker_prefix else None
    worker = Worker(
        queue,
        worker_id=worker_id,
        lease_s=lease,
        poll_s=args.poll,
        wrap=app.app_context if app is not None else None,
    )
    worker.install_signal_handlers()
    log.info(
        "worker %s on %s, tasks: %s", worker.id, queue.url.split("@")[-1], sorted(worker.registry)
    )
    worker.run(burst=args.burst)
    return 0


if __name__ == "__main__":
    sys.exit(main())
