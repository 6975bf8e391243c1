"""Offline verification of case ledgers: recompute everything, trust nothing stored.

For each case: every entry's leaf hash from its stored bytes, the fields inside the
bytes against the row, the chain link to the previous entry, the stored subtree
hashes, the head row, every checkpoint's signature and root (and its RFC 3161 token),
the evidence items against their ledger entries, and every referenced file's SHA-256.
The report names the first bad entry and what is wrong with it.
"""

from __future__ import annotations

import json
import multiprocessing
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from hashlib import sha256
from typing import Any

from cryptography import x509
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from mediation.evidence import merkle, notes
from mediation.evidence.blobstore import BlobStore
from mediation.evidence.checkpoints import TrustedKeys, case_origin, store_origin
from mediation.evidence.errors import EvidenceError
from mediation.evidence.ledger import GENESIS_PREV, split_frontier
from mediation.evidence.model import (
    Blob,
    EvidenceItem,
    LedgerCheckpoint,
    LedgerEntry,
    LedgerHead,
)
from mediation.evidence.timestamps import TimestampError, verify_timestamp

MAX_PROBLEMS = 50  # per case: after the first few, more add nothing but noise


@dataclass(frozen=True)
class Problem:
    code: str  # stable: entry.hash, entry.chain, head.size, checkpoint.rollback, …
    message: str
    seq: int | None = None  # the ledger entry at fault, when there is one
    checkpoint_id: int | None = None


@dataclass
class CheckpointFact:
    id: int
    tree_size: int
    key_id: str
    timestamp: datetime | None
    timestamp_verified: bool


@dataclass
class CaseReport:
    case_id: int
    entries: int = 0
    root: bytes = merkle.EMPTY_ROOT
    checkpoints: list[CheckpointFact] = field(default_factory=list)
    files: int = 0
    problems: list[Problem] = field(default_factory=list)
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad_seq(self) -> int | None:
        seqs = [p.seq for p in self.problems if p.seq is not None]
        return min(seqs) if seqs else None

    @property
    def first_problem(self) -> Problem | None:
        """The problem naming the earliest entry, else the first one found."""
        if not self.problems:
            return None
        with_seq = [p for p in self.problems if p.seq is not None]
        return min(with_seq, key=lambda p: p.seq) if with_seq else self.problems[0]

    def add(self, problem: Problem) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.truncated = True

    def summary(self) -> str:
        latest = max(self.checkpoints, key=lambda c: c.tree_size, default=None)
        parts = [f"case {self.case_id}: {self.entries} entries, root {self.root.hex()}"]
        if latest is not None:
            stamp = ""
            if latest.timestamp is not None:
                how = "verified" if latest.timestamp_verified else "not chain-verified"
                stamp = f", RFC 3161 time {latest.timestamp:%Y-%m-%dT%H:%M:%SZ} ({how})"
            parts.append(
                f"{len(self.checkpoints)} checkpoints (latest size {latest.tree_size}, "
                f"key {latest.key_id}{stamp})"
            )
        else:
            parts.append("no checkpoints")
        parts.append(f"{self.files} files")
        text = ", ".join(parts)
        if self.ok:
            return text + ": OK"
        first = self.first_problem
        where = f"first bad entry seq {first.seq}: " if first.seq is not None else ""
        return f"{text}: FAILED, {where}{first.message} ({len(self.problems)} problems)"


@dataclass
class StoreReport:
    cases: list[CaseReport] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and all(c.ok for c in self.cases)

    @property
    def failed_cases(self) -> list[CaseReport]:
        return [c for c in self.cases if not c.ok]


@dataclass(frozen=True)
class _Expected:
    """A root some signed statement says the case had at a size."""

    size: int
    root: bytes
    what: str
    checkpoint_id: int


