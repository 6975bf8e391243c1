"""`mediation precedents ...`: import the corpus, index closed cases, search, suggest a plan."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from mediation.db import session_scope

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_CORPUS = REPO_ROOT.parent / "shared" / "data" / "precedents" / "corpus" / "precedents.jsonl"


def _factory():
    return current_app.extensions["mediation.sessionmaker"]


def _settings():
    from mediation.precedents.service import Settings

    return Settings.from_config(current_app.config)


def _progress(label: str):
    start = time.monotonic()
    state = {"last": 0.0}

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - state["last"] < 1.0:
            return
        state["last"] = now
        elapsed = now - start
        eta = elapsed / done * (total - done) if done else 0
        pct = 100.0 * done / total if total else 100.0
        click.echo(
            f"{label}: {done}/{total} ({pct:.0f}%), {elapsed:.0f}s elapsed, ~{eta:.0f}s left",
            err=True,
        )

    return report


@click.group("precedents")
def precedents_group() -> None:
    """The precedent base: similar cases and suggested mediation plans."""


@precedents_group.command("import")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@click.option("--batch", "batch_size", default=32, show_default=True)
@click.option("--limit", type=int, default=None, help="Import only the first N records.")
@click.option("--no-embed", is_flag=True, help="Skip embeddings (run `precedents embed` later).")
@with_appcontext
def import_command(path: str | None, batch_size: int, limit: int | None, no_embed: bool) -> None:
    """Import a JSON Lines corpus (default: PRECEDENT_CORPUS, else the shared demo corpus).
    Idempotent and resumable: unchanged records are skipped."""
    from mediation.precedents.service import CorpusError, import_corpus

    source = Path(path or current_app.config.get("PRECEDENT_CORPUS") or SHARED_CORPUS)
    if not source.is_file():
        raise click.ClickException(f"没有语料文件 / no corpus file: {source}")
    embedder = None if no_embed else _settings().embedder()
    if embedder is None and not no_embed:
        click.echo(
            "embedding model not installed (bin/setup-models-embeddings): importing for "
            "word and key-fact search only",
            err=True,
        )
    try:
        result = import_corpus(
            _factory(), source, embedder, batch_size=batch_size, limit=limit,
            progress=_progress("import"),
        )  # fmt: skip
    except CorpusError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"{result.read} read, {result.changed} new or changed, {result.unchanged} unchanged, "
        f"{result.embedded} embedded"
    )


@precedents_group.command("embed")
@click.option("--batch", "batch_size", default=32, show_default=True)
@with_appcontext
def embed_command(batch_size: int) -> None:
    """Embed every precedent that has no vector under the installed model."""
    from mediation.precedents.service import embed_missing

    embedder = _settings().embedder()
    if embedder is None:
        raise click.ClickException("embedding model not installed: run bin/setup-models-embeddings")
    n = embed_missing(_factory(), embedder, batch_size=batch_size, progress=_progress("embed"))
    click.echo(f"{n} embedded")


@precedents_group.command("index-closed")
@with_appcontext
def index_closed_command() -> None:
    """Add every closed case that is not in the precedent base yet."""
    from mediation.precedents.service import index_closed_cases

    n = index_closed_cases(_factory(), _settings().embedder())
    click.echo(f"{n} closed cases indexed")


def _print_matches(results: list[dict]) -> None:
    for i, r in enumerate(results, start=1):
        click.echo(f"{i:2d}. {r['score']:+.3f}  {r['title']}  [{r['outcome_label']}]")
        if r["shared_facts"]:
            click.echo("    " + "、".join(f["label"] for f in r["shared_facts"]))
        for p in r["passages"]:
            marked = "".join(f"【{s['text']}】" if s["mark"] else s["text"] for s in p["segments"])
            click.echo("    > " + marked.strip().replace("\n", " ")[:200])


@precedents_group.command("search")
@click.argument("text", required=False)
@click.option("--case", "number", default=None, help="Search with a case's facts and request.")
@click.option("-k", default=10, show_default=True)
@click.option("--dispute-type", default=None)
@click.option("--outcome", default=None)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def search_command(
    text: str | None, number: str | None, k: int, dispute_type: str | None, outcome: str | None,
    lang: str, as_json: bool,
) -> None:  # fmt: skip
    """Similar precedents for TEXT, or for --case NUMBER."""
    from mediation.people.setup import ensure_centre
    from mediation.precedents import service
    from mediation.precedents.messages import t
    from nlp.precedents import Filters

    if not text and not number:
        raise click.UsageError("give TEXT or --case NUMBER")
    base = service.precedent_base(current_app.config["DATABASE_URL"], current_app.config)
    with session_scope(_factory()) as s:
        centre = ensure_centre(s, current_app.config)
        filters = Filters(
            scopes=frozenset({centre.id}),
            dispute_types=frozenset({dispute_type}) if dispute_type else None,
            outcomes=frozenset({outcome}) if outcome else None,
        )
        if number:
            from mediation.cases.service import get_case

            case = get_case(s, centre.id, number)
            matches, facts = service.search_case(s, base, case, filters, k)
        else:
            matches, facts = service.search_text(s, base, text, filters, k)
        results = [service.match_json(m, facts, lambda key: t(key, lang)) for m in matches]
    if as_json:
        json.dump({"results": results}, sys.stdout, ensure_ascii=False, indent=2)
        click.echo()
        return
    if base.embedder is None:
        click.echo(t("precedent.lexical_only", lang), err=True)
    _print_matches(results)


@precedents_group.command("plan")
@click.argument("number")
@click.option("-k", default=10, show_default=True)
@with_appcontext
def plan_command(number: str, k: int) -> None:
    """The suggested mediation plan of case NUMBER (JSON; an aid, not a decision)."""
    from mediation.cases.service import get_case
    from mediation.people.setup import ensure_centre
    from mediation.precedents import service
    from nlp.precedents import Filters

    base = service.precedent_base(current_app.config["DATABASE_URL"], current_app.config)
    with session_scope(_factory()) as s:
        centre = ensure_centre(s, current_app.config)
        case = get_case(s, centre.id, number)
        plan, _matches = service.mediation_plan(
            s, base, case, Filters(scopes=frozenset({centre.id})), k
        )
    json.dump(plan, sys.stdout, ensure_ascii=False, indent=2)
    click.echo()


@precedents_group.command("status")
@with_appcontext
def status_command() -> None:
    """How many precedents there are, and which are embedded."""
    from mediation.precedents import service

    with session_scope(_factory()) as s:
        out = service.status(s)
    out["model_installed"] = _settings().embedder() is not None
    click.echo(json.dumps(out, ensure_ascii=False))


@precedents_group.command("pgvector-sync")
@with_appcontext
def pgvector_sync_command() -> None:
    """Create the pgvector ANN table if needed and copy new embeddings into it."""
    from mediation.precedents.pgvector import PgVectorUnavailable, engine_dense_index

    settings = _settings()
    embedder = settings.embedder()
    if embedder is None:
        raise click.ClickException("embedding model not installed: run bin/setup-models-embeddings")
    try:
        index = engine_dense_index(
            current_app.config["DATABASE_URL"], settings.pgvector_schema, embedder.dim
        )
    except PgVectorUnavailable as exc:
        raise click.ClickException(f"pgvector unavailable: {exc}") from None
    with session_scope(_factory()) as s:
        n = index.sync_from(s, embedder.name)
    click.echo(f"{n} changes copied; {index.count()} vectors in {settings.pgvector_schema}")
