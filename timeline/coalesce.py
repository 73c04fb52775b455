"""Coalescing live-view edits.

The live timeline is one pinned message edited in place, and Slack allows about one
message write per second per channel. A burst of notes must not become a burst of edits:
at most one flush per interval per key, and the newest state is always flushed once the
burst is over (a flush reads the current state, so one flush covers every change before it).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Generic, TypeVar

from incident.clock import Clock

log = logging.getLogger(__name__)

K = TypeVar("K")
Sleep = Callable[[float], Awaitable[None]]


def throttle_delay(last_flush: datetime | None, now: datetime, min_interval: timedelta) -> float:
    """Seconds to wait before the next flush may start; 0 when it may start now."""
    if last_flush is None:
        return 0.0
    return max(0.0, (last_flush + min_interval - now).total_seconds())


class Coalescer(Generic[K]):
    """Runs ``flush(key)`` after changes to ``key``, at most once per ``interval`` per key.

    ``notify`` never blocks; the flushing runs in tasks this object owns, and a failing
    flush is logged, not lost. ``drain`` flushes whatever is pending without waiting out
    the interval (shutdown, or the end of a test's burst).
    """

    def __init__(
        self,
        flush: Callable[[K], Awaitable[None]],
        *,
        clock: Clock,
        interval: timedelta = timedelta(seconds=2),
        sleep: Sleep | None = None,
    ) -> None:
        self._flush = flush
        self._clock = clock
        self._interval = interval
        self._sleep: Sleep = sleep if sleep is not None else clock.sleep
        self._dirty: set[K] = set()
        self._flushing: set[K] = set()
        self._last: dict[K, datetime] = {}
        self._tasks: dict[K, asyncio.Task[None]] = {}
        self._draining = False

    @property
    def pending(self) -> bool:
        """Whether a change is waiting to be flushed or a flush is under way."""
        return bool(self._dirty or self._tasks)

    def notify(self, key: K) -> None:
        """Something changed for ``key``; returns at once."""
        self._dirty.add(key)
        if key in self._tasks:
            return  # the running task re-checks the dirty set before it ends
        task = asyncio.get_running_loop().create_task(self._run(key), name=f"coalesce:{key}")
        self._tasks[key] = task
        task.add_done_callback(partial(self._finished, key))

    async def drain(self) -> None:
        """Flush everything pending now, letting a flush already under way finish."""
        self._draining = True
        try:
            while self._tasks:
                for key, task in list(self._tasks.items()):
                    if key not in self._flushing:
                        task.cancel()  # it is only waiting out the interval
                await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)
            for key in list(self._dirty):
                await self._flush_now(key)
        finally:
            self._draining = False

    async def _run(self, key: K) -> None:
        try:
            while key in self._dirty:
                delay = (
                    0.0 if self._draining else throttle_delay(self._last.get(key), self._clock.now(), self._interval)
                )
                if delay > 0:
                    await self._sleep(delay)
                await self._flush_now(key)
        finally:
            # Unregister before returning, so a notify() arriving next starts a new task
            # instead of trusting this one to see it.
            if self._tasks.get(key) is asyncio.current_task():
                del self._tasks[key]

    async def _flush_now(self, key: K) -> None:
        self._dirty.discard(key)
        self._flushing.add(key)
        self._last[key] = self._clock.now()
        try:
            await self._flush(key)
        except Exception:
            log.exception("coalesced flush for %s failed", key)
        finally:
            self._flushing.discard(key)

    def _finished(self, key: K, task: asyncio.Task[None]) -> None:
        if self._tasks.get(key) is task:
            del self._tasks[key]  # cancelled before it ever ran
        if not task.cancelled() and task.exception() is not None:
            log.error("coalescing task for %s failed", key, exc_info=task.exception())
