"""Action items and postmortem versions."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from incident.model import IncidentRef
from postmortem.model import ActionItem, StoredDraft
from storage.database import session_factory
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
                            select(func.coalesce(func.max(ActionItemRow.n), 0)).where(
                                ActionItemRow.incident_id == incident_id
                            )  # type: ignore[arg-type]
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

    async def mark_done(self, incident_id: int, n: int) -> bool:
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(ActionItemRow)
                .where(ActionItemRow.incident_id == incident_id)
                .where(ActionItemRow.n == n)
                .values(done=True)  # type: ignore[arg-type]
            )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def actions(self, incident_id: int) -> list[ActionItem]:
        async with self._sessions() as session:
            rows = (
                await session.execute(
                    select(ActionItemRow).where(ActionItemRow.incident_id == incident_id).order_by(ActionItemRow.n)  # type: ignore[arg-type]
                )
            ).scalars()
            return [ActionItem(r.n, r.horizon, r.text, r.owner, r.due, r.done) for r in rows]

    async def open_actions(self) -> list[tuple[int, str, ActionItem]]:
        """Every action not done yet, across incidents: (incident id, incident number, action)."""
        async with self._sessions() as session:
            rows = (
                await session.execute(
                    select(ActionItemRow, IncidentRow.year, IncidentRow.number)
                    .join(IncidentRow, IncidentRow.id == ActionItemRow.incident_id)  # type: ignore[arg-type]
                    .where(ActionItemRow.done.is_(False))  # type: ignore[attr-defined]
                    .order_by(ActionItemRow.due)  # type: ignore[arg-type]
                )
            ).all()
            return [
                (
                    r.incident_id,
                    str(IncidentRef(year, number)),
                    ActionItem(r.n, r.horizon, r.text, r.owner, r.due, r.done),
                )
                for r, year, number in rows
            ]

    async def add_version(
        self, incident_id: int, render: Callable[[int], str], at: datetime, names: Mapping[str, str]
    ) -> StoredDraft:
        """Numbers the next version, renders it with its own number and keeps it with its names."""
        for _ in range(10):
            async with self._sessions() as session:
                last = (
                    await session.execute(
                        select(func.coalesce(func.max(PostmortemVersionRow.version), 0)).where(
                            PostmortemVersionRow.incident_id == incident_id
                        )  # type: ignore[arg-type]
                    )
                ).scalar_one()
            draft = StoredDraft(int(last) + 1, render(int(last) + 1), dict(names), at)
            try:
                async with self._sessions() as session, session.begin():
                    session.add(
                        PostmortemVersionRow(
                            incident_id=incident_id,
                            version=draft.version,
                            generated_at=at,
                            markdown=draft.markdown,
                            names=draft.names,
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
                    .where(PostmortemVersionRow.incident_id == incident_id)
                    .order_by(PostmortemVersionRow.version)  # type: ignore[arg-type]
                )
            ).scalars()
            return [(r.version, r.markdown) for r in rows]
