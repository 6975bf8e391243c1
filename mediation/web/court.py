"""The court side on the web and in the JSON API: the clerk's inbox of packets received
(ordered by the due date of the court's running clock), the submission page with the
packet's verification report, the acceptance / refusal / ruling / extension forms, the
centre's "send to court" action on the case page, and /api/court/... for the court's
case system (bearer token of the court's service account)."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from mediation.cases.service import deadline_context, get_case
from mediation.court import service
from mediation.court.model import Court, CourtSubmission, Outcome, SubmissionChannel
from mediation.errors import Forbidden, UserError
from mediation.i18n import t
from mediation.people import access
from mediation.people.model import Role, User
from mediation.web import inputs, pages, present
from mediation.web import setup as web_setup
from mediation.web.api import bp as api_bp
from mediation.web.setup import current_user, db

bp = Blueprint("court", __name__)


def _today():
    return web_setup.today()


def _store():
    """The evidence store (ruling documents, the executed agreement)."""
    from mediation.web.evidence import blob_store

    return blob_store()


def _packet_store():
    """The same content-addressed store, accepting zip files (received packets)."""
    store = current_app.extensions.get("mediation.court.packet_store")
    if store is None:
        from mediation.packets.build import packet_store

        store = packet_store(_store().root, max_size=_max_bytes())
        current_app.extensions["mediation.court.packet_store"] = store
    return store


def _ctx(centre):
    # One deadline context (rules, calendar) per request and centre, not one per row.
    cache = g.setdefault("court_ctx", {})
    if centre.id not in cache:
        cache[centre.id] = deadline_context(
            db(), centre, _today(), current_app.config.get("EXTRA_RULE_DIRS") or []
        )
    return cache[centre.id]


def _max_bytes() -> int:
    return int(current_app.config["MAX_EVIDENCE_BYTES"])


# -- presenting --------------------------------------------------------------------------


def submission_json(submission: CourtSubmission, viewer: User, lang: str, *, full=True) -> dict:
    """A submission for the court, the centre's staff (full) or a party (status only)."""
    case = submission.case
    ctx = _ctx(case.centre)
    clocks = service.submission_clocks(db(), submission)
    body = {
        "id": submission.id,
        "case_number": case.number,
        "case_stage": case.stage.value,
        "court": {"code": submission.court.code, "name": submission.court.name},
        "status": submission.status.value,
        "status_label": t(f"court.status.{submission.status.value}", lang),
        "received_on": submission.received_on.isoformat(),
        "decided_on": submission.decided_on.isoformat() if submission.decided_on else None,
        "court_case_number": submission.court_case_number,
        "refusal_reason": submission.refusal_reason,
        "outcome": submission.outcome.value if submission.outcome else None,
        "ruled_on": submission.ruled_on.isoformat() if submission.ruled_on else None,
        "ruling_reason": submission.ruling_reason,
        "clocks": [present.clock_json(c, ctx, lang) for c in clocks],
        "running_due_on": _iso(service.running_due(clocks)),
    }
    if not full:
        return body
    report = submission.verification or {}
    body.update(
        {
            "channel": submission.channel.value,
            "joint_application": submission.joint_application,
            "applied_on": _iso(submission.applied_on),
            "received_at": submission.received_at.isoformat() + "Z",
            "packet_sha256": submission.packet_sha256,
            "agreement_sha256": submission.agreement_sha256,
            "verification": {
                "ok": bool(report.get("ok")),
                "ca_fingerprint": report.get("ca_fingerprint"),
                "problems": [
                    {
                        "code": p.get("code"),
                        "message": p.get("message_en" if lang == "en" else "message_zh")
                        or p.get("message_zh")
                        or p.get("code"),
                        "path": p.get("path"),
                    }
                    for p in report.get("problems", [])
                ],
                "facts": report.get("facts", {}),
            },
            "ruling_document": (
                f"/api/cases/{case.number}/evidence/{submission.ruling_evidence_id}/download"
                if submission.ruling_evidence_id
                else None
            ),
            "packet": f"/api/court/submissions/{submission.id}/packet",
        }
    )
    return body


