"""The precedent base: importing the corpus, indexing closed cases, search, plan suggestion.

Writers (`import_corpus`, `index_case`, `remove_case`) store masked text, key facts and the
passage embedding, and take a number from the change sequence. Readers keep one
`PrecedentEngine` per process and database, and before each search pull the rows whose
sequence number is above what they have seen: an incremental update, never a rebuild.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from mediation.cases.model import Case, DisputeType, EventKind, Stage
from mediation.db import session_scope, utcnow
from mediation.precedents.model import (
    Precedent,
    PrecedentEmbedding,
    PrecedentSource,
    PrecedentSync,
)
from nlp import keyfacts as kf
from nlp.embeddings import DEFAULT_MODEL_DIR, Embedder, model_available, shared_embedder
from nlp.masking import mask_text
from nlp.plan import Outcome, PlanSource, classify_outcome, suggest_plan
from nlp.precedents import Filters, Match, PrecedentDoc, PrecedentEngine
from nlp.vectorindex import NumpyIndex

INDEX_CASE_TASK = "precedents.index_case"
MAX_QUERY_CHARS = 4000
# Results below the average candidate of their search are not suggested at all.
MIN_SCORE = 0.0


# -- configuration ----------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    model_dir: Path | None  # None: embeddings switched off
    index: str  # "memory" | "pgvector"
    pgvector_schema: str
    results: int
    pool: int
    threads: int | None = None  # torch threads for the model (process-wide); None: torch's

    @classmethod
    def from_config(cls, config: Mapping) -> Settings:
        raw = config.get("PRECEDENT_MODEL_DIR")
        if raw in ("", "none", "off"):
            model_dir = None
        else:
            model_dir = Path(raw) if raw else DEFAULT_MODEL_DIR
        return cls(
            model_dir=model_dir,
            index=str(config.get("PRECEDENT_INDEX") or "memory"),
            pgvector_schema=str(config.get("PRECEDENT_PGVECTOR_SCHEMA") or "precedent_ann"),
            results=int(config.get("PRECEDENT_RESULTS") or 10),
            pool=int(config.get("PRECEDENT_POOL") or 200),
            threads=int(config["PRECEDENT_TORCH_THREADS"])
            if config.get("PRECEDENT_TORCH_THREADS")
            else None,
        )

    def embedder(self) -> Embedder | None:
        if self.model_dir is None or not model_available(self.model_dir):
            return None
        return shared_embedder(self.model_dir, threads=self.threads)


# -- writing ----------------------------------------------------------------------------


def next_seq(session: Session) -> int:
    """The next change number. The row lock (SQLite: the write lock) is held until
    commit, so numbers are handed out in commit order."""
    with session.no_autoflush:
        row = session.execute(
            select(PrecedentSync).where(PrecedentSync.id == 1).with_for_update()
        ).scalar_one_or_none()
    if row is None:
        row = PrecedentSync(id=1, seq=0)
        session.add(row)
    row.seq += 1
    session.flush()
    return row.seq


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def vector_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def vector_from_bytes(raw: bytes, dim: int) -> np.ndarray:
    return np.frombuffer(raw, dtype="<f4", count=dim)


@dataclass
class PrecedentInput:
    ref: str
    source: PrecedentSource
    title: str
    text: str  # already masked
    centre_id: int | None = None
    case_id: int | None = None
    dataset: str | None = None
    cause: str | None = None
    dispute_type: str | None = None
    region: str | None = None
    decided_on: date | None = None
    amount: Decimal | None = None
    outcome: str = Outcome.UNKNOWN
    claims: str | None = None
    outcome_text: str | None = None
    labels: list = field(default_factory=list)
    provenance: dict = field(default_factory=dict)


def save_precedent(
    session: Session,
    data: PrecedentInput,
    *,
    vector: np.ndarray | None = None,
    model: str | None = None,
) -> tuple[Precedent, bool]:
    """Insert or update by ref; returns (row, changed). Unchanged rows keep their seq."""
    digest = _sha256(
        json.dumps(
            [data.text, data.title, data.outcome, data.outcome_text, data.dispute_type,
             data.region, str(data.amount), str(data.decided_on), data.claims],
            ensure_ascii=False,
        )
    )  # fmt: skip
    row = session.scalar(select(Precedent).where(Precedent.ref == data.ref))
    changed = row is None or row.text_sha256 != digest or row.deleted
    if changed:
        seq = next_seq(session)  # before the row joins the session: it is flushed complete
    if row is None:
        row = Precedent(ref=data.ref, created_at=utcnow())
        session.add(row)
    if changed:
        facts = kf.extract("\n".join(x for x in (data.text, data.claims) if x))
        row.source = data.source
        row.centre_id = data.centre_id
        row.case_id = data.case_id
        row.dataset = data.dataset
        row.title = data.title[:300]
        row.cause = data.cause
        row.dispute_type = data.dispute_type
        row.region = data.region
        row.decided_on = data.decided_on
        row.amount = data.amount
        row.outcome = data.outcome
        row.text = data.text
        row.claims = data.claims
        row.outcome_text = data.outcome_text
        row.key_facts = facts.to_json()
        row.labels = list(data.labels)
        row.provenance = dict(data.provenance)
        row.text_sha256 = digest
        row.deleted = False
        row.updated_at = utcnow()
        row.seq = seq
        session.flush()
    if vector is not None and model:
        store_embedding(session, row, vector, model)
    return row, changed


def store_embedding(session: Session, row: Precedent, vector: np.ndarray, model: str) -> None:
    existing = session.get(PrecedentEmbedding, (row.id, model))
    raw = vector_bytes(vector)
    if existing is None:
        session.add(
            PrecedentEmbedding(
                precedent_id=row.id, model=model, dim=len(vector), vector=raw,
                text_sha256=row.text_sha256,
            )
        )  # fmt: skip
    else:
        existing.vector, existing.dim, existing.text_sha256 = raw, len(vector), row.text_sha256
    # Readers pick the new vector up through the change sequence.
    row.seq = next_seq(session)
    session.flush()


def delete_precedent(session: Session, row: Precedent) -> None:
    """Remove a precedent's text for good (e.g. a lawful erasure); readers drop it."""
    session.execute(delete(PrecedentEmbedding).where(PrecedentEmbedding.precedent_id == row.id))
    row.deleted = True
    row.text = ""
    row.claims = None
    row.outcome_text = None
    row.key_facts = {}
    row.case_id = None
    row.updated_at = utcnow()
    row.seq = next_seq(session)
    session.flush()