def _check_note(
    report: CaseReport | StoreReport,
    cp: LedgerCheckpoint,
    origin_for: Callable[[str], str],
    keys: TrustedKeys,
    tsa_roots: list[x509.Certificate] | None,
) -> bool:
    """Signature and fields of one checkpoint; adds problems, True if it can be trusted."""

    def bad(code: str, message: str) -> bool:
        problem = Problem(code, f"checkpoint #{cp.id}: {message}", checkpoint_id=cp.id)
        if isinstance(report, CaseReport):
            report.add(problem)
        else:
            report.problems.append(problem)
        return False

    try:
        text, signatures = notes.open_note(cp.note, keys)
        origin, size, root = notes.parse_checkpoint(text)
    except notes.NoteError as exc:
        return bad("checkpoint.signature", f"signature does not verify ({exc})")
    expected_origin = origin_for(signatures[0].name)
    if origin != expected_origin:
        return bad("checkpoint.origin", f"signed for {origin!r}, not {expected_origin!r}")
    if size != cp.tree_size or root != cp.root:
        return bad("checkpoint.row", "row differs from its signed note")
    if cp.key_id not in {s.key_id.hex() for s in signatures}:
        return bad("checkpoint.row", f"row names key {cp.key_id}, the note another")
    if cp.tsr is not None:
        verified = bool(tsa_roots)
        try:
            when = verify_timestamp(cp.tsr, text.encode(), tsa_roots)
        except TimestampError as exc:
            return bad("checkpoint.timestamp", str(exc))
        fact = CheckpointFact(cp.id, cp.tree_size, cp.key_id, when, verified)
    else:
        fact = CheckpointFact(cp.id, cp.tree_size, cp.key_id, None, False)
    if isinstance(report, CaseReport):
        report.checkpoints.append(fact)
    return True


def _entry_problem(report: CaseReport, code: str, seq: int, message: str) -> None:
    report.add(Problem(code, f"entry {seq}: {message}", seq=seq))


_E = LedgerEntry.__table__.c
_ENTRY_COLUMNS = (_E.seq, _E.body, _E.leaf_hash, _E.prev, _E.type, _E.subtree, _E.file_sha256)
_ENTRY_COLUMNS += (_E.actor_id,)
_decode_json = json.JSONDecoder().raw_decode

# The fields around the payload, in RFC 8785 key order, exactly as append_entry writes
# them. Matching these is several times cheaper than parsing the JSON, and stricter: a
# body that is valid JSON but not in this canonical layout is reported too.
_HEAD = re.compile(
    rb'\{"actor":(null|[0-9]+),"case":([0-9]+),"file":(null|"[0-9a-f]{64}"),"payload":\{'
)
_TAIL = re.compile(
    rb'\},"prev":"([0-9a-f]{64})","seq":(0|[1-9][0-9]*),'
    rb'"time":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z",'
    rb'"type":"([a-z0-9_.]{1,64})","v":1\}'
)


def _parse(body: bytes) -> dict:
    text = body.decode("utf-8")
    obj, end = _decode_json(text)
    if end != len(text) or not isinstance(obj, dict):
        raise ValueError("trailing data")
    return obj


def _fields(body: bytes) -> tuple[int, int, str, int | None, str | None, str] | None:
    """(case, seq, type, actor, file, prev hex) of a canonical entry, else None."""
    head = _HEAD.match(body)
    if head is None:
        return None
    cut = body.rfind(b'},"prev":"')
    tail = _TAIL.fullmatch(body, cut) if cut >= head.end() else None
    if tail is None:
        return None
    actor, case, file = head.groups()
    return (
        int(case),
        int(tail[2]),
        tail[3].decode(),
        None if actor == b"null" else int(actor),
        None if file == b"null" else file[1:-1].decode(),
        tail[1].decode(),
    )


_LINE = re.compile(
    b"^" + _HEAD.pattern + b".*" + _TAIL.pattern + b"$", re.MULTILINE
)  # one entry per line of a batch joined with newlines (RFC 8785 escapes every newline)


