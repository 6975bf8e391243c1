"""Appending entries and proving them, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from mediation.db import session_scope
from mediation.evidence import ledger, merkle
from mediation.evidence.errors import EvidenceError
from mediation.evidence.model import LedgerEntry, LedgerHead


def _append_many(db, case_id, n, actor=None):
    for i in range(n):
        with session_scope(db.factory) as s:
            ledger.append_entry(s, case_id, "case.note", actor, {"i": i, "amount_fen": 1200})


def test_entry_bytes_are_canonical_and_chained(any_db):
    case_id, mediator, _ = any_db.make_case()
    with session_scope(any_db.factory) as s:
        first = ledger.append_entry(s, case_id, "case.created", mediator, {"stage": "intake"})
        second = ledger.append_entry(
            s, case_id, "evidence.added", mediator, {"item": 1}, file_sha256="ab" * 32
        )
    assert (first.seq, second.seq) == (0, 1)
    body = json.loads(first.body)
    assert body == {
        "v": 1,
        "case": case_id,
        "seq": 0,
        "type": "case.created",
        "actor": mediator,
        "time": body["time"],
        "payload": {"stage": "intake"},
        "file": None,
        "prev": "0" * 64,
    }
    assert body["time"].endswith("Z") and len(body["time"]) == 24
    assert first.body == ledger.entry_body(
        case_id=case_id,
        seq=0,
        entry_type="case.created",
        actor_id=mediator,
        time=body["time"],
        payload={"stage": "intake"},
        file_sha256=None,
        prev=bytes(32),
    )
    assert json.loads(second.body)["prev"] == merkle.leaf_hash(first.body).hex()
    with any_db.factory() as s:
        stored = s.get(LedgerEntry, (case_id, 1))
        assert stored.body == second.body  # exactly the hashed bytes
        assert stored.leaf_hash == merkle.leaf_hash(stored.body)
        assert stored.file_sha256 == "ab" * 32
        head = s.get(LedgerHead, case_id)
        assert head.size == 2
        assert head.root == merkle.root([merkle.leaf_hash(first.body), stored.leaf_hash])


def test_append_runs_inside_the_callers_transaction(any_db):
    case_id, _, _ = any_db.make_case()
    _append_many(any_db, case_id, 2)
    with pytest.raises(RuntimeError):
        with session_scope(any_db.factory) as s:
            ledger.append_entry(s, case_id, "case.note", None, {"i": 99})
            raise RuntimeError("the operation failed after appending")
    with any_db.factory() as s:
        assert (
            s.scalar(
                select(func.count()).select_from(LedgerEntry).where(LedgerEntry.case_id == case_id)
            )
            == 2
        )
        assert s.get(LedgerHead, case_id).size == 2
    _append_many(any_db, case_id, 1)
    with any_db.factory() as s:
        assert [e.seq for e in ledger.entries(s, case_id)] == [0, 1, 2]


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"name": "王秀英"}, "ledger.personal_data"),
        ({"party": {"phone": "13812345678"}}, "ledger.personal_data"),
        ({"amount": 12.5}, "ledger.bad_payload"),
        ({"reason": "很长" * 200}, "ledger.bad_payload"),
        ({"n": 2**53}, "ledger.bad_payload"),
        ({1: "x"}, "ledger.bad_payload"),
        ({"金额": 100}, "ledger.bad_payload"),  # keys are ASCII field names
    ],
)
def test_payloads_with_personal_data_or_non_canonical_values_are_refused(sqlite_db, payload, code):
    case_id, _, _ = sqlite_db.make_case()
    with sqlite_db.factory() as s:
        with pytest.raises(EvidenceError) as err:
            ledger.append_entry(s, case_id, "case.note", None, payload)
        assert err.value.code == code
        s.rollback()
        assert s.get(LedgerHead, case_id).size == 0


def test_entry_types_are_dotted_lowercase(sqlite_db):
    case_id, _, _ = sqlite_db.make_case()
    with sqlite_db.factory() as s:
        for bad in ("note", "Case.Note", "case note", ""):
            with pytest.raises(EvidenceError) as err:
                ledger.append_entry(s, case_id, bad, None, {})
            assert err.value.code == "ledger.bad_type"


def test_head_is_created_on_demand_and_only_once(any_db):
    case_id, _, _ = any_db.make_case()
    with session_scope(any_db.factory) as s:
        s.delete(s.get(LedgerHead, case_id))
    with session_scope(any_db.factory) as s:
        assert ledger.append_entry(s, case_id, "case.note", None, {}).seq == 0
    with session_scope(any_db.factory) as s:
        head = ledger.ensure_head(s, case_id)
        assert head.size == 1


def test_unknown_case_is_a_clear_error(sqlite_db):
    with sqlite_db.factory() as s:
        with pytest.raises(EvidenceError) as err:
            ledger.append_entry(s, 987654, "case.note", None, {})
        assert err.value.code == "ledger.no_case"


def test_inclusion_and_consistency_proofs_match_the_rfc_computation(any_db):
    case_id, _, _ = any_db.make_case()
    n = 37
    _append_many(any_db, case_id, n)
    with any_db.factory() as s:
        leaves = [e.leaf_hash for e in ledger.entries(s, case_id)]
        assert ledger.tree_root(s, case_id) == merkle.root(leaves)
        for size in (1, 2, 5, 8, 16, 17, 31, 32, 36, 37):
            assert ledger.tree_root(s, case_id, size) == merkle.root(leaves[:size])
            for seq in sorted({0, size // 2, size - 1}):
                proof = ledger.inclusion_proof(s, case_id, seq, size)
                assert proof.path == merkle.inclusion_proof(seq, leaves[:size])
                assert proof.root == merkle.root(leaves[:size])
                proof.verify()
            for size1 in (1, size // 3 or 1, size):
                cproof = ledger.consistency_proof(s, case_id, size1, size)
                assert cproof.path == merkle.consistency_proof(size1, leaves[:size])
                cproof.verify()
        with pytest.raises(EvidenceError) as err:
            ledger.inclusion_proof(s, case_id, n, n)
        assert err.value.code == "ledger.no_entry"
        with pytest.raises(EvidenceError):
            ledger.consistency_proof(s, case_id, 5, n + 1)


def test_any_entry_can_be_found_by_its_hash(sqlite_db):
    case_id, _, _ = sqlite_db.make_case()
    with session_scope(sqlite_db.factory) as s:
        entry = ledger.append_entry(s, case_id, "evidence.added", None, {}, file_sha256="cd" * 32)
        leaf = entry.leaf_hash.hex()
    with sqlite_db.factory() as s:
        assert [(e.case_id, e.seq) for e in ledger.find_by_hash(s, leaf)] == [(case_id, 0)]
        assert [(e.case_id, e.seq) for e in ledger.find_by_hash(s, "CD" * 32)] == [(case_id, 0)]
        assert ledger.find_by_hash(s, "ef" * 32) == []
