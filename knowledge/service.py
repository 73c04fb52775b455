"""The knowledge base at work: import, search, suggest during incidents, learn from feedback."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from incident import events
from incident.clock import Clock
from incident.events import EventBus, IncidentEvent
from incident.model import EntrySource, Incident
from incident.ports import IncidentStore, NewEntry
from knowledge.dense import Encoder, default_encoder, embed_entries
from knowledge.entry import INITIAL_SUCCESS_RATE, KbEntry, updated_success_rate
from knowledge.ingest import IngestReport, Source, plan_import
from knowledge.rank import Hit, KnowledgeIndex, SearchContext

log = logging.getLogger(__name__)

SUGGEST_ON = ("hypothesis", "alert", "note")
# At most one card post nobody asked for per incident in this long (`knowledge.card_interval`).
CARD_INTERVAL = timedelta(minutes=30)
# Words every ops sentence has: matching them explains nothing, so a card never shows them.
GENERIC_WORDS = frozenset(
    [
        *("log", "logs", "show", "shows", "check", "checked", "see", "error", "errors", "issue", "problem", "get"),
        *("got", "all", "not", "no", "some", "after", "before", "than", "then", "when", "has", "have", "had", "can"),
    ]
)


@dataclass(frozen=True, slots=True)
class Shown:
    """What one card says about a match: the terms worth reading, and the helped rate once feedback moved it."""

    terms: tuple[str, ...]
    rate: float | None


def shown(hit: Hit, entry: KbEntry) -> Shown:
    terms = tuple(w for w in hit.why if w.lower() not in GENERIC_WORDS)
    # The rate starts at the prior for every entry; until someone presses a button it says nothing.
    rate = entry.success_rate if entry.success_rate != INITIAL_SUCCESS_RATE else None
    return Shown(terms, rate)


def may_post_unrequested(last_unrequested: datetime | None, now: datetime, interval: timedelta) -> bool:
    """A card nobody asked for waits until ``interval`` has passed since the last one."""
    return last_unrequested is None or now - last_unrequested >= interval


class KnowledgeStore(Protocol):
    async def all(self) -> list[KbEntry]: ...

    async def upsert(self, entries: Sequence[KbEntry], at: datetime) -> None: ...

    async def set_success_rate(self, entry_id: str, rate: float) -> None: ...

    async def success_rate(self, entry_id: str) -> float | None: ...


class SuggestionPoster(Protocol):
    async def post(self, incident: Incident, hits: Sequence[Hit], entries: Sequence[KbEntry]) -> None: ...


class KnowledgeService:
    def __init__(
        self,
        store: KnowledgeStore,
        incidents: IncidentStore,
        clock: Clock,
        *,
        threshold: float,
        encoder: Callable[[], Encoder | None] = default_encoder,
        card_interval: timedelta = CARD_INTERVAL,
    ) -> None:
        self.store = store
        self.encoder = encoder
        self.card_interval = card_interval
        self.incidents = incidents
        self.clock = clock
        self.threshold = threshold
        self.index = KnowledgeIndex([])
        self.poster: SuggestionPoster | None = None
        self._lock = asyncio.Lock()
        self._bus: EventBus | None = None

    async def load(self) -> None:
        """Rebuild the in-memory index from storage, off the event loop; searches keep
        using the previous index until the new one is ready. The embedding model (when the
        extra is installed) is loaded there too, once per process."""
        entries = await self.store.all()
        self.index = await asyncio.to_thread(lambda: KnowledgeIndex.build(entries, self.encoder()))
        log.info("knowledge index built: %d entries, %s ranking", len(self.index), self.index.mode)

    @property
    def mode(self) -> str:
        """``hybrid`` (lexical + embeddings) or ``lexical``, as the current index ranks."""
        return self.index.mode

    async def import_sources(self, sources: Sequence[Source]) -> IngestReport:
        async with self._lock:
            existing = {e.id: e for e in await self.store.all()}
            report, upserts = plan_import(existing, sources)
            encoder = await asyncio.to_thread(self.encoder)
            if upserts and encoder is not None:
                # Embedded once here and stored with the entry: restarts don't recompute.
                await asyncio.to_thread(embed_entries, encoder, upserts)
            if upserts:
                await self.store.upsert(upserts, self.clock.now())
                await self.load()
        return report

    async def save(self, entry: KbEntry) -> None:
        async with self._lock:
            encoder = await asyncio.to_thread(self.encoder)
            if encoder is not None:
                entry.embedding = None  # the text may have changed
                await asyncio.to_thread(embed_entries, encoder, [entry])
            await self.store.upsert([entry], self.clock.now())
            await self.load()

    def search(
        self,
        query: str,
        *,
        limit: int = 3,
        context: SearchContext | None = None,
        threshold: float = 0.0,
        exclude: Sequence[str] = (),
    ) -> list[Hit]:
        return self.index.search(query, limit=limit, context=context, threshold=threshold, exclude=exclude)

    async def feedback(self, incident_id: int, entry_id: str, helped: bool, actor: str) -> float | None:
        old = await self.store.success_rate(entry_id)
        if old is None:
            return None
        rate = updated_success_rate(old, helped)
        await self.store.set_success_rate(entry_id, rate)
        self.index.set_success_rate(entry_id, rate)
        await self.incidents.add_entries(
            incident_id,
            [
                NewEntry(
                    kind="kb_feedback",
                    text=entry_id,
                    actor=actor,
                    occurred_at=self.clock.now(),
                    source=EntrySource.AUTOMATIC,
                    data={
                        "entry_id": entry_id,
                        "feedback": "helped" if helped else "not_relevant",
                        "success_rate": rate,
                    },
                )
            ],
        )
        return rate

    # -- surfacing during an incident ------------------------------------------------------------

    def subscribe(self, bus: EventBus) -> None:
        bus.subscribe(events.DECLARED, self._on_declared)
        bus.subscribe(events.ENTRY_ADDED, self._on_entry)
        self._bus = bus

    async def _on_declared(self, event: IncidentEvent) -> None:
        incident = event.incident
        await self.suggest(incident, f"{incident.title} {incident.description}")

    async def _on_entry(self, event: IncidentEvent) -> None:
        if event.data.get("kind") in SUGGEST_ON and event.data.get("text"):
            await self.suggest(event.incident, str(event.data["text"]))

    async def suggest(self, incident: Incident, query: str, *, again: bool = False) -> list[Hit]:
        """Post the best matches above the threshold. Unasked, an entry is suggested once per
        incident and at most one card post goes out per ``card_interval``; asked for
        explicitly (``again``, ``/incident kb``), every match is shown."""
        if self.poster is None or not len(self.index):
            return []
        now = self.clock.now()
        earlier = [] if again else [e for e in await self.incidents.entries(incident.id) if e.kind == "kb_suggestion"]
        unrequested = [e.occurred_at for e in earlier if not e.data.get("requested")]
        if not may_post_unrequested(max(unrequested, default=None), now, self.card_interval):
            return []
        suggested = [str(e.data.get("entry_id")) for e in earlier]
        context = SearchContext(incident.severity, tuple(incident.impact.services))
        hits = self.search(query, context=context, threshold=self.threshold, exclude=suggested)
        if not hits:
            return []
        entries = [e for h in hits if (e := self.index.entry(h.entry_id)) is not None]
        await self.poster.post(incident, hits, entries)
        await self.incidents.add_entries(
            incident.id,
            [
                NewEntry(
                    kind="kb_suggestion",
                    text=h.title,
                    actor=None,
                    occurred_at=now,
                    source=EntrySource.AUTOMATIC,
                    data={
                        "entry_id": h.entry_id,
                        "title": h.title,
                        "score": h.score,
                        "why": list(h.why),
                        "requested": again,
                    },
                )
                for h in hits
            ],
        )
        if self._bus is not None:
            await self._bus.publish(IncidentEvent(events.ENTRY_ADDED, incident, None, {"kind": "kb_suggestion"}))
        return hits

    async def suggested(self, incident_id: int) -> list[str]:
        return [
            str(e.data.get("entry_id")) for e in await self.incidents.entries(incident_id) if e.kind == "kb_suggestion"
        ]
