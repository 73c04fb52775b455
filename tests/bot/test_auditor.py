"""The audit cycle: re-armed deadlines counted, gauges refreshed, the heartbeat pinged only after a
cycle that succeeded, a failed ping one warning and never fatal."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp import web
from pydantic import SecretStr

from bot.auditor import Auditor
from bot.container import HttpSessions
from bot.metrics import Metrics
from escalation.null import NoEscalation
from incident.clock import FakeClock


class Rearming(NoEscalation):
    def __init__(self, found: list[int | Exception]) -> None:
        self.found = found

    async def audit(self) -> int:
        result = self.found.pop(0)
        if isinstance(result, Exception):
            raise result
        return result


@pytest.fixture
async def monitor() -> AsyncIterator[tuple[str, list[int]]]:
    """A healthchecks-style receiver: answers each ping with the next status of ``statuses``."""
    statuses: list[int] = []

    async def ping(_: web.Request) -> web.Response:
        return web.Response(status=statuses.pop(0) if statuses else 200)

    app = web.Application()
    app.router.add_get("/ping/abc", ping)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}/ping/abc", statuses
    finally:
        await runner.cleanup()


def sample(metrics: Metrics, name: str, **labels: str) -> float | None:
    return metrics.registry.get_sample_value(name, labels)


async def test_a_cycle_counts_what_it_rearmed_and_pings_only_when_it_succeeded(
    monitor: tuple[str, list[int]], caplog: pytest.LogCaptureFixture
) -> None:
    url, statuses = monitor
    clock = FakeClock()
    metrics = Metrics()
    refreshed: list[bool] = []

    async def refresh() -> None:
        refreshed.append(True)

    http = HttpSessions()
    auditor = Auditor(
        escalation=Rearming([2, RuntimeError("database away"), 0, 0]),
        metrics=metrics,
        refresh=refresh,
        clock=clock,
        http=http,
        interval=60,
        heartbeat_url=SecretStr(url),
        drive_wall_clock=False,
    )
    try:
        assert await auditor.run_once()
        assert sample(metrics, "hikeshi_audit_rearmed_total") == 2
        assert sample(metrics, "hikeshi_heartbeat_last_success_timestamp_seconds") == clock.now().timestamp()
        first = clock.now().timestamp()

        clock.advance(timedelta(seconds=60))
        assert not await auditor.run_once()  # the audit failed: no ping, the timestamp stays
        assert sample(metrics, "hikeshi_audit_cycles_total", outcome="failed") == 1
        assert sample(metrics, "hikeshi_heartbeat_last_success_timestamp_seconds") == first

        statuses.append(500)
        clock.advance(timedelta(seconds=60))
        caplog.clear()
        assert not await auditor.run_once()  # the monitor answered 500: one warning, nothing raised
        assert [r.getMessage() for r in caplog.records] == ["heartbeat ping failed (HTTP 500)"]
        assert url not in caplog.text
        assert sample(metrics, "hikeshi_heartbeat_ping_failures_total") == 1

        clock.advance(timedelta(seconds=60))
        assert await auditor.run_once()
        assert sample(metrics, "hikeshi_heartbeat_last_success_timestamp_seconds") == clock.now().timestamp()
        assert sample(metrics, "hikeshi_audit_cycles_total", outcome="ok") == 3
        assert len(refreshed) == 3
    finally:
        await http.close()


async def test_an_unreachable_monitor_is_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    http = HttpSessions()
    metrics = Metrics()

    async def refresh() -> None:
        return None

    auditor = Auditor(
        escalation=NoEscalation(),
        metrics=metrics,
        refresh=refresh,
        clock=FakeClock(),
        http=http,
        interval=60,
        heartbeat_url=SecretStr("http://127.0.0.1:9/ping/secret-uuid"),
        drive_wall_clock=False,
    )
    try:
        assert not await auditor.run_once()
    finally:
        await http.close()
    assert [r.levelname for r in caplog.records] == ["WARNING"]
    assert "secret-uuid" not in caplog.text
