"""The clock seam: every piece of code that needs "now" is handed one of these."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """An aware datetime in UTC."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait until this clock has moved on by ``seconds``."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class FakeClock:
    """A clock tests and the demo move by hand; it never moves by itself."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 11, 22, 5, 30, tzinfo=UTC)
        if self._now.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")

        self._moved = asyncio.Condition() if _loop_running() else None

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        self._wake()
        return self._now

    def set(self, when: datetime) -> None:
        self._now = when
        self._wake()

    async def sleep(self, seconds: float) -> None:
        """Returns once someone has advanced the clock far enough; never by itself."""
        target = self._now + timedelta(seconds=seconds)
        if self._moved is None:
            self._moved = asyncio.Condition()
        async with self._moved:
            await self._moved.wait_for(lambda: self._now >= target)

    def _wake(self) -> None:
        moved = self._moved
        if moved is None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return

        async def notify() -> None:
            async with moved:
                moved.notify_all()

        task = loop.create_task(notify())
        _PENDING.add(task)
        task.add_done_callback(_PENDING.discard)


_PENDING: set[asyncio.Task[None]] = set()


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
