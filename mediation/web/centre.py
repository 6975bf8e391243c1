"""Centre operations on the web: the administrator's pages under /centre and the JSON API
under /api/centre and /api/stats. Controllers parse the request, check who is asking,
call one operation of mediation.centre and render."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

from flask import (
    Blueprint,
    Response,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from mediation.cases.model import Case, DisputeType
from mediation.cases.service import get_case
from mediation.centre import (
    assessment,
    assignment,
    charts,
    circuit,
    export,
    ratings,
    risk,
    roster,
    stats,
    talent,
)
from mediation.centre.errors import CentreError
from mediation.centre.messages import t as centre_t
from mediation.centre.model import (
    AssessmentResult,
    AssessmentRun,
    CircuitBooking,
    CircuitSession,
    CircuitSite,
    Complexity,
    ConflictOfInterest,
    ConflictRelation,
    Employment,
    Expert,
    ExpertInvitation,
    ExpertKind,
    Grade,
    GradeChange,
    MediatorProfile,
    MentoringPair,
    Outcome,
    RiskWarning,
    SiteKind,
    SubsidyRule,
    WarningStatus,
)
from mediation.errors import Forbidden, UserError
from mediation.people import access
from mediation.people.model import Role, User
from mediation.web import inputs
from mediation.web.setup import authenticate_pages_and_api, csrf, db, today

bp = Blueprint("centre", __name__)
# Bearer-token API calls carry no CSRF token; session requests are checked below instead.
csrf.exempt(bp)

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


bp.before_request(authenticate_pages_and_api)


@bp.context_processor
def _texts() -> dict:
    lang = g.get("lang", "zh")
    return {"t": lambda key, **params: centre_t(key, lang, params)}


def _user() -> User:
    return g.user


def _admin() -> User:
    user = _user()
    if user.role != Role.ADMIN:
        raise Forbidden()
    return user


def _stats_reader() -> User:
    """Statistics are for the administrator and for auditors (third-party evaluators, who
    read everything and change nothing)."""
    user = _user()
    if user.role not in (Role.ADMIN, Role.AUDITOR):
        raise Forbidden()
    return user


def _lang() -> str:
    return g.get("lang", "zh")


def _iso(d) -> str | None:
    return d.isoformat() if d is not None else None


def _list(value, field: str, max_len: int = 100) -> list[str]:
    """A list of strings from JSON, or from a comma/、-separated form field."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = value.replace("、", ",").replace("，", ",").split(",")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UserError("invalid_field", field=field, detail="[string]")
    out = [v.strip() for v in value if v.strip()]
    if any(len(v) > max_len for v in out):
        raise UserError("invalid_field", field=field, detail=f"≤ {max_len}")
    return out


def _enum_list(cls, value, field: str) -> list:
    return [inputs.parse_enum(cls, v, field) for v in _list(value, field)]


def _time(value, field: str, required: bool = True) -> time | None:
    if value is None or value == "":
        if required:
            raise UserError("missing_field", field=field)
        return None
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        raise UserError("invalid_field", field=field, detail="HH:MM") from None


def _bool(value, default: bool) -> bool:
    parsed = inputs.parse_bool(value)
    return default if parsed is None else parsed


def _case(number: str) -> Case:
    return get_case(db(), _user().centre_id, number)


def _form_or_json() -> dict:
    if request.is_json:
        return inputs.json_body()
    return request.form.to_dict()


# --- JSON shapes ------------------------------------------------------------------


def profile_json(user: User, profile: MediatorProfile | None, open_cases: int = 0) -> dict:
    return {
        "user_id": user.id,
        "username": user.username,
        "name": user.display_name,
        "active": user.active,
        "open_cases": open_cases,
        "profile": None
        if profile is None
        else {
            "employment": profile.employment.value,
            "grade": profile.grade.value,
            "specialties": list(profile.specialties or []),
            "languages": list(profile.languages or []),
            "regions": list(profile.regions or []),
            "available": profile.available,
            "away_until": _iso(profile.away_until),
            "max_open_cases": profile.max_open_cases,
            "exited_on": _iso(profile.exited_on),
            "note": profile.note,
        },
    }


def grade_json(c: GradeChange) -> dict:
    return {
        "grade": c.grade.value,
        "previous_grade": c.previous_grade.value if c.previous_grade else None,
        "effective_on": c.effective_on.isoformat(),
        "reason": c.reason,
    }


def conflict_json(c: ConflictOfInterest) -> dict:
    return {
        "id": c.id,
        "institution": c.institution,
        "relation": c.relation.value,
        "declared_on": c.declared_on.isoformat(),
        "ended_on": _iso(c.ended_on),
        "note": c.note,
    }


def pair_json(p: MentoringPair) -> dict:
    return {
        "id": p.id,
        "mentor_id": p.mentor_id,
        "mentor": p.mentor.display_name,
        "apprentice_id": p.apprentice_id,
        "apprentice": p.apprentice.display_name,
        "started_on": p.started_on.isoformat(),
        "ended_on": _iso(p.ended_on),
    }


def expert_json(e: Expert) -> dict:
    return {
        "id": e.id,
        "name": e.name,
        "kind": e.kind.value,
        "organisation": e.organisation,
        "specialties": list(e.specialties or []),
        "regions": list(e.regions or []),
        "active": e.active,
        "joined_on": _iso(e.joined_on),
    }


def invitation_json(i: ExpertInvitation) -> dict:
    return {
        "id": i.id,
        "expert_id": i.expert_id,
        "case": i.case.number,
        "complexity": i.complexity.value,
        "status": i.status.value,
        "invited_on": i.invited_on.isoformat(),
        "completed_on": _iso(i.completed_on),
        "outcome": i.outcome.value if i.outcome else None,
        "subsidy": str(i.subsidy) if i.subsidy is not None else None,
        "rule_id": i.rule_id,
    }


def rule_json(r: SubsidyRule) -> dict:
    return {
        "id": r.id,
        "dispute_type": r.dispute_type.value if r.dispute_type else None,
        "complexity": r.complexity.value if r.complexity else None,
        "outcome": r.outcome.value if r.outcome else None,
        "amount": str(r.amount),
        "active": r.active,
        "note": r.note,
    }


def statement_json(st: talent.Statement) -> dict:
    return {
        "month": st.month,
        "lines": [
            {
                "expert_id": x.expert_id,
                "expert": x.expert,
                "kind": x.kind,
                "case": x.case_number,
                "dispute_type": x.dispute_type,
                "complexity": x.complexity,
                "outcome": x.outcome,
                "completed_on": x.completed_on.isoformat(),
                "rule_id": x.rule_id,
                "amount": str(x.amount),
            }
            for x in st.lines
        ],
        "totals": {str(k): str(v) for k, v in st.totals.items()},
        "total": str(st.total),
    }


def site_json(s: CircuitSite) -> dict:
    return {
        "id": s.id,
        "name": s.name,
        "kind": s.kind.value,
        "address": s.address,
        "region": s.region,
        "active": s.active,
    }