class _Walk:
    """The state of one pass over a case's entries.

    `fast` checks a whole batch with list operations and commits its state only if
    everything in it is right; otherwise `entry` goes through the batch one entry at a
    time to say exactly what is wrong where.
    """

    def __init__(self, report: CaseReport, case_id: int, expected: Mapping[int, list]) -> None:
        self.report = report
        self.case_id = case_id
        self.case_b = str(case_id).encode()
        self.expected = expected
        self.frontier: list[bytes] = []
        self.size = 0  # entries folded into the recomputed tree
        self.prev_leaf = GENESIS_PREV
        self.prev_seq = -1
        self.tree_ok = True
        self.files: dict[str, int] = {}  # sha256 -> first seq that references it
        self.evidence: dict[int, dict[str, Any]] = {}
        # In a chunk worker: `size` counts from the chunk's first entry (`base`); the
        # frontier is captured at `capture` sizes instead of checking roots, and the
        # stored subtree of `skip_seq` (which reaches before the chunk) is handed back.
        self.base = 0
        self.capture: set[int] = set()
        self.captured: dict[int, list[bytes]] = {}
        self.skip_seq: int | None = None
        self.skipped_subtree: bytes | None = None

    def _points(self) -> Mapping[int, Any]:
        if self.capture:
            return {size - self.base: None for size in self.capture}
        return self.expected

    def _at(self, size: int, frontier: list[bytes]) -> bool:
        """At a tree size some statement is about: check it, or capture it for the parent."""
        absolute = self.base + size
        if absolute in self.capture:
            self.captured[absolute] = list(frontier)
            return True
        root = merkle.frontier_root(frontier)
        return all(e.root == root for e in self.expected[absolute])

    def fast(self, rows: list) -> bool:
        seqs, bodies, leaves_col, prevs, types, subtrees, files, actors = zip(*rows, strict=True)
        first = self.prev_seq + 1
        if seqs != tuple(range(first, first + len(rows))):
            return False
        try:
            leaves = tuple([sha256(b"\x00" + b).digest() for b in bodies])
            joined = b"\n".join(bodies)
        except TypeError:
            return False
        if joined.count(b"\n") != len(rows) - 1:
            return False  # a body with a raw newline is not canonical: let `entry` say so
        found = _LINE.findall(joined)
        if leaves != leaves_col or prevs != (self.prev_leaf, *leaves[:-1]):
            return False
        if len(found) != len(rows):
            return False
        actor_b, case_b, file_b, prev_b, seq_b, type_b = zip(*found, strict=True)
        if (
            prev_b != tuple([p.hex().encode() for p in prevs])
            or seq_b != tuple([b"%d" % n for n in seqs])
            or type_b != tuple([t.encode() for t in types])
            or set(case_b) != {self.case_b}
            or file_b != tuple([b"null" if f is None else b'"%s"' % f.encode() for f in files])
            or actor_b != tuple([b"null" if a is None else b"%d" % a for a in actors])
        ):
            return False
        frontier = list(self.frontier)
        size = self.size
        points = self._points()
        computed = []
        for h in leaves:
            s = size
            while s & 1:
                h = sha256(b"\x01" + frontier.pop() + h).digest()
                s >>= 1
            frontier.append(h)
            computed.append(h)
            size += 1
            if size in points and not self._at(size, frontier):
                return False
        skipped = None
        if self.skip_seq is not None and seqs[0] <= self.skip_seq <= seqs[-1]:
            k = self.skip_seq - seqs[0]
            skipped = computed[k] = subtrees[k]
        if tuple(computed) != subtrees:
            return False
        if skipped is not None:
            self.skipped_subtree = skipped
        evidence = {}
        for seq, kind, body in zip(seqs, type_b, bodies, strict=True):
            if kind.startswith(b"evidence."):
                try:
                    obj = _parse(body)
                except ValueError:
                    return False
                if not isinstance(obj.get("payload"), dict):
                    return False
                evidence[seq] = obj
        # Everything in the batch is right: take its state.
        self.evidence.update(evidence)
        for seq, f in zip(seqs, files, strict=True):
            if f is not None and f not in self.files:
                self.files[f] = seq
        self.frontier, self.size = frontier, size
        self.prev_leaf, self.prev_seq = leaves[-1], seqs[-1]
        return True

    def entry(self, seq, body, stored_leaf, prev_col, etype, subtree, file_sha, actor) -> None:
        report, case_id = self.report, self.case_id
        prev_seq, prev_leaf = self.prev_seq, self.prev_leaf
        problems_before = len(report.problems)
        if not isinstance(body, bytes):
            _entry_problem(report, "entry.body", seq, "its stored bytes are not a byte string")
            body = body.encode() if isinstance(body, str) else bytes(body)
        leaf = sha256(b"\x00" + body).digest()
        if seq != prev_seq + 1:
            missing = prev_seq + 1
            report.add(
                Problem(
                    "entry.missing",
                    f"entries {missing}..{seq - 1} are missing (deleted)",
                    seq=missing,
                )
            )
            self.tree_ok = False
        if leaf != stored_leaf:
            _entry_problem(
                report, "entry.hash", seq, "its bytes do not hash to its stored leaf hash (changed)"
            )
        fields = _fields(body)
        if fields is None:
            try:
                _parse(body)
                why = "its bytes are not in the canonical entry layout"
            except ValueError:
                why = "its bytes are not a ledger entry"
            _entry_problem(report, "entry.body", seq, why)
            claimed_prev = None
        else:
            claimed_case, claimed_seq, claimed_type, claimed_actor, claimed_file, claimed_prev = (
                fields
            )
            if claimed_seq != seq:
                _entry_problem(
                    report,
                    "entry.order",
                    seq,
                    f"its bytes say seq {claimed_seq}: entries were moved or swapped",
                )
            if (
                claimed_case != case_id
                or claimed_type != etype
                or claimed_file != file_sha
                or claimed_actor != actor
                or claimed_prev != prev_col.hex()
            ):
                _entry_problem(report, "entry.row", seq, "row columns differ from its bytes")
            if claimed_type.startswith("evidence."):
                try:
                    obj = _parse(body)
                except ValueError:
                    obj = None
                if obj is None or not isinstance(obj.get("payload"), dict):
                    _entry_problem(report, "entry.body", seq, "its payload is not a JSON object")
                else:
                    self.evidence[seq] = obj
        if claimed_prev is not None and claimed_prev != prev_leaf.hex() and seq == prev_seq + 1:
            if seq == 0 or len(report.problems) > problems_before:
                # This entry is itself wrong (moved, edited): the break is its fault.
                _entry_problem(
                    report, "entry.chain", seq, "it does not chain to the entry before it"
                )
            else:
                # This entry is intact, so the one before no longer hashes to what it
                # recorded: that one was changed.
                report.add(
                    Problem(
                        "entry.chain",
                        f"entry {seq - 1}: does not hash to the value entry {seq} chains to "
                        f"(changed, or replaced)",
                        seq=seq - 1,
                    )
                )
        if self.tree_ok:
            h = merkle.frontier_append(self.frontier, self.size, leaf)
            self.size += 1
            size = self.size
            if h != subtree:
                _entry_problem(report, "entry.subtree", seq, "stored subtree hash is wrong")
            if size in self.expected:
                tree_root = merkle.frontier_root(self.frontier)
                for e in self.expected[size]:
                    if tree_root != e.root:
                        report.add(
                            Problem(
                                "checkpoint.root",
                                f"{e.what} signed root {e.root.hex()[:16]}… for size {size}, "
                                f"the entries give {tree_root.hex()[:16]}…: an entry before "
                                f"{size} was changed",
                                checkpoint_id=e.checkpoint_id,
                            )
                        )
        if file_sha is not None and file_sha not in self.files:
            self.files[file_sha] = seq
        self.prev_leaf = leaf
        self.prev_seq = seq


