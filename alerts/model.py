"""The one shape every source's alert is read into."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class AlertStatus(StrEnum):
    FIRING = "firing"
    RESOLVED = "resolved"


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert as a source reported it, already mapped to the team's severity scale.

    ``key`` identifies the alert across repeats and resolution within its source: the
    Alertmanager fingerprint, the Opsgenie alias, or the generic hook's fingerprint."""

    source: str
    key: str
    status: AlertStatus
    name: str
    severity: str
    service: str = ""
    host: str = ""
    metric: str = ""
    summary: str = ""
    description: str = ""
    generator_url: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    group: str = ""  # the source's own grouping (Alertmanager groupKey): one group, one incident
    starts_at: datetime | None = None
    ends_at: datetime | None = None

    @property
    def title(self) -> str:
        """The incident title in the seeds' ``[CRITICAL] {alert_name}`` style."""
        head = f"[{self.severity.upper()}] {self.name}"
        detail = self.summary or self.service
        return f"{head}: {detail}"[:150] if detail else head[:150]

    @property
    def text(self) -> str:
        """What the alert says, for the timeline and knowledge-base suggestions."""
        parts = [self.name, self.summary, self.description]
        return " — ".join(p for p in dict.fromkeys(parts) if p)

    def as_data(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "key": self.key,
            "status": self.status.value,
            "name": self.name,
            "severity": self.severity,
            "service": self.service,
            "host": self.host,
            "metric": self.metric,
            "summary": self.summary,
            "description": self.description,
            "generator_url": self.generator_url,
            "labels": dict(self.labels),
            "group": self.group,
            "starts_at": self.starts_at.isoformat() if self.starts_at else None,
            "ends_at": self.ends_at.isoformat() if self.ends_at else None,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Alert:
        return cls(
            source=str(data["source"]),
            key=str(data["key"]),
            status=AlertStatus(data["status"]),
            name=str(data["name"]),
            severity=str(data["severity"]),
            service=str(data.get("service", "")),
            host=str(data.get("host", "")),
            metric=str(data.get("metric", "")),
            summary=str(data.get("summary", "")),
            description=str(data.get("description", "")),
            generator_url=str(data.get("generator_url", "")),
            labels={str(k): str(v) for k, v in (data.get("labels") or {}).items()},
            group=str(data.get("group", "")),
            starts_at=datetime.fromisoformat(data["starts_at"]) if data.get("starts_at") else None,
            ends_at=datetime.fromisoformat(data["ends_at"]) if data.get("ends_at") else None,
        )


class BadPayload(ValueError):
    """A body that is not the source's shape; ``field`` names what is wrong."""

    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(f"{field_name}: {reason}")
        self.field = field_name
        self.reason = reason
