"""The served OpenAPI document is valid and complete; models and migrations agree."""

from __future__ import annotations

import re

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from openapi_spec_validator import validate


def test_openapi_document_is_valid_and_lists_every_api_route(app):
    spec = app.test_client().get("/api/openapi.json").get_json()
    validate(spec)
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, (
                f"{method} {path} is not in the OpenAPI document"
            )


def test_models_and_latest_migration_agree(app):
    import mediation.models  # noqa: F401
    from mediation.db import Base

    engine = app.extensions["mediation.engine"]
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
