"""Event listeners. Every subscribed event has one, or Bolt answers 404 and Slack retries.

Slack re-delivers an event it thinks was not received (``X-Slack-Retry-Num``) and Bolt does
not de-duplicate, so each event's work runs only for the first delivery of its ``event_id``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from handlers.ports import Services

log = logging.getLogger(__name__)

# What the app manifest subscribes to (bot/manifest.py): each one has a listener here.
SUBSCRIBED_EVENTS: tuple[str, ...] = (
    "message.channels",
    "reaction_added",
    "reaction_removed",
)
# Slack names the message subscription ``message.channels``; the events arrive as ``message``.
LISTENED_EVENTS = tuple(e.split(".")[0] for e in SUBSCRIBED_EVENTS)

EventWork = Callable[[Services, dict[str, Any]], Awaitable[None]]
_WORK: dict[str, list[EventWork]] = {}


def on_event(event_type: str) -> Callable[[EventWork], EventWork]:
    """Register work for an event type; it runs after the ack, once per event_id."""

    def register(work: EventWork) -> EventWork:
        _WORK.setdefault(event_type, []).append(work)
        return work

    return register


async def first_delivery(services: Services, body: dict[str, Any]) -> bool:
    event_id = body.get("event_id")
    if not event_id:
        return True
    return await services.store.claim(f"event:{event_id}", services.clock.now())


def register(app: AsyncApp, services: Services) -> None:
    async def listener(ack: AsyncAck, body: dict[str, Any], event: dict[str, Any]) -> None:
        await ack()
        works = _WORK.get(str(event.get("type")), [])
        if works:
            services.tasks.spawn(_run(services, body, event, works), name=f"event:{event.get('type')}")

    for event_type in LISTENED_EVENTS:
        app.event(event_type)(listener)


async def _run(services: Services, body: dict[str, Any], event: dict[str, Any], works: list[EventWork]) -> None:
    if not await first_delivery(services, body):
        log.info("duplicate delivery of %s ignored", body.get("event_id"))
        return
    for work in works:
        try:
            await work(services, event)
        except Exception:
            log.exception("%s handling failed", event.get("type"))
