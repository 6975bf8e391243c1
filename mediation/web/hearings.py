"""Mediation sessions on the case pages (schedule, reschedule, cancel, minutes, join a
remote session), the in-browser recorder's settings, the claimant's rating page, and
GET /api/cases/<number>/hearings.

Every route names a case: whether this user may see the case is checked first, before the
session or the form is looked at."""

from __future__ import annotations

from datetime import datetime, time

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from mediation.cases.model import Case, Stage
from mediation.cases.service import get_case
from mediation.centre import circuit, ratings
from mediation.centre.model import CaseRating
from mediation.db import utcnow
from mediation.errors import Forbidden, UserError
from mediation.hearings import service
from mediation.hearings.model import Hearing, HearingKind
from mediation.i18n import t
from mediation.people import access
from mediation.people.model import Role, User
from mediation.transcripts.model import Variety
from mediation.web import inputs
from mediation.web.pages import require_user
from mediation.web.setup import current_user, db

bp = Blueprint("hearings", __name__)

DEFAULT_ROOM_URL = "https://meet.example.org/{room}"


def _tz() -> str:
    return current_app.config["TIMEZONE"]


def _room_template() -> str:
    template = current_app.config.get("VIDEO_ROOM_URL") or DEFAULT_ROOM_URL
    return template if "{room}" in template else template.rstrip("/") + "/{room}"


def _case(user: User, number: str, *, for_update: bool = False) -> Case:
    case = get_case(db(), user.centre_id, number, for_update=for_update)
    access.require_see(user, case)
    return case


def _back(number: str, anchor: str = "hearings"):
    return redirect(url_for("pages.case_page", number=number) + "#" + anchor)


# ----------------------------------------------------------------- presenting


def may_record(user: User) -> bool:
    """Who may post a recording for transcription (as the recordings API allows)."""
    return user.is_staff or user.role in (Role.CLAIMANT, Role.INSTITUTION)


def hearing_json(h: Hearing, user: User, number: str, lang: str, now: datetime) -> dict:
    participant = service.is_participant(user, h)
    state = service.join_state(h, now) if h.kind == HearingKind.REMOTE else None
    base = f"/cases/{number}/hearings/{h.id}"
    return {
        "id": h.id,
        "kind": h.kind.value,
        "kind_label": t(f"hearing.kind.{h.kind.value}", lang),
        "status": h.status.value,
        "status_label": t(f"hearing.status.{h.status.value}", lang),
        "starts_at": service.to_local(h.starts_at, _tz()).isoformat(timespec="minutes"),
        "ends_at": service.to_local(h.ends_at, _tz()).isoformat(timespec="minutes"),
        "when": service.when_words(h, _tz(), lang),
        "where": service.where_words(h, lang),
        "mediator": h.mediator.display_name,
        "participants": [
            {"role": p.party.role.value, "name": p.party.name if user.is_staff else None}
            for p in h.participants
        ],
        "note": h.note,
        "cancel_reason": h.cancel_reason,
        "minutes": h.minutes if user.reads_all_cases else None,
        "participant": participant,
        "join_state": state,
        "join_opens_at": service.to_local(h.starts_at - service.JOIN_OPENS_BEFORE, _tz()).strftime(
            "%H:%M"
        ),
        # The room's address only to participants, and only while the room is open.
        "join": base + "/join" if (participant and state == "open") else None,
        "page": base,
    }


def _visible_hearings(case: Case, user: User, lang: str) -> list[dict]:
    now = utcnow()
    return [
        hearing_json(h, user, case.number, lang, now)
        for h in service.hearings_of(db(), case)
        if service.visible_to(user, h)
    ]


def _rating_view(case: Case, user: User) -> dict | None:
    if not ratings.is_claimant_of(user, case):
        return None
    rating: CaseRating | None = ratings.rating_for(db(), case)
    return {
        "closed": case.stage == Stage.CLOSED,
        "rated": rating is not None,
        "url": url_for("hearings.rating_page", number=case.number),
    }


