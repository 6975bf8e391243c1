"""Every kind of tampering is detected and the first bad entry is named, each on its own."""

from __future__ import annotations

import io
import json
import os
from dataclasses import dataclass

import pytest
from sqlalchemy import text

from mediation.db import session_scope
from mediation.evidence import checkpoints, ledger, merkle, notes
from mediation.evidence.checkpoints import KeyRing, LedgerSigner
from mediation.evidence.model import LedgerCheckpoint
from mediation.evidence.verify import CaseReport, verify_case, verify_store
from mediation.people.model import User

PNG_LIKE = b"\x89PNG\r\n\x1a\n" + bytes(200)


@dataclass
class Built:
    db: object
    case_id: int
    store: object
    keyring: KeyRing
    signer: LedgerSigner
    file_seq: int
    file_sha: str

    def report(self, keys=None) -> CaseReport:
        with self.db.factory() as s:
            return verify_case(
                s, self.case_id, keys=keys or self.keyring.trusted(), store=self.store
            )

    def sql(self, statement: str, **params) -> None:
        with self.db.engine.begin() as conn:
            conn.execute(text(statement), params)


@pytest.fixture
def built(any_db, blob_store, keyring, signer):
    """12 entries (one evidence file at seq 4), signed checkpoints at sizes 8 and 12."""
    case_id, mediator_id, claimant_id = any_db.make_case()
    from mediation.evidence import service

    with session_scope(any_db.factory) as s:
        for i in range(4):
            ledger.append_entry(s, case_id, "case.note", mediator_id, {"i": i})
        item = service.add_evidence(
            s, case_id, s.get(User, claimant_id), io.BytesIO(PNG_LIKE), "photo.png", blob_store
        )
        file_sha = item.blob_sha256
        for i in range(5, 8):
            ledger.append_entry(s, case_id, "case.note", mediator_id, {"i": i})
        checkpoints.checkpoint_case(s, case_id, signer)
        for i in range(8, 12):
            ledger.append_entry(s, case_id, "case.note", None, {"i": i})
        checkpoints.checkpoint_case(s, case_id, signer)
    return Built(any_db, case_id, blob_store, keyring, signer, 4, file_sha)


def _codes(report: CaseReport) -> set[str]:
    return {p.code for p in report.problems}


def _reset_head(b: Built) -> None:
    """What a careful attacker does after cutting entries: make the head match them."""
    with b.db.factory() as s:
        leaves = [e.leaf_hash for e in ledger.entries(s, b.case_id)]
    frontier: list[bytes] = []
    for i, leaf in enumerate(leaves):
        merkle.frontier_append(frontier, i, leaf)
    b.sql(
        "UPDATE ledger_heads SET size=:n, last_hash=:last, root=:root, frontier=:f "
        "WHERE case_id=:c",
        n=len(leaves),
        last=leaves[-1],
        root=merkle.frontier_root(frontier),
        f=b"".join(frontier),
        c=b.case_id,
    )


def test_an_untouched_ledger_verifies(built):
    report = built.report()
    assert report.ok, [p.message for p in report.problems]
    assert report.entries == 12 and report.files == 1
    assert sorted(c.tree_size for c in report.checkpoints) == [8, 12]
    assert report.summary().endswith(": OK")
    for batch in (1, 3, 4, 5, 8):  # batches that split the ledger at every kind of boundary
        with built.db.factory() as s:
            again = verify_case(
                s, built.case_id, keys=built.keyring.trusted(), store=built.store, batch=batch
            )
        assert again.ok and again.root == report.root and len(again.checkpoints) == 2


def test_changed_row_is_named(built):
    with built.db.factory() as s:
        body = ledger.entries(s, built.case_id)[3].body
    built.sql(
        "UPDATE ledger_entries SET body=:b WHERE case_id=:c AND seq=3",
        b=body.replace(b'"i":3', b'"i":9'),
        c=built.case_id,
    )
    report = built.report()
    assert not report.ok
    assert report.first_bad_seq == 3
    assert report.first_problem.code == "entry.hash"
    assert "first bad entry seq 3" in report.summary()


