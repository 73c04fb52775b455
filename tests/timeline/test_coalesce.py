"""Live-view edits are coalesced: few writes in a burst, the last state always shown."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest

from incident.clock import FakeClock
from timeline.coalesce import Coalescer, throttle_delay

SECOND = timedelta(seconds=1)

VIEW = 7  # one incident's live view, as the live timeline keys it


def one_view(flush: Callable[[], Awaitable[None]]) -> Callable[[int], Awaitable[None]]:
    async def flush_view(_incident_id: int) -> None:
        await flush()

    return flush_view


async def settle() -> None:
    """Let every ready task run (FakeClock wake-ups take a few hops)."""
    for _ in range(30):
        await asyncio.sleep(0)


def advancing_sleep(clock: FakeClock) -> Callable[[float], Awaitable[None]]:
    """A sleep that moves the fake clock on instead of waiting."""

    async def sleep(seconds: float) -> None:
        clock.advance(timedelta(seconds=seconds))
        await asyncio.sleep(0)

    return sleep


class View:
    """The message being edited: remembers what each flush showed, and when."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.state = 0
        self.shown: list[int] = []
        self.at: list[datetime] = []

    async def flush(self) -> None:
        self.at.append(self.clock.now())
        self.shown.append(self.state)


async def test_a_burst_of_fifty_in_ten_seconds_makes_a_handful_of_edits_and_shows_the_last() -> None:
    clock = FakeClock()
    view = View(clock)
    live = Coalescer(one_view(view.flush), clock=clock, interval=2 * SECOND, sleep=clock.sleep)
    for i in range(1, 51):
        view.state = i
        live.notify(VIEW)
        await settle()
        clock.advance(SECOND / 5)
        await settle()
    clock.advance(2 * SECOND)  # the burst is over; nobody calls drain
    await settle()
    assert 5 <= len(view.shown) <= 7
    assert view.shown[-1] == 50
    assert all(b - a >= 2 * SECOND for a, b in zip(view.at, view.at[1:], strict=False))
    assert not live.pending


async def test_with_a_sleep_that_moves_the_clock_every_state_change_is_flushed_in_time_order() -> None:
    clock = FakeClock()
    view = View(clock)
    live = Coalescer(one_view(view.flush), clock=clock, interval=2 * SECOND, sleep=advancing_sleep(clock))
    for i in range(1, 51):
        view.state = i
        live.notify(VIEW)
        if i % 10 == 0:
            await settle()
    await settle()
    assert view.shown[-1] == 50 and len(view.shown) <= 10
    assert all(b - a >= 2 * SECOND for a, b in zip(view.at, view.at[1:], strict=False))


async def test_notify_returns_at_once_and_the_first_change_is_shown_without_delay() -> None:
    clock = FakeClock()
    view = View(clock)
    live = Coalescer(one_view(view.flush), clock=clock, sleep=clock.sleep)
    live.notify(VIEW)
    assert view.shown == [] and live.pending
    await settle()
    assert view.at == [clock.now()]


async def test_drain_flushes_what_is_pending_without_waiting_out_the_interval() -> None:
    clock = FakeClock()
    view = View(clock)
    live = Coalescer(one_view(view.flush), clock=clock, interval=timedelta(minutes=5), sleep=clock.sleep)
    live.notify(VIEW)
    await settle()
    view.state = 2
    live.notify(VIEW)
    await settle()
    assert view.shown == [0]  # the second change waits for the interval
    await live.drain()
    assert view.shown == [0, 2] and not live.pending


async def test_drain_lets_a_flush_under_way_finish_instead_of_cutting_it_off() -> None:
    clock = FakeClock()
    release = asyncio.Event()
    finished: list[str] = []

    async def slow_flush() -> None:
        await release.wait()
        finished.append("done")

    live = Coalescer(one_view(slow_flush), clock=clock, sleep=clock.sleep)
    live.notify(VIEW)
    await settle()
    draining = asyncio.create_task(live.drain())
    await settle()
    release.set()
    await draining
    assert finished == ["done"] and not live.pending


async def test_a_failing_flush_is_logged_and_the_next_change_still_flushes(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    calls: list[int] = []

    async def flaky() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("ratelimited")

    live = Coalescer(one_view(flaky), clock=clock, interval=2 * SECOND, sleep=advancing_sleep(clock))
    with caplog.at_level(logging.ERROR, logger="timeline.coalesce"):
        live.notify(VIEW)
        await settle()
    assert "ratelimited" in caplog.text
    live.notify(VIEW)
    await settle()
    assert len(calls) == 2 and not live.pending


async def test_keys_are_throttled_independently() -> None:
    clock = FakeClock()
    flushed: list[int] = []

    async def flush(key: int) -> None:
        flushed.append(key)

    coalescer: Coalescer[int] = Coalescer(flush, clock=clock, interval=2 * SECOND)
    coalescer.notify(1)
    coalescer.notify(2)
    coalescer.notify(1)
    await settle()
    assert sorted(flushed) == [1, 2]
    await coalescer.drain()
    assert not coalescer.pending


@pytest.mark.parametrize(
    ("last", "now", "expected"),
    [
        (None, 0, 0.0),
        (0, 0, 2.0),
        (0, 0.5, 1.5),
        (0, 2, 0.0),
        (0, 30, 0.0),
    ],
)
def test_throttle_delay(last: float | None, now: float, expected: float) -> None:
    t0 = datetime(2026, 11, 22, tzinfo=UTC)
    last_at = None if last is None else t0 + timedelta(seconds=last)
    assert throttle_delay(last_at, t0 + timedelta(seconds=now), 2 * SECOND) == expected
