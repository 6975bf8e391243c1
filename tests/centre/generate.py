"""Generated cases for checking statistics and assessments: made through the real
operations (so events and clocks are real), with a plain-Python record of what was done,
and independent recomputations of the published figures from that record."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.cases import operations
from mediation.cases.model import Channel, DisputeType, PartyKind, PartyRole, Stage
from mediation.cases.service import deadline_context
from mediation.centre import assignment, ratings, roster
from mediation.centre.model import Employment, Grade
from mediation.deadlines.model import Clock
from mediation.people.model import Centre, User

S = Stage
PATHS = [
    [S.INTAKE],
    [S.INTAKE, S.REJECTED, S.CLOSED],
    [S.INTAKE, S.ACCEPTED, S.MEDIATION, S.SIGNED, S.CLOSED],
    [S.INTAKE, S.ACCEPTED, S.INVESTIGATION, S.MEDIATION, S.FAILED, S.CLOSED],
    [S.INTAKE, S.ACCEPTED, S.MEDIATION, S.WITHDRAWN, S.CLOSED],
    [S.INTAKE, S.ACCEPTED, S.MEDIATION, S.SIGNED, S.JUDICIAL_CONFIRMATION, S.PERFORMANCE, S.CLOSED],
    [S.INTAKE, S.ACCEPTED, S.INVESTIGATION],
    # A refused confirmation sends the case back to mediation, where it then fails.
    [
        S.INTAKE,
        S.ACCEPTED,
        S.MEDIATION,
        S.SIGNED,
        S.JUDICIAL_CONFIRMATION,
        S.MEDIATION,
        S.FAILED,
        S.CLOSED,
    ],
    [S.INTAKE, S.ACCEPTED, S.MEDIATION],
]
INSTITUTIONS = [
    "示范县农村商业银行股份有限公司",
    "某银行股份有限公司示范县支行",
    "某人寿保险股份有限公司示范中心支公司",
    "某财产保险股份有限公司示范支公司",
    "某消费金融有限公司",
]
REGIONS = ["城关镇", "东河乡", "西山镇", "南湖街道"]
NEEDS_REASON = {S.REJECTED, S.FAILED, S.WITHDRAWN}
OUTCOMES = (S.SIGNED, S.FAILED, S.WITHDRAWN)
AS_OF = date(2026, 1, 10)


@dataclass
class GenCase:
    id: int
    number: str
    dispute_type: str
    channel: str
    region: str
    received_on: date
    respondent: str
    mediator_id: int | None
    path: list[tuple[Stage, date]]
    rating: tuple[int, bool, datetime] | None = None

    @property
    def stage(self) -> Stage:
        return self.path[-1][0]

    @property
    def outcome(self) -> tuple[Stage, date] | None:
        found = [(s, d) for s, d in self.path[1:] if s in OUTCOMES]
        return found[-1] if found else None


@dataclass
class Generated:
    cases: list[GenCase]
    mediators: list[int]
    apprentice_reviews: dict[int, list[tuple[int, date]]] = field(default_factory=dict)


def make_profiles(session: Session, admin: User, mediators: list[User]) -> None:
    for i, m in enumerate(mediators):
        roster.save_profile(
            session,
            admin,
            m,
            roster.ProfileInput(
                employment=Employment.FULL_TIME,
                grade=list(Grade)[i % 4],
                specialties=[list(DisputeType)[i % 5]],
                languages=["普通话"],
                regions=[REGIONS[i % 4]],
                max_open_cases=500,
            ),
            date(2025, 1, 1),
        )


def generate(
    session: Session,
    centre: Centre,
    admin: User,
    claimant: User,
    mediators: list[User],
    n: int = 48,
    seed: int = 7,
    start: date = date(2025, 1, 6),
) -> Generated:
    rng = random.Random(seed)
    make_profiles(session, admin, mediators)
    ctx = deadline_context(session, centre, AS_OF)
    out: list[GenCase] = []
    for i in range(n):
        received = start + timedelta(days=rng.randrange(0, 300))
        respondent = rng.choice(INSTITUTIONS)
        data = operations.CaseInput(
            dispute_type=rng.choice(list(DisputeType)),
            channel=rng.choice(list(Channel)),
            request="退还多收费用",
            received_on=received,
            region=rng.choice(REGIONS),
            parties=[
                operations.PartyInput(
                    role=PartyRole.CLAIMANT,
                    kind=PartyKind.PERSON,
                    name=f"申请人{i}",
                    user_id=claimant.id,
                ),
                operations.PartyInput(
                    role=PartyRole.RESPONDENT, kind=PartyKind.INSTITUTION, name=respondent
                ),
            ],
        )
        case = operations.create_case(session, centre, admin, data, ctx)
        mediator = None if i % 8 == 7 else mediators[rng.randrange(len(mediators))]
        if mediator is not None:
            assignment.assign(session, admin, case, mediator, received)
        path = PATHS[i % len(PATHS)]
        day = received
        record = [(S.INTAKE, received)]
        for target in path[1:]:
            day = day + timedelta(days=rng.randrange(0, 40))
            operations.transition(
                session,
                case,
                admin,
                target,
                ctx,
                reason="理由" if target in NEEDS_REASON or target == S.MEDIATION else None,
                on_date=day,
            )
            record.append((target, day))
        g = GenCase(
            id=case.id,
            number=case.number,
            dispute_type=case.dispute_type.value,
            channel=case.channel.value,
            region=case.region,
            received_on=received,
            respondent=respondent,
            mediator_id=mediator.id if mediator else None,
            path=record,
        )
        if g.stage == S.CLOSED and rng.random() < 0.8:
            score = rng.randint(1, 5)
            complaint = score <= 2 and rng.random() < 0.6
            r = ratings.rate_case(session, claimant, case, score, "评价", complaint)
            r.rated_at = datetime.combine(
                day + timedelta(days=rng.randrange(0, 20)), datetime.min.time()
            )
            g.rating = (score, complaint, r.rated_at)
        out.append(g)
    session.flush()
    return Generated(cases=out, mediators=[m.id for m in mediators])


def clock_rows(session: Session) -> list[tuple]:
    return list(
        session.execute(
            select(Clock.case_id, Clock.rule_id, Clock.status, Clock.due_on, Clock.stopped_on)
        ).all()
    )


# --- independent recomputations --------------------------------------------------


def in_cohort(c: GenCase, date_from: date | None, date_to: date | None, region: str | None):
    return (
        (date_from is None or c.received_on >= date_from)
        and (date_to is None or c.received_on <= date_to)
        and (region is None or c.region == region)
    )


def clock_verdict(status: str, due: date | None, stopped: date | None, as_of: date) -> str | None:
    if due is None:
        return None
    if status == "stopped":
        return "met" if stopped <= due else "missed"
    if status == "running" and due < as_of:
        return "missed"
    return None


def expected_dashboard(
    gen: Generated, clocks: list[tuple], as_of: date, date_from=None, date_to=None, region=None
) -> dict:
    cases = [c for c in gen.cases if in_cohort(c, date_from, date_to, region)]
    ids = {c.id for c in cases}

    def count(key):
        out: dict[str, int] = defaultdict(int)
        for c in cases:
            out[key(c)] += 1
        return dict(out)

    stays: dict[str, list[int]] = defaultdict(list)
    for c in cases:
        for (s, d), (_, d2) in zip(c.path, c.path[1:], strict=False):
            stays[s.value].append((d2 - d).days)
    on_time: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for case_id, rule, status, due, stopped in clocks:
        if case_id not in ids:
            continue
        v = clock_verdict(
            str(status.value if hasattr(status, "value") else status), due, stopped, as_of
        )
        if v == "met":
            on_time[rule][0] += 1
        elif v == "missed":
            on_time[rule][1] += 1
    outcomes = [c.outcome[0].value for c in cases if c.outcome]
    rated = [c.rating for c in cases if c.rating]
    inst: dict[str, dict] = {}
    for c in cases:
        d = inst.setdefault(
            c.respondent, {"cases": 0, "concluded": 0, "successes": 0, "scores": []}
        )
        d["cases"] += 1
        if c.outcome:
            d["concluded"] += 1
            d["successes"] += c.outcome[0] == S.SIGNED
        if c.rating:
            d["scores"].append(c.rating[0])
    ended = {S.REJECTED, S.FAILED, S.WITHDRAWN, S.CLOSED}
    met = sum(v[0] for v in on_time.values())
    decided = met + sum(v[1] for v in on_time.values())
    return {
        "cases": len(cases),
        "open": sum(c.stage not in ended for c in cases),
        "by_type": count(lambda c: c.dispute_type),
        "by_stage": count(lambda c: c.stage.value),
        "by_channel": count(lambda c: c.channel),
        "by_region": count(lambda c: c.region),
        "by_month": count(lambda c: c.received_on.strftime("%Y-%m")),
        "time_per_stage": {s: (len(v), sum(v) / len(v), max(v)) for s, v in stays.items()},
        "on_time": {r: tuple(v) for r, v in on_time.items() if sum(v)},
        "on_time_rate": met / decided if decided else None,
        "concluded": len(outcomes),
        "by_outcome": {k: outcomes.count(k) for k in set(outcomes)},
        "success_rate": outcomes.count("signed") / len(outcomes) if outcomes else None,
        "ratings": len(rated),
        "distribution": {str(s): sum(r[0] == s for r in rated) for s in range(1, 6)},
        "avg_satisfaction": sum(r[0] for r in rated) / len(rated) if rated else None,
        "complaints": sum(r[1] for r in rated),
        "institutions": {
            k: (
                v["cases"],
                v["concluded"],
                v["successes"],
                len(v["scores"]),
                sum(v["scores"]) / len(v["scores"]) if v["scores"] else None,
            )
            for k, v in inst.items()
        },
    }


def expected_assessment(
    gen: Generated,
    clocks: list[tuple],
    year: int,
    as_of: date,
    weights: dict[str, float],
    pass_line: float,
    case_target: int,
    penalty: float,
) -> dict[int, dict]:
    y0, y1 = date(year, 1, 1), date(year, 12, 31)
    by_case = {c.id: c for c in gen.cases}
    out = {}
    for m in gen.mediators:
        mine = [c for c in gen.cases if c.mediator_id == m]
        done = [c for c in mine if c.outcome and y0 <= c.outcome[1] <= y1]
        wins = sum(c.outcome[0] == S.SIGNED for c in done)
        met = missed = 0
        for case_id, _rule, status, due, stopped in clocks:
            c = by_case.get(case_id)
            if c is None or c.mediator_id != m or due is None:
                continue
            status = str(status.value if hasattr(status, "value") else status)
            if status == "stopped" and y0 <= stopped <= y1:
                if stopped <= due:
                    met += 1
                else:
                    missed += 1
            elif status == "running" and y0 <= due <= y1 and due < as_of:
                missed += 1
        rated = [c.rating for c in mine if c.rating and c.rating[2].year == year]
        complaints = sum(r[1] for r in rated)
        reviews = [s for s, d in gen.apprentice_reviews.get(m, []) if d.year == year]
        parts = {
            "cases_handled": min(100.0, 100.0 * len(done) / case_target),
            "success_rate": 100.0 * wins / len(done) if done else None,
            "on_time_rate": 100.0 * met / (met + missed) if met + missed else None,
            "satisfaction": 100.0 * (sum(r[0] for r in rated) / len(rated) - 1) / 4
            if rated
            else None,
            "complaints": max(0.0, 100.0 - penalty * complaints),
            "mentor_review": 100.0 * (sum(reviews) / len(reviews) - 1) / 4 if reviews else None,
        }
        w = sum(weights[k] for k, v in parts.items() if v is not None)
        total = sum(weights[k] * v for k, v in parts.items() if v is not None) / w
        out[m] = {
            "handled": len(done),
            "successes": wins,
            "met": met,
            "missed": missed,
            "ratings": len(rated),
            "complaints": complaints,
            "parts": parts,
            "score": total,
            "flagged": total < pass_line,
        }
    return out
