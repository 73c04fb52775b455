"""Deadline lateness on PostgreSQL: one replica and three, beside APScheduler's bare lateness.

    .venv/bin/python bench/bench_deadlines.py [--counts 1000 10000] [--pg postgresql://root@127.0.0.1:5432/test]

N deadlines due spread over the 5 s after a short lead-in are armed in a fresh PostgreSQL
schema; R schedulers (``bot.scheduler.DeadlineScheduler``, one engine each, in this process)
poll and fire them. Lateness is firing time minus due time. Missed = never fired within the
window; duplicated = fired more than once. APScheduler is timed on the same due times with a
bare in-memory ``date`` job per deadline (no database), in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from apscheduler.schedulers.asyncio import AsyncIOScheduler  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from bot.scheduler import DeadlineScheduler  # noqa: E402
from incident.clock import SystemClock  # noqa: E402
from storage.database import create_engine as create_async_engine  # noqa: E402
from storage.database import normalize_database_url  # noqa: E402
from storage.deadlines import Deadline, SqlDeadlineStore  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

LEAD_IN = 5.0  # seconds before the first deadline is due (arming takes a moment)
SPREAD = 5.0  # all deadlines fall due within this many seconds
WINDOW = 30.0  # give up waiting this long after the last due time


def _due_times(count: int) -> list[datetime]:
    start = datetime.now(UTC) + timedelta(seconds=LEAD_IN)
    return [start + timedelta(seconds=SPREAD * i / count) for i in range(count)]


async def _until(done: Callable[[], bool], last_due: datetime) -> None:
    """Poll ``done`` until it holds or WINDOW seconds after the last due time."""
    end = time.monotonic() + (last_due - datetime.now(UTC)).total_seconds() + WINDOW
    for _ in range(int((end - time.monotonic()) / 0.1) + 1):
        if done():
            return
        await asyncio.sleep(0.1)


def _report(label: str, count: int, fired: list[tuple[str, float]]) -> str:
    seen = Counter(key for key, _ in fired)
    late = sorted(lateness for _, lateness in fired) or [0.0]
    p99 = late[min(len(late) - 1, int(len(late) * 0.99))]
    return (
        f"| {label} | {count} | {statistics.median(late) * 1000:.0f} | {p99 * 1000:.0f} | {late[-1] * 1000:.0f}"
        f" | {count - len(seen)} | {sum(n - 1 for n in seen.values())} |"
    )


async def _hikeshi(pg: str, count: int, replicas: int) -> list[tuple[str, float]]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    db = normalize_database_url(f"{pg}?schema={schema}")
    upgrade(db)
    engines = [create_async_engine(db) for _ in range(replicas)]
    clock, fired = SystemClock(), []
    schedulers = []
    for engine in engines:
        scheduler = DeadlineScheduler(SqlDeadlineStore(engine), clock, drive_wall_clock=True)

        async def record(deadline: Deadline, now: datetime) -> None:
            fired.append((deadline.key, (clock.now() - deadline.due_at).total_seconds()))

        scheduler.on("bench", record)
        schedulers.append(scheduler)
    store = SqlDeadlineStore(engines[0])
    dues = _due_times(count)
    await asyncio.gather(*(store.arm(f"bench:{i}", "bench", due, {}) for i, due in enumerate(dues)))
    for scheduler in schedulers:
        await scheduler.start()
    await _until(lambda: len({k for k, _ in fired}) >= count, dues[-1])
    await asyncio.sleep(1.0)  # late duplicates
    for scheduler in schedulers:
        await scheduler.stop()
    for engine in engines:
        await engine.dispose()
    sync = create_engine(normalize_database_url(pg).sync_url)
    with sync.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    sync.dispose()
    return fired


async def _apscheduler(count: int) -> list[tuple[str, float]]:
    scheduler, fired = AsyncIOScheduler(timezone=UTC), []

    async def record(key: str, due: datetime) -> None:
        fired.append((key, (datetime.now(UTC) - due).total_seconds()))

    scheduler.start()
    dues = _due_times(count)
    for i, due in enumerate(dues):
        scheduler.add_job(record, "date", run_date=due, args=(f"aps:{i}", due), misfire_grace_time=None)
    await _until(lambda: len(fired) >= count, dues[-1])
    scheduler.shutdown(wait=False)
    return fired


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counts", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--pg", default="postgresql://root@127.0.0.1:5432/test")
    args = parser.parse_args()
    print("| scheduler | deadlines | p50 ms | p99 ms | max ms | missed | duplicated |")
    print("|---|---|---|---|---|---|---|")
    for count in args.counts:
        print(_report("APScheduler, in memory", count, await _apscheduler(count)), flush=True)
        for replicas in (1, 3):
            fired = await _hikeshi(args.pg, count, replicas)
            print(_report(f"Hikeshi, {replicas} replica(s), PostgreSQL", count, fired), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
