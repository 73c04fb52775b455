"""The paging state machine. Pure: each function takes the state and ``now`` and returns
the actions to perform; the engine pages, stores and arms timers.

Every deadline key carries the state's *generation*; a severity change bumps it, so a timer
armed under the old plan finds itself stale and does nothing.

Vocabulary: a step is *engaged* once someone acknowledged it, or once it was pulled in to
help an acknowledged incident (handling timeout, "escalate now"). An engaged step has a
handling clock instead of an acknowledgement clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from escalation.policy import SeverityPolicy
from escalation.snapshot import EscalationSnapshot
from escalation.state import EscalationState

__all__ = [
    "ACK",
    "HANDLE",
    "REPEAT",
    "Acked",
    "Action",
    "Arm",
    "CancelAll",
    "EscalationState",
    "Fyi",
    "MentionHere",
    "Page",
    "escalate_now",
    "expected_deadline",
    "new_state",
    "on_ack",
    "on_deadline",
    "replan",
    "snapshot",
    "start",
    "stop",
]

ACK, HANDLE, REPEAT = "ack", "handle", "repeat"


@dataclass(frozen=True, slots=True)
class Page:
    """Page the people of ``step`` (resolved with the roster at the moment of the page)."""

    step: int
    reason: str  # declared | ack_timeout | handle_timeout | manual | repeat


@dataclass(frozen=True, slots=True)
class Fyi:
    """Tell a level about the incident without paging it."""

    level: str


@dataclass(frozen=True, slots=True)
class MentionHere:
    """``@here`` in the incident channel."""


@dataclass(frozen=True, slots=True)
class Arm:
    """Arm a deadline; ``key`` is unique per incident, generation, kind and step (and time for repeats)."""

    key: str
    kind: str
    step: int
    due_at: datetime


@dataclass(frozen=True, slots=True)
class CancelAll:
    """Cancel every pending escalation deadline of this incident."""


@dataclass(frozen=True, slots=True)
class Acked:
    """The incident's acknowledgement: who, at which step, how long after that step was paged."""

    step: int
    user_id: str
    after: timedelta


Action = Page | Fyi | MentionHere | Arm | CancelAll | Acked


def new_state(incident_id: int, plan: EscalationSnapshot) -> EscalationState:
    """A fresh state for an incident, with its chain frozen in ``plan``."""
    return EscalationState(incident_id, plan)


def snapshot(incident_id: int, severity: str, policy: SeverityPolicy, now: datetime) -> EscalationState:
    """A new state with the severity's policy frozen as it is ``now``: later policy edits cannot change it."""
    return new_state(incident_id, EscalationSnapshot.freeze(severity, policy, now))


def _engaged(state: EscalationState, step: int) -> bool:
    return state.acked_step == step


def _page(state: EscalationState, step: int, now: datetime, reason: str) -> list[Action]:
    state.current_step = step
    state.paged_at.setdefault(step, now)
    actions: list[Action] = [Page(step, reason)]
    ack_within = state.steps[step].ack_within
    if ack_within is not None:
        actions.append(Arm(state.key(ACK, step), ACK, step, now + ack_within))
    elif step == len(state.steps) - 1 and state.repeat_every:
        due = now + state.repeat_every
        actions.append(Arm(state.key(REPEAT, step, due), REPEAT, step, due))
    return actions


def _pull_in(state: EscalationState, now: datetime, reason: str) -> list[Action]:
    """Page the next step to help an engaged one; it is engaged at once (handling clock, no ack clock)."""
    following = state.current_step + 1
    if following >= len(state.steps):
        return []
    state.current_step = following
    state.acked_step = following
    state.paged_at.setdefault(following, now)
    actions: list[Action] = [Page(following, reason)]
    handle = state.steps[following].handle_within
    if handle is not None:
        actions.append(Arm(state.key(HANDLE, following), HANDLE, following, now + handle))
    return actions


def _notices(state: EscalationState) -> list[Action]:
    """FYIs and ``@here`` the plan asks for and that were not sent yet (at declare or on an upgrade)."""
    paged_levels = {state.steps[i].level for i in range(state.current_step + 1) if i < len(state.steps)}
    actions: list[Action] = []
    for level in state.plan.fyi_levels:
        if level not in state.fyi_sent and level not in paged_levels:
            state.fyi_sent.append(level)
            actions.append(Fyi(level))
    if state.plan.mention_here and not state.here_sent:
        state.here_sent = True
        actions.append(MentionHere())
    return actions


