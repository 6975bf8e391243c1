"""Settlement agreements in the JSON API and on the case pages: the mediator's editor (pick
clause templates, fill fields, preview, issue for signing, see who signed) and the parties'
review-and-sign page (read the PDF, get a code, enter it, sign).

Who may do what: centre staff draft and issue; each required signer signs only their own
place (a claimant for their party, an institution user for the respondent it answers for,
the mediator for the centre); parties see issued versions, never drafts; anyone else who
cannot see the case gets 403 before the request body is read.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from mediation.agreements import service
from mediation.agreements.model import Agreement, AgreementStatus
from mediation.agreements.templates import TEMPLATES, template_catalogue
from mediation.cases.model import Case
from mediation.cases.service import deadline_context, get_case
from mediation.errors import Forbidden, UserError
from mediation.i18n import t
from mediation.people import access
from mediation.people.model import Role, User
from mediation.web import inputs
from mediation.web import setup as web_setup
from mediation.web.present import local_time
from mediation.web.setup import authenticate_pages_and_api, current_user, db

bp = Blueprint("agreements", __name__)

API = "/api/cases/<number>/agreement"
PAGE = "/cases/<number>/agreement"

# (method, path, summary) of every API route, for the OpenAPI document.
ROUTES = [
    ("GET", "/api/agreement-templates", "Clause templates of settlement agreements"),
    ("GET", "/api/cases/{number}/agreement", "The case's agreement (staff: latest draft)"),
    ("POST", "/api/cases/{number}/agreement", "Create or update the draft (staff)"),
    ("GET", "/api/cases/{number}/agreement/preview.pdf", "Preview the draft as PDF (staff)"),
    ("POST", "/api/cases/{number}/agreement/issue", "Issue the draft for signing (staff)"),
    ("POST", "/api/cases/{number}/agreement/code", "Send the signer a verification code"),
    ("POST", "/api/cases/{number}/agreement/sign", "Sign with the verification code"),
    ("GET", "/api/cases/{number}/agreement/pdf", "The issued agreement PDF"),
    ("GET", "/api/cases/{number}/agreement/executed.pdf", "The executed PDF (signature page)"),
    (
        "POST",
        "/api/cases/{number}/agreement/in-person/code",
        "Text a code to the phone on file of a party signing in person (case's mediator)",
    ),
    (
        "POST",
        "/api/cases/{number}/agreement/in-person",
        "Record a party's signature given on paper at the centre (case's mediator)",
    ),
]


bp.before_request(authenticate_pages_and_api)


def _user() -> User:
    return g.user


def _case(number: str, *, for_update: bool = False) -> Case:
    case = get_case(db(), _user().centre_id, number, for_update=for_update)
    access.require_see(_user(), case)
    return case


def _store():
    from mediation.web.evidence import blob_store

    return blob_store()


def _ctx(user: User):
    return deadline_context(
        db(), user.centre, web_setup.today(), current_app.config["EXTRA_RULE_DIRS"]
    )


def _settings() -> service.Settings:
    return service.Settings.from_config(
        current_app.config, current_app.instance_path, _user().centre.code
    )


def _require_staff(user: User, case: Case) -> None:
    access.require_manage(user, case)


def _require_party_or_staff(user: User, case: Case) -> None:
    if user.role in (Role.AUDITOR, Role.COURT):
        raise Forbidden()


def _visible(case: Case, user: User) -> Agreement | None:
    """Staff see the latest version, drafts included; others the latest issued one."""
    if user.reads_all_cases:
        return service.latest_agreement(db(), case)
    for agreement in reversed(service.versions(db(), case)):
        if agreement.status != AgreementStatus.DRAFT:
            return agreement
    return None


def _pdf_response(data: bytes, sha: str, name: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.headers["X-Content-SHA256"] = sha
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


def agreement_json(case: Case, agreement: Agreement, viewer: User, lang: str) -> dict:
    base = f"/api/cases/{case.number}/agreement"
    parties = {p.id: p for p in case.parties}
    signers = []
    for slot, sig in service.signer_status(agreement):
        party = parties.get(slot["party"])
        signers.append(
            {
                "role": slot["role"],
                "role_label": t(f"agreements.role.{slot['role']}", lang),
                "party": slot["party"],
                "party_name": party.name if party else None,
                "signed": sig is not None,
                "signed_at": sig.signed_at.isoformat() + "Z" if sig else None,
                "signed_at_local": local_time(sig.signed_at) if sig else None,
                "signer": sig.signer.display_name
                if sig and (viewer.reads_all_cases or sig.signer_id == viewer.id)
                else None,
                "pdf_sha256": sig.pdf_sha256 if sig else None,
                "ledger_seq": sig.ledger_seq if sig else None,
                "mine": service.may_sign_slot(viewer, case, slot),
                "method": sig.method if sig else None,
                "method_label": t(f"agreements.method.{sig.method}", lang) if sig else None,
                "in_person": _in_person_json(sig, viewer) if sig and sig.paper_sha256 else None,
            }
        )
    schedule = [
        {**p, "due_on": p["due_on"].isoformat(), "amount": str(p["amount"])}
        for p in service.payment_schedule(agreement)
    ]
    return {
        "id": agreement.id,
        "case": case.number,
        "version": agreement.version,
        "status": agreement.status.value,
        "status_label": t(f"agreements.status.{agreement.status.value}", lang),
        "clauses": agreement.clauses,
        "text": service.document_text(db(), case, agreement),
        "pdf_sha256": agreement.pdf_sha256,
        "issued_at": agreement.issued_at.isoformat() + "Z" if agreement.issued_at else None,
        "effective_on": agreement.effective_on.isoformat() if agreement.effective_on else None,
        "executed_sha256": agreement.executed_sha256,
        "signers": signers,
        # Staff: the open party slots signed in person at the centre (no portal account).
        "in_person_slots": service.in_person_slots(db(), case, agreement)
        if viewer.is_staff
        else [],
        "payment_schedule": schedule,
        "pdf": base + "/pdf" if agreement.pdf_sha256 else None,
        "executed_pdf": base + "/executed.pdf" if agreement.executed_sha256 else None,
        "preview": base + "/preview.pdf"
        if agreement.status == AgreementStatus.DRAFT and viewer.is_staff
        else None,
    }


def _in_person_json(sig, viewer: User) -> dict:
    """Who signed on paper (staff and the recorder see the name and masked document)."""
    staff = viewer.reads_all_cases
    return {
        "signatory": sig.signatory_name if staff else None,
        "id_document": sig.id_document_masked if staff else None,
        "recorded_by": sig.signer.display_name if staff else None,
        "paper_sha256": sig.paper_sha256,
        "paper_evidence": sig.paper_evidence_id,
    }


def _templates_json(lang: str) -> list[dict]:
    out = []
    for item in template_catalogue():
        out.append(
            {
                **item,
                "label": t(f"agreements.template.{item['key']}", lang),
                "fields": [
                    {
                        **f,
                        "label": t(f"agreements.field.{f['name']}", lang),
                        "choice_labels": {
                            c: t(f"agreements.choice.{c}", lang) for c in f["choices"]
                        },
                    }
                    for f in item["fields"]
                ],
            }
        )
    return out


# API ------------------------------------------------------------------------------------


@bp.get("/api/agreement-templates")
def api_templates():
    return jsonify({"templates": _templates_json(g.lang)})


@bp.get(API)
def api_get(number: str):
    case = _case(number)
    agreement = _visible(case, _user())
    return jsonify(
        {"agreement": agreement_json(case, agreement, _user(), g.lang) if agreement else None}
    )


@bp.post(API)
def api_save(number: str):
    case = _case(number, for_update=True)
    _require_staff(_user(), case)
    body = inputs.json_body()
    expected = inputs.parse_int(
        body.get("expected_version"), "expected_version", required=False, low=1
    )
    existed = service.latest_agreement(db(), case) is not None
    agreement = service.save_draft(
        db(), case, _user(), body.get("clauses"), expected_version=expected
    )
    db().commit()
    return jsonify(agreement_json(case, agreement, _user(), g.lang)), 200 if existed else 201


@bp.get(API + "/preview.pdf")
def api_preview(number: str):
    case = _case(number)
    _require_staff(_user(), case)
    agreement = service.latest_agreement(db(), case)
    if agreement is None:
        raise UserError("agreements.none", status=404)
    data = service.preview_pdf(db(), case, agreement)
    return _pdf_response(data, service.sha256_hex(data), f"agreement-{number}-draft.pdf")


@bp.post(API + "/issue")
def api_issue(number: str):
    case = _case(number, for_update=True)
    _require_staff(_user(), case)
    agreement = service.issue(db(), case, _user(), _store(), lang=g.lang)
    db().commit()
    return jsonify(agreement_json(case, agreement, _user(), g.lang))


@bp.post(API + "/code")
def api_code(number: str):
    case = _case(number, for_update=True)
    _require_party_or_staff(_user(), case)
    code = service.request_code(db(), case, _user(), lang=g.lang)
    db().commit()
    return _code_sent(code, "agreements.code_sent")


def _code_sent(code, message_key: str):
    """The answer to a code request: where it went and until when it holds (never the code)."""
    return jsonify(
        {
            "sent": True,
            "channel": code.channel,
            "expires_at": code.expires_at.isoformat() + "Z",
            "message": t(message_key, g.lang),
        }
    )


@bp.post(API + "/sign")
def api_sign(number: str):
    case = _case(number, for_update=True)
    _require_party_or_staff(_user(), case)
    body = inputs.json_body()
    service.sign(
        db(),
        case,
        _user(),
        str(body.get("code") or ""),
        _ctx(_user()),
        _store(),
        ip=request.remote_addr,
        user_agent=request.headers.get("User-Agent"),
        settings=_settings(),
        lang=g.lang,
    )
    db().commit()
    db().refresh(case)
    agreement = service.latest_agreement(db(), case)
    return jsonify(agreement_json(case, agreement, _user(), g.lang))


@bp.get(API + "/pdf")
def api_pdf(number: str):
    case = _case(number)
    version = inputs.parse_int(request.args.get("version"), "version", required=False, low=1)
    if version is None:
        agreement = _visible(case, _user())
    else:
        agreement = next((a for a in service.versions(db(), case) if a.version == version), None)
        if agreement is not None and agreement.status == AgreementStatus.DRAFT:
            agreement = None
    if agreement is None or not agreement.pdf_sha256:
        raise UserError("agreements.not_issued", status=404)
    data = service.agreement_pdf(agreement, _store())
    return _pdf_response(data, agreement.pdf_sha256, f"agreement-{number}-v{agreement.version}.pdf")


@bp.get(API + "/executed.pdf")
def api_executed(number: str):
    case = _case(number)
    found = service.executed_pdf(db(), case, _store())
    if found is None:
        raise UserError("agreements.none", status=404)
    data, sha = found
    return _pdf_response(data, sha, f"agreement-{number}-executed.pdf")


def _signed_at(raw: str | None) -> datetime:
    """The centre's wall-clock time from a form (YYYY-MM-DDTHH:MM) as naive UTC; empty: now."""
    from mediation.db import utcnow

    if not raw or not raw.strip():
        return utcnow().replace(microsecond=0)
    try:
        local = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise UserError("agreements.bad_signed_at") from None
    if local.tzinfo is None:
        local = local.replace(tzinfo=ZoneInfo(current_app.config["TIMEZONE"]))
    return local.astimezone(UTC).replace(tzinfo=None)


