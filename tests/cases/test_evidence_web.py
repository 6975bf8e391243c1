"""Evidence through the API and pages: upload, list with who and when, download with its
hash, withdrawal as a new ledger entry, inclusion proofs, access."""

from __future__ import annotations

import hashlib
import io

from tests.conftest import Api, case_payload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(api, number, content, name="合同.pdf"):
    return api.client.post(
        f"/api/cases/{number}/evidence",
        data={"file": (io.BytesIO(content), name)},
        headers=api.headers,
        content_type="multipart/form-data",
    )


def test_claimant_uploads_evidence_and_everyone_on_the_case_can_check_it(
    app, make_user, mediator_api
):
    _, claimant_tok = make_user("wang", "claimant")
    claimant = Api(app.test_client(), claimant_tok)
    number = claimant.post("/api/cases", json=case_payload()).get_json()["number"]
    r = _upload(claimant, number, PDF)
    assert r.status_code == 201, r.get_json()
    item = r.get_json()
    assert item["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert (item["media_type"], item["filename"], item["added_by"]) == (
        "application/pdf",
        "合同.pdf",
        "wang",
    )
    listed = mediator_api.get(f"/api/cases/{number}/evidence").get_json()["evidence"]
    assert [e["sha256"] for e in listed] == [item["sha256"]]
    download = mediator_api.get(item["download"])
    assert download.data == PDF and download.headers["X-Content-SHA256"] == item["sha256"]
    assert "attachment" in download.headers["Content-Disposition"]
    proof = mediator_api.get(item["proof"]).get_json()
    assert proof["leaf_index"] == item["ledger_seq"] and proof["tree_size"] > proof["leaf_index"]
    r = mediator_api.post(
        item["download"].replace("/download", "/withdraw"), json={"reason": "重复提交"}
    )
    assert r.status_code == 200 and r.get_json()["withdrawn"] is True
    again = mediator_api.post(
        item["download"].replace("/download", "/withdraw"), json={"reason": "x"}
    )
    assert (
        again.status_code == 409
        and again.get_json()["error"]["code"] == "evidence.already_withdrawn"
    )
    assert mediator_api.get(item["download"]).data == PDF  # withdrawn, never deleted


def test_bad_uploads_get_clear_messages_and_store_nothing(app, mediator_api):
    number = mediator_api.post("/api/cases", json=case_payload()).get_json()["number"]
    r = _upload(mediator_api, number, b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" * 10, name="report.pdf")
    assert r.get_json()["error"]["code"] == "blob.type_not_allowed"
    assert r.status_code == 415
    r = _upload(mediator_api, number, b"", name="empty.pdf")
    assert r.get_json()["error"]["code"] == "blob.empty"
    r = mediator_api.client.post(f"/api/cases/{number}/evidence", headers=mediator_api.headers)
    assert r.get_json()["error"]["code"] == "missing_field"
    assert mediator_api.get(f"/api/cases/{number}/evidence").get_json()["evidence"] == []


def test_evidence_is_refused_to_those_outside_the_case(app, make_user, mediator_api):
    _, other_tok = make_user("li", "claimant")
    _, aud_tok = make_user("aud", "auditor")
    number = mediator_api.post("/api/cases", json=case_payload()).get_json()["number"]
    item = _upload(mediator_api, number, PDF).get_json()
    other = Api(app.test_client(), other_tok)
    assert other.get(f"/api/cases/{number}/evidence").status_code == 403
    assert other.get(item["download"]).status_code == 403
    assert _upload(other, number, PDF).status_code == 403
    auditor = Api(app.test_client(), aud_tok)
    assert auditor.get(item["proof"]).status_code == 200
    assert _upload(auditor, number, PDF).status_code == 403
