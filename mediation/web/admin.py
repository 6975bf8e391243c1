"""The centre administrator's pages: users and roles, rule sets, the holiday calendar."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.security import generate_password_hash

from mediation.cases.service import rule_set, rule_set_names, rulebook
from mediation.deadlines.calendar import ScheduleError, parse_schedule
from mediation.deadlines.holidays import import_schedule, remove_day, set_day, year_summary
from mediation.errors import Forbidden, UserError
from mediation.i18n import t
from mediation.people.model import Role, User
from mediation.web import inputs
from mediation.web.pages import require_user
from mediation.web.setup import db, today, token_hash

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _admin() -> User:
    user = require_user()
    if user.role != Role.ADMIN:
        raise Forbidden()
    return user


def _extra_dirs() -> tuple[str, ...]:
    from flask import current_app

    return tuple(current_app.config["EXTRA_RULE_DIRS"])


def _language(value: str | None) -> str:
    """A user's notice language from a form: zh (the default) or en."""
    from mediation.i18n import LANGUAGES

    value = (value or "zh").strip()
    if value not in LANGUAGES:
        raise UserError("invalid_field", field="language", detail=" | ".join(LANGUAGES))
    return value


@bp.get("/users")
def users():
    admin = _admin()
    rows = (
        db()
        .scalars(
            select(User).where(User.centre_id == admin.centre_id).order_by(User.role, User.username)
        )
        .all()
    )
    return render_template("admin/users.html", users=rows, roles=[r.value for r in Role])


@bp.post("/users")
def create_user():
    admin = _admin()
    session_ = db()
    try:
        username = inputs.parse_text(request.form.get("username"), "username", max_len=64)
        if session_.scalar(select(User).where(User.username == username)):
            raise UserError("user_exists", username=username)
        password = request.form.get("password") or ""
        if len(password) < 10:
            raise UserError("weak_password")
        session_.add(
            User(
                centre_id=admin.centre_id,
                username=username,
                display_name=inputs.parse_text(
                    request.form.get("display_name"), "display_name", max_len=100
                ),
                role=inputs.parse_enum(Role, request.form.get("role"), "role"),
                password_hash=generate_password_hash(password),
                institution_name=inputs.parse_text(
                    request.form.get("institution"), "institution", required=False, max_len=200
                ),
                language=_language(request.form.get("language")),
            )
        )
        session_.commit()
        flash(t("admin.user_created", g.lang, {"username": username}))
    except UserError as exc:
        session_.rollback()
        flash(exc.message(g.lang))
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>")
def change_user(user_id: int):
    admin = _admin()
    session_ = db()
    user = session_.get(User, user_id)
    if user is None or user.centre_id != admin.centre_id:
        raise UserError("not_found", status=404)
    action = request.form.get("action")
    if action == "deactivate" and user.id != admin.id:
        user.active = False
    elif action == "activate":
        user.active = True
    elif action == "language":
        try:
            user.language = _language(request.form.get("language"))
        except UserError as exc:
            flash(exc.message(g.lang))
    elif action == "token":
        token = secrets.token_urlsafe(32)
        user.api_token_hash = token_hash(token)
        # Shown once on the next page and never stored in the clear.
        flash(t("admin.token_issued", g.lang, {"username": user.username, "token": token}))
    session_.commit()
    return redirect(url_for("admin.users"))


@bp.get("/calendar")
def calendar():
    _admin()
    year = (
        inputs.parse_int(request.args.get("year"), "year", required=False, low=1950, high=2199)
        or today().year
    )
    verified, days = year_summary(db(), year)
    return render_template("admin/calendar.html", year=year, verified=verified, days=days)


