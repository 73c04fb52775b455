"""Alert intake under load: 1,000 alerts/min for 2 minutes through HTTP, beside /incident.

    .venv/bin/python bench/bench_alert_intake.py [--rate 1000] [--minutes 2] [--db sqlite|postgres]

The bot's real HTTP server and the local Slack stand-in on 127.0.0.1. Each delivery is one
generic-hook alert: 60 % new (mostly ``info``, which goes to triage; 3 % critical, which
declares), 25 % repeats of a firing alert with a changed description, 15 % resolves. Every
second an ``/incident list`` is sent too, and its ack time recorded. At the end: every
delivery must be stored exactly once (by its sequence number) and processed; the intake p50/
p99 and the command-ack p50/p99 are printed. In flight at most 64 requests (bounded).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import TeamConfig  # noqa: E402
from bot.local_stack import ANNOUNCE_CHANNEL, start_local_stack  # noqa: E402
from fakeslack.server import FakeSlack  # noqa: E402
from incident.clock import SystemClock  # noqa: E402
from storage.database import normalize_database_url  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

TOKEN = "bench-hook-token-0123"
SERVICES = [f"svc-{i}" for i in range(40)]


def _p(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def main(rate: int, minutes: float, db: str) -> int:
    tmp = Path(tempfile.mkdtemp(prefix="hikeshi-bench-"))
    if db == "sqlite":
        url = f"sqlite:///{tmp / 'bench.db'}"
    else:
        url = f"postgresql://postgres@127.0.0.1:5432/test?schema=bench_{uuid.uuid4().hex[:8]}"
    upgrade(normalize_database_url(url))
    fake = FakeSlack()
    await fake.start()
    fake.add_channel("triage", channel_id="C0TRIAGE")
    team = TeamConfig(
        announcement_channel=ANNOUNCE_CHANNEL,
        roster={"levels": {f"level{i}": {"members": ["U0BOB"]} for i in (1, 2, 3)}},
        alerts={"triage_channel": "C0TRIAGE", "sources": [{"name": "hooks", "type": "generic", "token": TOKEN}]},
    )
    stack = await start_local_stack(url, team=team, fake=fake, clock=SystemClock())  # type: ignore[arg-type]
    total = int(rate * minutes)
    interval = 60.0 / rate
    intake: list[float] = []
    acks: list[float] = []
    statuses: dict[int, int] = {}
    firing: list[str] = []
    limit = asyncio.Semaphore(64)
    rng = random.Random(12)

    def delivery(seq: int) -> dict[str, Any]:
        roll = rng.random()
        if firing and roll < 0.25:
            fp = rng.choice(firing)
            return {"title": f"alert {fp}", "fingerprint": fp, "severity": "info", "description": f"seq {seq}",
                    "labels": {"seq": str(seq)}}  # fmt: skip
        if firing and roll < 0.40:
            fp = firing.pop(rng.randrange(len(firing)))
            return {"title": f"alert {fp}", "fingerprint": fp, "status": "resolved", "labels": {"seq": str(seq)}}
        fp = f"fp-{seq}"
        firing.append(fp)
        severity = "critical" if rng.random() < 0.03 else "info"
        service = rng.choice(SERVICES)
        return {"title": f"alert {fp}", "fingerprint": fp, "severity": severity, "service": service,
                "host": f"{service}-{rng.randrange(5)}", "labels": {"seq": str(seq)}}  # fmt: skip

    async with aiohttp.ClientSession() as session:

        async def send(body: dict[str, Any]) -> None:
            async with limit:
                started = time.perf_counter()
                async with session.post(
                    f"{stack.bot.url}/hooks/generic", json=body, headers={"Authorization": f"Bearer {TOKEN}"}
                ) as response:
                    await response.read()
                    intake.append(time.perf_counter() - started)
                    statuses[response.status] = statuses.get(response.status, 0) + 1

        async def commands(stop: asyncio.Event) -> None:
            while not stop.is_set():
                started = time.perf_counter()
                sent = await stack.command("list", channel_id="C0GENERAL", user_id="U0ALICE")
                assert sent.status == 200
                acks.append(time.perf_counter() - started)
                await asyncio.sleep(1.0)

        stop = asyncio.Event()
        command_task = asyncio.create_task(commands(stop))
        begin = time.perf_counter()
        sends: list[asyncio.Task[None]] = []
        for seq in range(total):
            wait = begin + seq * interval - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
            sends.append(asyncio.create_task(send(delivery(seq))))
        await asyncio.gather(*sends)
        sent_for = time.perf_counter() - begin
        stop.set()
        await command_task
    drain_start = time.perf_counter()
    await stack.bot.services.alerts.process_pending()  # waits behind the runner, then finds nothing left
    await stack.settle(120)
    drained = time.perf_counter() - drain_start
    async with stack.bot.services.engine.connect() as conn:
        rows = list(await conn.exec_driver_sql("SELECT data FROM alert_events"))
    seqs = [json.loads(r[0])["labels"]["seq"] if isinstance(r[0], str) else r[0]["labels"]["seq"] for r in rows]
    open_incidents = len(await stack.bot.services.store.list_open())
    await stack.close()
    exactly_once = sorted(int(s) for s in seqs) == list(range(total))
    print(f"db={db} deliveries={total} in {sent_for:.1f}s (target {minutes * 60:.0f}s) answers={statuses}")
    print(f"stored={len(seqs)} exactly once={exactly_once} processing drained {drained:.1f}s after the last send")
    print(f"intake p50={_p(intake, 0.5) * 1000:.1f} ms p99={_p(intake, 0.99) * 1000:.1f} ms")
    print(
        f"/incident ack p50={_p(acks, 0.5) * 1000:.1f} ms p99={_p(acks, 0.99) * 1000:.1f} ms "
        f"(n={len(acks)}, mean {statistics.mean(acks) * 1000:.1f} ms)"
    )
    print(f"incidents declared={open_incidents}")
    return 0 if exactly_once and statuses.get(202) == total else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=int, default=1000, help="alerts per minute")
    parser.add_argument("--minutes", type=float, default=2.0)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    raise SystemExit(asyncio.run(main(args.rate, args.minutes, args.db)))
