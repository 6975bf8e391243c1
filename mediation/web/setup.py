"""Attach the database, authentication, CSRF protection, error handling and blueprints."""

from __future__ import annotations

import hashlib
import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, g, jsonify, render_template, request, session
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from mediation.db import make_engine, make_sessionmaker
from mediation.errors import UserError
from mediation.i18n import pick_language, t
from mediation.people.model import User

csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["mediation.engine"] = engine
    app.extensions["mediation.sessionmaker"] = make_sessionmaker(engine)
    csrf.init_app(app)

    from mediation.precedents import hooks as precedent_hooks
    from mediation.web import admin, api, centre, filing, pages
    from mediation.web import agreements as web_agreements
    from mediation.web import court as web_court  # (adds its routes to api, and its own pages)
    from mediation.web import disclosure as web_disclosure  # (adds its routes to api, and pages)
    from mediation.web import evidence as _evidence  # noqa: F401  (adds its routes to api and pages)
    from mediation.web import hearings as web_hearings
    from mediation.web import performance as web_performance  # (adds its routes to api, and pages)
    from mediation.web import precedents as web_precedents
    from mediation.web import transcripts as web_transcripts

    app.register_blueprint(pages.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(centre.bp)
    app.register_blueprint(web_precedents.bp)
    app.register_blueprint(web_transcripts.bp)
    csrf.exempt(web_transcripts.bp)  # checks CSRF itself for cookie sessions
    # A case that closes is indexed as a precedent by a background job.
    precedent_hooks.install(app)
    app.register_blueprint(filing.bp)
    app.register_blueprint(web_hearings.bp)
    app.register_blueprint(web_agreements.bp)
    csrf.exempt(web_agreements.bp)  # checks CSRF itself for cookie sessions and forms
    app.register_blueprint(web_court.bp)
    app.register_blueprint(web_performance.bp)
    app.register_blueprint(web_disclosure.bp)
    app.register_blueprint(api.bp)
    csrf.exempt(api.bp)  # the API checks CSRF itself for cookie sessions (api.before_request)

    from mediation import cli

    cli.register(app)

    @app.before_request
    def _language() -> None:
        g.lang = pick_language(
            request.args.get("lang") or session.get("lang"), request.headers.get("Accept-Language")
        )

    @app.teardown_appcontext
    def _close_session(exc: BaseException | None) -> None:
        db = g.pop("db", None)
        if db is not None:
            db.rollback()
            db.close()

    @app.context_processor
    def _template_helpers() -> dict:
        from mediation.web.pages import elderly_mode

        return {
            "t": lambda key, **params: t(key, g.get("lang", "zh"), params),
            "current_user": current_user,
            "lang": g.get("lang", "zh"),
            "elderly_mode": elderly_mode,
        }

    app.register_error_handler(UserError, _user_error)
    app.register_error_handler(CSRFError, lambda e: _user_error(UserError("csrf", status=400)))
    app.register_error_handler(
        StaleDataError, lambda e: _user_error(UserError("conflict", status=409))
    )
    app.register_error_handler(IntegrityError, _integrity_error)
    app.register_error_handler(OperationalError, _operational_error)
    app.register_error_handler(HTTPException, _http_error)


def db() -> Session:
    """One session per request; it is rolled back at teardown unless the view committed."""
    if "db" not in g:
        g.db = current_app.extensions["mediation.sessionmaker"]()
    return g.db


def today() -> date:
    return datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).date()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def current_user() -> User | None:
    if "user" in g:
        return g.user
    user = None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        user = db().scalar(
            select(User).where(User.api_token_hash == token_hash(header[7:].strip()), User.active)
        )
        g.auth_via = "token"
    elif session.get("user_id"):
        now = int(time.time())
        if now - session.get("seen", 0) > current_app.config["SESSION_IDLE_SECONDS"]:
            session.clear()  # idle too long: sign in again
        else:
            session["seen"] = now
            user = db().get(User, session["user_id"])
            if user is not None and not user.active:
                user = None
        g.auth_via = "session"
    g.user = user
    return user


def authenticate_pages_and_api() -> None:
    """before_request of a blueprint serving both pages and /api routes: a signed-in user
    (bearer token or session) is required — pages send others to the login form, the API
    answers 401 — and a cookie session's state-changing request must carry our CSRF token
    (a bearer token needs none)."""
    from flask import abort, redirect, url_for
    from flask_wtf.csrf import validate_csrf
    from wtforms.validators import ValidationError

    if current_user() is None:
        if wants_json():
            raise UserError("unauthorized", status=401)
        abort(redirect(url_for("pages.login", next=request.path)))
    if request.method not in ("GET", "HEAD", "OPTIONS") and g.get("auth_via") == "session":
        token = request.headers.get("X-CSRFToken") or request.form.get("csrf_token")
        try:
            validate_csrf(token)
        except ValidationError:
            raise UserError("csrf") from None


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(code: str, status: int, message: str):
    if wants_json():
        return jsonify({"error": {"code": code, "message": message}}), status
    return render_template("error.html", code=code, message=message, status=status), status


def _user_error(exc: UserError):
    return error_response(exc.code, exc.status, exc.message(g.get("lang", "zh")))


def _integrity_error(exc: IntegrityError):
    # Two writers raced for the same (case, seq) or case number: the loser retries.
    current_app.logger.info("integrity conflict: %s", exc.orig)
    return _user_error(UserError("conflict", status=409))


def _operational_error(exc: OperationalError):
    if "locked" in str(exc.orig).lower():
        return _user_error(UserError("conflict", status=409))
    current_app.logger.exception("database error")
    return error_response("internal", 500, t("error.internal", g.get("lang", "zh")))


def _http_error(exc: HTTPException):
    code = {
        404: "not_found",
        405: "method_not_allowed",
        413: "too_large",
        401: "unauthorized",
        403: "forbidden",
    }.get(exc.code or 500)
    if code is None:
        if (exc.code or 500) >= 500:
            return error_response(
                "internal", exc.code or 500, t("error.internal", g.get("lang", "zh"))
            )
        return error_response("invalid_request", exc.code or 400, exc.description or "")
    return error_response(code, exc.code or 500, t(f"error.{code}", g.get("lang", "zh")))