def _iso(d):
    return d.isoformat() if d else None


def court_json(court: Court) -> dict:
    return {
        "code": court.code,
        "name": court.name,
        "region": court.region,
        "ca_fingerprint": court.ca_fingerprint,
        "active": court.active,
    }


# -- JSON API ----------------------------------------------------------------------------


def _user() -> User:
    return g.user


def _load_submission(submission_id: int, *, for_update=False) -> CourtSubmission:
    return service.get_submission(db(), _user(), submission_id, for_update=for_update)


def _decider_submission(submission_id: int) -> CourtSubmission:
    # Who may act is checked before the body is read, so outsiders learn nothing.
    submission = _load_submission(submission_id, for_update=True)
    service.require_decider(db(), _user(), submission)
    return submission


def _upload_stream():
    upload = request.files.get("packet") or request.files.get("file")
    if upload is not None and upload.filename:
        return upload.stream
    if (
        request.mimetype in ("application/zip", "application/octet-stream")
        and request.content_length
    ):
        return request.stream
    raise UserError("missing_field", field="packet")


@api_bp.get("/courts")
def api_list_courts():
    user = _user()
    if not user.reads_all_cases:
        raise Forbidden()
    return jsonify({"courts": [court_json(c) for c in service.list_courts(db(), user.centre_id)]})


@api_bp.post("/courts")
def api_register_court():
    user = _user()
    if user.role != Role.ADMIN:
        raise Forbidden()
    body = inputs.json_body()
    court = service.register_court(
        db(),
        user.centre,
        inputs.parse_text(body.get("code"), "code", max_len=32),
        inputs.parse_text(body.get("name"), "name", max_len=200),
        region=inputs.parse_text(body.get("region"), "region", required=False, max_len=100),
        trust_anchor_pem=inputs.parse_text(
            body.get("trust_anchor_pem"), "trust_anchor_pem", required=False, max_len=20000
        ),
        tsa_ca_pem=inputs.parse_text(
            body.get("tsa_ca_pem"), "tsa_ca_pem", required=False, max_len=20000
        ),
    )
    db().commit()
    return jsonify(court_json(court)), 201


@api_bp.post("/courts/<code>/users")
def api_add_court_user(code: str):
    """A clerk or the court's service account; the API token is in the answer, once."""
    user = _user()
    if user.role != Role.ADMIN:
        raise Forbidden()
    court = service.get_court(db(), user.centre_id, code)
    body = inputs.json_body()
    service_account = inputs.parse_bool(body.get("service_account")) or False
    new_user, token = service.add_court_user(
        db(),
        court,
        inputs.parse_text(body.get("username"), "username", max_len=64),
        inputs.parse_text(body.get("display_name"), "display_name", max_len=100),
        password=inputs.parse_text(body.get("password"), "password", required=False, max_len=200),
        service_account=service_account,
    )
    db().commit()
    return jsonify(
        {
            "court": court.code,
            "username": new_user.username,
            "service_account": service_account,
            "token": token,
        }
    ), 201


@api_bp.post("/court/packets")
def api_receive_packet():
    """The court's system (or a clerk) posts a packet zip: multipart field `packet`, or
    the zip itself as the body (Content-Type application/zip)."""
    session = db()
    court = service.require_clerk(session, _user())
    stream = _upload_stream()
    received_on = inputs.parse_date(request.args.get("received_on"), "received_on", required=False)
    submission = service.receive_packet(
        session,
        court,
        _user(),
        stream,
        _packet_store(),
        _ctx(court.centre),
        channel=SubmissionChannel.API,
        received_on=received_on,
        max_bytes=_max_bytes(),
    )
    session.commit()
    return jsonify(submission_json(submission, _user(), g.lang)), 201


