"""Deadline rows: arm, cancel, list what is due, and claim due rows under a lease."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
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
    previous_owner: str | None = None  # who held it before this claim: another replica means a takeover


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

    async def claim_due(
        self, owner: str, now: datetime, lease: timedelta, limit: int = 100, *, due_by: datetime | None = None
    ) -> list[Deadline]:
        """Take up to ``limit`` deadlines due by ``due_by`` (default ``now``) that nobody holds, for
        ``owner`` until ``now + lease``: a replica may take what falls due before its next poll
        and fire it on the dot (``due_by`` stays inside the lease, which the poll renews).

        On PostgreSQL the rows are locked with ``FOR UPDATE SKIP LOCKED``, so replicas polling at
        the same moment take disjoint sets; a lease that ran out (its replica died) is free again.
        """
        due_by = now if due_by is None else due_by
        free = or_(col(DeadlineRow.lease_until).is_(None), col(DeadlineRow.lease_until) < now)
        due = (
            select(DeadlineRow)
            .where(col(DeadlineRow.fired_at).is_(None))
            .where(col(DeadlineRow.cancelled_at).is_(None))
            .where(col(DeadlineRow.due_at) <= due_by)
            .where(free)
            .order_by(col(DeadlineRow.due_at))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        async with self._sessions() as session, session.begin():
            rows = (await session.execute(due)).scalars().all()
            if not rows:
                return []
            found = [Deadline(r.key, r.kind, r.due_at, dict(r.payload or {}), r.claimed_by) for r in rows]
            # The conditions again: SQLite has no row locks, so only rows still free are taken.
            taken = await session.execute(
                update(DeadlineRow)
                .where(col(DeadlineRow.key).in_([d.key for d in found]))
                .where(col(DeadlineRow.fired_at).is_(None))
                .where(free)
                .values(claimed_by=owner, lease_until=now + lease)
                .returning(col(DeadlineRow.key))
            )
            keys: set[str] = set(taken.scalars().all())
        return [d for d in found if d.key in keys]

    async def renew(self, keys: list[str], owner: str, until: datetime) -> None:
        """Extend the leases ``owner`` still holds (work that takes longer than one lease)."""
        if not keys:
            return
        async with self._sessions() as session, session.begin():
            await session.execute(
                update(DeadlineRow)
                .where(col(DeadlineRow.key).in_(keys))
                .where(col(DeadlineRow.claimed_by) == owner)
                .values(lease_until=until)
            )

    async def complete(self, key: str, owner: str, now: datetime) -> bool:
        """Mark a deadline fired after its work committed; False if the lease was lost meanwhile."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(DeadlineRow)
                .where(col(DeadlineRow.key) == key)
                .where(col(DeadlineRow.claimed_by) == owner)
                .where(col(DeadlineRow.fired_at).is_(None))
                .values(fired_at=now, lease_until=None)
            )
        return rowcount(result) == 1

    async def armed(self, keys: list[str]) -> set[str]:
        """Which of ``keys`` are neither fired nor cancelled (one query for many)."""
        if not keys:
            return set()
        stmt = (
            select(col(DeadlineRow.key))
            .where(col(DeadlineRow.key).in_(keys))
            .where(col(DeadlineRow.fired_at).is_(None))
            .where(col(DeadlineRow.cancelled_at).is_(None))
        )
        async with self._sessions() as session:
            return set((await session.execute(stmt)).scalars().all())

    async def complete_many(self, keys: list[str], owner: str, now: datetime) -> set[str]:
        """``complete`` for many deadlines in one transaction; the keys whose lease was lost."""
        if not keys:
            return set()
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(DeadlineRow)
                .where(col(DeadlineRow.key).in_(keys))
                .where(col(DeadlineRow.claimed_by) == owner)
                .where(col(DeadlineRow.fired_at).is_(None))
                .values(fired_at=now, lease_until=None)
                .returning(col(DeadlineRow.key))
            )
            done = set(result.scalars().all())
        return set(keys) - done

    async def release(self, key: str, owner: str, retry_at: datetime) -> None:
        """Hand a deadline back (its work failed, or the replica is stopping) to run at ``retry_at``."""
        async with self._sessions() as session, session.begin():
            await session.execute(
                update(DeadlineRow)
                .where(col(DeadlineRow.key) == key)
                .where(col(DeadlineRow.claimed_by) == owner)
                .where(col(DeadlineRow.fired_at).is_(None))
                .values(claimed_by=None, lease_until=None, due_at=retry_at)
            )
