"""Durable deadlines driven by APScheduler, with the database as the source of truth.

APScheduler only wakes the process at the right wall-clock moment; what is due, and whether
it already fired, is decided from the ``deadlines`` table, so a restart re-arms everything
and a deadline missed while the bot was down fires at once, exactly once. With an injected
fake clock (tests, the demo) APScheduler is not started and ``run_due`` is called directly.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from incident.clock import Clock
from storage.deadlines import Deadline, SqlDeadlineStore

log = logging.getLogger(__name__)

FireHandler = Callable[[Deadline, datetime], Awaitable[None]]
RETRY_AFTER = timedelta(seconds=30)


class DeadlineScheduler:
    """Implements ``incident.ports.Timers``."""

    def __init__(self, store: SqlDeadlineStore, clock: Clock, *, drive_wall_clock: bool) -> None:
        self._store = store
        self._clock = clock
        self._handlers: dict[str, FireHandler] = {}
        self._scheduler = AsyncIOScheduler(timezone=UTC) if drive_wall_clock else None
        self._run_lock = asyncio.Lock()

    def on(self, kind: str, handler: FireHandler) -> None:
        self._handlers[kind] = handler

    async def start(self) -> None:
        if self._scheduler is not None:
            self._scheduler.start()
            for deadline in await self._store.pending():
                self._wake_at(deadline.key, deadline.due_at)
        await self.run_due()

    async def stop(self) -> None:
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    async def arm(self, key: str, *, kind: str, due_at: datetime, payload: dict[str, Any]) -> bool:
        armed = await self._store.arm(key, kind=kind, due_at=due_at, payload=payload)
        if armed:
            self._wake_at(key, due_at)
        return armed

    async def cancel(self, key: str) -> bool:
        cancelled = await self._store.cancel(key, self._clock.now())
        self._forget(key)
        return cancelled

    async def cancel_prefix(self, prefix: str) -> int:
        count = await self._store.cancel_prefix(prefix, self._clock.now())
        if self._scheduler is not None:
            for job in self._scheduler.get_jobs():
                if job.id.startswith(prefix):
                    job.remove()
        return count

    async def pending(self) -> list[Deadline]:
        return await self._store.pending()

    async def run_due(self) -> int:
        """Fire every deadline due by the clock's now; returns how many ran."""
        async with self._run_lock:
            now = self._clock.now()
            fired = 0
            for deadline in await self._store.pending(due_by=now):
                if not await self._store.claim(deadline.key, now):
                    continue
                handler = self._handlers.get(deadline.kind)
                if handler is None:
                    log.error("no handler for deadline kind %s (%s)", deadline.kind, deadline.key)
                    continue
                try:
                    await handler(deadline, now)
                    fired += 1
                except Exception:
                    # The work did not happen: put the deadline back so it is retried, not lost.
                    log.exception("deadline %s failed; retrying in %s", deadline.key, RETRY_AFTER)
                    retry_at = now + RETRY_AFTER
                    await self._store.release(deadline.key, retry_at)
                    self._wake_at(deadline.key, retry_at)
            return fired

    def _wake_at(self, key: str, due_at: datetime) -> None:
        if self._scheduler is None or not self._scheduler.running:
            return
        self._scheduler.add_job(
            self.run_due,
            "date",
            run_date=max(due_at, datetime.now(UTC)),
            id=key,
            replace_existing=True,
            misfire_grace_time=None,
        )

    def _forget(self, key: str) -> None:
        if self._scheduler is not None and self._scheduler.get_job(key) is not None:
            self._scheduler.remove_job(key)
