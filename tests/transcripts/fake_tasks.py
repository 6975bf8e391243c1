"""Tiny tasks for testing the job queue and workers (the queue itself is real)."""

from __future__ import annotations

import time

from mediation.jobs import JobContext, JobFailed, task


@task("tests.count", max_attempts=3)
def count(ctx: JobContext, steps: int = 20, step_s: float = 0.1) -> dict:
    state = ctx.checkpoint or {"next": 0, "resumed_from": None, "executed": 0}
    if ctx.checkpoint:
        state["resumed_from"] = state["next"]
    for i in range(state["next"], steps):
        time.sleep(step_s)
        state["next"] = i + 1
        state["executed"] += 1
        ctx.save_checkpoint(state, done=i + 1, total=steps)
    return {"steps": steps, "resumed_from": state["resumed_from"], "executed": state["executed"]}


@task("tests.refuse", max_attempts=3)
def refuse(ctx: JobContext, code: str = "tests.bad_input") -> dict:
    raise JobFailed(code, "the input cannot be processed")


@task("tests.crash", max_attempts=2)
def crash(ctx: JobContext) -> dict:
    raise RuntimeError("boom")