def _entries_sql(dialect: Any, case_id: int, start: int = 0, end: int | None = None) -> str:
    stmt = select(*_ENTRY_COLUMNS).where(_E.case_id == int(case_id)).order_by(_E.seq)
    if start:
        stmt = stmt.where(_E.seq >= int(start))
    if end is not None:
        stmt = stmt.where(_E.seq < int(end))
    return str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def _stream_driver(driver: Any, dialect: Any, sql: str, batch: int) -> Iterator[list[tuple]]:
    """Rows in batches of plain tuples from the driver's cursor (server-side on
    PostgreSQL): row handling is most of the cost of a pass."""
    if dialect.name == "postgresql":
        cursor = driver.cursor(name="ledger_verify")
        cursor.itersize = batch
    else:
        cursor = driver.cursor()
    try:
        cursor.execute(sql)
        while part := cursor.fetchmany(batch):
            yield part
    finally:
        cursor.close()


def _stream_entries(session: Session, case_id: int, batch: int) -> Iterator[list[tuple]]:
    """A case's entries in seq order, inside the session's transaction."""
    conn = session.connection()
    sql = _entries_sql(conn.dialect, case_id)
    yield from _stream_driver(conn.connection.driver_connection, conn.dialect, sql, batch)


# --- The same pass split over processes, for big ledgers. Chunks are aligned to a power
# of two, so every subtree inside a chunk can be checked there; the parent joins the
# chunk roots into the tree. Any doubt and the single pass runs instead, to say what
# is wrong (the parallel pass only ever says "all correct").

