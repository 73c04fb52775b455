"""A real Alertmanager (Debian ``prometheus-alertmanager``) on loopback, pointed at the bot.

Once with a ``webhook_configs`` receiver, once with ``opsgenie_configs`` and ``api_url`` at the
bot's Opsgenie-compatible API: an alert posted to Alertmanager declares an incident and pages
level1; resolving it records the recovery. The test starts and stops its own process by pid.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.local_stack import LocalStack
from tests.alerts.conftest import AM_TOKEN, GENIE_KEY, paged_users

BINARY = shutil.which("prometheus-alertmanager")
pytestmark = pytest.mark.skipif(
    BINARY is None and os.environ.get("CI") != "true",
    reason="prometheus-alertmanager is not installed (.ci/run installs it)",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _receiver(kind: str, bot_url: str) -> str:
    if kind == "webhook":
        return f"""
  webhook_configs:
  - url: {bot_url}/hooks/alertmanager
    send_resolved: true
    http_config:
      authorization:
        type: Bearer
        credentials: {AM_TOKEN}
"""
    return f"""
  opsgenie_configs:
  - api_url: {bot_url}/opsgenie/
    api_key: {GENIE_KEY}
    priority: P1
    send_resolved: true
    update_alerts: true
    tags: 'service={{{{ .CommonLabels.service }}}}'
"""


def _launch(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603 - our own arguments


def _stop(process: subprocess.Popen[bytes]) -> None:
    os.kill(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()


async def _start_alertmanager(tmp: Path, kind: str, bot_url: str) -> tuple[subprocess.Popen[bytes], str]:
    assert BINARY is not None
    config = tmp / "alertmanager.yml"
    config.write_text(
        f"""global:
  resolve_timeout: 5m
route:
  receiver: hikeshi
  group_by: ['alertname', 'service']
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
receivers:
- name: hikeshi
{_receiver(kind, bot_url)}""",
        encoding="utf-8",
    )
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    process = _launch(
        [
            BINARY,
            f"--config.file={config}",
            f"--storage.path={tmp / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            f"--web.external-url={url}",
            "--cluster.listen-address=",  # no HA gossip listener on 0.0.0.0:9094
        ],
        tmp / "am.log",
    )
    async with aiohttp.ClientSession() as session:
        for _ in range(100):
            try:
                async with session.get(f"{url}/-/ready") as response:
                    if response.status == 200:
                        return process, url
            except aiohttp.ClientError:
                pass
            if process.poll() is not None:
                break
            await asyncio.sleep(0.1)
    _stop(process)
    raise AssertionError("Alertmanager did not start: " + (tmp / "am.log").read_text(errors="replace")[-2000:])


@pytest.fixture
async def alertmanager(tmp_path: Path) -> AsyncIterator[Callable[[str, str], Awaitable[str]]]:
    started: list[subprocess.Popen[bytes]] = []

    async def start(kind: str, bot_url: str) -> str:
        process, url = await _start_alertmanager(tmp_path, kind, bot_url)
        started.append(process)
        return url

    yield start
    for process in started:
        _stop(process)


async def _post_alert(am_url: str, labels: dict[str, str], starts: datetime, ends: datetime | None = None) -> None:
    alert: dict[str, Any] = {
        "labels": labels,
        "annotations": {"summary": "checkout 5xx above 5%", "description": "HTTP 504 from the payment gateway"},
        "generatorURL": "http://prometheus.example.internal:9090/graph?g0.expr=checkout_5xx",
        "startsAt": starts.isoformat().replace("+00:00", "Z"),
    }
    if ends is not None:
        alert["endsAt"] = ends.isoformat().replace("+00:00", "Z")
    async with aiohttp.ClientSession() as session, session.post(f"{am_url}/api/v2/alerts", json=[alert]) as response:
        assert response.status == 200, await response.text()


async def _until(stack: LocalStack, check: Callable[[], Awaitable[bool]], seconds: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        await stack.settle()
        if await check():
            return
        await asyncio.sleep(0.2)
    raise AssertionError("timed out waiting for the bot")


@pytest.mark.parametrize("kind", ["webhook", "opsgenie"])
@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
async def test_real_alertmanager_declares_pages_and_recovers(
    stack: LocalStack, alertmanager: Callable[[str, str], Awaitable[str]], kind: str
) -> None:
    am_url = await alertmanager(kind, stack.bot.url)
    labels = {"alertname": "CheckoutHigh5xx", "service": "checkout", "instance": "web-1:8080", "severity": "critical"}
    starts = datetime.now(UTC) - timedelta(seconds=60)  # older than group_wait: sent at once
    await _post_alert(am_url, labels, starts)

    async def declared() -> bool:
        return bool(await stack.services.store.list_open()) and paged_users(stack) == ["U0BOB"]

    await _until(stack, declared)
    [incident] = await stack.services.store.list_open()
    assert incident.severity == "critical" and "CheckoutHigh5xx" in incident.title

    await _post_alert(am_url, labels, starts, ends=datetime.now(UTC))

    async def recovered() -> bool:
        return any(e.kind == "recovery" for e in await stack.services.store.entries(incident.id))

    await _until(stack, recovered)
    assert paged_users(stack) == ["U0BOB"]
    assert len(await stack.services.store.list_open()) == 1