@api_bp.get("/court/submissions")
def api_list_submissions():
    session = db()
    court = service.require_clerk(session, _user())
    rows = service.court_inbox(session, court)
    return jsonify({"submissions": [submission_json(s, _user(), g.lang) for s in rows]})


@api_bp.get("/court/submissions/<int:submission_id>")
def api_get_submission(submission_id: int):
    submission = _load_submission(submission_id)
    return jsonify(submission_json(submission, _user(), g.lang))


@api_bp.get("/court/submissions/<int:submission_id>/packet")
def api_download_packet(submission_id: int):
    submission = _load_submission(submission_id)
    response = send_file(
        _packet_store().path(submission.packet_sha256),
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"packet-{submission.case.number}.zip",
        max_age=0,
    )
    response.headers["X-Content-SHA256"] = submission.packet_sha256
    return response


@api_bp.post("/court/submissions/<int:submission_id>/accept")
def api_accept(submission_id: int):
    submission = _decider_submission(submission_id)
    body = inputs.json_body()
    service.accept(
        db(),
        submission,
        _user(),
        _ctx(submission.case.centre),
        on_date=inputs.parse_date(body.get("on_date"), "on_date", required=False),
        court_case_number=inputs.parse_text(
            body.get("court_case_number"), "court_case_number", required=False, max_len=64
        ),
    )
    db().commit()
    return jsonify(submission_json(submission, _user(), g.lang))


@api_bp.post("/court/submissions/<int:submission_id>/refuse")
def api_refuse(submission_id: int):
    submission = _decider_submission(submission_id)
    body = inputs.json_body()
    service.refuse(
        db(),
        submission,
        _user(),
        _ctx(submission.case.centre),
        inputs.parse_text(body.get("reason"), "reason", max_len=5000),
        on_date=inputs.parse_date(body.get("on_date"), "on_date", required=False),
    )
    db().commit()
    return jsonify(submission_json(submission, _user(), g.lang))


@api_bp.post("/court/submissions/<int:submission_id>/ruling")
def api_rule(submission_id: int):
    """JSON {outcome, ruled_on, reason}, or multipart with the same fields and an optional
    ruling document in `document`."""
    submission = _decider_submission(submission_id)
    if request.mimetype == "multipart/form-data":
        body = request.form.to_dict()
    else:
        body = inputs.json_body()
    _rule(submission, body, request.files.get("document"))
    db().commit()
    return jsonify(submission_json(submission, _user(), g.lang))


def _rule(submission: CourtSubmission, body: dict, upload) -> None:
    document = (upload.stream, upload.filename) if upload is not None and upload.filename else None
    service.rule(
        db(),
        submission,
        _user(),
        _ctx(submission.case.centre),
        inputs.parse_enum(Outcome, body.get("outcome"), "outcome"),
        ruled_on=inputs.parse_date(body.get("ruled_on"), "ruled_on", required=False),
        reason=inputs.parse_text(body.get("reason"), "reason", required=False, max_len=5000),
        document=document,
        store=_store(),
    )


@api_bp.post("/court/submissions/<int:submission_id>/extension")
def api_extend(submission_id: int):
    submission = _decider_submission(submission_id)
    body = inputs.json_body()
    service.extend(
        db(),
        submission,
        _user(),
        _ctx(submission.case.centre),
        inputs.parse_text(body.get("approver"), "approver", max_len=200),
        legal_ground=inputs.parse_text(
            body.get("legal_ground"), "legal_ground", required=False, max_len=2000
        ),
    )
    db().commit()
    return jsonify(submission_json(submission, _user(), g.lang))


def _load_case(number: str, *, for_update=False):
    case = get_case(db(), _user().centre_id, number, for_update=for_update)
    access.require_see(_user(), case)
    return case


@api_bp.get("/cases/<number>/court-submissions")
def api_case_submissions(number: str):
    case = _load_case(number)
    user = _user()
    court = service.court_of(db(), user)
    rows = [
        s for s in service.case_submissions(db(), case) if court is None or s.court_id == court.id
    ]
    full = user.reads_all_cases or court is not None
    return jsonify({"submissions": [submission_json(s, user, g.lang, full=full) for s in rows]})


