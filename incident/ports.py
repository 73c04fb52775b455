"""What the incident service needs from the outside world, as protocols.

Adapters implement these: ``storage.incidents.SqlIncidentStore`` and ``chat.incident_channel``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from incident.model import EntrySource, Incident, IncidentRef, TimelineEntry


class StaleIncident(Exception):
    """The incident changed since it was read; reload and decide again."""


@dataclass(slots=True)
class NewEntry:
    kind: str
    text: str
    actor: str | None
    occurred_at: datetime
    source: EntrySource = EntrySource.AUTOMATIC
    message_ts: str | None = None
    permalink: str | None = None
    files: list[dict[str, str]] = field(default_factory=list)
    data: dict[str, object] = field(default_factory=dict)


@dataclass(slots=True)
class NewIncident:
    year: int
    title: str
    severity: str
    declared_by: str
    declared_at: datetime
    started_at: datetime
    description: str = ""
    commander: str | None = None
    locale: str | None = None


class IncidentStore(Protocol):
    async def claim(self, key: str, now: datetime) -> bool:
        """Record an idempotency key; False when it was already claimed."""
        ...

    async def declare(self, new: NewIncident, first_entry: NewEntry, *, idempotency_key: str | None) -> Incident | None:
        """Draw the next number and store the incident with its first entry, in one
        transaction. None when the idempotency key was already used."""
        ...

    async def get(self, incident_id: int) -> Incident | None: ...

    async def by_channel(self, channel_id: str) -> Incident | None: ...

    async def by_ref(self, ref: IncidentRef) -> Incident | None: ...

    async def list_open(self) -> list[Incident]: ...

    async def save(self, incident: Incident, entries: Sequence[NewEntry] = ()) -> Incident:
        """Write the incident (optimistic: raises StaleIncident when its version moved)
        and append entries, in one transaction."""
        ...

    async def add_entries(self, incident_id: int, entries: Sequence[NewEntry]) -> list[TimelineEntry]: ...

    async def entries(self, incident_id: int, *, include_deleted: bool = False) -> list[TimelineEntry]: ...


class ChannelError(Exception):
    """A chat side effect failed (Slack refused or was unreachable); ``code`` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class IncidentChannel(Protocol):
    """The chat side effects of incident decisions; the adapter renders every text."""

    async def open(self, incident: Incident) -> tuple[str, str]:
        """Create the incident's channel; returns (channel id, name)."""
        ...

    async def set_up(self, incident: Incident, invitees: Sequence[str]) -> str:
        """Invite people, set the topic, post and pin the summary; returns the summary ts."""
        ...

    async def refresh_summary(self, incident: Incident) -> None: ...

    async def announce_declared(self, incident: Incident) -> None: ...

    async def invite(self, incident: Incident, users: Sequence[str]) -> None: ...

    async def nudge(self, incident: Incident, kind: str) -> None:
        """Remind the commander in the channel (status_update, no_commander, inactive)."""
        ...

    async def notify(self, incident: Incident, key: str, params: dict[str, str], *, announce: bool = False) -> None:
        """Post a catalog text in the incident channel (and the announcement channel)."""
        ...

    async def severity_changed(self, incident: Incident, *, by: str, before: str, announce: bool) -> None:
        """Tell the channel (and, when ``announce``, the announcement channel) of a new severity."""
        ...


class Timers(Protocol):
    """Durable deadlines: armed once per key, fired at most once, surviving restarts."""

    async def arm(self, key: str, *, kind: str, due_at: datetime, payload: dict[str, object]) -> bool:
        """Arm a deadline; False when the key exists already (armed, fired or cancelled)."""
        ...

    async def cancel(self, key: str) -> bool: ...

    async def cancel_prefix(self, prefix: str) -> int:
        """Cancel every pending deadline whose key starts with ``prefix``."""
        ...
