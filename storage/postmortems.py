"""Action items and postmortem versions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from incident.model import IncidentRef
from postmortem.model import ActionItem, StoredDraft
from storage.database import rowcount, session_factory
from storage.postmortem_tables import ActionItemRow, PostmortemVersionRow
from storage.tables import IncidentRow


class SqlPostmortemStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = session_factory(engine)

    async def add_action(
        self, incident_id: int, *, horizon: str, text: str, owner: str | None, due: date, created_by: str, at: datetime
    ) -> ActionItem:
        for _ in range(10):
            try:
                async with self._sessions() as session, session.begin():
                    last = (
                        await session.execute(
                            select(func.coalesce(func.max(col(ActionItemRow.n)), 0)).where(
                                col(ActionItemRow.incident_id) == incident_id
                            )
                        )
                    ).scalar_one()
                    row = ActionItemRow(
                        incident_id=incident_id,
                        n=int(last) + 1,
                        horizon=horizon,
                        text=text,
                        owner=owner,
                        due=due,
                        created_by=created_by,
                        created_at=at,
                    )
                    session.add(row)
                return ActionItem(row.n, horizon, text, owner, due, False)
            except IntegrityError:
                continue  # another action took the number; draw again
        raise RuntimeError("could not number the action")

    async def mark_done(self, incident_id: int, *, n: int) -> bool:
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(ActionItemRow)
                .where(col(ActionItemRow.incident_id) == incident_id)
                .where(col(ActionItemRow.n) == n)
                .values(done=True)
            )
        return bool(rowcount(result))

    async def actions(self, incident_id: int) -> list[ActionItem]:
        async with self._sessions() as session:
            rows = (
                await session.execute(
                    select(ActionItemRow)
                    .where(col(ActionItemRow.incident_id) == incident_id)
                    .order_by(col(ActionItemRow.n))
                )
            ).scalars()
            return [ActionItem(r.n, r.horizon, r.text, r.owner, r.due, r.done) for r in rows]

    async def open_actions(self) -> list[tuple[int, str, ActionItem]]:
        """Every action not done yet, across incidents: (incident id, incident number, action)."""
        async with self._sessions() as session:
            rows = (
                await session.execute(
                    select(ActionItemRow, col(IncidentRow.year), col(IncidentRow.number))
                    .join(IncidentRow, col(IncidentRow.id) == col(ActionItemRow.incident_id))
                    .where(col(ActionItemRow.done).is_(False))
                    .order_by(col(ActionItemRow.due))
                )
            ).all()
            found: list[tuple[int, str, ActionItem]] = []
            for row, year, number in rows:
                action = ActionItem(row.n, row.horizon, row.text, row.owner, row.due, row.done)
                found.append((row.incident_id, str(IncidentRef(year, number)), action))
            return found

    async def add_version(
        self, incident_id: int, render: Callable[[int], Awaitable[str]], at: datetime, names: Mapping[str, str]
    ) -> StoredDraft:
        """Numbers the next version, renders it with its own number and keeps it with its names."""
        for _ in range(10):
            async with self._sessions() as session:
                last = (
                    await session.execute(
                        select(func.coalesce(func.max(col(PostmortemVersionRow.version)), 0)).where(
                            col(PostmortemVersionRow.incident_id) == incident_id
                        )
                    )
                ).scalar_one()
            draft = StoredDraft(int(last) + 1, await render(int(last) + 1), dict(names), at)
            try:
                async with self._sessions() as session, session.begin():
                    session.add(
                        PostmortemVersionRow(
                            incident_id=incident_id,
                            version=draft.version,
                            generated_at=at,
                            markdown=draft.markdown,
                            names=dict(draft.names),
                        )
                    )
                return draft
            except IntegrityError:
                continue  # another writer took the number; draw again
        raise RuntimeError("could not number the postmortem version")

    async def latest(self, incident_id: int) -> StoredDraft | None:
        async with self._sessions() as session:
            row = (
                await session.execute(
                    select(PostmortemVersionRow)
                    .where(PostmortemVersionRow.incident_id == incident_id)  # type: ignore[arg-type]
                    .order_by(PostmortemVersionRow.version.desc())  # type: ignore[attr-defined]
                    .limit(1)
                )
            ).scalar_one_or_none()
            return StoredDraft(row.version, row.markdown, dict(row.names or {}), row.generated_at) if row else None

    async def versions(self, incident_id: int) -> list[tuple[int, str]]:
        async with self._sessions() as session:
            rows = (
                await session.execute(
                    select(PostmortemVersionRow)
                    .where(col(PostmortemVersionRow.incident_id) == incident_id)
                    .order_by(col(PostmortemVersionRow.version))
                )
            ).scalars()
            return [(r.version, r.markdown) for r in rows]