def start(state: EscalationState, now: datetime) -> list[Action]:
    """Page the first step, FYI and ``@here`` as planned. A second start (a re-delivered event) does nothing."""
    if state.current_step >= 0 or state.stopped or state.done:
        return []
    if not state.steps:
        state.done = True
        return []
    return _page(state, 0, now, "declared") + _notices(state)


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
    """A timer fired. Stale (older generation), superseded or already-answered timers do nothing."""
    if state.done or generation != state.generation or step != state.current_step:
        return []
    if kind in (ACK, REPEAT):
        if state.acked_by is not None or _engaged(state, step):
            return []
        return _next_or_repeat(state, now, "ack_timeout" if kind == ACK else "repeat")
    if kind == HANDLE and _engaged(state, step):
        return _pull_in(state, now, "handle_timeout")
    return []


def on_ack(state: EscalationState, user_id: str, now: datetime) -> list[Action]:
    """The first acknowledgement stops the ack clocks and starts the handling clock; later ones do nothing."""
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
    """Manual escalation to the next step. After an ack the next step joins with its handling clock."""
    if state.done or state.current_step < 0 or state.current_step + 1 >= len(state.steps):
        return []
    if _engaged(state, state.current_step):
        return [CancelAll(), *_pull_in(state, now, "manual")]
    return [CancelAll(), *_page(state, state.current_step + 1, now, "manual")]


def stop(state: EscalationState) -> list[Action]:
    """Mitigated, resolved or closed: cancel everything; only a reopen pages again."""
    if state.stopped:
        return []
    state.stopped = True
    state.done = True
    return [CancelAll()]


def replan(state: EscalationState, plan: EscalationSnapshot, now: datetime, *, revive: bool = False) -> list[Action]:
    """A severity change (or, with ``revive``, a reopen): the new chain's timings apply from now.

    The generation is bumped so timers of the old plan are ignored. A stopped escalation only
    takes the new plan; it pages again only when ``revive`` is set.
    """
    state.generation += 1
    state.plan = plan
    actions: list[Action] = [CancelAll()]
    if revive:
        state.stopped = False
    if state.stopped or not state.steps:
        state.done = True
        return actions
    state.done = False
    if state.current_step < 0:
        return actions + start(state, now)
    state.current_step = min(state.current_step, len(state.steps) - 1)
    step = state.current_step
    if state.acked_by is not None:
        state.acked_step = step
        handle = state.steps[step].handle_within
        if handle is not None:
            actions.append(Arm(state.key(HANDLE, step), HANDLE, step, now + handle))
        return actions + _notices(state)
    ack_within = state.steps[step].ack_within
    if ack_within is not None:
        actions.append(Arm(state.key(ACK, step), ACK, step, now + ack_within))
    elif step == len(state.steps) - 1 and state.repeat_every:
        due = now + state.repeat_every
        actions.append(Arm(state.key(REPEAT, step, due), REPEAT, step, due))
    return actions + _notices(state)


def expected_deadline(state: EscalationState) -> Arm | None:
    """The deadline an escalation that is still running must have pending, as the auditor
    re-arms it when it went missing: the ack clock of the paged step, or the handling clock of
    the engaged one. None when nothing is waited on (done, stopped, not started, repeating)."""
    if state.done or state.stopped or state.current_step < 0 or state.current_step >= len(state.steps):
        return None
    step = state.current_step
    paged = state.paged_at.get(step)
    if paged is None:
        return None
    if _engaged(state, step):
        handle = state.steps[step].handle_within
        if handle is None:
            return None
        since = max(paged, state.acked_at) if state.acked_at is not None else paged
        return Arm(state.key(HANDLE, step), HANDLE, step, since + handle)
    if state.acked_by is not None:
        return None
    ack_within = state.steps[step].ack_within
    if ack_within is None:
        return None  # the last step repeats on its own key; a lost repeat is not re-armed
    return Arm(state.key(ACK, step), ACK, step, paged + ack_within)