def session_json(s: CircuitSession) -> dict:
    return {
        "id": s.id,
        "site": site_json(s.site),
        "day": s.day.isoformat(),
        "starts_at": s.starts_at.strftime("%H:%M"),
        "ends_at": s.ends_at.strftime("%H:%M"),
        "mediator_id": s.mediator_id,
        "mediator": s.mediator.display_name,
        "capacity": s.capacity,
        "bookings": [{"case": b.case.number, "slot": b.slot.strftime("%H:%M")} for b in s.bookings],
    }


def booking_json(b: CircuitBooking, lang: str) -> dict:
    s = b.session
    return {
        "id": b.id,
        "case": b.case.number,
        "day": s.day.isoformat(),
        "time": b.slot.strftime("%H:%M"),
        "site": s.site.name,
        "address": s.site.address,
        "notice": b.notice_en if lang == "en" else b.notice_zh,
    }


def result_json(run: AssessmentRun, res: AssessmentResult) -> dict:
    return {
        "year": run.year,
        "run_id": run.id,
        "as_of": run.as_of.isoformat(),
        "mediator_id": res.mediator_id,
        "indicators": {k: v for k, v in res.indicators.items() if not k.startswith("_")},
        "counts": res.indicators.get("_counts", {}),
        "score": res.score,
        "passed": res.passed,
        "flagged_for_exit": res.flagged_for_exit,
    }


def run_json(run: AssessmentRun) -> dict:
    return {
        "id": run.id,
        "year": run.year,
        "as_of": run.as_of.isoformat(),
        "scheme": run.scheme,
        "results": [
            {**result_json(run, r), "mediator": r.mediator.display_name} for r in run.results
        ],
    }


def warning_json(w: RiskWarning, numbers: dict[int, str]) -> dict:
    return {
        "id": w.id,
        "dimension": w.dimension.value,
        "key": w.key,
        "window_start": w.window_start.isoformat(),
        "window_end": w.window_end.isoformat(),
        "count": w.count,
        "baseline_mean": round(w.baseline_mean, 3),
        "baseline_weeks": w.baseline_weeks,
        "p_value": w.p_value,
        "z_score": round(w.z_score, 2),
        "cases": [numbers.get(i) for i in w.case_ids if i in numbers],
        "status": w.status.value,
        "note": w.note,
    }


def assignment_json(r) -> dict:
    return {
        "mediator_id": r.mediator_id,
        "mediator": r.mediator.display_name,
        "previous_mediator_id": r.previous_mediator_id,
        "previous_mediator": r.previous_mediator.display_name if r.previous_mediator else None,
        "by": r.actor.display_name if r.actor else None,
        "at": r.at.isoformat(timespec="seconds"),
        "reason": r.reason,
        "rank": r.rank,
        "score": r.score,
        "components": r.components,
    }


# --- input parsing shared by pages and API ---------------------------------------


def _profile_input(body: dict) -> roster.ProfileInput:
    return roster.ProfileInput(
        employment=inputs.parse_enum(Employment, body.get("employment"), "employment"),
        grade=inputs.parse_enum(Grade, body.get("grade"), "grade"),
        specialties=_enum_list(DisputeType, body.get("specialties"), "specialties"),
        languages=_list(body.get("languages"), "languages", 50),
        regions=_list(body.get("regions"), "regions"),
        available=_bool(body.get("available"), True),
        away_until=inputs.parse_date(body.get("away_until"), "away_until", required=False),
        max_open_cases=inputs.parse_int(
            body.get("max_open_cases"), "max_open_cases", required=False, low=1, high=1000
        )
        or 20,
        note=inputs.parse_text(body.get("note"), "note", required=False),
    )


def _filters() -> stats.Filters:
    args = request.args
    return stats.Filters(
        centre_id=_user().centre_id,
        as_of=today(),
        date_from=inputs.parse_date(args.get("from"), "from", required=False),
        date_to=inputs.parse_date(args.get("to"), "to", required=False),
        region=inputs.parse_text(args.get("region"), "region", required=False, max_len=100),
    )


