"""Footprint: `hikeshi serve` start-up to /readyz and idle RSS, SQLite and PostgreSQL, empty and with 10k KB entries.

    .venv/bin/python bench/bench_footprint.py [--kb 10000] [--settle 15] [--no-write]

Each case starts a fresh `hikeshi serve` process (migrations included, as in production) against
the Slack stand-in in its own process. Start-up = process start → first 200 from /readyz. RSS is
read from /proc at /readyz and again after ``--settle`` seconds idle (by then the knowledge index,
built beside serving, is done). Floor: a bare Python process importing nothing (its RSS), and the
bare slack-bolt floor app of bench_ack (time to listen, RSS).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy import text

from bench.procs import PY, TEAM_YAML, Procs, cores, free_port, rss_mib, start_fake, start_hikeshi, wait_port
from bench.results import stamp, table, write_section

PG_URL = "postgresql://root@127.0.0.1:5432/test"
HERE = Path(__file__).resolve()


def database(kind: str, tmp: Path) -> tuple[str, object]:
    from storage.database import normalize_database_url

    if kind == "sqlite":
        return f"sqlite:///{tmp / f'fp-{uuid.uuid4().hex[:6]}.db'}", None
    schema = f"bench_fp_{uuid.uuid4().hex[:8]}"
    sync = create_sync_engine(normalize_database_url(PG_URL).sync_url)
    with sync.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    return f"{PG_URL}?schema={schema}", (sync, schema)


def drop(handle: object) -> None:
    if handle is None:
        return
    sync, schema = handle  # type: ignore[misc]
    with sync.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    sync.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=int, default=10_000)
    parser.add_argument("--settle", type=float, default=15.0)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    from bench.bench_ack import seed_kb

    server_core, load_core = cores()
    rows = []
    with tempfile.TemporaryDirectory() as tmp, Procs() as procs:
        team = Path(tmp) / "team.yaml"
        team.write_text(TEAM_YAML)
        api, _ = start_fake(procs, load_core)
        # Floors: a bare interpreter, and the bare Bolt app.
        bare = procs.start([PY, "-c", "import time; time.sleep(30)"], server_core)
        time.sleep(0.5)
        bare_rss = rss_mib(bare.pid)
        procs.stop(bare)
        fport = free_port()
        t = time.perf_counter()
        bolt = procs.start(
            [
                PY,
                str(HERE.parent / "bench_ack.py"),
                "--role",
                "floor",
                "--port",
                str(fport),
                "--api-port",
                str(api),
                "--inline",
            ],
            server_core,
        )
        wait_port(fport)
        bolt_start = time.perf_counter() - t
        time.sleep(1)
        bolt_rss = rss_mib(bolt.pid)
        procs.stop(bolt)
        rows.append(["floor: bare python", "—", "—", f"{bare_rss:.0f}", "—"])
        rows.append(["floor: bare Bolt app", "—", f"{bolt_start:.2f} s (listening)", f"{bolt_rss:.0f}", "—"])
        for kind in ("sqlite", "postgres"):
            for kb in (0, args.kb):
                url, handle = database(kind, Path(tmp))
                try:
                    if kb:
                        asyncio.run(seed_kb(url, kb))
                    p, _, startup = start_hikeshi(procs, server_core, api, url, team)
                    at_ready = rss_mib(p.pid)
                    time.sleep(args.settle)
                    idle = rss_mib(p.pid)
                    procs.stop(p)
                finally:
                    drop(handle)
                name = "SQLite" if kind == "sqlite" else "PostgreSQL"
                rows.append(
                    [
                        f"hikeshi serve, {name}",
                        f"{kb:,}",
                        f"{startup:.2f} s",
                        f"{at_ready:.0f}",
                        f"{idle:.0f} ({idle / bolt_rss:.1f}× Bolt)",
                    ]
                )
                print(rows[-1], flush=True)
    header = [
        "process",
        "KB entries",
        "start-up to /readyz",
        "RSS at ready (MiB)",
        f"idle RSS after {args.settle:.0f} s",
    ]
    print(table(header, rows))
    if args.no_write:
        return
    body = "\n\n".join(
        [
            "## Footprint — `.venv/bin/python bench/bench_footprint.py`",
            stamp(),
            "A fresh `hikeshi serve` per case (migrations run at start-up, as in production), the stand-in in its own "
            "process. The knowledge index builds beside serving, so /readyz does not wait for it; the idle figure "
            "is taken after it finished. No target is set for these; the Bolt app is the floor for comparison.",
            table(header, rows),
        ]
    )
    write_section("footprint", body)


if __name__ == "__main__":
    main()
