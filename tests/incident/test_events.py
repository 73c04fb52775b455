"""Subscribers run side by side: a slow or failing one delays and breaks no other."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from incident.events import DECLARED, EventBus, IncidentEvent
from incident.model import Incident, IncidentRef, Status

T0 = datetime(2026, 11, 22, 5, 30, tzinfo=UTC)
INCIDENT = Incident(1, IncidentRef(2026, 1), "Checkout down", "critical", Status.INVESTIGATING, "U0ALICE", T0, T0)


async def test_the_page_does_not_wait_behind_a_subscriber_in_a_back_off() -> None:
    bus, cards_released, order = EventBus(), asyncio.Event(), []

    async def knowledge_cards(event: IncidentEvent) -> None:  # wired first, stuck in a 429 back-off
        await cards_released.wait()
        order.append("cards")

    async def failing(event: IncidentEvent) -> None:
        raise RuntimeError("a bug in one subscriber")

    async def page(event: IncidentEvent) -> None:
        order.append("page")
        cards_released.set()

    for subscriber in (knowledge_cards, failing, page):
        bus.subscribe(DECLARED, subscriber)
    await asyncio.wait_for(bus.publish(IncidentEvent(DECLARED, INCIDENT)), 5)
    assert order == ["page", "cards"]
