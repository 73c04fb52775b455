"""Timeline writes: one entry per transaction through the storage layer, against a bare SQLModel insert.

    .venv/bin/python bench/bench_timeline_writes.py [--writes 400] [--db sqlite postgres]
                                                    [--http-seconds 120] [--per-minute 1000] [--no-write]

Storage part: ``SqlIncidentStore.add_entries`` with one entry (what a note does: on PostgreSQL
lock the incident row; an insert that draws the next sequence number itself; commit),
sequentially and from 10 concurrent writers, on SQLite (WAL file) and PostgreSQL. Floor, same
engine settings, same run: a bare SQLModel ``session.add(TimelineEntryRow(...)); commit()``
with the sequence number given.

HTTP part: the bot's real server in-process against the stand-in (SQLite), alternating signed
``/incident note`` commands and ``:pushpin:`` reaction events at the given rate for the given
time, then a count check: every entry sent must be in the timeline.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy import text

from bench.results import pct, stamp, table, write_section
from bot.config import TeamConfig
from bot.local_stack import ANNOUNCE_CHANNEL, start_local_stack
from incident.model import EntrySource
from incident.ports import NewEntry, NewIncident
from storage.database import create_engine, normalize_database_url, session_factory
from storage.incidents import SqlIncidentStore
from storage.migrate import upgrade
from storage.tables import TimelineEntryRow

PG_URL = "postgresql://root@127.0.0.1:5432/test"


def fresh(kind: str, tmp: Path) -> tuple[str, Any]:
    if kind == "sqlite":
        url = f"sqlite:///{tmp / f'writes-{uuid.uuid4().hex[:6]}.db'}"
        upgrade(normalize_database_url(url))
        return url, lambda: None
    schema = f"bench_writes_{uuid.uuid4().hex[:8]}"
    sync = create_sync_engine(normalize_database_url(PG_URL).sync_url)
    with sync.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_URL}?schema={schema}"
    upgrade(normalize_database_url(url))

    def drop() -> None:
        with sync.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        sync.dispose()

    return url, drop


def entry(i: int) -> NewEntry:
    return NewEntry(
        kind="note",
        text=f"checked pool {i}",
        actor="U0ALICE",
        occurred_at=datetime.now(UTC),
        source=EntrySource.COMMAND,
    )


async def storage_figures(url: str, writes: int) -> dict[str, list[float]]:
    engine = create_engine(normalize_database_url(url))
    store = SqlIncidentStore(engine)
    now = datetime.now(UTC)
    out: dict[str, list[float]] = {}
    incidents = []
    for n in range(2):
        new = NewIncident(
            year=now.year, title=f"writes {n}", severity="high", declared_by="U0ALICE", declared_at=now, started_at=now
        )
        inc = await store.declare(new, entry(0), idempotency_key=None)
        assert inc is not None
        incidents.append(inc.id)
    sessions = session_factory(engine)
    seqs = itertools.count(10_000_000)

    async def ours(_: int) -> None:
        await store.add_entries(incidents[0], [entry(0)])

    async def floor(_: int) -> None:
        async with sessions() as session:
            session.add(
                TimelineEntryRow(
                    incident_id=incidents[1],
                    seq=next(seqs),
                    occurred_at=now,
                    recorded_at=now,
                    kind="note",
                    text="checked pool",
                    actor="U0ALICE",
                    source="command",
                )
            )
            await session.commit()

    async def timed(fn: Any, n: int, lat: list[float]) -> None:
        for i in range(n):
            t = time.perf_counter()
            await fn(i)
            lat.append((time.perf_counter() - t) * 1000)

    for _ in range(2):  # interleave ours and the floor, twice, to even out drift
        for name, fn in (("floor", floor), ("ours", ours)):
            lat = out.setdefault(f"{name} sequential", [])
            await timed(fn, writes // 2, lat)
            lat10 = out.setdefault(f"{name} 10 writers", [])
            await asyncio.gather(*(timed(fn, writes // 20, lat10) for _ in range(10)))
    await engine.dispose()
    return out


class Errors(logging.Handler):
    """Keeps the bot's error log lines, to name the cause of a lost entry."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        first = self.format(record).splitlines()
        self.records.append(f"{record.name}: {record.getMessage()[:200]} {first[-1][:200] if first else ''}")


errors = Errors()


