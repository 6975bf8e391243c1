"""Performance of the agreement in the JSON API and on the case pages: the schedule with
each instalment's status, payments (with an optional proof file stored as evidence),
missed-payment alerts and the enforcement-application packet.

Who: centre staff manage; the paying institution records its own payments; the claimant
and the institution see; auditors read; everyone else (courts, other parties) is refused.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, jsonify, redirect, request, send_file, url_for

from mediation.cases.model import Case
from mediation.cases.service import get_case
from mediation.errors import Forbidden, NotFound, UserError
from mediation.people import access
from mediation.people.model import Role, User
from mediation.performance import service
from mediation.performance.model import PaymentMethod, PerformanceAlert
from mediation.web import inputs
from mediation.web.api import bp as api_bp
from mediation.web.setup import current_user, db, today

bp = Blueprint("performance", __name__)

# (method, path, summary) of the API routes, for mediation/web/openapi.py
ROUTES = (
    ("get", "/api/cases/{number}/performance", "Payment schedule, payments and alerts"),
    (
        "post",
        "/api/cases/{number}/performance/schedule",
        "Set the payment schedule: from the agreement in effect, or given items (staff)",
    ),
    (
        "post",
        "/api/cases/{number}/performance/payments",
        "Record a payment (staff, or the paying institution); JSON, or multipart with a proof file",
    ),
    (
        "get",
        "/api/cases/{number}/performance/alerts/{alert_id}/packet",
        "Download the enforcement-application packet of a missed-payment alert "
        "(staff, the claimant)",
    ),
)


def openapi_paths() -> dict:
    err = {"$ref": "#/components/responses/Error"}
    number = {"name": "number", "in": "path", "required": True, "schema": {"type": "string"}}
    alert = {"name": "alert_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    item = {
        "type": "object",
        "required": ["due_on", "amount"],
        "properties": {
            "due_on": {"type": "string", "format": "date"},
            "amount": {"type": "string", "example": "1000.00"},
            "payer": {"type": "string", "enum": ["respondent", "claimant"]},
            "description": {"type": "string"},
        },
    }
    payment = {
        "type": "object",
        "required": ["instalment", "amount", "paid_on"],
        "properties": {
            "instalment": {"type": "integer", "minimum": 1},
            "amount": {"type": "string", "example": "500.00"},
            "paid_on": {"type": "string", "format": "date"},
            "method": {"type": "string", "enum": [m.value for m in PaymentMethod]},
            "reference": {"type": "string"},
            "note": {"type": "string"},
        },
    }
    bodies = {
        "/api/cases/{number}/performance/schedule": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "from_agreement": {"type": "boolean"},
                            "items": {"type": "array", "items": item},
                        },
                    }
                }
            },
        },
        "/api/cases/{number}/performance/payments": {
            "required": True,
            "content": {
                "application/json": {"schema": payment},
                "multipart/form-data": {
                    "schema": {
                        **payment,
                        "properties": {
                            **payment["properties"],
                            "proof": {"type": "string", "format": "binary"},
                        },
                    }
                },
            },
        },
    }
    paths: dict = {}
    for method, path, summary in ROUTES:
        op = {
            "summary": summary,
            "tags": ["performance"],
            "parameters": [number] + ([alert] if "{alert_id}" in path else []),
            "responses": {
                "200": {"description": "OK"},
                "400": err,
                "401": err,
                "403": err,
                "404": err,
                "409": err,
            },
        }
        if method == "post":
            op["responses"]["201"] = {"description": "Created"}
            op["requestBody"] = bodies[path]
        paths.setdefault(path, {})[method] = op
    return paths


# Access ------------------------------------------------------------------------------------


def may_view(user: User, case: Case) -> bool:
    if not access.can_see(user, case):
        return False
    return user.reads_all_cases or user.role in (Role.CLAIMANT, Role.INSTITUTION)


def require_view(user: User, case: Case) -> None:
    if not may_view(user, case):
        raise Forbidden()


def may_download_packet(user: User, case: Case) -> bool:
    return access.can_see(user, case) and (user.is_staff or user.role == Role.CLAIMANT)


def _store():
    from mediation.web.evidence import blob_store

    return blob_store()


def _reminder_days() -> int:
    return int(current_app.config.get("PAYMENT_REMINDER_DAYS", service.DEFAULT_REMINDER_DAYS))


def _load(number: str, user: User, for_update: bool = False) -> Case:
    case = get_case(db(), user.centre_id, number, for_update=for_update)
    require_view(user, case)
    return case


def _payment_args(source, user: User, case: Case) -> dict:
    return {
        "seq": inputs.parse_int(source.get("instalment"), "instalment", low=1, high=10000),
        "amount": inputs.parse_text(str(source.get("amount") or ""), "amount", max_len=32),
        "paid_on": inputs.parse_date(source.get("paid_on"), "paid_on", required=False) or today(),
        "method": inputs.parse_enum(
            PaymentMethod, source.get("method") or "bank_transfer", "method"
        ),
        "reference": inputs.parse_text(
            source.get("reference"), "reference", required=False, max_len=100
        ),
        "note": inputs.parse_text(source.get("note"), "note", required=False, max_len=2000),
    }


def _record(case: Case, user: User, source, files) -> None:
    args = _payment_args(source, user, case)
    upload = files.get("proof") if files else None
    proof = (upload.stream, upload.filename) if upload is not None and upload.filename else None
    service.record_payment(
        db(), case, user, today=today(), proof=proof, store=_store() if proof else None, **args
    )


def _packet_response(case: Case, user: User, alert_id: int):
    if not may_download_packet(user, case):
        raise Forbidden()
    alert = db().get(PerformanceAlert, alert_id)
    if alert is None or alert.case_id != case.id:
        raise NotFound()
    if alert.packet_id is None:
        raise UserError("performance.no_packet", status=409)
    from mediation.packets.service import get_packet, packet_zip

    stream, _, row = packet_zip(db(), get_packet(db(), alert.packet_id))
    response = send_file(
        stream,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"enforcement-{case.number}-{alert.id}.zip",
        max_age=0,
    )
    response.headers["X-Content-SHA256"] = row.sha256
    return response


# API ---------------------------------------------------------------------------------------


@api_bp.get("/cases/<number>/performance")
def api_performance(number: str):
    case = _load(number, g.user)
    return jsonify(service.overview(db(), case, today()))


@api_bp.post("/cases/<number>/performance/schedule")
def api_set_schedule(number: str):
    # Who may act on the case is checked before the body is read.
    case = _load(number, g.user, for_update=True)
    access.require_manage(g.user, case)
    body = inputs.json_body()
    if body.get("from_agreement"):
        service.schedule_from_agreement(db(), case, g.user)
    else:
        items = body.get("items")
        if not isinstance(items, list):
            raise UserError("missing_field", field="items")
        service.set_schedule(db(), case, g.user, service.schedule_from(items))
    db().commit()
    return jsonify(service.overview(db(), case, today())), 201


@api_bp.post("/cases/<number>/performance/payments")
def api_record_payment(number: str):
    case = _load(number, g.user, for_update=True)
    if not service.may_record(g.user, case):
        raise Forbidden()
    if request.mimetype == "multipart/form-data":
        _record(case, g.user, request.form, request.files)
    else:
        _record(case, g.user, inputs.json_body(), None)
    db().commit()
    return jsonify(service.overview(db(), case, today())), 201


@api_bp.get("/cases/<number>/performance/alerts/<int:alert_id>/packet")
def api_packet(number: str, alert_id: int):
    case = _load(number, g.user)
    return _packet_response(case, g.user, alert_id)


# Pages -------------------------------------------------------------------------------------


def _page_user() -> User:
    from mediation.web.pages import require_user

    return require_user()


def _back(number: str):
    return redirect(url_for("pages.case_page", number=number) + "#performance")


@bp.post("/cases/<number>/performance/schedule")
def page_set_schedule(number: str):
    user = _page_user()
    case = _load(number, user, for_update=True)
    access.require_manage(user, case)
    try:
        service.schedule_from_agreement(db(), case, user)
        db().commit()
    except UserError as exc:
        db().rollback()
        flash(exc.message(g.lang), "error")
    return _back(number)


@bp.post("/cases/<number>/performance/payments")
def page_record_payment(number: str):
    user = _page_user()
    case = _load(number, user, for_update=True)
    if not service.may_record(user, case):
        raise Forbidden()
    try:
        _record(case, user, request.form, request.files)
        db().commit()
    except UserError as exc:
        db().rollback()
        flash(exc.message(g.lang), "error")
    return _back(number)


@bp.get("/cases/<number>/performance/alerts/<int:alert_id>/packet")
def page_packet(number: str, alert_id: int):
    user = _page_user()
    case = _load(number, user)
    return _packet_response(case, user, alert_id)


def performance_panel(number: str) -> dict | None:
    """What templates/performance/_panel.html shows (None: not for this user)."""
    user = current_user()
    if user is None:
        return None
    case = get_case(db(), user.centre_id, number)
    if not may_view(user, case):
        return None
    data = service.overview(db(), case, today())
    data.update(
        {
            "number": case.number,
            "stage": case.stage.value,
            "can_manage": user.is_staff,
            "can_record": service.may_record(user, case),
            "can_download": may_download_packet(user, case),
            "active": case.stage in service.ACTIVE_STAGES,
            "methods": [m.value for m in PaymentMethod],
            "today": today().isoformat(),
        }
    )
    return data


def queue_alerts() -> list[dict]:
    """Open missed-payment alerts for the mediator queue."""
    user = current_user()
    if user is None or not user.reads_all_cases:
        return []
    return [
        {
            "number": a.case.number,
            "raised_on": a.raised_on.isoformat(),
            "seqs": "、".join(str(m["seq"]) for m in a.missed),
            "outstanding": f"{sum(float(m['outstanding']) for m in a.missed):.2f}",
        }
        for a in service.open_alerts(db(), user.centre_id)
    ]


@bp.app_context_processor
def _helpers() -> dict:
    return {"performance_panel": performance_panel, "performance_queue_alerts": queue_alerts}