def _recorder_case(number: str) -> Case:
    """The case, for its mediator only: checked before any of the body is read."""
    case = _case(number, for_update=True)
    service._require_recorder(_user(), case)
    return case


def _party_id(raw: object) -> int:
    return inputs.parse_int(raw, "party", low=1)


def _record_in_person(case: Case, form, scan) -> None:
    if scan is None or not scan.filename:
        raise UserError("agreements.bad_scan")
    service.sign_in_person(
        db(),
        case,
        _user(),
        _party_id(form.get("party")),
        signatory_name=form.get("signatory_name") or "",
        id_document=form.get("id_document") or "",
        signed_at=_signed_at(form.get("signed_at")),
        scan=scan.stream,
        scan_filename=scan.filename,
        code=form.get("code"),
        ctx=_ctx(_user()),
        store=_store(),
        settings=_settings(),
        lang=g.lang,
    )


@bp.post(API + "/in-person/code")
def api_in_person_code(number: str):
    case = _recorder_case(number)
    body = inputs.json_body()
    code = service.request_in_person_code(db(), case, _user(), _party_id(body.get("party")))
    db().commit()
    return _code_sent(code, "agreements.in_person.code_sent")


@bp.post(API + "/in-person")
def api_in_person(number: str):
    case = _recorder_case(number)
    _record_in_person(case, request.form, request.files.get("scan"))
    db().commit()
    db().refresh(case)
    agreement = service.latest_agreement(db(), case)
    return jsonify(agreement_json(case, agreement, _user(), g.lang))