# -- the corpus ---------------------------------------------------------------------------

_REGION_RE = re.compile(
    r"([\u4e00-\u9fa5]{2,3}(?:省|自治区))|([\u4e00-\u9fa5]{2,4}?市)(?!场|民|值|价)"
)
_REASONING_RE = re.compile(r"本院认为")

DISPUTE_BY_WORD = (
    (re.compile(r"保险"), DisputeType.INSURANCE),
    (re.compile(r"证券|期货|股票|基金"), DisputeType.SECURITIES),
    (re.compile(r"理财|信托"), DisputeType.WEALTH_MANAGEMENT),
    (re.compile(r"信用卡|银行卡|借记卡|储蓄|金融借款|金融不良债权|票据"), DisputeType.BANKING),
    (re.compile(r"支付|网络服务"), DisputeType.PAYMENTS),
    (re.compile(r"借贷|借款|贷款|保证|担保|债权|债务|融资租赁|追偿|欠款"), DisputeType.LENDING),
)


def dispute_type_of(cause: str | None, text: str, finance: bool) -> str:
    for pattern, value in DISPUTE_BY_WORD:
        if cause and pattern.search(cause):
            return value.value
    if finance and not cause:
        for pattern, value in DISPUTE_BY_WORD:
            if pattern.search(text[:400]):
                return value.value
    return DisputeType.OTHER.value


def region_of(text: str) -> str | None:
    m = _REGION_RE.search(text)
    return (m.group(1) or m.group(2)) if m else None


