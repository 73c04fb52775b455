"""Durable deadlines claimed from the database under a lease, so any replica fires any deadline.

What is due, who works on it and whether it already fired live in the ``deadlines`` table.
Every replica polls about once a second (an APScheduler interval job wakes the poll loop;
arming a deadline that is already due wakes it at once) and claims due rows (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL) for a short lease that it renews while the work runs; a row is marked fired only
after its handler returned. A replica that dies holding a lease loses it when the lease runs
out and another replica takes the row; a failing handler or a stopping replica hands it back.
Deadlines run as their own tasks, so one incident's page stuck in a back-off never delays
another's. Each poll also claims what falls due before the next poll and fires it at its due
time; the marks of deadlines that fired together are written in one UPDATE a few ms later.
With an injected fake clock (tests, the demo) nothing polls: ``run_due`` is called directly and
runs what is due one after another.

The same table is the outbox: an effect (a page DM, a channel notice, a set-up step) is a row
due at once, stored in the transaction of the decision that wants it, then run here and now
(``run_now``) by the replica that decided, or from the table by any replica when that failed
or the replica died. A failed attempt is retried with a growing back-off until Slack answers
ok or says it never will (any Slack error but a rate limit, a 5xx or no answer): that is
logged on one line and the row is closed. Rows of one lane run one at a time, in order (only
a lane's first unsent row is ever claimed).
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

from bot.logs import IncidentRefs, concerning
from bot.metrics import Metrics
from bot.tasks import BackgroundTasks
from incident.clock import Clock
from incident.ports import LATER, ChannelError
from storage.deadlines import Deadline, SqlDeadlineStore

log = logging.getLogger(__name__)

FireHandler = Callable[[Deadline, datetime], Awaitable[None]]
RETRY_AFTER = timedelta(seconds=30)  # after an unexpected failure (a bug, the database away)
BACKOFF_CAP = timedelta(seconds=15)  # Slack unavailable: 2 s, 4 s, 8 s, then every 15 s until it answers
POLL_INTERVAL = 1.0  # seconds between looks at the table
LEASE = timedelta(seconds=3)  # renewed every poll while the work runs; a dead replica's runs out
BATCH = 500  # rows claimed per query
STOP_GRACE = 10.0  # seconds in-flight work may take to finish on stop before it is handed back
# Each poll also takes what falls due before the next one and fires it on the dot, so lateness
# is the event loop's, not the poll interval's. Shorter than the lease, so a row claimed ahead
# is still held when it falls due; a dead replica's rows are free LEASE after its last poll.
LOOKAHEAD = timedelta(seconds=1.5 * POLL_INTERVAL)
assert LOOKAHEAD < LEASE
# Marks of fired deadlines are gathered this long and written in one UPDATE: at thousands a
# second, one transaction per fired row is what made a replica fall behind.
COMPLETE_EVERY = 0.05
# A deadline claimed ahead is checked (still armed, not cancelled by an ack?) this long before it
# is due, together with the others due in the same stretch: one query instead of one each.
CHECK_BEFORE = 0.02


def replica_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class DeadlineScheduler:
    """Implements ``incident.ports.Timers``."""

    def __init__(
        self,
        store: SqlDeadlineStore,
        clock: Clock,
        *,
        drive_wall_clock: bool,
        metrics: Metrics | None = None,
        tasks: BackgroundTasks | None = None,
        refs: IncidentRefs | None = None,
    ) -> None:
        self._refs = refs  # every log line about a row names its incident
        self._store = store
        self._tasks = tasks or BackgroundTasks()  # run_soon's work, drained with the rest on stop
        self.metrics = metrics or Metrics()
        self._clock = clock
        self._handlers: dict[str, FireHandler] = {}
        self._drive = drive_wall_clock
        self.owner = replica_id()
        self._loop: asyncio.Task[None] | None = None
        self._ticker: AsyncIOScheduler | None = None
        self._wake = asyncio.Event()
        self._in_flight: dict[str, asyncio.Task[str | None]] = {}
        self._waiting: set[str] = set()  # claimed ahead, sleeping until due: handed back at once on stop
        self._done: list[str] = []  # fired, their mark not written yet (still leased, so renewed)
        self._flusher: asyncio.Task[None] | None = None
        self._checking: tuple[set[str], asyncio.Future[set[str]]] | None = None
        self._checks: set[asyncio.Task[None]] = set()
        self._stopping = False  # no more polling
        self._closed = False  # stopped: nothing runs here any more

    def on(self, kind: str, handler: FireHandler) -> None:
        self._handlers[kind] = handler

    async def start(self) -> None:
        self._stopping = self._closed = False
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
        """Stop polling; let in-flight work finish and send the outbox's due rows for ``grace``
        seconds; hand back the rest (another replica, or this one restarted, takes it)."""
        until = asyncio.get_running_loop().time() + grace
        self._stopping = True
        if self._ticker is not None:
            self._ticker.shutdown(wait=False)
            self._ticker = None
        if self._loop is not None:
            self._loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop
            self._loop = None
        for key in list(self._waiting):  # not started: another replica may have it now
            self._in_flight[key].cancel()
        await self._finish_in_flight(until)
        await self._flush_outbox(until)
        await self._finish_in_flight(until)
        self._closed = True
        if self._flusher is not None:
            await asyncio.gather(self._flusher, return_exceptions=True)
        await self._flush_done()

    async def _finish_in_flight(self, until: float) -> None:
        running = list(self._in_flight.values())
        if running:
            remaining = max(0.0, until - asyncio.get_running_loop().time())
            _, late = await asyncio.wait(running, timeout=remaining)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)

    async def _flush_outbox(self, until: float) -> None:
        """Send what is due now (effects a stopping request stored, retries that came due)."""
        loop = asyncio.get_running_loop()
        while loop.time() < until:
            claimed = await self._store.claim_due(self.owner, self._clock.now(), LEASE, limit=BATCH)
            if not claimed:
                return
            outcomes = await asyncio.gather(*(self._start(d) for d in claimed))
            if all(o is not None for o in outcomes):
                return  # Slack is away: leave the rest to the next replica

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
        while remaining and not self._closed:  # while stopping too: requests in flight flush their effects
            claimed = await self._store.claim_keys(remaining, self.owner, self._clock.now(), LEASE)
            if not claimed:
                # This replica's own poll may have taken them a moment before: wait for that.
                joined = await self._join_own(remaining, results)
                if not joined:
                    break
                remaining = [k for k in remaining if k not in joined]
                continue
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
            done |= await self._join_own(remaining, results)
            failed_lanes = {d.lane for d in claimed if d.lane is not None and results[d.key] is not None}
            remaining = [k for k in remaining if k not in done]
            if failed_lanes:
                break  # the rest of a lane waits behind its failed row; the table retries it
        return results

    async def _join_own(self, keys: Sequence[str], results: dict[str, str | None]) -> set[str]:
        """Wait for those of ``keys`` this replica is running already; the keys it waited for."""
        own = {key: self._in_flight[key] for key in keys if key in self._in_flight}
        for key, task in own.items():
            try:
                results[key] = await asyncio.shield(task)
            except asyncio.CancelledError:
                if not task.cancelled():
                    raise
                results[key] = LATER
        return set(own)

    def run_soon(self, keys: Sequence[str]) -> None:
        """``incident.ports.Timers.run_soon``: ``run_now`` as owned background work."""
        if keys:
            self._tasks.spawn(self.run_now(list(keys)), name=f"run-soon:{keys[0]}")

    def _start(self, deadline: Deadline, *, on_time: bool = False) -> asyncio.Task[str | None]:
        task = asyncio.create_task(self._fire(deadline, on_time=on_time), name=f"deadline:{deadline.key}")
        self._in_flight[deadline.key] = task  # its lease is renewed while it runs
        task.add_done_callback(partial(self._landed, deadline.key))
        return task

    async def _poll(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                now = self._clock.now()
                await self._store.renew([*self._in_flight, *self._done], self.owner, now + LEASE)
                if self._done:  # a failed write: again
                    self._flush_later()
                while not self._stopping:  # a full batch means more are due: take them now
                    batch = await self._store.claim_due(self.owner, now, LEASE, limit=BATCH, due_by=now + LOOKAHEAD)
                    for deadline in batch:
                        if deadline.key in self._in_flight or deadline.key in self._done:
                            continue  # its mark is on the way (lease renewed meanwhile)
                        self._start(deadline, on_time=True)
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

    async def _fire(self, deadline: Deadline, *, on_time: bool = False) -> str | None:
        """Run one row's work; None when done (or given up for good), else why it will be retried.
        ``on_time`` (the polled path): wait for its due time first, and write its mark with the
        others that fired in the same moment."""
        with concerning(await self._refs.of_deadline(deadline) if self._refs else None):
            return await self._fire_here(deadline, on_time=on_time)

    async def _fire_here(self, deadline: Deadline, *, on_time: bool) -> str | None:
        handler = self._handlers.get(deadline.kind)
        if handler is None:
            log.error("no handler for deadline kind %s (%s)", deadline.kind, deadline.key)
            await self._store.release(deadline.key, self.owner, self._clock.now() + RETRY_AFTER, error="no_handler")
            return "no_handler"
        if deadline.previous_owner not in (None, self.owner):
            log.info("deadline %s taken over from %s", deadline.key, deadline.previous_owner)
            self.metrics.lease_taken_over()
        try:
            ahead = (deadline.due_at - self._clock.now()).total_seconds() if on_time else 0.0
            if ahead > 0:
                self._waiting.add(deadline.key)
                try:
                    await asyncio.sleep(max(0.0, ahead - CHECK_BEFORE))
                    if not await self._still_armed(deadline.key):  # cancelled while it waited (an ack)
                        return None
                    await asyncio.sleep(max(0.0, (deadline.due_at - self._clock.now()).total_seconds()))
                finally:
                    self._waiting.discard(deadline.key)
            now = self._clock.now()
            self.metrics.deadline_fired(deadline.kind, now - deadline.due_at)
            await handler(deadline, now)
        except asyncio.CancelledError:
            # Stopping with the work unfinished: hand it back as it was, another replica takes it.
            await asyncio.shield(self._store.release(deadline.key, self.owner, deadline.due_at, error="handed_back"))
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
        if on_time and deadline.lane is None:
            self._done.append(deadline.key)
            self._flush_later()
        elif not await self._store.complete(deadline.key, self.owner, self._clock.now()):
            log.warning("deadline %s: lease lost while its work ran", deadline.key)
        self._wake_lane(deadline)  # a lane's next row waits for this mark: written at once
        return None

    def _wake_lane(self, deadline: Deadline) -> None:
        if deadline.lane is not None:
            self._wake.set()  # the next row of its lane may go now

    async def _still_armed(self, key: str) -> bool:
        """Whether a deadline claimed ahead was not cancelled meanwhile; the deadlines checked
        within CHECK_BEFORE / 2 of each other share one query. If the database does not answer, it fires: better a
        stale step (the escalation ignores those) than a lost page."""
        if self._checking is None:
            batch: tuple[set[str], asyncio.Future[set[str]]] = (set(), asyncio.get_running_loop().create_future())
            self._checking = batch
            asyncio.get_running_loop().call_later(CHECK_BEFORE / 2, lambda: self._spawn_check(batch))
        keys, answer = self._checking
        keys.add(key)
        return key in await asyncio.shield(answer)

    def _spawn_check(self, batch: tuple[set[str], asyncio.Future[set[str]]]) -> None:
        self._checking = None  # later keys make the next batch
        task = asyncio.create_task(self._check(batch), name="deadline-check")
        self._checks.add(task)
        task.add_done_callback(self._checks.discard)

    async def _check(self, batch: tuple[set[str], asyncio.Future[set[str]]]) -> None:
        keys, answer = batch
        try:
            armed = await self._store.armed(list(keys))
        except Exception as exc:
            log.warning("checking %d deadlines failed, firing them: %s", len(keys), _one_line(exc))
            armed = set(keys)
        if not answer.done():
            answer.set_result(armed)

    def _flush_later(self) -> None:
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush_soon(), name="deadline-marks")

    async def _flush_soon(self) -> None:
        await asyncio.sleep(COMPLETE_EVERY)
        await self._flush_done()

    async def _flush_done(self) -> None:
        keys, self._done = self._done, []
        if not keys:
            return
        try:
            lost = await self._store.complete_many(keys, self.owner, self._clock.now())
        except Exception as exc:  # the database is away: keep them (leased, renewed) for the next try
            log.warning("marking %d fired deadlines failed: %s", len(keys), _one_line(exc))
            self._done.extend(keys)
            return
        for key in sorted(lost):
            log.warning("deadline %s: lease lost while its work ran", key)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts + 1``-th failed try to reach Slack."""
    return min(timedelta(seconds=2 ** (attempts + 1)), BACKOFF_CAP)


def _one_line(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