@bp.post("/calendar")
def change_calendar():
    admin = _admin()
    session_ = db()
    try:
        upload = request.files.get("schedule")
        if upload and upload.filename:
            try:
                # The trailing newline keeps the upload from ever being read as a file path.
                schedule = parse_schedule(upload.read(256 * 1024).decode("utf-8") + "\n")
            except (ScheduleError, UnicodeDecodeError) as exc:
                raise UserError("bad_schedule", detail=str(exc)) from None
            import_schedule(session_, schedule)
            year = schedule.year
        else:
            day = inputs.parse_date(request.form.get("day"), "day")
            year = day.year
            if request.form.get("action") == "remove":
                remove_day(session_, day)
            else:
                set_day(
                    session_,
                    day,
                    request.form.get("kind") == "workday",
                    request.form.get("name") or None,
                    f"admin:{admin.username}",
                )
        session_.commit()
        return redirect(url_for("admin.calendar", year=year))
    except UserError as exc:
        session_.rollback()
        flash(exc.message(g.lang))
        return redirect(url_for("admin.calendar"))


@bp.get("/rules")
def rules():
    admin = _admin()
    dirs = _extra_dirs()
    book = rulebook(dirs)
    current = rule_set(admin.centre.rule_set, dirs)
    return render_template(
        "admin/rules.html",
        rules=book.all(include_aliases=False),
        sets=rule_set_names(dirs),
        current=current,
    )


@bp.post("/rules")
def choose_rules():
    admin = _admin()
    try:
        chosen = rule_set(
            inputs.parse_text(request.form.get("rule_set"), "rule_set", max_len=64), _extra_dirs()
        )
        admin.centre.rule_set = chosen.name
        db().commit()
    except UserError as exc:
        flash(exc.message(g.lang))
    return redirect(url_for("admin.rules"))


# The centre's seal image ------------------------------------------------------------------


def _seal_state(admin: User) -> tuple[str, str | None]:
    """Which seal agreements use now ("uploaded" | "config" | "generated") and its kind."""
    from flask import current_app

    from mediation.agreements.seal import seal_file

    uploaded = seal_file(current_app.instance_path, admin.centre.code)
    if uploaded is not None:
        return "uploaded", uploaded.suffix.lstrip(".")
    configured = current_app.config.get("AGREEMENT_SEAL_FILE")
    if configured and Path(configured).is_file():
        return "config", None
    return "generated", None


