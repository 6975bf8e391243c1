"""Evidence on a case, in the JSON API and on the case pages: list with who added it and
when, upload (streamed into the content-addressed store), download with its hash,
withdrawal (a new ledger entry, never a deletion) and an inclusion proof per item."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, flash, g, jsonify, redirect, request, send_file, url_for

from mediation.cases.service import get_case
from mediation.errors import Forbidden, UserError
from mediation.evidence.blobstore import LocalBlobStore
from mediation.evidence.model import EvidenceItem
from mediation.evidence.service import (
    add_evidence,
    get_evidence,
    list_evidence,
    proof_for,
    withdraw_evidence,
)
from mediation.people import access
from mediation.people.model import Role, User
from mediation.web import inputs, pages
from mediation.web.api import bp as api_bp
from mediation.web.present import local_time
from mediation.web.setup import db


def blob_store() -> LocalBlobStore:
    store = current_app.extensions.get("mediation.blobstore")
    if store is None:
        root = current_app.config.get("EVIDENCE_BLOB_DIR") or str(
            Path(current_app.instance_path) / "blobs"
        )
        store = LocalBlobStore(root, max_size=current_app.config["MAX_EVIDENCE_BYTES"])
        current_app.extensions["mediation.blobstore"] = store
    return store


def item_json(item: EvidenceItem, viewer: User, number: str) -> dict:
    adder = item.added_by
    shown = None
    if adder is not None:
        shown = (
            adder.display_name
            if (viewer.reads_all_cases or adder.id == viewer.id or adder.role == Role.INSTITUTION)
            else None
        )
    base = f"/api/cases/{number}/evidence/{item.id}"
    return {
        "id": item.id,
        "filename": item.filename,
        "sha256": item.blob_sha256,
        "size": item.blob.size,
        "media_type": item.blob.media_type,
        "added_by": shown,
        "added_by_role": adder.role.value if adder else None,
        "added_at": item.added_at.isoformat() + "Z",
        "added_at_local": local_time(item.added_at),
        "ledger_seq": item.added_seq,
        "withdrawn": item.withdrawn_at is not None,
        "withdrawn_at": item.withdrawn_at.isoformat() + "Z" if item.withdrawn_at else None,
        "withdrawn_reason": item.withdrawn_reason,
        "download": base + "/download",
        "proof": base + "/proof",
    }


def _may_add(user: User, case) -> None:
    access.require_see(user, case)
    if user.role in (Role.AUDITOR, Role.COURT):
        raise Forbidden()


def _load(number: str, for_update: bool = False):
    user = g.user
    case = get_case(db(), user.centre_id, number, for_update=for_update)
    access.require_see(user, case)
    return case


@api_bp.get("/cases/<number>/evidence")
def api_list_evidence(number: str):
    case = _load(number)
    return jsonify({"evidence": [item_json(i, g.user, number) for i in list_evidence(db(), case)]})


@api_bp.post("/cases/<number>/evidence")
def api_add_evidence(number: str):
    case = _load(number, for_update=True)
    _may_add(g.user, case)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise UserError("missing_field", field="file")
    item = add_evidence(
        db(),
        case,
        g.user,
        upload.stream,
        upload.filename,
        blob_store(),
        client_sha256=request.form.get("sha256") or None,
        channel="api",
    )
    db().commit()
    return jsonify(item_json(item, g.user, number)), 201


@api_bp.get("/cases/<number>/evidence/<int:item_id>/download")
def api_download_evidence(number: str, item_id: int):
    case = _load(number)
    item = get_evidence(db(), case, item_id)
    response = send_file(
        blob_store().path(item.blob_sha256),
        mimetype=item.blob.media_type,
        as_attachment=True,
        download_name=item.filename,
        max_age=0,
    )
    response.headers["X-Content-SHA256"] = item.blob_sha256
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@api_bp.post("/cases/<number>/evidence/<int:item_id>/withdraw")
def api_withdraw_evidence(number: str, item_id: int):
    case = _load(number, for_update=True)
    _may_add(g.user, case)
    reason = inputs.parse_text(inputs.json_body().get("reason"), "reason", max_len=2000)
    item = withdraw_evidence(db(), get_evidence(db(), case, item_id), g.user, reason)
    db().commit()
    return jsonify(item_json(item, g.user, number))


@api_bp.get("/cases/<number>/evidence/<int:item_id>/proof")
def api_evidence_proof(number: str, item_id: int):
    case = _load(number)
    proof = proof_for(db(), get_evidence(db(), case, item_id))
    proof.verify()
    return jsonify(proof.as_dict())


# Pages ---------------------------------------------------------------------------------


@pages.bp.post("/cases/<number>/evidence")
def page_add_evidence(number: str):
    user = pages.require_user()
    session_ = db()
    case = get_case(session_, user.centre_id, number, for_update=True)
    _may_add(user, case)
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise UserError("missing_field", field="file")
        add_evidence(
            session_, case, user, upload.stream, upload.filename, blob_store(), channel="web"
        )
        session_.commit()
    except UserError as exc:
        session_.rollback()
        flash(exc.message(g.lang), "error")
    return redirect(url_for("pages.case_page", number=number) + "#evidence")


@pages.bp.post("/cases/<number>/evidence/<int:item_id>/withdraw")
def page_withdraw_evidence(number: str, item_id: int):
    user = pages.require_user()
    session_ = db()
    case = get_case(session_, user.centre_id, number, for_update=True)
    _may_add(user, case)
    try:
        reason = inputs.parse_text(request.form.get("reason"), "reason", max_len=2000)
        withdraw_evidence(session_, get_evidence(session_, case, item_id), user, reason)
        session_.commit()
    except UserError as exc:
        session_.rollback()
        flash(exc.message(g.lang), "error")
    return redirect(url_for("pages.case_page", number=number) + "#evidence")


@pages.bp.get("/cases/<number>/evidence/<int:item_id>/download")
def page_download_evidence(number: str, item_id: int):
    user = pages.require_user()
    g.user = user
    return api_download_evidence(number, item_id)


def evidence_for_page(case, user: User) -> list[dict]:
    return [item_json(i, user, case.number) for i in list_evidence(db(), case)]
