"""What the incident service needs from the outside world, as protocols.

Adapters implement these: ``storage.incidents.SqlIncidentStore`` and ``chat.incident_channel``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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

    async def declare(
        self,
        new: NewIncident,
        first_entry: NewEntry,
        *,
        idempotency_key: str | None,
        follow_up: Callable[[int], Sequence[Scheduled]] | None = None,
    ) -> Incident | None:
        """Draw the next number and store the incident with its first entry and the work that
        must follow (``follow_up(incident id)``: rows of the timers' table), in one
        transaction. None when the idempotency key was already used."""
        ...

    async def get(self, incident_id: int) -> Incident | None: ...

    async def by_channel(self, channel_id: str) -> Incident | None: ...

    async def by_ref(self, ref: IncidentRef) -> Incident | None: ...

    async def list_open(self) -> list[Incident]: ...

    async def save(
        self, incident: Incident, entries: Sequence[NewEntry] = (), *, schedule: Sequence[Scheduled] = ()
    ) -> Incident:
        """Write the incident (optimistic: raises StaleIncident when its version moved)
        and append entries, in one transaction."""
        ...

    async def add_entries(self, incident_id: int, entries: Sequence[NewEntry]) -> list[TimelineEntry]: ...

    async def entries(self, incident_id: int, *, include_deleted: bool = False) -> list[TimelineEntry]: ...


class ChannelError(Exception):
    """A chat side effect failed (Slack refused or was unreachable); ``code`` says why.
    ``retryable``: Slack was away or busy, so trying again later can work; otherwise Slack said no."""

    retryable = False

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class IncidentChannel(Protocol):
    """The chat side effects of incident decisions; the adapter renders every text."""

    async def open(self, incident: Incident) -> tuple[str, str]:
        """Create the incident's channel; returns (channel id, name)."""
        ...

    async def prepare(self, incident: Incident, invitees: Sequence[str]) -> None:
        """Invite people and set the topic (both can be repeated harmlessly)."""
        ...

    async def post_summary(self, incident: Incident) -> str:
        """Post the summary card; returns its ts."""
        ...

    async def pin_summary(self, incident: Incident) -> None: ...

    async def refresh_summary(self, incident: Incident) -> None: ...

    async def announce_declared(self, incident: Incident) -> None: ...

    async def invite(self, incident: Incident, users: Sequence[str]) -> None: ...

    async def nudge(self, incident: Incident, kind: str) -> None:
        """Remind the commander in the channel (status_update, no_commander, inactive)."""
        ...

    async def notify(
        self,
        incident: Incident,
        key: str,
        params: dict[str, str],
        *,
        announce: bool = False,
        seen_since: datetime | None = None,
    ) -> None:
        """Post a catalog text in the incident channel (and the announcement channel)."""
        ...

    async def severity_changed(self, incident: Incident, *, by: str, before: str, announce: bool) -> None:
        """Tell the channel (and, when ``announce``, the announcement channel) of a new severity."""
        ...


@dataclass(frozen=True, slots=True)
class Scheduled:
    """Work stored to run at ``due_at`` (a deadline) or at once (an effect: the outbox).

    Rows that share a ``lane`` (say, one incident's channel) run one at a time in the order
    they were stored; the rest run as soon as they are due. Stored in the same transaction as
    the decision that wants them, so a crash cannot lose them."""

    key: str
    kind: str
    due_at: datetime
    payload: dict[str, object]
    lane: str | None = None


# What ``Timers.run_now`` says of a row it could not run here and now: another replica holds
# it, or an earlier row of its lane is still unsent. It runs from the table all the same.
LATER = "later"


def channel_lane(incident_id: int) -> str:
    """The lane of rows that post into one incident's channel: they run one at a time, in order."""
    return f"incident:{incident_id}"


class Timers(Protocol):
    """Durable deadlines: armed once per key, fired at most once, surviving restarts."""

    async def arm(
        self, key: str, *, kind: str, due_at: datetime, payload: dict[str, object], lane: str | None = None
    ) -> bool:
        """Arm a deadline; False when the key exists already (armed, fired or cancelled)."""
        ...

    async def cancel(self, key: str) -> bool: ...

    async def cancel_prefix(self, prefix: str) -> int:
        """Cancel every pending deadline whose key starts with ``prefix``."""
        ...

    async def run_now(self, keys: Sequence[str]) -> dict[str, str | None]:
        """Run these stored, due rows here and now (lane rows in order, the rest together);
        each key maps to None when its work is done, else why not (an error code, or "later"
        when another replica holds it or an earlier row of its lane is still unsent). What
        did not run now is retried from the table."""
        ...

    def run_soon(self, keys: Sequence[str]) -> None:
        """``run_now`` without waiting for it (work nobody should wait on: outgoing pagers)."""
        ...
