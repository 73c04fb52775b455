"""The incident store on SQLModel: incidents, their numbers, timeline entries, idempotency."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, insert, select, update
from sqlalchemy.dialects.postgresql import Insert as PgInsert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from incident.model import EntrySource, Impact, Incident, IncidentRef, Status, TimelineEntry
from incident.ports import NewEntry, NewIncident, Scheduled, StaleIncident
from storage.database import rowcount, session_factory
from storage.deadlines import store_scheduled
from storage.tables import IncidentCounter, IncidentRow, ProcessedRequest, TimelineEntryRow


class SqlIncidentStore:
    """Implements ``incident.ports.IncidentStore``."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions: async_sessionmaker[AsyncSession] = session_factory(engine)
        self._dialect = engine.dialect.name
        # SQLite has one writer at a time and cannot upgrade a read lock to a write lock
        # while another connection writes; queueing writers here avoids "database is locked".
        self._write_lock = asyncio.Lock() if self._dialect == "sqlite" else None

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[AsyncSession]:
        if self._write_lock is None:
            async with self._sessions() as session, session.begin():
                yield session
            return
        async with self._write_lock, self._sessions() as session, session.begin():
            yield session

    def _insert(self, table: type) -> PgInsert | SqliteInsert:
        return pg_insert(table) if self._dialect == "postgresql" else sqlite_insert(table)

    async def claim(self, key: str, now: datetime) -> bool:
        async with self._write() as session:
            return await self._claim(session, key, now)

    async def _claim(self, session: AsyncSession, key: str, now: datetime) -> bool:
        stmt = self._insert(ProcessedRequest).values(key=key, seen_at=now)
        result = await session.execute(stmt.on_conflict_do_nothing(index_elements=["key"]))
        return bool(rowcount(result))

    async def declare(
        self,
        new: NewIncident,
        first_entry: NewEntry,
        *,
        idempotency_key: str | None,
        follow_up: Callable[[int], Sequence[Scheduled]] | None = None,
    ) -> Incident | None:
        async with self._write() as session:
            # Writes come first in this transaction: on SQLite a read-then-write transaction
            # could fail to upgrade its lock under concurrent declares.
            if idempotency_key and not await self._claim(session, idempotency_key, new.declared_at):
                return None
            number = await self._next_number(session, new.year)
            row = IncidentRow(
                year=new.year,
                number=number,
                title=new.title,
                description=new.description,
                severity=new.severity,
                status=Status.INVESTIGATING.value,
                declared_by=new.declared_by,
                commander=new.commander,
                declared_at=new.declared_at,
                started_at=new.started_at,
                locale=new.locale,
            )
            session.add(row)
            await session.flush()
            assert row.id is not None
            session.add(_entry_row(row.id, 1, first_entry, new.declared_at))
            if follow_up is not None:
                await store_scheduled(session, follow_up(row.id))
        return _incident(row)

    async def _next_number(self, session: AsyncSession, year: int) -> int:
        insert = self._insert(IncidentCounter).values(year=year, last_number=1)
        stmt = insert.on_conflict_do_update(
            index_elements=["year"],
            set_={"last_number": col(IncidentCounter.last_number) + 1},
        ).returning(col(IncidentCounter.last_number))
        return int((await session.execute(stmt)).scalar_one())

    async def get(self, incident_id: int) -> Incident | None:
        return await self._one(col(IncidentRow.id) == incident_id)

    async def by_channel(self, channel_id: str) -> Incident | None:
        return await self._one(col(IncidentRow.channel_id) == channel_id)

    async def by_ref(self, ref: IncidentRef) -> Incident | None:
        return await self._one((col(IncidentRow.year) == ref.year) & (col(IncidentRow.number) == ref.number))

    async def _one(self, condition: ColumnElement[bool]) -> Incident | None:
        async with self._sessions() as session:
            row = (await session.execute(select(IncidentRow).where(condition))).scalar_one_or_none()
        return _incident(row) if row else None

    async def list_open(self) -> list[Incident]:
        open_statuses = [s.value for s in Status if s not in (Status.RESOLVED, Status.CLOSED)]
        async with self._sessions() as session:
            rows = (
                await session.execute(
                    select(IncidentRow)
                    .where(col(IncidentRow.status).in_(open_statuses))
                    .order_by(col(IncidentRow.declared_at))
                )
            ).scalars()
            return [_incident(r) for r in rows]

    async def started_between(self, *, start: datetime, end: datetime) -> list[Incident]:
        async with self._sessions() as session:
            rows = (
                await session.execute(
                    select(IncidentRow)
                    .where(col(IncidentRow.started_at) >= start)
                    .where(col(IncidentRow.started_at) < end)
                    .order_by(col(IncidentRow.started_at))
                )
            ).scalars()
            return [_incident(r) for r in rows]

    async def save(
        self, incident: Incident, entries: Sequence[NewEntry] = (), *, schedule: Sequence[Scheduled] = ()
    ) -> Incident:
        values = _row_values(incident)
        async with self._write() as session:
            result = await session.execute(
                update(IncidentRow)
                .where(col(IncidentRow.id) == incident.id)
                .where(col(IncidentRow.version) == incident.version)
                .values(**values, version=incident.version + 1)
            )
            if rowcount(result) != 1:
                raise StaleIncident(str(incident.ref))
            if entries:
                await self._append(session, incident.id, entries)
            await store_scheduled(session, schedule)
        incident.version += 1
        return incident

    async def add_entries(self, incident_id: int, entries: Sequence[NewEntry]) -> list[TimelineEntry]:
        async with self._write() as session:
            return await self._append(session, incident_id, entries)

    async def _append(
        self, session: AsyncSession, incident_id: int, entries: Sequence[NewEntry]
    ) -> list[TimelineEntry]:
        if self._dialect != "sqlite":
            # Locking the incident row serialises writers of one incident's sequence numbers on
            # PostgreSQL. SQLite has no FOR UPDATE (the statement was a plain read there) and is
            # serialised by the write lock already.
            await session.execute(
                select(col(IncidentRow.id)).where(col(IncidentRow.id) == incident_id).with_for_update()
            )
        # One statement per entry: the next sequence number is drawn inside the insert, which
        # also hands back the new id (it used to be a max() read, then an ORM flush).
        table = TimelineEntryRow.__table__  # type: ignore[attr-defined]
        next_seq = (
            select(func.coalesce(func.max(table.c.seq), 0) + 1)
            .where(table.c.incident_id == incident_id)
            .scalar_subquery()
        )
        stored: list[TimelineEntry] = []
        for e in entries:
            values = {
                "incident_id": incident_id,
                "seq": next_seq,
                "occurred_at": e.occurred_at,
                "recorded_at": e.occurred_at,
                "kind": e.kind,
                "text": e.text,
                "actor": e.actor,
                "source": e.source.value,
                "message_ts": e.message_ts,
                "permalink": e.permalink,
                "files": list(e.files),
                "data": dict(e.data),
                "deleted": False,
                "amended": False,
            }
            row = (await session.execute(insert(table).values(values).returning(table.c.id, table.c.seq))).one()
            stored.append(
                TimelineEntry(
                    id=row.id,
                    incident_id=incident_id,
                    seq=row.seq,
                    occurred_at=e.occurred_at,
                    recorded_at=e.occurred_at,
                    kind=e.kind,
                    text=e.text,
                    actor=e.actor,
                    source=e.source,
                    message_ts=e.message_ts,
                    permalink=e.permalink,
                    files=list(e.files),
                    data=dict(e.data),
                )
            )
        return stored

    async def entries(self, incident_id: int, *, include_deleted: bool = False) -> list[TimelineEntry]:
        # Plain rows, not ORM objects (a fifth of the CPU), turned into entries a slice at a time
        # with the loop let go in between: a 100,000-entry timeline (an export) must not stall
        # every other request for the seconds its rows take to convert.
        table = TimelineEntryRow.__table__  # type: ignore[attr-defined]
        stmt = select(table).where(table.c.incident_id == incident_id)
        if not include_deleted:
            stmt = stmt.where(table.c.deleted.is_(False))
        stmt = stmt.order_by(table.c.occurred_at, table.c.seq)
        async with self._sessions() as session:
            result = await session.execute(stmt)
            found: list[TimelineEntry] = []
            for part in result.partitions(_ENTRY_SLICE):
                found.extend(_entry(r) for r in part)
                if len(part) == _ENTRY_SLICE:
                    await asyncio.sleep(0)
            return found


