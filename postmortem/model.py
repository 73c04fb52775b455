"""Everything a postmortem is made from, assembled by the caller as plain data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from incident.impact import DEFAULT_SLA_TARGET, ImpactFigures, compute_impact
from incident.model import BOOKKEEPING_KINDS, Incident, TimelineEntry


@dataclass(frozen=True, slots=True)
class SeverityChange:
    """One change of severity: when, by whom, from which level to which."""

    at: datetime
    actor: str | None
    before: str
    after: str


# Reasons the escalation engine gives for a page that goes up a level rather than starting one.
ESCALATING_REASONS = frozenset({"manual", "ack_timeout", "handle_timeout"})


@dataclass(frozen=True, slots=True)
class PageSummary:
    """One page (or FYI) of the escalation history: who was reached, and who answered when."""

    target: str  # the level paged, e.g. level1
    kind: str  # page | fyi
    reason: str  # declared | ack_timeout | handle_timeout | manual | repeat | fyi …
    user_ids: tuple[str, ...]
    paged_at: datetime
    acked_by: str | None
    acked_at: datetime | None

    def reached(self, user_id: str | None) -> bool:
        return user_id is not None and user_id in self.user_ids

    @property
    def display_kind(self) -> str:
        """page, fyi or escalation: a page sent because the level before did not answer in time."""
        if self.kind == "page" and self.reason in ESCALATING_REASONS:
            return "escalation"
        return self.kind if self.kind in ("page", "fyi", "escalation") else "page"


@dataclass(frozen=True, slots=True)
class PageAnswer:
    """How one page ended: ``acknowledged`` (by whom, when), ``unanswered``, or ``fyi`` (no answer expected)."""

    page: PageSummary
    state: str  # acknowledged | unanswered | fyi
    by: str | None = None
    at: datetime | None = None

    @property
    def time_to_ack(self) -> timedelta | None:
        return max(self.at - self.page.paged_at, timedelta(0)) if self.at else None


def page_answers(pages: Sequence[PageSummary]) -> list[PageAnswer]:
    """Each page with its answer, in the order they were sent.

    The store marks every page of the incident with the one acknowledgement; it belongs to
    the page that reached the person who acknowledged (the latest such page sent before the
    acknowledgement), or else to the last page sent before it. FYIs expect no answer.
    """
    ordered = sorted(pages, key=lambda p: p.paged_at)
    real = [p for p in ordered if p.kind != "fyi"]
    answered: PageSummary | None = None
    acks = [(p.acked_by, p.acked_at) for p in ordered if p.acked_by and p.acked_at]
    by, at = acks[0] if acks else (None, None)
    if by and at:
        before = [p for p in real if p.paged_at <= at]
        answered = next((p for p in reversed(before) if p.reached(by)), before[-1] if before else None)
    out: list[PageAnswer] = []
    for p in ordered:
        if p.kind == "fyi":
            out.append(PageAnswer(p, "fyi"))
        elif p is answered:
            out.append(PageAnswer(p, "acknowledged", by, at))
        else:
            out.append(PageAnswer(p, "unanswered"))
    return out


@dataclass(frozen=True, slots=True)
class KbSuggestion:
    """A knowledge-base entry the bot suggested during the incident, and the team's verdict."""

    entry_id: str
    title: str
    suggested_at: datetime
    feedback: str | None  # helped | not_relevant | None


@dataclass(frozen=True, slots=True)
class ActionItem:
    """An improvement action (再発防止策), numbered per incident."""

    n: int
    horizon: str  # short | medium | long
    text: str
    owner: str | None
    due: date
    done: bool


@dataclass(frozen=True, slots=True)
class StoredDraft:
    """A kept version: its number, the Markdown as posted, and the names it was written with."""

    version: int
    markdown: str
    names: Mapping[str, str]
    generated_at: datetime


@dataclass(frozen=True, slots=True)
class PostmortemInput:
    """Everything one rendering needs; renderers read nothing else (no clock, no storage).

    ``severity_changes`` may be given by the caller; when None it is read from the
    timeline's ``severity_changed`` entries. ``names`` maps Slack user ids to display names.
    """

    incident: Incident
    entries: Sequence[TimelineEntry]
    tz: ZoneInfo
    locale: str
    generated_at: datetime
    version: int = 1
    sla_target: Decimal = DEFAULT_SLA_TARGET
    currency: str = "JPY"
    severity_label: Mapping[str, str] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)
    pages: Sequence[PageSummary] = ()
    suggestions: Sequence[KbSuggestion] = ()
    actions: Sequence[ActionItem] = ()
    severity_changes: Sequence[SeverityChange] | None = None

    @property
    def severity_history(self) -> list[SeverityChange]:
        if self.severity_changes is not None:
            return sorted(self.severity_changes, key=lambda c: c.at)
        return [
            SeverityChange(
                e.occurred_at, e.actor, str(e.data.get("severity_from", "")), str(e.data.get("severity_to", ""))
            )
            for e in self.entries
            if e.kind == "severity_changed" and not e.deleted
        ]

    @property
    def timeline(self) -> list[TimelineEntry]:
        """The entries shown: deleted ones and bookkeeping left out, in the order things happened."""
        shown = (e for e in self.entries if not e.deleted and e.kind not in BOOKKEEPING_KINDS)
        return sorted(shown, key=lambda e: (e.occurred_at, e.seq))

    @property
    def end(self) -> datetime:
        """When the impact ended, by the source's formula: the resolution (the time of writing
        while unresolved). Time to mitigate is shown beside it, not instead of it."""
        return self.incident.resolved_at or self.generated_at

    @property
    def answers(self) -> list[PageAnswer]:
        return page_answers(self.pages)

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
        """A display name for a user id; — for nobody (e.g. an alert with no actor)."""
        if not user_id:
            return "—"
        return self.names.get(user_id, user_id)

    def label(self, severity: str) -> str:
        return self.severity_label.get(severity, severity)

    def milestones(self) -> list[tuple[str, datetime | None]]:
        """Start, detection, declaration, acknowledgement, mitigation, resolution (None if not reached)."""
        i = self.incident
        detected = (
            i.detected_at
            or min((e.occurred_at for e in self.timeline if e.kind in ("detected", "alert")), default=None)
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
        """Time to detect (from the start), to acknowledge (from detection: what responders
        control), to mitigate and to resolve (from the start: what users lived through)."""
        at = dict(self.milestones())

        def between(first: str, last: str) -> timedelta | None:
            a, b = at[first], at[last]
            return max(b - a, timedelta(0)) if a and b else None

        return [
            ("to_detect", between("started", "detected")),
            ("to_acknowledge", between("detected", "acknowledged")),
            ("to_mitigate", between("started", "mitigated")),
            ("to_resolve", between("started", "resolved")),
        ]
