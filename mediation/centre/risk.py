"""Risk warnings: a spike of new disputes against one institution, about one product
(dispute type) or from one region, judged against that key's own history.

Threshold method (one-sided Poisson test over trailing weeks):

1. The current window W is the 7 days ending on `as_of`; the baseline is the
   BASELINE_WEEKS (12) 7-day windows right before it. For each key, count the cases
   received (received_on) in W and in each baseline window; a key absent from a window
   counts 0 there.
2. If nothing changed, W's count X is Poisson with mean λ = the baseline mean, floored
   at MIN_RATE (0.5 a week) so that a key never seen before is judged too instead of
   dividing by zero.
3. A warning is raised when X ≥ MIN_COUNT (3: one or two disputes are never a
   "spike") and the exact upper tail P(X ≥ x | λ) = 1 − Σ_{k<x} e^−λ λ^k / k! is below
   ALPHA (0.01). So a key never seen before (λ = 0.5) needs 4 cases in the week, one
   with a case a week on average (λ = 1) needs 5, with λ = 2 7, with λ = 5 12.
   The z-score (x − λ)/√λ is stored beside it for reading, not for deciding: for the
   small counts seen here the normal approximation flags far too often.
4. A key that already has a warning whose window overlaps W is not warned again, so a
   daily scan raises one warning per spike. Warnings carry the cases of W behind them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mediation.cases.model import Case, Party, PartyRole
from mediation.centre.errors import CentreError, require_admin
from mediation.centre.model import RiskDimension, RiskWarning, WarningStatus
from mediation.db import utcnow
from mediation.errors import NotFound
from mediation.people.model import User

WINDOW_DAYS = 7
BASELINE_WEEKS = 12
MIN_RATE = 0.5
MIN_COUNT = 3
ALPHA = 0.01


def poisson_upper_tail(x: int, lam: float) -> float:
    """P(X ≥ x) for X ~ Poisson(lam), summed exactly in floating point."""
    if x <= 0:
        return 1.0
    term = math.exp(-lam)
    below = term
    for k in range(1, x):
        term *= lam / k
        below += term
    return max(0.0, 1.0 - below)


@dataclass
class Spike:
    dimension: RiskDimension
    key: str
    window_start: date
    window_end: date
    count: int
    baseline: list[int]
    baseline_mean: float
    p_value: float
    z_score: float
    case_ids: list[int]


def _window_index(as_of: date, day: date) -> int:
    """0 for the current window, 1.. for the baseline windows before it."""
    return (as_of - day).days // WINDOW_DAYS


def _rows(session: Session, centre_id: int, dimension: RiskDimension, first: date, as_of: date):
    """(key, received_on, case_id) of the cases received in the scanned span."""
    span = (Case.centre_id == centre_id, Case.received_on >= first, Case.received_on <= as_of)
    if dimension == RiskDimension.INSTITUTION:
        query = (
            select(Party.name, Case.received_on, Case.id)
            .join(Case, Case.id == Party.case_id)
            .where(Party.role == PartyRole.RESPONDENT, *span)
            .distinct()
        )
    elif dimension == RiskDimension.PRODUCT:
        query = select(Case.dispute_type, Case.received_on, Case.id).where(*span)
    else:
        query = select(Case.region, Case.received_on, Case.id).where(
            Case.region.is_not(None), *span
        )
    for key, day, case_id in session.execute(query):
        yield (key.value if hasattr(key, "value") else key), day, case_id


def detect(session: Session, centre_id: int, as_of: date) -> list[Spike]:
    """Spikes in the window ending on as_of, by every dimension (nothing is stored)."""
    first = as_of - timedelta(days=WINDOW_DAYS * (BASELINE_WEEKS + 1) - 1)
    window_start = as_of - timedelta(days=WINDOW_DAYS - 1)
    spikes = []
    for dimension in RiskDimension:
        counts: dict[str, list[int]] = defaultdict(lambda: [0] * (BASELINE_WEEKS + 1))
        cases: dict[str, list[int]] = defaultdict(list)
        for key, day, case_id in _rows(session, centre_id, dimension, first, as_of):
            i = _window_index(as_of, day)
            counts[key][i] += 1
            if i == 0:
                cases[key].append(case_id)
        for key, series in counts.items():
            x, baseline = series[0], series[1:]
            if x < MIN_COUNT:
                continue
            lam = max(MIN_RATE, sum(baseline) / len(baseline))
            p = poisson_upper_tail(x, lam)
            if p < ALPHA:
                spikes.append(
                    Spike(
                        dimension=dimension,
                        key=key,
                        window_start=window_start,
                        window_end=as_of,
                        count=x,
                        baseline=baseline,
                        baseline_mean=sum(baseline) / len(baseline),
                        p_value=p,
                        z_score=(x - lam) / math.sqrt(lam),
                        case_ids=sorted(cases[key]),
                    )
                )
    spikes.sort(key=lambda s: (s.p_value, s.dimension.value, s.key))
    return spikes


def scan(session: Session, centre_id: int, as_of: date) -> list[RiskWarning]:
    """Store a warning for each new spike; returns the warnings raised by this scan."""
    raised = []
    for s in detect(session, centre_id, as_of):
        overlapping = session.scalar(
            select(func.count()).where(
                RiskWarning.centre_id == centre_id,
                RiskWarning.dimension == s.dimension,
                RiskWarning.key == s.key,
                RiskWarning.window_end >= s.window_start,
                RiskWarning.window_start <= s.window_end,
            )
        )
        if overlapping:
            continue
        w = RiskWarning(
            centre_id=centre_id,
            dimension=s.dimension,
            key=s.key,
            window_start=s.window_start,
            window_end=s.window_end,
            count=s.count,
            baseline_mean=s.baseline_mean,
            baseline_weeks=BASELINE_WEEKS,
            p_value=s.p_value,
            z_score=s.z_score,
            case_ids=s.case_ids,
            status=WarningStatus.OPEN,
        )
        session.add(w)
        raised.append(w)
    session.flush()
    return raised


def warnings(
    session: Session, centre_id: int, status: WarningStatus | None = None
) -> list[RiskWarning]:
    query = select(RiskWarning).where(RiskWarning.centre_id == centre_id)
    if status is not None:
        query = query.where(RiskWarning.status == status)
    return list(session.scalars(query.order_by(RiskWarning.window_end.desc(), RiskWarning.p_value)))


def get_warning(session: Session, centre_id: int, warning_id: int) -> RiskWarning:
    w = session.get(RiskWarning, warning_id)
    if w is None or w.centre_id != centre_id:
        raise NotFound()
    return w


def case_numbers(session: Session, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(Case.id, Case.number).where(Case.id.in_(ids))).all())


def acknowledge(
    session: Session,
    actor: User | None,
    w: RiskWarning,
    note: str | None = None,
    close: bool = False,
) -> RiskWarning:
    require_admin(actor)
    if w.status == WarningStatus.CLOSED:
        raise CentreError("warning_closed", status=409)
    w.status = WarningStatus.CLOSED if close else WarningStatus.ACKNOWLEDGED
    w.acknowledged_by_id = actor.id if actor else None
    w.acknowledged_at = utcnow()
    if note:
        w.note = note
    return w
