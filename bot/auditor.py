"""The audit cycle: every ``HIKESHI_AUDIT_INTERVAL`` seconds, on every replica.

Each cycle asks escalation to re-arm what an incident still being paged is missing (counted
in a metric), refreshes the gauges read from the database, and, when the cycle succeeded,
pings the heartbeat URL: an outside monitor that stops hearing it pages a human, because
then Hikeshi's own pager may have stopped. A failed ping is one warning line, never fatal.
Only a bot that drives the wall clock runs the cycle by itself; with an injected fake clock
(tests, the demo) ``run_once`` is called directly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

import aiohttp
from pydantic import SecretStr

from bot.metrics import Metrics
from escalation.service import Escalation
from incident.clock import Clock

log = logging.getLogger(__name__)

PING_TIMEOUT = 10.0  # seconds; a heartbeat receiver that hangs must not hold the next cycle
KEEP_DONE = timedelta(days=7)  # fired or cancelled rows kept this long (what happened, for an operator)


class Auditor:
    def __init__(
        self,
        *,
        escalation: Escalation,
        metrics: Metrics,
        refresh: Callable[[], Awaitable[None]],
        clock: Clock,
        http: Callable[[], aiohttp.ClientSession],
        interval: float,
        heartbeat_url: SecretStr | None,
        drive_wall_clock: bool,
        prune: Callable[[datetime], Awaitable[int]] | None = None,
    ) -> None:
        self._prune = prune  # forgets deadline and outbox rows done long ago
        self._escalation = escalation
        self._metrics = metrics
        self.refresh_gauges = refresh  # also called at scrape time by GET /metrics
        self._clock = clock
        self._http = http
        self._interval = interval
        self._heartbeat = heartbeat_url
        self._drive = drive_wall_clock
        self._loop: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._drive and self._loop is None:
            self._loop = asyncio.create_task(self._run(), name="audit-cycle")

    async def stop(self) -> None:
        if self._loop is not None:
            self._loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop
            self._loop = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            await self.run_once()

    async def run_once(self) -> bool:
        """One cycle; True when it succeeded (and the heartbeat, if any, was pinged)."""
        try:
            rearmed = await self._escalation.audit()
            await self.refresh_gauges()
            if self._prune is not None:
                await self._prune(self._clock.now() - KEEP_DONE)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self._metrics.audited(0, ok=False)
            log.warning("audit cycle failed: %s: %s", type(exc).__name__, str(exc).splitlines()[0] if str(exc) else "")
            return False
        self._metrics.audited(rearmed, ok=True)
        if rearmed:
            log.warning("audit re-armed %d missing deadline(s)", rearmed)
        if await self._ping():
            self._metrics.heartbeat_ok(self._clock.now())
            return True
        return False

    async def _ping(self) -> bool:
        if self._heartbeat is None:
            return True
        try:
            timeout = aiohttp.ClientTimeout(total=PING_TIMEOUT)
            async with self._http().get(self._heartbeat.get_secret_value(), timeout=timeout) as resp:
                if resp.status < 400:
                    return True
                reason = f"HTTP {resp.status}"
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            reason = type(exc).__name__
        self._metrics.heartbeat_failed()
        log.warning("heartbeat ping failed (%s)", reason)  # the URL itself is a secret: never logged
        return False
