"""Index every case the centre closes, automatically: a case event that moves a case to
结案 enqueues the `precedents.index_case` job once the transaction commits.

`install(app)` attaches the listener to the app's sessionmaker (call it from the app
factory). A job that could not be enqueued is caught up by `mediation precedents
index-closed`.
"""

from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy import event

from mediation.cases.model import CaseEvent, Stage
from mediation.precedents.service import INDEX_CASE_TASK

log = logging.getLogger(__name__)
_KEY = "precedents.closed_cases"


def closed_case_ids(session) -> set[int]:
    return session.info.setdefault(_KEY, set())


def _collect(session, _flush_context) -> None:
    for obj in session.new:
        if isinstance(obj, CaseEvent) and obj.to_stage == Stage.CLOSED:
            closed_case_ids(session).add(obj.case_id)


def install(app: Flask) -> None:
    factory = app.extensions["mediation.sessionmaker"]

    def enqueue(session) -> None:
        ids = session.info.pop(_KEY, None)
        if not ids:
            return
        try:
            from mediation.jobs import queue_for

            queue = queue_for(app)
            for case_id in sorted(ids):
                queue.enqueue(
                    INDEX_CASE_TASK, {"case_id": case_id}, dedupe_key=f"precedent-case:{case_id}"
                )
        except Exception:  # the close itself stands; index-closed catches up
            log.exception("could not enqueue precedent indexing for cases %s", sorted(ids))

    def forget(session) -> None:
        session.info.pop(_KEY, None)

    event.listen(factory, "after_flush", _collect)
    event.listen(factory, "after_commit", enqueue)
    event.listen(factory, "after_soft_rollback", lambda s, _prev: forget(s))
