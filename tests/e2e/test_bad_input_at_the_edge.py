"""Signed but malformed bodies get a 400, oversize bodies a 413, unknown routes a 404; never a 5xx."""

from __future__ import annotations

import aiohttp
import pytest

from bot.local_stack import LocalStack
from bot.server import MAX_BODY

MALFORMED = [
    (b'{"type": "event_callback", "event": ', "application/json"),
    (b"[1, 2, 3]", "application/json"),
    (b"payload=%7Bnot-json", "application/x-www-form-urlencoded"),
    (b"payload=%5B%5D", "application/x-www-form-urlencoded"),
    (b"\xff\xfe\x00garbage", "application/json"),
]


@pytest.mark.parametrize(("body", "content_type"), MALFORMED)
async def test_a_signed_malformed_body_gets_400(
    stack: LocalStack, body: bytes, content_type: str, caplog: pytest.LogCaptureFixture
) -> None:
    response = await stack.sender.post(body, content_type)
    assert response.status == 400
    assert "Traceback" not in response.text
    await stack.settle()
    assert not [r for r in caplog.records if r.exc_info]
    assert await stack.services.store.list_open() == []


async def test_an_oversize_body_gets_413(stack: LocalStack) -> None:
    response = await stack.sender.post(b"x" * (MAX_BODY + 1), "application/x-www-form-urlencoded")
    assert response.status == 413


async def test_unknown_routes_get_404(stack: LocalStack) -> None:
    async with aiohttp.ClientSession() as http:
        for path in ("/", "/slack/event", "/admin", "/slack/events/../../etc/passwd"):
            async with http.get(stack.bot.url + path) as resp:
                assert resp.status in (404, 405), path
                assert "Traceback" not in await resp.text()
