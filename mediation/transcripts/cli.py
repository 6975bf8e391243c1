"""`mediation transcribe FILE`: a quick check of speech recognition on one file, and the
worker commands (see mediation.jobs.cli)."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from mediation.jobs.cli import jobs_group, worker


@click.command("transcribe")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--variety",
    type=click.Choice(["mandarin", "cantonese", "sichuanese", "wu", "minnan", "other"]),
    default="mandarin",
    show_default=True,
)
@click.option("--backend", type=click.Choice(["faster-whisper", "openai-whisper"]), default=None)
@click.option("--word", "words", multiple=True, help="Extra vocabulary (repeatable).")
@with_appcontext
def transcribe(path: str, variety: str, backend: str | None, words: tuple[str, ...]) -> None:
    """Transcribe one audio file and print the segments (nothing is stored)."""
    from mediation.transcripts.messages import t
    from mediation.transcripts.service import Settings
    from nlp.asr import ModelMissing, Options, load_transcriber
    from nlp.audio import AudioError, check_signal, decode

    settings = Settings.from_config(current_app.config, current_app.instance_path)
    try:
        samples, info = decode(Path(path), max_seconds=settings.max_audio_seconds)
        check_signal(samples)
    except AudioError as exc:
        params = {"format": "?", "max_minutes": "?", **exc.params}
        raise click.ClickException(
            f"{t('error.' + exc.code, 'zh', params)} / {t('error.' + exc.code, 'en', params)}"
        ) from None
    try:
        tr = load_transcriber(backend or settings.backend, settings.model_dir)
    except ModelMissing as exc:
        raise click.ClickException(str(exc)) from None
    began = time.perf_counter()
    result = tr.transcribe(samples, Options(variety=variety, vocabulary=list(words)))
    took = time.perf_counter() - began
    for seg in result.segments:
        click.echo(f"[{seg.start:7.2f} → {seg.end:7.2f}] ({seg.confidence:.2f}) {seg.text}")
    click.echo(
        f"-- {info.format}/{info.codec}, {info.duration_s:.1f} s, {result.chunks} chunks, "
        f"{tr.backend} {tr.model}, {took:.1f} s (RTF {took / max(info.duration_s, 0.01):.2f})"
    )


COMMANDS = (worker, jobs_group, transcribe)


def register(app) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)
