"""Server-rendered pages: sign-in, the mediator's queue by urgency, one case's clocks and
timeline, with stage actions."""

from __future__ import annotations

import time
from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.security import check_password_hash

from mediation.cases import operations, stages
from mediation.cases.model import Case, CaseMessage, MessageKind, Stage, Urgency
from mediation.cases.service import deadline_context, get_case
from mediation.db import utcnow
from mediation.deadlines import service as clocks
from mediation.deadlines.model import PauseReason
from mediation.errors import UserError
from mediation.people import access
from mediation.people.model import LoginAttempt, Role, User
from mediation.web import inputs, present
from mediation.web.setup import current_user, db, today

bp = Blueprint("pages", __name__)


def require_user() -> User:
    user = current_user()
    if user is None:
        abort(redirect(url_for("pages.login", next=request.path)))
    return user


@bp.get("/")
def index():
    user = current_user()
    if user is None:
        return redirect(url_for("pages.login"))
    if user.reads_all_cases:
        return redirect(url_for("pages.workspace"))
    return redirect(url_for("pages.my_cases"))


ELDERLY_COOKIE = "elderly"


def elderly_mode() -> bool:
    return request.cookies.get(ELDERLY_COOKIE) == "1"


@bp.post("/elderly")
def toggle_elderly():
    """One click, remembered in this browser for a year (not tied to the sign-in)."""
    ref = request.referrer or ""
    response = redirect(ref if ref.startswith(request.host_url) else url_for("pages.index"))
    if elderly_mode():
        response.delete_cookie(ELDERLY_COOKIE)
    else:
        response.set_cookie(ELDERLY_COOKIE, "1", max_age=365 * 86400, samesite="Lax", httponly=True)
    return response


@bp.get("/my")
def my_cases():
    """A party's own cases (claimant, institution, court): progress in plain words."""
    user = require_user()
    rows = (
        db()
        .scalars(
            access.visible_cases(user)
            .options(selectinload(Case.parties))
            .order_by(Case.received_on.desc(), Case.number.desc())
            .limit(200)
        )
        .all()
    )
    cases = [present.case_summary_json(c, user, g.lang) for c in rows]
    return render_template("portal/my_cases.html", cases=cases)


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        username = (request.form.get("username") or "").strip()[:64]
        session_ = db()
        if _locked_out(session_, username):
            error = "too_many_attempts"
        else:
            user = session_.scalar(select(User).where(User.username == username, User.active))
            ok = user is not None and check_password_hash(
                user.password_hash, request.form.get("password") or ""
            )
            session_.add(LoginAttempt(username=username, ip=request.remote_addr, success=ok))
            session_.commit()
            if ok:
                session.clear()
                session.permanent = True
                session["user_id"] = user.id
                session["seen"] = int(time.time())
                session["lang"] = user.language  # the language this user chose before
                nxt = request.args.get("next") or ""
                # Only local paths: an open redirect would let a link send users elsewhere.
                if not nxt.startswith("/") or nxt.startswith("//"):
                    nxt = url_for("pages.index")
                return redirect(nxt)
            error = "login_failed"
    status = {None: 200, "login_failed": 401, "too_many_attempts": 429}[error]
    return render_template("login.html", error=error), status


def _locked_out(session_, username: str) -> bool:
    window = timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])
    since = utcnow() - window
    failures = session_.scalar(
        select(func.count(LoginAttempt.id)).where(
            LoginAttempt.username == username,
            LoginAttempt.at >= since,
            LoginAttempt.success.is_(False),
        )
    )
    return failures >= current_app.config["LOGIN_MAX_FAILURES"]


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("pages.login"))


@bp.route("/lang/<code>", methods=["GET", "POST"])
def set_language(code: str):
    """Switch this browser's language. The header's buttons POST (CSRF-checked), which also
    saves a signed-in user's choice: notices to them are written in it, and it comes back
    at their next sign-in. A plain link (GET) switches only this session."""
    if code in ("zh", "en"):
        session["lang"] = code
        user = current_user()
        if request.method == "POST" and user is not None and user.language != code:
            user.language = code
            db().commit()
    ref = request.referrer or ""
    return redirect(ref if ref.startswith(request.host_url) else url_for("pages.index"))


URGENCY_ORDER = [Urgency.OVERDUE, Urgency.DUE_SOON, Urgency.UNVERIFIED, Urgency.OK, Urgency.NONE]