# Pages ----------------------------------------------------------------------------------


def _form_clauses(form) -> tuple[list[dict], dict]:
    """Clauses from the editor's form: a checkbox `use.<template>` and fields
    `<template>.<field>`; also the raw values to show the form again."""
    clauses, values = [], {}
    for key, template in TEMPLATES.items():
        used = form.get(f"use.{key}") == "1"
        fields = {}
        for f in template.fields:
            raw = form.get(f"{key}.{f.name}", "")
            values[f"{key}.{f.name}"] = raw
            if raw.strip():
                fields[f.name] = raw
        values[f"use.{key}"] = used
        if used:
            clauses.append({"template": key, "fields": fields})
    return clauses, values


def _values_from(agreement: Agreement | None) -> dict:
    values: dict = {}
    if agreement is None:
        return values
    for clause in agreement.clauses:
        key = clause["template"]
        values[f"use.{key}"] = True
        for name, value in clause["fields"].items():
            if name == "instalments":
                value = "\n".join(f"{i['due_on']} {i['amount']}" for i in value)
            values[f"{key}.{name}"] = value
    return values


def _page(case: Case, *, values: dict | None = None, status: int = 200, error: str | None = None):
    user = _user()
    agreement = _visible(case, user)
    data = agreement_json(case, agreement, user, g.lang) if agreement else None
    if user.is_staff:
        return (
            render_template(
                "agreements/edit.html",
                case=case,
                agreement=data,
                templates=_templates_json(g.lang),
                values=values if values is not None else _values_from(agreement),
                error=error,
                versions=service.versions(db(), case),
            ),
            status,
        )
    mine = [s for s in (data or {}).get("signers", []) if s["mine"]]
    return (
        render_template(
            "agreements/sign.html",
            case=case,
            agreement=data,
            mine=mine,
            may_sign=bool(
                data
                and data["status"] == "issued"
                and any(not s["signed"] for s in mine)
                and user.role in (Role.CLAIMANT, Role.INSTITUTION)
            ),
            error=error,
        ),
        status,
    )


