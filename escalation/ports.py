"""What the escalation engine needs from storage and from Slack/pagers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from escalation.planner import EscalationState
from escalation.roster import Override
from incident.model import Incident


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

    async def save(self, state: EscalationState, version: int | None) -> int:
        """Insert (version None) or update optimistically; returns the new version."""
        ...

    async def record_page(self, page: PageRecord) -> bool:
        """False when a page with this key was already recorded (never send it twice)."""
        ...

    async def set_messages(self, key: str, messages: list[dict[str, str]]) -> None: ...

    async def mark_acked(self, incident_id: int, user_id: str, at: datetime) -> None: ...

    async def pages(self, incident_id: int) -> list[PageRecord]: ...

    async def overrides(self, at: datetime) -> list[Override]: ...

    async def add_override(self, override: Override) -> None: ...


class Pager(Protocol):
    """Reaching people: Slack DMs, channel invitations and mentions, outgoing pagers."""

    async def page(self, incident: Incident, page: PageRecord, since_declared_minutes: int) -> list[dict[str, str]]:
        """Notify ``page.user_ids``; returns references to the messages sent (for later edits)."""
        ...

    async def mention_here(self, incident: Incident) -> None: ...

    async def acknowledged(
        self, incident: Incident, user_id: str, at: datetime, pages: Sequence[PageRecord]
    ) -> None: ...

    async def resolved(self, incident: Incident, pages: Sequence[PageRecord]) -> None: ...
