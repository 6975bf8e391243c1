"""`mediation court ...`: register courts and their trust anchors, add clerks and the
court's service account (API token shown once), list courts and a court's inbox."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from mediation.db import session_scope
from mediation.errors import UserError


def _factory():
    return current_app.extensions["mediation.sessionmaker"]


def _fail(exc: UserError) -> click.ClickException:
    return click.ClickException(f"{exc.message('zh')} / {exc.message('en')}")


@click.group("court")
def group() -> None:
    """Courts that receive settlement packets for judicial confirmation."""


@group.command("add")
@click.argument("code")
@click.option("--name", required=True, help="法院名称")
@click.option("--region", default=None)
@click.option(
    "--ca",
    "ca_file",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="the centre CA certificate (PEM) the court registered as its trust anchor",
)
@click.option("--tsa-ca", "tsa_file", type=click.Path(exists=True, dir_okay=False), default=None)
@with_appcontext
def add(code: str, name: str, region: str | None, ca_file: str | None, tsa_file: str | None):
    """Register court CODE (or update it)."""
    from mediation.court import service
    from mediation.people.setup import ensure_centre

    try:
        with session_scope(_factory()) as s:
            centre = ensure_centre(s, current_app.config)
            court = service.register_court(
                s,
                centre,
                code,
                name,
                region=region,
                trust_anchor_pem=Path(ca_file).read_text() if ca_file else None,
                tsa_ca_pem=Path(tsa_file).read_text() if tsa_file else None,
            )
            fingerprint = court.ca_fingerprint
    except UserError as exc:
        raise _fail(exc) from None
    click.echo(f"{code}: {name}")
    click.echo(f"trust anchor SHA-256: {fingerprint or '(none)'}")


@group.command("clerk")
@click.argument("code")
@click.argument("username")
@click.option("--name", "display_name", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def clerk(code: str, username: str, display_name: str, password: str) -> None:
    """Add a clerk USERNAME to court CODE (signs in on the web; the API token is printed)."""
    _add_user(code, username, display_name, password=password, service_account=False)


@group.command("service-account")
@click.argument("code")
@click.argument("username")
@click.option("--name", "display_name", default=None)
@with_appcontext
def service_account(code: str, username: str, display_name: str | None) -> None:
    """Create the API account of court CODE's case system and print its token (once)."""
    _add_user(code, username, display_name or username, password=None, service_account=True)


def _add_user(code, username, display_name, *, password, service_account) -> None:
    from mediation.court import service
    from mediation.people.setup import ensure_centre

    try:
        with session_scope(_factory()) as s:
            centre = ensure_centre(s, current_app.config)
            court = service.get_court(s, centre.id, code)
            _, token = service.add_court_user(
                s,
                court,
                username,
                display_name,
                password=password,
                service_account=service_account,
            )
    except UserError as exc:
        raise _fail(exc) from None
    click.echo(token)


@group.command("list")
@with_appcontext
def list_courts() -> None:
    """Courts, their trust anchors and open applications."""
    from mediation.court import service
    from mediation.people.setup import ensure_centre

    with session_scope(_factory()) as s:
        centre = ensure_centre(s, current_app.config)
        for court in service.list_courts(s, centre.id):
            inbox = service.court_inbox(s, court)
            open_count = sum(1 for sub in inbox if sub.open)
            click.echo(
                f"{court.code}\t{court.name}\t{court.ca_fingerprint or '-'}\t"
                f"open {open_count} / all {len(inbox)}"
            )


COMMANDS = [group]