PARALLEL_CHUNK = 1 << 17

_fork_engine: Engine | None = None
_inherited_pools: list[Any] = []


@dataclass
class _ChunkResult:
    ok: bool
    start: int = 0
    end: int = 0
    frontier: list[bytes] = field(default_factory=list)  # relative to the chunk
    captured: dict[int, list[bytes]] = field(default_factory=dict)
    skipped_subtree: bytes | None = None
    last_leaf: bytes = b""
    files: dict[str, int] = field(default_factory=dict)
    evidence: dict[int, dict[str, Any]] = field(default_factory=dict)


def _verify_chunk(task: tuple) -> _ChunkResult:
    case_id, start, end, chunk, capture, batch = task
    engine = _fork_engine
    if not _inherited_pools:
        # New connections for this process; the parent's stay referenced and untouched
        # (a forked child exits without finalising them).
        _inherited_pools.append(engine.pool)
        engine.pool = engine.pool.recreate()
    # A bare driver connection: reads only, and no BEGIN IMMEDIATE from the app's engine.
    raw = engine.raw_connection()
    try:
        walk = _Walk(CaseReport(case_id), case_id, {})
        walk.base, walk.capture = start, capture
        walk.prev_seq = start - 1
        if end - start == chunk:
            walk.skip_seq = end - 1
        if start:
            sql = _entries_sql(engine.dialect, case_id, start - 1, start)
            before = [
                row
                for part in _stream_driver(raw.driver_connection, engine.dialect, sql, 1)
                for row in part
            ]
            if len(before) != 1:
                return _ChunkResult(False)
            walk.prev_leaf = sha256(b"\x00" + bytes(before[0][1])).digest()
        sql = _entries_sql(engine.dialect, case_id, start, end)
        for part in _stream_driver(raw.driver_connection, engine.dialect, sql, batch):
            if not walk.fast(part):
                return _ChunkResult(False)
        if walk.prev_seq != end - 1 or set(walk.captured) != capture:
            return _ChunkResult(False)
        return _ChunkResult(
            True,
            start,
            end,
            walk.frontier,
            walk.captured,
            walk.skipped_subtree,
            walk.prev_leaf,
            walk.files,
            walk.evidence,
        )
    except Exception:  # the single pass will say what it is
        return _ChunkResult(False)
    finally:
        raw.rollback()
        raw.close()


def _parallel_pass(
    session: Session,
    case_id: int,
    expected: Mapping[int, list[_Expected]],
    workers: int,
    chunk: int,
    batch: int,
) -> _Walk | None:
    """The result of a pass if every entry is right, else None."""
    count, last = session.execute(
        select(func.count(), func.max(_E.seq)).where(_E.case_id == case_id)
    ).one()
    if not count or last != count - 1 or count < 2 * chunk:
        return None
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)
    tasks = [
        (case_id, a, min(a + chunk, count), chunk, {s for s in expected if a < s <= a + chunk})
        + (batch,)
        for a in range(0, count, chunk)
    ]
    global _fork_engine
    _fork_engine = engine
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.map(_verify_chunk, tasks, chunksize=1)
    finally:
        _fork_engine = None
    if not all(r.ok for r in results):
        return None
    walk = _Walk(CaseReport(case_id), case_id, expected)
    frontier: list[bytes] = []
    for index, r in enumerate(results):
        for size, relative in r.captured.items():
            root = merkle.frontier_root(frontier + relative)
            if any(e.root != root for e in expected[size]):
                return None
        if r.end - r.start == chunk:
            if merkle.frontier_append(frontier, index, r.frontier[0]) != r.skipped_subtree:
                return None
        else:
            frontier = frontier + r.frontier
        for sha, seq in r.files.items():
            walk.files.setdefault(sha, seq)
        walk.evidence.update(r.evidence)
    walk.frontier, walk.size = frontier, count
    walk.prev_leaf, walk.prev_seq = results[-1].last_leaf, count - 1
    return walk


