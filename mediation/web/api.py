"""JSON API under /api. Errors: {"error": {"code": <stable code>, "message": <user's language>}}."""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request
from flask_wtf.csrf import validate_csrf
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from wtforms.validators import ValidationError

from mediation.cases import operations
from mediation.cases.model import Case, Channel, DisputeType, PartyKind, PartyRole, Stage, Urgency
from mediation.cases.service import deadline_context, get_case, rulebook
from mediation.deadlines import service as clocks
from mediation.deadlines.counting import CountingError, compute_due, explain
from mediation.deadlines.model import PauseReason
from mediation.deadlines.rules import UnknownRule
from mediation.errors import Forbidden, UserError
from mediation.people import access
from mediation.people.model import Role, User
from mediation.web import inputs, present
from mediation.web.openapi import spec
from mediation.web.setup import current_user, db, today

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.before_request
def _authenticate():
    if request.endpoint in ("api.openapi", "api.deadline"):
        return None
    user = current_user()
    if user is None:
        raise UserError("unauthorized", status=401)
    if request.method not in ("GET", "HEAD", "OPTIONS") and g.get("auth_via") == "session":
        # A browser session must prove the request came from our own page.
        try:
            validate_csrf(request.headers.get("X-CSRFToken"))
        except ValidationError:
            raise UserError("csrf") from None
    return None


def _user() -> User:
    return g.user


def _extra_dirs() -> list[str]:
    return current_app.config["EXTRA_RULE_DIRS"]


def _ctx():
    return deadline_context(db(), _user().centre, today(), _extra_dirs())


def _rule(rule_id: str):
    try:
        return rulebook(tuple(_extra_dirs())).get(rule_id)
    except UnknownRule:
        raise UserError("unknown_rule", status=404, rule=rule_id) from None


def _case_response(case: Case, status: int = 200):
    session = db()
    session.refresh(case)
    ctx = _ctx()
    body = present.case_json(case, _user(), clocks.case_clocks(session, case), ctx, g.lang)
    return jsonify(body), status


@bp.get("/openapi.json")
def openapi():
    return jsonify(spec())


@bp.get("/deadline")
def deadline():
    """Compute a due date without a case: ?rule=CPL-205&start=2025-04-05[&extension_days=N]
    [&pause=2025-06-06/2025-06-15 ...]."""
    rule = _rule(request.args.get("rule", ""))
    start = inputs.parse_date(request.args.get("start"), "start")
    extension_days = (
        inputs.parse_int(
            request.args.get("extension_days"), "extension_days", required=False, low=0, high=3650
        )
        or 0
    )
    pauses = []
    for raw in request.args.getlist("pause"):
        a, _, b = raw.partition("/")
        pauses.append((inputs.parse_date(a, "pause"), inputs.parse_date(b, "pause")))
    from mediation.deadlines.service import load_calendar

    try:
        result = compute_due(
            rule, start, load_calendar(db()), pauses=pauses, extension_days=extension_days
        )
    except CountingError as exc:
        raise UserError("counting", detail=str(exc)) from None
    return jsonify(
        {
            "rule": rule.id,
            "start": start.isoformat(),
            "due": result.due.isoformat() if result.due else None,
            "status": "ok" if result.verified else "calendar_unverified",
            "provisional_due": result.provisional_due.isoformat()
            if result.provisional_due
            else None,
            "counting": explain(result, g.lang),
            "rule_detail": present.rule_json(rulebook(tuple(_extra_dirs())), rule.id, g.lang),
        }
    )


@bp.get("/rules")
def rules():
    book = rulebook(tuple(_extra_dirs()))
    return jsonify({"rules": [present.rule_json(book, r.id, g.lang) for r in book.all()]})


def _parse_party(raw: object, index: int) -> operations.PartyInput:
    if not isinstance(raw, dict):
        raise UserError("invalid_field", field=f"parties[{index}]", detail="object")
    f = f"parties[{index}]."
    return operations.PartyInput(
        role=inputs.parse_enum(PartyRole, raw.get("role"), f + "role"),
        kind=inputs.parse_enum(PartyKind, raw.get("kind", "person"), f + "kind"),
        name=inputs.parse_text(raw.get("name"), f + "name", max_len=200),
        id_number=inputs.parse_text(
            raw.get("id_number"), f + "id_number", required=False, max_len=64
        ),
        phone=inputs.parse_text(raw.get("phone"), f + "phone", required=False, max_len=32),
        address=inputs.parse_text(raw.get("address"), f + "address", required=False, max_len=300),
        agent_name=inputs.parse_text(
            raw.get("agent_name"), f + "agent_name", required=False, max_len=100
        ),
        agent_phone=inputs.parse_text(
            raw.get("agent_phone"), f + "agent_phone", required=False, max_len=32
        ),
    )


