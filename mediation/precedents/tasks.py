"""Background jobs of the precedent base (mediation/jobs): index a closed case, import a
corpus. Add "mediation.precedents.tasks" to JOB_TASK_MODULES so workers load them."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from mediation.db import session_scope
from mediation.jobs import JobContext, JobFailed, task
from mediation.precedents import service

IMPORT_TASK = "precedents.import"


def _factory():
    return current_app.extensions["mediation.sessionmaker"]


@task(service.INDEX_CASE_TASK, max_attempts=3)
def index_case(ctx: JobContext, case_id: int) -> dict:
    """Add a closed case to the precedent base (idempotent: a rerun changes nothing)."""
    embedder = service.Settings.from_config(current_app.config).embedder()
    with session_scope(_factory()) as s:
        row = service.index_case(s, case_id, embedder)
    ctx.progress(1, 1, force=True)
    return {"case_id": case_id, "precedent": row.ref if row is not None else None,
            "embedded": embedder is not None and row is not None}  # fmt: skip


@task(IMPORT_TASK, max_attempts=3)
def import_corpus(ctx: JobContext, path: str, embed: bool = True) -> dict:
    """Import a JSON Lines corpus with progress. Each batch commits and unchanged rows are
    skipped, so a retried attempt resumes where the last one stopped."""
    if not Path(path).is_file():
        raise JobFailed("precedents.corpus_missing", f"no corpus file at {path}")
    embedder = service.Settings.from_config(current_app.config).embedder() if embed else None
    try:
        result = service.import_corpus(
            _factory(), Path(path), embedder, progress=lambda done, total: ctx.progress(done, total)
        )
    except service.CorpusError as exc:
        raise JobFailed("precedents.corpus_invalid", str(exc)) from None
    return vars(result)