def _download(body: bytes, filename: str, kind: str) -> Response:
    mimetype = (
        "text/csv; charset=utf-8"
        if kind == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _format() -> str:
    fmt = request.args.get("format", "xlsx")
    if fmt not in ("csv", "xlsx"):
        raise UserError("invalid_field", field="format", detail="csv | xlsx")
    return fmt


# === JSON API: mediators ============================================================


@bp.get("/api/centre/mediators")
def api_mediators():
    user = _admin()
    users = roster.mediators(db(), user.centre_id, include_inactive=True)
    profiles = roster.profiles_by_user(db(), [u.id for u in users])
    load = assignment.open_case_counts(db(), user.centre_id)
    return jsonify(
        {"mediators": [profile_json(u, profiles.get(u.id), load.get(u.id, 0)) for u in users]}
    )


@bp.get("/api/centre/mediators/<int:user_id>")
def api_mediator(user_id: int):
    admin = _admin()
    session = db()
    m = roster.get_mediator(session, admin.centre_id, user_id)
    body = profile_json(m, session.get(MediatorProfile, m.id))
    body["grade_history"] = [grade_json(c) for c in roster.grade_history(session, m.id)]
    conflicts = roster.active_conflicts(session, [m.id], date.min).get(m.id, [])
    body["conflicts"] = [conflict_json(c) for c in conflicts]
    return jsonify(body)


@bp.post("/api/centre/mediators/<int:user_id>/profile")
def api_save_profile(user_id: int):
    admin = _admin()
    body = inputs.json_body()
    session = db()
    m = roster.get_mediator(session, admin.centre_id, user_id)
    profile = roster.save_profile(
        session,
        admin,
        m,
        _profile_input(body),
        inputs.parse_date(body.get("effective_on"), "effective_on", required=False) or today(),
        grade_reason=inputs.parse_text(body.get("grade_reason"), "grade_reason", required=False),
    )
    session.commit()
    return jsonify(profile_json(m, profile))


@bp.post("/api/centre/mediators/<int:user_id>/grade")
def api_change_grade(user_id: int):
    admin = _admin()
    body = inputs.json_body()
    session = db()
    m = roster.get_mediator(session, admin.centre_id, user_id)
    change = roster.change_grade(
        session,
        admin,
        m,
        inputs.parse_enum(Grade, body.get("grade"), "grade"),
        inputs.parse_date(body.get("effective_on"), "effective_on", required=False) or today(),
        inputs.parse_text(body.get("reason"), "reason", required=False),
    )
    session.commit()
    return jsonify(grade_json(change)), 201


@bp.post("/api/centre/mediators/<int:user_id>/conflicts")
def api_declare_conflict(user_id: int):
    admin = _admin()
    body = inputs.json_body()
    session = db()
    m = roster.get_mediator(session, admin.centre_id, user_id)
    c = roster.declare_conflict(
        session,
        admin,
        m,
        inputs.parse_text(body.get("institution"), "institution", max_len=200),
        inputs.parse_enum(ConflictRelation, body.get("relation"), "relation"),
        inputs.parse_date(body.get("declared_on"), "declared_on", required=False) or today(),
        note=inputs.parse_text(body.get("note"), "note", required=False),
        ended_on=inputs.parse_date(body.get("ended_on"), "ended_on", required=False),
    )
    session.commit()
    return jsonify(conflict_json(c)), 201


@bp.post("/api/centre/mediators/<int:user_id>/exit")
def api_record_exit(user_id: int):
    admin = _admin()
    body = inputs.json_body()
    session = db()
    m = roster.get_mediator(session, admin.centre_id, user_id)
    roster.record_exit(
        session,
        admin,
        m,
        inputs.parse_date(body.get("on_date"), "on_date", required=False) or today(),
    )
    session.commit()
    return jsonify(profile_json(m, session.get(MediatorProfile, m.id)))


@bp.get("/api/centre/mediators/<int:user_id>/assessments")
def api_mediator_assessments(user_id: int):
    admin = _admin()
    m = roster.get_mediator(db(), admin.centre_id, user_id)
    return jsonify({"history": [result_json(r, res) for r, res in assessment.history(db(), m.id)]})


# === mentoring =====================================================================


@bp.get("/api/centre/mentoring")
def api_pairs():
    admin = _admin()
    return jsonify({"pairs": [pair_json(p) for p in roster.pairs(db(), admin.centre_id)]})


@bp.post("/api/centre/mentoring")
def api_pair():
    admin = _admin()
    body = inputs.json_body()
    session = db()
    mentor = roster.get_mediator(
        session, admin.centre_id, inputs.parse_int(body.get("mentor_id"), "mentor_id")
    )
    apprentice = roster.get_mediator(
        session, admin.centre_id, inputs.parse_int(body.get("apprentice_id"), "apprentice_id")
    )
    p = roster.pair(
        session,
        admin,
        mentor,
        apprentice,
        inputs.parse_date(body.get("started_on"), "started_on", required=False) or today(),
    )
    session.commit()
    return jsonify(pair_json(p)), 201


@bp.post("/api/centre/mentoring/<int:pair_id>/end")
def api_end_pair(pair_id: int):
    admin = _admin()
    body = inputs.json_body()
    session = db()
    p = roster.get_pair(session, admin.centre_id, pair_id)
    roster.end_pair(
        session,
        admin,
        p,
        inputs.parse_date(body.get("ended_on"), "ended_on", required=False) or today(),
    )
    session.commit()
    return jsonify(pair_json(p))


@bp.post("/api/centre/mentoring/<int:pair_id>/cases")
def api_mentored_case(pair_id: int):
    user = _user()
    body = inputs.json_body()
    session = db()
    p = roster.get_pair(session, user.centre_id, pair_id)
    case = _case(inputs.parse_text(body.get("case"), "case", max_len=32))
    roster.add_mentored_case(session, user, p, case, today())
    session.commit()
    return jsonify({"pair_id": p.id, "case": case.number}), 201


@bp.post("/api/centre/mentoring/<int:pair_id>/reviews")
def api_review(pair_id: int):
    user = _user()
    body = inputs.json_body()
    session = db()
    p = roster.get_pair(session, user.centre_id, pair_id)
    number = inputs.parse_text(body.get("case"), "case", required=False, max_len=32)
    review = roster.review_apprentice(
        session,
        user,
        p,
        inputs.parse_int(body.get("score"), "score", low=1, high=5),
        inputs.parse_date(body.get("reviewed_on"), "reviewed_on", required=False) or today(),
        comment=inputs.parse_text(body.get("comment"), "comment", required=False),
        case=_case(number) if number else None,
    )
    session.commit()
    return jsonify({"id": review.id, "pair_id": p.id, "score": review.score}), 201


# === talent pool ===================================================================


def _expert_input(body: dict) -> talent.ExpertInput:
    return talent.ExpertInput(
        name=inputs.parse_text(body.get("name"), "name", max_len=100),
        kind=inputs.parse_enum(ExpertKind, body.get("kind"), "kind"),
        organisation=inputs.parse_text(
            body.get("organisation"), "organisation", required=False, max_len=200
        ),
        specialties=_enum_list(DisputeType, body.get("specialties"), "specialties"),
        regions=_list(body.get("regions"), "regions"),
        phone=inputs.parse_text(body.get("phone"), "phone", required=False, max_len=32),
        joined_on=inputs.parse_date(body.get("joined_on"), "joined_on", required=False),
        note=inputs.parse_text(body.get("note"), "note", required=False),
    )


def _rule_args(body: dict) -> dict:
    amount = inputs.parse_amount(body.get("amount"), "amount")
    if amount is None:
        raise UserError("missing_field", field="amount")
    return {
        "amount": amount,
        "dispute_type": inputs.parse_enum(
            DisputeType, body.get("dispute_type"), "dispute_type", required=False
        ),
        "complexity": inputs.parse_enum(
            Complexity, body.get("complexity"), "complexity", required=False
        ),
        "outcome": inputs.parse_enum(Outcome, body.get("outcome"), "outcome", required=False),
        "note": inputs.parse_text(body.get("note"), "note", required=False),
    }


@bp.get("/api/centre/experts")
def api_experts():
    admin = _admin()
    return jsonify({"experts": [expert_json(e) for e in talent.experts(db(), admin.centre_id)]})


@bp.post("/api/centre/experts")
def api_add_expert():
    admin = _admin()
    session = db()
    e = talent.add_expert(session, admin, admin.centre_id, _expert_input(inputs.json_body()))
    session.commit()
    return jsonify(expert_json(e)), 201


@bp.post("/api/centre/experts/<int:expert_id>/invitations")
def api_invite(expert_id: int):
    admin = _admin()
    body = inputs.json_body()
    session = db()
    e = talent.get_expert(session, admin.centre_id, expert_id)
    case = _case(inputs.parse_text(body.get("case"), "case", max_len=32))
    inv = talent.invite(
        session,
        admin,
        e,
        case,
        inputs.parse_enum(Complexity, body.get("complexity", "ordinary"), "complexity"),
        inputs.parse_date(body.get("invited_on"), "invited_on", required=False) or today(),
    )
    session.commit()
    return jsonify(invitation_json(inv)), 201


@bp.post("/api/centre/invitations/<int:invitation_id>/response")
def api_invitation_response(invitation_id: int):
    admin = _admin()
    body = inputs.json_body()
    session = db()
    inv = talent.get_invitation(session, admin.centre_id, invitation_id)
    accepted = inputs.parse_bool(body.get("accepted"))
    if accepted is None:
        raise UserError("missing_field", field="accepted")
    talent.respond(session, admin, inv, accepted, today())
    session.commit()
    return jsonify(invitation_json(inv))


@bp.post("/api/centre/invitations/<int:invitation_id>/complete")
def api_invitation_complete(invitation_id: int):
    admin = _admin()
    body = inputs.json_body()
    session = db()
    inv = talent.get_invitation(session, admin.centre_id, invitation_id)
    talent.complete(
        session,
        admin,
        inv,
        inputs.parse_date(body.get("completed_on"), "completed_on", required=False) or today(),
    )
    session.commit()
    return jsonify(invitation_json(inv))


@bp.get("/api/centre/subsidy-rules")
def api_rules():
    admin = _admin()
    return jsonify({"rules": [rule_json(r) for r in talent.rules(db(), admin.centre_id)]})


@bp.post("/api/centre/subsidy-rules")
def api_add_rule():
    admin = _admin()
    session = db()
    r = talent.add_rule(session, admin, admin.centre_id, **_rule_args(inputs.json_body()))
    session.commit()
    return jsonify(rule_json(r)), 201


@bp.post("/api/centre/subsidy-rules/<int:rule_id>/retire")
def api_retire_rule(rule_id: int):
    admin = _admin()
    session = db()
    r = session.get(SubsidyRule, rule_id)
    if r is None or r.centre_id != admin.centre_id:
        raise UserError("not_found", status=404)
    talent.retire_rule(session, admin, r)
    session.commit()
    return jsonify(rule_json(r))


@bp.get("/api/centre/statements/<month>")
def api_statement(month: str):
    admin = _admin()
    return jsonify(statement_json(talent.statement(db(), admin.centre_id, month)))


@bp.get("/api/centre/statements/<month>/export")
def api_statement_export(month: str):
    admin = _admin()
    fmt = _format()
    st = talent.statement(db(), admin.centre_id, month)
    body = export.statement_csv(st, _lang()) if fmt == "csv" else export.statement_xlsx(st, _lang())
    return _download(body, f"subsidy-statement-{st.month}.{fmt}", fmt)


# === assignment ====================================================================


@bp.get("/api/centre/cases/<number>/suggestions")
def api_suggestions(number: str):
    _admin()
    case = _case(number)
    ranking = assignment.rank_mediators(db(), case, today())
    return jsonify(
        {
            "case": case.number,
            "current_mediator_id": case.mediator_id,
            "claimant_dialect": assignment.claimant_dialect(db(), case),
            "suggestions": [c.as_dict() for c in ranking if c.excluded is None],
            "excluded": [c.as_dict() for c in ranking if c.excluded is not None],
        }
    )


@bp.post("/api/centre/cases/<number>/assignment")
def api_assign(number: str):
    admin = _admin()
    body = inputs.json_body()
    session = db()
    case = get_case(session, admin.centre_id, number, for_update=True)
    mediator = roster.get_mediator(
        session, admin.centre_id, inputs.parse_int(body.get("mediator_id"), "mediator_id")
    )
    record = assignment.assign(
        session,
        admin,
        case,
        mediator,
        today(),
        reason=inputs.parse_text(body.get("reason"), "reason", required=False),
    )
    session.commit()
    return jsonify(assignment_json(record)), 201


@bp.get("/api/centre/cases/<number>/assignments")
def api_assignments(number: str):
    _admin()
    case = _case(number)
    return jsonify({"history": [assignment_json(r) for r in assignment.history(db(), case)]})


@bp.post("/api/centre/cases/<number>/claimant-language")
def api_claimant_language(number: str):
    user = _user()
    body = inputs.json_body()
    session = db()
    case = _case(number)
    access.require_manage(user, case)
    row = assignment.set_claimant_dialect(
        session,
        user,
        case,
        inputs.parse_text(body.get("dialect"), "dialect", required=False, max_len=50),
        inputs.parse_text(body.get("note"), "note", required=False),
    )
    session.commit()
    return jsonify({"case": case.number, "dialect": row.dialect if row else None})


# === ratings =======================================================================


@bp.post("/api/centre/cases/<number>/rating")
def api_rate(number: str):
    user = _user()
    body = inputs.json_body()
    session = db()
    case = _case(number)
    if not ratings.is_claimant_of(user, case):
        raise Forbidden()
    r = ratings.rate_case(
        session,
        user,
        case,
        inputs.parse_int(body.get("score"), "score", low=1, high=5),
        inputs.parse_text(body.get("comment"), "comment", required=False, max_len=2000),
        bool(inputs.parse_bool(body.get("complaint"))),
    )
    session.commit()
    return jsonify({"case": case.number, "score": r.score, "complaint": r.complaint}), 201


@bp.get("/api/centre/cases/<number>/rating")
def api_rating(number: str):
    user = _user()
    case = _case(number)
    if not (user.role == Role.ADMIN or ratings.is_claimant_of(user, case)):
        raise Forbidden()
    r = ratings.rating_for(db(), case)
    return jsonify(
        {
            "case": case.number,
            "rating": None
            if r is None
            else {
                "score": r.score,
                "comment": r.comment,
                "complaint": r.complaint,
                "rated_at": r.rated_at.isoformat(timespec="seconds"),
            },
        }
    )


# === circuit mediation =============================================================


@bp.get("/api/centre/circuit/sites")
def api_sites():
    admin = _admin()
    return jsonify({"sites": [site_json(s) for s in circuit.sites(db(), admin.centre_id)]})


@bp.post("/api/centre/circuit/sites")
def api_add_site():
    admin = _admin()
    body = inputs.json_body()
    session = db()
    s = circuit.add_site(
        session,
        admin,
        admin.centre_id,
        inputs.parse_text(body.get("name"), "name", max_len=200),
        inputs.parse_enum(SiteKind, body.get("kind"), "kind"),
        inputs.parse_text(body.get("address"), "address", max_len=300),
        inputs.parse_text(body.get("region"), "region", required=False, max_len=100),
    )
    session.commit()
    return jsonify(site_json(s)), 201


@bp.get("/api/centre/circuit/sessions")
def api_rota():
    admin = _admin()
    start = inputs.parse_date(request.args.get("from"), "from", required=False) or today()
    end = inputs.parse_date(request.args.get("to"), "to", required=False) or start + timedelta(
        days=62
    )
    return jsonify(
        {"sessions": [session_json(s) for s in circuit.rota(db(), admin.centre_id, start, end)]}
    )


@bp.post("/api/centre/circuit/sessions")
def api_schedule():
    admin = _admin()
    body = inputs.json_body()
    session = db()
    site = circuit.get_site(
        session, admin.centre_id, inputs.parse_int(body.get("site_id"), "site_id")
    )
    mediator = roster.get_mediator(
        session, admin.centre_id, inputs.parse_int(body.get("mediator_id"), "mediator_id")
    )
    s = circuit.schedule(
        session,
        admin,
        site,
        inputs.parse_date(body.get("day"), "day"),
        _time(body.get("starts_at"), "starts_at"),
        _time(body.get("ends_at"), "ends_at"),
        mediator,
        inputs.parse_int(body.get("capacity"), "capacity", required=False, low=1, high=100) or 6,
    )
    session.commit()
    return jsonify(session_json(s)), 201


@bp.post("/api/centre/circuit/sessions/<int:session_id>/bookings")
def api_book(session_id: int):
    admin = _admin()
    body = inputs.json_body()
    session = db()
    s = circuit.get_session(session, admin.centre_id, session_id, for_update=True)
    case = _case(inputs.parse_text(body.get("case"), "case", max_len=32))
    b = circuit.book(session, admin, s, case, today(), _time(body.get("slot"), "slot", False))
    session.commit()
    return jsonify(booking_json(b, _lang())), 201


@bp.get("/api/centre/circuit/my-appointments")
def api_my_appointments():
    user = _user()
    if user.role != Role.CLAIMANT:
        raise Forbidden()
    rows = circuit.appointments_for_claimant(db(), user, today())
    return jsonify({"appointments": [booking_json(b, _lang()) for b in rows]})


# === assessment ====================================================================


def _scheme_input(body: dict, base: assessment.SchemeValues) -> assessment.SchemeValues:
    weights = body.get("weights", base.weights)
    if not isinstance(weights, dict) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in weights.values()
    ):
        raise UserError("invalid_field", field="weights", detail="{indicator: number}")

    def num(key: str, default: float) -> float:
        v = body.get(key, default)
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise UserError("invalid_field", field=key, detail="number")
        return float(v)

    return assessment.SchemeValues(
        weights={k: float(v) for k, v in weights.items()},
        pass_line=num("pass_line", base.pass_line),
        case_target=int(num("case_target", base.case_target)),
        complaint_penalty=num("complaint_penalty", base.complaint_penalty),
    )