@bp.app_context_processor
def _helpers() -> dict:
    return {"hearings_for_page": hearings_for_page}


def hearings_for_page(number: str) -> dict:
    """What templates/_hearings.html shows on a case page (the case was already checked)."""
    user = current_user()
    case = _case(user, number)
    lang = g.get("lang", "zh")
    may_schedule = user.is_staff and case.stage not in (
        Stage.REJECTED,
        Stage.FAILED,
        Stage.WITHDRAWN,
        Stage.CLOSED,
    )
    return {
        "hearings": _visible_hearings(case, user, lang),
        "may_schedule": may_schedule,
        "kinds": [k.value for k in HearingKind],
        "sites": [s for s in circuit.sites(db(), case.centre_id) if s.active]
        if may_schedule
        else [],
        "parties": [
            {"id": p.id, "label": t(f"case.{p.role.value}", lang) + "：" + p.name}
            for p in case.parties
        ]
        if may_schedule
        else [],
        "recorder": recorder_context(case, user),
        "rating": _rating_view(case, user),
    }


def recorder_context(case: Case, user: User) -> dict | None:
    if not may_record(user) or case.stage == Stage.CLOSED:
        return None
    return {
        "upload": f"/api/cases/{case.number}/recordings",
        "varieties": [v.value for v in Variety],
    }


# ----------------------------------------------------------------- form input


def _local(day: str | None, clock: str | None, field: str) -> datetime:
    d = inputs.parse_date(day, "day")
    try:
        hh, mm = (clock or "").split(":")[:2]
        return datetime.combine(d, time(int(hh), int(mm)))
    except ValueError:
        raise UserError("invalid_field", field=field, detail="HH:MM") from None


def _times(form) -> tuple[datetime, datetime]:
    return _local(form.get("day"), form.get("starts"), "starts"), _local(
        form.get("day"), form.get("ends"), "ends"
    )


# ----------------------------------------------------------------- pages


@bp.post("/cases/<number>/hearings")
def schedule(number: str):
    user = require_user()
    case = _case(user, number, for_update=True)
    access.require_manage(user, case)
    form = request.form
    session_ = db()
    try:
        starts, ends = _times(form)
        kind = inputs.parse_enum(HearingKind, form.get("kind"), "kind")
        # The form sends "parties" with its checkboxes; without it every party is invited.
        party_ids = [int(x) for x in form.getlist("party") if x.isdigit()]
        if not party_ids and not form.get("parties"):
            party_ids = None
        service.schedule(
            session_,
            case,
            user,
            kind,
            starts,
            ends,
            _tz(),
            place=inputs.parse_text(form.get("place"), "place", required=False, max_len=300),
            site_id=inputs.parse_int(form.get("site"), "site", required=False),
            party_ids=party_ids,
            note=inputs.parse_text(form.get("note"), "note", required=False, max_len=2000),
        )
        session_.commit()
        flash(t("hearing.scheduled_flash", g.lang), "info")
    except UserError as exc:
        session_.rollback()
        flash(exc.message(g.lang), "error")
    return _back(number)


def _hearing(user: User, number: str, hearing_id: int, *, for_update: bool = False):
    case = _case(user, number, for_update=for_update)
    hearing = service.get_hearing(db(), case, hearing_id)
    if not service.visible_to(user, hearing):
        raise Forbidden()
    return case, hearing


@bp.get("/cases/<number>/hearings/<int:hearing_id>")
def hearing_page(number: str, hearing_id: int):
    user = require_user()
    case, hearing = _hearing(user, number, hearing_id)
    lang = g.lang
    return render_template(
        "hearings/hearing.html",
        case=case,
        h=hearing_json(hearing, user, case.number, lang, utcnow()),
        may_manage=user.is_staff,
        today=service.to_local(utcnow(), _tz()).date().isoformat(),
        recorder=recorder_context(case, user),
    )


