"""The `mediation` command: database, demo data, holiday schedules, deadlines, the scan."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from mediation.db import session_scope


def _factory():
    return current_app.extensions["mediation.sessionmaker"]


def _today() -> date:
    return datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).date()


@click.group("db")
def db_group() -> None:
    """Create or upgrade the database schema."""


@db_group.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Create the database or bring it to the latest schema (idempotent)."""
    from mediation.migrate import upgrade

    upgrade(current_app.config["DATABASE_URL"])
    from mediation.people.setup import ensure_centre

    with session_scope(_factory()) as s:
        ensure_centre(s, current_app.config)
    click.echo("database is at the latest revision")


@click.command("demo")
@click.option("--reset", is_flag=True, help="Remove earlier demo cases first.")
@with_appcontext
def demo(reset: bool) -> None:
    """Load a few dozen realistic demo cases across all stages (idempotent)."""
    from mediation.demo import load_demo

    with session_scope(_factory()) as s:
        n = load_demo(s, current_app.config, _today(), reset=reset)
    click.echo(f"demo data: {n} cases")


@click.group("holidays")
def holidays_group() -> None:
    """The State Council holiday calendar and its overrides."""


@holidays_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def holidays_import(path: str) -> None:
    """Import a year's schedule (YAML, see mediation/deadlines/schedules/)."""
    from mediation.deadlines.calendar import ScheduleError, parse_schedule
    from mediation.deadlines.holidays import import_schedule

    try:
        schedule = parse_schedule(Path(path))
    except ScheduleError as exc:
        raise click.ClickException(f"节假日安排文件有误 / invalid schedule: {exc}") from None
    with session_scope(_factory()) as s:
        n = import_schedule(s, schedule)
    click.echo(f"{schedule.year}: {n} days imported; the year is now verified")


@holidays_group.command("set")
@click.argument("day")
@click.option("--workday/--day-off", required=True, help="上班 (incl. 调休) or 放假")
@click.option("--name", default=None)
@click.option(
    "--remove", is_flag=True, help="Drop the override and fall back to the packaged calendar."
)
@with_appcontext
def holidays_set(day: str, workday: bool, name: str | None, remove: bool) -> None:
    """Override one day of the calendar."""
    from mediation.deadlines.holidays import remove_day, set_day

    try:
        d = date.fromisoformat(day)
    except ValueError:
        raise click.BadParameter(
            f"“{day}”不是有效日期 / not a date (YYYY-MM-DD)", param_hint="DAY"
        ) from None
    with session_scope(_factory()) as s:
        if remove:
            click.echo("removed" if remove_day(s, d) else "no override for that day")
            return
        set_day(s, d, workday, name, source="mediation holidays set")
    click.echo(f"{d.isoformat()}: {'workday' if workday else 'day off'}")


@holidays_group.command("list")
@click.argument("year", type=int)
@with_appcontext
def holidays_list(year: int) -> None:
    """Show the days off and make-up working days of a year."""
    from mediation.deadlines.holidays import year_summary

    with session_scope(_factory()) as s:
        verified, days = year_summary(s, year)
    click.echo(f"{year}: {'verified' if verified else 'CALENDAR UNVERIFIED'}")
    for day, workday, name in days:
        click.echo(
            f"{day.isoformat()}  {'上班 workday' if workday else '放假 day off'}  {name or ''}"
        )


@click.command("deadline")
@click.argument("rule")
@click.argument("start")
@click.option("--pause", "pauses", multiple=True, help="Excluded interval FROM/TO (repeatable).")
@click.option("--extension-days", type=int, default=0)
@click.option("--restart-on", default=None, help="NFRA Art 18 ¶3: the date new facts arrived.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh")
@with_appcontext
def deadline(
    rule: str,
    start: str,
    pauses: tuple[str, ...],
    extension_days: int,
    restart_on: str | None,
    lang: str,
) -> None:
    """Compute the due date of RULE for an event on START (YYYY-MM-DD)."""
    from mediation.cases.service import rulebook
    from mediation.deadlines.counting import CountingError, compute_due, explain
    from mediation.deadlines.rules import UnknownRule
    from mediation.deadlines.service import load_calendar

    def parse(value: str, what: str) -> date:
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise click.BadParameter(
                f"“{value}”不是有效日期 / not a date (YYYY-MM-DD)", param_hint=what
            ) from None

    try:
        r = rulebook(tuple(current_app.config["EXTRA_RULE_DIRS"])).get(rule)
    except UnknownRule:
        raise click.ClickException(f"不存在期限规则 / no such rule: {rule}") from None
    intervals = []
    for p in pauses:
        a, _, b = p.partition("/")
        intervals.append((parse(a, "--pause"), parse(b, "--pause")))
    with session_scope(_factory()) as s:
        calendar = load_calendar(s)
    try:
        result = compute_due(
            r,
            parse(start, "START"),
            calendar,
            pauses=intervals,
            extension_days=extension_days,
            restart_on=parse(restart_on, "--restart-on") if restart_on else None,
        )
    except CountingError as exc:
        raise click.ClickException(str(exc)) from None
    if result.verified:
        click.echo(f"{r.id}: due {result.due.isoformat()}")
    else:
        click.echo(
            f"{r.id}: CALENDAR_UNVERIFIED (provisional {result.provisional_due.isoformat()})"
        )
    for line in explain(result, lang):
        click.echo(f"  - {line}")
    click.echo(f"  {r.citation.law} {r.citation.article}: {r.citation.quote}")