def test_changed_row_with_its_hash_recomputed_is_still_named(built):
    with built.db.factory() as s:
        body = ledger.entries(s, built.case_id)[3].body.replace(b'"i":3', b'"i":9')
    built.sql(
        "UPDATE ledger_entries SET body=:b, leaf_hash=:h WHERE case_id=:c AND seq=3",
        b=body,
        h=merkle.leaf_hash(body),
        c=built.case_id,
    )
    report = built.report()
    assert report.first_bad_seq == 3
    assert {"entry.chain", "checkpoint.root"} <= _codes(report)


def test_changed_column_outside_the_hashed_bytes(built):
    built.sql(
        "UPDATE ledger_entries SET type='case.forged' WHERE case_id=:c AND seq=6",
        c=built.case_id,
    )
    report = built.report()
    assert report.first_bad_seq == 6 and report.first_problem.code == "entry.row"


def test_changed_file_byte(built):
    path = built.store.path(built.file_sha)
    os.chmod(path, 0o644)
    data = bytearray(path.read_bytes())
    data[100] ^= 0x01
    path.write_bytes(bytes(data))
    report = built.report()
    assert report.first_bad_seq == built.file_seq
    assert report.first_problem.code == "blob.corrupt"
    assert built.file_sha in report.first_problem.message


def test_missing_file(built):
    built.store.path(built.file_sha).unlink()
    report = built.report()
    assert report.first_problem.code == "blob.missing"
    assert report.first_bad_seq == built.file_seq


def test_deleted_entry(built):
    built.sql("DELETE FROM ledger_entries WHERE case_id=:c AND seq=6", c=built.case_id)
    report = built.report()
    assert report.first_bad_seq == 6
    assert report.first_problem.code == "entry.missing"


def test_deleted_last_entry(built):
    built.sql("DELETE FROM ledger_entries WHERE case_id=:c AND seq=11", c=built.case_id)
    report = built.report()
    assert report.first_bad_seq == 11
    assert {"head.size", "checkpoint.rollback"} <= _codes(report)


def test_swapped_entries(built):
    c = built.case_id
    built.sql("UPDATE ledger_entries SET seq=-1 WHERE case_id=:c AND seq=5", c=c)
    built.sql("UPDATE ledger_entries SET seq=5 WHERE case_id=:c AND seq=6", c=c)
    built.sql("UPDATE ledger_entries SET seq=6 WHERE case_id=:c AND seq=-1", c=c)
    report = built.report()
    assert report.first_bad_seq == 5
    assert "entry.order" in _codes(report)
    assert any("swapped" in p.message for p in report.problems)


def test_evidence_row_pointing_at_another_file(built, blob_store):
    other = blob_store.put(io.BytesIO(b"%PDF-1.4 other"))
    built.sql(
        "INSERT INTO blobs (sha256, size, media_type, stored_at) "
        "VALUES (:s, 14, 'application/pdf', CURRENT_TIMESTAMP)",
        s=other.sha256,
    )
    built.sql(
        "UPDATE evidence_items SET blob_sha256=:s WHERE case_id=:c",
        s=other.sha256,
        c=built.case_id,
    )
    report = built.report()
    assert report.first_problem.code == "evidence.added"
    assert report.first_bad_seq == built.file_seq


def test_forged_checkpoint_by_an_unknown_key(built):
    """The attacker rewrites entry 2 consistently and signs a new head with their own key."""
    attacker = LedgerSigner(built.signer.name, checkpoints.Ed25519PrivateKey.generate())
    with built.db.factory() as s:
        entries = ledger.entries(s, built.case_id)
    rebuilt = []
    prev = bytes(32)
    frontier: list[bytes] = []
    for e in entries:
        body = json.loads(e.body)
        if e.seq == 2:
            body["payload"] = {"i": 222}
        body["prev"] = prev.hex()
        raw = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
        leaf = merkle.leaf_hash(raw)
        subtree = merkle.frontier_append(frontier, e.seq, leaf)
        rebuilt.append((e.seq, raw, leaf, prev, subtree))
        prev = leaf
    for seq, raw, leaf, p, sub in rebuilt:
        built.sql(
            "UPDATE ledger_entries SET body=:b, leaf_hash=:h, prev=:p, subtree=:t "
            "WHERE case_id=:c AND seq=:s",
            b=raw,
            h=leaf,
            p=p,
            t=sub,
            c=built.case_id,
            s=seq,
        )
    _reset_head(built)
    with session_scope(built.db.factory) as s:
        s.execute(text("DELETE FROM ledger_checkpoints WHERE case_id=:c"), {"c": built.case_id})
        checkpoints.checkpoint_case(s, built.case_id, attacker)
    # With the database's own keys the rewrite would pass: that is why verification
    # trusts the key files (or keys published out of band), not the key table.
    with built.db.factory() as s:
        naive = verify_case(s, built.case_id, keys=checkpoints.database_keys(s))
        assert naive.ok
    report = built.report()
    assert report.first_problem.code == "checkpoint.signature"
    assert "no signature by a known key" in report.first_problem.message