@bp.get(PAGE)
def page(number: str):
    return _page(_case(number))


@bp.post(PAGE)
def page_save(number: str):
    case = _case(number, for_update=True)
    _require_staff(_user(), case)
    clauses, values = _form_clauses(request.form)
    try:
        service.save_draft(
            db(),
            case,
            _user(),
            clauses,
            expected_version=inputs.parse_int(
                request.form.get("version"), "version", required=False, low=1
            ),
        )
        db().commit()
    except UserError as exc:
        db().rollback()
        return _page(case, values=values, status=exc.status, error=exc.message(g.lang))
    flash(t("agreements.saved", g.lang))
    return redirect(url_for("agreements.page", number=number))


def _redirect_with(number: str, message: str | None = None):
    if message:
        flash(message)
    return redirect(url_for("agreements.page", number=number))


def _act(number: str, action, done_key: str):
    """A page form's action: commit and go back with `done_key`'s message, or roll back and
    go back with the error's message in the user's language."""
    try:
        action()
        db().commit()
    except UserError as exc:
        db().rollback()
        return _redirect_with(number, exc.message(g.lang))
    return _redirect_with(number, t(done_key, g.lang))


@bp.post(PAGE + "/issue")
def page_issue(number: str):
    case = _case(number, for_update=True)
    _require_staff(_user(), case)
    return _act(
        number,
        lambda: service.issue(db(), case, _user(), _store(), lang=g.lang),
        "agreements.issued_ok",
    )


@bp.post(PAGE + "/code")
def page_code(number: str):
    case = _case(number, for_update=True)
    _require_party_or_staff(_user(), case)
    return _act(
        number,
        lambda: service.request_code(db(), case, _user(), lang=g.lang),
        "agreements.code_sent",
    )


@bp.post(PAGE + "/sign")
def page_sign(number: str):
    case = _case(number, for_update=True)
    _require_party_or_staff(_user(), case)
    return _act(
        number,
        lambda: service.sign(
            db(),
            case,
            _user(),
            request.form.get("code"),
            _ctx(_user()),
            _store(),
            ip=request.remote_addr,
            user_agent=request.headers.get("User-Agent"),
            settings=_settings(),
            lang=g.lang,
        ),
        "agreements.signed_ok",
    )


