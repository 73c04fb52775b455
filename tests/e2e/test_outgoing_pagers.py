"""What the outgoing pagers really POST when an incident pages, is acknowledged and resolves."""

from __future__ import annotations

import json
import time

import pytest

from bot.config import TeamConfig
from bot.local_stack import ANNOUNCE_CHANNEL, LocalStack
from pager.webhook import verify_signature
from tests.e2e.test_declare_and_resolve import declare
from tests.pager.receiver import Receiver

SECRET = "whsec-e2e"


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

    bodies = [json.loads(body) for _, body in receiver.requests]
    assert [b["event"] for b in bodies] == ["trigger", "acknowledge", "resolve"]
    for headers, raw in receiver.requests:
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
