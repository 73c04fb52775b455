"""Deadlines fire once, at their time, and survive a restart."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.scheduler import LEASE, POLL_INTERVAL, DeadlineScheduler, backoff
from chat.errors import ChannelNotFound, SlackUnavailable
from incident.clock import FakeClock, SystemClock
from incident.ports import LATER
from storage.deadlines import Deadline, SqlDeadlineStore


def _scheduler(engine: AsyncEngine, clock: FakeClock, fired: list[str]) -> DeadlineScheduler:
    scheduler = DeadlineScheduler(SqlDeadlineStore(engine), clock, drive_wall_clock=False)

    async def record(deadline: Deadline, now: datetime) -> None:
        fired.append(deadline.key)

    scheduler.on("page", record)
    return scheduler


async def test_a_deadline_fires_when_due_and_only_once(engine: AsyncEngine) -> None:
    clock, fired = FakeClock(), list[str]()
    scheduler = _scheduler(engine, clock, fired)
    due = clock.now() + timedelta(minutes=15)
    assert await scheduler.arm("inc1:ack:0", kind="page", due_at=due, payload={"incident": 1})
    # same key: no second timer
    assert not await scheduler.arm("inc1:ack:0", kind="page", due_at=clock.now(), payload={})
    clock.advance(timedelta(minutes=14))
    assert await scheduler.run_due() == 0
    clock.advance(timedelta(minutes=1))
    assert await scheduler.run_due() == 1
    assert await scheduler.run_due() == 0
    assert fired == ["inc1:ack:0"]


async def test_a_cancelled_deadline_never_fires(engine: AsyncEngine) -> None:
    clock, fired = FakeClock(), list[str]()
    scheduler = _scheduler(engine, clock, fired)
    await scheduler.arm("inc1:ack:0", kind="page", due_at=clock.now() + timedelta(minutes=1), payload={})
    await scheduler.arm("inc1:ack:1", kind="page", due_at=clock.now() + timedelta(minutes=1), payload={})
    await scheduler.arm("inc2:ack:0", kind="page", due_at=clock.now() + timedelta(minutes=1), payload={})
    await scheduler.arm("inc10:ack:0", kind="page", due_at=clock.now() + timedelta(minutes=1), payload={})
    assert await scheduler.cancel_prefix("inc1:") == 2  # not inc10's
    clock.advance(timedelta(minutes=2))
    await scheduler.run_due()
    assert sorted(fired) == ["inc10:ack:0", "inc2:ack:0"]


async def test_a_deadline_missed_while_stopped_fires_once_at_start(engine: AsyncEngine) -> None:
    clock, fired = FakeClock(), list[str]()
    first = _scheduler(engine, clock, fired)
    await first.start()
    await first.arm("inc1:ack:0", kind="page", due_at=clock.now() + timedelta(minutes=15), payload={})
    await first.stop()

    clock.advance(timedelta(hours=2))
    second = _scheduler(engine, clock, fired)
    await second.start()
    await second.run_due()
    third = _scheduler(engine, clock, fired)
    await third.start()
    assert fired == ["inc1:ack:0"]


async def test_a_failing_handler_puts_the_deadline_back(engine: AsyncEngine) -> None:
    clock = FakeClock()
    scheduler = DeadlineScheduler(SqlDeadlineStore(engine), clock, drive_wall_clock=False)
    attempts: list[str] = []

    async def flaky(deadline: Deadline, now: datetime) -> None:
        attempts.append(deadline.key)
        if len(attempts) == 1:
            raise RuntimeError("Slack is down")

    scheduler.on("page", flaky)
    await scheduler.arm("k", kind="page", due_at=clock.now(), payload={})
    await scheduler.run_due()
    clock.advance(timedelta(seconds=31))
    await scheduler.run_due()
    assert attempts == ["k", "k"]
    assert await scheduler.pending() == []


async def test_a_dead_replicas_lease_runs_out_and_another_replica_fires_it_once(engine: AsyncEngine) -> None:
    clock, fired = FakeClock(), list[str]()
    store = SqlDeadlineStore(engine)
    survivor = _scheduler(engine, clock, fired)
    await survivor.arm("inc1:ack:0", kind="page", due_at=clock.now(), payload={})
    # A replica claims the row and dies before its work ran: nothing marks it fired.
    assert [d.key for d in await store.claim_due("dead-replica", clock.now(), LEASE)] == ["inc1:ack:0"]
    assert await survivor.run_due() == 0  # still leased: not taken from a live-looking holder
    clock.advance(LEASE + timedelta(seconds=1))
    assert await survivor.run_due() == 1
    assert await survivor.run_due() == 0
    assert fired == ["inc1:ack:0"]
    assert not await store.complete("inc1:ack:0", "dead-replica", clock.now())  # the dead one cannot mark it


async def test_replicas_claiming_together_take_disjoint_deadlines(engine: AsyncEngine) -> None:
    clock = FakeClock()
    store = SqlDeadlineStore(engine)
    for n in range(40):
        await store.arm(f"inc{n}:ack:0", kind="page", due_at=clock.now(), payload={})
    keys: list[str] = []
    for _ in range(10):  # SQLite has no row locks: a claimer that lost a race takes fewer, never the same
        batches = await asyncio.gather(*(store.claim_due(f"r{i}", clock.now(), LEASE, limit=15) for i in range(3)))
        keys += [d.key for batch in batches for d in batch]
    assert len(keys) == len(set(keys)) == 40


async def test_work_cut_off_by_stop_is_handed_back_and_done_once_after_restart(engine: AsyncEngine) -> None:
    clock = SystemClock()
    started, done = asyncio.Event(), []

    async def slow(deadline: Deadline, now: datetime) -> None:
        started.set()
        await asyncio.sleep(30)
        done.append(deadline.key)

    first = DeadlineScheduler(SqlDeadlineStore(engine), clock, drive_wall_clock=True)
    first.on("page", slow)
    await first.start()
    await first.arm("inc1:ack:1", kind="page", due_at=clock.now(), payload={})
    await asyncio.wait_for(started.wait(), 5)
    await first.stop(grace=0.1)
    assert [d.key for d in await first.pending()] == ["inc1:ack:1"]  # not marked fired

    second = DeadlineScheduler(SqlDeadlineStore(engine), clock, drive_wall_clock=True)

    async def quick(deadline: Deadline, now: datetime) -> None:
        done.append(deadline.key)

    second.on("page", quick)
    await second.start()
    try:
        for _ in range(50):
            if done:
                break
            await asyncio.sleep(0.1)
    finally:
        await second.stop()
    assert done == ["inc1:ack:1"]
    assert await second.pending() == []


async def test_polling_replicas_fire_every_deadline_once_and_soon(engine: AsyncEngine) -> None:
    clock = SystemClock()
    fired: list[tuple[str, float]] = []
    replicas: list[DeadlineScheduler] = []
    for _ in range(3):
        replica = DeadlineScheduler(SqlDeadlineStore(engine), clock, drive_wall_clock=True)

        async def record(deadline: Deadline, now: datetime) -> None:
            fired.append((deadline.key, (clock.now() - deadline.due_at).total_seconds()))

        replica.on("page", record)
        replicas.append(replica)
    store = SqlDeadlineStore(engine)
    due = clock.now() + timedelta(seconds=1)
    for n in range(30):
        await store.arm(f"inc{n}:ack:1", kind="page", due_at=due, payload={})
    # One replica claimed a row and died: its lease runs out and another replica fires it.
    await store.arm("inc99:ack:1", kind="page", due_at=clock.now(), payload={})
    await store.claim_due("killed-replica", clock.now(), LEASE)
    for replica in replicas:
        await replica.start()
    try:
        for _ in range(80):
            if len(fired) >= 31:
                break
            await asyncio.sleep(0.1)
    finally:
        for replica in replicas:
            await replica.stop()
    keys = [key for key, _ in fired]
    assert sorted(keys) == sorted({*(f"inc{n}:ack:1" for n in range(30)), "inc99:ack:1"})
    assert len(keys) == len(set(keys))
    assert max(late for _, late in fired) < 5


async def test_a_deadline_claimed_ahead_fires_on_the_dot_unless_cancelled_meanwhile(engine: AsyncEngine) -> None:
    """The poll takes what falls due before the next poll; one cancelled while it waits never fires."""
    clock, fired = SystemClock(), list[tuple[str, float]]()
    scheduler = DeadlineScheduler(SqlDeadlineStore(engine), clock, drive_wall_clock=True)

    async def record(deadline: Deadline, now: datetime) -> None:
        fired.append((deadline.key, (clock.now() - deadline.due_at).total_seconds()))

    scheduler.on("page", record)
    due = clock.now() + timedelta(seconds=0.6)
    await scheduler.arm("inc1:ack:0", kind="page", due_at=due, payload={})
    await scheduler.arm("inc2:ack:0", kind="page", due_at=due, payload={})
    await scheduler.start()
    try:
        await asyncio.sleep(0.3)  # both claimed by the first poll by now, waiting for their time
        assert await scheduler.cancel("inc2:ack:0")
        await asyncio.sleep(0.6)
    finally:
        await scheduler.stop()
    assert [key for key, _ in fired] == ["inc1:ack:0"]
    assert 0 <= fired[0][1] < POLL_INTERVAL / 2  # at its time, not at the next poll
    assert await scheduler.pending() == []  # one fired and marked, one cancelled


async def test_effects_of_one_lane_go_out_in_order_and_a_failed_one_holds_the_rest(engine: AsyncEngine) -> None:
    clock, sent = FakeClock(), list[str]()
    scheduler = DeadlineScheduler(SqlDeadlineStore(engine), clock, drive_wall_clock=False)
    slack_down = [True]

    async def post(deadline: Deadline, now: datetime) -> None:
        if slack_down[0] and deadline.key == "say:1":
            raise SlackUnavailable("chat.postMessage", "http_503")
        sent.append(deadline.key)

    scheduler.on("say", post)
    for key in ("say:1", "say:2"):
        await scheduler.arm(key, kind="say", due_at=clock.now(), payload={}, lane="incident:1")
    await scheduler.arm("dm:1", kind="say", due_at=clock.now(), payload={})
    outcome = await scheduler.run_now(["say:1", "say:2", "dm:1"])
    assert outcome == {"say:1": "http_503", "say:2": LATER, "dm:1": None}  # the DM has no lane: not held
    slack_down[0] = False
    clock.advance(timedelta(seconds=1))
    assert await scheduler.run_due() == 0  # the back-off has not run out
    clock.advance(timedelta(seconds=1))
    assert await scheduler.run_due() == 2
    assert sent == ["dm:1", "say:1", "say:2"]


async def test_slack_saying_never_closes_an_effect_and_the_next_goes(engine: AsyncEngine) -> None:
    clock, sent = FakeClock(), list[str]()
    scheduler = DeadlineScheduler(SqlDeadlineStore(engine), clock, drive_wall_clock=False)

    async def post(deadline: Deadline, now: datetime) -> None:
        if deadline.key == "say:1":
            raise ChannelNotFound("chat.postMessage", "channel_not_found")
        sent.append(deadline.key)

    scheduler.on("say", post)
    for key in ("say:1", "say:2"):
        await scheduler.arm(key, kind="say", due_at=clock.now(), payload={}, lane="incident:1")
    assert await scheduler.run_now(["say:1", "say:2"]) == {"say:1": None, "say:2": None}
    clock.advance(timedelta(hours=1))
    assert await scheduler.run_due() == 0 and sent == ["say:2"]  # given up for good, never retried


def test_the_back_off_grows_to_15_seconds() -> None:
    assert [backoff(n).total_seconds() for n in range(6)] == [2, 4, 8, 15, 15, 15]


async def test_rows_done_long_ago_are_forgotten_and_pending_ones_kept(engine: AsyncEngine) -> None:
    clock, fired = FakeClock(), list[str]()
    scheduler = _scheduler(engine, clock, fired)
    store = SqlDeadlineStore(engine)
    await scheduler.arm("old:fired", kind="page", due_at=clock.now(), payload={})
    await scheduler.arm("old:cancelled", kind="page", due_at=clock.now() + timedelta(days=30), payload={})
    await scheduler.arm("pending", kind="page", due_at=clock.now() + timedelta(days=30), payload={})
    await scheduler.run_due()
    await scheduler.cancel("old:cancelled")
    clock.advance(timedelta(days=8))
    assert await store.prune(clock.now() - timedelta(days=7)) == 2
    assert [d.key for d in await scheduler.pending()] == ["pending"]
    assert not await scheduler.arm("pending", kind="page", due_at=clock.now(), payload={})