@bp.post(PAGE + "/in-person/code")
def page_in_person_code(number: str):
    case = _recorder_case(number)
    return _act(
        number,
        lambda: service.request_in_person_code(
            db(), case, _user(), _party_id(request.form.get("party"))
        ),
        "agreements.in_person.code_sent",
    )


@bp.post(PAGE + "/in-person")
def page_in_person(number: str):
    case = _recorder_case(number)
    return _act(
        number,
        lambda: _record_in_person(case, request.form, request.files.get("scan")),
        "agreements.in_person.recorded",
    )


@bp.app_context_processor
def _panel_helper() -> dict:
    def agreement_panel(number: str) -> dict | None:
        """For the case pages' agreement section: the version the viewer may see."""
        user = current_user()
        if user is None:
            return None
        try:
            case = get_case(db(), user.centre_id, number)
        except UserError:
            return None
        if not access.can_see(user, case):
            return None
        agreement = _visible(case, user)
        return agreement_json(case, agreement, user, g.lang) if agreement else None

    return {"agreement_panel": agreement_panel}


# OpenAPI --------------------------------------------------------------------------------

_CLAUSE = {
    "type": "object",
    "required": ["template", "fields"],
    "properties": {
        "template": {"type": "string", "enum": list(TEMPLATES)},
        "fields": {
            "type": "object",
            "description": "Field values by name (GET /api/agreement-templates lists them); "
            "amounts as decimal strings, dates as YYYY-MM-DD, instalments as "
            '[{"due_on": date, "amount": decimal string}].',
        },
    },
}
_BODIES = {
    ("POST", "/api/cases/{number}/agreement"): {
        "type": "object",
        "required": ["clauses"],
        "properties": {
            "clauses": {"type": "array", "items": _CLAUSE, "minItems": 1},
            "expected_version": {"type": "integer", "minimum": 1},
        },
    },
    ("POST", "/api/cases/{number}/agreement/sign"): {
        "type": "object",
        "required": ["code"],
        "properties": {"code": {"type": "string", "pattern": "^[0-9]{6}$"}},
    },
    ("POST", "/api/cases/{number}/agreement/in-person/code"): {
        "type": "object",
        "required": ["party"],
        "properties": {"party": {"type": "integer", "description": "the party's id"}},
    },
}
_MULTIPART = {
    ("POST", "/api/cases/{number}/agreement/in-person"): {
        "type": "object",
        "required": ["party", "signatory_name", "id_document", "scan"],
        "properties": {
            "party": {"type": "integer", "description": "the party's id (no portal account)"},
            "signatory_name": {"type": "string", "maxLength": 100},
            "id_document": {
                "type": "string",
                "description": "identity document number checked; only a masked form and "
                "a salted hash are kept",
            },
            "signed_at": {
                "type": "string",
                "description": "centre wall-clock time YYYY-MM-DDTHH:MM (default: now); not "
                "in the future nor before issue",
            },
            "code": {
                "type": "string",
                "pattern": "^[0-9]{6}$",
                "description": "required when the party's phone is on file (method "
                "in_person_code); else the method is in_person_paper",
            },
            "scan": {
                "type": "string",
                "format": "binary",
                "description": "scan of the signed paper page: PDF, PNG or JPEG, at most 20 MB; "
                "stored as case evidence",
            },
        },
    },
}
_ERR = {"$ref": "#/components/responses/Error"}
_NULLABLE_STR = {"type": ["string", "null"]}
_AGREEMENT = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "case": {"type": "string"},
        "version": {"type": "integer"},
        "status": {"type": "string", "enum": [s.value for s in AgreementStatus]},
        "status_label": {"type": "string"},
        "clauses": {"type": "array", "items": _CLAUSE},
        "text": {"type": "string", "description": "The agreement's words, one block a line"},
        "pdf_sha256": _NULLABLE_STR,
        "issued_at": _NULLABLE_STR,
        "effective_on": {"type": ["string", "null"], "format": "date"},
        "executed_sha256": _NULLABLE_STR,
        "signers": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "role": {"type": "string", "enum": ["claimant", "respondent", "mediator"]},
                    "party": {"type": ["integer", "null"]},
                    "signed": {"type": "boolean"},
                    "signed_at": _NULLABLE_STR,
                    "pdf_sha256": _NULLABLE_STR,
                    "ledger_seq": {"type": ["integer", "null"]},
                    "mine": {"type": "boolean", "description": "the caller may sign here"},
                    "method": {
                        "type": ["string", "null"],
                        "enum": [
                            "sms_code",
                            "email_code",
                            "in_person_code",
                            "in_person_paper",
                            None,
                        ],
                    },
                    "method_label": _NULLABLE_STR,
                    "in_person": {
                        "type": ["object", "null"],
                        "properties": {
                            "signatory": _NULLABLE_STR,
                            "id_document": _NULLABLE_STR,
                            "recorded_by": _NULLABLE_STR,
                            "paper_sha256": {"type": "string"},
                            "paper_evidence": {"type": ["integer", "null"]},
                        },
                    },
                },
            },
        },
        "in_person_slots": {
            "type": "array",
            "description": "staff: open party slots signed in person (no portal account)",
            "items": {
                "type": "object",
                "properties": {
                    "role": {"type": "string", "enum": ["claimant", "respondent"]},
                    "party": {"type": "integer"},
                    "party_name": {"type": "string"},
                    "code_required": {"type": "boolean"},
                    "phone_masked": _NULLABLE_STR,
                },
            },
        },
        "payment_schedule": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "due_on": {"type": "string", "format": "date"},
                    "amount": {"type": "string"},
                    "payer": {"type": "string", "enum": ["respondent", "claimant"]},
                    "description": {"type": "string"},
                },
            },
        },
        "pdf": _NULLABLE_STR,
        "executed_pdf": _NULLABLE_STR,
        "preview": _NULLABLE_STR,
    },
}
_RESPONSES = {
    ("GET", "/api/cases/{number}/agreement"): {
        "type": "object",
        "properties": {"agreement": {"oneOf": [_AGREEMENT, {"type": "null"}]}},
    },
    ("POST", "/api/cases/{number}/agreement"): _AGREEMENT,
    ("POST", "/api/cases/{number}/agreement/issue"): _AGREEMENT,
    ("POST", "/api/cases/{number}/agreement/sign"): _AGREEMENT,
    ("POST", "/api/cases/{number}/agreement/in-person"): _AGREEMENT,
    ("POST", "/api/cases/{number}/agreement/in-person/code"): {
        "type": "object",
        "properties": {
            "sent": {"type": "boolean"},
            "channel": {"type": "string"},
            "expires_at": {"type": "string"},
            "message": {"type": "string"},
        },
    },
    ("POST", "/api/cases/{number}/agreement/code"): {
        "type": "object",
        "properties": {
            "sent": {"type": "boolean"},
            "channel": {"type": "string"},
            "expires_at": {"type": "string"},
            "message": {"type": "string"},
        },
    },
}


