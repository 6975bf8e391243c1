"""Upcoming mediation sessions for the demo data: every demo case in mediation gets one,
through the same operation as the case page (events, ledger entries and notices included)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from mediation.cases.model import Case
from mediation.errors import UserError
from mediation.hearings import service
from mediation.hearings.model import Hearing, HearingKind
from mediation.people.model import User

PLACES = ("中心第一调解室", "中心第二调解室")


def schedule_demo_hearing(
    session: Session, case: Case, mediator: User, today: date, i: int, tz: str
) -> Hearing:
    """Remote for every other case, else on site; on a weekday morning or afternoon a few
    days after `today`, at a time this mediator is free."""
    day = today + timedelta(days=2 + i % 5)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    kind = HearingKind.REMOTE if i % 2 == 0 else HearingKind.ON_SITE
    now = service.to_utc(datetime.combine(today, time(0, 0)), tz)
    for slot in range(16):  # half-hour steps from 09:00
        start = datetime.combine(day, time(9, 0)) + timedelta(minutes=30 * slot)
        try:
            return service.schedule(
                session,
                case,
                mediator,
                kind,
                start,
                start + timedelta(minutes=60),
                tz,
                place=None if kind == HearingKind.REMOTE else PLACES[i % 2],
                note="请携带身份证件和相关合同、凭证原件。",
                now=now,
            )
        except UserError as exc:
            if exc.code != "hearing_clash":
                raise
    raise RuntimeError(f"no free slot for the demo session of {case.number}")