async def http_figures(seconds: float, per_minute: int) -> dict[str, Any]:
    logging.getLogger().addHandler(errors)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'http.db'}"
        upgrade(normalize_database_url(url))
        stack = await start_local_stack(url, team=TeamConfig(announcement_channel=ANNOUNCE_CHANNEL))
        try:
            before = {c["id"] for c in stack.fake.channels()}
            await stack.command("declare Writes under load --sev low")
            await stack.settle()
            channel = next(c["id"] for c in stack.fake.channels() if c["id"] not in before and c["id"][0] == "C")
            incident = await stack.services.store.by_channel(channel)
            start_count = len(await stack.services.store.entries(incident.id))
            interval = 60.0 / per_minute
            sent = {"note": 0, "reaction": 0}
            statuses: dict[int, int] = {}
            lat: list[float] = []
            pending: set[asyncio.Task[Any]] = set()

            async def send(i: int) -> None:
                if i % 2 == 0:
                    r = await stack.command(f"note write {i}", channel_id=channel)
                    sent["note"] += 1
                else:
                    ts = stack.fake.add_message(channel, "U0ERIN", f"graph {i}: p99 up")
                    r = await stack.sender.event(
                        stack.sender.reaction_added("U0ERIN", "pushpin", channel, ts, "U0ERIN")
                    )
                    sent["reaction"] += 1
                statuses[r.status] = statuses.get(r.status, 0) + 1
                lat.append(r.elapsed * 1000)

            t0 = time.perf_counter()
            i = 0
            while time.perf_counter() - t0 < seconds:
                task = asyncio.create_task(send(i))
                pending.add(task)
                task.add_done_callback(pending.discard)
                i += 1
                await asyncio.sleep(max(0.0, t0 + i * interval - time.perf_counter()))
            await asyncio.gather(*pending)
            await stack.settle(60)
            entries = await stack.services.store.entries(incident.id)
            stored = len(entries) - start_count
            kept_notes = sum(1 for e in entries if e.kind == "note" and str(e.source) == "command")
            kept_reactions = sum(1 for e in entries if str(e.source) == "reaction")
        finally:
            await stack.close()
    total = sent["note"] + sent["reaction"]
    return {
        "sent": total,
        "stored": stored,
        "lost": total - stored,
        "statuses": statuses,
        "lat": lat,
        "seconds": seconds,
        "lost_notes": sent["note"] - kept_notes,
        "lost_reactions": sent["reaction"] - kept_reactions,
        "errors": errors.records,
        **sent,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=400, help="entries per variant (half now, half later)")
    parser.add_argument("--db", nargs="+", default=["sqlite", "postgres"], choices=["sqlite", "postgres"])
    parser.add_argument("--http-seconds", type=float, default=120.0)
    parser.add_argument("--per-minute", type=int, default=1000)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    rows = []
    misses = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind in args.db:
            url, drop = fresh(kind, Path(tmp))
            try:
                res = asyncio.run(storage_figures(url, args.writes))
            finally:
                drop()
            name = "SQLite" if kind == "sqlite" else "PostgreSQL"
            for mode, limit in (("sequential", 2.0), ("10 writers", 1.5)):
                f, o = res[f"floor {mode}"], res[f"ours {mode}"]
                ratio = pct(o, 99) / pct(f, 99)
                ok = ratio <= limit
                if not ok:
                    misses.append(f"{name} {mode}: p99 {ratio:.2f}× the bare insert (target ≤ {limit}×)")
                rows.append(
                    [
                        name,
                        mode,
                        f"{pct(f, 50):.2f}",
                        f"{pct(f, 99):.2f}",
                        f"{pct(o, 50):.2f}",
                        f"{pct(o, 99):.2f}",
                        f"{ratio:.2f}",
                        f"≤ {limit}× {'✔' if ok else '✘'}",
                    ]
                )
    header = ["database", "mode", "floor p50", "floor p99", "ours p50", "ours p99", "p99 ratio", "target"]
    print(table(header, rows))
    http = asyncio.run(http_figures(args.http_seconds, args.per_minute)) if args.http_seconds > 0 else None
    http_line = ""
    if http:
        http_line = (
            f"HTTP, SQLite: {http['sent']} entries in {http['seconds']:.0f} s at {args.per_minute}/min "
            f"({http['note']} `/incident note`, {http['reaction']} `:pushpin:` reactions): {http['stored']} stored, "
            f"lost {http['lost_notes']} notes and {http['lost_reactions']} reactions, "
            f"**{http['lost']} lost** (target 0); answers {http['statuses']}, ack p50 {pct(http['lat'], 50):.1f} ms, "
            f"p99 {pct(http['lat'], 99):.1f} ms."
        )
        if http["lost"]:
            misses.append(f"{http['lost']} of {http['sent']} entries sent over HTTP were not stored")
        if http["errors"]:
            distinct = sorted(set(http["errors"]))
            http_line += f" The bot logged {len(http['errors'])} errors; distinct: " + "; ".join(
                f"`{e}`" for e in distinct[:5]
            )
            http_line += "."
        print(http_line)
    if args.no_write:
        return
    body = "\n\n".join(
        [
            "## Timeline writes — `.venv/bin/python bench/bench_timeline_writes.py`",
            stamp(),
            f"{args.writes} single-entry transactions per variant and backend (ms), ours and the floor interleaved; "
            "ours = `SqlIncidentStore.add_entries` (PostgreSQL: lock the incident row, then one insert drawing "
            "max(seq)+1 itself; SQLite: that insert alone; commit), floor = bare "
            "SQLModel insert + commit of the same row with its seq given.",
            table(header, rows),
            http_line,
            "Missed: " + ("; ".join(misses) + "." if misses else "none."),
        ]
    )
    write_section("timeline_writes", body)


if __name__ == "__main__":
    main()