def verify_case(
    session: Session,
    case_id: int,
    *,
    keys: TrustedKeys,
    store: BlobStore | None = None,
    tsa_roots: list[x509.Certificate] | None = None,
    expected_roots: Iterable[_Expected] = (),
    batch: int = 10_000,
    workers: int = 1,
    chunk: int = PARALLEL_CHUNK,
) -> CaseReport:
    """Verify one case's ledger. `keys` are the trusted checkpoint keys.

    With `workers` > 1 a ledger of at least two chunks is checked by that many forked
    processes first; if they find anything at all, the single pass runs to report it.
    """
    report = CaseReport(case_id)
    head = session.execute(
        select(LedgerHead).where(LedgerHead.case_id == case_id)
    ).scalar_one_or_none()

    # Checkpoints: signatures first, then the roots they sign are compared in the pass.
    expected: dict[int, list[_Expected]] = defaultdict(list)
    for e in expected_roots:
        expected[e.size].append(e)
    checkpoints = list(
        session.scalars(
            select(LedgerCheckpoint)
            .where(LedgerCheckpoint.case_id == case_id)
            .order_by(LedgerCheckpoint.tree_size, LedgerCheckpoint.id)
        )
    )
    for cp in checkpoints:
        if _check_note(report, cp, lambda name: case_origin(name, case_id), keys, tsa_roots):
            expected[cp.tree_size].append(
                _Expected(cp.tree_size, cp.root, f"checkpoint #{cp.id}", cp.id)
            )

    # One pass over the entries, in seq order, streaming.
    walk = None
    if chunk < 1 or chunk & (chunk - 1):
        raise ValueError("chunk must be a power of two")
    if workers > 1 and head is not None and head.size >= 2 * chunk:
        walk = _parallel_pass(session, case_id, expected, workers, chunk, batch)
    if walk is None:
        walk = _Walk(report, case_id, expected)
        for part in _stream_entries(session, case_id, batch):
            if not (walk.tree_ok and walk.fast(part)):
                for row in part:
                    walk.entry(*row)
    count = walk.prev_seq + 1
    report.entries = count
    report.root = merkle.frontier_root(walk.frontier) if walk.tree_ok else merkle.EMPTY_ROOT

    # The head row must describe exactly the entries found.
    if head is None:
        if count:
            report.add(Problem("head.missing", "the case has entries but no ledger head"))
    else:
        if head.size > count:
            report.add(
                Problem(
                    "head.size",
                    f"the head records {head.size} entries, only {count} exist: "
                    f"entries {count}..{head.size - 1} were deleted",
                    seq=count,
                )
            )
        elif head.size < count:
            report.add(
                Problem(
                    "head.size",
                    f"{count} entries exist beyond the head's {head.size}",
                    seq=head.size,
                )
            )
        elif walk.tree_ok and (
            head.last_hash != walk.prev_leaf
            or head.root != report.root
            or split_frontier(head.frontier) != walk.frontier
        ):
            report.add(Problem("head.hash", "the head's hashes differ from the entries"))

    # A signed size beyond what exists: the ledger was cut back (rolled back).
    for size_signed, items in sorted(expected.items()):
        if size_signed > count:
            for e in items:
                report.add(
                    Problem(
                        "checkpoint.rollback",
                        f"{e.what} signed a tree of {size_signed} entries but the ledger has "
                        f"{count}: entries were removed (rolled back)",
                        seq=count,
                        checkpoint_id=e.checkpoint_id,
                    )
                )

    _check_evidence_items(session, report, case_id, walk.evidence)
    report.files = len(walk.files)
    if walk.files:
        _check_files(session, report, walk.files, store)
    return report


