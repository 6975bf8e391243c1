"""Public disclosure: the staff review on the case page and in the API (draft, edit,
approve, publish, withdraw, the privacy / trade-secret flag) and the public pages
/public/agreements (no sign-in, zh/en, phone-sized)."""

from __future__ import annotations

from flask import Blueprint, flash, g, jsonify, redirect, render_template, request, url_for

from mediation.cases.model import Case
from mediation.cases.service import get_case
from mediation.disclosure import service
from mediation.errors import UserError
from mediation.people import access
from mediation.people.model import User
from mediation.web import inputs
from mediation.web.api import bp as api_bp
from mediation.web.setup import current_user, db

bp = Blueprint("disclosure", __name__)

ROUTES = (
    ("get", "/api/cases/{number}/disclosure", "The case's disclosure and its review state"),
    ("post", "/api/cases/{number}/disclosure/draft", "Draft (or redraft) the anonymized text"),
    ("post", "/api/cases/{number}/disclosure", "Edit the text (anonymized again; back to draft)"),
    ("post", "/api/cases/{number}/disclosure/approve", "Approve the draft (mediator review)"),
    ("post", "/api/cases/{number}/disclosure/publish", "Publish the approved text"),
    ("post", "/api/cases/{number}/disclosure/withdraw", "Withdraw the published text"),
    (
        "post",
        "/api/cases/{number}/privacy-flag",
        "Mark or unmark the case as involving privacy or trade secrets",
    ),
)

_BODIES = {
    "/api/cases/{number}/disclosure": {
        "type": "object",
        "required": ["title", "facts", "outcome"],
        "properties": {
            "title": {"type": "string"},
            "facts": {"type": "string"},
            "outcome": {"type": "string"},
        },
    },
    "/api/cases/{number}/disclosure/withdraw": {
        "type": "object",
        "required": ["reason"],
        "properties": {"reason": {"type": "string"}},
    },
    "/api/cases/{number}/privacy-flag": {
        "type": "object",
        "required": ["restricted"],
        "properties": {"restricted": {"type": "boolean"}, "reason": {"type": "string"}},
    },
}


def openapi_paths() -> dict:
    err = {"$ref": "#/components/responses/Error"}
    number = {"name": "number", "in": "path", "required": True, "schema": {"type": "string"}}
    paths: dict = {}
    for method, path, summary in ROUTES:
        op = {
            "summary": summary + (" (centre staff)" if method == "post" else ""),
            "tags": ["disclosure"],
            "parameters": [number],
            "responses": {
                "200": {"description": "OK"},
                "400": err,
                "401": err,
                "403": err,
                "404": err,
                "409": err,
            },
        }
        if method == "post" and path in _BODIES:
            op["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": _BODIES[path]}},
            }
        paths.setdefault(path, {})[method] = op
    return paths


def _load(number: str, user: User, for_update: bool = False) -> Case:
    case = get_case(db(), user.centre_id, number, for_update=for_update)
    access.require_manage(user, case)
    return case


def _state(case: Case, findings=None) -> dict:
    out = {
        "privacy_restricted": case.privacy_restricted,
        "eligible": service.reached_agreement(case) and not case.privacy_restricted,
        "disclosure": service.disclosure_json(service.get_disclosure(db(), case)),
    }
    if findings is not None:
        # The reviewer sees exactly what was replaced; this is not stored.
        out["findings"] = [f.as_dict() for f in findings]
    return out


# API ---------------------------------------------------------------------------------------


@api_bp.get("/cases/<number>/disclosure")
def api_disclosure(number: str):
    case = _load(number, g.user)
    return jsonify(_state(case))


@api_bp.post("/cases/<number>/disclosure/draft")
def api_draft(number: str):
    case = _load(number, g.user, for_update=True)
    _, findings = service.draft(db(), case, g.user)
    db().commit()
    return jsonify(_state(case, findings)), 201


@api_bp.post("/cases/<number>/disclosure")
def api_edit(number: str):
    case = _load(number, g.user, for_update=True)
    body = inputs.json_body()
    _, findings = service.edit(
        db(),
        case,
        g.user,
        title=inputs.parse_text(body.get("title"), "title", max_len=200),
        facts=inputs.parse_text(body.get("facts"), "facts", max_len=20000),
        outcome=inputs.parse_text(body.get("outcome"), "outcome", max_len=20000),
    )
    db().commit()
    return jsonify(_state(case, findings))


