"""Action items and postmortem versions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from postmortem.model import ActionItem
from storage.database import rowcount, session_factory
from storage.postmortem_tables import ActionItemRow, PostmortemVersionRow


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

    async def add_version(self, incident_id: int, markdown: str, at: datetime) -> int:
        for _ in range(10):
            try:
                async with self._sessions() as session, session.begin():
                    last = (
                        await session.execute(
                            select(func.coalesce(func.max(col(PostmortemVersionRow.version)), 0)).where(
                                col(PostmortemVersionRow.incident_id) == incident_id
                            )
                        )
                    ).scalar_one()
                    version = int(last) + 1
                    session.add(
                        PostmortemVersionRow(
                            incident_id=incident_id, version=version, generated_at=at, markdown=markdown
                        )
                    )
                return version
            except IntegrityError:
                continue
        raise RuntimeError("could not number the postmortem version")

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