@bp.get("/cases/<number>/hearings/<int:hearing_id>/join")
def join(number: str, hearing_id: int):
    user = require_user()
    _case_, hearing = _hearing(user, number, hearing_id)
    url = service.join_url(user, hearing, _room_template(), utcnow())
    return redirect(url)


def _change(number: str, hearing_id: int, action) -> object:
    user = require_user()
    case, hearing = _hearing(user, number, hearing_id, for_update=True)
    access.require_manage(user, case)
    session_ = db()
    try:
        action(session_, case, hearing, user)
        session_.commit()
        flash(t("hearing.saved_flash", g.lang), "info")
    except UserError as exc:
        session_.rollback()
        flash(exc.message(g.lang), "error")
    return redirect(url_for("hearings.hearing_page", number=number, hearing_id=hearing_id))


@bp.post("/cases/<number>/hearings/<int:hearing_id>/reschedule")
def reschedule(number: str, hearing_id: int):
    def act(session_, case, hearing, user):
        starts, ends = _times(request.form)
        service.reschedule(
            session_,
            case,
            hearing,
            user,
            starts,
            ends,
            _tz(),
            request.form.get("reason"),
            place=request.form.get("place"),
        )

    return _change(number, hearing_id, act)


@bp.post("/cases/<number>/hearings/<int:hearing_id>/cancel")
def cancel(number: str, hearing_id: int):
    def act(session_, case, hearing, user):
        service.cancel(session_, case, hearing, user, request.form.get("reason"), _tz())

    return _change(number, hearing_id, act)


@bp.post("/cases/<number>/hearings/<int:hearing_id>/minutes")
def minutes(number: str, hearing_id: int):
    def act(session_, case, hearing, user):
        text = inputs.parse_text(request.form.get("minutes"), "minutes", max_len=20000)
        service.record_outcome(session_, case, hearing, user, text, _tz())

    return _change(number, hearing_id, act)


# ----------------------------------------------------------------- rating page


@bp.route("/cases/<number>/rating", methods=["GET", "POST"])
def rating_page(number: str):
    """The claimant rates the service once, after the case is closed; staff read it."""
    user = require_user()
    case = _case(user, number)
    claimant = ratings.is_claimant_of(user, case)
    if not (claimant or user.reads_all_cases):
        raise Forbidden()
    error, status = None, 200
    if request.method == "POST":
        if not claimant:
            raise Forbidden()
        session_ = db()
        try:
            ratings.rate_case(
                session_,
                user,
                case,
                inputs.parse_int(request.form.get("score"), "score", low=1, high=5),
                inputs.parse_text(request.form.get("comment"), "comment", required=False),
                request.form.get("complaint") == "1",
            )
            session_.commit()
            return redirect(url_for("hearings.rating_page", number=number, thanks=1))
        except UserError as exc:
            session_.rollback()
            error, status = exc.message(g.lang), exc.status
    rating = ratings.rating_for(db(), case)
    return render_template(
        "hearings/rating.html",
        case=case,
        rating=rating,
        claimant=claimant,
        closed=case.stage == Stage.CLOSED,
        error=error,
    ), status


# ----------------------------------------------------------------- JSON API


@bp.get("/api/cases/<number>/hearings")
def api_hearings(number: str):
    user = current_user()
    if user is None:
        raise UserError("unauthorized", status=401)
    case = _case(user, number)
    return jsonify({"case": case.number, "hearings": _visible_hearings(case, user, g.lang)})


def openapi_paths() -> dict:
    error = {"$ref": "#/components/responses/Error"}
    return {
        "/api/cases/{number}/hearings": {
            "get": {
                "summary": "The case's mediation sessions this user may see (a party: the ones "
                "it is invited to); times in the centre's time zone and in plain words",
                "parameters": [
                    {"name": "number", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {"description": "{case, hearings: [...]}"},
                    "401": error,
                    "403": error,
                    "404": error,
                },
            }
        }
    }