def _check_evidence_items(
    session: Session, report: CaseReport, case_id: int, entries: Mapping[int, dict[str, Any]]
) -> None:
    """Evidence rows must agree with the ledger entries that recorded them."""
    items = session.scalars(select(EvidenceItem).where(EvidenceItem.case_id == case_id))
    seen: set[int] = set()
    for item in items:
        seen.add(item.id)
        added = entries.get(item.added_seq) if item.added_seq is not None else None
        if (
            added is None
            or added["type"] != "evidence.added"
            or added["payload"].get("item") != item.id
            or added["file"] != item.blob_sha256
        ):
            report.add(
                Problem(
                    "evidence.added",
                    f"evidence item {item.id} does not match ledger entry {item.added_seq}",
                    seq=item.added_seq,
                )
            )
        if item.withdrawn_at is not None or item.withdrawn_seq is not None:
            gone = entries.get(item.withdrawn_seq) if item.withdrawn_seq is not None else None
            if (
                gone is None
                or gone["type"] != "evidence.withdrawn"
                or gone["payload"].get("item") != item.id
            ):
                report.add(
                    Problem(
                        "evidence.withdrawn",
                        f"evidence item {item.id} withdrawal does not match ledger entry "
                        f"{item.withdrawn_seq}",
                        seq=item.withdrawn_seq,
                    )
                )
    for seq, obj in entries.items():
        if obj["type"] == "evidence.added" and obj["payload"].get("item") not in seen:
            report.add(
                Problem(
                    "evidence.missing",
                    f"entry {seq}: evidence item {obj['payload'].get('item')} is gone",
                    seq=seq,
                )
            )
        if obj["type"] == "evidence.withdrawn":
            item = session.get(EvidenceItem, obj["payload"].get("item"))
            if item is None or item.withdrawn_seq != seq:
                report.add(
                    Problem(
                        "evidence.withdrawn",
                        f"entry {seq}: the withdrawal it records is not on the item",
                        seq=seq,
                    )
                )


def _check_files(
    session: Session, report: CaseReport, files: Mapping[str, int], store: BlobStore | None
) -> None:
    rows = {b.sha256: b for b in session.scalars(select(Blob).where(Blob.sha256.in_(list(files))))}
    for sha, seq in sorted(files.items(), key=lambda kv: kv[1]):
        blob = rows.get(sha)
        if blob is None:
            report.add(Problem("blob.row", f"file {sha} has no blob record", seq=seq))
        if store is None:
            continue
        try:
            actual = store.digest(sha)
        except EvidenceError:
            report.add(Problem("blob.missing", f"file {sha} is missing from the store", seq=seq))
            continue
        if actual != sha:
            report.add(
                Problem(
                    "blob.corrupt",
                    f"file {sha} now hashes to {actual}: its content was changed",
                    seq=seq,
                )
            )


def verify_store(
    session: Session,
    *,
    keys: TrustedKeys,
    store: BlobStore | None = None,
    tsa_roots: list[x509.Certificate] | None = None,
    case_ids: Iterable[int] | None = None,
    workers: int = 1,
) -> StoreReport:
    """Verify every case ledger (or those given) and the store-wide checkpoints."""
    report = StoreReport()
    expected: dict[int, list[_Expected]] = defaultdict(list)
    for cp in session.scalars(
        select(LedgerCheckpoint)
        .where(LedgerCheckpoint.case_id.is_(None))
        .order_by(LedgerCheckpoint.id)
    ):
        if not _check_note(report, cp, store_origin, keys, tsa_roots):
            continue
        lines = (cp.leaves or b"").splitlines()
        leaf_root = merkle.root([merkle.leaf_hash(line) for line in lines])
        if leaf_root != cp.root or len(lines) != cp.tree_size:
            report.problems.append(
                Problem(
                    "checkpoint.leaves",
                    f"store checkpoint #{cp.id}: its case list does not give its signed root",
                    checkpoint_id=cp.id,
                )
            )
            continue
        for line in lines:
            leaf = json.loads(line)
            expected[leaf["case"]].append(
                _Expected(
                    leaf["size"], bytes.fromhex(leaf["root"]), f"store checkpoint #{cp.id}", cp.id
                )
            )
    if case_ids is None:
        ids = set(session.scalars(select(LedgerHead.case_id)))
        ids |= set(session.scalars(select(LedgerEntry.case_id).distinct()))
        ids |= {c for c in expected}
    else:
        ids = set(case_ids)
    for case_id in sorted(ids):
        try:
            case_report = verify_case(
                session,
                case_id,
                keys=keys,
                store=store,
                tsa_roots=tsa_roots,
                expected_roots=expected.get(case_id, ()),
                workers=workers,
            )
        except Exception as exc:  # a ledger so broken the checks cannot run is a failure
            session.rollback()
            case_report = CaseReport(case_id)
            case_report.add(Problem("verify.error", f"verification stopped: {exc!r}"[:500]))
        report.cases.append(case_report)
    return report
