"""A restart during a Slack outage: requests are acked at once and their work completes later."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import aiohttp

from bot.local_stack import start_local_stack
from fakeslack.server import FakeSlack
from incident.clock import FakeClock


async def test_a_command_right_after_a_restart_in_an_outage_is_acked_and_done_afterwards(database: str) -> None:
    clock = FakeClock()
    fake = FakeSlack(clock=lambda: clock.now().timestamp())
    await fake.start()
    fake.set_down()
    stack = await start_local_stack(database, clock=clock, fake=fake)
    try:
        async with aiohttp.ClientSession() as http, http.get(stack.bot.url + "/readyz") as resp:
            assert resp.status == 503  # Slack auth not checked yet
        response = await stack.command("declare Checkout API returns 500s")
        assert response.status == 200
        assert response.elapsed < 3.0
        await stack.settle()
        fake.set_down(False)
        for _ in range(100):  # the start-up auth check retries with back-off
            if stack.bot.identity.checked:
                break
            await asyncio.sleep(0.1)
        assert stack.bot.identity.checked
        async with aiohttp.ClientSession() as http, http.get(stack.bot.url + "/readyz") as resp:
            assert resp.status == 200
        await stack.advance(timedelta(minutes=1))  # the channel set-up retry comes due
        created = [c for c in fake.calls_to("conversations.create") if c.ok]
        assert len(created) == 1
        assert len(await stack.services.store.list_open()) == 1
    finally:
        await stack.close()
