"""`mediation centre-ops ...`: the annual assessment, monthly subsidy statements and the
risk-warning scan, for cron or the administrator's shell."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext

from mediation.db import session_scope


def _factory():
    return current_app.extensions["mediation.sessionmaker"]


def _today() -> date:
    return datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).date()


def _date(value: str | None, hint: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"“{value}”不是有效日期 / not a date (YYYY-MM-DD)", param_hint=hint
        ) from None


@click.group("centre-ops")
def group() -> None:
    """Centre operations: assessment, subsidy statements, risk warnings."""


@group.command("assess")
@click.argument("year", type=click.IntRange(2000, 2199))
@click.option("--as-of", "as_of", default=None, help="Count overdue clocks as of this day.")
@with_appcontext
def assess(year: int, as_of: str | None) -> None:
    """Compute the YEAR assessment of every mediator (a new run; earlier runs are kept)."""
    from mediation.centre import assessment
    from mediation.people.setup import ensure_centre

    day = _date(as_of, "--as-of") or _today()
    with session_scope(_factory()) as s:
        centre = ensure_centre(s, current_app.config)
        run = assessment.run(s, None, centre.id, year, day)
        rows = [
            (r.mediator.display_name, r.score, r.passed, r.flagged_for_exit) for r in run.results
        ]
    flagged = 0
    for name, score, passed, flag in rows:
        verdict = "FLAGGED FOR EXIT" if flag else ("passed" if passed else "not enough data")
        flagged += flag
        click.echo(f"{name}\t{'—' if score is None else f'{score:.2f}'}\t{verdict}")
    click.echo(f"{year}: {len(rows)} mediators assessed, {flagged} flagged for exit")


@group.command("statements")
@click.argument("month")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True))
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh")
@with_appcontext
def statements(month: str, out: str, lang: str) -> None:
    """Write the talent pool's subsidy statement of MONTH (YYYY-MM) to --out (.xlsx or .csv)."""
    from mediation.centre import export, talent
    from mediation.errors import UserError
    from mediation.people.setup import ensure_centre

    path = Path(out)
    if path.suffix.lower() not in (".xlsx", ".csv"):
        raise click.BadParameter("use a .xlsx or .csv file name", param_hint="--out")
    with session_scope(_factory()) as s:
        centre = ensure_centre(s, current_app.config)
        try:
            st = talent.statement(s, centre.id, month)
        except UserError as exc:
            raise click.ClickException(exc.message(lang)) from None
    body = (
        export.statement_xlsx(st, lang)
        if path.suffix.lower() == ".xlsx"
        else export.statement_csv(st, lang)
    )
    path.write_bytes(body)
    click.echo(f"{st.month}: {len(st.lines)} cases, total {st.total} → {path}")


@group.command("risk-scan")
@click.option("--as-of", "as_of", default=None, help="Scan the 7 days ending on this day.")
@with_appcontext
def risk_scan(as_of: str | None) -> None:
    """Raise warnings for spikes of new disputes per institution, product and region."""
    from mediation.centre import risk
    from mediation.people.setup import ensure_centre

    day = _date(as_of, "--as-of") or _today()
    with session_scope(_factory()) as s:
        centre = ensure_centre(s, current_app.config)
        raised = risk.scan(s, centre.id, day)
        lines = [
            f"{w.dimension.value}\t{w.key}\t{w.count} (weekly mean {w.baseline_mean:.2f}, "
            f"p={w.p_value:.2g})"
            for w in raised
        ]
    for line in lines:
        click.echo(line)
    click.echo(f"risk scan {day.isoformat()}: {len(lines)} new warnings")


@group.command("demo")
@with_appcontext
def demo() -> None:
    """Demo profiles, talent pool, subsidy rules and a circuit rota (after `mediation demo`)."""
    from mediation.centre.demo import load_centre_demo
    from mediation.people.setup import ensure_centre

    with session_scope(_factory()) as s:
        centre = ensure_centre(s, current_app.config)
        n = load_centre_demo(s, centre.id, _today())
    click.echo(f"centre demo: {n} mediator profiles" if n else "centre demo: already loaded")
