"""Durable deadlines claimed from the database under a lease, so any replica fires any deadline.

What is due, who works on it and whether it already fired live in the ``deadlines`` table.
Every replica polls about once a second (an APScheduler interval job wakes the poll loop;
arming a deadline that is already due wakes it at once) and claims due rows (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL) for a short lease that it renews while the work runs; a row is marked fired only
after its handler returned. A replica that dies holding a lease loses it when the lease runs
out and another replica takes the row; a failing handler or a stopping replica hands it back.
Deadlines run as their own tasks, so one incident's page stuck in a back-off never delays
another's. With an injected fake clock (tests, the demo) nothing polls: ``run_due`` is called
directly and runs what is due one after another.

The same table is the outbox: an effect (a page DM, a channel notice, a set-up step) is a row
due at once, stored in the transaction of the decision that wants it, then run here and now
(``run_now``) by the replica that decided, or from the table by any replica when that failed
or the replica died. A failed attempt is retried with a growing back-off until Slack answers
ok or says it never will (any Slack error but a rate limit, a 5xx or no answer): that is
logged on one line and the row is closed. Rows of one lane run one at a time, in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.metrics import Metrics
from incident.clock import Clock
from incident.ports import ChannelError
from storage.deadlines import Deadline, SqlDeadlineStore

log = logging.getLogger(__name__)

FireHandler = Callable[[Deadline, datetime], Awaitable[None]]
RETRY_AFTER = timedelta(seconds=30)  # after an unexpected failure (a bug, the database away)
BACKOFF_CAP = timedelta(seconds=15)  # Slack unavailable: 2 s, 4 s, 8 s, then every 15 s until it answers
LATER = "later"  # run_now: another replica holds the row, or an earlier row of its lane is unsent
POLL_INTERVAL = 1.0  # seconds between looks at the table
LEASE = timedelta(seconds=3)  # renewed every poll while the work runs; a dead replica's runs out
BATCH = 100  # rows claimed per query
STOP_GRACE = 10.0  # seconds in-flight work may take to finish on stop before it is handed back


def replica_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class DeadlineScheduler:
    """Implements ``incident.ports.Timers``."""

    def __init__(
        self, store: SqlDeadlineStore, clock: Clock, *, drive_wall_clock: bool, metrics: Metrics | None = None
    ) -> None:
        self._store = store
        self.metrics = metrics or Metrics()
        self._clock = clock
        self._handlers: dict[str, FireHandler] = {}
        self._drive = drive_wall_clock
        self.owner = replica_id()
        self._loop: asyncio.Task[None] | None = None
        self._ticker: AsyncIOScheduler | None = None
        self._wake = asyncio.Event()
        self._in_flight: dict[str, asyncio.Task[str | None]] = {}
        self._stopping = False

    def on(self, kind: str, handler: FireHandler) -> None:
        self._handlers[kind] = handler

    async def start(self) -> None:
        self._stopping = False
        if self._drive:
            self._ticker = AsyncIOScheduler()
            self._ticker.add_job(
                self._tick,
                IntervalTrigger(seconds=POLL_INTERVAL),
                id="deadline-poll",
                coalesce=True,
                max_instances=1,
                misfire_grace_time=None,
            )
            self._ticker.start()
            self._loop = asyncio.create_task(self._poll(), name="deadline-poll")
        else:
            await self.run_due()

    async def stop(self, grace: float = STOP_GRACE) -> None:
        """Stop claiming; let in-flight work finish for ``grace`` seconds, hand back the rest."""
        self._stopping = True
        if self._ticker is not None:
            self._ticker.shutdown(wait=False)
            self._ticker = None
        if self._loop is not None:
            self._loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop
            self._loop = None
        running = list(self._in_flight.values())
        if running:
            _, late = await asyncio.wait(running, timeout=grace)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)

    async def arm(
        self, key: str, *, kind: str, due_at: datetime, payload: dict[str, Any], lane: str | None = None
    ) -> bool:
        armed = await self._store.arm(key, kind=kind, due_at=due_at, payload=payload, lane=lane)
        if armed and due_at <= self._clock.now():
            self._wake.set()  # due already (a retry, a missed step): do not wait for the next poll
        return armed

    async def cancel(self, key: str) -> bool:
        return await self._store.cancel(key, self._clock.now())

    async def cancel_prefix(self, prefix: str) -> int:
        return await self._store.cancel_prefix(prefix, self._clock.now())

    async def pending(self) -> list[Deadline]:
        return await self._store.pending()

    async def run_due(self) -> int:
        """Claim and fire, one after another, every deadline due by the clock's now; returns how many ran."""
        fired = 0
        while not self._stopping:
            claimed = await self._store.claim_due(self.owner, self._clock.now(), LEASE)
            if not claimed:
                return fired
            for deadline in claimed:
                fired += await self._start(deadline) is None
        return fired

    async def run_now(self, keys: Sequence[str]) -> dict[str, str | None]:
        """``incident.ports.Timers.run_now``: rows without a lane together, each lane in order."""
        results: dict[str, str | None] = dict.fromkeys(keys, LATER)
        remaining = list(keys)
        while remaining and not self._stopping:
            claimed = await self._store.claim_keys(remaining, self.owner, self._clock.now(), LEASE)
            if not claimed:
                break
            lanes: dict[str | None, list[Deadline]] = {}
            for deadline in sorted(claimed, key=lambda d: remaining.index(d.key)):
                lanes.setdefault(deadline.lane, []).append(deadline)

            async def run(batch: list[Deadline], together: bool) -> None:
                if together:
                    outcomes = await asyncio.gather(*(self._start(d) for d in batch))
                    results.update(zip((d.key for d in batch), outcomes, strict=True))
                    return
                for deadline in batch:
                    results[deadline.key] = await self._start(deadline)

            await asyncio.gather(*(run(batch, lane is None) for lane, batch in lanes.items()))
            done = {d.key for d in claimed}
            failed_lanes = {d.lane for d in claimed if d.lane is not None and results[d.key] is not None}
            remaining = [k for k in remaining if k not in done]
            if failed_lanes:
                break  # the rest of a lane waits behind its failed row; the table retries it
        return results

    def _start(self, deadline: Deadline) -> asyncio.Task[str | None]:
        task = asyncio.create_task(self._fire(deadline), name=f"deadline:{deadline.key}")
        self._in_flight[deadline.key] = task  # its lease is renewed while it runs
        task.add_done_callback(partial(self._landed, deadline.key))
        return task

    async def _poll(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                now = self._clock.now()
                await self._store.renew(list(self._in_flight), self.owner, now + LEASE)
                while not self._stopping:  # a full batch means more are due: take them now
                    batch = await self._store.claim_due(self.owner, now, LEASE, limit=BATCH)
                    for deadline in batch:
                        self._start(deadline)
                    if len(batch) < BATCH:
                        break
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database is away: try again next poll
                log.warning("deadline poll failed: %s", _one_line(exc))
            await self._wake.wait()

    async def _tick(self) -> None:
        """APScheduler's interval job: time for the next look at the table."""
        self._wake.set()

    def _landed(self, key: str, _task: asyncio.Task[str | None]) -> None:
        self._in_flight.pop(key, None)

    async def _fire(self, deadline: Deadline) -> str | None:
        """Run a claimed row's work; None when done (or given up for good), else why it will be retried."""
        handler = self._handlers.get(deadline.kind)
        if handler is None:
            log.error("no handler for deadline kind %s (%s)", deadline.kind, deadline.key)
            await self._store.release(deadline.key, self.owner, self._clock.now() + RETRY_AFTER, error="no_handler")
            return "no_handler"
        now = self._clock.now()
        self.metrics.deadline_fired(deadline.kind, now - deadline.due_at)
        if deadline.previous_owner not in (None, self.owner):
            log.info("deadline %s taken over from %s", deadline.key, deadline.previous_owner)
            self.metrics.lease_taken_over()
        try:
            await handler(deadline, now)
        except asyncio.CancelledError:
            # Stopping with the work unfinished: hand it back as it was, another replica takes it.
            await asyncio.shield(self._store.release(deadline.key, self.owner, deadline.due_at))
            log.info("deadline %s handed back on stop", deadline.key)
            raise
        except ChannelError as exc:
            if not exc.retryable:
                # Slack said it never will (channel_not_found, not_in_channel, invalid_auth…): close the row.
                log.warning("%s %s given up: %s", deadline.kind, deadline.key, exc)
                await self._store.complete(deadline.key, self.owner, self._clock.now(), error=exc.code)
                self._wake_lane(deadline)
                return None
            # Slack is away or rate-limits us: back off and try again, for as long as it takes.
            wait = backoff(deadline.attempts)
            log.warning("%s %s: %s; retrying in %ds", deadline.kind, deadline.key, exc, wait.total_seconds())
            await self._store.release(deadline.key, self.owner, self._clock.now() + wait, error=exc.code)
            return exc.code
        except Exception as exc:
            # The work did not happen: put the deadline back so it is retried, not lost.
            log.exception("deadline %s failed; retrying in %s", deadline.key, RETRY_AFTER)
            await self._store.release(
                deadline.key, self.owner, self._clock.now() + RETRY_AFTER, error=type(exc).__name__
            )
            return type(exc).__name__
        if not await self._store.complete(deadline.key, self.owner, self._clock.now()):
            log.warning("deadline %s: lease lost while its work ran", deadline.key)
        self._wake_lane(deadline)
        return None

    def _wake_lane(self, deadline: Deadline) -> None:
        if deadline.lane is not None:
            self._wake.set()  # the next row of its lane may go now


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts + 1``-th failed try to reach Slack."""
    return min(timedelta(seconds=2 ** (attempts + 1)), BACKOFF_CAP)


def _one_line(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
