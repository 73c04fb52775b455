"""What the alert service needs from the outside: a store and somewhere to show alerts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from alerts.maintenance import MaintenanceWindow
from alerts.model import Alert


@dataclass(frozen=True, slots=True)
class Inbound:
    """One thing to act on from a delivery: an alert, or an Opsgenie close/update by alias."""

    action: str
    alias: str = ""
    data: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class AlertEvent:
    id: int
    source: str
    action: str
    alias: str
    data: dict[str, Any]
    received_at: datetime


@dataclass(frozen=True, slots=True)
class StoredAlert:
    id: int
    alert: Alert
    count: int
    first_seen: datetime
    last_seen: datetime
    resolved_at: datetime | None
    incident_id: int | None
    outcome: str


class AlertStore(Protocol):
    async def intake(self, source: str, route: str, body: bytes, items: Sequence[Inbound], now: datetime) -> bool: ...

    async def unprocessed(self, limit: int = 500) -> list[AlertEvent]: ...

    async def mark_processed(self, event_id: int, now: datetime) -> None: ...

    async def related(self, alert: Alert, since: datetime) -> list[StoredAlert]: ...

    async def get(self, alert_id: int) -> StoredAlert | None: ...

    async def window(self, window_id: int) -> MaintenanceWindow | None: ...

    async def by_alias(self, source: str, alias: str) -> StoredAlert | None: ...

    async def add(self, alert: Alert, now: datetime, outcome: str, incident_id: int | None = None) -> StoredAlert: ...

    async def seen_again(self, alert_id: int, alert: Alert, now: datetime) -> StoredAlert: ...

    async def set_incident(self, alert_id: int, incident_id: int | None, outcome: str) -> None: ...

    async def set_data(self, alert_id: int, data: dict[str, Any]) -> None: ...

    async def resolve(self, alert_id: int, now: datetime) -> None: ...

    async def of_incident(self, incident_id: int) -> list[StoredAlert]: ...

    async def open_window(
        self, service: str, starts_at: datetime, ends_at: datetime, reason: str, created_by: str
    ) -> MaintenanceWindow: ...

    async def windows(self, now: datetime) -> list[MaintenanceWindow]: ...

    async def end_windows(self, service: str, now: datetime) -> list[MaintenanceWindow]: ...

    async def claim_end_announcement(self, window_id: int) -> bool: ...


class AlertBoard(Protocol):
    """The triage channel: alerts that declared nothing, and maintenance announcements."""

    async def bot_user(self) -> str: ...

    async def triage(self, stored: StoredAlert, reason: str, locale: str) -> None:
        """``reason`` is ``triage`` (below declare_from) or ``maintenance``."""
        ...

    async def maintenance(self, window: MaintenanceWindow, key: str, locale: str) -> None:
        """Announce a window's ``maintenance_started`` or ``maintenance_ended``."""
        ...
