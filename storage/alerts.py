"""The alert store: the intake inbox, alert records, maintenance windows."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from alerts.maintenance import MaintenanceWindow
from alerts.model import Alert
from alerts.ports import AlertEvent, Inbound, StoredAlert
from storage.alert_tables import AlertDeliveryRow, AlertEventRow, AlertRow, MaintenanceWindowRow
from storage.database import rowcount, session_factory


class SqlAlertStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = session_factory(engine)
        self._dialect = engine.dialect.name

    def _insert(self, table: type) -> Any:
        return pg_insert(table) if self._dialect == "postgresql" else sqlite_insert(table)

    async def intake(self, source: str, route: str, body: bytes, items: Sequence[Inbound], now: datetime) -> bool:
        """Store a delivery's items in one transaction; False when this exact body from this
        source on this route was stored before (a re-send, a repeat, another replica)."""
        digest = hashlib.sha256(source.encode() + b"\0" + route.encode() + b"\0" + body).hexdigest()
        async with self._sessions() as session, session.begin():
            claim = self._insert(AlertDeliveryRow).values(key=f"{digest}", received_at=now)
            result = await session.execute(claim.on_conflict_do_nothing(index_elements=["key"]))
            if not rowcount(result):
                return False
            for item in items:
                session.add(
                    AlertEventRow(
                        source=source,
                        action=item.action,
                        alias=item.alias[:512],
                        data=item.data or {},
                        received_at=now,
                    )
                )
        return True

    async def unprocessed(self, limit: int = 500) -> list[AlertEvent]:
        async with self._sessions() as session:
            rows = (
                await session.execute(
                    select(AlertEventRow)
                    .where(AlertEventRow.processed_at.is_(None))  # type: ignore[union-attr]
                    .order_by(AlertEventRow.id)  # type: ignore[arg-type]
                    .limit(limit)
                )
            ).scalars()
            return [AlertEvent(r.id or 0, r.source, r.action, r.alias, r.data, r.received_at) for r in rows]

    async def mark_processed(self, event_id: int, now: datetime) -> None:
        async with self._sessions() as session, session.begin():
            await session.execute(
                update(AlertEventRow).where(AlertEventRow.id == event_id).values(processed_at=now)  # type: ignore[arg-type]
            )

    async def related(self, alert: Alert, since: datetime) -> list[StoredAlert]:
        """The alerts of the same source and key, and every alert seen since ``since``."""
        async with self._sessions() as session:
            rows = (
                await session.execute(
                    select(AlertRow)
                    .where(
                        or_(
                            (AlertRow.source == alert.source) & (AlertRow.key == alert.key),  # type: ignore[arg-type]
                            AlertRow.last_seen >= since,  # type: ignore[arg-type]
                        )
                    )
                    .order_by(AlertRow.last_seen.desc())  # type: ignore[attr-defined]
                    .limit(200)
                )
            ).scalars()
            return [_stored(r) for r in rows]

    async def by_alias(self, source: str, alias: str) -> StoredAlert | None:
        async with self._sessions() as session:
            row = (
                await session.execute(
                    select(AlertRow)
                    .where(AlertRow.source == source, AlertRow.key == alias)  # type: ignore[arg-type]
                    .order_by(AlertRow.last_seen.desc())  # type: ignore[attr-defined]
                    .limit(1)
                )
            ).scalar_one_or_none()
            return _stored(row) if row else None

    async def add(self, alert: Alert, now: datetime, outcome: str, incident_id: int | None = None) -> StoredAlert:
        row = AlertRow(
            source=alert.source,
            key=alert.key,
            status=alert.status.value,
            severity=alert.severity,
            service=alert.service,
            data=alert.as_data(),
            count=1,
            first_seen=now,
            last_seen=now,
            incident_id=incident_id,
            outcome=outcome,
        )
        async with self._sessions() as session, session.begin():
            session.add(row)
        return _stored(row)

    async def seen_again(self, alert_id: int, alert: Alert, now: datetime) -> StoredAlert:
        async with self._sessions() as session, session.begin():
            row = await session.get(AlertRow, alert_id)
            assert row is not None
            row.count += 1
            row.last_seen = now
            row.resolved_at = None
            row.status = alert.status.value
            row.data = {**alert.as_data(), "key": row.key}
        return _stored(row)

    async def set_incident(self, alert_id: int, incident_id: int | None, outcome: str) -> None:
        async with self._sessions() as session, session.begin():
            await session.execute(
                update(AlertRow).where(AlertRow.id == alert_id).values(incident_id=incident_id, outcome=outcome)  # type: ignore[arg-type]
            )

    async def set_data(self, alert_id: int, data: dict[str, Any]) -> None:
        async with self._sessions() as session, session.begin():
            await session.execute(update(AlertRow).where(AlertRow.id == alert_id).values(data=data))  # type: ignore[arg-type]

    async def resolve(self, alert_id: int, now: datetime) -> None:
        async with self._sessions() as session, session.begin():
            await session.execute(
                update(AlertRow).where(AlertRow.id == alert_id).values(resolved_at=now, status="resolved")  # type: ignore[arg-type]
            )

    async def of_incident(self, incident_id: int) -> list[StoredAlert]:
        async with self._sessions() as session:
            rows = (
                await session.execute(select(AlertRow).where(AlertRow.incident_id == incident_id).order_by(AlertRow.id))  # type: ignore[arg-type]
            ).scalars()
            return [_stored(r) for r in rows]

    async def get(self, alert_id: int) -> StoredAlert | None:
        async with self._sessions() as session:
            row = await session.get(AlertRow, alert_id)
            return _stored(row) if row else None

    async def window(self, window_id: int) -> MaintenanceWindow | None:
        async with self._sessions() as session:
            row = await session.get(MaintenanceWindowRow, window_id)
            return _window(row) if row else None

    async def open_window(
        self, service: str, starts_at: datetime, ends_at: datetime, reason: str, created_by: str
    ) -> MaintenanceWindow:
        row = MaintenanceWindowRow(
            service=service, starts_at=starts_at, ends_at=ends_at, reason=reason, created_by=created_by
        )
        async with self._sessions() as session, session.begin():
            session.add(row)
        return _window(row)

    async def windows(self, now: datetime) -> list[MaintenanceWindow]:
        """Windows not yet over at ``now``."""
        async with self._sessions() as session:
            rows = (
                await session.execute(
                    select(MaintenanceWindowRow)
                    .where(MaintenanceWindowRow.ends_at > now, MaintenanceWindowRow.ended_at.is_(None))  # type: ignore[arg-type, union-attr]
                    .order_by(MaintenanceWindowRow.starts_at)  # type: ignore[arg-type]
                )
            ).scalars()
            return [_window(r) for r in rows]

    async def end_windows(self, service: str, now: datetime) -> list[MaintenanceWindow]:
        """End the open windows of ``service`` (all when empty); returns those this call ended.
        Each row is claimed with a conditional update, so two concurrent ends end it once."""
        ended: list[MaintenanceWindow] = []
        for window in await self.windows(now):
            if service and window.service != service:
                continue
            async with self._sessions() as session, session.begin():
                result = await session.execute(
                    update(MaintenanceWindowRow)
                    .where(MaintenanceWindowRow.id == window.id, MaintenanceWindowRow.ended_at.is_(None))  # type: ignore[arg-type, union-attr]
                    .values(ended_at=now, announced_end=True)
                )
            if result.rowcount:  # type: ignore[attr-defined]
                ended.append(replace(window, ended_at=now))
        return ended

    async def claim_end_announcement(self, window_id: int) -> bool:
        """True once per window: whoever flips the flag announces the end."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(MaintenanceWindowRow)
                .where(MaintenanceWindowRow.id == window_id, MaintenanceWindowRow.announced_end.is_(False))  # type: ignore[arg-type, attr-defined]
                .values(announced_end=True)
            )
        return bool(result.rowcount)  # type: ignore[attr-defined]


def _stored(row: AlertRow) -> StoredAlert:
    return StoredAlert(
        id=row.id or 0,
        alert=Alert.from_data(row.data),
        count=row.count,
        first_seen=row.first_seen,
        last_seen=row.last_seen,
        resolved_at=row.resolved_at,
        incident_id=row.incident_id,
        outcome=row.outcome,
    )


def _window(row: MaintenanceWindowRow) -> MaintenanceWindow:
    return MaintenanceWindow(
        id=row.id or 0,
        service=row.service,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        reason=row.reason,
        created_by=row.created_by,
        ended_at=row.ended_at,
    )
