"""Process plumbing shared by the HTTP benches: the Slack stand-in, `hikeshi serve`, load, pinning.

Every load goes to 127.0.0.1 only, is bounded in count or seconds, and every process started
here is stopped by the ``Procs`` that started it (by its own pid, never by name).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
HIKESHI = str(Path(PY).parent / "hikeshi")
SECRET = "local-stand-in-signing-secret"
TOKEN = "xoxb-local-stand-in"
TEAM_YAML = """\
announcement_channel: C0INCIDENTS
roster:
  levels:
    level1: {members: [U0BOB]}
    level2: {members: [U0CAROL]}
    level3: {members: [U0FRANK]}
"""


def cores() -> tuple[str | None, str | None]:
    """(server core, load core) for taskset, or (None, None) on a one-core machine or without taskset."""
    avail = sorted(os.sched_getaffinity(0))
    if len(avail) < 2 or shutil.which("taskset") is None:
        return None, None
    return str(avail[0]), str(avail[1])


def pinned(cmd: list[str], core: str | None) -> list[str]:
    return ["taskset", "-c", core, *cmd] if core is not None else cmd


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout: float = 60.0) -> float:
    """Seconds until something accepts on 127.0.0.1:port."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return time.perf_counter() - start
        except OSError:
            time.sleep(0.01)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


def wait_http(url: str, timeout: float = 60.0) -> float:
    """Seconds until GET url answers 200."""
    import urllib.request

    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            with urllib.request.urlopen(url, timeout=0.5) as r:  # noqa: S310 - loopback only
                if r.status == 200:
                    return time.perf_counter() - start
        except OSError:
            pass
        time.sleep(0.005)
    raise TimeoutError(f"{url} did not answer 200 after {timeout}s")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (its children, theirs, …), from /proc."""
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*/children"):
            try:
                kids = [int(k) for k in task.read_text().split()]
            except OSError:
                continue
            found += kids
            todo += kids
    return found


class Procs:
    """Starts helper processes and stops exactly those, in reverse order."""

    def __init__(self) -> None:
        self.started: list[subprocess.Popen[bytes]] = []
        self.logs: dict[int, Path] = {}
        self._dir = Path(tempfile.mkdtemp(prefix="hikeshi-bench-"))

    def start(self, cmd: list[str], core: str | None, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        # Output goes to a file: an unread pipe fills up and blocks the server on its next log line.
        log = self._dir / f"{len(self.logs)}.log"
        with log.open("wb") as out:
            p = subprocess.Popen(
                pinned(cmd, core), env={**os.environ, **(env or {})}, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
            )
        self.logs[p.pid] = log
        self.started.append(p)
        return p

    def tail(self, p: subprocess.Popen[bytes], chars: int = 2000) -> str:
        return self.logs[p.pid].read_text(errors="replace")[-chars:]

    def stop(self, p: subprocess.Popen[bytes]) -> None:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        if p in self.started:
            self.started.remove(p)

    def close(self) -> None:
        for p in reversed(list(self.started)):
            self.stop(p)
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> Procs:
        # A SIGTERM to the bench unwinds through __exit__, so its helpers stop with it.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def start_fake(procs: Procs, core: str | None, delay_ms: float = 0.0) -> tuple[int, int]:
    """The Slack stand-in in its own process: (API port, control port)."""
    api, control = free_port(), free_port()
    procs.start([PY, str(ROOT / "bench" / "procs.py"), "fake", str(api), str(control), str(delay_ms)], core)
    wait_port(control)
    return api, control


def start_hikeshi(
    procs: Procs, core: str | None, api_port: int, database_url: str, team_yaml: Path
) -> tuple[subprocess.Popen[bytes], int, float]:
    """`hikeshi serve` on loopback: (process, port, seconds to /readyz)."""
    port = free_port()
    env = {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": f"http://127.0.0.1:{api_port}/api/",
        "DATABASE_URL": database_url,
        "HIKESHI_CONFIG": str(team_yaml),
    }
    start = time.perf_counter()
    p = procs.start([HIKESHI, "serve", "--host", "127.0.0.1", "--port", str(port)], core, env)
    try:
        wait_http(f"http://127.0.0.1:{port}/readyz", 120)
    except TimeoutError:
        procs.stop(p)
        raise RuntimeError(procs.tail(p)) from None
    return p, port, time.perf_counter() - start


def fake_state(control_port: int, since: int = 0) -> dict[str, Any]:
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{control_port}/state?since={since}", timeout=5) as r:
        return json.loads(r.read())


# -- the stand-in's own process --------------------------------------------------------------------


async def _serve_fake(api_port: int, control_port: int, delay_ms: float) -> None:
    from aiohttp import web

    sys.path.insert(0, str(ROOT))
    from bot.local_stack import ANNOUNCE_CHANNEL, PEOPLE
    from fakeslack.server import FakeSlack

    fake = FakeSlack(port=api_port)
    await fake.start()
    for user_id, name, real_name, tz, locale in PEOPLE:
        fake.add_user(user_id, name, real_name=real_name, tz=tz, locale=locale)
    everyone = [p[0] for p in PEOPLE]
    fake.add_channel("general", members=everyone)
    fake.add_channel("incidents", members=everyone, channel_id=ANNOUNCE_CHANNEL)
    if delay_ms:
        fake.delay("*", delay_ms / 1000)

    async def state(request: web.Request) -> web.Response:
        since = int(request.query.get("since", "0"))
        calls = [
            {
                "method": c.method,
                "at": c.at.timestamp(),
                "channel": str(c.args.get("channel", "")),
                "text": str(c.args.get("text", ""))[:80],
            }
            for c in fake.calls[since:]
        ]
        channels = [c["id"] for c in fake.channels() if c["id"].startswith("C") and c["id"] != ANNOUNCE_CHANNEL]
        return web.json_response(
            {"calls": calls, "n_calls": len(fake.calls), "channels": channels, "responses": len(fake.responses)}
        )

    app = web.Application()
    app.router.add_get("/state", state)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", control_port).start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()
    await fake.stop()


if __name__ == "__main__" and len(sys.argv) >= 4 and sys.argv[1] == "fake":
    asyncio.run(_serve_fake(int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]) if len(sys.argv) > 4 else 0.0))