def test_forged_checkpoint_edited_note(built):
    with built.db.factory() as s:
        cp = checkpoints.latest_checkpoint(s, built.case_id)
        text_, sigs = notes.split_note(cp.note)
    fake_root = bytes(32)
    forged = cp.note.replace(
        text_, notes.checkpoint_text(f"{built.signer.name}/case/{built.case_id}", 12, fake_root)
    )
    built.sql(
        "UPDATE ledger_checkpoints SET note=:n, root=:r WHERE id=:i",
        n=forged,
        r=fake_root,
        i=cp.id,
    )
    report = built.report()
    assert report.first_problem.code == "checkpoint.signature"
    assert "invalid" in report.first_problem.message


def test_checkpoint_moved_to_another_case(built, any_db, signer):
    other_case, _, _ = any_db.make_case()
    with session_scope(any_db.factory) as s:
        for i in range(12):
            ledger.append_entry(s, other_case, "case.note", None, {"i": i})
    built.sql(
        "UPDATE ledger_checkpoints SET case_id=:o WHERE case_id=:c", o=other_case, c=built.case_id
    )
    with any_db.factory() as s:
        report = verify_case(s, other_case, keys=built.keyring.trusted())
    assert "checkpoint.origin" in _codes(report)


def test_rolled_back_tree(built):
    built.sql("DELETE FROM ledger_entries WHERE case_id=:c AND seq >= 9", c=built.case_id)
    _reset_head(built)
    report = built.report()
    assert report.first_problem.code == "checkpoint.rollback"
    assert report.first_bad_seq == 9
    assert "rolled back" in report.first_problem.message


def test_rolled_back_and_regrown_tree(built):
    built.sql("DELETE FROM ledger_entries WHERE case_id=:c AND seq >= 9", c=built.case_id)
    _reset_head(built)
    with session_scope(built.db.factory) as s:
        for i in range(3):
            ledger.append_entry(s, built.case_id, "case.note", None, {"other": i})
    report = built.report()
    assert report.entries == 12
    assert _codes(report) == {"checkpoint.root"}
    assert "size 12" in report.problems[0].message


def test_store_checkpoint_catches_a_rollback_whose_case_checkpoints_were_removed(built):
    with session_scope(built.db.factory) as s:
        store_cp = checkpoints.checkpoint_store(s, built.signer)
        assert store_cp.tree_size >= 1
    built.sql("DELETE FROM ledger_checkpoints WHERE case_id=:c", c=built.case_id)
    built.sql("DELETE FROM ledger_entries WHERE case_id=:c AND seq >= 10", c=built.case_id)
    _reset_head(built)
    assert built.report().ok  # the case alone can no longer tell
    with built.db.factory() as s:
        report = verify_store(s, keys=built.keyring.trusted(), case_ids=[built.case_id])
    case_report = report.cases[0]
    assert not report.ok
    assert case_report.first_problem.code == "checkpoint.rollback"
    assert "store checkpoint" in case_report.first_problem.message


def test_a_body_smuggling_a_second_line_is_not_canonical(built):
    """Even with its hashes redone and no checkpoint left to contradict it."""
    built.sql("DELETE FROM ledger_checkpoints WHERE case_id=:c", c=built.case_id)
    with built.db.factory() as s:
        last = ledger.entries(s, built.case_id)[11]
    body = b"junk\n" + last.body
    built.sql(
        "UPDATE ledger_entries SET body=:b, leaf_hash=:h WHERE case_id=:c AND seq=11",
        b=body,
        h=merkle.leaf_hash(body),
        c=built.case_id,
    )
    _reset_head(built)
    report = built.report()
    assert report.first_bad_seq == 11
    assert report.first_problem.code == "entry.body"


