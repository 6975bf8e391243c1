"""RFC 6962 / RFC 9162 hashing and proofs against the published transparency-dev vectors."""

from __future__ import annotations

import base64
import json

import pytest

from mediation.evidence import merkle


def _b64(value: str | None) -> bytes:
    return base64.b64decode(value) if value is not None else b""


@pytest.fixture
def tree(shared_data):
    return json.loads((shared_data / "merkle-vectors" / "tree.json").read_text())


@pytest.fixture
def leaf_hashes(tree):
    return [merkle.leaf_hash(bytes.fromhex(x)) for x in tree["leaf_inputs_hex"]]


def test_hasher_vectors(tree):
    empty, empty_leaf, leaf, node = tree["hasher"]
    assert merkle.EMPTY_ROOT.hex() == empty["want"]
    assert merkle.root([]).hex() == empty["want"]
    assert merkle.leaf_hash(bytes.fromhex(empty_leaf["leaf_hex"])).hex() == empty_leaf["want"]
    assert merkle.leaf_hash(bytes.fromhex(leaf["leaf_hex"])).hex() == leaf["want"]
    got = merkle.node_hash(bytes.fromhex(node["left_hex"]), bytes.fromhex(node["right_hex"]))
    assert got.hex() == node["want"]


def test_leaf_hashes_and_roots_for_every_size(tree, leaf_hashes):
    assert [h.hex() for h in leaf_hashes] == tree["leaf_hashes"]
    for size, want in enumerate(tree["roots_by_size"]):
        assert merkle.root(leaf_hashes[:size]).hex() == want, size


def test_frontier_gives_the_same_roots(tree, leaf_hashes):
    frontier: list[bytes] = []
    for size, leaf in enumerate(leaf_hashes):
        merkle.frontier_append(frontier, size, leaf)
        assert merkle.frontier_root(frontier).hex() == tree["roots_by_size"][size + 1]


def test_reference_inclusion_proofs(tree, leaf_hashes):
    for case in tree["inclusion_proofs"]:
        index, size = case["leaf_index"], case["tree_size"]
        proof = merkle.inclusion_proof(index, leaf_hashes[:size])
        assert [p.hex() for p in proof] == case["proof"], case
        merkle.verify_inclusion(
            index, size, leaf_hashes[index], proof, bytes.fromhex(tree["roots_by_size"][size])
        )


def test_reference_consistency_proofs(tree, leaf_hashes):
    for case in tree["consistency_proofs"]:
        size1, size2 = case["size1"], case["size2"]
        proof = merkle.consistency_proof(size1, leaf_hashes[:size2])
        assert [p.hex() for p in proof] == case["proof"], case
        merkle.verify_consistency(
            size1,
            size2,
            proof,
            bytes.fromhex(tree["roots_by_size"][size1]),
            bytes.fromhex(tree["roots_by_size"][size2]),
        )


def test_every_proof_up_to_eight_leaves_verifies(tree, leaf_hashes):
    for size in range(1, 9):
        root = bytes.fromhex(tree["roots_by_size"][size])
        for index in range(size):
            proof = merkle.inclusion_proof(index, leaf_hashes[:size])
            merkle.verify_inclusion(index, size, leaf_hashes[index], proof, root)
            with pytest.raises(merkle.ProofError):
                wrong = (index + 1) % size if size > 1 else 1
                merkle.verify_inclusion(wrong, size, leaf_hashes[index], proof, root)
        for size1 in range(1, size + 1):
            proof = merkle.consistency_proof(size1, leaf_hashes[:size])
            root1 = bytes.fromhex(tree["roots_by_size"][size1])
            merkle.verify_consistency(size1, size, proof, root1, root)


def _probes(shared_data, name):
    data = json.loads((shared_data / "merkle-vectors" / name).read_text())
    assert data["count"] == len(data["vectors"])
    return data["vectors"]


def test_all_inclusion_probes(shared_data):
    probes = _probes(shared_data, "inclusion.json")
    assert len(probes) == 98
    wrong = []
    for v in probes:
        try:
            merkle.verify_inclusion(
                v["leafIdx"],
                v["treeSize"],
                _b64(v["leafHash"]),
                [_b64(p) for p in v["proof"] or []],
                _b64(v["root"]),
            )
            failed = False
        except merkle.ProofError:
            failed = True
        if failed != v["wantErr"]:
            wrong.append(v["source"])
    assert wrong == []
    assert sum(not v["wantErr"] for v in probes) == 6


def test_all_consistency_probes(shared_data):
    probes = _probes(shared_data, "consistency.json")
    assert len(probes) == 98
    wrong = []
    for v in probes:
        try:
            merkle.verify_consistency(
                v["size1"],
                v["size2"],
                [_b64(p) for p in v["proof"] or []],
                _b64(v["root1"]),
                _b64(v["root2"]),
            )
            failed = False
        except merkle.ProofError:
            failed = True
        if failed != v["wantErr"]:
            wrong.append(v["source"])
    assert wrong == []


def test_extra_checks():
    leaf = merkle.leaf_hash(b"a")
    with pytest.raises(merkle.ProofError, match="empty tree"):
        merkle.verify_consistency(0, 1, [], merkle.EMPTY_ROOT, leaf)
    with pytest.raises(merkle.ProofError, match="rolled back"):
        merkle.verify_consistency(2, 1, [], leaf, leaf)
    with pytest.raises(merkle.ProofError, match="32"):
        merkle.verify_inclusion(0, 1, leaf[:31], [], leaf)
    merkle.verify_consistency(3, 3, [], b"same", b"same")  # no length check on equal sizes
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(3, 3, [leaf], leaf, leaf)


def test_range_planner_matches_full_computation():
    leaves = [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(70)]
    frontier: list[bytes] = []
    stored = []
    for i, leaf in enumerate(leaves):
        stored.append(merkle.frontier_append(frontier, i, leaf))

    def perfect(a: int, b: int) -> bytes:
        return merkle.root(leaves[a:b])

    for size in (1, 2, 3, 7, 8, 9, 33, 64, 70):
        for index in range(0, size, 5):
            ranges = merkle.inclusion_ranges(index, size)
            got = [merkle.range_root(a, b, perfect) for a, b in ranges]
            assert got == merkle.inclusion_proof(index, leaves[:size])
    # the stored value at leaf i is the perfect subtree of size lowbit(i + 1) ending at i
    for i, value in enumerate(stored):
        low = (i + 1) & -(i + 1)
        assert value == merkle.root(leaves[i + 1 - low : i + 1])