@bp.get("/seal")
def seal():
    from mediation.agreements.seal import MAX_BYTES

    admin = _admin()
    state, kind = _seal_state(admin)
    return render_template("admin/seal.html", state=state, kind=kind, kb=MAX_BYTES // 1024)


@bp.get("/seal/image")
def seal_image():
    """The seal agreements will carry: the uploaded one, the configured one or a generated
    one (for the preview; an SVG is served so it cannot run anything)."""
    from flask import Response, current_app

    from mediation.agreements import render
    from mediation.agreements.service import Settings

    admin = _admin()
    settings = Settings.from_config(
        current_app.config, current_app.instance_path, admin.centre.code
    )
    uri = render.seal_data_uri(admin.centre.name, settings.seal_file)
    media_type, _, b64 = uri[len("data:") :].partition(";base64,")
    import base64

    response = Response(base64.b64decode(b64), mimetype=media_type)
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/seal")
def change_seal():
    from flask import current_app

    from mediation.agreements.seal import MAX_BYTES, remove_seal, save_seal

    admin = _admin()
    try:
        if request.form.get("action") == "remove":
            remove_seal(current_app.instance_path, admin.centre.code)
            flash(t("agreements.seal.removed", g.lang))
        else:
            upload = request.files.get("seal")
            if upload is None or not upload.filename:
                raise UserError("missing_field", field="seal")
            save_seal(
                current_app.instance_path, admin.centre.code, upload.stream.read(MAX_BYTES + 1)
            )
            flash(t("agreements.seal.saved", g.lang))
    except UserError as exc:
        flash(exc.message(g.lang))
    return redirect(url_for("admin.seal"))


# Courts -----------------------------------------------------------------------------------


def _centre_ca():
    """The centre CA certificate a court registers as its trust anchor (made on first use)."""
    from flask import current_app

    from mediation.packets.build import PacketContext

    return PacketContext.from_app(current_app).packet_signer


def _courts_page(admin: User, *, new_token: dict | None = None, status: int = 200):
    from mediation.court import service as court_service
    from mediation.court.model import CourtUser

    courts = court_service.list_courts(db(), admin.centre_id)
    members: dict[int, list[CourtUser]] = {c.id: [] for c in courts}
    if courts:
        links = db().scalars(
            select(CourtUser)
            .where(CourtUser.court_id.in_(list(members)))
            .options(selectinload(CourtUser.user))
            .order_by(CourtUser.user_id)
        )
        for link in links:
            members[link.court_id].append(link)
    signer = _centre_ca()
    return (
        render_template(
            "admin/courts.html",
            courts=courts,
            members=members,
            centre_ca_fingerprint=signer.ca_fingerprint,
            centre_ca_pem=signer.ca_pem.decode(),
            new_token=new_token,
        ),
        status,
    )


@bp.get("/courts")
def courts():
    return _courts_page(_admin())


@bp.get("/courts/centre-ca.pem")
def centre_ca_pem():
    from flask import Response

    _admin()
    response = Response(_centre_ca().ca_pem, mimetype="application/x-pem-file")
    response.headers["Content-Disposition"] = 'attachment; filename="centre-ca.pem"'
    return response


@bp.post("/courts")
def register_court():
    """Register a court (or update it). Its trust anchor is this centre's CA unless the
    administrator uploads another certificate (a court that registered an earlier CA)."""
    from mediation.court import service as court_service

    admin = _admin()
    session_ = db()
    try:
        code = inputs.parse_text(request.form.get("code"), "code", max_len=32)
        name = inputs.parse_text(request.form.get("name"), "name", max_len=200)
        region = inputs.parse_text(
            request.form.get("region"), "region", required=False, max_len=100
        )
        upload = request.files.get("trust_anchor")
        if upload is not None and upload.filename:
            try:
                pem = upload.stream.read(64 * 1024).decode("ascii")
            except UnicodeDecodeError:
                raise UserError("court.bad_certificate") from None
        else:
            pem = _centre_ca().ca_pem.decode()
        court = court_service.register_court(
            session_, admin.centre, code, name, region=region, trust_anchor_pem=pem
        )
        fingerprint = court.ca_fingerprint
        session_.commit()
        flash(t("court.admin.registered", g.lang, {"code": code, "fingerprint": fingerprint}))
    except UserError as exc:
        session_.rollback()
        flash(exc.message(g.lang))
    return redirect(url_for("admin.courts"))


@bp.post("/courts/<code>/users")
def add_court_user(code: str):
    """A clerk (signs in with a password) or the court's service account (API token only).
    The token is shown once on the page this returns, never stored or put in a cookie."""
    from mediation.court import service as court_service

    admin = _admin()
    session_ = db()
    try:
        court = court_service.get_court(session_, admin.centre_id, code)
        service_account = request.form.get("kind") == "service_account"
        username = inputs.parse_text(request.form.get("username"), "username", max_len=64)
        display_name = (
            inputs.parse_text(
                request.form.get("display_name"), "display_name", required=False, max_len=100
            )
            or username
        )
        password = None
        if not service_account:
            password = request.form.get("password") or ""
            if len(password) < 10:
                raise UserError("weak_password")
        user, token = court_service.add_court_user(
            session_,
            court,
            username,
            display_name,
            password=password,
            service_account=service_account,
        )
        session_.commit()
    except UserError as exc:
        session_.rollback()
        flash(exc.message(g.lang))
        return redirect(url_for("admin.courts"))
    return _courts_page(
        admin,
        new_token={"username": user.username, "court": court.name, "token": token},
    )
