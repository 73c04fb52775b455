"""Deadlines fire once, at their time, and survive a restart."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.scheduler import DeadlineScheduler
from incident.clock import FakeClock
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
    assert await scheduler.cancel_prefix("inc1:") == 2
    clock.advance(timedelta(minutes=2))
    await scheduler.run_due()
    assert fired == ["inc2:ack:0"]


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