@api_bp.post("/cases/<number>/court-submissions")
def api_submit_to_court(number: str):
    """The centre sends the case's packet to a court on the parties' joint application:
    JSON {court, applied_on} uses the latest packet built for the case; multipart with the
    same fields may carry the packet zip in `packet`."""
    case = _load_case(number, for_update=True)
    access.require_manage(_user(), case)
    if request.mimetype == "multipart/form-data":
        body = request.form.to_dict()
        upload = request.files.get("packet")
        packet = upload.stream if upload is not None and upload.filename else None
    else:
        body = inputs.json_body()
        packet = None
    court = service.get_court(
        db(), _user().centre_id, inputs.parse_text(body.get("court"), "court", max_len=32)
    )
    submission = service.submit_to_court(
        db(),
        case,
        _user(),
        court,
        _packet_store(),
        _ctx(case.centre),
        packet=packet,
        evidence_store=_store(),
        applied_on=inputs.parse_date(body.get("applied_on"), "applied_on", required=False),
        on_date=inputs.parse_date(body.get("on_date"), "on_date", required=False),
    )
    db().commit()
    return jsonify(submission_json(submission, _user(), g.lang)), 201


ROUTES = [
    ("get", "/api/courts", "Courts registered with the centre (centre staff)", None),
    (
        "post",
        "/api/courts",
        "Register or update a court and its trust anchor (administrator)",
        {
            "type": "object",
            "required": ["code", "name"],
            "properties": {
                "code": {"type": "string"},
                "name": {"type": "string"},
                "region": {"type": "string"},
                "trust_anchor_pem": {"type": "string", "description": "centre CA, PEM"},
                "tsa_ca_pem": {"type": "string"},
            },
        },
    ),
    (
        "post",
        "/api/courts/{code}/users",
        "Add a clerk or the court's service account (administrator); the API token is "
        "returned once",
        {
            "type": "object",
            "required": ["username", "display_name"],
            "properties": {
                "username": {"type": "string"},
                "display_name": {"type": "string"},
                "password": {"type": "string"},
                "service_account": {"type": "boolean"},
            },
        },
    ),
    (
        "post",
        "/api/court/packets",
        "Receive a settlement packet (court clerk or service account): multipart `packet` "
        "or the zip as the body; matched to its case by packet.json, verified against the "
        "court's trust anchor; starts the 3-day acceptance clock",
        "upload",
    ),
    ("get", "/api/court/submissions", "The court's submissions, by due date", None),
    ("get", "/api/court/submissions/{submission_id}", "One submission with its report", None),
    ("get", "/api/court/submissions/{submission_id}/packet", "The packet zip as received", None),
    (
        "post",
        "/api/court/submissions/{submission_id}/accept",
        "Accept the application (受理): stops the 3-day clock, starts the 15-day one",
        {
            "type": "object",
            "properties": {
                "on_date": {"type": "string", "format": "date"},
                "court_case_number": {"type": "string"},
            },
        },
    ),
    (
        "post",
        "/api/court/submissions/{submission_id}/refuse",
        "Refuse the application (不予受理) with reasons",
        {
            "type": "object",
            "required": ["reason"],
            "properties": {
                "reason": {"type": "string"},
                "on_date": {"type": "string", "format": "date"},
            },
        },
    ),
    (
        "post",
        "/api/court/submissions/{submission_id}/ruling",
        "Record the ruling: confirmed (case → performance) or not confirmed with reasons "
        "(case → mediation); multipart may carry the ruling document in `document`",
        {
            "type": "object",
            "required": ["outcome"],
            "properties": {
                "outcome": {"type": "string", "enum": [o.value for o in Outcome]},
                "ruled_on": {"type": "string", "format": "date"},
                "reason": {"type": "string"},
            },
        },
    ),
    (
        "post",
        "/api/court/submissions/{submission_id}/extension",
        "Extend the 15 days by 10 with the court president's approval",
        {
            "type": "object",
            "required": ["approver"],
            "properties": {
                "approver": {"type": "string"},
                "legal_ground": {"type": "string"},
            },
        },
    ),
    ("get", "/api/cases/{number}/court-submissions", "The case's court submissions", None),
    (
        "post",
        "/api/cases/{number}/court-submissions",
        "Send the case's packet to a court on the joint application (centre staff); "
        "moves a signed case to judicial confirmation",
        {
            "type": "object",
            "required": ["court"],
            "properties": {
                "court": {"type": "string", "description": "the court's code"},
                "applied_on": {"type": "string", "format": "date"},
                "on_date": {"type": "string", "format": "date"},
            },
        },
    ),
]