@api_bp.post("/cases/<number>/disclosure/approve")
def api_approve(number: str):
    case = _load(number, g.user, for_update=True)
    service.approve(db(), case, g.user)
    db().commit()
    return jsonify(_state(case))


@api_bp.post("/cases/<number>/disclosure/publish")
def api_publish(number: str):
    case = _load(number, g.user, for_update=True)
    service.publish(db(), case, g.user)
    db().commit()
    return jsonify(_state(case))


@api_bp.post("/cases/<number>/disclosure/withdraw")
def api_withdraw(number: str):
    case = _load(number, g.user, for_update=True)
    reason = inputs.parse_text(inputs.json_body().get("reason"), "reason", max_len=2000)
    service.withdraw(db(), case, g.user, reason)
    db().commit()
    return jsonify(_state(case))


@api_bp.post("/cases/<number>/privacy-flag")
def api_privacy_flag(number: str):
    case = _load(number, g.user, for_update=True)
    body = inputs.json_body()
    restricted = body.get("restricted")
    if not isinstance(restricted, bool):
        raise UserError("invalid_field", field="restricted", detail="true | false")
    reason = inputs.parse_text(body.get("reason"), "reason", required=False, max_len=2000)
    service.set_privacy_flag(db(), case, g.user, restricted, reason)
    db().commit()
    return jsonify(_state(case))


# Staff pages -------------------------------------------------------------------------------


def _page_user() -> User:
    from mediation.web.pages import require_user

    return require_user()


@bp.post("/cases/<number>/disclosure/<action>")
def page_action(number: str, action: str):
    user = _page_user()
    case = _load(number, user, for_update=True)
    form = request.form
    try:
        if action == "draft":
            service.draft(db(), case, user)
        elif action == "edit":
            service.edit(
                db(),
                case,
                user,
                title=inputs.parse_text(form.get("title"), "title", max_len=200),
                facts=inputs.parse_text(form.get("facts"), "facts", max_len=20000),
                outcome=inputs.parse_text(form.get("outcome"), "outcome", max_len=20000),
            )
        elif action == "approve":
            service.approve(db(), case, user)
        elif action == "publish":
            service.publish(db(), case, user)
        elif action == "withdraw":
            service.withdraw(
                db(), case, user, inputs.parse_text(form.get("reason"), "reason", max_len=2000)
            )
        elif action == "flag":
            service.set_privacy_flag(
                db(),
                case,
                user,
                form.get("restricted") == "1",
                inputs.parse_text(form.get("reason"), "reason", required=False, max_len=2000),
            )
        else:
            raise UserError("not_found", status=404)
        db().commit()
    except UserError as exc:
        db().rollback()
        flash(exc.message(g.lang), "error")
    return redirect(url_for("pages.case_page", number=number) + "#disclosure")


def disclosure_panel(number: str) -> dict | None:
    """What templates/disclosure/_panel.html shows (staff only)."""
    user = current_user()
    if user is None or not user.is_staff:
        return None
    case = get_case(db(), user.centre_id, number)
    if not access.can_see(user, case):
        return None
    return {"number": case.number, **_state(case)}


@bp.app_context_processor
def _helpers() -> dict:
    return {"disclosure_panel": disclosure_panel}


# Public pages (no sign-in) -----------------------------------------------------------------

PER_PAGE = 20


@bp.get("/public/agreements")
def public_list():
    page = inputs.parse_int(request.args.get("page"), "page", required=False, low=1, high=10000)
    page = page or 1
    items = service.public_list(db(), page=page, per_page=PER_PAGE + 1)
    return render_template(
        "disclosure/public_list.html",
        items=[service.disclosure_json(d, public=True) for d in items[:PER_PAGE]],
        page=page,
        more=len(items) > PER_PAGE,
    )


@bp.get("/public/agreements/<int:disclosure_id>")
def public_item(disclosure_id: int):
    d = service.public_item(db(), disclosure_id)
    return render_template(
        "disclosure/public_item.html", item=service.disclosure_json(d, public=True)
    )
