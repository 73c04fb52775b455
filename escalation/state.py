"""The per-incident escalation state: plain data, stored as JSON by the storage layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from escalation.policy import Step
from escalation.snapshot import EscalationSnapshot


@dataclass(slots=True)
class EscalationState:
    """Plain data stored per incident (``to_dict``/``from_dict``)."""

    incident_id: int
    plan: EscalationSnapshot
    generation: int = 0
    current_step: int = -1
    paged_at: dict[int, datetime] = field(default_factory=dict)
    acked_by: str | None = None
    acked_at: datetime | None = None
    acked_step: int | None = None  # the engaged step, whose handling clock runs
    done: bool = False  # nothing more will be paged under this plan
    stopped: bool = False  # mitigated, resolved or closed: only a reopen pages again
    fyi_sent: list[str] = field(default_factory=list)
    here_sent: bool = False

    @property
    def steps(self) -> tuple[Step, ...]:
        return self.plan.steps

    @property
    def repeat_every(self) -> timedelta | None:
        return self.plan.repeat_every

    def key(self, kind: str, step: int, at: datetime | None = None) -> str:
        suffix = f":{int(at.timestamp())}" if at is not None else ""
        return f"esc:{self.incident_id}:{self.generation}:{kind}:{step}{suffix}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "incident_id": self.incident_id,
            "plan": self.plan.to_dict(),
            "generation": self.generation,
            "current_step": self.current_step,
            "paged_at": {str(k): v.isoformat() for k, v in self.paged_at.items()},
            "acked_by": self.acked_by,
            "acked_at": self.acked_at.isoformat() if self.acked_at else None,
            "acked_step": self.acked_step,
            "done": self.done,
            "stopped": self.stopped,
            "fyi_sent": list(self.fyi_sent),
            "here_sent": self.here_sent,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> EscalationState:
        paged_at = {int(k): datetime.fromisoformat(v) for k, v in raw["paged_at"].items()}
        if "plan" in raw:
            plan = EscalationSnapshot.from_dict(raw["plan"])
        else:  # written before snapshots carried severity and start time
            started = min(paged_at.values()) if paged_at else datetime(1970, 1, 1, tzinfo=UTC)
            plan = EscalationSnapshot.from_dict(
                {"steps": raw["steps"], "repeat_every": raw.get("repeat_every"), "started_at": started.isoformat()}
            )
        acked_step = raw.get("acked_step")
        return cls(
            incident_id=int(raw["incident_id"]),
            plan=plan,
            generation=int(raw["generation"]),
            current_step=int(raw["current_step"]),
            paged_at=paged_at,
            acked_by=raw.get("acked_by"),
            acked_at=datetime.fromisoformat(raw["acked_at"]) if raw.get("acked_at") else None,
            acked_step=int(acked_step) if acked_step is not None else None,
            done=bool(raw.get("done")),
            stopped=bool(raw.get("stopped")),
            fyi_sent=[str(x) for x in raw.get("fyi_sent", [])],
            here_sent=bool(raw.get("here_sent")),
        )
