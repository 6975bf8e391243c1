"""Annual assessment of mediators, computed from the stored cases.

Indicators of mediator M in year Y (cases counted are those whose current mediator is M):

- cases_handled: cases whose outcome (签约 / 调解不成 / 撤回, see
  mediation.centre.outcomes) took effect in Y; score = 100 × handled / case_target,
  at most 100;
- success_rate: the share of those signed; score = 100 × rate;
- on_time_rate: clocks met / decided in Y: a clock stopped in Y is met if it stopped on
  or before its due date; a clock still running whose due date in Y has passed by
  `as_of` is missed; score = 100 × rate;
- satisfaction: the average claimant rating given in Y; score = 100 × (avg − 1) / 4;
- complaints: ratings marked as a complaint given in Y; score = 100 − penalty × count,
  at least 0;
- mentor_review: for apprentices, the average mentor review in Y; score as satisfaction.

The total is the weighted mean of the scores that exist (a mediator with no ratings is
not marked down for it: the weights of missing indicators are left out). Below the
pass line → flagged for exit. Each run is kept, so results have a history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, selectinload

from mediation.cases.model import Case
from mediation.centre.errors import CentreError, require_admin
from mediation.centre.model import (
    AssessmentResult,
    AssessmentRun,
    AssessmentScheme,
    CaseRating,
    MediatorProfile,
    MentoringPair,
    MentorReview,
)
from mediation.centre.outcomes import SUCCESS_STAGE, outcome_subquery
from mediation.deadlines.model import Clock, ClockStatus
from mediation.people.model import Role, User

INDICATORS = (
    "cases_handled",
    "success_rate",
    "on_time_rate",
    "satisfaction",
    "complaints",
    "mentor_review",
)


@dataclass
class SchemeValues:
    weights: dict[str, float] = field(
        default_factory=lambda: {
            "cases_handled": 15.0,
            "success_rate": 25.0,
            "on_time_rate": 20.0,
            "satisfaction": 20.0,
            "complaints": 10.0,
            "mentor_review": 10.0,
        }
    )
    pass_line: float = 60.0
    case_target: int = 30
    complaint_penalty: float = 20.0

    def as_dict(self) -> dict:
        return {
            "weights": dict(self.weights),
            "pass_line": self.pass_line,
            "case_target": self.case_target,
            "complaint_penalty": self.complaint_penalty,
        }


def get_scheme(session: Session, centre_id: int, year: int) -> SchemeValues:
    row = session.get(AssessmentScheme, (centre_id, year))
    if row is None:
        return SchemeValues()
    return SchemeValues(
        weights={k: float(v) for k, v in row.weights.items()},
        pass_line=row.pass_line,
        case_target=row.case_target,
        complaint_penalty=row.complaint_penalty,
    )


def set_scheme(
    session: Session, actor: User | None, centre_id: int, year: int, values: SchemeValues
) -> AssessmentScheme:
    require_admin(actor)
    unknown = set(values.weights) - set(INDICATORS)
    if unknown:
        raise CentreError("invalid_field", field="weights", detail=", ".join(sorted(unknown)))
    if any(w < 0 for w in values.weights.values()) or sum(values.weights.values()) <= 0:
        raise CentreError("invalid_field", field="weights", detail="≥ 0, sum > 0")
    if not 0 <= values.pass_line <= 100:
        raise CentreError("invalid_field", field="pass_line", detail="0..100")
    if values.case_target < 1:
        raise CentreError("invalid_field", field="case_target", detail="≥ 1")
    if values.complaint_penalty < 0:
        raise CentreError("invalid_field", field="complaint_penalty", detail="≥ 0")
    row = session.get(AssessmentScheme, (centre_id, year))
    if row is None:
        row = AssessmentScheme(centre_id=centre_id, year=year)
        session.add(row)
    row.weights = {k: float(values.weights.get(k, 0.0)) for k in INDICATORS}
    row.pass_line = float(values.pass_line)
    row.case_target = int(values.case_target)
    row.complaint_penalty = float(values.complaint_penalty)
    row.updated_by_id = actor.id if actor else None
    session.flush()
    return row


def assessed_mediators(session: Session, centre_id: int, year: int) -> list[User]:
    """Active mediators not taken off the roster before the year began."""
    start = date(year, 1, 1)
    return list(
        session.scalars(
            select(User)
            .outerjoin(MediatorProfile, MediatorProfile.user_id == User.id)
            .where(
                User.centre_id == centre_id,
                User.role == Role.MEDIATOR,
                User.active,
                or_(MediatorProfile.exited_on.is_(None), MediatorProfile.exited_on >= start),
            )
            .order_by(User.display_name, User.id)
        )
    )


def raw_indicators(session: Session, centre_id: int, year: int, as_of: date) -> dict[int, dict]:
    """Counts per mediator id, by SQL."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    out: dict[int, dict] = {}

    def slot(mid: int) -> dict:
        return out.setdefault(
            mid,
            {
                "handled": 0,
                "successes": 0,
                "clocks_met": 0,
                "clocks_missed": 0,
                "ratings": 0,
                "rating_sum": 0,
                "complaints": 0,
                "reviews": 0,
                "review_sum": 0,
            },
        )

    o = outcome_subquery()
    for mid, n, s in session.execute(
        select(
            Case.mediator_id,
            func.count(),
            func.sum(case((o.c.outcome == SUCCESS_STAGE.value, 1), else_=0)),
        )
        .join(o, o.c.case_id == Case.id)
        .where(
            Case.centre_id == centre_id,
            Case.mediator_id.is_not(None),
            o.c.outcome_on >= start,
            o.c.outcome_on <= end,
        )
        .group_by(Case.mediator_id)
    ):
        slot(mid).update(handled=int(n), successes=int(s or 0))

    stopped_in_year = and_(
        Clock.status == ClockStatus.STOPPED, Clock.stopped_on >= start, Clock.stopped_on <= end
    )
    running_missed = and_(
        Clock.status == ClockStatus.RUNNING,
        Clock.due_on >= start,
        Clock.due_on <= end,
        Clock.due_on < as_of,
    )
    met = case((and_(stopped_in_year, Clock.stopped_on <= Clock.due_on), 1), else_=0)
    missed = case(
        (or_(and_(stopped_in_year, Clock.stopped_on > Clock.due_on), running_missed), 1), else_=0
    )
    for mid, m, x in session.execute(
        select(Case.mediator_id, func.sum(met), func.sum(missed))
        .join(Case, Case.id == Clock.case_id)
        .where(
            Case.centre_id == centre_id, Case.mediator_id.is_not(None), Clock.due_on.is_not(None)
        )
        .group_by(Case.mediator_id)
    ):
        slot(mid).update(clocks_met=int(m or 0), clocks_missed=int(x or 0))

    t0, t1 = datetime(year, 1, 1), datetime(year + 1, 1, 1)
    for mid, n, total, complaints in session.execute(
        select(
            Case.mediator_id,
            func.count(),
            func.sum(CaseRating.score),
            func.sum(case((CaseRating.complaint, 1), else_=0)),
        )
        .join(Case, Case.id == CaseRating.case_id)
        .where(
            Case.centre_id == centre_id,
            Case.mediator_id.is_not(None),
            CaseRating.rated_at >= t0,
            CaseRating.rated_at < t1,
        )
        .group_by(Case.mediator_id)
    ):
        slot(mid).update(ratings=int(n), rating_sum=int(total or 0), complaints=int(complaints))

    for mid, n, total in session.execute(
        select(MentoringPair.apprentice_id, func.count(), func.sum(MentorReview.score))
        .join(MentoringPair, MentoringPair.id == MentorReview.pair_id)
        .join(User, User.id == MentoringPair.apprentice_id)
        .where(
            User.centre_id == centre_id,
            MentorReview.reviewed_on >= start,
            MentorReview.reviewed_on <= end,
        )
        .group_by(MentoringPair.apprentice_id)
    ):
        slot(mid).update(reviews=int(n), review_sum=int(total or 0))
    return out