def openapi_paths() -> dict:
    error = {"$ref": "#/components/responses/Error"}
    paths: dict[str, dict] = {}
    for method, path, summary, body in ROUTES:
        params = []
        if "{submission_id}" in path:
            params.append(
                {
                    "name": "submission_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer"},
                }
            )
        if "{code}" in path:
            params.append(
                {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}
            )
        if "{number}" in path:
            params.append(
                {"name": "number", "in": "path", "required": True, "schema": {"type": "string"}}
            )
        op: dict = {
            "summary": summary,
            "tags": ["court"],
            "parameters": params,
            "responses": {
                "200": {"description": "OK"},
                "400": error,
                "401": error,
                "403": error,
                "404": error,
                "409": error,
            },
        }
        if method == "post":
            op["responses"]["201"] = {"description": "Created"}
            op["responses"]["422"] = error
        if body == "upload":
            op["requestBody"] = {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "properties": {"packet": {"type": "string", "format": "binary"}},
                        }
                    },
                    "application/zip": {"schema": {"type": "string", "format": "binary"}},
                },
            }
        elif body is not None:
            op["requestBody"] = {"content": {"application/json": {"schema": body}}}
        paths.setdefault(path, {})[method] = op
    return paths


# -- pages -------------------------------------------------------------------------------


def _page_user() -> User:
    user = pages.require_user()
    g.user = user
    return user


@bp.get("/court")
def inbox():
    user = _page_user()
    session = db()
    court = service.require_clerk(session, user)
    rows = [submission_json(s, user, g.lang) for s in service.court_inbox(session, court)]
    return render_template("court/inbox.html", court=court, submissions=rows, today=_today())


@bp.post("/court/upload")
def page_upload():
    user = _page_user()
    session = db()
    court = service.require_clerk(session, user)
    upload = request.files.get("packet")
    try:
        if upload is None or not upload.filename:
            raise UserError("missing_field", field="packet")
        submission = service.receive_packet(
            session,
            court,
            user,
            upload.stream,
            _packet_store(),
            _ctx(court.centre),
            channel=SubmissionChannel.WEB,
            max_bytes=_max_bytes(),
        )
        session.commit()
    except UserError as exc:
        session.rollback()
        flash(exc.message(g.lang), "error")
        return redirect(url_for("court.inbox"))
    return redirect(url_for("court.submission_page", submission_id=submission.id))


@bp.get("/court/submissions/<int:submission_id>")
def submission_page(submission_id: int):
    user = _page_user()
    session = db()
    submission = service.get_submission(session, user, submission_id)
    court = service.court_of(session, user)
    may_decide = court is not None and court.id == submission.court_id
    return render_template(
        "court/submission.html",
        s=submission_json(submission, user, g.lang),
        may_decide=may_decide,
        outcomes=[o.value for o in Outcome],
        today=_today(),
    )


@bp.get("/court/submissions/<int:submission_id>/packet")
def page_download_packet(submission_id: int):
    _page_user()
    return api_download_packet(submission_id)


def _page_action(submission_id: int, action) -> object:
    user = _page_user()
    session = db()
    submission = service.get_submission(session, user, submission_id, for_update=True)
    service.require_decider(session, user, submission)
    try:
        action(submission, user, request.form)
        session.commit()
    except UserError as exc:
        session.rollback()
        flash(exc.message(g.lang), "error")
    return redirect(url_for("court.submission_page", submission_id=submission_id))


