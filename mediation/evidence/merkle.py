"""RFC 9162 §2.1 Merkle tree hashing and proofs (same tree as RFC 6962), as pure functions.

Names follow the RFC: MTH is `root`, PATH is `inclusion_proof`, PROOF is
`consistency_proof`. The verifiers are the algorithms of §2.1.3.2 and §2.1.4.2 with
the extra checks transparency-dev/merkle enforces: every hash is exactly 32 bytes,
a consistency proof from size 0 is refused, and equal sizes need an empty proof.

Proof generation is split into a plan (which leaf ranges the proof hashes cover) and
the hashing of those ranges, so a store that keeps subtree hashes can answer a proof
without reading every leaf (see `range_root` and mediation.evidence.ledger).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from hashlib import sha256

HASH_SIZE = 32
EMPTY_ROOT = sha256(b"").digest()  # MTH({}) = HASH()
ZERO_HASH = bytes(HASH_SIZE)


class ProofError(ValueError):
    """A proof does not verify, or its arguments are out of range."""


def leaf_hash(data: bytes) -> bytes:
    """MTH({d0}) = HASH(0x00 || d0)."""
    return sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """HASH(0x01 || left || right)."""
    return sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """k, the largest power of two smaller than n (n > 1)."""
    if n < 2:
        raise ValueError("a split needs at least two leaves")
    return 1 << ((n - 1).bit_length() - 1)


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH(D[n]) from the leaf hashes.

    Built level by level; an odd last node moves up unchanged, which gives the same
    tree as the RFC's split at the largest power of two.
    """
    if not leaf_hashes:
        return EMPTY_ROOT
    level = list(leaf_hashes)
    while len(level) > 1:
        nxt = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


# --- Compact range ("frontier"): the roots of the perfect subtrees that make up a tree
# of size n, largest first, one per set bit of n. It is all an appender needs to keep.


def frontier_append(frontier: list[bytes], size: int, leaf: bytes) -> bytes:
    """Add leaf number `size` to the frontier of a tree of `size` leaves, in place.

    Returns the root of the perfect subtree that now ends at this leaf (its size is
    the lowest set bit of size + 1).
    """
    h = leaf
    s = size
    while s & 1:
        h = node_hash(frontier.pop(), h)
        s >>= 1
    frontier.append(h)
    return h


def frontier_root(frontier: Sequence[bytes]) -> bytes:
    """MTH of the tree whose frontier this is."""
    if not frontier:
        return EMPTY_ROOT
    h = frontier[-1]
    for f in reversed(frontier[:-1]):
        h = node_hash(f, h)
    return h


def frontier_sizes(size: int) -> list[int]:
    """Sizes of the frontier's subtrees, largest first."""
    return [1 << b for b in range(size.bit_length() - 1, -1, -1) if size >> b & 1]


# --- Proof plans: the [start, end) leaf ranges whose MTH are the proof's hashes, in order.


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """Ranges of PATH(index, D[size]) (RFC 9162 §2.1.3.1)."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of size {size}")
    out: list[tuple[int, int]] = []
    start, n, m = 0, size, index
    while n > 1:
        k = split_point(n)
        if m < k:
            out.append((start + k, start + n))
            n = k
        else:
            out.append((start, start + k))
            start, n, m = start + k, n - k, m - k
    out.reverse()  # the recursion emits the deepest sibling first
    return out


def consistency_ranges(size1: int, size2: int) -> list[tuple[int, int]]:
    """Ranges of PROOF(size1, D[size2]) = SUBPROOF(size1, D[size2], true) (§2.1.4.1)."""
    if not 0 < size1 <= size2:
        raise ProofError(f"no consistency proof from size {size1} to size {size2}")
    out: list[tuple[int, int]] = []
    start, n, m, complete = 0, size2, size1, True
    while m != n:
        k = split_point(n)
        if m <= k:
            out.append((start + k, start + n))
            n = k
        else:
            out.append((start, start + k))
            start, n, m, complete = start + k, n - k, m - k, False
    if not complete:
        out.append((start, start + n))
    out.reverse()
    return out


def perfect_ranges(start: int, end: int) -> list[tuple[int, int]]:
    """Split [start, end) into the perfect subtrees MTH combines, largest first.

    Valid for the ranges proofs use: start is a multiple of a power of two >= end - start.
    """
    out = []
    for size in frontier_sizes(end - start):
        out.append((start, start + size))
        start += size
    return out


def range_root(start: int, end: int, perfect: Callable[[int, int], bytes]) -> bytes:
    """MTH(D[start:end]) given a function that returns the root of a perfect subtree."""
    return frontier_root([perfect(a, b) for a, b in perfect_ranges(start, end)])


def inclusion_proof(index: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """PATH(index, D[n]) from all the leaf hashes."""
    return [root(leaf_hashes[a:b]) for a, b in inclusion_ranges(index, len(leaf_hashes))]


def consistency_proof(size1: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """PROOF(size1, D[n]) from all the leaf hashes."""
    return [root(leaf_hashes[a:b]) for a, b in consistency_ranges(size1, len(leaf_hashes))]


# --- Verifiers


def _check_hash(value: bytes, what: str) -> None:
    if len(value) != HASH_SIZE:
        raise ProofError(f"{what} is {len(value)} bytes, not {HASH_SIZE}")


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root_hash: bytes
) -> None:
    """RFC 9162 §2.1.3.2. Raises ProofError unless `leaf` is leaf `index` of the tree."""
    _check_hash(leaf, "leaf hash")
    _check_hash(root_hash, "root")
    for i, p in enumerate(proof):
        _check_hash(p, f"proof hash {i}")
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of size {size}")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("inclusion proof is too short")
    if r != root_hash:
        raise ProofError("inclusion proof does not lead to the root")


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> None:
    """RFC 9162 §2.1.4.2. Raises ProofError unless tree size2 extends tree size1."""
    if size1 < 0 or size2 < 0:
        raise ProofError("tree sizes cannot be negative")
    if size2 < size1:
        raise ProofError(f"tree size {size2} is smaller than {size1}: the tree was rolled back")
    if size1 == 0:
        raise ProofError("no consistency proof from an empty tree")
    if size1 == size2:
        if proof:
            raise ProofError("equal sizes need an empty proof")
        if root1 != root2:
            raise ProofError("equal sizes with different roots")
        return
    _check_hash(root1, "first root")
    _check_hash(root2, "second root")
    for i, p in enumerate(proof):
        _check_hash(p, f"proof hash {i}")
    if not proof:
        raise ProofError("consistency proof is empty")
    path = list(proof)
    if size1 & (size1 - 1) == 0:  # size1 is a power of two: its root is a node of tree 2
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("consistency proof is too short")
    if fr != root1:
        raise ProofError("consistency proof does not lead to the first root")
    if sr != root2:
        raise ProofError("consistency proof does not lead to the second root")