def _year(year: int) -> int:
    if not 2000 <= year <= 2199:
        raise UserError("invalid_field", field="year", detail="2000..2199")
    return year


@bp.get("/api/centre/assessment-schemes/<int:year>")
def api_scheme(year: int):
    admin = _admin()
    return jsonify(
        {"year": _year(year), **assessment.get_scheme(db(), admin.centre_id, year).as_dict()}
    )


@bp.post("/api/centre/assessment-schemes/<int:year>")
def api_set_scheme(year: int):
    admin = _admin()
    session = db()
    base = assessment.get_scheme(session, admin.centre_id, _year(year))
    values = _scheme_input(inputs.json_body(), base)
    assessment.set_scheme(session, admin, admin.centre_id, year, values)
    session.commit()
    return jsonify(
        {"year": year, **assessment.get_scheme(session, admin.centre_id, year).as_dict()}
    )


@bp.post("/api/centre/assessments/<int:year>")
def api_run_assessment(year: int):
    admin = _admin()
    body = inputs.json_body()
    session = db()
    as_of = inputs.parse_date(body.get("as_of"), "as_of", required=False) or today()
    r = assessment.run(session, admin, admin.centre_id, _year(year), as_of)
    session.commit()
    return jsonify(run_json(assessment.latest_run(session, admin.centre_id, year) or r)), 201


