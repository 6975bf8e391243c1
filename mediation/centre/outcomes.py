"""SQL building blocks shared by statistics, assessment and subsidies: what a case's
outcome is, and date arithmetic that reads the same on SQLite and PostgreSQL.

A case's outcome is the stage of its last transition into 签约 (signed: success),
调解不成 (failed) or 撤回 (withdrawn) — both counted as not successful — and the
effective date of that transition. Cases never mediated to an end (still open, or
不予受理 rejected at intake) have no outcome and are left out of success rates.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Subquery

from mediation.cases.model import Case, CaseEvent, EventKind, Stage

OUTCOME_STAGES = (Stage.SIGNED, Stage.FAILED, Stage.WITHDRAWN)
SUCCESS_STAGE = Stage.SIGNED


def outcome_subquery() -> Subquery:
    """Columns: case_id, outcome (a Stage value), outcome_on (date)."""
    last = (
        select(CaseEvent.case_id, func.max(CaseEvent.seq).label("seq"))
        .where(CaseEvent.kind == EventKind.TRANSITION, CaseEvent.to_stage.in_(OUTCOME_STAGES))
        .group_by(CaseEvent.case_id)
        .subquery("last_outcome")
    )
    return (
        select(
            CaseEvent.case_id,
            CaseEvent.to_stage.label("outcome"),
            CaseEvent.effective_on.label("outcome_on"),
        )
        .join(last, and_(CaseEvent.case_id == last.c.case_id, CaseEvent.seq == last.c.seq))
        .subquery("outcomes")
    )


def case_outcome(session: Session, case: Case) -> tuple[Stage, object] | None:
    o = outcome_subquery()
    row = session.execute(select(o.c.outcome, o.c.outcome_on).where(o.c.case_id == case.id)).first()
    if row is None:
        return None
    return Stage(row.outcome), row.outcome_on


def days_between(session: Session, start: ColumnElement, end: ColumnElement) -> ColumnElement:
    """end - start in days, for two DATE columns."""
    if session.get_bind().dialect.name == "sqlite":
        return func.julianday(end) - func.julianday(start)
    return end - start


def month_of(session: Session, day: ColumnElement) -> ColumnElement:
    """'YYYY-MM' of a DATE column."""
    if session.get_bind().dialect.name == "sqlite":
        return func.strftime("%Y-%m", day)
    return func.to_char(day, "YYYY-MM")