def score(raw: dict, scheme: SchemeValues) -> tuple[dict, float | None]:
    """Indicator values and scores (0–100), and the weighted total over those that exist."""
    handled = raw["handled"]
    decided = raw["clocks_met"] + raw["clocks_missed"]
    values = {
        "cases_handled": handled,
        "success_rate": raw["successes"] / handled if handled else None,
        "on_time_rate": raw["clocks_met"] / decided if decided else None,
        "satisfaction": raw["rating_sum"] / raw["ratings"] if raw["ratings"] else None,
        "complaints": raw["complaints"],
        "mentor_review": raw["review_sum"] / raw["reviews"] if raw["reviews"] else None,
    }
    scores = {
        "cases_handled": min(100.0, 100.0 * handled / scheme.case_target),
        "success_rate": None if values["success_rate"] is None else 100.0 * values["success_rate"],
        "on_time_rate": None if values["on_time_rate"] is None else 100.0 * values["on_time_rate"],
        "satisfaction": None
        if values["satisfaction"] is None
        else 100.0 * (values["satisfaction"] - 1) / 4,
        "complaints": max(0.0, 100.0 - scheme.complaint_penalty * raw["complaints"]),
        "mentor_review": None
        if values["mentor_review"] is None
        else 100.0 * (values["mentor_review"] - 1) / 4,
    }
    weight = sum(scheme.weights.get(k, 0.0) for k, s in scores.items() if s is not None)
    total = (
        sum(scheme.weights.get(k, 0.0) * s for k, s in scores.items() if s is not None) / weight
        if weight > 0
        else None
    )
    indicators = {
        k: {"value": values[k], "score": None if scores[k] is None else round(scores[k], 2)}
        for k in INDICATORS
    }
    indicators["_counts"] = dict(raw)
    return indicators, None if total is None else round(total, 2)


