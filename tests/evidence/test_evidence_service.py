"""Adding, listing, withdrawing and proving evidence."""

from __future__ import annotations

import io
import json
from hashlib import sha256

import pytest

from mediation.db import session_scope
from mediation.evidence import checkpoints, ledger, merkle, service
from mediation.evidence.errors import EvidenceError
from mediation.evidence.model import Blob, EvidenceItem
from mediation.evidence.verify import verify_case
from mediation.people.model import User

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"


def test_add_evidence_stores_the_file_and_records_it_in_one_transaction(any_db, blob_store):
    case_id, mediator_id, claimant_id = any_db.make_case()
    with session_scope(any_db.factory) as s:
        claimant = s.get(User, claimant_id)
        item = service.add_evidence(
            s,
            case_id,
            claimant,
            io.BytesIO(PDF),
            "C:\\证据\\借款合同.pdf",
            blob_store,
            client_sha256=sha256(PDF).hexdigest().upper(),
        )
        item_id = item.id
    with any_db.factory() as s:
        item = s.get(EvidenceItem, item_id)
        assert item.filename == "借款合同.pdf"
        assert item.blob_sha256 == sha256(PDF).hexdigest()
        assert item.blob.media_type == "application/pdf" and item.blob.size == len(PDF)
        assert item.added_by_id == claimant_id and item.added_seq == 0
        entry = ledger.entries(s, case_id)[0]
        body = json.loads(entry.body)
        assert body["type"] == "evidence.added" and body["actor"] == claimant_id
        assert body["file"] == item.blob_sha256
        assert body["payload"] == {
            "item": item_id,
            "sha256": item.blob_sha256,
            "size": len(PDF),
            "media_type": "application/pdf",
            "filename_sha256": sha256("借款合同.pdf".encode()).hexdigest(),
            "channel": "web",
            "client_sha256": item.blob_sha256,
        }
        assert "借款合同" not in entry.body.decode()  # no file name on the ledger
        assert blob_store.digest(item.blob_sha256) == item.blob_sha256


def test_a_refused_upload_changes_nothing(sqlite_db, blob_store):
    case_id, _, claimant_id = sqlite_db.make_case()
    with pytest.raises(EvidenceError) as err:
        with session_scope(sqlite_db.factory) as s:
            service.add_evidence(
                s, case_id, s.get(User, claimant_id), io.BytesIO(b"MZ\x90\x00"), "a.exe", blob_store
            )
    assert err.value.code == "blob.type_not_allowed"
    with sqlite_db.factory() as s:
        assert service.list_evidence(s, case_id) == []
        assert ledger.head_of(s, case_id).size == 0
    assert list(blob_store.addresses()) == []


def test_same_file_twice_is_one_blob_two_items(sqlite_db, blob_store):
    case_id, mediator_id, claimant_id = sqlite_db.make_case()
    with session_scope(sqlite_db.factory) as s:
        for who in (claimant_id, mediator_id):
            service.add_evidence(s, case_id, s.get(User, who), io.BytesIO(PDF), "a.pdf", blob_store)
    with sqlite_db.factory() as s:
        items = service.list_evidence(s, case_id)
        assert [i.added_by.id for i in items] == [claimant_id, mediator_id]
        assert s.query(Blob).count() == 1
    assert len(list(blob_store.addresses())) == 1


def test_withdrawal_is_a_new_entry_never_a_deletion(any_db, blob_store):
    case_id, mediator_id, claimant_id = any_db.make_case()
    with session_scope(any_db.factory) as s:
        item_id = service.add_evidence(
            s, case_id, s.get(User, claimant_id), io.BytesIO(PDF), "a.pdf", blob_store
        ).id
    with session_scope(any_db.factory) as s:
        other = User(
            centre_id=s.get(User, claimant_id).centre_id,
            username=f"x{case_id}",
            display_name="x",
            role="institution",
            password_hash="x",
        )
        s.add(other)
        s.flush()
        with pytest.raises(EvidenceError) as err:
            service.withdraw_evidence(s, item_id, other, "不相关")
        assert err.value.code == "evidence.withdraw_forbidden"
        with pytest.raises(EvidenceError) as err:
            service.withdraw_evidence(s, item_id, s.get(User, claimant_id), "  ")
        assert err.value.code == "evidence.reason_required"
    with session_scope(any_db.factory) as s:
        service.withdraw_evidence(s, item_id, s.get(User, mediator_id), "当事人申请撤回")
    with session_scope(any_db.factory) as s:
        with pytest.raises(EvidenceError) as err:
            service.withdraw_evidence(s, item_id, s.get(User, mediator_id), "again")
        assert err.value.code == "evidence.already_withdrawn"
    with any_db.factory() as s:
        item = service.get_evidence(s, case_id, item_id)
        assert item.withdrawn and item.withdrawn_by.id == mediator_id
        assert item.withdrawn_reason == "当事人申请撤回" and item.withdrawn_seq == 1
        assert [i.id for i in service.list_evidence(s, case_id)] == [item_id]
        assert service.list_evidence(s, case_id, include_withdrawn=False) == []
        entries = ledger.entries(s, case_id)
        assert [e.entry_type for e in entries] == ["evidence.added", "evidence.withdrawn"]
        payload = json.loads(entries[1].body)["payload"]
        assert payload["reason_sha256"] == sha256("当事人申请撤回".encode()).hexdigest()
        assert verify_case(s, case_id, keys={}, store=blob_store).ok
    assert blob_store.exists(item.blob_sha256)  # the file stays


def test_proof_for_an_item_ends_at_the_signed_checkpoint(sqlite_db, blob_store, signer):
    case_id, _, claimant_id = sqlite_db.make_case()
    with session_scope(sqlite_db.factory) as s:
        ledger.append_entry(s, case_id, "case.created", None, {})
        item_id = service.add_evidence(
            s, case_id, s.get(User, claimant_id), io.BytesIO(PDF), "a.pdf", blob_store
        ).id
        checkpoints.checkpoint_case(s, case_id, signer)
        ledger.append_entry(s, case_id, "case.note", None, {"after": True})
    with sqlite_db.factory() as s:
        item = s.get(EvidenceItem, item_id)
        proof = service.proof_for(s, item)
        assert (proof.seq, proof.tree_size) == (1, 2)
        assert proof.checkpoint is not None and proof.checkpoint.startswith(
            f"{signer.name}/case/{case_id}\n2\n"
        )
        proof.verify()
        merkle.verify_inclusion(
            proof.seq,
            proof.tree_size,
            merkle.leaf_hash(ledger.entries(s, case_id)[1].body),
            proof.path,
            proof.root,
        )
        latest = service.proof_for(s, ledger.entries(s, case_id)[2])
        assert latest.tree_size == 3 and latest.checkpoint is None
        latest.verify()
        assert json.loads(json.dumps(proof.as_dict()))["leaf_index"] == 1