@bp.get("/workspace")
def workspace():
    user = require_user()
    if not user.reads_all_cases:
        return redirect(url_for("pages.my_cases"))
    stage = inputs.parse_enum(Stage, request.args.get("stage"), "stage", required=False)
    query = access.visible_cases(user).options(selectinload(Case.parties))
    if stage:
        query = query.where(Case.stage == stage)
    else:
        query = query.where(Case.stage != Stage.CLOSED)
    rows = (
        db()
        .scalars(
            query.order_by(Case.next_due_on.is_(None), Case.next_due_on, Case.number).limit(500)
        )
        .all()
    )
    rank = {u: i for i, u in enumerate(URGENCY_ORDER)}
    rows = sorted(rows, key=lambda c: rank[c.urgency])  # stable: due date order within a group
    cases = [present.case_summary_json(c, user, g.lang) for c in rows]
    return render_template(
        "workspace.html", cases=cases, stages=list(Stage), stage=stage, today=today()
    )


@bp.get("/cases/<number>")
def case_page(number: str):
    user = require_user()
    case = get_case(db(), user.centre_id, number)
    access.require_see(user, case)
    access.log_personal_data_access(db(), user, case, "page", request.remote_addr)
    db().commit()
    ctx = deadline_context(db(), user.centre, today())
    data = present.case_json(case, user, clocks.case_clocks(db(), case), ctx, g.lang)
    can_manage = access.can_see(user, case) and user.is_staff
    messages = [
        present.message_json(m, user, g.lang)
        for m in db().scalars(
            select(CaseMessage)
            .where(CaseMessage.case_id == case.id)
            .order_by(CaseMessage.at, CaseMessage.id)
        )
    ]
    message_kinds = _message_kinds(user)
    from mediation.web.evidence import evidence_for_page

    evidence = evidence_for_page(case, user)
    may_upload = user.role not in (Role.AUDITOR, Role.COURT)
    if not user.reads_all_cases:
        return render_template(
            "portal/case.html",
            case=data,
            progress=present.progress(case.stage),
            next_deadline=present.next_deadline(data, g.lang),
            handler=case.mediator.display_name if case.mediator else None,
            can_withdraw=Stage.WITHDRAWN in stages.allowed_next(case.stage),
            messages=messages,
            message_kinds=message_kinds,
            evidence=evidence,
            may_upload=may_upload,
        )
    return render_template(
        "case.html",
        case=data,
        next_stages=[s.value for s in stages.allowed_next(case.stage)] if can_manage else [],
        pause_reasons=[r.value for r in PauseReason],
        can_manage=can_manage,
        messages=messages,
        message_kinds=message_kinds,
        evidence=evidence,
        may_upload=may_upload,
    )


def _message_kinds(user: User) -> list[str]:
    if user.role in (Role.AUDITOR, Role.COURT):
        return []
    kinds = ["message", "proposal"]
    if user.role == Role.INSTITUTION:
        kinds.insert(1, "response")
    return kinds


@bp.post("/cases/<number>/messages")
def case_message(number: str):
    user = require_user()
    session_ = db()
    case = get_case(session_, user.centre_id, number, for_update=True)
    kind = inputs.parse_enum(MessageKind, request.form.get("kind") or "message", "kind")
    access.require_post(user, case, kind.value)
    try:
        operations.post_message(
            session_,
            case,
            user,
            kind,
            inputs.parse_text(request.form.get("body"), "body", max_len=10000),
            amount=inputs.parse_amount(request.form.get("amount"), "amount"),
        )
        session_.commit()
    except UserError as exc:
        session_.rollback()
        flash(exc.message(g.lang), "error")
    return redirect(url_for("pages.case_page", number=number) + "#messages")


@bp.post("/cases/<number>/transition")
def case_transition(number: str):
    user = require_user()
    session_ = db()
    case = get_case(session_, user.centre_id, number, for_update=True)
    access.require_see(user, case)
    target = inputs.parse_enum(Stage, request.form.get("to"), "to")
    access.require_transition(user, case, target)
    try:
        operations.transition(
            session_,
            case,
            user,
            target,
            deadline_context(session_, user.centre, today()),
            reason=request.form.get("reason"),
            expected_version=inputs.parse_int(
                request.form.get("version"), "version", required=False
            ),
        )
        session_.commit()
    except UserError as exc:
        session_.rollback()
        flash(exc.message(g.lang), "error")
    return redirect(url_for("pages.case_page", number=number))


@bp.post("/cases/<number>/pause")
def case_pause(number: str):
    user = require_user()
    session_ = db()
    case = get_case(session_, user.centre_id, number, for_update=True)
    access.require_manage(user, case)
    try:
        if request.form.get("action") == "resume":
            operations.resume(
                session_,
                case,
                user,
                deadline_context(session_, user.centre, today()),
                note=request.form.get("note"),
            )
        else:
            reason = inputs.parse_enum(PauseReason, request.form.get("reason"), "reason")
            operations.pause(
                session_,
                case,
                user,
                reason,
                deadline_context(session_, user.centre, today()),
                note=request.form.get("note"),
            )
        session_.commit()
    except UserError as exc:
        session_.rollback()
        flash(exc.message(g.lang), "error")
    return redirect(url_for("pages.case_page", number=number))
