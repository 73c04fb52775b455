"""What the outgoing pagers really POST when an incident pages, is acknowledged and resolves."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from bot.config import TeamConfig
from bot.local_stack import ANNOUNCE_CHANNEL, LocalStack
from pager.webhook import verify_signature
from tests.e2e.test_declare_and_resolve import declare

SECRET = "whsec-e2e"


class Receiver:
    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        self.headers: list[dict[str, str]] = []
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.headers.append(dict(request.headers))
        self.bodies.append(await request.read())
        return web.json_response({"ok": True})


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    r = Receiver()
    app = web.Application()
    app.router.add_post("/hook", r.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    r.url = f"http://{host}:{port}/hook"
    yield r
    await runner.cleanup()


@pytest.fixture
def team(receiver: Receiver) -> TeamConfig:
    return TeamConfig(
        announcement_channel=ANNOUNCE_CHANNEL,
        roster={
            "levels": {
                "level1": {"members": ["U0BOB"]},
                "level2": {"members": ["U0CAROL"]},
                "level3": {"members": ["U0FRANK"]},
            }
        },
        pagers={"level1": [{"type": "webhook", "url": receiver.url, "secret": SECRET}]},
    )


async def test_the_posted_webhook_bodies_are_the_documented_shape(stack: LocalStack, receiver: Receiver) -> None:
    channel = await declare(stack, "Checkout down --sev critical")
    await stack.command("ack", channel_id=channel, user_id="U0BOB")
    await stack.settle()
    await stack.command("resolve rolled back", channel_id=channel)
    await stack.settle()

    bodies = [json.loads(b) for b in receiver.bodies]
    assert [b["event"] for b in bodies] == ["trigger", "acknowledge", "resolve"]
    for raw, headers in zip(receiver.bodies, receiver.headers, strict=True):
        assert verify_signature(
            SECRET, headers["X-Hikeshi-Timestamp"], raw, headers["X-Hikeshi-Signature"], now=time.time()
        )
    trigger = bodies[0]
    assert set(trigger) == {
        "event", "incident", "title", "severity", "level", "users", "status", "channel", "channel_link", "at",
    }  # fmt: skip
    assert trigger["incident"] == "INC-2026-0001" and trigger["level"] == "level1"
    assert trigger["users"] == ["U0BOB"] and trigger["channel"] == channel
    assert trigger["channel_link"].startswith("https://") and channel in trigger["channel_link"]
    assert bodies[1]["users"] == ["U0BOB"]
    assert bodies[2]["users"] == ["U0BOB"] and bodies[2]["status"] == "resolved"
