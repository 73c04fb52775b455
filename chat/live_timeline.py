"""The pinned live timeline: one message per incident channel, edited in place, coalesced."""

from __future__ import annotations

import logging
from datetime import timedelta
from zoneinfo import ZoneInfo

from chat.errors import ChatError
from chat.gateway import SlackGateway
from chat.timeline_blocks import render_live_view
from incident import events
from incident.clock import Clock
from incident.events import EventBus, IncidentEvent
from incident.model import BOOKKEEPING_KINDS
from incident.ports import IncidentStore, StaleIncident
from timeline.coalesce import Coalescer

log = logging.getLogger(__name__)


class LiveTimeline:
    def __init__(
        self,
        gateway: SlackGateway,
        store: IncidentStore,
        *,
        tz: ZoneInfo,
        locale: str,
        clock: Clock,
        interval: timedelta = timedelta(seconds=2),
    ) -> None:
        self.gateway = gateway
        self.store = store
        self.tz = tz
        self.locale = locale
        self.coalescer: Coalescer[int] = Coalescer(self.flush, clock=clock, interval=interval)
        self._shown: dict[int, tuple[str, str]] = {}  # what each live view says now, to skip no-op edits

    def subscribe(self, bus: EventBus) -> None:
        bus.subscribe(events.ANY, self._changed)

    async def _changed(self, event: IncidentEvent) -> None:
        if event.incident.channel_id:
            self.coalescer.notify(event.incident.id)

    async def flush(self, incident_id: int) -> None:
        incident = await self.store.get(incident_id)
        if incident is None or not incident.channel_id:
            return
        entries = [e for e in await self.store.entries(incident_id) if e.kind not in BOOKKEEPING_KINDS]
        text, blocks = render_live_view(
            str(incident.ref), incident.title, entries, locale=incident.locale or self.locale, tz=self.tz
        )
        rendered = (text, repr(blocks))
        if incident.timeline_ts:
            if self._shown.get(incident_id) == rendered:
                return  # the view already says exactly this
            await self.gateway.update(incident.channel_id, incident.timeline_ts, text, blocks)
            self._shown[incident_id] = rendered
            return
        try:
            ts = await self.gateway.post(incident.channel_id, text, blocks)
            self._shown[incident_id] = rendered
            await self.gateway.pin(incident.channel_id, ts)
        except ChatError as exc:
            log.warning("live timeline for %s not posted: %s", incident.ref, exc.code)
            return
        for _ in range(5):
            incident.timeline_ts = ts
            try:
                await self.store.save(incident)
                return
            except StaleIncident:
                fresh = await self.store.get(incident_id)
                if fresh is None:
                    return
                incident = fresh