@bp.post("/court/submissions/<int:submission_id>/accept")
def page_accept(submission_id: int):
    def act(submission, user, form):
        service.accept(
            db(),
            submission,
            user,
            _ctx(submission.case.centre),
            on_date=inputs.parse_date(form.get("on_date"), "on_date", required=False),
            court_case_number=inputs.parse_text(
                form.get("court_case_number"), "court_case_number", required=False, max_len=64
            ),
        )

    return _page_action(submission_id, act)


@bp.post("/court/submissions/<int:submission_id>/refuse")
def page_refuse(submission_id: int):
    def act(submission, user, form):
        service.refuse(
            db(),
            submission,
            user,
            _ctx(submission.case.centre),
            inputs.parse_text(form.get("reason"), "reason", max_len=5000),
            on_date=inputs.parse_date(form.get("on_date"), "on_date", required=False),
        )

    return _page_action(submission_id, act)


@bp.post("/court/submissions/<int:submission_id>/ruling")
def page_rule(submission_id: int):
    def act(submission, user, form):
        _rule(submission, form.to_dict(), request.files.get("document"))

    return _page_action(submission_id, act)


@bp.post("/court/submissions/<int:submission_id>/extension")
def page_extend(submission_id: int):
    def act(submission, user, form):
        service.extend(
            db(),
            submission,
            user,
            _ctx(submission.case.centre),
            inputs.parse_text(form.get("approver"), "approver", max_len=200),
            legal_ground=inputs.parse_text(
                form.get("legal_ground"), "legal_ground", required=False, max_len=2000
            ),
        )

    return _page_action(submission_id, act)


@bp.post("/cases/<number>/court/submit")
def page_submit(number: str):
    user = _page_user()
    session = db()
    case = get_case(session, user.centre_id, number, for_update=True)
    access.require_manage(user, case)
    try:
        court = service.get_court(
            session, user.centre_id, inputs.parse_text(request.form.get("court"), "court")
        )
        upload = request.files.get("packet")
        service.submit_to_court(
            session,
            case,
            user,
            court,
            _packet_store(),
            _ctx(case.centre),
            packet=upload.stream if upload is not None and upload.filename else None,
            evidence_store=_store(),
            applied_on=inputs.parse_date(
                request.form.get("applied_on"), "applied_on", required=False
            ),
        )
        session.commit()
    except UserError as exc:
        session.rollback()
        flash(exc.message(g.lang), "error")
    return redirect(url_for("pages.case_page", number=number) + "#court")


@bp.app_context_processor
def _court_helpers() -> dict:
    return {"court_status_for": court_status_for}


def court_status_for(number: str) -> dict:
    """What templates/court/_case_status.html shows on a case page: the case's court
    submissions (their court's only, for a clerk; status only, for a party) and, for
    centre staff, the courts the packet can be sent to."""
    user = current_user()
    if user is None:
        return {"submissions": [], "courts": [], "may_submit": False}
    session = db()
    case = get_case(session, user.centre_id, number)
    if not access.can_see(user, case):
        return {"submissions": [], "courts": [], "may_submit": False}
    court = service.court_of(session, user)
    full = user.reads_all_cases or court is not None
    rows = [
        submission_json(s, user, g.lang, full=full)
        for s in service.case_submissions(session, case)
        if court is None or s.court_id == court.id
    ]
    may_submit = (
        user.is_staff
        and case.stage.value in ("signed", "judicial_confirmation")
        and service.open_submission(session, case) is None
    )
    courts = (
        [court_json(c) for c in service.list_courts(session, user.centre_id) if c.active]
        if may_submit
        else []
    )
    return {"submissions": rows, "courts": courts, "may_submit": may_submit}


__all__ = ["ROUTES", "bp", "court_status_for", "openapi_paths", "submission_json"]
