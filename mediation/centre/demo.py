"""Demo data for centre operations: profiles for the demo mediators, a declared conflict,
a small talent pool with subsidy rules, and circuit sites with a rota. Idempotent: it
does nothing where profiles already exist."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.cases.model import DisputeType
from mediation.centre import circuit, roster, talent
from mediation.centre.model import (
    Complexity,
    ConflictRelation,
    Employment,
    ExpertKind,
    Grade,
    MediatorProfile,
    Outcome,
    SiteKind,
)
from mediation.people.model import Role, User

PROFILES = [
    (
        Employment.FULL_TIME,
        Grade.SENIOR,
        [DisputeType.INSURANCE, DisputeType.BANKING],
        ["普通话", "西南官话"],
        ["城关镇", "东河乡", "南湖街道"],
    ),
    (
        Employment.FULL_TIME,
        Grade.INTERMEDIATE,
        [DisputeType.LENDING, DisputeType.PAYMENTS],
        ["普通话"],
        ["西山镇", "北岭乡", "石桥镇"],
    ),
    (
        Employment.PART_TIME,
        Grade.JUNIOR,
        [DisputeType.WEALTH_MANAGEMENT, DisputeType.SECURITIES],
        ["普通话", "客家话"],
        ["城关镇"],
    ),
]


def load_centre_demo(session: Session, centre_id: int, today: date) -> int:
    """Returns how many mediator profiles were created (0 if the demo was loaded before)."""
    mediators = list(
        session.scalars(
            select(User)
            .where(User.centre_id == centre_id, User.role == Role.MEDIATOR)
            .order_by(User.id)
        )
    )
    ids = [m.id for m in mediators]
    if not ids or session.scalar(
        select(MediatorProfile.user_id).where(MediatorProfile.user_id.in_(ids)).limit(1)
    ):
        return 0
    for i, m in enumerate(mediators):
        employment, grade, specialties, languages, regions = PROFILES[i % len(PROFILES)]
        roster.save_profile(
            session,
            None,
            m,
            roster.ProfileInput(employment, grade, specialties, languages, regions),
            today - timedelta(days=365),
        )
    roster.declare_conflict(
        session,
        None,
        mediators[-1],
        "某银行股份有限公司",
        ConflictRelation.FORMER_EMPLOYEE,
        today - timedelta(days=30),
        note="2019–2023 年在该行示范县支行任客户经理",
    )
    for name, kind, org, specs in (
        ("周振华", ExpertKind.RETIRED_JUDGE, "示范县人民法院（退休）", [DisputeType.LENDING]),
        ("吴律师", ExpertKind.LAWYER, "示范律师事务所", [DisputeType.INSURANCE]),
        ("郑合规", ExpertKind.COMPLIANCE, "某银行示范县支行合规部", [DisputeType.BANKING]),
    ):
        talent.add_expert(
            session, None, centre_id, talent.ExpertInput(name, kind, org, specs, ["城关镇"])
        )
    for amount, kw in (
        ("300", {}),
        ("500", {"outcome": Outcome.SUCCESS}),
        ("800", {"complexity": Complexity.COMPLEX}),
        ("1000", {"complexity": Complexity.COMPLEX, "outcome": Outcome.SUCCESS}),
    ):
        talent.add_rule(session, None, centre_id, Decimal(amount), **kw)
    sites = [
        circuit.add_site(
            session,
            None,
            centre_id,
            "东河乡便民服务中心",
            SiteKind.TOWNSHIP_SERVICE_POINT,
            "东河乡政府大院一楼",
            "东河乡",
        ),
        circuit.add_site(
            session,
            None,
            centre_id,
            "示范县农商银行西山支行",
            SiteKind.BANK_BRANCH,
            "西山镇新街 18 号",
            "西山镇",
        ),
    ]
    for week in range(3):
        for j, site in enumerate(sites):
            circuit.schedule(
                session,
                None,
                site,
                today + timedelta(days=7 * week + 2 + j),
                time(9, 0),
                time(12, 0),
                mediators[j % len(mediators)],
            )
    return len(mediators)
