"""Who may use centre operations, the OpenAPI description of its routes, and migration
0005 agreeing with the models."""

from __future__ import annotations

import copy
import re

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from openapi_spec_validator import validate
from sqlalchemy import create_engine, inspect

from mediation.centre import model
from mediation.db import Base
from mediation.web import centre

OURS = {
    m.__tablename__
    for m in vars(model).values()
    if isinstance(m, type) and issubclass(m, Base) and m.__module__ == model.__name__
}
SAMPLE = {
    "user_id": "1",
    "pair_id": "1",
    "expert_id": "1",
    "invitation_id": "1",
    "rule_id": "1",
    "session_id": "1",
    "warning_id": "1",
    "year": "2025",
    "number": "2026-0001",
    "month": "2026-03",
}
# Routes that are not for the administrator alone: a claimant's own rating and
# appointments, a mentor's records of their apprentice, staff recording a dialect.
SHARED = {
    "centre.api_rate",
    "centre.api_rating",
    "centre.api_my_appointments",
    "centre.api_mentored_case",
    "centre.api_review",
    "centre.api_claimant_language",
}

# Auditors (third-party evaluators) read the statistics and their export.
READ_BY_AUDITORS = {"centre.dashboard", "centre.api_dashboard", "centre.api_export"}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("centre."):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: SAMPLE[m.group(1)], rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, path


def test_non_administrators_are_refused_everywhere(app, users):
    checked = 0
    for who in ("med_a", "claimant", "bank", "auditor"):
        api = users[who][1]
        for rule, method, path in _routes(app):
            r = api.get(path) if method == "GET" else api.post(path, json={})
            if rule.endpoint in READ_BY_AUDITORS and who == "auditor":
                assert r.status_code == 200, (who, method, path, r.status_code)
            elif rule.endpoint == "centre.api_my_appointments" and who == "claimant":
                assert r.status_code == 200 and r.get_json() == {"appointments": []}
            elif rule.endpoint in SHARED:
                assert r.status_code in (400, 403, 404), (who, method, path, r.status_code)
            else:
                assert r.status_code == 403, (who, method, path, r.status_code)
            checked += 1
    assert checked > 200


def test_anonymous_callers_are_sent_to_sign_in(app):
    client = app.test_client()
    for _rule, method, path in _routes(app):
        r = client.get(path) if method == "GET" else client.post(path, json={})
        if path.startswith("/api/"):
            assert r.status_code == 401, (method, path)
        else:
            assert r.status_code == 302 and "/login" in r.headers["Location"], (method, path)


def test_every_api_route_is_described_and_the_merged_document_is_valid(app):
    spec = copy.deepcopy(app.test_client().get("/api/openapi.json").get_json())
    ours = centre.openapi_paths()
    documented = {(p, m) for p, ops in ours.items() for m in ops}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("centre.") and rule.rule.startswith("/api/"):
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (path, method.lower()) in documented, f"{method} {path}"
    assert len(documented) == sum(
        len(r.methods - {"HEAD", "OPTIONS"})
        for r in app.url_map.iter_rules()
        if r.endpoint.startswith("centre.") and r.rule.startswith("/api/")
    )
    spec["paths"].update(ours)
    validate(spec)


def _diff_touching_ours(diffs) -> list:
    out = []
    for d in diffs:
        for item in d if isinstance(d, list) else [d]:
            names = set()
            for x in item[1:]:
                names.add(getattr(x, "name", None))
                names.add(getattr(getattr(x, "table", None), "name", None))
                if isinstance(x, str):
                    names.add(x)
            if names & OURS:
                out.append(item)
    return out


def test_migrated_database_matches_the_models(app):
    engine = app.extensions["mediation.engine"]
    assert OURS <= set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert _diff_touching_ours(diffs) == []


