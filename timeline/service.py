"""Recording the timeline: from commands, message shortcuts and reactions, and corrections."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from incident import events
from incident.clock import Clock
from incident.events import EventBus, IncidentEvent
from incident.model import EntrySource, Incident
from incident.ports import IncidentStore, NewEntry
from timeline.corrections import CorrectionRefusal, decide_delete, decide_edit
from timeline.ports import TimelineCorrections


@dataclass(frozen=True, slots=True)
class Recorded:
    key: str
    params: dict[str, str] = field(default_factory=dict)
    ok: bool = True
    incident: Incident | None = None


@dataclass(frozen=True, slots=True)
class FromMessage:
    """A Slack message to record: who wrote it, when, what, where it lives."""

    ts: str
    user: str | None
    text: str
    permalink: str | None
    files: list[dict[str, str]]

    @property
    def sent_at(self) -> datetime:
        return datetime.fromtimestamp(float(self.ts), UTC)


class TimelineService:
    def __init__(self, store: IncidentStore, corrections: TimelineCorrections, clock: Clock, bus: EventBus) -> None:
        self.store = store
        self.corrections = corrections
        self.clock = clock
        self.bus = bus

    async def record(
        self,
        channel_id: str,
        *,
        kind: str,
        text: str,
        actor: str,
        occurred_at: datetime | None = None,
        source: EntrySource = EntrySource.COMMAND,
        message: FromMessage | None = None,
        incident: Incident | None = None,
    ) -> Recorded:
        """``incident``: the channel's incident when the caller has just read it (a command in an
        incident channel has), so it is not read twice for one entry."""
        incident = incident if incident is not None and incident.channel_id == channel_id else None
        incident = incident or await self.store.by_channel(channel_id)
        if incident is None:
            return Recorded("core.not_an_incident_channel", ok=False)
        entry = NewEntry(
            kind=kind,
            text=text,
            actor=actor,
            occurred_at=occurred_at or self.clock.now(),
            source=source,
            message_ts=message.ts if message else None,
            permalink=message.permalink if message else None,
            files=list(message.files) if message else [],
            data={"recorded_by": actor} if message and message.user != actor else {},
        )
        await self.store.add_entries(incident.id, [entry])
        await self.bus.publish(IncidentEvent(events.ENTRY_ADDED, incident, actor, {"kind": kind, "text": text}))
        return Recorded("timeline.recorded", {"ref": str(incident.ref), "kind": kind}, incident=incident)

    async def record_message(
        self, channel_id: str, message: FromMessage, *, kind: str, actor: str, source: EntrySource
    ) -> Recorded:
        incident = await self.store.by_channel(channel_id)
        if incident is None:
            return Recorded("timeline.not_incident_channel", ok=False)
        existing = await self.corrections.entry_id_for_message(incident.id, message.ts, source=source.value)
        if existing is not None:
            return Recorded("timeline.recorded", {"ref": str(incident.ref), "kind": kind}, incident=incident)
        return await self.record(
            channel_id,
            kind=kind,
            text=message.text,
            actor=message.user or actor,
            occurred_at=message.sent_at,
            source=source,
            message=message,
            incident=incident,
        )

    async def unrecord_message(self, channel_id: str, message_ts: str, actor: str) -> bool:
        incident = await self.store.by_channel(channel_id)
        if incident is None:
            return False
        entry_id = await self.corrections.entry_id_for_message(
            incident.id, message_ts, source=EntrySource.REACTION.value
        )
        if entry_id is None:
            return False
        await self.corrections.amend(entry_id, new_text=None, actor=actor, at=self.clock.now())
        await self.bus.publish(IncidentEvent(events.ENTRY_ADDED, incident, actor, {"kind": "removed"}))
        return True

    async def correct(self, channel_id: str, n: int, new_text: str | None, actor: str) -> Recorded:
        """``timeline edit <n> <text>`` (or ``delete <n>`` when ``new_text`` is None)."""
        incident = await self.store.by_channel(channel_id)
        if incident is None:
            return Recorded("core.not_an_incident_channel", ok=False)
        entries = await self.store.entries(incident.id)
        now = self.clock.now()
        decision = (
            decide_delete(entries, n, actor=actor, commander=incident.commander, at=now)
            if new_text is None
            else decide_edit(entries, n, new_text, actor=actor, commander=incident.commander, at=now)
        )
        if isinstance(decision, CorrectionRefusal):
            return Recorded(decision.key, decision.params, ok=False)
        await self.corrections.amend(decision.entry_id, new_text=decision.new_text, actor=actor, at=now)
        await self.bus.publish(IncidentEvent(events.ENTRY_ADDED, incident, actor, {"kind": "amended"}))
        return Recorded("timeline.deleted" if new_text is None else "timeline.edited", {"n": str(n)}, incident=incident)
