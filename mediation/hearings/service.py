"""Scheduling mediation sessions: who may, when (no clash for the mediator, not in the past,
not on an ended case), where (a place, a circuit site, or an unguessable video room), the
events on the case, the notices to the parties, and who may join a remote session when.

Times come in and go out as the centre's wall-clock time (naive datetimes in `tz`) and are
stored as naive UTC. No Flask here: the web layer passes the time zone, the video-room
template and "now".
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from mediation.cases import operations, stages
from mediation.cases.model import Case, EventKind, Party, PartyRole
from mediation.centre.model import CircuitSession, CircuitSite
from mediation.db import utcnow
from mediation.errors import Forbidden, NotFound, UserError
from mediation.hearings.model import Hearing, HearingKind, HearingParticipant, HearingStatus
from mediation.i18n import t
from mediation.people import access
from mediation.people.model import Role, User

JOIN_OPENS_BEFORE = timedelta(minutes=15)
MAX_LENGTH = timedelta(hours=8)
WEEKDAYS_ZH = "一二三四五六日"


# ------------------------------------------------------------------ times in plain words


def to_utc(local: datetime, tz: str) -> datetime:
    return local.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC).replace(tzinfo=None)


def to_local(utc: datetime, tz: str) -> datetime:
    return utc.replace(tzinfo=UTC).astimezone(ZoneInfo(tz)).replace(tzinfo=None)


def _clock(d: datetime, lang: str) -> str:
    """12-hour time as people say it: 上午9:30, 下午3:00, 12:30 pm."""
    key = "hearing.clock_am" if d.hour < 12 else "hearing.clock_pm"
    return t(key, lang, {"h": d.hour % 12 or 12, "m": f"{d.minute:02d}"})


def _day(d: datetime, lang: str) -> str:
    if lang == "en":
        return f"{d.strftime('%A')} {d.day} {d.strftime('%B %Y')}"
    return f"{d.year}年{d.month}月{d.day}日（星期{WEEKDAYS_ZH[d.weekday()]}）"


def when_words(hearing: Hearing, tz: str, lang: str) -> str:
    """E.g. 2026年3月10日（星期二）上午9:30至上午10:30 / Tuesday 10 March 2026, 9:30 am to 10:30 am."""
    start, end = to_local(hearing.starts_at, tz), to_local(hearing.ends_at, tz)
    return t(
        "hearing.time_range",
        lang,
        {"day": _day(start, lang), "start": _clock(start, lang), "end": _clock(end, lang)},
    )


def where_words(hearing: Hearing, lang: str) -> str:
    if hearing.kind == HearingKind.REMOTE:
        return t("hearing.remote_place", lang)
    return hearing.place or ""


def room_url(template: str, hearing: Hearing) -> str | None:
    """The video room's address, from config VIDEO_ROOM_URL (e.g. https://meet.example.org/{room})."""
    if hearing.kind != HearingKind.REMOTE or not hearing.room:
        return None
    return template.format(room=hearing.room)


# ------------------------------------------------------------------ who takes part


def is_participant(user: User, hearing: Hearing) -> bool:
    """The session's mediator, or a user who stands for one of the invited parties."""
    if user.id == hearing.mediator_id:
        return True
    for p in hearing.participants:
        party = p.party
        if party.user_id is not None and party.user_id == user.id:
            return True
        if (
            user.role == Role.INSTITUTION
            and party.role == PartyRole.RESPONDENT
            and user.institution_name
            and party.name == user.institution_name
        ):
            return True
    return False


def join_state(hearing: Hearing, now: datetime) -> str:
    """cancelled | held | early | open | over, for a remote session's join button."""
    if hearing.status != HearingStatus.SCHEDULED:
        return hearing.status.value
    if now < hearing.starts_at - JOIN_OPENS_BEFORE:
        return "early"
    if now >= hearing.ends_at:
        return "over"
    return "open"


def join_url(user: User, hearing: Hearing, template: str, now: datetime) -> str:
    """The room to send a participant to; refused to anyone else and outside the window."""
    if hearing.kind != HearingKind.REMOTE or not is_participant(user, hearing):
        raise Forbidden()
    if join_state(hearing, now) != "open":
        raise UserError("hearing_join_closed", status=409)
    return room_url(template, hearing)


# ------------------------------------------------------------------ reading


def hearings_of(session: Session, case: Case) -> list[Hearing]:
    return list(
        session.scalars(
            select(Hearing)
            .where(Hearing.case_id == case.id)
            .options(
                selectinload(Hearing.participants).selectinload(HearingParticipant.party),
                selectinload(Hearing.mediator),
            )
            .order_by(Hearing.starts_at, Hearing.id)
        )
    )


def get_hearing(session: Session, case: Case, hearing_id: int) -> Hearing:
    hearing = session.get(Hearing, hearing_id)
    if hearing is None or hearing.case_id != case.id:
        raise NotFound()
    return hearing


