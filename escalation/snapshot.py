"""The escalation chain frozen when paging starts.

The snapshot is stored with the incident's escalation state, so editing the policy (or
restarting with a new config) cannot change an escalation already in flight; only a severity
change re-plans, and it does so with a fresh snapshot.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from escalation.policy import SeverityPolicy, Step


@dataclass(frozen=True, slots=True)
class EscalationSnapshot:
    """One severity's chain as it stood at ``started_at``; JSON-able via ``to_dict``."""

    severity: str
    steps: tuple[Step, ...]
    started_at: datetime
    repeat_every: timedelta | None = None
    fyi_levels: tuple[str, ...] = ()
    mention_here: bool = False

    @property
    def pages(self) -> bool:
        return bool(self.steps)

    @classmethod
    def freeze(cls, severity: str, policy: SeverityPolicy, now: datetime) -> EscalationSnapshot:
        """Copy the severity's policy as it is ``now``."""
        return cls(severity, tuple(policy.steps), now, policy.repeat_every, policy.fyi_levels, policy.mention_here)

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "steps": [s.to_dict() for s in self.steps],
            "started_at": self.started_at.isoformat(),
            "repeat_every": self.repeat_every.total_seconds() if self.repeat_every else None,
            "fyi_levels": list(self.fyi_levels),
            "mention_here": self.mention_here,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> EscalationSnapshot:
        repeat = raw.get("repeat_every")
        return cls(
            severity=str(raw.get("severity", "")),
            steps=tuple(Step.from_dict(s) for s in raw.get("steps", [])),
            started_at=_aware(datetime.fromisoformat(str(raw["started_at"]))),
            repeat_every=timedelta(seconds=float(repeat)) if repeat else None,
            fyi_levels=tuple(str(x) for x in raw.get("fyi_levels", [])),
            mention_here=bool(raw.get("mention_here", False)),
        )


def _aware(value: datetime) -> datetime:
    # Stored values are written aware; a naive one can only be UTC from an older writer.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
