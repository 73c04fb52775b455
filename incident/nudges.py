"""Reminders: when to nudge the commander, decided from the incident alone.

A status update is due one cadence (per severity) after the last update, or after the
declaration when there was none, and again every cadence while nobody posts one. Each nudge
carries the moment its quiet period started; an update moves that moment, so a pending nudge
finds itself stale and stays silent. Nudges are not timeline events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from incident.model import BOOKKEEPING_KINDS, Incident
from incident.severity import SeverityScale

NO_COMMANDER_AFTER = timedelta(minutes=10)
INACTIVE_AFTER = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Nudge:
    kind: str  # status_update | no_commander | inactive
    due_at: datetime
    basis: datetime

    def key(self, incident_id: int) -> str:
        return f"nudge:{incident_id}:{self.kind}:{self.due_at.isoformat()}"

    def payload(self, incident_id: int) -> dict[str, object]:
        return {"incident_id": incident_id, "kind": self.kind, "basis": self.basis.isoformat()}


def repeat(
    nudge_kind: str, basis: datetime, fired_at: datetime, incident: Incident, scale: SeverityScale
) -> Nudge | None:
    """After a nudge, the next one for the same quiet period (status updates, inactivity)."""
    if nudge_kind == "status_update":
        level = scale.get(incident.severity)
        if level is None or level.update_cadence is None:
            return None
        return Nudge(nudge_kind, fired_at + level.update_cadence, basis)
    if nudge_kind == "inactive":
        return Nudge(nudge_kind, fired_at + INACTIVE_AFTER, basis)
    return None


def prefix(incident_id: int, kind: str = "") -> str:
    return f"nudge:{incident_id}:{kind}"


def planned(incident: Incident, scale: SeverityScale, last_activity: datetime) -> list[Nudge]:
    """Every nudge the incident should have armed now (none once it is resolved)."""
    if not incident.is_open:
        return []
    nudges: list[Nudge] = []
    level = scale.get(incident.severity)
    if level is not None and level.update_cadence is not None:
        basis = incident.last_update_at or incident.declared_at
        nudges.append(Nudge("status_update", basis + level.update_cadence, basis))
    if incident.commander is None:
        nudges.append(Nudge("no_commander", incident.declared_at + NO_COMMANDER_AFTER, incident.declared_at))
    nudges.append(Nudge("inactive", last_activity + INACTIVE_AFTER, last_activity))
    return nudges


def still_due(nudge_kind: str, basis: datetime, incident: Incident, last_activity: datetime) -> bool:
    """At fire time: is the quiet period the nudge was armed for still unbroken?"""
    if not incident.is_open:
        return False
    if nudge_kind == "status_update":
        return (incident.last_update_at or incident.declared_at) == basis
    if nudge_kind == "no_commander":
        return incident.commander is None
    if nudge_kind == "inactive":
        return last_activity <= basis
    return False


# What the bot wrote on its own: whom it paged or told, what it suggested. Not people at work.
NOT_ACTIVITY: frozenset[str] = BOOKKEEPING_KINDS | {"page", "escalated", "page_cancelled"}


def counts_as_activity(entry_kind: str) -> bool:
    """Whether a timeline entry of this kind shows someone working on the incident (pages don't)."""
    return entry_kind not in NOT_ACTIVITY