@bp.post("/cases")
def create_case():
    user = _user()
    body = inputs.json_body()
    if not user.is_staff and user.role != Role.CLAIMANT:
        raise Forbidden()
    parties_raw = body.get("parties")
    if not isinstance(parties_raw, list) or not parties_raw:
        raise UserError("missing_field", field="parties")
    parties = [_parse_party(p, i) for i, p in enumerate(parties_raw)]
    if user.role == Role.CLAIMANT:
        # A claimant filing online is the claimant of their own case.
        for p in parties:
            if p.role == PartyRole.CLAIMANT:
                p.user_id = user.id
                break
    data = operations.CaseInput(
        dispute_type=inputs.parse_enum(DisputeType, body.get("dispute_type"), "dispute_type"),
        channel=inputs.parse_enum(Channel, body.get("channel", "online"), "channel"),
        request=inputs.parse_text(body.get("request"), "request"),
        received_on=inputs.parse_date(body.get("received_on"), "received_on", required=False)
        or today(),
        parties=parties,
        amount_claimed=inputs.parse_amount(body.get("amount_claimed"), "amount_claimed"),
        facts=inputs.parse_text(body.get("facts"), "facts", required=False, max_len=20000),
        region=inputs.parse_text(body.get("region"), "region", required=False, max_len=100),
    )
    session = db()
    case = operations.create_case(session, user.centre, user, data, _ctx())
    session.commit()
    return _case_response(case, 201)