def _entry_row(incident_id: int, seq: int, e: NewEntry, recorded_at: datetime) -> TimelineEntryRow:
    return TimelineEntryRow(
        incident_id=incident_id,
        seq=seq,
        occurred_at=e.occurred_at,
        recorded_at=recorded_at,
        kind=e.kind,
        text=e.text,
        actor=e.actor,
        source=e.source.value,
        message_ts=e.message_ts,
        permalink=e.permalink,
        files=list(e.files),
        data=dict(e.data),
    )


def _incident(row: IncidentRow) -> Incident:
    assert row.id is not None
    impact = row.impact or {}
    return Incident(
        id=row.id,
        ref=IncidentRef(row.year, row.number),
        title=row.title,
        severity=row.severity,
        status=Status(row.status),
        declared_by=row.declared_by,
        declared_at=row.declared_at,
        started_at=row.started_at,
        commander=row.commander,
        description=row.description,
        channel_id=row.channel_id,
        channel_name=row.channel_name,
        summary_ts=row.summary_ts,
        timeline_ts=row.timeline_ts,
        detected_at=row.detected_at,
        acknowledged_at=row.acknowledged_at,
        mitigated_at=row.mitigated_at,
        resolved_at=row.resolved_at,
        closed_at=row.closed_at,
        resolution_summary=row.resolution_summary,
        roles=dict(row.roles or {}),
        impact=Impact(
            users=impact.get("users"),
            tps=impact.get("tps"),
            revenue_per_txn=impact.get("revenue_per_txn"),
            services=list(impact.get("services", [])),
        ),
        last_update_at=row.last_update_at,
        locale=row.locale,
        version=row.version,
    )