def corpus_input(record: Mapping) -> PrecedentInput:
    """One line of a precedents.jsonl file (shared/data/precedents/corpus/README.md)."""
    ref = str(record["id"])
    text = mask_text(str(record.get("text") or "")) or ""
    claims = mask_text(record.get("claims"))
    outcome_raw = record.get("outcome") or record.get("court_reasoning")
    if not outcome_raw:
        m = _REASONING_RE.search(text)
        outcome_raw = text[m.start() :] if m else None
    outcome_text = mask_text(outcome_raw)
    cause = record.get("cause")
    domain = record.get("domain")
    title = " · ".join(x for x in (cause or record.get("dataset") or "", ref) if x)
    facts = kf.extract("\n".join(x for x in (text, claims) if x))
    return PrecedentInput(
        ref=ref,
        source=PrecedentSource.CORPUS,
        title=title,
        text=text,
        dataset=record.get("dataset"),
        cause=cause,
        dispute_type=dispute_type_of(cause, text, bool(record.get("finance")))
        if domain != "criminal"
        else DisputeType.OTHER.value,
        region=region_of(text),
        amount=facts.principal,
        outcome=classify_outcome(outcome_text),
        claims=claims,
        outcome_text=outcome_text,
        labels=list(record.get("labels") or []),
        provenance={
            k: record.get(k)
            for k in ("source_repo", "source_commit", "source_path", "source_index", "domain")
            if record.get(k) is not None
        },
    )


class CorpusError(ValueError):
    pass


def read_corpus(path: Path) -> Iterator[dict]:
    with Path(path).open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            line = line.strip()
            if not line:
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CorpusError(f"{path}:{lineno}: {exc.msg}") from None
            if not isinstance(record, dict) or not record.get("id"):
                raise CorpusError(f"{path}:{lineno}: a record needs 'id' and 'text'")
            if not record.get("text"):
                # Some excerpts carry only the court's reasoning; index that rather than
                # refuse the whole corpus, and skip a record with no text at all.
                record["text"] = record.get("court_reasoning") or record.get("outcome") or ""
                if not record["text"]:
                    continue
            yield record


@dataclass
class ImportResult:
    read: int = 0
    changed: int = 0
    unchanged: int = 0
    embedded: int = 0


