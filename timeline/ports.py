"""What the timeline service needs beyond the incident store."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class TimelineCorrections(Protocol):
    async def entry_id_for_message(self, incident_id: int, message_ts: str, *, source: str) -> int | None: ...

    async def amend(self, entry_id: int, *, new_text: str | None, actor: str, at: datetime) -> bool: ...
