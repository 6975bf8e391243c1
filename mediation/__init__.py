"""Financial dispute mediation case management."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

from mediation import config


def _secret_key(instance: Path) -> str:
    # Generated once into the instance folder, never committed.
    path = instance / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def create_app(test_config: dict | None = None) -> Flask:
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("MEDIATION_INSTANCE")
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=str(Path(instance_path).resolve()) if instance_path else None,
        template_folder=str(Path(__file__).resolve().parent.parent / "templates"),
    )
    app.config.from_mapping(config.DEFAULTS)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(config.from_environment())
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(Path(app.instance_path))
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = "sqlite:///" + str(Path(app.instance_path) / "mediation.db")

    from mediation.web import setup

    setup.init_app(app)
    return app
