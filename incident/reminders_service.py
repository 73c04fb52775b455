"""Arms, re-arms and fires reminders as the incident changes (subscribes to incident events)."""

from __future__ import annotations

import logging
from datetime import datetime

from incident import events, nudges
from incident.clock import Clock
from incident.events import IncidentEvent
from incident.ports import IncidentChannel, IncidentStore, Timers
from incident.severity import SeverityScale

log = logging.getLogger(__name__)

NUDGE = "nudge"


class ReminderService:
    def __init__(
        self, store: IncidentStore, timers: Timers, channel: IncidentChannel, scale: SeverityScale, clock: Clock
    ) -> None:
        self.clock = clock
        self.store = store
        self.timers = timers
        self.channel = channel
        self.scale = scale

    def subscribe(self, bus: events.EventBus) -> None:
        bus.subscribe(events.ANY, self.on_event)

    async def on_event(self, event: IncidentEvent) -> None:
        incident = event.incident
        if event.kind in (events.RESOLVED, events.CLOSED):
            await self.timers.cancel_prefix(nudges.prefix(incident.id))
            return
        if event.kind == events.ENTRY_ADDED and not nudges.counts_as_activity(str(event.data.get("kind"))):
            return  # a page or a suggestion is not someone working on the incident
        # The event itself is the latest activity: no need to read the timeline back.
        last_activity = self.clock.now()
        if event.kind == events.UPDATED and "status_update" in event.data:
            await self.timers.cancel_prefix(nudges.prefix(incident.id, "status_update"))
        if event.kind == events.SEVERITY_CHANGED:
            await self.timers.cancel_prefix(nudges.prefix(incident.id, "status_update"))
        await self.timers.cancel_prefix(nudges.prefix(incident.id, "inactive"))
        for nudge in nudges.planned(incident, self.scale, last_activity):
            await self.timers.arm(
                nudge.key(incident.id), kind=NUDGE, due_at=nudge.due_at, payload=nudge.payload(incident.id)
            )

    @staticmethod
    def _now(payload: dict[str, object]) -> datetime:
        return datetime.fromisoformat(str(payload["fired_at"]))

    async def fire(self, payload: dict[str, object]) -> None:
        """``payload`` is the deadline's, plus ``fired_at``."""
        incident = await self.store.get(int(str(payload["incident_id"])))
        if incident is None:
            return
        kind = str(payload["kind"])
        basis = datetime.fromisoformat(str(payload["basis"]))
        last_activity = await self._last_activity(incident.id, incident.declared_at)
        if not nudges.still_due(kind, basis, incident, last_activity):
            return
        await self.channel.nudge(incident, kind)
        following = nudges.repeat(kind, basis, self._now(payload), incident, self.scale)
        if following is not None:
            await self.timers.arm(
                following.key(incident.id), kind=NUDGE, due_at=following.due_at, payload=following.payload(incident.id)
            )

    async def _last_activity(self, incident_id: int, default: datetime) -> datetime:
        entries = await self.store.entries(incident_id)
        return max((e.recorded_at for e in entries if nudges.counts_as_activity(e.kind)), default=default)
