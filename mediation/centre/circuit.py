"""Circuit mediation (巡回调解): fixed sites, a rota of dates and mediators, cases scheduled
into sessions, and the notice that tells the claimant where and when."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, selectinload

from mediation.cases import stages
from mediation.cases.model import Case, Party, PartyRole
from mediation.centre.errors import CentreError, require_admin
from mediation.centre.messages import t
from mediation.centre.model import CircuitBooking, CircuitSession, CircuitSite, SiteKind
from mediation.errors import NotFound
from mediation.people.model import Role, User

SLOT_MINUTES = 30


def add_site(
    session: Session,
    actor: User | None,
    centre_id: int,
    name: str,
    kind: SiteKind,
    address: str,
    region: str | None = None,
) -> CircuitSite:
    require_admin(actor)
    site = CircuitSite(
        centre_id=centre_id, name=name, kind=kind, address=address, region=region, active=True
    )
    session.add(site)
    session.flush()
    return site


def sites(session: Session, centre_id: int) -> list[CircuitSite]:
    return list(
        session.scalars(
            select(CircuitSite)
            .where(CircuitSite.centre_id == centre_id)
            .order_by(CircuitSite.region, CircuitSite.name)
        )
    )


def get_site(session: Session, centre_id: int, site_id: int) -> CircuitSite:
    site = session.get(CircuitSite, site_id)
    if site is None or site.centre_id != centre_id:
        raise NotFound()
    return site


def get_session(
    session: Session, centre_id: int, session_id: int, *, for_update: bool = False
) -> CircuitSession:
    """for_update locks the session's row, so two bookings cannot both take the last place."""
    s = session.get(CircuitSession, session_id, with_for_update=for_update)
    if s is None or s.site.centre_id != centre_id:
        raise NotFound()
    return s


def schedule(
    session: Session,
    actor: User | None,
    site: CircuitSite,
    day: date,
    starts_at: time,
    ends_at: time,
    mediator: User,
    capacity: int = 6,
) -> CircuitSession:
    """Put a date on the rota."""
    require_admin(actor)
    if not site.active:
        raise CentreError("site_inactive", status=409)
    if mediator.role != Role.MEDIATOR or mediator.centre_id != site.centre_id:
        raise CentreError("not_a_mediator", status=409, user=mediator.username)
    if ends_at <= starts_at:
        raise CentreError("invalid_field", field="ends_at", detail="> starts_at")
    if capacity < 1:
        raise CentreError("invalid_field", field="capacity", detail="≥ 1")
    clash = session.scalar(
        select(CircuitSession).where(
            CircuitSession.mediator_id == mediator.id,
            CircuitSession.day == day,
            CircuitSession.starts_at < ends_at,
            CircuitSession.ends_at > starts_at,
        )
    )
    if clash is not None:
        raise CentreError("rota_clash", status=409, day=day.isoformat())
    s = CircuitSession(
        site_id=site.id,
        day=day,
        starts_at=starts_at,
        ends_at=ends_at,
        mediator_id=mediator.id,
        capacity=capacity,
    )
    session.add(s)
    session.flush()
    return s


def rota(session: Session, centre_id: int, date_from: date, date_to: date) -> list[CircuitSession]:
    return list(
        session.scalars(
            select(CircuitSession)
            .join(CircuitSite, CircuitSite.id == CircuitSession.site_id)
            .where(
                CircuitSite.centre_id == centre_id,
                CircuitSession.day >= date_from,
                CircuitSession.day <= date_to,
            )
            .options(
                selectinload(CircuitSession.site),
                selectinload(CircuitSession.mediator),
                selectinload(CircuitSession.bookings).selectinload(CircuitBooking.case),
            )
            .order_by(CircuitSession.day, CircuitSession.starts_at, CircuitSession.id)
        )
    )


def _add_minutes(t0: time, minutes: int) -> time:
    return (datetime.combine(date(2000, 1, 1), t0) + timedelta(minutes=minutes)).time()


def notice(s: CircuitSession, case: Case, slot: time, lang: str) -> str:
    return t(
        "circuit.notice",
        lang,
        {
            "number": case.number,
            "day": s.day.isoformat(),
            "time": slot.strftime("%H:%M"),
            "site": s.site.name,
            "address": s.site.address,
            "mediator": s.mediator.display_name,
        },
    )


def book(
    session: Session,
    actor: User | None,
    s: CircuitSession,
    case: Case,
    today: date,
    slot: time | None = None,
) -> CircuitBooking:
    """Schedule a case into a session; the claimant's notice is written at once."""
    require_admin(actor)
    if case.centre_id != s.site.centre_id:
        raise NotFound()
    if case.stage in stages.ENDED_STAGES:
        raise CentreError("case_ended", status=409)
    if s.day < today:
        raise CentreError("session_past", status=409, day=s.day.isoformat())
    if any(b.case_id == case.id for b in s.bookings):
        raise CentreError("already_booked", status=409)
    if len(s.bookings) >= s.capacity:
        raise CentreError("session_full", status=409, capacity=s.capacity)
    if slot is None:
        taken = {b.slot for b in s.bookings}
        slot = s.starts_at
        while slot in taken:
            slot = _add_minutes(slot, SLOT_MINUTES)
    if not s.starts_at <= slot < s.ends_at:
        raise CentreError(
            "invalid_field",
            field="slot",
            detail=f"{s.starts_at.strftime('%H:%M')}–{s.ends_at.strftime('%H:%M')}",
        )
    booking = CircuitBooking(
        session_id=s.id,
        case_id=case.id,
        slot=slot,
        notice_zh=notice(s, case, slot, "zh"),
        notice_en=notice(s, case, slot, "en"),
        actor_id=actor.id if actor else None,
    )
    s.bookings.append(booking)
    session.flush()
    return booking


def appointments_for_claimant(session: Session, user: User, today: date) -> list[CircuitBooking]:
    """The claimant's upcoming circuit appointments, on their own cases only."""
    own = exists().where(
        Party.case_id == CircuitBooking.case_id,
        Party.role == PartyRole.CLAIMANT,
        Party.user_id == user.id,
    )
    return list(
        session.scalars(
            select(CircuitBooking)
            .join(CircuitSession, CircuitSession.id == CircuitBooking.session_id)
            .join(Case, Case.id == CircuitBooking.case_id)
            .where(own, Case.centre_id == user.centre_id, CircuitSession.day >= today)
            .options(
                selectinload(CircuitBooking.session).selectinload(CircuitSession.site),
                selectinload(CircuitBooking.case),
            )
            .order_by(CircuitSession.day, CircuitBooking.slot)
        )
    )
