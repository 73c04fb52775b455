"""The index built in a worker process: same ranking, and the old index answers while a new one builds."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from typing import cast

import pytest

from bot.container import knowledge_workers
from incident.clock import FakeClock
from incident.ports import IncidentStore
from knowledge.entry import KbEntry
from knowledge.index import TextIndex, build_packed, pack_fields
from knowledge.ingest import read_sources
from knowledge.service import KnowledgeService
from tests.knowledge.test_dense import STARTER, MemoryStore


class HeldStore(MemoryStore):
    """Reading all entries waits until the test lets it go: a reindex caught in the middle."""

    def __init__(self) -> None:
        super().__init__()
        self.release = asyncio.Event()
        self.reading = asyncio.Event()

    async def all(self) -> list[KbEntry]:
        self.reading.set()
        await self.release.wait()
        return await super().all()


@pytest.fixture(scope="module")
def workers() -> Iterator[ProcessPoolExecutor]:
    pool = knowledge_workers()
    yield pool
    pool.shutdown()


def _service(store: MemoryStore, workers: ProcessPoolExecutor | None) -> KnowledgeService:
    clock = FakeClock(datetime(2026, 12, 1, tzinfo=UTC))
    return KnowledgeService(
        store, cast(IncidentStore, None), clock, threshold=0.0, encoder=lambda: None, workers=workers
    )


def test_packed_fields_build_the_same_postings_as_the_fields_themselves() -> None:
    from knowledge.ingest import plan_import

    entries = plan_import({}, read_sources(STARTER))[1]
    direct = TextIndex(entries)
    joined, weights = pack_fields([e.searchable() for e in entries])
    packed = TextIndex(entries, build_packed(joined, weights, len(entries)))
    assert packed.postings.vocabulary == direct.postings.vocabulary
    assert (packed.postings.weights == direct.postings.weights).all()
    assert len(TextIndex([], build_packed(*pack_fields([]), 0))) == 0


async def test_a_worker_built_index_ranks_and_the_old_index_answers_during_a_reindex(
    workers: ProcessPoolExecutor,
) -> None:
    store = HeldStore()
    service = _service(store, workers)
    store.release.set()
    await service.import_sources(read_sources(STARTER))
    assert service.search("決済APIで504が多発")[0].entry_id == "kb-gateway-timeout"
    store.release.clear()
    store.reading.clear()
    reindex = asyncio.create_task(service.load())
    await store.reading.wait()
    # Mid-reindex: suggestions still come from the index built before.
    assert service.search("決済APIで504が多発")[0].entry_id == "kb-gateway-timeout"
    store.release.set()
    await reindex
    assert service.search("pods CrashLoopBackOff")[0].entry_id == "kb-crashloop"
