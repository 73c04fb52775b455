"""A local HTTP receiver for outgoing pagers: records every request, answers as told."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web


class Receiver:
    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.answers: list[int] = []
        self.hang = False
        self.retry_after: str | None = None
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append((dict(request.headers), await request.read()))
        if self.hang:
            self.hang = False
            await asyncio.sleep(0.4)
        status = self.answers.pop(0) if self.answers else 202
        headers = {"Retry-After": self.retry_after} if status == 429 and self.retry_after else None
        return web.json_response({"status": "success"}, status=status, headers=headers)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    r = Receiver()
    app = web.Application()
    app.router.add_post("/{tail:.*}", r.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    r.url = f"http://{host}:{port}/v2/enqueue"
    yield r
    await runner.cleanup()
