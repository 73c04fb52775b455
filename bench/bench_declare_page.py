"""Declare to page: slash command → level1 page DM and → pinned summary, with Slack adding 0 and 50 ms a call.

    .venv/bin/python bench/bench_declare_page.py [--rounds 20] [--delays 0 50] [--no-write]

The bot's real HTTP server in-process against the Slack stand-in (as tests/e2e), SQLite, a
three-level roster, critical incidents declared one after another. The stand-in holds every Web
API answer for the given delay (``FakeSlack.delay("*", …)``). A call "arrives" when the stand-in
records it; it is done ``delay`` later. *Sequential round trips before the DM*: the calls before
the page DM grouped into waves — a call that arrives after the previous wave's answer starts a
new wave; calls that overlap in flight are one wave (counted at 50 ms, where waves are clear).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.results import pct, stamp, table, write_section
from bot.config import TeamConfig
from bot.local_stack import ANNOUNCE_CHANNEL, start_local_stack
from fakeslack.recording import RecordedCall
from storage.database import normalize_database_url
from storage.migrate import upgrade

ROSTER = {
    "levels": {
        "level1": {"members": ["U0BOB"]},
        "level2": {"members": ["U0CAROL"]},
        "level3": {"members": ["U0FRANK"]},
    }
}


def waves(calls: list[RecordedCall], delay: float) -> list[list[str]]:
    """Calls grouped into sequential round trips by arrival time."""
    out: list[list[str]] = []
    wave_end = float("-inf")
    for c in sorted(calls, key=lambda c: c.at):
        t = c.at.timestamp()
        if t >= wave_end - 0.005:
            out.append([])
            wave_end = t + delay
        out[-1].append(c.method)
    return out


async def run(delay_ms: float, rounds: int) -> dict[str, Any]:
    delay = delay_ms / 1000
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'page.db'}"
        upgrade(normalize_database_url(url))
        stack = await start_local_stack(url, team=TeamConfig(announcement_channel=ANNOUNCE_CHANNEL, roster=ROSTER))
        to_dm: list[float] = []
        to_pin: list[float] = []
        trips: list[int] = []
        sample: list[list[str]] = []
        try:
            await stack.command("help")  # warm caches (auth.test) outside the figures
            await stack.settle()
            stack.fake.delay("*", delay)
            for n in range(rounds):
                first = len(stack.fake.calls)
                sent = time.time()
                r = await stack.command(f"declare Checkout down {n} --sev critical")
                assert r.status == 200, r.text
                await stack.settle()
                calls = stack.fake.calls[first:]
                dm = next(
                    c
                    for c in calls
                    if c.method == "chat.postMessage"
                    and str(c.args.get("channel", "")).startswith("D")
                    and any(w in str(c.args.get("text")) for w in ("You are paged", "呼び出しです"))
                )
                pin = next(c for c in calls if c.method == "pins.add")
                to_dm.append((dm.at.timestamp() + delay - sent) * 1000)
                to_pin.append((pin.at.timestamp() + delay - sent) * 1000)
                before = [c for c in calls if c.at < dm.at]
                w = waves(before, delay)
                trips.append(len(w))
                sample = w
                channel = next(c.response["channel"]["id"] for c in calls if c.method == "conversations.create")
                await stack.command("resolve done", channel_id=channel)  # stops its pages and reminders
                await stack.settle()
                await stack.advance(timedelta(seconds=1))
        finally:
            stack.fake.delay("*", 0)
            await stack.close()
    return {"delay": delay_ms, "dm": to_dm, "pin": to_pin, "trips": trips, "sample": sample}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--delays", type=float, nargs="+", default=[0.0, 50.0, 150.0])
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    rows = []
    misses = []
    sample: list[list[str]] = []
    runs = {d: asyncio.run(run(d, args.rounds)) for d in args.delays}
    base = pct(runs[0.0]["dm"], 50) if 0.0 in runs else 0.0
    for d, r in runs.items():
        # Sequential round trips, from how the DM's median time grows with Slack's delay: each
        # call on the critical path adds one delay (the DM itself is one of them). Calls that run
        # beside the path do not count, however their arrival times interleave.
        trips = max(0, round((pct(r["dm"], 50) - base) / d) - 1) if d else None
        target_ms = 4 * d + 100
        p95 = pct(r["dm"], 95)
        if d:
            sample = r["sample"]
            if p95 > target_ms:
                misses.append(f"DM p95 at {d:.0f} ms/call is {p95:.0f} ms > {target_ms:.0f} ms")
            if trips is not None and trips > 4:
                misses.append(f"{trips} sequential round trips before the level1 DM at {d:.0f} ms (target ≤ 4)")
        rows.append(
            [
                f"{d:.0f} ms",
                f"{pct(r['dm'], 50):.0f}",
                f"{p95:.0f}",
                f"{max(r['dm']):.0f}",
                f"{pct(r['pin'], 50):.0f}",
                f"{pct(r['pin'], 95):.0f}",
                str(trips) if trips is not None else "—",
                str(max(r["trips"])) if d else "—",
                f"≤ {target_ms:.0f} ms, ≤ 4 trips" if d else "—",
                f"{p95 / target_ms:.2f}" if d else "—",
            ]
        )
    header = [
        "Slack delay",
        "DM p50",
        "DM p95",
        "DM max",
        "pin p50",
        "pin p95",
        "round trips before DM",
        "arrival waves before DM",
        "target",
        "p95 / target",
    ]
    print(table(header, rows))
    chain = " → ".join("+".join(sorted(set(w))) for w in sample)
    print("waves before the DM at the last delay:", chain)
    if args.no_write:
        return
    body = "\n\n".join(
        [
            "## Declare to page — `.venv/bin/python bench/bench_declare_page.py`",
            stamp(),
            f"{args.rounds} critical declares in a row per delay (SQLite, in-process server and stand-in); times in ms "
            "from sending the slash command to the stand-in completing the level1 page DM / the first pin. The "
            "floor is the delay itself: k sequential calls cannot finish before k × delay. Round trips before "
            "the DM = (DM p50 at this delay − DM p50 at 0 ms) / delay, less the DM itself: the calls on the "
            "critical path. Arrival waves group calls by arrival time (a call arriving after the previous "
            "group's answers were due starts a new wave), an upper bound that also counts side calls "
            "(the live timeline, pins, the announcement) that happen to arrive between.",
            table(header, rows),
            f"Arrival waves before the level1 DM (last round at the last delay): {chain}.",
            "Missed: " + ("; ".join(misses) + "." if misses else "none."),
        ]
    )
    write_section("declare_page", body)


if __name__ == "__main__":
    main()