def openapi_paths() -> dict:
    paths: dict[str, dict] = {}
    number = {"name": "number", "in": "path", "required": True, "schema": {"type": "string"}}
    version = {"name": "version", "in": "query", "required": False, "schema": {"type": "integer"}}
    for method, path, summary in ROUTES:
        params = [number] if "{number}" in path else []
        if path.endswith("/agreement/pdf"):
            params.append(version)
        if path.endswith(".pdf") or path.endswith("/pdf"):
            ok = {
                "description": summary + "; header X-Content-SHA256 is the file's hash",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        else:
            schema = _RESPONSES.get((method, path), {"type": "object"})
            ok = {"description": summary, "content": {"application/json": {"schema": schema}}}
        op: dict = {
            "summary": summary,
            "tags": ["agreements"],
            "parameters": params,
            "responses": {
                "200": ok,
                "400": _ERR,
                "401": _ERR,
                "403": _ERR,
                "404": _ERR,
                "409": _ERR,
                "429": _ERR,
            },
        }
        if method == "POST" and path.endswith("/agreement"):
            op["responses"]["201"] = {"description": "The first draft was created"}
        body = _BODIES.get((method, path))
        if body is not None:
            op["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": body}},
            }
        form = _MULTIPART.get((method, path))
        if form is not None:
            op["requestBody"] = {
                "required": True,
                "content": {"multipart/form-data": {"schema": form}},
            }
            op["responses"]["413"] = _ERR
        paths.setdefault(path, {})[method.lower()] = op
    return paths
