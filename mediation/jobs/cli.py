"""`mediation worker` and `mediation jobs ...`: run and inspect background jobs."""

from __future__ import annotations

import json
import time

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("worker")
@click.option("--processes", type=int, default=1, show_default=True, help="Worker processes.")
@click.option("--burst", is_flag=True, help="Run the queued jobs, then exit (one process).")
@with_appcontext
def worker(processes: int, burst: bool) -> None:
    """Run background jobs (transcription ...) until stopped; dead workers are restarted."""
    from mediation.jobs.worker import main

    args = ["--app"]
    args += ["--burst"] if burst else ["--supervise", "--processes", str(processes)]
    raise SystemExit(main(args))


@click.group("jobs")
def jobs_group() -> None:
    """Background jobs: list, show, retry."""


def _queue():
    from mediation.jobs import queue_for

    return queue_for(current_app)


@jobs_group.command("list")
@click.option("--state", type=click.Choice(["queued", "running", "done", "failed"]))
@click.option("--limit", type=int, default=20)
@with_appcontext
def jobs_list(state: str | None, limit: int) -> None:
    now = time.time()
    for job in _queue().list(state, limit):
        d = job.as_dict(now)
        pct = "" if d["percent"] is None else f"{d['percent']:5.1f}%"
        eta = "" if d["eta_s"] is None else f" ~{d['eta_s']:.0f}s left"
        err = f" [{job.error_code}] {job.error}" if job.state == "failed" else ""
        click.echo(
            f"{job.id}  {job.task:28s} {job.state:8s} {pct}{eta} attempts {job.attempts}{err}"
        )


@jobs_group.command("show")
@click.argument("job_id")
@with_appcontext
def jobs_show(job_id: str) -> None:
    job = _queue().get(job_id)
    if job is None:
        raise click.ClickException(f"没有此任务 / no such job: {job_id}")
    click.echo(json.dumps(job.as_dict() | {"result": job.result}, ensure_ascii=False, indent=1))


@jobs_group.command("retry")
@click.argument("job_id")
@with_appcontext
def jobs_retry(job_id: str) -> None:
    if not _queue().retry(job_id):
        raise click.ClickException(
            f"只能重试失败的任务 / only a failed job can be retried: {job_id}"
        )
    click.echo(f"{job_id} queued again")


COMMANDS = (worker, jobs_group)