def _row_values(incident: Incident) -> dict[str, object]:
    return {
        "title": incident.title,
        "description": incident.description,
        "severity": incident.severity,
        "status": incident.status.value,
        "commander": incident.commander,
        "channel_id": incident.channel_id,
        "channel_name": incident.channel_name,
        "summary_ts": incident.summary_ts,
        "timeline_ts": incident.timeline_ts,
        "started_at": incident.started_at,
        "detected_at": incident.detected_at,
        "acknowledged_at": incident.acknowledged_at,
        "mitigated_at": incident.mitigated_at,
        "resolved_at": incident.resolved_at,
        "closed_at": incident.closed_at,
        "last_update_at": incident.last_update_at,
        "resolution_summary": incident.resolution_summary,
        "roles": dict(incident.roles),
        "impact": {
            "users": incident.impact.users,
            "tps": incident.impact.tps,
            "revenue_per_txn": incident.impact.revenue_per_txn,
            "services": list(incident.impact.services),
        },
        "locale": incident.locale,
    }


_ENTRY_SLICE = 500  # rows converted between two turns of the event loop (~5 ms)


def _entry(row: TimelineEntryRow | Row[Any]) -> TimelineEntry:
    assert row.id is not None
    return TimelineEntry(
        id=row.id,
        incident_id=row.incident_id,
        seq=row.seq,
        occurred_at=row.occurred_at,
        recorded_at=row.recorded_at,
        kind=row.kind,
        text=row.text,
        actor=row.actor,
        source=EntrySource(row.source),
        message_ts=row.message_ts,
        permalink=row.permalink,
        files=list(row.files or []),
        data=dict(row.data or {}),
        deleted=row.deleted,
        amended=row.amended,
    )
