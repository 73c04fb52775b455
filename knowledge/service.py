"""The knowledge base at work: import, search, suggest during incidents, learn from feedback."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

import numpy as np

from incident import events
from incident.clock import Clock
from incident.events import EventBus, IncidentEvent
from incident.model import EntrySource, Incident
from incident.ports import IncidentStore, NewEntry
from knowledge.dense import DIMENSIONS, Encoder, default_encoder, embed_texts, embedding_text, pack, unit_rows
from knowledge.entry import INITIAL_SUCCESS_RATE, KbEntry, updated_success_rate
from knowledge.index import build_packed, pack_fields
from knowledge.ingest import IngestReport, Source, plan_import
from knowledge.rank import Hit, KnowledgeIndex, SearchContext

log = logging.getLogger(__name__)
T = TypeVar("T")

# Work done on the event loop between two yields while (re)indexing: small enough that a
# request waits a few milliseconds at most.
_CHUNK = 500
_EMBED_BATCH = 64

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


def _encode(encoder: Encoder, texts: list[str]) -> list[str]:
    return [pack(v) for v in encoder.encode(texts)]


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
        workers: Executor | None = None,
    ) -> None:
        """``workers``: a process pool for the CPU-heavy parts (index build, batch embedding
        with the default encoder), so they never hold this process's interpreter; without it
        they run in a thread."""
        self.store = store
        self.workers = workers
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
        """Rebuild the in-memory index from storage; searches keep using the previous index
        until the new one is ready. The postings are built in ``workers`` from plain data
        (each entry's weighted fields), and come back as a few arrays; what stays on the
        event loop (reading rows, the fields, the embedding matrix) goes in small chunks.
        The embedding model (when the extra is installed) is loaded once per process."""
        # Reading tens of thousands of entries allocates millions of objects: left on, the
        # collector would walk all of them again and again (pauses of 0.2–0.5 s at 20k), and
        # once more when turned back on, unless they are frozen first (they live as long as
        # the index, and hold no reference cycles).
        gc.disable()
        try:
            entries = await self.store.all()
            fields: list[list[tuple[str, float]]] = []
            for start in range(0, len(entries), _CHUNK):
                fields += [e.searchable() for e in entries[start : start + _CHUNK]]
                await asyncio.sleep(0)
            joined, weights = pack_fields(fields)
            del fields
        finally:
            gc.freeze()
            gc.enable()
        encoder = await asyncio.to_thread(self.encoder)
        if encoder is not None:
            await self._embed([e for e in entries if e.embedding is None], encoder)
        postings = await self._run(build_packed, joined, weights, len(entries))
        del joined
        matrix = None
        if encoder is not None:
            matrix = np.zeros((len(entries), DIMENSIONS), dtype=np.float32)
            for start in range(0, len(entries), _CHUNK):
                matrix[start : start + _CHUNK] = unit_rows([e.embedding for e in entries[start : start + _CHUNK]])
                await asyncio.sleep(0)
        self.index = KnowledgeIndex(entries, encoder, postings=postings, matrix=matrix)
        # The same for the index itself: at 100k entries a full collection walking it was a
        # pause of a few hundred milliseconds inside random requests.
        gc.freeze()
        log.info("knowledge index built: %d entries, %s ranking", len(self.index), self.index.mode)

    async def _run(self, work: Callable[..., T], *args: Any) -> T:
        if self.workers is None:
            return await asyncio.to_thread(work, *args)
        return await asyncio.get_running_loop().run_in_executor(self.workers, work, *args)

    async def _embed(self, entries: Sequence[KbEntry], encoder: Encoder) -> None:
        """Embed the entries (stored with them from then on), in batches: in ``workers`` with
        the default encoder there, else with ``encoder`` in a thread."""
        for start in range(0, len(entries), _EMBED_BATCH):
            chunk = entries[start : start + _EMBED_BATCH]
            texts = [embedding_text(e) for e in chunk]
            if self.workers is not None:
                packed = await self._run(embed_texts, texts)
            else:
                packed = await asyncio.to_thread(_encode, encoder, texts)
            for entry, vector in zip(chunk, packed, strict=True):
                entry.embedding = vector

    def close(self) -> None:
        """Stop the worker processes (at shutdown)."""
        if self.workers is not None:
            self.workers.shutdown(wait=False, cancel_futures=True)

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
                await self._embed(upserts, encoder)
            if upserts:
                await self.store.upsert(upserts, self.clock.now())
                await self.load()
        return report

    async def save(self, entry: KbEntry) -> None:
        async with self._lock:
            encoder = await asyncio.to_thread(self.encoder)
            if encoder is not None:
                entry.embedding = None  # the text may have changed
                await self._embed([entry], encoder)
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
