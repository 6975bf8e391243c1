"""Packets as records: build, zip, store in the blob store, list, download.

`export_packet` is what the agreement, court and performance code calls; it runs in the
caller's transaction (the caller commits) and records the packet on the case's ledger
(`packet.built`, with the zip's and the manifest's hashes).
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.cases.model import Case, Stage
from mediation.errors import UserError
from mediation.evidence.ledger import append_entry
from mediation.packets.build import PACKET_DIR, PacketContext, PacketError, build
from mediation.packets.model import Packet
from mediation.people.access import require_manage
from mediation.people.model import User

# A packet needs an executed agreement: from the signed stage onwards.
PACKET_STAGES = frozenset(
    {Stage.SIGNED, Stage.JUDICIAL_CONFIRMATION, Stage.PERFORMANCE, Stage.CLOSED}
)


def zip_folder(folder: Path, target: Path) -> None:
    """Zip `folder` as `packet/…` (UTF-8 names), files in sorted order."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo(f"{PACKET_DIR}/"), b"")
        for path in sorted(folder.rglob("*"), key=lambda p: p.as_posix()):
            arcname = f"{PACKET_DIR}/{path.relative_to(folder).as_posix()}"
            if path.is_dir():
                zf.writestr(zipfile.ZipInfo(arcname + "/"), b"")
            else:
                zf.write(path, arcname)


def export_packet(
    session: Session,
    case: Case,
    kind: str,
    actor: User | None,
    *,
    agreement_pdf: bytes,
    extra: dict | None = None,
    context: PacketContext | None = None,
    check_stage: bool = True,
) -> Packet:
    """Build a packet, store its zip in the blob store and record it (row + ledger entry).

    `actor` None is the system (e.g. the performance scan producing an enforcement
    packet); a user must be centre staff who can see the case.
    """
    if actor is not None:
        require_manage(actor, case)
    if check_stage and case.stage not in PACKET_STAGES:
        raise PacketError("wrong_stage", status=409, current=case.stage.value)
    ctx = context or PacketContext.from_app()
    with tempfile.TemporaryDirectory(prefix="packet-") as tmp:
        built = build(
            session, case, kind, tmp, agreement_pdf=agreement_pdf, extra=extra, context=ctx
        )
        zip_path = Path(tmp) / "packet.zip"
        zip_folder(built.path, zip_path)
        with open(zip_path, "rb") as f:
            stored = ctx.packet_store.put(f)
    row = Packet(
        case_id=case.id,
        kind=kind,
        created_by_id=actor.id if actor is not None else None,
        sha256=stored.sha256,
        blob_key=stored.sha256,
        size=stored.size,
        manifest_sha256=built.manifest_sha256,
        tree_size=built.tree_size,
        agreement_sha256=built.agreement_sha256,
    )
    session.add(row)
    session.flush()
    append_entry(
        session,
        case.id,
        "packet.built",
        row.created_by_id,
        {
            "packet": row.id,
            "kind": kind,
            "zip_sha256": stored.sha256,
            "manifest_sha256": built.manifest_sha256,
            "agreement_sha256": built.agreement_sha256,
            "tree_size": built.tree_size,
            "root": built.root,
            "timestamped": built.timestamped,
        },
    )
    return row


def list_packets(session: Session, case: Case | int) -> list[Packet]:
    case_id = case if isinstance(case, int) else case.id
    return list(
        session.scalars(
            select(Packet).where(Packet.case_id == case_id).order_by(Packet.created_at, Packet.id)
        )
    )


def get_packet(session: Session, packet_id: int) -> Packet:
    row = session.get(Packet, packet_id)
    if row is None:
        raise PacketError("not_found", status=404)
    return row


def packet_filename(session: Session, row: Packet) -> str:
    number = session.get(Case, row.case_id).number
    return f"packet-{number}-{row.kind}-{row.id}.zip"


def packet_zip(
    session: Session,
    packet: Packet | int,
    *,
    actor: User | None = None,
    context: PacketContext | None = None,
) -> tuple[BinaryIO, str, Packet]:
    """(open zip stream, download file name, row). With an actor, checks they may see
    the case; court users pass None and check their own submission rights."""
    row = packet if isinstance(packet, Packet) else get_packet(session, packet)
    if actor is not None:
        from mediation.people.access import require_see

        require_see(actor, session.get(Case, row.case_id))
    ctx = context or PacketContext.from_app()
    try:
        stream = ctx.packet_store.open(row.blob_key)
    except UserError:
        raise PacketError("not_found", status=404) from None
    return stream, packet_filename(session, row), row


def packet_path(context: PacketContext, row: Packet) -> str | None:
    """The zip's local file path where the store is local (for send_file)."""
    path_of = getattr(context.packet_store, "path", None)
    return os.fspath(path_of(row.blob_key)) if path_of else None