@click.command("scan")
@click.option("--today", "today_", default=None, help="Scan as of this date (default: today).")
@with_appcontext
def scan(today_: str | None) -> None:
    """Mark clocks that are due soon or overdue, and record that on their cases."""
    from mediation.deadlines.service import scan as run_scan

    day = date.fromisoformat(today_) if today_ else _today()
    with session_scope(_factory()) as s:
        result = run_scan(s, day)
    click.echo(
        f"scan {day.isoformat()}: {result.newly_overdue} newly overdue, {result.newly_due_soon} newly due soon"
    )


@click.group("centre")
def centre_group() -> None:
    """This installation's centre."""


@centre_group.command("rule-set")
@click.argument("name", required=False)
@with_appcontext
def centre_rule_set(name: str | None) -> None:
    """Show the rule sets, or choose NAME for new clocks of this centre."""
    from mediation.cases.service import rule_set, rule_set_names
    from mediation.errors import UserError
    from mediation.people.setup import ensure_centre

    dirs = tuple(current_app.config["EXTRA_RULE_DIRS"])
    with session_scope(_factory()) as s:
        centre = ensure_centre(s, current_app.config)
        if name is None:
            for n in rule_set_names(dirs):
                click.echo(("* " if n == centre.rule_set else "  ") + n)
            return
        try:
            rule_set(name, dirs)
        except UserError:
            raise click.ClickException(f"不存在规则集 / no such rule set: {name}") from None
        centre.rule_set = name
    click.echo(f"rule set: {name}")


@click.group("user")
def user_group() -> None:
    """Users of the centre."""


@user_group.command("create")
@click.argument("username")
@click.option("--name", "display_name", required=True)
@click.option(
    "--role",
    type=click.Choice(["admin", "mediator", "claimant", "institution", "court"]),
    required=True,
)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--institution", default=None)
@with_appcontext
def user_create(
    username: str, display_name: str, role: str, password: str, institution: str | None
) -> None:
    from mediation.people.model import Role, User
    from mediation.people.setup import ensure_centre

    with session_scope(_factory()) as s:
        centre = ensure_centre(s, current_app.config)
        if s.scalar(select(User).where(User.username == username)):
            raise click.ClickException(f"用户已存在 / user exists: {username}")
        s.add(
            User(
                centre_id=centre.id,
                username=username,
                display_name=display_name,
                role=Role(role),
                password_hash=generate_password_hash(password),
                institution_name=institution,
            )
        )
    click.echo(f"created {username}")


@user_group.command("token")
@click.argument("username")
@with_appcontext
def user_token(username: str) -> None:
    """Issue a new API token for USERNAME (shown once; replaces the old one)."""
    from mediation.people.model import User
    from mediation.web.setup import token_hash

    token = secrets.token_urlsafe(32)
    with session_scope(_factory()) as s:
        user = s.scalar(select(User).where(User.username == username))
        if user is None:
            raise click.ClickException(f"没有此用户 / no such user: {username}")
        user.api_token_hash = token_hash(token)
    click.echo(token)


@click.group("ledger")
def ledger_group() -> None:
    """Signed checkpoints of the evidence ledgers."""


def _signer():
    from mediation.evidence.checkpoints import KeyRing

    ring = KeyRing(current_app.instance_path)
    name = current_app.config.get("LEDGER_KEY_NAME")
    return ring.current(name) if name else ring.current()


def _tsa():
    if not current_app.config.get("TSA_URL"):
        return None
    from mediation.evidence.timestamps import TimestampAuthority

    return TimestampAuthority(current_app.config["TSA_URL"])


@ledger_group.command("sign")
@with_appcontext
def ledger_sign() -> None:
    """Sign a checkpoint of every case ledger that grew since its last one (run on a schedule)."""
    from mediation.evidence.checkpoints import sign_pending

    signed = sign_pending(_factory(), _signer(), _tsa())
    click.echo(f"signed {len(signed)} checkpoints")


@ledger_group.command("rotate-key")
@with_appcontext
def ledger_rotate_key() -> None:
    """Start signing with a new key; checkpoints signed with the old one stay verifiable."""
    from mediation.evidence.checkpoints import KeyRing

    signer = KeyRing(current_app.instance_path).rotate(current_app.config.get("LEDGER_KEY_NAME"))
    click.echo(signer.verifier_key)


@click.command("nightly")
@click.pass_context
@with_appcontext
def nightly(ctx: click.Context) -> None:
    """What cron runs once a day: the deadline scan, ledger checkpoints, the risk scan,
    payment reminders and missed-payment alerts."""
    ctx.invoke(scan, today_=None)
    ctx.invoke(ledger_sign)
    from mediation.centre.cli import group as centre_ops

    risk = centre_ops.get_command(ctx, "risk-scan")
    if risk is not None:
        ctx.invoke(risk, as_of=None)
    from mediation.performance.cli import scan as performance_scan

    ctx.invoke(performance_scan, today_=None, reminder_days=None)


def register(app: Flask) -> None:
    from mediation.centre.cli import group as centre_ops
    from mediation.court.cli import COMMANDS as court_commands
    from mediation.evidence.cli import verify_command
    from mediation.packets.cli import packet_group, verify_packet_command
    from mediation.performance.cli import group as performance_group
    from mediation.precedents.cli import precedents_group
    from mediation.transcripts.cli import COMMANDS as transcript_commands

    for command in (
        db_group,
        demo,
        holidays_group,
        deadline,
        scan,
        centre_group,
        user_group,
        centre_ops,
        ledger_group,
        verify_command,
        packet_group,
        verify_packet_command,
        nightly,
        performance_group,
        precedents_group,
        *transcript_commands,
        *court_commands,
    ):
        app.cli.add_command(command)


def _create_app():
    from mediation import create_app

    return create_app()


cli = FlaskGroup(create_app=_create_app, help="Financial dispute mediation case management.")


def main() -> None:
    cli()
