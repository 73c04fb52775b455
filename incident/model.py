"""The records an incident is made of, as plain data.

Storage maps these to tables; Slack rendering reads them. Neither concern leaks in here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Status(StrEnum):
    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MITIGATED = "mitigated"
    RESOLVED = "resolved"
    CLOSED = "closed"


class EntrySource(StrEnum):
    COMMAND = "command"
    SHORTCUT = "shortcut"
    REACTION = "reaction"
    AUTOMATIC = "automatic"


# Kinds of timeline entries. The first group follows the source template (domain §4);
# the second group is written by the bot itself.
USER_KINDS: tuple[str, ...] = (
    "started",
    "detected",
    "alert",
    "action",
    "hypothesis",
    "verification",
    "escalation",
    "root_cause",
    "mitigation",
    "recovery",
    "note",
)
AUTOMATIC_KINDS: tuple[str, ...] = (
    "declared",
    "severity_changed",
    "status_changed",
    "role_assigned",
    "impact_updated",
    "status_update",
    "page",
    "fyi",
    "ack",
    "escalated",
    "page_cancelled",
    "kb_suggestion",
    "kb_feedback",
    "resolved",
    "reopened",
    "closed",
    "action_item",
)
# Kept for the bot's own memory (what it suggested, whom it told), not for readers: the live
# view, the postmortem timeline and the exports leave these out.
BOOKKEEPING_KINDS: frozenset[str] = frozenset({"kb_suggestion", "kb_feedback", "fyi"})


@dataclass(frozen=True, slots=True)
class IncidentRef:
    """The human number of an incident, e.g. INC-2026-0007."""

    year: int
    number: int

    def __str__(self) -> str:
        return f"INC-{self.year}-{self.number:04d}"

    @classmethod
    def parse(cls, text: str) -> IncidentRef | None:
        parts = text.strip().upper().split("-")
        if len(parts) != 3 or parts[0] != "INC":
            return None
        if not (parts[1].isdigit() and parts[2].isdigit()):
            return None
        return cls(int(parts[1]), int(parts[2]))


@dataclass(slots=True)
class Impact:
    users: int | None = None
    tps: float | None = None
    revenue_per_txn: float | None = None
    services: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Incident:
    id: int
    ref: IncidentRef
    title: str
    severity: str
    status: Status
    declared_by: str
    declared_at: datetime
    started_at: datetime
    commander: str | None = None
    description: str = ""
    channel_id: str | None = None
    channel_name: str | None = None
    summary_ts: str | None = None
    timeline_ts: str | None = None
    detected_at: datetime | None = None
    acknowledged_at: datetime | None = None
    mitigated_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    resolution_summary: str = ""
    roles: dict[str, str] = field(default_factory=dict)
    impact: Impact = field(default_factory=Impact)
    last_update_at: datetime | None = None
    locale: str | None = None
    version: int = 1

    @property
    def is_open(self) -> bool:
        return self.status not in (Status.RESOLVED, Status.CLOSED)


@dataclass(slots=True)
class TimelineEntry:
    id: int
    incident_id: int
    seq: int
    occurred_at: datetime
    recorded_at: datetime
    kind: str
    text: str
    actor: str | None
    source: EntrySource
    message_ts: str | None = None
    permalink: str | None = None
    files: list[dict[str, str]] = field(default_factory=list)
    data: dict[str, object] = field(default_factory=dict)
    deleted: bool = False
    amended: bool = False
