"""Event listeners. Every subscribed event has one, or Bolt answers 404 and Slack retries."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.container import Services
from bot.manifest import SUBSCRIBED_EVENTS

log = logging.getLogger(__name__)

# Slack names the message subscription ``message.channels``; the events arrive as ``message``.
LISTENED_EVENTS = tuple(e.split(".")[0] for e in SUBSCRIBED_EVENTS)


def register(app: AsyncApp, services: Services) -> None:
    async def acknowledge(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()

    for event_type in LISTENED_EVENTS:
        app.event(event_type)(acknowledge)
