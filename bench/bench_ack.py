"""Ack latency: signed slash commands and events against `hikeshi serve`, against bare-Bolt floors.

    .venv/bin/python bench/bench_ack.py [--count 1000] [--declares 150] [--levels 1 10 50] [--no-write]

Processes (each its own, on loopback): the Slack stand-in, `hikeshi serve` (SQLite) and the two
floors — a bare slack-bolt ``AsyncApp`` on aiohttp whose ``/incident`` listener only calls
``ack()``, once with ``process_before_response=True`` (inline) and once in Bolt's default mode —
and a separate load-generator process. Server and floors are pinned to one core, the stand-in
and the load generator to the other (taskset), when there are two. At each concurrency the
floors and our kinds run interleaved, one after the other. Latency is request sent → HTTP
answer read, at the load generator.

Kinds: ``help`` (from #general), ``note`` (in an incident channel), ``event`` (a person's
message in the incident channel), ``declare`` (a new incident each, its background work —
channel, pins, pages — running while later requests arrive). Then, at concurrency 10, our
``help`` p99 while a 100k-entry postmortem export runs, and while the knowledge index of a
freshly started server builds over 20k entries, against our own idle p99.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.procs import (
    PY,
    SECRET,
    TEAM_YAML,
    TOKEN,
    Procs,
    cores,
    descendants,
    fake_state,
    free_port,
    rss_mib,
    start_fake,
    start_hikeshi,
    wait_port,
)
from bench.results import load_average, pct, stamp, table, write_section

HERE = Path(__file__).resolve()
# Slack gives up after 3 s and retries events; a request unanswered after this counts as a timeout.
TIMEOUT = 10.0


# -- floor: a bare Bolt app that only acks -----------------------------------------------------------


def serve_floor(port: int, api_port: int, inline: bool) -> None:
    from aiohttp import web
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    app = AsyncApp(
        signing_secret=SECRET,
        client=AsyncWebClient(token=TOKEN, base_url=f"http://127.0.0.1:{api_port}/api/"),
        process_before_response=inline,
    )

    @app.command("/incident")
    async def only_ack(ack: Any) -> None:
        await ack()

    @app.event("message")
    async def only_ack_event(ack: Any) -> None:
        await ack()

    web.run_app(app.web_app(path="/slack/events", port=port), host="127.0.0.1", port=port, access_log=None, print=None)


# -- load generator ------------------------------------------------------------------------------------


async def generate(
    url: str, fake_base: str, kind: str, concurrency: int, count: int, duration: float, channel: str
) -> dict[str, Any]:
    from fakeslack.sender import SlackSender

    latencies: list[float] = []
    statuses: dict[int, int] = {}
    sent = 0
    deadline = time.perf_counter() + duration if duration else None

    async with SlackSender(url, SECRET, timeout=TIMEOUT) as sender:

        async def one(i: int) -> None:
            try:
                await send(i)
            except TimeoutError:
                latencies.append(TIMEOUT * 1000)
                statuses[0] = statuses.get(0, 0) + 1

        async def send(i: int) -> None:
            response_url = f"{fake_base}/response/{secrets.token_urlsafe(12)}"
            if kind == "help":
                r = await sender.command("help", response_url=response_url)
            elif kind == "note":
                r = await sender.command(
                    f"note load {i}", channel_id=channel, channel_name="inc", response_url=response_url
                )
            elif kind == "declare":
                r = await sender.command(f"declare Load test {i} --sev high", response_url=response_url)
            elif kind == "postmortem":
                r = await sender.command(
                    "postmortem", channel_id=channel, channel_name="inc", response_url=response_url
                )
            elif kind == "resolve":
                r = await sender.command(
                    "resolve rolled back the load", channel_id=channel, channel_name="inc", response_url=response_url
                )
            elif kind == "event":
                r = await sender.event(sender.message(channel, "U0ERIN", f"looking at shard {i}"))
            else:
                raise ValueError(kind)
            latencies.append(r.elapsed * 1000)
            statuses[r.status] = statuses.get(r.status, 0) + 1

        async def worker() -> None:
            nonlocal sent
            while (deadline is None and sent < count) or (deadline is not None and time.perf_counter() < deadline):
                sent += 1
                await one(sent)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - started
    return {"latencies": latencies, "statuses": statuses, "wall": wall}


def run_load(
    core: str | None,
    url: str,
    api_port: int,
    kind: str,
    concurrency: int,
    count: int = 0,
    duration: float = 0.0,
    channel: str = "",
) -> dict[str, Any]:
    cmd = [
        PY,
        str(HERE),
        "--role",
        "load",
        "--url",
        url,
        "--api-port",
        str(api_port),
        "--kind",
        kind,
        "--concurrency",
        str(concurrency),
        "--count",
        str(count),
        "--duration",
        str(duration),
        "--channel",
        channel,
    ]
    if core is not None:
        cmd = ["taskset", "-c", core, *cmd]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=600)
    if out.returncode:
        raise RuntimeError(f"load generator failed ({kind}, c={concurrency}):\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def figures(r: dict[str, Any]) -> dict[str, float]:
    lat = r["latencies"]
    ok = r["statuses"].get("200", r["statuses"].get(200, 0))
    return {
        "n": len(lat),
        "ok": ok,
        "over3s": sum(1 for x in lat if x > 3000),
        "p50": pct(lat, 50),
        "p95": pct(lat, 95),
        "p99": pct(lat, 99),
        "rps": len(lat) / r["wall"] if r["wall"] else 0.0,
    }


# -- alerts arriving while we measure ---------------------------------------------------------------------

ALERT_TOKEN = "bench-alertmanager-token"
ALERTS_YAML = f"""\
alerts:
  triage_channel: C0INCIDENTS
  sources:
    - {{name: prod-alertmanager, type: alertmanager, token: {ALERT_TOKEN}}}
