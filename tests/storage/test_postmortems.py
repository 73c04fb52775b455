"""Improvement actions are numbered per incident, never reused, and marked done by number."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from storage.incidents import SqlIncidentStore
from storage.postmortems import SqlPostmortemStore
from tests.storage.test_incidents import _new

NOW = datetime(2026, 11, 22, 5, 30, tzinfo=UTC)


async def _add(store: SqlPostmortemStore, incident_id: int, text: str) -> int:
    item = await store.add_action(
        incident_id, horizon="short", text=text, owner=None, due=date(2026, 12, 22), created_by="U1", at=NOW
    )
    return item.n


async def test_concurrent_actions_get_distinct_numbers_and_done_marks_one(engine: AsyncEngine) -> None:
    incident = await SqlIncidentStore(engine).declare(*_new(), idempotency_key=None)
    assert incident is not None
    store = SqlPostmortemStore(engine)
    numbers = await asyncio.gather(*(_add(store, incident.id, f"action {i}") for i in range(8)))
    assert sorted(numbers) == list(range(1, 9))
    assert await store.mark_done(incident.id, n=3)
    assert not await store.mark_done(incident.id, n=99)
    assert [a.n for a in await store.actions(incident.id) if a.done] == [3]
