"""The paging state machine. Pure: each function takes the state and ``now`` and returns
the actions to perform; the engine pages, stores and arms timers.

Every deadline key carries the state's *generation*; a severity change bumps it, so a timer
armed under the old plan finds itself stale and does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from escalation.policy import SeverityPolicy, Step

ACK, HANDLE, REPEAT = "ack", "handle", "repeat"


@dataclass(frozen=True, slots=True)
class Page:
    step: int
    reason: str  # declared | ack_timeout | handle_timeout | manual | repeat


@dataclass(frozen=True, slots=True)
class Fyi:
    level: str


@dataclass(frozen=True, slots=True)
class MentionHere:
    pass


@dataclass(frozen=True, slots=True)
class Arm:
    key: str
    kind: str
    step: int
    due_at: datetime


@dataclass(frozen=True, slots=True)
class CancelAll:
    """Cancel every pending escalation deadline of this incident."""


@dataclass(frozen=True, slots=True)
class Acked:
    step: int
    user_id: str
    after: timedelta  # since that step was paged


Action = Page | Fyi | MentionHere | Arm | CancelAll | Acked


@dataclass(slots=True)
class EscalationState:
    incident_id: int
    steps: list[Step]
    repeat_every: timedelta | None = None
    generation: int = 0
    current_step: int = -1
    paged_at: dict[int, datetime] = field(default_factory=dict)
    acked_by: str | None = None
    acked_at: datetime | None = None
    acked_step: int | None = None
    done: bool = False

    def key(self, kind: str, step: int, at: datetime | None = None) -> str:
        suffix = f":{int(at.timestamp())}" if at is not None else ""
        return f"esc:{self.incident_id}:{self.generation}:{kind}:{step}{suffix}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "incident_id": self.incident_id,
            "steps": [s.to_dict() for s in self.steps],
            "repeat_every": self.repeat_every.total_seconds() if self.repeat_every else None,
            "generation": self.generation,
            "current_step": self.current_step,
            "paged_at": {str(k): v.isoformat() for k, v in self.paged_at.items()},
            "acked_by": self.acked_by,
            "acked_at": self.acked_at.isoformat() if self.acked_at else None,
            "acked_step": self.acked_step,
            "done": self.done,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> EscalationState:
        return cls(
            incident_id=int(raw["incident_id"]),
            steps=[Step.from_dict(s) for s in raw["steps"]],
            repeat_every=timedelta(seconds=raw["repeat_every"]) if raw.get("repeat_every") else None,
            generation=int(raw["generation"]),
            current_step=int(raw["current_step"]),
            paged_at={int(k): datetime.fromisoformat(v) for k, v in raw["paged_at"].items()},
            acked_by=raw.get("acked_by"),
            acked_at=datetime.fromisoformat(raw["acked_at"]) if raw.get("acked_at") else None,
            acked_step=raw.get("acked_step"),
            done=bool(raw.get("done")),
        )


def snapshot(incident_id: int, policy: SeverityPolicy) -> EscalationState:
    """Freeze the policy into the incident's state: later policy edits cannot change it."""
    return EscalationState(incident_id, list(policy.steps), policy.repeat_every)


def _page(state: EscalationState, step: int, now: datetime, reason: str) -> list[Action]:
    state.current_step = step
    state.paged_at.setdefault(step, now)
    actions: list[Action] = [Page(step, reason)]
    ack_within = state.steps[step].ack_within
    if ack_within is not None:
        due = now + ack_within
        actions.append(Arm(state.key(ACK, step), ACK, step, due))
    elif step == len(state.steps) - 1 and state.repeat_every:
        due = now + state.repeat_every
        actions.append(Arm(state.key(REPEAT, step, due), REPEAT, step, due))
    return actions


def start(state: EscalationState, policy: SeverityPolicy, now: datetime) -> list[Action]:
    if not state.steps:
        state.done = True
        return []
    actions: list[Action] = _page(state, 0, now, "declared")
    actions += [Fyi(level) for level in policy.fyi_levels]
    if policy.mention_here:
        actions.append(MentionHere())
    return actions


def _next_or_repeat(state: EscalationState, now: datetime, reason: str) -> list[Action]:
    following = state.current_step + 1
    if following < len(state.steps):
        return _page(state, following, now, reason)
    if state.repeat_every and state.acked_by is None:
        due = now + state.repeat_every
        return [
            Page(state.current_step, "repeat"),
            Arm(state.key(REPEAT, state.current_step, due), REPEAT, state.current_step, due),
        ]
    return []


def on_deadline(state: EscalationState, kind: str, step: int, generation: int, now: datetime) -> list[Action]:
    if state.done or generation != state.generation:
        return []
    if kind in (ACK, REPEAT):
        if state.acked_by is not None or step != state.current_step:
            return []
        return _next_or_repeat(state, now, "ack_timeout" if kind == ACK else "repeat")
    if kind == HANDLE:
        if state.acked_step != step or state.current_step != step:
            return []
        actions = _next_or_repeat(state, now, "handle_timeout")
        following = state.current_step
        # The step pulled in is treated as engaged: its own handling clock starts now.
        handle = state.steps[following].handle_within
        if actions and handle is not None and following != step:
            state.acked_step = following
            actions = [a for a in actions if not (isinstance(a, Arm) and a.kind == ACK)]
            actions.append(Arm(state.key(HANDLE, following), HANDLE, following, now + handle))
        return actions
    return []


def on_ack(state: EscalationState, user_id: str, now: datetime) -> list[Action]:
    if state.done or state.acked_by is not None or state.current_step < 0:
        return []
    step = state.current_step
    state.acked_by, state.acked_at, state.acked_step = user_id, now, step
    actions: list[Action] = [CancelAll(), Acked(step, user_id, now - state.paged_at.get(step, now))]
    handle = state.steps[step].handle_within
    if handle is not None:
        actions.append(Arm(state.key(HANDLE, step), HANDLE, step, now + handle))
    return actions


def escalate_now(state: EscalationState, now: datetime) -> list[Action]:
    if state.done or state.current_step + 1 >= len(state.steps):
        return []
    return [CancelAll(), *_page(state, state.current_step + 1, now, "manual")]


def stop(state: EscalationState) -> list[Action]:
    if state.done:
        return []
    state.done = True
    return [CancelAll()]


def replan(state: EscalationState, policy: SeverityPolicy, now: datetime) -> list[Action]:
    """A severity change: the new policy's timings apply from now; stale timers are ignored."""
    state.generation += 1
    state.steps = list(policy.steps)
    state.repeat_every = policy.repeat_every
    actions: list[Action] = [CancelAll()]
    if not state.steps:
        state.done = True
        return actions
    state.done = False
    if state.current_step < 0:
        return actions + start(state, policy, now)
    state.current_step = min(state.current_step, len(state.steps) - 1)
    step = state.current_step
    if state.acked_by is not None:
        handle = state.steps[step].handle_within
        if handle is not None:
            state.acked_step = step
            actions.append(Arm(state.key(HANDLE, step), HANDLE, step, now + handle))
        return actions
    ack_within = state.steps[step].ack_within
    if ack_within is not None:
        actions.append(Arm(state.key(ACK, step), ACK, step, now + ack_within))
    return actions
