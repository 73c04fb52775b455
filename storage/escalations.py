"""Escalation rows: state (optimistic versioning), pages (unique keys) and overrides."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from escalation.planner import EscalationState
from escalation.ports import PageRecord, StaleEscalation
from escalation.roster import Override
from incident.ports import Scheduled
from storage.database import rowcount, session_factory
from storage.deadlines import cancel_prefix_in, store_scheduled
from storage.escalation_tables import EscalationRow, OverrideRow, PageRow


class SqlEscalationStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = session_factory(engine)
        self._insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert

    async def load(self, incident_id: int) -> tuple[EscalationState, int] | None:
        async with self._sessions() as session:
            row = await session.get(EscalationRow, incident_id)
        return (EscalationState.from_dict(row.state), row.version) if row else None

    async def save(
        self,
        state: EscalationState,
        version: int | None,
        *,
        now: datetime,
        cancel_prefix: str | None = None,
        schedule: Sequence[Scheduled] = (),
        pages: Sequence[PageRecord] = (),
    ) -> int:
        async with self._sessions() as session, session.begin():
            if version is None:
                stmt = self._insert(EscalationRow).values(
                    incident_id=state.incident_id, state=state.to_dict(), version=1
                )
                result = await session.execute(stmt.on_conflict_do_nothing(index_elements=["incident_id"]))
            else:
                result = await session.execute(
                    update(EscalationRow)
                    .where(col(EscalationRow.incident_id) == state.incident_id)
                    .where(col(EscalationRow.version) == version)
                    .values(state=state.to_dict(), version=version + 1)
                )
            if rowcount(result) != 1:
                raise StaleEscalation(str(state.incident_id))  # rolls the whole transaction back
            if cancel_prefix is not None:
                await cancel_prefix_in(session, cancel_prefix, now)
            if pages:
                await session.execute(
                    self._insert(PageRow)
                    .values([_page_values(page) for page in pages])
                    .on_conflict_do_nothing(index_elements=["key"])
                )
            await store_scheduled(session, schedule)
        return (version or 0) + 1

    async def page(self, key: str) -> PageRecord | None:
        async with self._sessions() as session:
            row = await session.get(PageRow, key)
        return _page(row) if row else None

    async def add_message(self, key: str, message: dict[str, str]) -> None:
        async with self._sessions() as session, session.begin():
            row = (
                await session.execute(select(PageRow).where(col(PageRow.key) == key).with_for_update())
            ).scalar_one_or_none()
            if row is not None:
                # One entry per person: a sent message replaces the "sending" mark made before it.
                kept = [m for m in row.messages if m.get("user") != message.get("user")]
                await session.execute(
                    update(PageRow).where(col(PageRow.key) == key).values(messages=[*kept, message])
                )

    async def active(self) -> list[EscalationState]:
        async with self._sessions() as session:
            rows = (await session.execute(select(EscalationRow))).scalars().all()
        states = [EscalationState.from_dict(r.state) for r in rows]
        return [s for s in states if not (s.done or s.stopped)]

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
            return [_page(r) for r in rows]

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


def _page_values(page: PageRecord) -> dict[str, object]:
    return {
        "key": page.key,
        "incident_id": page.incident_id,
        "step": page.step,
        "target": page.target,
        "kind": page.kind,
        "reason": page.reason,
        "user_ids": page.user_ids,
        "paged_at": page.paged_at,
        "messages": [],
    }


def _page(r: PageRow) -> PageRecord:
    return PageRecord(
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