"""


def alertmanager_body(seq: int, critical: bool) -> dict[str, Any]:
    """One Alertmanager webhook notification (version 4) with one firing alert, shaped as a real
    Alertmanager 0.25 sends it (../shared/data/alertmanager): its own group, so each is new."""
    service = f"svc-{seq % 40}"
    labels = {
        "alertname": "HighErrorRate" if critical else "DiskFillingUp",
        "env": "prod",
        "instance": f"10.0.{seq % 7}.{seq % 250}:8080",
        "job": service,
        "service": service,
        "severity": "critical" if critical else "info",
    }
    annotations = {"summary": f"5xx ratio above 5% on {labels['instance']}", "description": f"bench alert {seq}"}
    started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return {
        "receiver": "hikeshi",
        "status": "firing",
        "alerts": [
            {
                "status": "firing",
                "labels": labels,
                "annotations": annotations,
                "startsAt": started,
                "endsAt": "0001-01-01T00:00:00Z",
                "generatorURL": "http://prometheus.example.internal:9090/graph",
                "fingerprint": f"{seq:016x}",
            }
        ],
        "groupLabels": {"alertname": labels["alertname"], "service": service, "seq": str(seq)},
        "commonLabels": labels,
        "commonAnnotations": annotations,
        "externalURL": "http://127.0.0.1:19093",
        "version": "4",
        "groupKey": f'{{}}:{{alertname="{labels["alertname"]}", service="{service}", seq="{seq}"}}',
        "truncatedAlerts": 0,
    }


async def send_alerts(url: str, per_minute: int, seconds: float) -> dict[str, Any]:
    """Alertmanager notifications at ``per_minute`` for ``seconds`` (3 % critical: they declare)."""
    import aiohttp

    interval, total = 60.0 / per_minute, int(per_minute * seconds / 60)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT)) as session:

        async def one(seq: int) -> None:
            body = json.dumps(alertmanager_body(seq, critical=seq % 33 == 5)).encode() + b"\n"
            started = time.perf_counter()
            try:
                async with session.post(
                    url,
                    data=body,
                    headers={"Authorization": f"Bearer {ALERT_TOKEN}", "Content-Type": "application/json"},
                ) as r:
                    await r.read()
                    statuses[r.status] = statuses.get(r.status, 0) + 1
            except TimeoutError:
                statuses[0] = statuses.get(0, 0) + 1
            latencies.append((time.perf_counter() - started) * 1000)

        begin = time.perf_counter()
        sends = []
        for seq in range(total):
            wait = begin + seq * interval - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
            sends.append(asyncio.create_task(one(seq)))
        await asyncio.gather(*sends)
    return {"latencies": latencies, "statuses": statuses, "wall": time.perf_counter() - begin}


def alerts_window(
    procs: Procs, core: str | None, port: int, ours: str, api: int, seconds: float, per_minute: int
) -> dict[str, float]:
    """``help`` at concurrency 10 while Alertmanager notifications arrive at ``per_minute``."""
    cmd = [PY, str(HERE), "--role", "alerts", "--url", f"http://127.0.0.1:{port}/hooks/alertmanager"]
    cmd += ["--per-minute", str(per_minute), "--duration", str(seconds + 3.0)]
    sender = procs.start(cmd, core)
    time.sleep(1.5)  # the first alerts (and the declares among them) are in before we measure
    r = figures(run_load(core, ours, api, "help", 10, duration=seconds))
    sender.wait(120)
    sent = json.loads(procs.tail(sender, 2_000_000).strip().splitlines()[-1])
    r["alert_n"] = len(sent["latencies"])
    r["alert_p99"] = pct(sent["latencies"], 99)
    r["alert_202"] = sent["statuses"].get("202", 0)
    procs.stop(sender)
    return r


# -- seeding for the under-load figures -------------------------------------------------------------------


def seed_timeline(db_path: Path, channel: str, n: int) -> None:
    """Add n note entries to the incident of ``channel``, straight into the SQLite file (their sequence
    numbers start well above the current ones: notes still being written keep theirs)."""
    import sqlite3

    con = sqlite3.connect(db_path)
    (incident_id,) = con.execute("SELECT id FROM incidents WHERE channel_id = ?", (channel,)).fetchone()
    (top,) = con.execute(
        "SELECT COALESCE(MAX(seq), 0) FROM timeline_entries WHERE incident_id = ?", (incident_id,)
    ).fetchone()
    base = datetime.now(UTC) - timedelta(hours=2)
    cols = [r[1] for r in con.execute("PRAGMA table_info(timeline_entries)")]
    rows = []
    for i in range(n):
        at = (base + timedelta(milliseconds=50 * i)).strftime("%Y-%m-%d %H:%M:%S.%f")
        row = {
            "incident_id": incident_id,
            "seq": top + 10_000 + i,
            "occurred_at": at,
            "recorded_at": at,
            "kind": "note",
            "text": f"Checked replica {i % 17}: lag {i % 900} ms, pool {i % 64}/64",
            "actor": "U0ALICE",
            "source": "command",
            "files": "[]",
            "data": "{}",
            "deleted": 0,
            "amended": 0,
        }
        rows.append(tuple(row.get(c) for c in cols if c != "id"))
    names = [c for c in cols if c != "id"]
    con.executemany(
        f"INSERT INTO timeline_entries ({','.join(names)}) VALUES ({','.join('?' * len(names))})",  # noqa: S608
        rows,
    )
    con.commit()
    con.close()


async def seed_kb(database_url: str, n: int) -> None:
    from bench.bench_kb_latency import synthetic
    from storage.database import create_engine, normalize_database_url
    from storage.knowledge import SqlKnowledgeStore
    from storage.migrate import upgrade

    upgrade(normalize_database_url(database_url))
    engine = create_engine(normalize_database_url(database_url))
    entries = synthetic(n)
    # Stored with embeddings, as an import leaves them (random vectors: query and build time
    # do not depend on what the vectors hold, and embedding 20k texts here would take minutes).
    import numpy as np

    from knowledge.dense import DIMENSIONS, pack

    vectors = [pack(v) for v in np.random.default_rng(7).standard_normal((256, DIMENSIONS))]
    for i, entry in enumerate(entries):
        entry.embedding = vectors[i % len(vectors)]
    await SqlKnowledgeStore(engine).insert_many(entries, datetime.now(UTC))
    await engine.dispose()


# -- orchestration --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--role", default="run", choices=["run", "floor", "load", "alerts"])
    parser.add_argument("--count", type=int, default=1000, help="requests per kind and concurrency")
    parser.add_argument("--declares", type=int, default=150, help="declares per concurrency")
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--kinds", nargs="+", default=["help", "note", "event", "declare"])
    parser.add_argument("--under-load-seconds", type=float, default=6.0)
    parser.add_argument("--per-minute", type=int, default=1000, help="Alertmanager notifications a minute (under load)")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument(
        "--only-kb", action="store_true", help="only idle and 'kb index 20k' under load (prints, never writes)"
    )
    # internal roles
    parser.add_argument("--port", type=int)
    parser.add_argument("--api-port", type=int)
    parser.add_argument("--inline", action="store_true")
    parser.add_argument("--url")
    parser.add_argument("--kind")
    parser.add_argument("--concurrency", type=int)
    parser.add_argument("--duration", type=float, default=0.0)
    parser.add_argument("--channel", default="")
    args = parser.parse_args()
    if args.role == "floor":
        serve_floor(args.port, args.api_port, args.inline)
        return
    if args.role == "alerts":
        print(json.dumps(asyncio.run(send_alerts(args.url, args.per_minute, args.duration))))
        return
    if args.role == "load":
        res = asyncio.run(
            generate(
                args.url,
                f"http://127.0.0.1:{args.api_port}",
                args.kind,
                args.concurrency,
                args.count,
                args.duration,
                args.channel,
            )
        )
        print(json.dumps(res))
        return
    orchestrate(args)


def orchestrate(args: argparse.Namespace) -> None:
    args.started_load = load_average()
    server_core, load_core = cores()
    results: dict[tuple[str, int], dict[str, float]] = {}
    under: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp, Procs() as procs:
        team = Path(tmp) / "team.yaml"
        team.write_text(TEAM_YAML + ALERTS_YAML)
        api, control = start_fake(procs, load_core)
        db = Path(tmp) / "hikeshi.db"
        server, port, _ = start_hikeshi(procs, server_core, api, f"sqlite:///{db}", team)
        ours = f"http://127.0.0.1:{port}/slack/events"
        run_load(load_core, ours, api, "declare", 1, count=1)
        time.sleep(1.0)
        channel = fake_state(control)["channels"][-1]
        floors: dict[str, tuple[str, Any]] = {}
        for name, inline in (("floor inline", True), ("floor default", False)):
            fport = free_port()
            cmd = [PY, str(HERE), "--role", "floor", "--port", str(fport), "--api-port", str(api)]
            p = procs.start([*cmd, "--inline"] if inline else cmd, server_core)
            wait_port(fport)
            floors[name] = (f"http://127.0.0.1:{fport}/slack/events", p)
        for level in [] if args.only_kb else args.levels:
            for name, kind, url, n in (
                ("floor inline", "help", floors["floor inline"][0], args.count),
                ("floor default", "help", floors["floor default"][0], args.count),
                ("hikeshi", "help", ours, args.count),
                ("hikeshi", "note", ours, args.count),
                ("hikeshi", "event", ours, args.count),
                ("hikeshi", "declare", ours, args.declares),
            ):
                if name == "hikeshi" and kind not in args.kinds:
                    continue
                r = figures(run_load(load_core, url, api, kind, level, count=n, channel=channel))
                results[(f"{name} {kind}", level)] = r
                print(
                    f"c={level:<3} {name:14} {kind:8} n={r['n']:<5} ok={r['ok']:<5} p50 {r['p50']:6.2f} ms  "
                    f"p95 {r['p95']:6.2f}  p99 {r['p99']:6.2f}  {r['rps']:7.1f} req/s",
                    flush=True,
                )
            time.sleep(2.0)  # let declares' background work finish before the next level
        for _, p in floors.values():
            procs.stop(p)
        # Under load, at concurrency 10: idle first, then during a 100k-entry export.
        under["idle"] = figures(run_load(load_core, ours, api, "help", 10, duration=args.under_load_seconds))
        try:
            if args.only_kb:
                raise RuntimeError("skipped (--only-kb)")
            under[f"alerts {args.per_minute:,}/min"] = alerts_window(
                procs, load_core, port, ours, api, args.under_load_seconds, args.per_minute
            )
            time.sleep(3.0)  # the declares among them finish their channels and pages
        except Exception as exc:
            print(f"alerts under load failed: {exc!r}", file=sys.stderr)
        try:
            if args.only_kb:
                raise RuntimeError("skipped (--only-kb)")
            seed_timeline(db, channel, 100_000)
            under["export 100k"] = export_window(load_core, ours, api, channel, control, args.under_load_seconds)
            under["export 100k"]["server_rss"] = rss_mib(server.pid)
            under["export 100k"]["worker_rss"] = sum(rss_mib(pid) for pid in descendants(server.pid))
        except Exception as exc:  # keep the figures measured so far
            print(f"export under load failed: {exc!r}", file=sys.stderr)
        # A fresh server over a database holding 20k knowledge entries: its index builds at start-up.
        # The control: a fresh server over an empty knowledge base, measured the same way.
        try:
            _, fresh_port, _ = start_hikeshi(procs, server_core, api, f"sqlite:///{Path(tmp) / 'fresh.db'}", team)
            under["fresh, empty KB"] = figures(
                run_load(
                    load_core,
                    f"http://127.0.0.1:{fresh_port}/slack/events",
                    api,
                    "help",
                    10,
                    duration=args.under_load_seconds,
                )
            )
        except Exception as exc:
            print(f"fresh server under load failed: {exc!r}", file=sys.stderr)
        try:
            kb_db = Path(tmp) / "kb.db"
            asyncio.run(seed_kb(f"sqlite:///{kb_db}", 20_000))
            _, kb_port, _ = start_hikeshi(procs, server_core, api, f"sqlite:///{kb_db}", team)
            kb_url = f"http://127.0.0.1:{kb_port}/slack/events"
            under["kb index 20k"] = figures(
                run_load(load_core, kb_url, api, "help", 10, duration=args.under_load_seconds)
            )
        except Exception as exc:
            print(f"KB index under load failed: {exc!r}", file=sys.stderr)
    for name, r in under.items():
        print(
            f"c=10  hikeshi help, {name:14} n={r['n']:<5} p50 {r['p50']:6.2f} ms  p95 {r['p95']:6.2f}  "
            f"p99 {r['p99']:6.2f}  {r['rps']:7.1f} req/s"
            + (f"  alerts sent {r['alert_n']:.0f}, 202: {r['alert_202']:.0f}" if "alert_n" in r else "")
        )
    if args.only_kb and not args.no_write:
        write_section("ack_kb", render_kb(under))
    if not args.no_write and not args.only_kb:
        write_section("ack", render(args, results, under, server_core, load_core))


def export_window(
    core: str | None, ours: str, api: int, channel: str, control: int, seconds: float
) -> dict[str, float]:
    """Fire ``/incident postmortem`` in the 100k channel, then load ``help`` while it runs.

    A postmortem is only written for a resolved incident: the incident is resolved first, and
    the postmortem that resolving writes (the same 100k export) is waited for, outside the window."""
    import threading

    before = fake_state(control)["n_calls"]
    run_load(core, ours, api, "resolve", 1, count=1, channel=channel)
    wait_upload(control, before, "the postmortem written on resolution")

    def trigger() -> None:
        run_load(core, ours, api, "postmortem", 1, count=1, channel=channel)

    before = fake_state(control)["n_calls"]
    started = time.perf_counter()
    t = threading.Thread(target=trigger)
    t.start()
    time.sleep(0.3)
    r = figures(run_load(core, ours, api, "help", 10, duration=seconds))
    t.join()
    # The export ends with the file upload: wait for it, so the next figure is not measured under it.
    wait_upload(control, before, "the regenerated postmortem")
    r["export_s"] = time.perf_counter() - started
    return r


def render_kb(under: dict[str, dict[str, float]]) -> str:
    """The ``--only-kb`` section: help p99 while a 20k knowledge index builds, against idle."""
    idle = under["idle"]["p99"]
    rows = []
    for name, r in under.items():
        ratio = r["p99"] / idle
        target = "" if name == "idle" else ("≤ 1.5× ✔" if ratio <= 1.5 else "≤ 1.5× ✘")
        rows.append(
            [
                name,
                str(int(r["n"])),
                *(f"{r[k]:.2f}" for k in ("p50", "p95", "p99")),
                f"{r['rps']:.0f}",
                f"{ratio:.2f}",
                target,
            ]
        )
    return "\n\n".join(
        [
            "## Ack while the knowledge index builds — `.venv/bin/python bench/bench_ack.py --only-kb`",
            stamp(),
            "`/incident help` at concurrency 10 against `hikeshi serve` (SQLite), server on core 0, load "
            "generator and stand-in on core 1, latency in ms. *idle*: the warm server. *fresh, empty KB*: a "
            "freshly started server over an empty knowledge base (the control: start-up alone). *kb index 20k*: "
            "a freshly started server over 20,000 stored entries with embeddings, whose index builds at start-up: "
            "rows streamed in partitions, postings built in the forkserver worker at nice 19 (inheriting the "
            "server's core), the embedding matrix in chunks. Before this change every request timed out (10 s) "
            "in this case. Ratio = p99 / idle p99.",
            table(["while", "requests", "p50", "p95", "p99", "req/s", "ratio", "target"], rows),
        ]
    )


def wait_upload(control: int, since: int, what: str, timeout: float = 180.0) -> None:
    """Until the stand-in has seen both files of a postmortem uploaded after call ``since``."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        calls = fake_state(control, since)["calls"]
        if sum(c["method"] == "files.completeUploadExternal" for c in calls) >= 2:
            return
        time.sleep(0.2)
    raise TimeoutError(f"{what} was not uploaded within {timeout:.0f} s")


