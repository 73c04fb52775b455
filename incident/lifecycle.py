"""The status machine: which moves are legal and what each one records.

investigating → identified → mitigated → resolved, skipping forward allowed; ``reopen`` takes a
resolved incident back to investigating; ``close`` ends a resolved one (after the review) and
is final. Decisions return values; ``apply`` performs them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from incident.model import Incident, Status

REOPEN: Literal["reopen"] = "reopen"
Target = Status | Literal["reopen"]

_ORDER = (Status.INVESTIGATING, Status.IDENTIFIED, Status.MITIGATED, Status.RESOLVED)

ALLOWED: dict[Status, set[Status]] = {
    Status.INVESTIGATING: {Status.IDENTIFIED, Status.MITIGATED, Status.RESOLVED},
    Status.IDENTIFIED: {Status.MITIGATED, Status.RESOLVED},
    Status.MITIGATED: {Status.RESOLVED},
    Status.RESOLVED: {Status.CLOSED, Status.INVESTIGATING},  # INVESTIGATING only through reopen
    Status.CLOSED: set(),
}


@dataclass(frozen=True, slots=True)
class Refusal:
    key: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Transition:
    before: Status
    after: Status
    kind: str  # the timeline entry kind: status_changed, resolved, reopened, closed
    set_times: dict[str, datetime] = field(default_factory=dict)
    clear_times: tuple[str, ...] = ()


def transition(incident: Incident, target: Target, *, now: datetime) -> Transition | Refusal:
    current = incident.status
    ref = str(incident.ref)
    if current is Status.CLOSED:
        return Refusal("lifecycle.closed_final", {"ref": ref})
    if target == REOPEN:
        if current is not Status.RESOLVED:
            return Refusal("lifecycle.reopen_only_resolved", {"ref": ref, "status": current.value})
        return Transition(current, Status.INVESTIGATING, "reopened", clear_times=("resolved_at", "mitigated_at"))
    assert isinstance(target, Status)
    if target is current:
        key = "lifecycle.already_resolved" if target is Status.RESOLVED else "lifecycle.already_in_status"
        return Refusal(key, {"ref": ref, "status": target.value})
    if target is Status.INVESTIGATING or target not in ALLOWED[current]:
        return Refusal("lifecycle.illegal", {"ref": ref, "from": current.value, "to": target.value})
    times: dict[str, datetime] = {}
    if target is Status.MITIGATED or (target is Status.RESOLVED and incident.mitigated_at is None):
        times["mitigated_at"] = now
    if target is Status.RESOLVED:
        times["resolved_at"] = now
    if target is Status.CLOSED:
        times["closed_at"] = now
    kind = {Status.RESOLVED: "resolved", Status.CLOSED: "closed"}.get(target, "status_changed")
    return Transition(current, target, kind, set_times=times)


def apply(incident: Incident, change: Transition) -> None:
    incident.status = change.after
    for name, value in change.set_times.items():
        setattr(incident, name, value)
    for name in change.clear_times:
        setattr(incident, name, None)
