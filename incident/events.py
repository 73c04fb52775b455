"""Things that happened to an incident, announced after they are stored.

Concerns that react (paging, knowledge suggestions, the live timeline view, postmortems,
reminders) subscribe here instead of being called by the incident service, so the service
stays ignorant of them and one failing subscriber cannot break another.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from incident.model import Incident

log = logging.getLogger(__name__)

# Kinds published by the core; other concerns may publish their own.
DECLARED = "declared"
RESOLVED = "resolved"
REOPENED = "reopened"
CLOSED = "closed"
STATUS_CHANGED = "status_changed"
SEVERITY_CHANGED = "severity_changed"
ENTRY_ADDED = "entry_added"
ACKNOWLEDGED = "acknowledged"
UPDATED = "updated"  # any other change to the incident record (roles, impact, status update)

ANY = "*"


@dataclass(frozen=True, slots=True)
class IncidentEvent:
    kind: str
    incident: Incident
    actor: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


Subscriber = Callable[[IncidentEvent], Awaitable[None]]


class EventBus:
    def __init__(self) -> None:
        self._subscribers: dict[str, list[Subscriber]] = defaultdict(list)

    def subscribe(self, kind: str, subscriber: Subscriber) -> None:
        self._subscribers[kind].append(subscriber)

    async def publish(self, event: IncidentEvent) -> None:
        """Run every subscriber as its own task and wait for all: a page never waits behind
        knowledge cards in a back-off, and one subscriber's failure never stops another."""
        subscribers = [*self._subscribers.get(event.kind, ()), *self._subscribers.get(ANY, ())]
        await asyncio.gather(*(self._run(subscriber, event) for subscriber in subscribers))

    @staticmethod
    async def _run(subscriber: Subscriber, event: IncidentEvent) -> None:
        try:
            await subscriber(event)
        except Exception:
            log.exception(
                "subscriber %s failed on %s",
                getattr(subscriber, "__qualname__", subscriber),
                event.kind,
            )