def visible_to(user: User, hearing: Hearing) -> bool:
    """Staff and auditors see every session of a case they see; a party sees the sessions
    it is invited to."""
    return user.reads_all_cases or is_participant(user, hearing)


# ------------------------------------------------------------------ changing


def _check_times(start: datetime, end: datetime, now: datetime) -> None:
    if end <= start or end - start > MAX_LENGTH:
        raise UserError("hearing_times")
    if start < now:
        raise UserError("hearing_past")


def _check_clash(
    session: Session,
    mediator_id: int,
    start: datetime,
    end: datetime,
    tz: str,
    skip: int | None,
    site_id: int | None = None,
) -> None:
    """The mediator is not in two places at once: no other scheduled session overlaps, and
    no circuit rota day elsewhere (a circuit session at the rota's own site fits in it).
    The mediator's row is locked first, so two schedulers cannot both pass the check."""
    session.execute(select(User.id).where(User.id == mediator_id).with_for_update())
    local_start, local_end = to_local(start, tz), to_local(end, tz)
    rota = session.scalars(
        select(CircuitSession).where(
            CircuitSession.mediator_id == mediator_id,
            CircuitSession.day == local_start.date(),
            CircuitSession.starts_at < local_end.time(),
            CircuitSession.ends_at > local_start.time(),
        )
    ).first()
    if rota is not None and rota.site_id != site_id:
        raise UserError(
            "hearing_clash",
            status=409,
            at=f"{rota.day.isoformat()} {rota.starts_at.strftime('%H:%M')}",
        )
    query = select(Hearing).where(
        Hearing.mediator_id == mediator_id,
        Hearing.status == HearingStatus.SCHEDULED,
        Hearing.starts_at < end,
        Hearing.ends_at > start,
    )
    if skip is not None:
        query = query.where(Hearing.id != skip)
    other = session.scalars(query.limit(1)).first()
    if other is not None:
        local = to_local(other.starts_at, tz)
        raise UserError("hearing_clash", status=409, at=local.strftime("%Y-%m-%d %H:%M"))


def _event_data(hearing: Hearing, tz: str) -> dict:
    return {
        "hearing": hearing.id,
        "hearing_kind": hearing.kind.value,
        "starts_at": to_local(hearing.starts_at, tz).strftime("%Y-%m-%d %H:%M"),
        "ends_at": to_local(hearing.ends_at, tz).strftime("%Y-%m-%d %H:%M"),
    }


def schedule(
    session: Session,
    case: Case,
    actor: User,
    kind: HearingKind,
    starts_local: datetime,
    ends_local: datetime,
    tz: str,
    *,
    place: str | None = None,
    site_id: int | None = None,
    party_ids: Iterable[int] | None = None,
    note: str | None = None,
    now: datetime | None = None,
) -> Hearing:
    """Schedule a session of `case` (locked by the caller: get_case(..., for_update=True)).
    party_ids: the parties invited (default: all). The caller commits."""
    access.require_manage(actor, case)
    now = now or utcnow()
    if case.stage in stages.ENDED_STAGES:
        raise UserError("hearing_case_ended", status=409)
    mediator = actor if actor.role == Role.MEDIATOR else case.mediator
    if mediator is None:
        raise UserError("hearing_no_mediator", status=409)
    start, end = to_utc(starts_local, tz), to_utc(ends_local, tz)
    _check_times(start, end, now)
    site = None
    if kind == HearingKind.ON_SITE:
        place = (place or "").strip()
        if not place:
            raise UserError("hearing_place")
    elif kind == HearingKind.CIRCUIT:
        site = session.get(CircuitSite, site_id) if site_id else None
        if site is None or site.centre_id != case.centre_id or not site.active:
            raise UserError("hearing_site")
        place = f"{site.name}（{site.address}）"
    else:
        place = None
    wanted = set(party_ids) if party_ids is not None else {p.id for p in case.parties}
    parties = [p for p in case.parties if p.id in wanted]
    if not parties:
        raise UserError("hearing_no_parties")
    _check_clash(session, mediator.id, start, end, tz, None, site.id if site else None)
    hearing = Hearing(
        case_id=case.id,
        kind=kind,
        status=HearingStatus.SCHEDULED,
        starts_at=start,
        ends_at=end,
        place=place,
        circuit_site_id=site.id if site else None,
        room=secrets.token_urlsafe(18) if kind == HearingKind.REMOTE else None,
        mediator_id=mediator.id,
        note=(note or "").strip() or None,
        created_by_id=actor.id,
        created_at=now,
        participants=[HearingParticipant(party_id=p.id) for p in parties],
    )
    session.add(hearing)
    session.flush()
    operations.add_event(
        session,
        case,
        EventKind.HEARING_SCHEDULED,
        actor,
        effective_on=starts_local.date(),
        data=_event_data(hearing, tz),
    )
    _notify(session, case, hearing, "notify.hearing.scheduled", tz)
    return hearing


