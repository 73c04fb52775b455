"""Only requests Slack signed, recently, reach the bot."""

from __future__ import annotations

import time

from bot.local_stack import LocalStack


async def test_a_wrong_signature_gets_401_and_changes_nothing(stack: LocalStack) -> None:
    response = await stack.sender.command("declare Checkout API returns 500s", signature="v0=" + "0" * 64)
    assert response.status == 401
    await stack.settle()
    assert await stack.services.store.list_open() == []
    assert stack.fake.calls_to("conversations.create") == []


async def test_a_timestamp_older_than_five_minutes_gets_401(stack: LocalStack) -> None:
    stale = int(time.time()) - 6 * 60
    response = await stack.sender.command("declare Checkout API returns 500s", timestamp=stale)
    assert response.status == 401
    await stack.settle()
    assert await stack.services.store.list_open() == []


async def test_health_and_readiness_answer(stack: LocalStack) -> None:
    import aiohttp

    async with aiohttp.ClientSession() as http:
        for path in ("/healthz", "/readyz"):
            async with http.get(stack.bot.url + path) as resp:
                assert resp.status == 200
