"""Precedent suggestions and the suggested mediation plan: JSON under /api and an HTML
fragment for the mediator's case page. For the centre's staff only; the same error
format as mediation/web/api.py ({"error": {"code", "message"}})."""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, render_template, request

from mediation.cases.model import Case, DisputeType
from mediation.cases.service import get_case
from mediation.errors import Forbidden, UserError
from mediation.people import access
from mediation.people.model import User
from mediation.precedents import service
from mediation.precedents.messages import t
from mediation.web import inputs
from mediation.web.setup import current_user, db
from nlp.plan import Outcome
from nlp.precedents import Filters

bp = Blueprint("precedents", __name__)

SOURCES = ("corpus", "centre")


@bp.before_request
def _authenticate():
    user = current_user()
    if user is None:
        raise UserError("unauthorized", status=401)
    # Suggestions draw on other cases of the centre: the mediator's tool, not the parties'.
    if not user.is_staff:
        raise Forbidden()
    return None


def _user() -> User:
    return g.user


def _lang() -> str:
    return g.get("lang", "zh")


def _label(key: str) -> str:
    return t(key, _lang())


def _base() -> service.PrecedentBase:
    from mediation.precedents.pgvector import PgVectorUnavailable

    try:
        return service.precedent_base(current_app.config["DATABASE_URL"], current_app.config)
    except PgVectorUnavailable as exc:
        raise UserError("precedents_pgvector", status=503, detail=str(exc)) from None


def _choices(name: str, allowed: tuple[str, ...]) -> frozenset[str] | None:
    values = [v for raw in request.args.getlist(name) for v in raw.split(",") if v]
    for v in values:
        if v not in allowed:
            raise UserError("invalid_field", field=name, detail=f"{v} ∉ {{{', '.join(allowed)}}}")
    return frozenset(values) or None


def _filters() -> Filters:
    args = request.args
    amount_min = inputs.parse_amount(args.get("amount_min"), "amount_min")
    amount_max = inputs.parse_amount(args.get("amount_max"), "amount_max")
    facts = [f for raw in args.getlist("fact") for f in raw.split(",") if f]
    if any(len(f) > 64 for f in facts):
        raise UserError("invalid_field", field="fact", detail="≤ 64")
    return Filters(
        dispute_types=_choices("dispute_type", tuple(d.value for d in DisputeType)),
        amount_min=float(amount_min) if amount_min is not None else None,
        amount_max=float(amount_max) if amount_max is not None else None,
        region=inputs.parse_text(args.get("region"), "region", required=False, max_len=100),
        date_from=inputs.parse_date(args.get("date_from"), "date_from", required=False),
        date_to=inputs.parse_date(args.get("date_to"), "date_to", required=False),
        outcomes=_choices("outcome", Outcome.ALL),
        sources=_choices("source", SOURCES),
        facts=frozenset(facts) or None,
        scopes=frozenset({_user().centre_id}),
    )


def _k(default: int) -> int:
    return inputs.parse_int(request.args.get("k"), "k", required=False, low=1, high=50) or default


def _load(number: str) -> Case:
    case = get_case(db(), _user().centre_id, number)
    access.require_see(_user(), case)
    return case


def _notice(base: service.PrecedentBase) -> dict:
    lexical_only = base.embedder is None
    return {
        "model": base.embedder.name if base.embedder is not None else None,
        "index": base.settings.index,
        "lexical_only": lexical_only,
        "notice": _label("precedent.lexical_only") if lexical_only else None,
    }


def case_precedents_json(case: Case, k: int, filters: Filters) -> dict:
    base = _base()
    matches, facts = service.search_case(db(), base, case, filters, k)
    return {
        "case": case.number,
        "key_facts": sorted(facts.features()),
        **_notice(base),
        "results": [service.match_json(m, facts, _label) for m in matches],
    }


def _traced_json(items: list[dict]) -> list[dict]:
    return [dict(item, label=_label(f"precedent.plan.{item['code']}")) for item in items]


