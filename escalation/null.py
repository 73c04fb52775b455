"""What a team without a roster gets: escalation that pages nobody and says so."""

from __future__ import annotations

from datetime import datetime

from escalation.oncall_commands import OverrideLevel, SwapLevel
from escalation.roster import OnCall, Override
from escalation.service import AckResult


class NoEscalation:
    """The null object for ``EscalationEngine``: every question has the answer "nothing to page"."""

    has_roster = False
    level_names: tuple[str, ...] = ()

    async def acknowledge_page(self, incident_id: int, user_id: str) -> AckResult:
        return "nothing"

    async def acknowledge_by_reply(self, incident_id: int, user_id: str) -> bool:
        return False

    async def escalate_now(self, incident_id: int, user_id: str) -> bool:
        return False

    async def on_call(self, at: datetime) -> list[tuple[OnCall, datetime | None]]:
        return []

    async def set_override(self, cmd: OverrideLevel | SwapLevel, at: datetime, by: str) -> Override | None:
        return None

    async def audit(self) -> int:
        return 0
