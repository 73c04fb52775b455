"""Deadline rows: arm, cancel, list what is due, and claim due rows under a lease."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, exists, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col

from incident.ports import Scheduled
from storage.database import rowcount, session_factory
from storage.deadline_tables import DeadlineRow


@dataclass(frozen=True, slots=True)
class Deadline:
    key: str
    kind: str
    due_at: datetime
    payload: dict[str, Any]
    previous_owner: str | None = None  # who held it before this claim: another replica means a takeover
    lane: str | None = None
    attempts: int = 0  # failed attempts so far (the back-off grows with them)

    @property
    def first_try(self) -> bool:
        """No earlier attempt at this row can have done part of its work: never failed, never
        handed back, never held by a replica that died."""
        return self.attempts == 0 and self.previous_owner is None


async def store_scheduled(session: AsyncSession, items: Sequence[Scheduled]) -> int:
    """Insert ``items`` in the caller's transaction (a key stored before is left as it is), in
    their order: rows of one lane later run in the order they were stored. Returns how many were new."""
    if not items:
        return 0
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    first = time.time_ns()  # an ordering token across replicas, not a time anyone reads
    stmt = (
        insert(DeadlineRow)
        .values(
            [
                {
                    "key": item.key,
                    "kind": item.kind,
                    "due_at": item.due_at,
                    "payload": item.payload,
                    "lane": item.lane,
                    "seq": first + i,
                }
                for i, item in enumerate(items)
            ]
        )
        .on_conflict_do_nothing(index_elements=["key"])
    )
    return int(rowcount(await session.execute(stmt)))


async def cancel_prefix_in(session: AsyncSession, prefix: str, now: datetime) -> int:
    """Cancel pending rows whose key starts with ``prefix``, in the caller's transaction. A key
    range, not ``LIKE``: on SQLite the primary key's index serves it (``LIKE`` scanned the table
    on every note); on PostgreSQL it compares bytes (``COLLATE "C"``), whatever the database's
    collation, so no key is ever missed."""
    result = await session.execute(
        update(DeadlineRow)
        .where(_key_starts_with(prefix, session.get_bind().dialect.name))
        .where(col(DeadlineRow.fired_at).is_(None))
        .where(col(DeadlineRow.cancelled_at).is_(None))
        .values(cancelled_at=now)
    )
    return int(rowcount(result))


def _key_starts_with(prefix: str, dialect: str) -> ColumnElement[bool]:
    following = prefix[:-1] + chr(ord(prefix[-1]) + 1)  # the first string after every prefix+…
    key = col(DeadlineRow.key).collate("C") if dialect == "postgresql" else col(DeadlineRow.key)
    return (key >= prefix) & (key < following)


def _first_of_its_lane() -> ColumnElement[bool]:
    """No earlier row of the same lane is still to run (rows without a lane always qualify)."""
    earlier = aliased(DeadlineRow)
    return or_(
        col(DeadlineRow.lane).is_(None),
        ~exists().where(
            col(earlier.lane) == col(DeadlineRow.lane),
            col(earlier.fired_at).is_(None),
            col(earlier.cancelled_at).is_(None),
            col(earlier.seq) < col(DeadlineRow.seq),
        ),
    )


class SqlDeadlineStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = session_factory(engine)
        self._dialect = engine.dialect.name

    async def arm(
        self, key: str, *, kind: str, due_at: datetime, payload: dict[str, Any], lane: str | None = None
    ) -> bool:
        async with self._sessions() as session, session.begin():
            return await store_scheduled(session, [Scheduled(key, kind, due_at, payload, lane)]) == 1

    async def cancel(self, key: str, now: datetime) -> bool:
        return await self._cancel(col(DeadlineRow.key) == key, now) > 0

    async def cancel_prefix(self, prefix: str, now: datetime) -> int:
        async with self._sessions() as session, session.begin():
            return await cancel_prefix_in(session, prefix, now)

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

    async def overdue_stats(self, now: datetime) -> tuple[int, datetime | None]:
        """How many deadlines are due by ``now`` and not yet fired or cancelled, and the oldest due time."""
        stmt = (
            select(func.count(), func.min(col(DeadlineRow.due_at)))
            .where(col(DeadlineRow.fired_at).is_(None))
            .where(col(DeadlineRow.cancelled_at).is_(None))
            .where(col(DeadlineRow.due_at) <= now)
        )
        async with self._sessions() as session:
            count, oldest = (await session.execute(stmt)).one()
        return int(count), oldest

    async def claim_due(
        self, owner: str, now: datetime, lease: timedelta, limit: int = 100, *, due_by: datetime | None = None
    ) -> list[Deadline]:
        """Take up to ``limit`` deadlines due by ``due_by`` (default ``now``) that nobody holds, for
        ``owner`` until ``now + lease``: a replica may take what falls due before its next poll
        and fire it on the dot (``due_by`` stays inside the lease, which the poll renews).

        On PostgreSQL the rows are locked with ``FOR UPDATE SKIP LOCKED``, so replicas polling at
        the same moment take disjoint sets; a lease that ran out (its replica died) is free again.
        A row of a lane is taken only once every earlier row of its lane has run.
        """
        due_by = now if due_by is None else due_by
        return await self._claim(col(DeadlineRow.due_at) <= due_by, owner, now, lease, limit)

    async def claim_keys(self, keys: Sequence[str], owner: str, now: datetime, lease: timedelta) -> list[Deadline]:
        """Take these rows if they are due, free and first of their lane (what ``run_now`` runs)."""
        if not keys:
            return []
        return await self._claim(
            (col(DeadlineRow.key).in_(list(keys))) & (col(DeadlineRow.due_at) <= now), owner, now, lease, len(keys)
        )

    async def _claim(
        self, which: ColumnElement[bool], owner: str, now: datetime, lease: timedelta, limit: int
    ) -> list[Deadline]:
        free = or_(col(DeadlineRow.lease_until).is_(None), col(DeadlineRow.lease_until) < now)
        due = (
            select(DeadlineRow)
            .where(col(DeadlineRow.fired_at).is_(None))
            .where(col(DeadlineRow.cancelled_at).is_(None))
            .where(which)
            .where(free)
            .where(_first_of_its_lane())
            .order_by(col(DeadlineRow.due_at), col(DeadlineRow.seq))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        async with self._sessions() as session, session.begin():
            rows = (await session.execute(due)).scalars().all()
            if not rows:
                return []
            found = [
                Deadline(r.key, r.kind, r.due_at, dict(r.payload or {}), r.claimed_by, r.lane, r.attempts) for r in rows
            ]
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

    async def complete(self, key: str, owner: str, now: datetime, *, error: str | None = None) -> bool:
        """Mark a deadline fired after its work committed (or after Slack said it never will:
        ``error``); False if the lease was lost meanwhile."""
        values: dict[str, Any] = {"fired_at": now, "lease_until": None}
        if error is not None:
            values["last_error"] = error[:200]
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(DeadlineRow)
                .where(col(DeadlineRow.key) == key)
                .where(col(DeadlineRow.claimed_by) == owner)
                .where(col(DeadlineRow.fired_at).is_(None))
                .values(**values)
            )
        return rowcount(result) == 1

    async def prune(self, before: datetime) -> int:
        """Forget rows fired or cancelled before ``before`` (the table is also the outbox: it
        would grow by a few rows per message forever)."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                delete(DeadlineRow).where(
                    or_(col(DeadlineRow.fired_at) < before, col(DeadlineRow.cancelled_at) < before)
                )
            )
        return int(rowcount(result))

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

    async def release(self, key: str, owner: str, retry_at: datetime, *, error: str | None = None) -> None:
        """Hand a deadline back to run at ``retry_at``: with ``error``, counted as an attempt (its
        work failed, or a stopping replica cut it off: either may have done part of it)."""
        values: dict[str, Any] = {"claimed_by": None, "lease_until": None, "due_at": retry_at}
        if error is not None:
            values["last_error"] = error[:200]
            values["attempts"] = col(DeadlineRow.attempts) + 1
        async with self._sessions() as session, session.begin():
            await session.execute(
                update(DeadlineRow)
                .where(col(DeadlineRow.key) == key)
                .where(col(DeadlineRow.claimed_by) == owner)
                .where(col(DeadlineRow.fired_at).is_(None))
                .values(**values)
            )