@bp.get("/api/centre/assessments/<int:year>")
def api_assessment(year: int):
    admin = _admin()
    r = assessment.latest_run(db(), admin.centre_id, _year(year))
    if r is None:
        raise CentreError("no_assessment", status=404, year=year)
    return jsonify(run_json(r))


# === risk warnings =================================================================


@bp.get("/api/centre/risk-warnings")
def api_warnings():
    admin = _admin()
    status = inputs.parse_enum(WarningStatus, request.args.get("status"), "status", required=False)
    rows = risk.warnings(db(), admin.centre_id, status)
    numbers = risk.case_numbers(db(), sorted({i for w in rows for i in w.case_ids}))
    return jsonify({"warnings": [warning_json(w, numbers) for w in rows]})


@bp.post("/api/centre/risk-warnings/scan")
def api_scan():
    admin = _admin()
    body = inputs.json_body()
    session = db()
    as_of = inputs.parse_date(body.get("as_of"), "as_of", required=False) or today()
    raised = risk.scan(session, admin.centre_id, as_of)
    session.commit()
    numbers = risk.case_numbers(session, sorted({i for w in raised for i in w.case_ids}))
    return jsonify(
        {"as_of": as_of.isoformat(), "raised": [warning_json(w, numbers) for w in raised]}
    )


@bp.post("/api/centre/risk-warnings/<int:warning_id>/acknowledge")
def api_acknowledge(warning_id: int):
    admin = _admin()
    body = inputs.json_body()
    session = db()
    w = risk.get_warning(session, admin.centre_id, warning_id)
    risk.acknowledge(
        session,
        admin,
        w,
        inputs.parse_text(body.get("note"), "note", required=False),
        close=bool(inputs.parse_bool(body.get("close"))),
    )
    session.commit()
    return jsonify(warning_json(w, risk.case_numbers(session, list(w.case_ids))))


# === statistics ====================================================================


@bp.get("/api/stats/dashboard")
def api_dashboard():
    _stats_reader()
    return jsonify(stats.dashboard(db(), _filters()))


@bp.get("/api/stats/export")
def api_export():
    _stats_reader()
    fmt = _format()
    f = _filters()
    table = request.args.get("table", "cases")
    if table not in ("cases", "summary"):
        raise UserError("invalid_field", field="table", detail="cases | summary")
    session = db()
    stamp = today().isoformat()
    if fmt == "xlsx":
        body = export.dashboard_xlsx(
            stats.dashboard(session, f), stats.case_rows(session, f), _lang()
        )
        return _download(body, f"mediation-statistics-{stamp}.xlsx", fmt)
    if table == "summary":
        body = export.summary_csv(stats.dashboard(session, f), _lang())
    else:
        body = export.cases_csv(stats.case_rows(session, f), _lang())
    return _download(body, f"mediation-{table}-{stamp}.csv", fmt)


# === pages =========================================================================


def _label(prefix: str, key: str) -> str:
    return centre_t(f"{prefix}.{key}", _lang())


def _charts(data: dict) -> dict:
    lang = _lang()

    def labelled(prefix: str, items):
        return [(_label(prefix, k), v) for k, v in items]

    tps = [(_label("stage", r["stage"]), r["avg_days"]) for r in data["time_per_stage"]]
    sat = data["satisfaction"]["distribution"]
    return {
        "by_type": charts.bar_chart(
            "chart-by-type", centre_t("stats.by_type", lang), labelled("dispute", data["by_type"])
        ),
        "by_stage": charts.bar_chart(
            "chart-by-stage", centre_t("stats.by_stage", lang), labelled("stage", data["by_stage"])
        ),
        "by_channel": charts.bar_chart(
            "chart-by-channel",
            centre_t("stats.by_channel", lang),
            labelled("channel", data["by_channel"]),
        ),
        "by_month": charts.column_chart(
            "chart-by-month", centre_t("stats.by_month", lang), data["by_month"]
        ),
        "time_per_stage": charts.bar_chart(
            "chart-time-per-stage",
            centre_t("stats.time_per_stage", lang),
            tps,
            fmt=lambda v: centre_t("stats.days", lang, {"n": f"{v:.1f}"}),
        ),
        "on_time": charts.bar_chart(
            "chart-on-time",
            centre_t("stats.on_time", lang),
            [(r["rule"], r["rate"]) for r in data["on_time"]],
            fmt=charts.percent,
            max_value=1.0,
        ),
        "satisfaction": charts.bar_chart(
            "chart-satisfaction",
            centre_t("stats.satisfaction", lang),
            [(centre_t("stats.stars", lang, {"n": k}), v) for k, v in sat.items()],
        ),
        "institutions": charts.bar_chart(
            "chart-institutions",
            centre_t("stats.institutions", lang),
            [(r["institution"], r["cases"]) for r in data["institutions"][:12]],
            label_width=260,
            width=640,
        ),
        "institution_success": charts.bar_chart(
            "chart-institution-success",
            centre_t("stats.institution_success", lang),
            [
                (r["institution"], r["success_rate"])
                for r in data["institutions"][:12]
                if r["success_rate"] is not None
            ],
            fmt=charts.percent,
            max_value=1.0,
            label_width=260,
            width=640,
        ),
    }


