"""Coalescing live-view edits. Slack allows about one message write per second per channel,
and a burst of notes must not become a burst of edits: at most one flush per interval per
key, and the newest state is always flushed once the burst is over."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from incident.clock import Clock

log = logging.getLogger(__name__)

K = TypeVar("K")


class Coalescer(Generic[K]):
    def __init__(
        self, flush: Callable[[K], Awaitable[None]], *, clock: Clock, interval: timedelta = timedelta(seconds=2)
    ) -> None:
        self._flush = flush
        self._clock = clock
        self._interval = interval
        self._dirty: set[K] = set()
        self._last: dict[K, datetime] = {}
        self._tasks: dict[K, asyncio.Task[None]] = {}

    def notify(self, key: K) -> None:
        """Something changed for ``key``; returns at once."""
        self._dirty.add(key)
        if key not in self._tasks:
            task = asyncio.get_running_loop().create_task(self._run(key), name=f"coalesce:{key}")
            self._tasks[key] = task
            task.add_done_callback(lambda _t, k=key: self._tasks.pop(k, None))

    async def _run(self, key: K) -> None:
        while key in self._dirty:
            last = self._last.get(key)
            if last is not None:
                wait = (last + self._interval - self._clock.now()).total_seconds()
                if wait > 0:
                    await self._clock.sleep(wait)
            await self._flush_now(key)

    async def _flush_now(self, key: K) -> None:
        self._dirty.discard(key)
        self._last[key] = self._clock.now()
        try:
            await self._flush(key)
        except Exception:
            log.exception("live view flush for %s failed", key)

    async def drain(self) -> None:
        """Flush everything pending now (shutdown, or the end of a test's burst)."""
        for task in list(self._tasks.values()):
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        self._tasks.clear()
        for key in list(self._dirty):
            await self._flush_now(key)
