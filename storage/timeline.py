"""Timeline corrections and look-ups beyond appending (which ``SqlIncidentStore`` does)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from storage.database import session_factory
from storage.tables import TimelineEntryRow
from storage.timeline_tables import AmendmentRow
from timeline.corrections import Amendment


class SqlTimelineStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = session_factory(engine)

    async def entry_id_for_message(self, incident_id: int, message_ts: str, *, source: str) -> int | None:
        async with self._sessions() as session:
            return (
                (
                    await session.execute(
                        select(col(TimelineEntryRow.id))
                        .where(col(TimelineEntryRow.incident_id) == incident_id)
                        .where(col(TimelineEntryRow.message_ts) == message_ts)
                        .where(col(TimelineEntryRow.source) == source)
                        .where(col(TimelineEntryRow.deleted).is_(False))
                    )
                )
                .scalars()
                .first()
            )

    async def amend(self, entry_id: int, *, new_text: str | None, actor: str, at: datetime) -> bool:
        """Edit (``new_text``) or delete (None) an entry, keeping the original in the audit trail."""
        async with self._sessions() as session, session.begin():
            row = await session.get(TimelineEntryRow, entry_id, with_for_update=True)
            if row is None or row.deleted:
                return False
            session.add(
                AmendmentRow(
                    entry_id=entry_id,
                    incident_id=row.incident_id,
                    action="delete" if new_text is None else "edit",
                    old_text=row.text,
                    new_text=new_text,
                    actor=actor,
                    at=at,
                )
            )
            values: dict[str, object] = {"amended": True}
            if new_text is None:
                values["deleted"] = True
            else:
                values["text"] = new_text
            await session.execute(update(TimelineEntryRow).where(col(TimelineEntryRow.id) == entry_id).values(**values))
        return True

    async def amendments(self, incident_id: int) -> list[Amendment]:
        async with self._sessions() as session:
            rows = (
                await session.execute(
                    select(AmendmentRow)
                    .where(col(AmendmentRow.incident_id) == incident_id)
                    .order_by(col(AmendmentRow.id))
                )
            ).scalars()
            return [
                Amendment(
                    r.entry_id, r.old_text, r.new_text, r.actor, r.at, "delete" if r.action == "delete" else "edit"
                )
                for r in rows
            ]
