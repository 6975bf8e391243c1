"""`mediation packet …` (export-ca, build) and `mediation verify-packet PATH`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext


@click.group("packet")
def packet_group() -> None:
    """Settlement packets for courts: the centre CA, building packets."""


@packet_group.command("export-ca")
@click.option("--out", type=click.Path(dir_okay=False), help="Write centre-ca.pem here.")
@with_appcontext
def export_ca(out: str | None) -> None:
    """Print the centre CA certificate (what the court registers) and its SHA-256 fingerprint.

    Generates the CA and the packet signer on first use.
    """
    from mediation.packets.signing import PacketKeys

    signer = PacketKeys(current_app.instance_path).signer(
        current_app.config.get("CENTRE_NAME") or "调解中心"
    )
    if out:
        Path(out).write_bytes(signer.ca_pem)
        click.echo(f"wrote {out}")
    else:
        click.echo(signer.ca_pem.decode(), nl=False)
    click.echo(f"SHA256 Fingerprint={signer.ca_fingerprint}")


@packet_group.command("build")
@click.argument("case_number")
@click.option(
    "--agreement",
    type=click.Path(exists=True, dir_okay=False),
    required=True,
    help="The executed agreement PDF (its SHA-256 must be on the case ledger).",
)
@click.option("--kind", type=click.Choice(["settlement", "enforcement"]), default="settlement")
@click.option("--out", type=click.Path(file_okay=False), help="Also write the packet folder here.")
@with_appcontext
def build_command(case_number: str, agreement: str, kind: str, out: str | None) -> None:
    """Build, store and record a packet for CASE_NUMBER; prints its id and hash."""
    import zipfile

    from mediation.cases.service import get_case
    from mediation.db import session_scope
    from mediation.errors import UserError
    from mediation.packets.build import PacketContext
    from mediation.packets.service import export_packet
    from mediation.people.setup import ensure_centre

    ctx = PacketContext.from_app(current_app)
    pdf = Path(agreement).read_bytes()
    try:
        with session_scope(current_app.extensions["mediation.sessionmaker"]) as s:
            centre = ensure_centre(s, current_app.config)
            case = get_case(s, centre.id, case_number)
            row = export_packet(s, case, kind, None, agreement_pdf=pdf, context=ctx)
            packet_id, size, digest, key = row.id, row.size, row.sha256, row.blob_key
    except UserError as exc:
        raise click.ClickException(f"{exc.message('zh')} / {exc.message('en')}") from None
    click.echo(f"packet {packet_id}: {size} bytes, sha256 {digest}")
    if out:
        with ctx.packet_store.open(key) as stream, zipfile.ZipFile(stream) as zf:
            zf.extractall(out)  # our own zip, just written: names are packet/…
        click.echo(f"folder: {Path(out) / 'packet'}")


@click.command("verify-packet")
@click.argument("path", type=click.Path(exists=True))
@click.option(
    "--ca",
    "ca_file",
    type=click.Path(exists=True, dir_okay=False),
    help="centre-ca.pem as registered with the court (default: this instance's centre CA).",
)
@click.option(
    "--tsa-ca",
    type=click.Path(exists=True, dir_okay=False),
    help="PEM root certificate(s) of the time-stamping authority.",
)
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Default: both.")
@with_appcontext
def verify_packet_command(
    path: str, ca_file: str | None, tsa_ca: str | None, lang: str | None
) -> None:
    """Check a packet folder or zip: bag, signature, timestamp, ledger, files.

    Exit status 0 when everything verifies, 1 when anything does not.
    """
    from mediation.packets.signing import PacketKeys
    from mediation.packets.verify import verify_packet

    ca_pem = None
    if ca_file:
        ca_pem = Path(ca_file).read_bytes()
    else:
        keys = PacketKeys(current_app.instance_path)
        if keys.exists():
            ca_pem = keys.signer(create=False).ca_pem
            click.echo("centre CA: this instance's (use --ca for the registered one)")
    tsa_file = tsa_ca or current_app.config.get("TSA_CA_FILE")
    tsa_pem = Path(tsa_file).read_bytes() if tsa_file else None
    report = verify_packet(path, centre_ca_pem=ca_pem, tsa_ca_pem=tsa_pem)

    def both(zh: str, en: str) -> str:
        if lang == "zh":
            return zh
        if lang == "en":
            return en
        return f"{zh} / {en}"

    for check in report.checks:
        mark = {True: "OK     ", False: "FAILED ", None: "-      "}[check.ok]
        line = f"{mark} {both(check.title('zh'), check.title('en'))}"
        if check.detail:
            line += f": {check.detail}"
        click.echo(line)
    for problem in report.problems:
        where = f" [{problem.file}]" if problem.file else ""
        click.echo(f"  ✗ {problem.code}{where}: {both(problem.zh, problem.en)}")
    for warning in report.warnings:
        click.echo(f"  ! {warning}")
    facts = report.facts
    for key in (
        "case_number", "kind", "tree_size", "root", "agreement_sha256",
        "signing_time", "timestamp_time", "manifest_sha256",
    ):  # fmt: skip
        if facts.get(key) is not None:
            click.echo(f"{key}: {facts[key]}")
    click.echo(both(report.summary("zh"), report.summary("en")))
    click.get_current_context().exit(0 if report.ok else 1)