def test_batch_size_does_not_change_the_findings(built):
    with built.db.factory() as s:
        body = ledger.entries(s, built.case_id)[7].body
    built.sql(
        "UPDATE ledger_entries SET body=:b WHERE case_id=:c AND seq=7",
        b=body.replace(b'"i":7', b'"i":8'),
        c=built.case_id,
    )
    found = {}
    for batch in (1, 3, 5, 8, 10_000):
        with built.db.factory() as s:
            report = verify_case(
                s, built.case_id, keys=built.keyring.trusted(), store=built.store, batch=batch
            )
        found[batch] = [(p.code, p.seq, p.message) for p in report.problems]
        assert report.first_problem.code == "entry.hash" and report.first_bad_seq == 7
    assert all(problems == found[1] for problems in found.values())


def test_parallel_pass_agrees_with_the_single_pass(built, monkeypatch):
    from mediation.evidence import verify as verify_module

    outcomes = []
    original = verify_module._parallel_pass

    def spy(*args, **kwargs):
        walk = original(*args, **kwargs)
        outcomes.append(walk is not None)
        return walk

    monkeypatch.setattr(verify_module, "_parallel_pass", spy)

    def both():
        with built.db.factory() as s:
            single = verify_case(s, built.case_id, keys=built.keyring.trusted(), store=built.store)
            split = verify_case(
                s,
                built.case_id,
                keys=built.keyring.trusted(),
                store=built.store,
                workers=2,
                chunk=4,
            )
        return single, split

    single, split = both()
    assert outcomes == [True]  # 12 entries in 3 chunks of 4, checked by 2 processes
    assert single.ok and split.ok
    assert (split.root, split.entries, split.files) == (single.root, 12, 1)
    assert len(split.checkpoints) == 2

    with built.db.factory() as s:
        body = ledger.entries(s, built.case_id)[9].body
    built.sql(
        "UPDATE ledger_entries SET body=:b, leaf_hash=:h WHERE case_id=:c AND seq=9",
        b=body.replace(b'"i":9', b'"i":0'),
        h=merkle.leaf_hash(body.replace(b'"i":9', b'"i":0')),
        c=built.case_id,
    )
    single, split = both()
    assert outcomes == [True, False]  # the split pass saw something and stood aside
    assert split.first_bad_seq == single.first_bad_seq == 9
    assert [(p.code, p.seq) for p in split.problems] == [(p.code, p.seq) for p in single.problems]


def test_parallel_pass_checks_checkpoints_inside_chunks(any_db, keyring, signer, monkeypatch):
    from mediation.evidence import verify as verify_module

    case_id, _, _ = any_db.make_case()
    for upto in (5, 13, 21):
        with session_scope(any_db.factory) as s:
            while ledger.head_of(s, case_id).size < upto:
                ledger.append_entry(s, case_id, "case.note", None, {"n": upto})
            checkpoints.checkpoint_case(s, case_id, signer)
    outcomes = []
    original = verify_module._parallel_pass
    monkeypatch.setattr(
        verify_module,
        "_parallel_pass",
        lambda *a, **k: outcomes.append(original(*a, **k)) or outcomes[-1],
    )
    with any_db.factory() as s:
        report = verify_case(s, case_id, keys=keyring.trusted(), workers=2, chunk=4)
    assert outcomes[0] is not None and report.ok and report.entries == 21
    assert sorted(c.tree_size for c in report.checkpoints) == [5, 13, 21]
    # a forged root for size 13 (signed by the real key, so only the root is wrong)
    with any_db.factory() as s:
        cp = s.query(LedgerCheckpoint).filter_by(case_id=case_id, tree_size=13).one()
        forged = notes.sign_note(
            notes.checkpoint_text(cp.origin, 13, bytes(32)), signer.name, signer.private_key
        )
    with any_db.engine.begin() as conn:
        conn.execute(
            text("UPDATE ledger_checkpoints SET note=:n, root=:r WHERE id=:i"),
            {"n": forged, "r": bytes(32), "i": cp.id},
        )
    with any_db.factory() as s:
        report = verify_case(s, case_id, keys=keyring.trusted(), workers=2, chunk=4)
    assert outcomes[1] is None
    assert [p.code for p in report.problems] == ["checkpoint.root"]
