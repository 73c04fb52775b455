"""Cost per request: SQL statements and Slack Web API calls per declare, note, ack and page.

    .venv/bin/python bench/bench_cost.py [--db sqlite postgres] [--rounds 3] [--no-write]

Counted, not timed, so the figures do not drift with the machine: they change only when the
code does (compare before/after a change that touches these paths). The bot's real HTTP
server runs in-process against the local Slack stand-in (as in tests/e2e), with a three-level
roster and a critical incident (page level1 at once, FYI to level2 and level3). Each operation
is counted from the signed request until every background task it started has finished:

- declare: ``/incident declare … --sev critical`` from #general
- note:    ``/incident note …`` in the incident channel
- page:    the level1 ack deadline passing (15 min), which pages level2
- ack:     level2 clicking *Acknowledge* in the page DM

SQL statements are counted with SQLAlchemy's ``before_cursor_execute`` on the bot's engine
(BEGIN/COMMIT issued by the driver are not statements and are not counted); Slack calls are
the stand-in's recorded Web API calls plus posts to response URLs.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, event, text

from bench.results import stamp, table, write_section
from bot.config import TeamConfig
from bot.local_stack import ANNOUNCE_CHANNEL, LocalStack, start_local_stack
from storage.database import normalize_database_url
from storage.migrate import upgrade

PG_URL = "postgresql://root@127.0.0.1:5432/test"
ROSTER = {
    "levels": {
        "level1": {"members": ["U0BOB"]},
        "level2": {"members": ["U0CAROL"]},
        "level3": {"members": ["U0FRANK"]},
    }
}
OPS = ("declare", "note", "page", "ack")


@dataclass
class Tally:
    sql: Counter[str] = field(default_factory=Counter)
    slack: Counter[str] = field(default_factory=Counter)

    @property
    def sql_total(self) -> int:
        return sum(self.sql.values())

    @property
    def slack_total(self) -> int:
        return sum(self.slack.values())


class Meter:
    """Counts statements on the engine and calls on the stand-in between ``start`` and ``stop``."""

    def __init__(self, stack: LocalStack) -> None:
        self.stack = stack
        self.statements: list[str] = []
        event.listen(stack.services.engine.sync_engine, "before_cursor_execute", self._on_sql)

    def _on_sql(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.statements.append(statement.lstrip().split(None, 1)[0].upper())

    async def count(self, action: Any) -> Tally:
        await self.stack.settle()
        sql0, calls0, resp0 = len(self.statements), len(self.stack.fake.calls), len(self.stack.fake.responses)
        await action()
        await self.stack.settle()
        tally = Tally()
        tally.sql.update(self.statements[sql0:])
        tally.slack.update(c.method for c in self.stack.fake.calls[calls0:])
        if len(self.stack.fake.responses) > resp0:
            tally.slack["response_url"] += len(self.stack.fake.responses) - resp0
        return tally


async def one_round(stack: LocalStack, meter: Meter, n: int) -> dict[str, Tally]:
    out: dict[str, Tally] = {}
    before = {c["id"] for c in stack.fake.channels()}

    async def declare() -> None:
        r = await stack.command(f"declare Checkout API returns 500s round {n} --sev critical")
        assert r.status == 200, r.text

    out["declare"] = await meter.count(declare)
    channel = next(c["id"] for c in stack.fake.channels() if c["id"] not in before and c["id"].startswith("C"))

    async def note() -> None:
        r = await stack.command("note Checked the LB logs: 502s from pool B", channel_id=channel)
        assert r.status == 200, r.text

    out["note"] = await meter.count(note)
    # Up to one second before the level1 deadline, uncounted (reminders due at 10 min fire here).
    await stack.advance(timedelta(minutes=14, seconds=59))

    async def page() -> None:
        await stack.advance(timedelta(seconds=1))

    out["page"] = await meter.count(page)
    dm_msg = None
    for dm in reversed(stack.fake.workspace.channels.values()):
        if dm.is_im and dm.im_user == "U0CAROL":
            dm_msg = next(
                m
                for m in reversed(stack.fake.messages(dm.id))
                if any(w in m.text for w in ("You are paged", "呼び出しです"))
            )
            dm_id = dm.id
            break
    if dm_msg is None:
        raise RuntimeError("level2 was not paged at the level1 deadline")

    async def ack() -> None:
        value = dm_msg.blocks[2]["elements"][0]["value"]
        click = stack.sender.block_actions("page_ack", value, user_id="U0CAROL", channel_id=dm_id, message_ts=dm_msg.ts)
        r = await stack.sender.interactivity(click)
        assert r.status == 200, r.text

    out["ack"] = await meter.count(ack)
    # Resolve it so its reminders (30-min update cadence) cannot fire inside a later round.
    await stack.command("resolve rolled back", channel_id=channel)
    await stack.settle()
    return out


def fresh_database(kind: str, tmp: Path) -> tuple[str, Any]:
    if kind == "sqlite":
        url = f"sqlite:///{tmp / 'cost.db'}"
        upgrade(normalize_database_url(url))
        return url, None
    schema = f"bench_cost_{uuid.uuid4().hex[:8]}"
    engine = create_engine(normalize_database_url(PG_URL).sync_url)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_URL}?schema={schema}"
    upgrade(normalize_database_url(url))

    def drop() -> None:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()

    return url, drop


async def run(kind: str, rounds: int) -> list[dict[str, Tally]]:
    with tempfile.TemporaryDirectory() as tmp:
        url, drop = fresh_database(kind, Path(tmp))
        try:
            stack = await start_local_stack(url, team=TeamConfig(announcement_channel=ANNOUNCE_CHANNEL, roster=ROSTER))
            try:
                meter = Meter(stack)
                return [await one_round(stack, meter, n) for n in range(1, rounds + 1)]
            finally:
                await stack.close()
        finally:
            if drop:
                drop()


def spread(values: list[int]) -> str:
    lo, hi = min(values), max(values)
    return str(lo) if lo == hi else f"{lo}–{hi}"


def breakdown(counter: Counter[str]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", nargs="+", default=["sqlite", "postgres"], choices=["sqlite", "postgres"])
    parser.add_argument("--rounds", type=int, default=3, help="incidents per database (differing rounds show a range)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()
    rows: list[list[str]] = []
    for kind in args.db:
        try:
            results = asyncio.run(run(kind, args.rounds))
        except OSError as exc:
            print(f"{kind}: skipped ({exc})")
            rows.append([kind, "skipped: " + str(exc), "", "", ""])
            continue
        for op in OPS:
            tallies = [r[op] for r in results]
            last = tallies[-1]
            rows.append(
                [
                    "SQLite" if kind == "sqlite" else "PostgreSQL",
                    op,
                    spread([t.sql_total for t in tallies]),
                    spread([t.slack_total for t in tallies]),
                    f"{breakdown(last.sql)} · {breakdown(last.slack)}",
                ]
            )
    header = ["database", "operation", "SQL statements", "Slack calls", "last round: by verb · by method"]
    print(table(header, rows))
    if args.no_write:
        return
    body = "\n\n".join(
        [
            "## Cost per request — `.venv/bin/python bench/bench_cost.py`",
            stamp(),
            f"Counted (not timed) over {args.rounds} incidents per database; a range means the rounds differed "
            "(the first round also fills caches: auth.test and users.info for the locale). Floor: none — these "
            "are counts to compare before/after a change; fewer is better; a change touching these paths quotes both.",
            table(header, rows),
        ]
    )
    write_section("cost", body)


if __name__ == "__main__":
    main()
