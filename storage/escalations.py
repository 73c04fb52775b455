"""Escalation rows: state (optimistic versioning), pages (unique keys) and overrides."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from escalation.planner import EscalationState
from escalation.ports import PageRecord, StaleEscalation
from escalation.roster import Override
from storage.database import rowcount, session_factory
from storage.escalation_tables import EscalationRow, OverrideRow, PageRow


class SqlEscalationStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = session_factory(engine)
        self._insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert

    async def load(self, incident_id: int) -> tuple[EscalationState, int] | None:
        async with self._sessions() as session:
            row = await session.get(EscalationRow, incident_id)
        return (EscalationState.from_dict(row.state), row.version) if row else None

    async def save(self, state: EscalationState, version: int | None) -> int:
        async with self._sessions() as session, session.begin():
            if version is None:
                stmt = self._insert(EscalationRow).values(
                    incident_id=state.incident_id, state=state.to_dict(), version=1
                )
                result = await session.execute(stmt.on_conflict_do_nothing(index_elements=["incident_id"]))
                if not rowcount(result):
                    raise StaleEscalation(str(state.incident_id))
                return 1
            result = await session.execute(
                update(EscalationRow)
                .where(col(EscalationRow.incident_id) == state.incident_id)
                .where(col(EscalationRow.version) == version)
                .values(state=state.to_dict(), version=version + 1)
            )
            if rowcount(result) != 1:
                raise StaleEscalation(str(state.incident_id))
            return version + 1

    async def record_page(self, page: PageRecord) -> bool:
        stmt = self._insert(PageRow).values(
            key=page.key,
            incident_id=page.incident_id,
            step=page.step,
            target=page.target,
            kind=page.kind,
            reason=page.reason,
            user_ids=page.user_ids,
            paged_at=page.paged_at,
            messages=[],
        )
        async with self._sessions() as session, session.begin():
            result = await session.execute(stmt.on_conflict_do_nothing(index_elements=["key"]))
        return bool(rowcount(result))

    async def set_messages(self, key: str, messages: list[dict[str, str]]) -> None:
        async with self._sessions() as session, session.begin():
            await session.execute(update(PageRow).where(col(PageRow.key) == key).values(messages=messages))

    async def mark_acked(self, incident_id: int, user_id: str, at: datetime) -> None:
        async with self._sessions() as session, session.begin():
            await session.execute(
                update(PageRow)
                .where(col(PageRow.incident_id) == incident_id)
                .where(col(PageRow.acked_by).is_(None))
                .values(acked_by=user_id, acked_at=at)
            )

    async def pages(self, incident_id: int) -> list[PageRecord]:
        async with self._sessions() as session:
            rows = (
                await session.execute(
                    select(PageRow).where(col(PageRow.incident_id) == incident_id).order_by(col(PageRow.paged_at))
                )
            ).scalars()
            return [
                PageRecord(
                    r.key,
                    r.incident_id,
                    r.step,
                    r.target,
                    r.kind,
                    r.reason,
                    list(r.user_ids),
                    r.paged_at,
                    list(r.messages),
                    r.acked_by,
                    r.acked_at,
                )
                for r in rows
            ]

    async def overrides(self, at: datetime) -> list[Override]:
        async with self._sessions() as session:
            rows = (
                await session.execute(
                    select(OverrideRow).where(col(OverrideRow.ends_at) > at).order_by(col(OverrideRow.id).desc())
                )
            ).scalars()
            return [Override(r.level, r.user_id, r.starts_at, r.ends_at, r.created_by) for r in rows]

    async def add_override(self, override: Override) -> None:
        async with self._sessions() as session, session.begin():
            session.add(
                OverrideRow(
                    level=override.level,
                    user_id=override.user_id,
                    starts_at=override.start,
                    ends_at=override.end,
                    created_by=override.created_by,
                )
            )