def plan_json(case: Case, k: int, filters: Filters) -> dict:
    base = _base()
    plan, matches = service.mediation_plan(db(), base, case, filters, k)
    lang = _lang()
    share = plan["settlement_share"]
    amount = plan["suggested_amount"]
    return {
        "case": case.number,
        "aid": True,  # a suggestion for the mediator, not a decision
        "disclaimer": t("precedent.disclaimer", lang),
        **_notice(base),
        "confidence": plan["confidence"],
        "confidence_label": t(f"precedent.plan.confidence.{plan['confidence']}", lang),
        "basis_label": t(
            "precedent.plan.basis",
            lang,
            {"n": len(plan["basis"]), "considered": plan["considered"]},
        ),
        "settlement_share": share,
        "settlement_share_label": t(
            "precedent.plan.settlement_share",
            lang,
            {
                "low": f"{share['low']:.0%}",
                "high": f"{share['high']:.0%}",
                "median": f"{share['median']:.0%}",
                "n": share["n"],
            },
        )
        if share
        else t("precedent.plan.no_amounts", lang),
        "suggested_amount": amount,
        "suggested_amount_label": t("precedent.plan.suggested_amount", lang, amount)
        if amount
        else None,
        "interest": _traced_json(plan["interest"]),
        "terms": _traced_json(plan["terms"]),
        "legal_points": _traced_json(plan["legal_points"]),
        "outcome_counts": plan["outcome_counts"],
        "basis": plan["basis"],
        "sources": [
            {
                "ref": m.doc.ref,
                "title": m.doc.title,
                "source": m.doc.source,
                "score": round(m.score, 4),
                "outcome": m.doc.outcome,
                "outcome_label": _label(f"precedent.outcome.{m.doc.outcome}"),
            }
            for m in matches
        ],
    }


@bp.get("/api/cases/<number>/precedents")
def case_precedents(number: str):
    """Similar precedents of a case: ?k=10&dispute_type=&amount_min=&amount_max=&region=
    &date_from=&date_to=&outcome=&source=&fact= (outcome, source, fact repeatable)."""
    case = _load(number)
    return jsonify(case_precedents_json(case, _k(_base().settings.results), _filters()))


@bp.get("/api/precedents/search")
def search():
    """Free-text search: ?q=...&k=10 plus the filters of the case search."""
    q = inputs.parse_text(request.args.get("q"), "q", max_len=service.MAX_QUERY_CHARS)
    base = _base()
    matches, facts = service.search_text(db(), base, q, _filters(), _k(base.settings.results))
    return jsonify(
        {
            "query_key_facts": sorted(facts.features()),
            **_notice(base),
            "results": [service.match_json(m, facts, _label) for m in matches],
        }
    )


@bp.get("/api/cases/<number>/mediation-plan")
def mediation_plan(number: str):
    """A suggested mediation plan from the case's most similar precedents (an aid)."""
    case = _load(number)
    return jsonify(plan_json(case, _k(10), _filters()))


@bp.get("/api/precedents/status")
def precedents_status():
    base = _base()
    return jsonify(service.status(db(), base))


def panel_context(case: Case) -> dict:
    """What templates/precedents/panel.html needs (for the case page to include it)."""
    filters = Filters(scopes=frozenset({_user().centre_id}))
    return {
        "precedents": case_precedents_json(case, 5, filters),
        "plan": plan_json(case, 10, filters),
        "pt": lambda key, **params: t(key, _lang(), params),
    }


@bp.get("/cases/<number>/precedents")
def panel(number: str):
    """The panel as an HTML fragment (for the case page to fetch or include)."""
    case = _load(number)
    return render_template("precedents/panel.html", **panel_context(case))


ROUTES = [
    ("GET", "/api/cases/{number}/precedents", "Similar precedents of a case, with filters"),
    ("GET", "/api/precedents/search", "Free-text precedent search, with filters"),
    ("GET", "/api/cases/{number}/mediation-plan", "Suggested mediation plan (an aid)"),
    ("GET", "/api/precedents/status", "Size of the precedent base and the model in use"),
]
