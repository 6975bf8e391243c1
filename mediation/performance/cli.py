"""`mediation performance scan`: reminders before due dates and missed-payment alerts."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext

from mediation.db import session_scope
from mediation.performance import service


@click.group("performance")
def group() -> None:
    """Performance of settlement agreements."""


@group.command("scan")
@click.option("--today", "today_", default=None, help="Scan as of this date (default: today).")
@click.option(
    "--reminder-days",
    type=int,
    default=None,
    help="Remind this many days before a due date (default PAYMENT_REMINDER_DAYS, 3).",
)
@with_appcontext
def scan(today_: str | None, reminder_days: int | None) -> None:
    day = (
        date.fromisoformat(today_)
        if today_
        else datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).date()
    )
    days = reminder_days
    if days is None:
        days = int(current_app.config.get("PAYMENT_REMINDER_DAYS", service.DEFAULT_REMINDER_DAYS))
    with session_scope(current_app.extensions["mediation.sessionmaker"]) as session:
        result = service.scan(session, day, reminder_days=days)
    click.echo(
        f"performance scan {result.today.isoformat()}: {result.schedules} schedules from "
        f"agreements, {result.reminders} reminders, {result.alerts} missed-payment alerts, "
        f"{result.packets} enforcement packets"
    )
    for error in result.schedule_errors:
        click.echo(f"  schedule not derived: {error}", err=True)
    for error in result.packet_errors:
        click.echo(f"  packet not built: {error}", err=True)