def import_corpus(
    factory: sessionmaker[Session],
    path: Path,
    embedder: Embedder | None,
    *,
    batch_size: int = 32,
    limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Import (or re-import) a JSON Lines corpus; one transaction per batch, so an
    interrupted import resumes where it stopped and unchanged rows cost nothing."""
    records = list(read_corpus(path))
    if limit is not None:
        records = records[:limit]
    total = len(records)
    result = ImportResult()
    model = embedder.name if embedder is not None else None
    for start in range(0, total, batch_size):
        chunk = [corpus_input(r) for r in records[start : start + batch_size]]
        with session_scope(factory) as s:
            rows = []
            for data in chunk:
                row, changed = save_precedent(s, data)
                result.changed += changed
                result.unchanged += not changed
                rows.append(row)
            if embedder is not None:
                have = {
                    e.precedent_id: e.text_sha256
                    for e in s.scalars(
                        select(PrecedentEmbedding).where(
                            PrecedentEmbedding.model == model,
                            PrecedentEmbedding.precedent_id.in_([r.id for r in rows]),
                        )
                    )
                }
                todo = [r for r in rows if have.get(r.id) != r.text_sha256]
                if todo:
                    vectors = embedder.encode_passages([r.text for r in todo])
                    for row, vector in zip(todo, vectors, strict=True):
                        store_embedding(s, row, vector, model)
                    result.embedded += len(todo)
        result.read += len(chunk)
        if progress is not None:
            progress(result.read, total)
    return result


def embed_missing(
    factory: sessionmaker[Session],
    embedder: Embedder,
    *,
    batch_size: int = 32,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Embed every live precedent that has no (current) vector under this model."""
    with session_scope(factory) as s:
        have = dict(
            s.execute(
                select(PrecedentEmbedding.precedent_id, PrecedentEmbedding.text_sha256).where(
                    PrecedentEmbedding.model == embedder.name
                )
            ).all()
        )
        ids = [
            pid
            for pid, digest in s.execute(
                select(Precedent.id, Precedent.text_sha256).where(Precedent.deleted.is_(False))
            ).all()
            if have.get(pid) != digest
        ]
    done = 0
    for start in range(0, len(ids), batch_size):
        with session_scope(factory) as s:
            rows = s.scalars(
                select(Precedent).where(Precedent.id.in_(ids[start : start + batch_size]))
            ).all()
            vectors = embedder.encode_passages([r.text for r in rows])
            for row, vector in zip(rows, vectors, strict=True):
                store_embedding(s, row, vector, embedder.name)
        done += len(rows)
        if progress is not None:
            progress(done, len(ids))
    return done


# -- the centre's own cases -------------------------------------------------------------

# How a case that reached 结案 ended: the stage it closed from.
OUTCOME_BY_LAST_STAGE = {
    Stage.SIGNED: Outcome.SETTLED,
    Stage.JUDICIAL_CONFIRMATION: Outcome.SETTLED,
    Stage.PERFORMANCE: Outcome.SETTLED,
    Stage.FAILED: Outcome.FAILED,
    Stage.WITHDRAWN: Outcome.WITHDRAWN,
    Stage.REJECTED: Outcome.NOT_ACCEPTED,
}


def case_query_text(case: Case) -> str:
    """What a case is about, for searching: its request and its facts."""
    return "\n".join(x for x in (case.facts, case.request) if x)[:MAX_QUERY_CHARS]


def _party_names(case: Case) -> list[str]:
    names = []
    for p in case.parties:
        names += [n for n in (p.name, p.agent_name) if n]
    return names


def case_outcome(case: Case) -> tuple[str, str | None, date | None]:
    """(outcome code, the notes recorded on the way to the end, the closing date)."""
    transitions = [e for e in case.events if e.kind == EventKind.TRANSITION]
    closing = next((e for e in reversed(transitions) if e.to_stage == Stage.CLOSED), None)
    ended = [e for e in transitions if e.to_stage != Stage.CLOSED]
    last_stage = ended[-1].to_stage if ended else None
    outcome = OUTCOME_BY_LAST_STAGE.get(last_stage, Outcome.UNKNOWN)
    notes = [
        e.reason
        for e in transitions
        if e.reason
        and e.to_stage
        in (
            Stage.SIGNED,
            Stage.FAILED,
            Stage.WITHDRAWN,
            Stage.REJECTED,
            Stage.CLOSED,
            Stage.PERFORMANCE,
        )
    ]
    for e in transitions:
        if isinstance(e.data, dict) and e.data.get("settlement"):
            notes.append(str(e.data["settlement"]))
    closed_on = closing.effective_on if closing is not None else None
    return outcome, "\n".join(notes) or None, closed_on


def case_ref(case: Case) -> str:
    return f"case:{case.centre.code}:{case.number}"


def index_case(
    session: Session, case_id: int, embedder: Embedder | None = None
) -> Precedent | None:
    """Add a closed case to the precedent base (idempotent). Returns None when the case
    is gone or not closed. Party names, IDs, phones and card numbers are masked."""
    case = session.scalar(
        select(Case)
        .where(Case.id == case_id)
        .options(selectinload(Case.parties), selectinload(Case.events))
    )
    if case is None or case.stage != Stage.CLOSED:
        return None
    names = _party_names(case)
    outcome, notes, closed_on = case_outcome(case)
    text = mask_text(case_query_text(case), names) or ""
    data = PrecedentInput(
        ref=case_ref(case),
        source=PrecedentSource.CENTRE,
        title=f"{case.number}",
        text=text,
        centre_id=case.centre_id,
        case_id=case.id,
        dispute_type=case.dispute_type.value,
        region=case.region,
        decided_on=closed_on,
        amount=case.amount_claimed,
        outcome=outcome,
        claims=mask_text(case.request, names),
        outcome_text=mask_text(notes, names),
    )
    row, _changed = save_precedent(session, data)
    if embedder is not None:
        have = session.get(PrecedentEmbedding, (row.id, embedder.name))
        if have is None or have.text_sha256 != row.text_sha256:
            store_embedding(session, row, embedder.encode_passages([row.text])[0], embedder.name)
    return row


def index_closed_cases(
    factory: sessionmaker[Session], embedder: Embedder | None, centre_id: int | None = None
) -> int:
    """Index every closed case not yet in the base (a catch-up after a worker outage)."""
    with session_scope(factory) as s:
        query = select(Case.id).where(Case.stage == Stage.CLOSED)
        if centre_id is not None:
            query = query.where(Case.centre_id == centre_id)
        known = set(s.scalars(select(Precedent.case_id).where(Precedent.case_id.is_not(None))))
        ids = [i for i in s.scalars(query) if i not in known]
    for case_id in ids:
        with session_scope(factory) as s:
            index_case(s, case_id, embedder)
    return len(ids)


def remove_case(session: Session, case_id: int) -> bool:
    row = session.scalar(select(Precedent).where(Precedent.case_id == case_id))
    if row is None:
        return False
    delete_precedent(session, row)
    return True


# -- reading: one engine per process, kept current through the change sequence ----------


def to_doc(row: Precedent) -> PrecedentDoc:
    facts = kf.KeyFacts.from_json(row.key_facts) if row.key_facts else None
    return PrecedentDoc(
        key=row.id,
        ref=row.ref,
        text=row.text,
        title=row.title,
        source=row.source.value,
        scope=row.centre_id,
        dispute_type=row.dispute_type,
        cause=row.cause,
        region=row.region,
        decided_on=row.decided_on,
        amount=row.amount,
        outcome=row.outcome,
        outcome_text=row.outcome_text,
        facts=facts,
    )


class PrecedentBase:
    """A process's search engine over the precedent base of one database."""

    def __init__(self, settings: Settings, embedder: Embedder | None, dense=None) -> None:
        self.settings = settings
        self.engine = PrecedentEngine(embedder, dense=dense, pool=settings.pool)
        self.seen_seq = 0
        self._lock = threading.Lock()

    @property
    def embedder(self) -> Embedder | None:
        return self.engine.embedder

    def sync(self, session: Session, batch: int = 2000) -> int:
        """Apply every change with seq above what this process has seen."""
        applied = 0
        with self._lock:
            newest = session.scalar(select(func.max(Precedent.seq))) or 0
            if newest < self.seen_seq:
                # The database was restored or reset behind this process: start over.
                dense = self.engine.dense
                if isinstance(dense, NumpyIndex):
                    dense = NumpyIndex(dense.dim)
                self.engine = PrecedentEngine(
                    self.engine.embedder, dense=dense, pool=self.settings.pool
                )
                if hasattr(self.engine.dense, "bind"):
                    self.engine.dense.bind(self.engine)
                self.seen_seq = 0
            while True:
                rows = session.scalars(
                    select(Precedent)
                    .where(Precedent.seq > self.seen_seq)
                    .order_by(Precedent.seq)
                    .limit(batch)
                ).all()
                if not rows:
                    return applied
                gone = [r.id for r in rows if r.deleted]
                live = [r for r in rows if not r.deleted]
                self.engine.remove(gone)
                if self.settings.index == "pgvector" and self.engine.dense is not None:
                    # The ANN table catches up by itself; the engine only needs the rest.
                    self.engine.dense.sync_from(session, self.embedder.name)
                    self.engine.upsert([to_doc(r) for r in live], embed=False)
                    self.seen_seq = max(self.seen_seq, rows[-1].seq)
                    applied += len(rows)
                    continue
                vectors: dict[int, np.ndarray] = {}
                if self.embedder is not None and live:
                    for e in session.scalars(
                        select(PrecedentEmbedding).where(
                            PrecedentEmbedding.model == self.embedder.name,
                            PrecedentEmbedding.precedent_id.in_([r.id for r in live]),
                        )
                    ):
                        vectors[e.precedent_id] = vector_from_bytes(e.vector, e.dim)
                with_vec = [r for r in live if r.id in vectors]
                without = [r for r in live if r.id not in vectors]
                if with_vec:
                    self.engine.upsert(
                        [to_doc(r) for r in with_vec], np.stack([vectors[r.id] for r in with_vec])
                    )
                if without:
                    # Not embedded yet (imported without the model): searchable by words and
                    # key facts until `mediation precedents embed` runs.
                    self.engine.upsert([to_doc(r) for r in without], embed=False)
                self.seen_seq = max(self.seen_seq, rows[-1].seq)
                applied += len(rows)


_bases: dict[tuple, PrecedentBase] = {}
_bases_lock = threading.Lock()


def precedent_base(database_url: str, config: Mapping) -> PrecedentBase:
    settings = Settings.from_config(config)
    key = (database_url, settings)
    with _bases_lock:
        base = _bases.get(key)
        if base is None:
            embedder = settings.embedder()
            dense = None
            if settings.index == "pgvector" and embedder is not None:
                from mediation.precedents.pgvector import engine_dense_index

                dense = engine_dense_index(database_url, settings.pgvector_schema, embedder.dim)
            base = PrecedentBase(settings, embedder, dense)
            if dense is not None:
                dense.bind(base.engine)
            _bases[key] = base
        return base


def forget_bases() -> None:
    """Drop every cached engine (tests)."""
    with _bases_lock:
        _bases.clear()


# -- presenting results ---------------------------------------------------------------------


def fact_values(facts: kf.KeyFacts, code: str) -> list[str]:
    """The words a shared key-fact code was read from, to show next to it."""
    facet = code.split(":", 1)[0]
    if facet == "amount":
        return [a.text for a in facts.amounts[:3]]
    if facet == "rate":
        return [r.text for r in facts.rates[:3]]
    if facet == "overdue" and facts.overdue_days is not None:
        return [f"{facts.overdue_days}"]
    return []


def match_json(m: Match, query_facts: kf.KeyFacts, label: Callable[[str], str]) -> dict:
    doc = m.doc
    facts = doc.key_facts()
    return {
        "ref": doc.ref,
        "title": doc.title,
        "source": doc.source,
        "score": round(m.score, 4),
        "signals": {k: round(v, 4) for k, v in m.signals.items()},
        "dispute_type": doc.dispute_type,
        "cause": doc.cause,
        "region": doc.region,
        "decided_on": doc.decided_on.isoformat() if doc.decided_on else None,
        "amount": str(doc.amount) if doc.amount is not None else None,
        "outcome": doc.outcome,
        "outcome_label": label(f"precedent.outcome.{doc.outcome}"),
        "outcome_text": (doc.outcome_text or "")[:600] or None,
        "shared_facts": [
            {
                "code": code,
                "label": label(f"precedent.fact.{code}"),
                "this_case": fact_values(query_facts, code),
                "precedent": fact_values(facts, code),
            }
            for code in m.shared_facts
        ],
        "passages": [p.to_json() for p in m.passages],
    }


def plan_sources(matches: Iterable[Match]) -> list[PlanSource]:
    out = []
    for m in matches:
        doc = m.doc
        claimed = doc.amount
        if claimed is None:
            claimed = doc.key_facts().principal
        out.append(
            PlanSource(
                key=doc.key,
                ref=doc.ref,
                title=doc.title,
                score=m.score,
                outcome=doc.outcome,
                text=doc.outcome_text or "",
                claimed=claimed,
            )
        )
    return out


def own_precedent_key(session: Session, case: Case) -> int | None:
    return session.scalar(select(Precedent.id).where(Precedent.case_id == case.id))


def search_case(
    session: Session, base: PrecedentBase, case: Case, filters: Filters, k: int
) -> tuple[list[Match], kf.KeyFacts]:
    base.sync(session)
    query = mask_text(case_query_text(case), _party_names(case)) or ""
    facts = kf.extract(query)
    own = own_precedent_key(session, case)
    matches = base.engine.search(
        query,
        filters=filters,
        k=k,
        query_facts=facts,
        exclude_keys=[own] if own else [],
        min_score=MIN_SCORE,
    )
    return matches, facts


def search_text(
    session: Session, base: PrecedentBase, text: str, filters: Filters, k: int
) -> tuple[list[Match], kf.KeyFacts]:
    base.sync(session)
    query = mask_text(text[:MAX_QUERY_CHARS]) or ""
    facts = kf.extract(query)
    matches = base.engine.search(
        query, filters=filters, k=k, query_facts=facts, min_score=MIN_SCORE
    )
    return matches, facts


def mediation_plan(
    session: Session, base: PrecedentBase, case: Case, filters: Filters, k: int = 10
) -> tuple[dict, list[Match]]:
    matches, facts = search_case(session, base, case, filters, k)
    claimed = case.amount_claimed if case.amount_claimed is not None else facts.principal
    plan = suggest_plan(claimed, plan_sources(matches))
    return plan.to_json(), matches


def status(session: Session, base: PrecedentBase | None = None) -> dict:
    counts = dict(
        session.execute(
            select(Precedent.source, func.count())
            .where(Precedent.deleted.is_(False))
            .group_by(Precedent.source)
        ).all()
    )
    out = {
        "corpus": int(counts.get(PrecedentSource.CORPUS, 0)),
        "centre": int(counts.get(PrecedentSource.CENTRE, 0)),
        "embedded": {
            model: int(n)
            for model, n in session.execute(
                select(PrecedentEmbedding.model, func.count()).group_by(PrecedentEmbedding.model)
            ).all()
        },
    }
    if base is not None:
        out["model"] = base.embedder.name if base.embedder is not None else None
        out["index"] = base.settings.index
    return out
