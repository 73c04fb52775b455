"""The incident service: decisions about an incident's life, then their side effects.

Every change is stored before Slack hears of it, so a Slack outage loses nothing: the
record exists and the caller is told what could not be done in Slack.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from incident import events
from incident.clock import Clock
from incident.events import EventBus, IncidentEvent
from incident.model import EntrySource, Incident, Status
from incident.ports import (
    ChannelError,
    IncidentChannel,
    IncidentStore,
    NewEntry,
    NewIncident,
    StaleIncident,
    Timers,
)

log = logging.getLogger(__name__)

_SAVE_ATTEMPTS = 5
CHANNEL_RETRY = "channel_retry"
CHANNEL_RETRY_AFTER = timedelta(seconds=30)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What to tell the person who asked: a catalog key and its parameters."""

    key: str
    params: dict[str, str] = field(default_factory=dict)
    incident: Incident | None = None
    ok: bool = True


@dataclass(frozen=True, slots=True)
class DeclareRequest:
    title: str
    severity: str
    declared_by: str
    description: str = ""
    started_at: datetime | None = None
    locale: str | None = None
    idempotency_key: str | None = None
    services: tuple[str, ...] = ()


class IncidentService:
    def __init__(
        self,
        store: IncidentStore,
        channel: IncidentChannel,
        clock: Clock,
        bus: EventBus,
        timers: Timers,
    ) -> None:
        self.timers = timers
        self.store = store
        self.channel = channel
        self.clock = clock
        self.bus = bus

    async def declare(self, req: DeclareRequest) -> Outcome:
        now = self.clock.now()
        started = req.started_at or now
        incident = await self.store.declare(
            NewIncident(
                year=now.year,
                title=req.title,
                severity=req.severity,
                declared_by=req.declared_by,
                declared_at=now,
                started_at=started,
                description=req.description,
                commander=req.declared_by,
                locale=req.locale,
            ),
            NewEntry(
                kind="declared",
                text=req.title,
                actor=req.declared_by,
                occurred_at=now,
                data={"severity": req.severity},
            ),
            idempotency_key=req.idempotency_key,
        )
        if incident is None:
            return Outcome("core.duplicate_request", ok=False)
        if req.services:
            incident.impact.services = list(req.services)
            incident = await self.store.save(incident)
        try:
            incident = await self._open_channel(incident)
        except ChannelError as exc:
            log.warning("channel for %s not created: %s", incident.ref, exc.code)
            await self.timers.arm(
                f"channel:{incident.id}", CHANNEL_RETRY, now + CHANNEL_RETRY_AFTER, {"incident_id": incident.id}
            )
            return Outcome(
                "core.declared_without_channel",
                {"ref": str(incident.ref), "reason": exc.code},
                incident,
                ok=False,
            )
        await self.bus.publish(IncidentEvent(events.DECLARED, incident, req.declared_by))
        return Outcome(
            "core.declared",
            {"ref": str(incident.ref), "channel": incident.channel_id or ""},
            incident,
        )

    async def retry_channel(self, incident_id: int) -> None:
        """Finish setting up an incident's channel after Slack refused or was down.
        Raising makes the timer try again later."""
        incident = await self.store.get(incident_id)
        if incident is None or incident.summary_ts:
            return
        incident = await self._open_channel(incident)
        await self.bus.publish(IncidentEvent(events.DECLARED, incident, incident.declared_by))

    async def _open_channel(self, incident: Incident) -> Incident:
        # Each step is stored as soon as it succeeds, so a retry continues where it stopped.
        if incident.channel_id is None:
            channel_id, name = await self.channel.open(incident)
            incident.channel_id, incident.channel_name = channel_id, name
            incident = await self.store.save(incident)
        incident.summary_ts = await self.channel.set_up(incident, [incident.declared_by])
        incident = await self.store.save(incident)
        try:
            await self.channel.announce_declared(incident)
        except ChannelError as exc:
            # The incident channel works; a missing announcement must not fail the declare.
            log.warning("announcement for %s failed: %s", incident.ref, exc.code)
        return incident

    async def resolve(self, channel_id: str, actor: str, summary: str) -> Outcome:
        for _ in range(_SAVE_ATTEMPTS):
            incident = await self.store.by_channel(channel_id)
            if incident is None:
                return Outcome("core.not_an_incident_channel", ok=False)
            if incident.status in (Status.RESOLVED, Status.CLOSED):
                return Outcome("core.already_resolved", {"ref": str(incident.ref)}, incident, ok=False)
            now = self.clock.now()
            incident.status = Status.RESOLVED
            incident.resolved_at = now
            incident.mitigated_at = incident.mitigated_at or now
            incident.resolution_summary = summary
            entry = NewEntry(
                kind="resolved", text=summary, actor=actor, occurred_at=now, source=EntrySource.COMMAND
            )
            try:
                incident = await self.store.save(incident, [entry])
            except StaleIncident:
                continue
            await self._tell(self.channel.refresh_summary(incident))
            await self._tell(self.channel.say_resolved(incident, actor))
            await self.bus.publish(IncidentEvent(events.RESOLVED, incident, actor))
            return Outcome("core.resolved", {"ref": str(incident.ref)}, incident)
        return Outcome("core.busy_retry", ok=False)

    async def _tell(self, effect: object) -> None:
        try:
            await effect  # type: ignore[misc]
        except ChannelError as exc:
            log.warning("chat side effect failed: %s", exc.code)