def render(
    args: argparse.Namespace,
    results: dict[tuple[str, int], dict[str, float]],
    under: dict[str, dict[str, float]],
    server_core: str | None,
    load_core: str | None,
) -> str:
    rows = []
    misses = []
    for level in args.levels:
        floor = results[("floor inline help", level)]["p99"]
        for key in (
            "floor inline help",
            "floor default help",
            "hikeshi help",
            "hikeshi note",
            "hikeshi event",
            "hikeshi declare",
        ):
            if (key, level) not in results:
                continue
            r = results[(key, level)]
            ratio = r["p99"] / floor if floor else float("nan")
            target = "" if key.startswith("floor") else ("≤ 2× ✔" if ratio <= 2 else "≤ 2× ✘")
            if target.endswith("✘"):
                misses.append(f"{key} at concurrency {level}: p99 {r['p99']:.1f} ms = {ratio:.2f}× the inline floor")
            rows.append(
                [
                    str(level),
                    key,
                    f"{r['n']:.0f} ({r['ok']:.0f} ok, {r.get('over3s', '?')} > 3 s)",
                    f"{r['p50']:.2f}",
                    f"{r['p95']:.2f}",
                    f"{r['p99']:.2f}",
                    f"{r['rps']:.0f}",
                    f"{ratio:.2f}",
                    target,
                ]
            )
    idle = under["idle"]["p99"]
    urows = []
    for name, r in under.items():
        ratio = r["p99"] / idle if idle else float("nan")
        target = "" if name == "idle" else ("≤ 1.5× ✔" if ratio <= 1.5 else "≤ 1.5× ✘")
        if target.endswith("✘"):
            misses.append(f"help p99 while {name}: {r['p99']:.1f} ms = {ratio:.2f}× our idle p99")
        label = f"{name} (export took {r['export_s']:.1f} s)" if "export_s" in r else name
        if "worker_rss" in r:
            label = (
                f"{name} (export took {r['export_s']:.1f} s; RSS after: server {r['server_rss']:.0f} MiB, "
                f"export worker and its forkserver {r['worker_rss']:.0f} MiB)"
            )
        if "alert_n" in r:
            label = (
                f"{name} ({r['alert_n']:.0f} notifications, {r['alert_202']:.0f} × 202, "
                f"intake p99 {r['alert_p99']:.0f} ms)"
            )
        urows.append(
            [
                label,
                f"{r['n']:.0f}",
                f"{r['p50']:.2f}",
                f"{r['p95']:.2f}",
                f"{r['p99']:.2f}",
                f"{r['rps']:.0f}",
                f"{ratio:.2f}",
                target,
            ]
        )
    pin = (
        f"server and floors on core {server_core}, stand-in and load generator on core {load_core}"
        if server_core is not None
        else "not pinned (one core or no taskset)"
    )
    parts = [
        "## Ack latency — `.venv/bin/python bench/bench_ack.py`",
        stamp(),
        f"Load average at the start: {args.started_load} (1 / 5 / 15 min). "
        f"`hikeshi serve` on SQLite (WAL) against the stand-in, {pin}. {args.count} requests per kind and "
        f"level ({args.declares} declares), latency = request sent → answer read at the load generator, in ms. "
        "Floors in the same run, interleaved per level: bare slack-bolt `AsyncApp` acking `/incident` inline "
        "(`process_before_response=True`) and in Bolt's default mode. Ratio = p99 / inline-floor p99.",
        table(["concurrency", "server · kind", "requests", "p50", "p95", "p99", "req/s", "ratio", "target"], rows),
        f"Under load, concurrency 10, `help` for {args.under_load_seconds:.0f} s each; ratio = p99 / our idle p99. "
        f"*alerts {args.per_minute:,}/min*: Alertmanager webhook notifications (version 4, one new group each, "
        "1 in 33 critical, which declares an incident; the rest `info`, posted to triage) POSTed to "
        "`/hooks/alertmanager` from another process on the load core, starting 1.5 s before the window. "
        "*export 100k*: `/incident postmortem` in an incident with 100,000 timeline entries (regenerates the "
        "Markdown and the XLSX, both built in the export worker process). *kb index 20k*: a freshly started "
        "server whose knowledge index builds over 20,000 entries in a thread at start-up.",
        table(["while", "requests", "p50", "p95", "p99", "req/s", "ratio", "target"], urows),
    ]
    parts.append("Missed: " + ("; ".join(misses) + "." if misses else "none."))
    return "\n\n".join(parts)


if __name__ == "__main__":
    main()
