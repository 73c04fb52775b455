"""The incident store keeps numbers unique and records exact, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from incident.model import EntrySource, Status
from incident.ports import NewEntry, NewIncident, StaleIncident
from storage.incidents import SqlIncidentStore

NOW = datetime(2026, 11, 22, 5, 30, tzinfo=UTC)


def _new(title: str = "Checkout API returns 500s") -> tuple[NewIncident, NewEntry]:
    incident = NewIncident(year=2026, title=title, severity="high", declared_by="U1", declared_at=NOW, started_at=NOW)
    return incident, NewEntry(kind="declared", text=title, actor="U1", occurred_at=NOW)


async def test_declare_stores_the_incident_and_its_first_entry(engine: AsyncEngine) -> None:
    store = SqlIncidentStore(engine)
    incident = await store.declare(*_new(), idempotency_key="trigger-1")
    assert incident is not None
    assert str(incident.ref) == "INC-2026-0001"
    assert incident.status is Status.INVESTIGATING
    assert incident.declared_at == NOW
    entries = await store.entries(incident.id)
    assert [(e.seq, e.kind, e.source) for e in entries] == [(1, "declared", EntrySource.AUTOMATIC)]


async def test_a_repeated_idempotency_key_declares_nothing(engine: AsyncEngine) -> None:
    store = SqlIncidentStore(engine)
    assert await store.declare(*_new(), idempotency_key="trigger-1") is not None
    assert await store.declare(*_new(), idempotency_key="trigger-1") is None
    assert len(await store.list_open()) == 1


async def test_fifty_concurrent_declares_get_fifty_distinct_numbers(engine: AsyncEngine) -> None:
    store = SqlIncidentStore(engine)
    results = await asyncio.gather(*(store.declare(*_new(f"incident {i}"), idempotency_key=f"k{i}") for i in range(50)))
    numbers = sorted(r.ref.number for r in results if r is not None)
    assert numbers == list(range(1, 51))


async def test_japanese_text_and_emoji_survive_byte_for_byte(engine: AsyncEngine) -> None:
    store = SqlIncidentStore(engine)
    title = "決済APIで504が多発 🔥 <@U123|alice>"
    incident = await store.declare(*_new(title), idempotency_key=None)
    assert incident is not None
    loaded = await store.get(incident.id)
    assert loaded is not None and loaded.title.encode() == title.encode()


async def test_save_refuses_a_stale_version(engine: AsyncEngine) -> None:
    store = SqlIncidentStore(engine)
    incident = await store.declare(*_new(), idempotency_key=None)
    assert incident is not None
    first = await store.get(incident.id)
    second = await store.get(incident.id)
    assert first is not None and second is not None
    first.status = Status.RESOLVED
    await store.save(first, [NewEntry(kind="resolved", text="", actor="U1", occurred_at=NOW)])
    second.status = Status.MITIGATED
    with pytest.raises(StaleIncident):
        await store.save(second)
    reloaded = await store.get(incident.id)
    assert reloaded is not None and reloaded.status is Status.RESOLVED
    assert [e.kind for e in await store.entries(incident.id)] == ["declared", "resolved"]


async def test_concurrent_entries_get_distinct_sequence_numbers(engine: AsyncEngine) -> None:
    store = SqlIncidentStore(engine)
    incident = await store.declare(*_new(), idempotency_key=None)
    assert incident is not None
    await asyncio.gather(
        *(
            store.add_entries(incident.id, [NewEntry(kind="note", text=f"n{i}", actor="U1", occurred_at=NOW)])
            for i in range(20)
        )
    )
    seqs = [e.seq for e in await store.entries(incident.id)]
    assert sorted(seqs) == list(range(1, 22))
