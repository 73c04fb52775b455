"""What the rest of Hikeshi may ask of escalation (the engine, or ``NoEscalation`` without a roster).

Nothing outside ``escalation/`` touches its store: acknowledging, escalating, "does this reply
acknowledge?", who is on call and overrides are all answered here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Protocol

from escalation.oncall_commands import OverrideLevel, SwapLevel
from escalation.roster import OnCall, Override

AckResult = Literal["recorded", "already", "nothing"]  # nothing: the incident has no page to acknowledge


class Escalation(Protocol):
    @property
    def has_roster(self) -> bool: ...

    @property
    def level_names(self) -> tuple[str, ...]: ...

    async def acknowledge_page(self, incident_id: int, user_id: str) -> AckResult: ...

    async def acknowledge_by_reply(self, incident_id: int, user_id: str) -> bool:
        """A paged person wrote in the incident channel: True when that acknowledged the page."""
        ...

    async def escalate_now(self, incident_id: int, user_id: str) -> bool: ...

    async def on_call(self, at: datetime) -> list[tuple[OnCall, datetime | None]]:
        """Each level's holder at ``at`` and its next hand-off."""
        ...

    async def set_override(self, cmd: OverrideLevel | SwapLevel, at: datetime, by: str) -> Override | None:
        """The override stored, or None when the level cannot be swapped."""
        ...

    async def audit(self) -> int:
        """Re-arm what each incident still being paged is missing (by its policy snapshot and the
        clock); returns how many deadlines it re-armed."""
        ...