def reschedule(
    session: Session,
    case: Case,
    hearing: Hearing,
    actor: User,
    starts_local: datetime,
    ends_local: datetime,
    tz: str,
    reason: str | None,
    *,
    place: str | None = None,
    now: datetime | None = None,
) -> Hearing:
    access.require_manage(actor, case)
    now = now or utcnow()
    if hearing.status != HearingStatus.SCHEDULED:
        raise UserError("hearing_not_scheduled", status=409)
    reason = (reason or "").strip()
    if not reason:
        raise UserError("reason_required")
    start, end = to_utc(starts_local, tz), to_utc(ends_local, tz)
    _check_times(start, end, now)
    _check_clash(session, hearing.mediator_id, start, end, tz, hearing.id, hearing.circuit_site_id)
    hearing.starts_at, hearing.ends_at = start, end
    if hearing.kind == HearingKind.ON_SITE and (place or "").strip():
        hearing.place = place.strip()
    session.flush()
    operations.add_event(
        session,
        case,
        EventKind.HEARING_RESCHEDULED,
        actor,
        reason=reason,
        effective_on=starts_local.date(),
        data=_event_data(hearing, tz),
    )
    _notify(session, case, hearing, "notify.hearing.rescheduled", tz)
    return hearing


def cancel(
    session: Session, case: Case, hearing: Hearing, actor: User, reason: str | None, tz: str
) -> Hearing:
    access.require_manage(actor, case)
    if hearing.status != HearingStatus.SCHEDULED:
        raise UserError("hearing_not_scheduled", status=409)
    reason = (reason or "").strip()
    if not reason:
        raise UserError("reason_required")
    hearing.status = HearingStatus.CANCELLED
    hearing.cancel_reason = reason
    session.flush()
    operations.add_event(
        session,
        case,
        EventKind.HEARING_CANCELLED,
        actor,
        reason=reason,
        effective_on=to_local(utcnow(), tz).date(),
        data=_event_data(hearing, tz),
    )
    _notify(session, case, hearing, "notify.hearing.cancelled", tz)
    return hearing


def record_outcome(
    session: Session,
    case: Case,
    hearing: Hearing,
    actor: User,
    minutes: str | None,
    tz: str,
    *,
    now: datetime | None = None,
) -> Hearing:
    """The mediator's minutes; the session counts as held. Minutes may be corrected later
    (each save is an event on the case, the text itself only hashed on the ledger)."""
    access.require_manage(actor, case)
    now = now or utcnow()
    minutes = (minutes or "").strip()
    if not minutes:
        raise UserError("missing_field", field="minutes")
    if hearing.status == HearingStatus.CANCELLED:
        raise UserError("hearing_not_scheduled", status=409)
    if now < hearing.starts_at:
        raise UserError("hearing_not_started", status=409)
    hearing.status = HearingStatus.HELD
    hearing.minutes = minutes
    session.flush()
    operations.add_event(
        session,
        case,
        EventKind.HEARING_HELD,
        actor,
        effective_on=to_local(hearing.starts_at, tz).date(),
        data={**_event_data(hearing, tz), "minutes": minutes},
    )
    return hearing


# ------------------------------------------------------------------ notices


def _recipients(session: Session, hearing: Hearing) -> list[tuple[int | None, str | None]]:
    """(user id, phone) of everyone who stands for an invited party."""
    out: list[tuple[int | None, str | None]] = []
    seen: set[int] = set()
    for p in hearing.participants:
        party: Party = p.party
        phone = party.phone or party.agent_phone
        if party.user_id is not None or phone:
            out.append((party.user_id, phone))
            if party.user_id is not None:
                seen.add(party.user_id)
        if party.role == PartyRole.RESPONDENT:
            staff = session.scalars(
                select(User).where(
                    User.role == Role.INSTITUTION,
                    User.institution_name == party.name,
                    User.active,
                )
            )
            out.extend((u.id, None) for u in staff if u.id not in seen)
    return out


def _notify(session: Session, case: Case, hearing: Hearing, key: str, tz: str) -> int:
    """Text each invited party (SMS through the notify domain's sender); the number sent."""
    try:
        from mediation import notify
    except ModuleNotFoundError:  # pragma: no cover - the notify domain is part of the product
        return 0
    sent = 0
    for user_id, phone in _recipients(session, hearing):
        lang = "zh"
        notify.send(
            session,
            notify.Notice(
                channel="sms",
                key=key,
                params={
                    "centre": case.centre.name,
                    "number": case.number,
                    "when": when_words(hearing, tz, lang),
                    "where": where_words(hearing, lang),
                },
                lang=lang,
                user_id=user_id,
                phone=phone,
                case_id=case.id,
            ),
        )
        sent += 1
    return sent