def test_migration_upgrades_from_the_previous_head_and_downgrades(tmp_path, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("the upgrade path is checked once, on a fresh SQLite file")
    from mediation import migrate

    cfg = migrate.alembic_config(f"sqlite:///{tmp_path / 'm.db'}")
    script = ScriptDirectory.from_config(cfg)
    ours = script.get_revision("0005_centre_operations")
    previous = ours.down_revision
    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrate.upgrade(url, previous)
    engine = create_engine(url)
    assert not OURS & set(inspect(engine).get_table_names())
    migrate.upgrade(url, "0005_centre_operations")
    assert OURS <= set(inspect(create_engine(url)).get_table_names())
    command.downgrade(cfg, previous)
    assert not OURS & set(inspect(create_engine(url)).get_table_names())


KEY = re.compile(
    r"\b(?:centre|stats|assign|mediator|circuit|risk|assess|subsidy|expert|expert_kind|col|"
    r"indicator|grade|employment|relation|site_kind|dimension|warning_status|complexity|"
    r"outcome|common|flash|error)\.[a-z_]+"
)


def test_pages_render_in_both_languages_without_missing_texts(app, users, today_is):
    from datetime import date

    from tests.conftest import case_payload

    today_is(date(2026, 4, 1))
    admin = users["admin"][1]
    med = users["med_a"][0]
    admin.post(
        f"/api/centre/mediators/{med}/profile",
        json={"employment": "part_time", "grade": "intermediate", "specialties": ["payments"]},
    )
    admin.post(
        f"/api/centre/mediators/{med}/conflicts",
        json={"institution": "某银行", "relation": "relative"},
    )
    number = admin.post("/api/cases", json=case_payload()).get_json()["number"]
    admin.post("/api/centre/experts", json={"name": "孙律师", "kind": "lawyer"})
    admin.post("/api/centre/subsidy-rules", json={"amount": "200", "complexity": "simple"})
    site = admin.post(
        "/api/centre/circuit/sites",
        json={"name": "某银行营业部", "kind": "bank_branch", "address": "人民路 1 号"},
    ).get_json()
    admin.post(
        "/api/centre/circuit/sessions",
        json={
            "site_id": site["id"],
            "day": "2026-04-20",
            "starts_at": "14:00",
            "ends_at": "17:00",
            "mediator_id": med,
        },
    )
    admin.post("/api/centre/assessments/2026", json={})
    pages = [
        "/centre/dashboard",
        "/centre/mediators",
        f"/centre/mediators/{med}",
        f"/centre/cases/{number}/assign",
        "/centre/talent",
        "/centre/circuit",
        "/centre/assessments?year=2026",
        "/centre/risk",
    ]
    for lang in ("zh", "en"):
        for path in pages:
            r = admin.get(path + ("&" if "?" in path else "?") + f"lang={lang}")
            assert r.status_code == 200, (path, lang)
            html = r.get_data(as_text=True)
            assert not KEY.findall(html), (path, lang, KEY.findall(html)[:5])
    assert admin.get("/centre").status_code == 302


def test_profile_form_saves_through_the_page(app, users):
    import time

    browser = app.test_client()
    with browser.session_transaction() as sess:
        sess["user_id"] = users["admin"][0]
        sess["seen"] = int(time.time())
    page = browser.get("/centre/mediators").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    med = users["med_b"][0]
    r = browser.post(
        "/centre/mediators",
        data={
            "csrf_token": token,
            "user_id": med,
            "grade": "senior",
            "employment": "full_time",
            "specialties": ["banking", "lending"],
            "languages": "普通话、粤语",
            "regions": "城关镇，东河乡",
            "available": "on",
            "max_open_cases": "12",
        },
    )
    assert r.status_code == 302
    body = users["admin"][1].get(f"/api/centre/mediators/{med}").get_json()["profile"]
    assert body["specialties"] == ["banking", "lending"]
    assert body["languages"] == ["普通话", "粤语"]
    assert body["regions"] == ["城关镇", "东河乡"]
    assert body["max_open_cases"] == 12
