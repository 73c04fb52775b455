"""Pure decisions for commands on a running incident.

Each takes the incident as it is now and returns either a ``Refusal`` or a ``Change``: the
incident is mutated in place (on a fresh copy the service loaded), and the change lists the
timeline entries and the event to publish. No I/O here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from incident import events
from incident.command_types import ImpactCmd
from incident.lifecycle import REOPEN, Refusal, Target, apply, transition
from incident.model import EntrySource, Incident, Status
from incident.permissions import Permissions
from incident.ports import NewEntry
from incident.severity import SeverityScale


@dataclass(slots=True)
class Change:
    entries: list[NewEntry]
    event: str
    reply_key: str
    reply_params: dict[str, str] = field(default_factory=dict)
    event_data: dict[str, object] = field(default_factory=dict)
    refresh_summary: bool = True


Decision = Callable[[Incident, datetime], "Change | Refusal"]


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: str
    groups: frozenset[str] = frozenset()


def _entry(kind: str, text: str, actor: Actor, now: datetime, **data: object) -> NewEntry:
    return NewEntry(
        kind=kind,
        text=text,
        actor=actor.user_id,
        occurred_at=now,
        source=EntrySource.COMMAND,
        data=dict(data),
    )


def _allowed(permissions: Permissions, action: str, actor: Actor, incident: Incident) -> Refusal | None:
    if permissions.may(action, user_id=actor.user_id, incident=incident, user_groups=actor.groups):
        return None
    return Refusal("decisions.not_allowed", {"action": action, "ref": str(incident.ref)})


def move_status(target: Target, actor: Actor, permissions: Permissions, text: str = "") -> Decision:
    action = {REOPEN: "reopen", Status.RESOLVED: "resolve", Status.CLOSED: "close"}.get(target, "status")

    def decide(incident: Incident, now: datetime) -> Change | Refusal:
        change = transition(incident, target, now=now)
        if isinstance(change, Refusal):
            return change
        refused = _allowed(permissions, action, actor, incident)
        if refused:
            return refused
        apply(incident, change)
        if change.after is Status.RESOLVED:
            incident.resolution_summary = text
        event = {
            "resolved": events.RESOLVED,
            "reopened": events.REOPENED,
            "closed": events.CLOSED,
        }.get(change.kind, events.STATUS_CHANGED)
        entry = _entry(
            change.kind,
            text,
            actor,
            now,
            status_from=change.before.value,
            status_to=change.after.value,
        )
        return Change(
            [entry],
            event,
            f"decisions.status.{change.kind}",
            {"ref": str(incident.ref), "status": change.after.value},
            {"from": change.before.value, "to": change.after.value},
        )

    return decide


def change_severity(severity: str, actor: Actor, permissions: Permissions, scale: SeverityScale) -> Decision:
    def decide(incident: Incident, now: datetime) -> Change | Refusal:
        if not incident.is_open:
            return Refusal("decisions.not_open", {"ref": str(incident.ref)})
        before = incident.severity
        if before == severity:
            return Refusal("decisions.same_severity", {"ref": str(incident.ref), "severity": severity})
        upgrade = scale.is_upgrade(before, severity)
        level = scale.get(severity)
        if not upgrade:
            refused = _allowed(permissions, "downgrade", actor, incident)
            if refused:
                return refused
        incident.severity = severity
        entry = _entry(
            "severity_changed",
            f"{before} → {severity}",
            actor,
            now,
            severity_from=before,
            severity_to=severity,
        )
        return Change(
            [entry],
            events.SEVERITY_CHANGED,
            "decisions.severity_changed",
            {"ref": str(incident.ref), "from": before, "to": severity},
            # An upgrade to a level that tells everyone is announced beyond the channel.
            {"from": before, "to": severity, "upgrade": upgrade, "announce": bool(upgrade and level and level.notify_everyone)},  # noqa: E501
        )

    return decide


def assign_role(role: str, user_id: str, actor: Actor) -> Decision:
    def decide(incident: Incident, now: datetime) -> Change | Refusal:
        if incident.status is Status.CLOSED:
            return Refusal("lifecycle.closed_final", {"ref": str(incident.ref)})
        if role == "commander":
            incident.commander = user_id
        else:
            incident.roles[role] = user_id
        entry = _entry("role_assigned", f"{role}: <@{user_id}>", actor, now, role=role, user=user_id)
        return Change(
            [entry],
            events.UPDATED,
            "decisions.role_assigned",
            {"ref": str(incident.ref), "role": role, "user": f"<@{user_id}>"},
            {"role": role, "user": user_id},
        )

    return decide


def set_impact(cmd: ImpactCmd, actor: Actor) -> Decision:
    def decide(incident: Incident, now: datetime) -> Change | Refusal:
        if incident.status is Status.CLOSED:
            return Refusal("lifecycle.closed_final", {"ref": str(incident.ref)})
        impact = incident.impact
        if cmd.users is not None:
            impact.users = cmd.users
        if cmd.tps is not None:
            impact.tps = cmd.tps
        if cmd.revenue_per_txn is not None:
            impact.revenue_per_txn = cmd.revenue_per_txn
        if cmd.services:
            impact.services = list(cmd.services)
        shown = describe_impact(incident)
        return Change(
            [_entry("impact_updated", shown, actor, now)],
            events.UPDATED,
            "decisions.impact_updated",
            {"ref": str(incident.ref), "impact": shown},
        )

    return decide


def describe_impact(incident: Incident) -> str:
    impact = incident.impact
    parts = []
    if impact.users is not None:
        parts.append(f"users={impact.users:,}")
    if impact.tps is not None:
        parts.append(f"tps={impact.tps:g}")
    if impact.revenue_per_txn is not None:
        parts.append(f"revenue_per_txn={impact.revenue_per_txn:g}")
    if impact.services:
        parts.append("services=" + ",".join(impact.services))
    return " ".join(parts)


def post_update(text: str, actor: Actor) -> Decision:
    def decide(incident: Incident, now: datetime) -> Change | Refusal:
        if not incident.is_open:
            return Refusal("decisions.not_open", {"ref": str(incident.ref)})
        incident.last_update_at = now
        return Change(
            [_entry("status_update", text, actor, now)],
            events.UPDATED,
            "decisions.update_posted",
            {"ref": str(incident.ref)},
            {"status_update": text},
            refresh_summary=False,
        )

    return decide