@bp.get("/centre")
def index():
    _admin()
    return redirect(url_for("centre.dashboard"))


@bp.get("/centre/dashboard")
def dashboard():
    user = _stats_reader()
    f = _filters()
    session = db()
    data = stats.dashboard(session, f)
    # Risk warnings are raised to the administrator, not to auditors.
    open_warnings = (
        len(risk.warnings(session, user.centre_id, WarningStatus.OPEN))
        if user.role == Role.ADMIN
        else 0
    )
    return render_template(
        "centre/dashboard.html",
        data=data,
        charts=_charts(data),
        filters=f,
        regions=stats.regions(session, user.centre_id),
        open_warnings=open_warnings,
        query=request.query_string.decode(),
    )


@bp.route("/centre/mediators", methods=["GET", "POST"])
def mediators_page():
    admin = _admin()
    session = db()
    if request.method == "POST":
        form = request.form
        try:
            m = roster.get_mediator(
                session, admin.centre_id, inputs.parse_int(form.get("user_id"), "user_id")
            )
            body = form.to_dict()
            body["specialties"] = form.getlist("specialties")
            body["available"] = "available" in form
            roster.save_profile(session, admin, m, _profile_input(body), today())
            session.commit()
            flash(centre_t("flash.saved", _lang()))
        except UserError as exc:
            session.rollback()
            flash(exc.message(_lang()))
        return redirect(url_for("centre.mediators_page"))
    users = roster.mediators(session, admin.centre_id, include_inactive=True)
    profiles = roster.profiles_by_user(session, [u.id for u in users])
    load = assignment.open_case_counts(session, admin.centre_id)
    return render_template(
        "centre/mediators.html",
        rows=[profile_json(u, profiles.get(u.id), load.get(u.id, 0)) for u in users],
        grades=list(Grade),
        employments=list(Employment),
        dispute_types=list(DisputeType),
    )


@bp.route("/centre/mediators/<int:user_id>", methods=["GET", "POST"])
def mediator_page(user_id: int):
    admin = _admin()
    session = db()
    m = roster.get_mediator(session, admin.centre_id, user_id)
    if request.method == "POST":
        form = request.form
        try:
            if form.get("action") == "grade":
                roster.change_grade(
                    session,
                    admin,
                    m,
                    inputs.parse_enum(Grade, form.get("grade"), "grade"),
                    inputs.parse_date(form.get("effective_on"), "effective_on", required=False)
                    or today(),
                    inputs.parse_text(form.get("reason"), "reason", required=False),
                )
            elif form.get("action") == "conflict":
                roster.declare_conflict(
                    session,
                    admin,
                    m,
                    inputs.parse_text(form.get("institution"), "institution", max_len=200),
                    inputs.parse_enum(ConflictRelation, form.get("relation"), "relation"),
                    today(),
                    note=inputs.parse_text(form.get("note"), "note", required=False),
                )
            else:
                raise UserError("invalid_field", field="action", detail="grade | conflict")
            session.commit()
            flash(centre_t("flash.saved", _lang()))
        except UserError as exc:
            session.rollback()
            flash(exc.message(_lang()))
        return redirect(url_for("centre.mediator_page", user_id=m.id))
    return render_template(
        "centre/mediator.html",
        m=profile_json(m, session.get(MediatorProfile, m.id)),
        grades_history=[grade_json(c) for c in roster.grade_history(session, m.id)],
        conflicts=[
            conflict_json(c)
            for c in roster.active_conflicts(session, [m.id], date.min).get(m.id, [])
        ],
        assessments=[result_json(r, res) for r, res in assessment.history(session, m.id)],
        grades=list(Grade),
        relations=list(ConflictRelation),
    )


@bp.route("/centre/cases/<number>/assign", methods=["GET", "POST"])
def assign_page(number: str):
    admin = _admin()
    session = db()
    if request.method == "POST":
        case = get_case(session, admin.centre_id, number, for_update=True)
        try:
            mediator = roster.get_mediator(
                session,
                admin.centre_id,
                inputs.parse_int(request.form.get("mediator_id"), "mediator_id"),
            )
            assignment.assign(
                session,
                admin,
                case,
                mediator,
                today(),
                reason=inputs.parse_text(request.form.get("reason"), "reason", required=False),
            )
            session.commit()
            flash(centre_t("flash.assigned", _lang(), {"name": mediator.display_name}))
        except UserError as exc:
            session.rollback()
            flash(exc.message(_lang()))
        return redirect(url_for("centre.assign_page", number=number))
    case = _case(number)
    ranking = assignment.rank_mediators(session, case, today())
    return render_template(
        "centre/assign.html",
        case=case,
        dialect=assignment.claimant_dialect(session, case),
        suggestions=[c for c in ranking if c.excluded is None],
        excluded=[c for c in ranking if c.excluded is not None],
        history=[assignment_json(r) for r in assignment.history(session, case)],
    )


@bp.route("/centre/talent", methods=["GET", "POST"])
def talent_page():
    admin = _admin()
    session = db()
    if request.method == "POST":
        form = request.form.to_dict()
        try:
            if form.get("action") == "expert":
                form["specialties"] = request.form.getlist("specialties")
                talent.add_expert(session, admin, admin.centre_id, _expert_input(form))
            elif form.get("action") == "rule":
                talent.add_rule(session, admin, admin.centre_id, **_rule_args(form))
            else:
                raise UserError("invalid_field", field="action", detail="expert | rule")
            session.commit()
            flash(centre_t("flash.saved", _lang()))
        except UserError as exc:
            session.rollback()
            flash(exc.message(_lang()))
        return redirect(url_for("centre.talent_page"))
    month = request.args.get("month") or today().strftime("%Y-%m")
    try:
        st = talent.statement(session, admin.centre_id, month)
    except UserError as exc:
        flash(exc.message(_lang()))
        st = talent.statement(session, admin.centre_id, today().strftime("%Y-%m"))
    return render_template(
        "centre/talent.html",
        experts=talent.experts(session, admin.centre_id),
        rules=talent.rules(session, admin.centre_id),
        statement=st,
        kinds=list(ExpertKind),
        dispute_types=list(DisputeType),
        complexities=list(Complexity),
        outcomes=list(Outcome),
    )


