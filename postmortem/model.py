"""Everything a postmortem is made from, assembled by the caller as plain data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from incident.impact import ImpactFigures, compute_impact
from incident.model import Incident, TimelineEntry


@dataclass(frozen=True, slots=True)
class SeverityChange:
    at: datetime
    actor: str | None
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class PageSummary:
    target: str
    kind: str  # page | fyi
    reason: str
    user_ids: tuple[str, ...]
    paged_at: datetime
    acked_by: str | None
    acked_at: datetime | None

    @property
    def time_to_ack(self) -> timedelta | None:
        return self.acked_at - self.paged_at if self.acked_at else None


@dataclass(frozen=True, slots=True)
class KbSuggestion:
    entry_id: str
    title: str
    suggested_at: datetime
    feedback: str | None  # helped | not_relevant | None


@dataclass(frozen=True, slots=True)
class ActionItem:
    n: int
    horizon: str  # short | medium | long
    text: str
    owner: str | None
    due: date
    done: bool


@dataclass(frozen=True, slots=True)
class PostmortemInput:
    incident: Incident
    entries: Sequence[TimelineEntry]
    tz: ZoneInfo
    locale: str
    generated_at: datetime
    version: int = 1
    sla_target: Decimal = Decimal("99.9")
    severity_label: Mapping[str, str] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)
    pages: Sequence[PageSummary] = ()
    suggestions: Sequence[KbSuggestion] = ()
    actions: Sequence[ActionItem] = ()

    @property
    def severity_history(self) -> list[SeverityChange]:
        return [
            SeverityChange(
                e.occurred_at, e.actor, str(e.data.get("severity_from", "")), str(e.data.get("severity_to", ""))
            )
            for e in self.entries
            if e.kind == "severity_changed"
        ]

    @property
    def end(self) -> datetime:
        return self.incident.mitigated_at or self.incident.resolved_at or self.generated_at

    @property
    def impact(self) -> ImpactFigures:
        impact = self.incident.impact
        return compute_impact(
            self.incident.started_at,
            self.end,
            users=impact.users,
            tps=impact.tps,
            revenue_per_txn=impact.revenue_per_txn,
            target=self.sla_target,
        )

    def name(self, user_id: str | None) -> str:
        if not user_id:
            return "—"
        return self.names.get(user_id, user_id)

    def label(self, severity: str) -> str:
        return self.severity_label.get(severity, severity)

    def milestones(self) -> list[tuple[str, datetime | None]]:
        i = self.incident
        detected = (
            i.detected_at
            or next((e.occurred_at for e in self.entries if e.kind in ("detected", "alert")), None)
            or i.declared_at
        )
        return [
            ("started", i.started_at),
            ("detected", detected),
            ("declared", i.declared_at),
            ("acknowledged", i.acknowledged_at),
            ("mitigated", i.mitigated_at),
            ("resolved", i.resolved_at),
        ]

    def durations(self) -> list[tuple[str, timedelta | None]]:
        at = dict(self.milestones())
        start = at["started"]

        def since(key: str) -> timedelta | None:
            value = at[key]
            return value - start if value and start else None

        return [
            ("to_detect", since("detected")),
            ("to_acknowledge", since("acknowledged")),
            ("to_mitigate", since("mitigated")),
            ("to_resolve", since("resolved")),
        ]
