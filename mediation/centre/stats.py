"""Statistics for the dashboard and the evaluators' export, computed by SQL from the
stored cases, events, clocks and ratings.

Every figure is over one cohort: the centre's cases received (received_on) within the
period, optionally in one region. Definitions:

- cases by type, stage, channel, region, month: counts of the cohort, stage as of now;
- time per stage: for each stage a case entered and left, the days between the
  effective dates of the event that entered it and of the next stage change; stays not
  yet ended are not averaged;
- on-time rate per rule: a clock is met when it stopped on or before its due date,
  missed when it stopped after it or is still running past it on `as_of`; paused clocks
  and clocks without a due date (calendar unverified) are not decided yet;
- success rate: cases whose outcome (mediation.centre.outcomes) is 签约 among cases with
  an outcome;
- satisfaction: the claimants' ratings (1–5) of cohort cases; complaints are ratings
  marked as one;
- per institution: the same figures grouped by respondent name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, case, distinct, func, or_, select
from sqlalchemy.orm import Session

from mediation.cases import stages
from mediation.cases.model import (
    Case,
    CaseEvent,
    Channel,
    DisputeType,
    EventKind,
    Party,
    PartyRole,
    Stage,
)
from mediation.centre.model import CaseRating
from mediation.centre.outcomes import SUCCESS_STAGE, days_between, month_of, outcome_subquery
from mediation.deadlines.model import Clock, ClockStatus


@dataclass(frozen=True)
class Filters:
    centre_id: int
    as_of: date
    date_from: date | None = None
    date_to: date | None = None
    region: str | None = None

    def as_dict(self) -> dict:
        return {
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "region": self.region,
            "as_of": self.as_of.isoformat(),
        }


def cohort(f: Filters) -> Select:
    query = select(Case.id).where(Case.centre_id == f.centre_id)
    if f.date_from:
        query = query.where(Case.received_on >= f.date_from)
    if f.date_to:
        query = query.where(Case.received_on <= f.date_to)
    if f.region:
        query = query.where(Case.region == f.region)
    return query


def _rate(num: int, den: int) -> float | None:
    return num / den if den else None


def _count_by(session: Session, f: Filters, column, order: list) -> list[tuple[str, int]]:
    rows = dict(
        session.execute(
            select(column, func.count()).where(Case.id.in_(cohort(f))).group_by(column)
        ).all()
    )
    keys = [k for k in order if k in rows] + sorted(k for k in rows if k not in order)
    return [(k.value if hasattr(k, "value") else k, int(rows[k])) for k in keys]


def by_type(session: Session, f: Filters) -> list[tuple[str, int]]:
    return _count_by(session, f, Case.dispute_type, list(DisputeType))


def by_stage(session: Session, f: Filters) -> list[tuple[str, int]]:
    return _count_by(session, f, Case.stage, list(Stage))


def by_channel(session: Session, f: Filters) -> list[tuple[str, int]]:
    return _count_by(session, f, Case.channel, list(Channel))


def by_region(session: Session, f: Filters) -> list[tuple[str, int]]:
    region = func.coalesce(Case.region, "")
    return _count_by(session, f, region, [])


def by_month(session: Session, f: Filters) -> list[tuple[str, int]]:
    month = month_of(session, Case.received_on)
    return _count_by(session, f, month, [])


def time_per_stage(session: Session, f: Filters) -> list[dict]:
    changes = (
        select(
            CaseEvent.to_stage.label("stage"),
            CaseEvent.effective_on.label("entered"),
            func.lead(CaseEvent.effective_on)
            .over(partition_by=CaseEvent.case_id, order_by=CaseEvent.seq)
            .label("left"),
        )
        .where(
            CaseEvent.kind.in_([EventKind.CREATED, EventKind.TRANSITION]),
            CaseEvent.case_id.in_(cohort(f)),
        )
        .subquery("stage_changes")
    )
    days = days_between(session, changes.c.entered, changes.c.left)
    rows = session.execute(
        select(changes.c.stage, func.count(), func.avg(days), func.max(days))
        .where(changes.c.left.is_not(None))
        .group_by(changes.c.stage)
    ).all()
    by = {Stage(r[0]): r for r in rows}
    return [
        {
            "stage": s.value,
            "stays": int(by[s][1]),
            "avg_days": round(float(by[s][2]), 2),
            "max_days": int(by[s][3]),
        }
        for s in Stage
        if s in by
    ]


def on_time_by_rule(session: Session, f: Filters) -> list[dict]:
    stopped = Clock.status == ClockStatus.STOPPED
    met = case((and_(stopped, Clock.stopped_on <= Clock.due_on), 1), else_=0)
    missed = case(
        (
            or_(
                and_(stopped, Clock.stopped_on > Clock.due_on),
                and_(Clock.status == ClockStatus.RUNNING, Clock.due_on < f.as_of),
            ),
            1,
        ),
        else_=0,
    )
    rows = session.execute(
        select(Clock.rule_id, func.sum(met), func.sum(missed))
        .where(Clock.case_id.in_(cohort(f)), Clock.due_on.is_not(None))
        .group_by(Clock.rule_id)
        .order_by(Clock.rule_id)
    ).all()
    out = []
    for rule_id, m, x in rows:
        m, x = int(m or 0), int(x or 0)
        if m + x:
            out.append({"rule": rule_id, "met": m, "missed": x, "rate": _rate(m, m + x)})
    return out


def outcomes(session: Session, f: Filters) -> dict:
    o = outcome_subquery()
    rows = dict(
        session.execute(
            select(o.c.outcome, func.count())
            .where(o.c.case_id.in_(cohort(f)))
            .group_by(o.c.outcome)
        ).all()
    )
    counts = {Stage(k).value: int(v) for k, v in rows.items()}
    concluded = sum(counts.values())
    success = counts.get(SUCCESS_STAGE.value, 0)
    return {
        "by_outcome": counts,
        "concluded": concluded,
        "successes": success,
        "success_rate": _rate(success, concluded),
    }


def satisfaction(session: Session, f: Filters) -> dict:
    rows = dict(
        session.execute(
            select(CaseRating.score, func.count())
            .where(CaseRating.case_id.in_(cohort(f)))
            .group_by(CaseRating.score)
        ).all()
    )
    n = sum(int(v) for v in rows.values())
    complaints = session.scalar(
        select(func.count()).where(CaseRating.case_id.in_(cohort(f)), CaseRating.complaint)
    )
    total = sum(int(k) * int(v) for k, v in rows.items())
    return {
        "distribution": {str(s): int(rows.get(s, 0)) for s in range(1, 6)},
        "ratings": n,
        "average": total / n if n else None,
        "complaints": int(complaints or 0),
    }


def by_institution(session: Session, f: Filters) -> list[dict]:
    resp = (
        select(Party.case_id, Party.name)
        .where(Party.role == PartyRole.RESPONDENT, Party.case_id.in_(cohort(f)))
        .distinct()
        .subquery("respondents")
    )
    o = outcome_subquery()
    success = case((o.c.outcome == SUCCESS_STAGE.value, 1), else_=0)
    rows = session.execute(
        select(
            resp.c.name,
            func.count(distinct(resp.c.case_id)),
            func.count(o.c.case_id),
            func.coalesce(func.sum(success), 0),
            func.count(CaseRating.id),
            func.avg(CaseRating.score),
        )
        .select_from(resp)
        .outerjoin(o, o.c.case_id == resp.c.case_id)
        .outerjoin(CaseRating, CaseRating.case_id == resp.c.case_id)
        .group_by(resp.c.name)
    ).all()
    out = [
        {
            "institution": name,
            "cases": int(n),
            "concluded": int(c),
            "successes": int(s),
            "success_rate": _rate(int(s), int(c)),
            "ratings": int(r),
            "avg_satisfaction": float(avg) if avg is not None else None,
        }
        for name, n, c, s, r, avg in rows
    ]
    out.sort(key=lambda d: (-d["cases"], d["institution"]))
    return out


def totals(session: Session, f: Filters) -> dict:
    total, open_ = session.execute(
        select(
            func.count(),
            func.coalesce(
                func.sum(case((Case.stage.not_in(list(stages.ENDED_STAGES)), 1), else_=0)), 0
            ),
        ).where(Case.id.in_(cohort(f)))
    ).one()
    return {"cases": int(total), "open": int(open_)}


def dashboard(session: Session, f: Filters) -> dict:
    """Everything the dashboard and the export show, as plain data."""
    result = {
        "filters": f.as_dict(),
        "totals": totals(session, f),
        "by_type": by_type(session, f),
        "by_stage": by_stage(session, f),
        "by_channel": by_channel(session, f),
        "by_region": by_region(session, f),
        "by_month": by_month(session, f),
        "time_per_stage": time_per_stage(session, f),
        "on_time": on_time_by_rule(session, f),
        "outcomes": outcomes(session, f),
        "satisfaction": satisfaction(session, f),
        "institutions": by_institution(session, f),
    }
    met = sum(r["met"] for r in result["on_time"])
    decided = met + sum(r["missed"] for r in result["on_time"])
    result["totals"].update(
        {
            "concluded": result["outcomes"]["concluded"],
            "success_rate": result["outcomes"]["success_rate"],
            "on_time_rate": _rate(met, decided),
            "avg_satisfaction": result["satisfaction"]["average"],
            "complaints": result["satisfaction"]["complaints"],
        }
    )
    return result


def regions(session: Session, centre_id: int) -> list[str]:
    return list(
        session.scalars(
            select(Case.region)
            .where(Case.centre_id == centre_id, Case.region.is_not(None))
            .distinct()
            .order_by(Case.region)
        )
    )


def case_rows(session: Session, f: Filters) -> list[dict]:
    """One anonymised line per cohort case for evaluators: no names, ID or phone numbers."""
    o = outcome_subquery()
    rows = session.execute(
        select(
            Case.id,
            Case.number,
            Case.dispute_type,
            Case.channel,
            Case.region,
            Case.received_on,
            Case.stage,
            Case.amount_claimed,
            o.c.outcome,
            o.c.outcome_on,
            CaseRating.score,
            CaseRating.complaint,
        )
        .outerjoin(o, o.c.case_id == Case.id)
        .outerjoin(CaseRating, CaseRating.case_id == Case.id)
        .where(Case.id.in_(cohort(f)))
        .order_by(Case.received_on, Case.number)
    ).all()
    respondents: dict[int, list[str]] = {}
    for case_id, name in session.execute(
        select(Party.case_id, Party.name)
        .where(Party.role == PartyRole.RESPONDENT, Party.case_id.in_(cohort(f)))
        .order_by(Party.id)
    ):
        respondents.setdefault(case_id, []).append(name)
    out = []
    for r in rows:
        out.append(
            {
                "number": r.number,
                "dispute_type": r.dispute_type.value,
                "channel": r.channel.value,
                "region": r.region or "",
                "received_on": r.received_on,
                "stage": r.stage.value,
                "amount_claimed": float(r.amount_claimed) if r.amount_claimed is not None else None,
                "respondents": "；".join(respondents.get(r.id, [])),
                "outcome": Stage(r.outcome).value if r.outcome else "",
                "outcome_on": r.outcome_on,
                "days_to_outcome": (r.outcome_on - r.received_on).days if r.outcome_on else None,
                "satisfaction": r.score,
                "complaint": bool(r.complaint) if r.complaint is not None else None,
            }
        )
    return out