@bp.route("/centre/circuit", methods=["GET", "POST"])
def circuit_page():
    admin = _admin()
    session = db()
    if request.method == "POST":
        form = request.form
        try:
            action = form.get("action")
            if action == "site":
                circuit.add_site(
                    session,
                    admin,
                    admin.centre_id,
                    inputs.parse_text(form.get("name"), "name", max_len=200),
                    inputs.parse_enum(SiteKind, form.get("kind"), "kind"),
                    inputs.parse_text(form.get("address"), "address", max_len=300),
                    inputs.parse_text(form.get("region"), "region", required=False, max_len=100),
                )
            elif action == "session":
                circuit.schedule(
                    session,
                    admin,
                    circuit.get_site(
                        session, admin.centre_id, inputs.parse_int(form.get("site_id"), "site_id")
                    ),
                    inputs.parse_date(form.get("day"), "day"),
                    _time(form.get("starts_at"), "starts_at"),
                    _time(form.get("ends_at"), "ends_at"),
                    roster.get_mediator(
                        session,
                        admin.centre_id,
                        inputs.parse_int(form.get("mediator_id"), "mediator_id"),
                    ),
                    inputs.parse_int(form.get("capacity"), "capacity", required=False, low=1) or 6,
                )
            elif action == "booking":
                circuit.book(
                    session,
                    admin,
                    circuit.get_session(
                        session,
                        admin.centre_id,
                        inputs.parse_int(form.get("session_id"), "session_id"),
                        for_update=True,
                    ),
                    _case(inputs.parse_text(form.get("case"), "case", max_len=32)),
                    today(),
                    _time(form.get("slot"), "slot", False),
                )
            else:
                raise UserError("invalid_field", field="action", detail="site | session | booking")
            session.commit()
            flash(centre_t("flash.saved", _lang()))
        except UserError as exc:
            session.rollback()
            flash(exc.message(_lang()))
        return redirect(url_for("centre.circuit_page"))
    start = today()
    return render_template(
        "centre/circuit.html",
        sites=circuit.sites(session, admin.centre_id),
        sessions=circuit.rota(session, admin.centre_id, start, start + timedelta(days=62)),
        mediators=roster.mediators(session, admin.centre_id),
        kinds=list(SiteKind),
    )


@bp.route("/centre/assessments", methods=["GET", "POST"])
def assessments_page():
    admin = _admin()
    session = db()
    year = inputs.parse_int(
        request.values.get("year"), "year", required=False, low=2000, high=2199
    ) or (today().year - 1 if today().month <= 2 else today().year)
    if request.method == "POST":
        assessment.run(session, admin, admin.centre_id, year, today())
        session.commit()
        flash(centre_t("flash.assessed", _lang(), {"year": year}))
        return redirect(url_for("centre.assessments_page", year=year))
    r = assessment.latest_run(session, admin.centre_id, year)
    return render_template(
        "centre/assessments.html",
        year=year,
        run=run_json(r) if r else None,
        scheme=assessment.get_scheme(session, admin.centre_id, year).as_dict(),
        indicators=assessment.INDICATORS,
    )


@bp.route("/centre/risk", methods=["GET", "POST"])
def risk_page():
    admin = _admin()
    session = db()
    if request.method == "POST":
        if request.form.get("action") == "scan":
            raised = risk.scan(session, admin.centre_id, today())
            flash(centre_t("flash.scanned", _lang(), {"n": len(raised)}))
        else:
            w = risk.get_warning(
                session,
                admin.centre_id,
                inputs.parse_int(request.form.get("warning_id"), "warning_id"),
            )
            try:
                risk.acknowledge(
                    session,
                    admin,
                    w,
                    inputs.parse_text(request.form.get("note"), "note", required=False),
                    close=request.form.get("action") == "close",
                )
            except UserError as exc:
                flash(exc.message(_lang()))
        session.commit()
        return redirect(url_for("centre.risk_page"))
    rows = risk.warnings(session, admin.centre_id)
    numbers = risk.case_numbers(session, sorted({i for w in rows for i in w.case_ids}))
    return render_template(
        "centre/risk.html",
        warnings=[warning_json(w, numbers) for w in rows],
        method=risk.__doc__,
    )


# === OpenAPI =======================================================================
# The paths of this blueprint for /api/openapi.json: merged into
# mediation.web.openapi.spec()["paths"] (they refer to its components.responses.Error).


def _schema_enum(cls) -> dict:
    return {"type": "string", "enum": [m.value for m in cls]}


def _obj(required: tuple[str, ...] = (), **props: dict) -> dict:
    body: dict = {"type": "object", "properties": props}
    if required:
        body["required"] = list(required)
    return body


