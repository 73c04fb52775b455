"""Deadline rows: arm, cancel, list what is due, and claim one for firing exactly once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from storage.database import rowcount, session_factory
from storage.deadline_tables import DeadlineRow


@dataclass(frozen=True, slots=True)
class Deadline:
    key: str
    kind: str
    due_at: datetime
    payload: dict[str, Any]


class SqlDeadlineStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = session_factory(engine)
        self._dialect = engine.dialect.name

    async def arm(self, key: str, *, kind: str, due_at: datetime, payload: dict[str, Any]) -> bool:
        insert = pg_insert if self._dialect == "postgresql" else sqlite_insert
        stmt = (
            insert(DeadlineRow)
            .values(key=key, kind=kind, due_at=due_at, payload=payload)
            .on_conflict_do_nothing(index_elements=["key"])
        )
        async with self._sessions() as session, session.begin():
            result = await session.execute(stmt)
        return bool(rowcount(result))

    async def cancel(self, key: str, now: datetime) -> bool:
        return await self._cancel(col(DeadlineRow.key) == key, now) > 0

    async def cancel_prefix(self, prefix: str, now: datetime) -> int:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return await self._cancel(col(DeadlineRow.key).like(escaped + "%", escape="\\"), now)

    async def _cancel(self, condition: Any, now: datetime) -> int:
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(DeadlineRow)
                .where(condition)
                .where(col(DeadlineRow.fired_at).is_(None))
                .where(col(DeadlineRow.cancelled_at).is_(None))
                .values(cancelled_at=now)
            )
        return int(rowcount(result))

    async def pending(self, *, due_by: datetime | None = None) -> list[Deadline]:
        stmt = (
            select(DeadlineRow)
            .where(col(DeadlineRow.fired_at).is_(None))
            .where(col(DeadlineRow.cancelled_at).is_(None))
            .order_by(col(DeadlineRow.due_at))
        )
        if due_by is not None:
            stmt = stmt.where(col(DeadlineRow.due_at) <= due_by)
        async with self._sessions() as session:
            rows = (await session.execute(stmt)).scalars().all()
        return [Deadline(r.key, r.kind, r.due_at, dict(r.payload or {})) for r in rows]

    async def claim(self, key: str, now: datetime) -> bool:
        """Mark a deadline fired; only one caller ever gets True for a key."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(DeadlineRow)
                .where(col(DeadlineRow.key) == key)
                .where(col(DeadlineRow.fired_at).is_(None))
                .where(col(DeadlineRow.cancelled_at).is_(None))
                .values(fired_at=now)
            )
        return rowcount(result) == 1

    async def release(self, key: str, retry_at: datetime) -> None:
        """Un-fire a deadline whose handler failed, so it runs again at ``retry_at``."""
        async with self._sessions() as session, session.begin():
            await session.execute(
                update(DeadlineRow).where(col(DeadlineRow.key) == key).values(fired_at=None, due_at=retry_at)
            )
