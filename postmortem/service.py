"""Writing the postmortem: assemble the input, render both files off the event loop, keep
the version, and publish it to the channel. Also the review and customer-report reminders."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Protocol
from zoneinfo import ZoneInfo

from incident import events
from incident.clock import Clock
from incident.events import EventBus, IncidentEvent
from incident.impact import DEFAULT_SLA_TARGET
from incident.model import Incident, Status, TimelineEntry
from incident.ports import IncidentStore, Timers, channel_lane
from postmortem.model import ActionItem, KbSuggestion, PageSummary, PostmortemInput, StoredDraft
from postmortem.offload import Offload, pack, render_packed
from timeline.mentions import readable_all

REVIEW = "review_reminder"
POST_DRAFT = "postmortem_post"  # the draft posted on resolution, then the invitation to save what was learnt


class PostmortemStore(Protocol):
    async def add_version(
        self, incident_id: int, render: Callable[[int], Awaitable[str]], at: datetime, names: Mapping[str, str]
    ) -> StoredDraft: ...

    async def latest(self, incident_id: int) -> StoredDraft | None: ...

    async def actions(self, incident_id: int) -> list[ActionItem]: ...


class Publisher(Protocol):
    async def publish(self, incident: Incident, pm: PostmortemInput, markdown: str, workbook: bytes) -> None: ...

    async def remind(self, incident: Incident, key: str, due: datetime) -> None: ...


@dataclass(frozen=True, slots=True)
class PostmortemSettings:
    tz: ZoneInfo
    locale: str
    sla_target: Decimal = DEFAULT_SLA_TARGET
    currency: str = "JPY"
    review_within: timedelta = timedelta(days=7)
    customer_report_within: timedelta | None = None
    business_hours: tuple[time, time] = (time(9, 0), time(18, 0))


@dataclass(frozen=True, slots=True)
class Drafted:
    version: int
    markdown: str
    workbook: bytes


class PostmortemService:
    def __init__(
        self,
        *,
        store: IncidentStore,
        postmortems: PostmortemStore,
        publisher: Publisher,
        timers: Timers,
        clock: Clock,
        settings: PostmortemSettings,
        severity_label: Callable[[str, str], str],
        names: Callable[[Sequence[str]], Awaitable[dict[str, str]]],
        pages: Callable[[int], Awaitable[list[PageSummary]]],
        offload: Offload,
        readable: Callable[[list[str]], Awaitable[list[str]]] | None = None,
    ) -> None:
        self.readable = readable
        self.offload = offload
        self.store = store
        self.postmortems = postmortems
        self.publisher = publisher
        self.timers = timers
        self.clock = clock
        self.settings = settings
        self.severity_label = severity_label
        self.names = names
        self.pages = pages
        self._after_draft: Callable[[Incident], Awaitable[None]] | None = None

    def subscribe(self, bus: EventBus, *, after_draft: Callable[[Incident], Awaitable[None]] | None = None) -> None:
        """On resolution: the draft, then ``after_draft`` (the invitation to save what was learnt)."""
        self._after_draft = after_draft
        bus.subscribe(events.RESOLVED, self._on_resolved)

    async def _on_resolved(self, event: IncidentEvent) -> None:
        incident = event.incident
        resolved = incident.resolved_at or self.clock.now()
        # Stored first and posted after, in the channel's order (after "resolved by"); while
        # Slack is away it is retried from the timers' table.
        post = f"postmortem:{incident.id}:{int(resolved.timestamp())}"
        await self.timers.arm(
            post,
            kind=POST_DRAFT,
            due_at=self.clock.now(),
            payload={"incident_id": incident.id},
            lane=channel_lane(incident.id),
        )
        await self.timers.run_now([post])
        review_due = self.review_due(resolved)
        await self.timers.arm(
            f"review:{incident.id}:{int(resolved.timestamp())}",
            kind=REVIEW,
            due_at=review_due - timedelta(days=1) if review_due - timedelta(days=1) > resolved else review_due,
            payload={"incident_id": incident.id, "kind": "review", "due": review_due.isoformat()},
        )
        if self.settings.customer_report_within:
            due = resolved + self.settings.customer_report_within
            await self.timers.arm(
                f"customer:{incident.id}:{int(resolved.timestamp())}",
                kind=REVIEW,
                due_at=due - timedelta(hours=2),
                payload={"incident_id": incident.id, "kind": "customer", "due": due.isoformat()},
            )

    async def post_draft(self, incident_id: int) -> None:
        """The ``POST_DRAFT`` row: the draft, then ``after_draft``."""
        drafted = await self.draft(incident_id)
        incident = await self.store.get(incident_id)
        if drafted is not None and incident is not None and self._after_draft is not None:
            await self._after_draft(incident)

    def review_due(self, resolved: datetime) -> datetime:
        """The review window's end, moved into business hours on a weekday."""
        start, end = self.settings.business_hours
        local = (resolved + self.settings.review_within).astimezone(self.settings.tz)
        day = local.date()
        if local.time() >= end:
            day += timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        when = max(local.time(), start) if day == local.date() and local.time() < end else start
        return datetime.combine(day, when, self.settings.tz)

    async def remind(self, payload: dict[str, object]) -> None:
        incident = await self.store.get(int(str(payload["incident_id"])))
        if incident is None or incident.status is Status.CLOSED:
            return
        key = "postmortem.review_reminder" if payload["kind"] == "review" else "postmortem.customer_reminder"
        await self.publisher.remind(incident, key, datetime.fromisoformat(str(payload["due"])))

    async def build(
        self, incident: Incident, *, locale: str | None = None, known: Mapping[str, str] | None = None
    ) -> PostmortemInput:
        """The postmortem's input. Names are looked up, or taken from ``known`` (a stored
        version's names: then nothing is asked of Slack)."""
        entries = await self.store.entries(incident.id)
        # A timeline can hold 100,000 entries: every pass over it here lets the event loop run
        # between slices, so other requests are answered while an export is assembled.
        people: set[str] = set()
        for i, e in enumerate(entries, 1):
            if e.actor:
                people.add(e.actor)
            if "<@" in e.text:
                people.update(_MENTION.findall(e.text))
            if i % _SLICE == 0:
                await asyncio.sleep(0)
        pages = await self.pages(incident.id)
        people |= {u for p in pages for u in (*p.user_ids, p.acked_by) if u}
        if incident.commander:
            people.add(incident.commander)
        actions = await self.postmortems.actions(incident.id)
        people |= {a.owner for a in actions if a.owner}
        names = dict(known) if known is not None else await self.names(sorted(people))
        # Exports are read outside Slack: <@U…> and <#C…> become names.
        texts = [e.text for e in entries]
        if known is not None:
            texts = await readable_all(texts, _KnownNames(names))
        elif self.readable is not None:
            texts = await self.readable(texts)
        readable_entries: list[TimelineEntry] = []
        for i, (e, text) in enumerate(zip(entries, texts, strict=True), 1):
            readable_entries.append(e if text == e.text else replace(e, text=text))
            if i % _SLICE == 0:
                await asyncio.sleep(0)
        entries = readable_entries
        locale = locale or incident.locale or self.settings.locale
        suggestions = [
            KbSuggestion(
                str(e.data.get("entry_id", "")),
                str(e.data.get("title", e.text)),
                e.occurred_at,
                _feedback(entries, str(e.data.get("entry_id", ""))),
            )
            for e in entries
            if e.kind == "kb_suggestion"
        ]
        return PostmortemInput(
            incident=incident,
            entries=entries,
            tz=self.settings.tz,
            locale=locale,
            generated_at=self.clock.now(),
            sla_target=self.settings.sla_target,
            currency=self.settings.currency,
            severity_label={k: self.severity_label(k, locale) for k in {incident.severity, *_severities(entries)}},
            names=names,
            pages=pages,
            suggestions=suggestions,
            actions=actions,
        )

    async def draft(self, incident_id: int) -> Drafted | None:
        incident = await self.store.get(incident_id)
        if incident is None or incident.status not in (Status.RESOLVED, Status.CLOSED):
            return None
        pm = await self.build(incident)
        light, entries = await pack(pm)
        workbooks: dict[int, bytes] = {}

        async def render(version: int) -> str:
            # Both files are CPU-bound (a 100k-entry timeline takes seconds even in a thread,
            # which still holds the interpreter lock): rendered together, off the event loop.
            markdown, workbooks[version] = await self.offload(render_packed, replace(light, version=version), entries)
            return markdown

        stored = await self.postmortems.add_version(incident.id, render, pm.generated_at, pm.names)
        pm = replace(pm, version=stored.version)
        workbook = workbooks[stored.version]
        await self.publisher.publish(incident, pm, stored.markdown, workbook)
        return Drafted(stored.version, stored.markdown, workbook)

    async def latest(self, incident: Incident) -> tuple[StoredDraft, PostmortemInput] | None:
        """The last version posted, and its input rebuilt from stored data alone (no Slack call)."""
        stored = await self.postmortems.latest(incident.id)
        if stored is None:
            return None
        pm = await self.build(incident, known=stored.names)
        return stored, replace(pm, version=stored.version, generated_at=stored.generated_at)


_SLICE = 2_000  # entries handled between two turns of the event loop

_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>")


class _KnownNames:
    """Names as a stored version knew them; channels show by the name written in the link."""

    def __init__(self, names: Mapping[str, str]) -> None:
        self._names = names

    async def user_name(self, user_id: str) -> str | None:
        return self._names.get(user_id)

    async def channel_name(self, channel_id: str) -> str | None:
        return None


def _severities(entries: Sequence[object]) -> set[str]:
    found: set[str] = set()
    for e in entries:
        data = getattr(e, "data", {})
        found |= {str(data[k]) for k in ("severity_from", "severity_to") if k in data}
    return found


def _feedback(entries: Sequence[object], entry_id: str) -> str | None:
    verdict = None
    for e in entries:
        if getattr(e, "kind", "") == "kb_feedback" and getattr(e, "data", {}).get("entry_id") == entry_id:
            verdict = str(getattr(e, "data", {}).get("feedback"))
    return verdict