_STR = {"type": "string"}
_INT = {"type": "integer"}
_NUM = {"type": "number"}
_BOOL = {"type": "boolean"}
_DATE = {"type": "string", "format": "date"}
_STRS = {"type": "array", "items": _STR}
_ERR = {"$ref": "#/components/responses/Error"}
_QUERY_FILTERS = [
    {"name": "from", "in": "query", "schema": _DATE, "description": "received on or after"},
    {"name": "to", "in": "query", "schema": _DATE, "description": "received on or before"},
    {"name": "region", "in": "query", "schema": _STR},
]
_FORMAT = {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["csv", "xlsx"]}}
_PATH_PARAMS = {
    "user_id": _INT,
    "pair_id": _INT,
    "expert_id": _INT,
    "invitation_id": _INT,
    "rule_id": _INT,
    "session_id": _INT,
    "warning_id": _INT,
    "year": _INT,
    "number": {"type": "string", "example": "2026-0001"},
    "month": {"type": "string", "example": "2026-03"},
}
_PROFILE = _obj(
    ("employment", "grade"),
    employment=_schema_enum(Employment),
    grade=_schema_enum(Grade),
    specialties={"type": "array", "items": _schema_enum(DisputeType)},
    languages=_STRS,
    regions=_STRS,
    available=_BOOL,
    away_until=_DATE,
    max_open_cases=_INT,
    note=_STR,
    effective_on=_DATE,
    grade_reason=_STR,
)
_ROUTES: list[tuple[str, str, str, dict | None, list]] = [
    ("get", "/api/centre/mediators", "Mediators with profiles and open cases", None, []),
    ("get", "/api/centre/mediators/{user_id}", "A mediator: profile, grades, conflicts", None, []),
    ("post", "/api/centre/mediators/{user_id}/profile", "Create or update a profile", _PROFILE, []),
    (
        "post",
        "/api/centre/mediators/{user_id}/grade",
        "Change the grade (kept in the history)",
        _obj(("grade",), grade=_schema_enum(Grade), effective_on=_DATE, reason=_STR),
        [],
    ),
    (
        "post",
        "/api/centre/mediators/{user_id}/conflicts",
        "Declare a conflict of interest with an institution",
        _obj(
            ("institution", "relation"),
            institution=_STR,
            relation=_schema_enum(ConflictRelation),
            declared_on=_DATE,
            ended_on=_DATE,
            note=_STR,
        ),
        [],
    ),
    (
        "post",
        "/api/centre/mediators/{user_id}/exit",
        "Take off the roster",
        _obj(on_date=_DATE),
        [],
    ),
    ("get", "/api/centre/mediators/{user_id}/assessments", "Assessment history", None, []),
    ("get", "/api/centre/mentoring", "Mentoring pairs", None, []),
    (
        "post",
        "/api/centre/mentoring",
        "Pair an apprentice with a mentor",
        _obj(("mentor_id", "apprentice_id"), mentor_id=_INT, apprentice_id=_INT, started_on=_DATE),
        [],
    ),
    ("post", "/api/centre/mentoring/{pair_id}/end", "End a pair", _obj(ended_on=_DATE), []),
    (
        "post",
        "/api/centre/mentoring/{pair_id}/cases",
        "Record a co-mediated case (mentor or admin)",
        _obj(("case",), case=_STR),
        [],
    ),
    (
        "post",
        "/api/centre/mentoring/{pair_id}/reviews",
        "Mentor's review of the apprentice, 1–5 (mentor or admin)",
        _obj(("score",), score=_INT, comment=_STR, reviewed_on=_DATE, case=_STR),
        [],
    ),
    ("get", "/api/centre/experts", "The talent pool", None, []),
    (
        "post",
        "/api/centre/experts",
        "Add an expert to the pool",
        _obj(
            ("name", "kind"),
            name=_STR,
            kind=_schema_enum(ExpertKind),
            organisation=_STR,
            specialties={"type": "array", "items": _schema_enum(DisputeType)},
            regions=_STRS,
            phone=_STR,
            joined_on=_DATE,
            note=_STR,
        ),
        [],
    ),
    (
        "post",
        "/api/centre/experts/{expert_id}/invitations",
        "Invite an expert to a case",
        _obj(("case",), case=_STR, complexity=_schema_enum(Complexity), invited_on=_DATE),
        [],
    ),
    (
        "post",
        "/api/centre/invitations/{invitation_id}/response",
        "Record the expert's answer",
        _obj(("accepted",), accepted=_BOOL),
        [],
    ),
    (
        "post",
        "/api/centre/invitations/{invitation_id}/complete",
        "Complete the invitation and fix its subsidy",
        _obj(completed_on=_DATE),
        [],
    ),
    ("get", "/api/centre/subsidy-rules", "Subsidy rules", None, []),
    (
        "post",
        "/api/centre/subsidy-rules",
        "Add a subsidy rule (empty criteria match anything)",
        _obj(
            ("amount",),
            amount={"type": ["string", "number"]},
            dispute_type=_schema_enum(DisputeType),
            complexity=_schema_enum(Complexity),
            outcome=_schema_enum(Outcome),
            note=_STR,
        ),
        [],
    ),
    ("post", "/api/centre/subsidy-rules/{rule_id}/retire", "Retire a rule", None, []),
    ("get", "/api/centre/statements/{month}", "Monthly subsidy statement", None, []),
    ("get", "/api/centre/statements/{month}/export", "Statement as CSV or XLSX", None, [_FORMAT]),
    ("get", "/api/centre/cases/{number}/suggestions", "Ranked mediators for a case", None, []),
    (
        "post",
        "/api/centre/cases/{number}/assignment",
        "Assign or reassign (reason required) a mediator",
        _obj(("mediator_id",), mediator_id=_INT, reason=_STR),
        [],
    ),
    ("get", "/api/centre/cases/{number}/assignments", "Assignment history", None, []),
    (
        "post",
        "/api/centre/cases/{number}/claimant-language",
        "Record the claimant's language or dialect (staff)",
        _obj(dialect=_STR, note=_STR),
        [],
    ),
    (
        "post",
        "/api/centre/cases/{number}/rating",
        "The claimant rates their closed case",
        _obj(
            ("score",),
            score={"type": "integer", "minimum": 1, "maximum": 5},
            comment=_STR,
            complaint=_BOOL,
        ),
        [],
    ),
    (
        "get",
        "/api/centre/cases/{number}/rating",
        "A case's rating (admin or its claimant)",
        None,
        [],
    ),
    ("get", "/api/centre/circuit/sites", "Circuit sites", None, []),
    (
        "post",
        "/api/centre/circuit/sites",
        "Add a circuit site",
        _obj(
            ("name", "kind", "address"),
            name=_STR,
            kind=_schema_enum(SiteKind),
            address=_STR,
            region=_STR,
        ),
        [],
    ),
    (
        "get",
        "/api/centre/circuit/sessions",
        "The rota",
        None,
        [
            {"name": "from", "in": "query", "schema": _DATE},
            {"name": "to", "in": "query", "schema": _DATE},
        ],
    ),
    (
        "post",
        "/api/centre/circuit/sessions",
        "Put a date on the rota",
        _obj(
            ("site_id", "day", "starts_at", "ends_at", "mediator_id"),
            site_id=_INT,
            day=_DATE,
            starts_at={"type": "string", "example": "09:00"},
            ends_at={"type": "string", "example": "12:00"},
            mediator_id=_INT,
            capacity=_INT,
        ),
        [],
    ),
    (
        "post",
        "/api/centre/circuit/sessions/{session_id}/bookings",
        "Schedule a case into a session (the claimant is notified)",
        _obj(("case",), case=_STR, slot={"type": "string", "example": "09:30"}),
        [],
    ),
    ("get", "/api/centre/circuit/my-appointments", "The claimant's circuit appointments", None, []),
    ("get", "/api/centre/assessment-schemes/{year}", "Weights and pass line of a year", None, []),
    (
        "post",
        "/api/centre/assessment-schemes/{year}",
        "Set weights, pass line, case target, complaint penalty",
        _obj(
            weights={"type": "object", "additionalProperties": _NUM},
            pass_line=_NUM,
            case_target=_INT,
            complaint_penalty=_NUM,
        ),
        [],
    ),
    (
        "post",
        "/api/centre/assessments/{year}",
        "Compute the year's assessment",
        _obj(as_of=_DATE),
        [],
    ),
    ("get", "/api/centre/assessments/{year}", "The latest assessment of a year", None, []),
    (
        "get",
        "/api/centre/risk-warnings",
        "Risk warnings",
        None,
        [{"name": "status", "in": "query", "schema": _schema_enum(WarningStatus)}],
    ),
    ("post", "/api/centre/risk-warnings/scan", "Scan for spikes now", _obj(as_of=_DATE), []),
    (
        "post",
        "/api/centre/risk-warnings/{warning_id}/acknowledge",
        "Acknowledge or close a warning",
        _obj(note=_STR, close=_BOOL),
        [],
    ),
    ("get", "/api/stats/dashboard", "Dashboard figures", None, _QUERY_FILTERS),
    (
        "get",
        "/api/stats/export",
        "Export for evaluators (XLSX workbook, or CSV of cases or summary)",
        None,
        [
            *_QUERY_FILTERS,
            _FORMAT,
            {
                "name": "table",
                "in": "query",
                "schema": {"type": "string", "enum": ["cases", "summary"]},
            },
        ],
    ),
]


def openapi_paths() -> dict:
    paths: dict[str, dict] = {}
    for method, path, summary, body, query in _ROUTES:
        params = [
            {"name": name, "in": "path", "required": True, "schema": _PATH_PARAMS[name]}
            for name in re.findall(r"{([^}]+)}", path)
        ]
        ok = {"200": {"description": "OK"}}
        if method == "post":
            ok["201"] = {"description": "Created"}
        op: dict = {
            "summary": summary,
            "tags": ["stats" if path.startswith("/api/stats") else "centre"],
            "parameters": params + query,
            "responses": {
                **ok,
                "400": _ERR,
                "401": _ERR,
                "403": _ERR,
                "404": _ERR,
                "409": _ERR,
            },
        }
        if body is not None:
            op["requestBody"] = {"content": {"application/json": {"schema": body}}}
        paths.setdefault(path, {})[method] = op
    return paths
