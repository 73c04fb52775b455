"""Knowledge-base rows: load all, upsert, and record learnt success rates."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from knowledge.entry import KbEntry
from storage.database import session_factory
from storage.knowledge_tables import KbEntryRow

# Rows read and turned into entries between two yields to the event loop: a 20k-entry
# knowledge base loads without holding requests for more than a few milliseconds at a time.
_PARTITION = 500


class SqlKnowledgeStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = session_factory(engine)

    async def all(self) -> list[KbEntry]:
        """Every entry, streamed in partitions so the event loop serves requests in between."""
        query = select(col(KbEntryRow.data), col(KbEntryRow.success_rate)).order_by(col(KbEntryRow.id))
        entries = []
        async with self._sessions() as session, session.begin():
            result = await session.stream(query)
            async for partition in result.partitions(_PARTITION):
                for data, rate in partition:
                    entry = KbEntry.from_dict(cast(dict[str, Any], data))
                    entry.success_rate = float(cast(float, rate))
                    entries.append(entry)
                await asyncio.sleep(0)
        return entries

    async def upsert(self, entries: Sequence[KbEntry], at: datetime) -> None:
        async with self._sessions() as session, session.begin():
            for entry in entries:
                row = await session.get(KbEntryRow, entry.id)
                if row is None:
                    session.add(
                        KbEntryRow(
                            id=entry.id,
                            title=entry.title[:500],
                            language=entry.language,
                            success_rate=entry.success_rate,
                            data=entry.to_dict(),
                            updated_at=at,
                        )
                    )
                else:
                    row.title, row.language, row.data, row.updated_at = (
                        entry.title[:500],
                        entry.language,
                        entry.to_dict(),
                        at,
                    )
                    row.success_rate = entry.success_rate

    async def set_success_rate(self, entry_id: str, rate: float) -> None:
        async with self._sessions() as session, session.begin():
            await session.execute(update(KbEntryRow).where(col(KbEntryRow.id) == entry_id).values(success_rate=rate))

    async def success_rate(self, entry_id: str) -> float | None:
        async with self._sessions() as session:
            row = await session.get(KbEntryRow, entry_id)
        return row.success_rate if row else None

    async def insert_many(self, entries: Sequence[KbEntry], at: datetime) -> None:
        """Bulk insert of new entries (a first import, benches): one statement per batch."""
        from sqlalchemy import insert

        rows = [
            {
                "id": e.id,
                "title": e.title[:500],
                "language": e.language,
                "success_rate": e.success_rate,
                "data": e.to_dict(),
                "updated_at": at,
            }
            for e in entries
        ]
        async with self._sessions() as session, session.begin():
            for start in range(0, len(rows), 5000):
                await session.execute(insert(KbEntryRow), rows[start : start + 5000])
