"""Knowledge-base query latency at 10k and 100k entries, loaded from SQLite and PostgreSQL.

    .venv/bin/python bench/bench_kb_latency.py [--sizes 10000 100000] [--db sqlite postgres]

Synthetic entries are generated from the starter knowledge base's vocabulary (both
languages). For each database: bulk-load, read all entries back, build the index (as the
bot does at start-up), then time 300 queries (a mix of Japanese and English symptoms).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

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
                diagnosis=a.diagnosis[:2],
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


async def run(db: str, size: int, entries: list[KbEntry]) -> None:
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
        timings = []
        for i in range(300):
            q = QUERIES[i % len(QUERIES)]
            s = time.perf_counter()
            index.search(q, limit=3)
            timings.append((time.perf_counter() - s) * 1000)
        if db == "postgres":
            from sqlalchemy import text

            async with engine.begin() as conn:
                await conn.execute(text(f'DROP SCHEMA "{url.schema}" CASCADE'))
        await engine.dispose()
    print(
        f"{db:8} {size:>7}  insert {t1 - t0:6.2f}s  load {t2 - t1:6.2f}s  build {t3 - t2:6.2f}s  "
        f"query p50 {statistics.median(timings):6.2f} ms  p95 {pct(timings, 95):6.2f} ms  max {max(timings):6.2f} ms"
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--db", nargs="+", default=["sqlite", "postgres"])
    args = parser.parse_args()
    for size in args.sizes:
        entries = synthetic(size)
        for db in args.db:
            await run(db, size, entries)


if __name__ == "__main__":
    asyncio.run(main())
