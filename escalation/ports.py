"""What the escalation engine needs from storage and from Slack/pagers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from escalation.planner import EscalationState
from escalation.roster import Override
from incident.model import Incident
from incident.ports import Scheduled


class StaleEscalation(Exception):
    pass


@dataclass(slots=True)
class PageRecord:
    key: str
    incident_id: int
    step: int
    target: str
    kind: str
    reason: str
    user_ids: list[str]
    paged_at: datetime
    messages: list[dict[str, str]] = field(default_factory=list)
    acked_by: str | None = None
    acked_at: datetime | None = None


class EscalationStore(Protocol):
    async def load(self, incident_id: int) -> tuple[EscalationState, int] | None: ...

    async def save(
        self,
        state: EscalationState,
        version: int | None,
        *,
        now: datetime,
        cancel_prefix: str | None = None,
        schedule: Sequence[Scheduled] = (),
        pages: Sequence[PageRecord] = (),
    ) -> int:
        """In one transaction: the state (inserted when ``version`` is None, else updated
        optimistically), pending rows under ``cancel_prefix`` cancelled, the new ``pages``
        recorded (a key recorded before is left alone: never sent twice) and what must follow
        stored in ``schedule`` (next deadlines, the effects that send the pages). Returns the
        new version; ``StaleEscalation`` when someone else saved first."""
        ...

    async def page(self, key: str) -> PageRecord | None: ...

    async def add_message(self, key: str, message: dict[str, str]) -> None:
        """Remember the page message sent to its person (for later edits, and so a retry does
        not send it again), replacing what was noted for them before."""
        ...

    async def active(self) -> list[EscalationState]:
        """States that may still page (not done, not stopped): what the auditor checks."""
        ...

    async def mark_acked(self, incident_id: int, user_id: str, at: datetime) -> None: ...

    async def pages(self, incident_id: int) -> list[PageRecord]: ...

    async def overrides(self, at: datetime) -> list[Override]: ...

    async def add_override(self, override: Override) -> None: ...


class Pager(Protocol):
    """Reaching people: Slack DMs, channel invitations and mentions, outgoing pagers.
    Each call raises ``incident.ports.ChannelError`` when it could not be done."""

    async def dm(
        self, incident: Incident, page: PageRecord, user_id: str, since_declared_minutes: int, *, first_try: bool = True
    ) -> dict[str, str]:
        """Send one person the page (after a try that may have reached Slack, only if their DM
        does not show it yet); returns a reference to the message (for later edits)."""
        ...

    async def notice(self, incident: Incident, page: PageRecord, *, first_try: bool = True) -> None:
        """Invite the paged people into the incident channel and say there who was paged (after
        a try that may have reached Slack, only if the channel does not show it yet)."""
        ...

    async def outgoing(self, incident: Incident, page: PageRecord) -> None:
        """Trigger the level's outgoing pagers (PagerDuty, webhooks); they retry on their own."""
        ...

    async def mention_here(self, incident: Incident) -> None: ...

    async def acknowledged(
        self, incident: Incident, user_id: str, at: datetime, pages: Sequence[PageRecord]
    ) -> None: ...

    async def resolved(self, incident: Incident, pages: Sequence[PageRecord]) -> None: ...