@bp.get("/cases")
def list_cases():
    user = _user()
    args = request.args
    query = access.visible_cases(user)
    stage = inputs.parse_enum(Stage, args.get("stage"), "stage", required=False)
    if stage:
        query = query.where(Case.stage == stage)
    dtype = inputs.parse_enum(DisputeType, args.get("dispute_type"), "dispute_type", required=False)
    if dtype:
        query = query.where(Case.dispute_type == dtype)
    due_before = inputs.parse_date(args.get("due_before"), "due_before", required=False)
    if due_before:
        query = query.where(Case.next_due_on.is_not(None), Case.next_due_on <= due_before)
    overdue = inputs.parse_bool(args.get("overdue"))
    if overdue is True:
        query = query.where(Case.urgency == Urgency.OVERDUE)
    elif overdue is False:
        query = query.where(Case.urgency != Urgency.OVERDUE)
    page = inputs.parse_int(args.get("page"), "page", required=False, low=1, high=100000) or 1
    per_page = (
        inputs.parse_int(args.get("per_page"), "per_page", required=False, low=1, high=200) or 50
    )
    session = db()
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(
        query.options(selectinload(Case.parties))
        .order_by(Case.next_due_on.is_(None), Case.next_due_on, Case.number)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return jsonify(
        {
            "total": total,
            "page": page,
            "per_page": per_page,
            "cases": [present.case_summary_json(c, user, g.lang) for c in rows],
        }
    )


def _load(number: str, for_update: bool = False) -> Case:
    case = get_case(db(), _user().centre_id, number, for_update=for_update)
    access.require_see(_user(), case)
    return case


@bp.get("/cases/<number>")
def read_case(number: str):
    case = _load(number)
    access.log_personal_data_access(db(), _user(), case, "api", request.remote_addr)
    db().commit()
    return _case_response(case)


@bp.get("/cases/<number>/events")
def case_events(number: str):
    case = _load(number)
    return jsonify({"events": [present.event_json(e, g.lang) for e in case.events]})


def _expected_version(body: dict) -> int | None:
    return inputs.parse_int(body.get("expected_version"), "expected_version", required=False, low=1)


@bp.post("/cases/<number>/transitions")
def transition(number: str):
    # Who may see the case is checked before the input, so outsiders learn nothing.
    case = _load(number, for_update=True)
    body = inputs.json_body()
    target = inputs.parse_enum(Stage, body.get("to"), "to")
    reason = inputs.parse_text(body.get("reason"), "reason", required=False)
    on_date = inputs.parse_date(body.get("on_date"), "on_date", required=False)
    access.require_transition(_user(), case, target)
    operations.transition(
        db(),
        case,
        _user(),
        target,
        _ctx(),
        reason=reason,
        on_date=on_date,
        expected_version=_expected_version(body),
    )
    db().commit()
    return _case_response(case)


@bp.post("/cases/<number>/pause")
def pause(number: str):
    # Who may see the case is checked before the input, so outsiders learn nothing.
    case = _load(number, for_update=True)
    body = inputs.json_body()
    reason = inputs.parse_enum(PauseReason, body.get("reason"), "reason")
    note = inputs.parse_text(body.get("note"), "note", required=False)
    on_date = inputs.parse_date(body.get("on_date"), "on_date", required=False)
    access.require_manage(_user(), case)
    operations.pause(
        db(),
        case,
        _user(),
        reason,
        _ctx(),
        note=note,
        on_date=on_date,
        expected_version=_expected_version(body),
    )
    db().commit()
    return _case_response(case)


@bp.post("/cases/<number>/resume")
def resume(number: str):
    # Who may see the case is checked before the input, so outsiders learn nothing.
    case = _load(number, for_update=True)
    body = inputs.json_body()
    note = inputs.parse_text(body.get("note"), "note", required=False)
    on_date = inputs.parse_date(body.get("on_date"), "on_date", required=False)
    access.require_manage(_user(), case)
    operations.resume(
        db(),
        case,
        _user(),
        _ctx(),
        note=note,
        on_date=on_date,
        expected_version=_expected_version(body),
    )
    db().commit()
    return _case_response(case)


@bp.post("/cases/<number>/extensions")
def extend(number: str):
    # Who may see the case is checked before the input, so outsiders learn nothing.
    case = _load(number, for_update=True)
    body = inputs.json_body()
    rule = _rule(inputs.parse_text(body.get("rule"), "rule", max_len=64))
    days = inputs.parse_int(body.get("days"), "days", low=1, high=3650)
    approver = inputs.parse_text(body.get("approver"), "approver", max_len=200)
    ground = inputs.parse_text(body.get("legal_ground"), "legal_ground")
    access.require_manage(_user(), case)
    operations.extend(
        db(),
        case,
        _user(),
        rule.id,
        days,
        approver,
        ground,
        _ctx(),
        expected_version=_expected_version(body),
    )
    db().commit()
    return _case_response(case)


@bp.get("/cases/<number>/messages")
def list_messages(number: str):
    from mediation.cases.model import CaseMessage

    case = _load(number)
    rows = (
        db()
        .scalars(
            select(CaseMessage)
            .where(CaseMessage.case_id == case.id)
            .order_by(CaseMessage.at, CaseMessage.id)
        )
        .all()
    )
    return jsonify({"messages": [present.message_json(m, _user(), g.lang) for m in rows]})


@bp.post("/cases/<number>/messages")
def post_message(number: str):
    # Who may see the case is checked before the input, so outsiders learn nothing.
    case = _load(number, for_update=True)
    from mediation.cases.model import MessageKind

    body = inputs.json_body()
    kind = inputs.parse_enum(MessageKind, body.get("kind", "message"), "kind")
    text_ = inputs.parse_text(body.get("body"), "body", max_len=10000)
    amount = inputs.parse_amount(body.get("amount"), "amount")
    access.require_post(_user(), case, kind.value)
    message = operations.post_message(db(), case, _user(), kind, text_, amount=amount)
    db().commit()
    return jsonify(present.message_json(message, _user(), g.lang)), 201


@bp.get("/holidays")
def holidays():
    from mediation.deadlines.holidays import year_summary

    year = inputs.parse_int(request.args.get("year"), "year", low=1950, high=2199)
    verified, days = year_summary(db(), year)
    return jsonify(
        {
            "year": year,
            "verified": verified,
            "days": [{"day": d.isoformat(), "workday": w, "name": n} for d, w, n in days],
        }
    )


@bp.post("/holidays")
def set_holiday():
    """An administrator's correction of one day; open clocks keep their cached due dates
    until their next change or `mediation scan`."""
    from mediation.deadlines.holidays import set_day

    if _user().role != Role.ADMIN:
        raise Forbidden()
    body = inputs.json_body()
    day = inputs.parse_date(body.get("day"), "day")
    workday = body.get("workday")
    if not isinstance(workday, bool):
        raise UserError("invalid_field", field="workday", detail="true | false")
    name = inputs.parse_text(body.get("name"), "name", required=False, max_len=100)
    set_day(db(), day, workday, name, source=f"admin:{_user().username}")
    db().commit()
    return jsonify({"day": day.isoformat(), "workday": workday, "name": name})


@bp.get("/rule-sets")
def rule_sets():
    from mediation.cases.service import rule_set_names

    return jsonify({"current": _user().centre.rule_set, "rule_sets": rule_set_names(_extra_dirs())})


@bp.post("/centre/rule-set")
def choose_rule_set():
    """Which rule set new clocks of this centre follow; clocks already running keep theirs."""
    from mediation.cases.service import rule_set

    if _user().role != Role.ADMIN:
        raise Forbidden()
    name = inputs.parse_text(inputs.json_body().get("name"), "name", max_len=64)
    chosen = rule_set(name, tuple(_extra_dirs()))
    _user().centre.rule_set = chosen.name
    db().commit()
    return jsonify({"current": chosen.name})


@bp.post("/scan")
def run_scan():
    user = _user()
    if user.role != Role.ADMIN:
        raise Forbidden()
    result = clocks.scan(db(), today())
    db().commit()
    return jsonify(
        {
            "today": result.today.isoformat(),
            "newly_overdue": result.newly_overdue,
            "newly_due_soon": result.newly_due_soon,
        }
    )