def run(
    session: Session, actor: User | None, centre_id: int, year: int, as_of: date
) -> AssessmentRun:
    require_admin(actor)
    scheme = get_scheme(session, centre_id, year)
    raw = raw_indicators(session, centre_id, year, as_of)
    empty = {
        k: 0
        for k in (
            "handled",
            "successes",
            "clocks_met",
            "clocks_missed",
            "ratings",
            "rating_sum",
            "complaints",
            "reviews",
            "review_sum",
        )
    }
    r = AssessmentRun(
        centre_id=centre_id,
        year=year,
        as_of=as_of,
        scheme=scheme.as_dict(),
        actor_id=actor.id if actor else None,
    )
    session.add(r)
    for user in assessed_mediators(session, centre_id, year):
        indicators, total = score(raw.get(user.id, empty), scheme)
        passed = None if total is None else total >= scheme.pass_line
        r.results.append(
            AssessmentResult(
                mediator_id=user.id,
                indicators=indicators,
                score=total,
                passed=passed,
                flagged_for_exit=passed is False,
            )
        )
    session.flush()
    return r


def latest_run(session: Session, centre_id: int, year: int) -> AssessmentRun | None:
    return session.scalar(
        select(AssessmentRun)
        .where(AssessmentRun.centre_id == centre_id, AssessmentRun.year == year)
        .options(selectinload(AssessmentRun.results).selectinload(AssessmentResult.mediator))
        .order_by(AssessmentRun.run_at.desc(), AssessmentRun.id.desc())
        .limit(1)
    )


def history(session: Session, mediator_id: int) -> list[tuple[AssessmentRun, AssessmentResult]]:
    """Every result of the mediator, newest first."""
    rows = session.execute(
        select(AssessmentRun, AssessmentResult)
        .join(AssessmentResult, AssessmentResult.run_id == AssessmentRun.id)
        .where(AssessmentResult.mediator_id == mediator_id)
        .order_by(AssessmentRun.year.desc(), AssessmentRun.run_at.desc(), AssessmentRun.id.desc())
    ).all()
    return [(r, res) for r, res in rows]
