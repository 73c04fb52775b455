"""Noise control: is an alert a repeat, a recovery, part of an open incident, or new?

The rules, from the operations guide (seeds/002 IntelligentAlertManager) made explicit:
- *Duplicate*: an alert that still fires under the same source and key (fingerprint, alias)
  is the same alert again, however long it has fired: its counter goes up. Within the dedupe
  window the same source, metric, service and host also count as the same alert, and so does
  an alert that resolved and fires again (flapping).
- *Related*: a new alert scores against each alert seen within the grouping window (same
  service + ``same_service``, same host + ``same_host``, one depends on the other +
  ``dependency``) and joins the incident of the best one when the score is **at least**
  ``threshold``. Scores are summed in hundredths, so 0.3 + 0.4 reaches 0.7 exactly.
- *Same group*: alerts the source itself grouped (one Alertmanager notification group) join
  the incident their group already has, while it is open.
- *Maintenance*: a new alert for a service under maintenance is recorded and shown, never
  declared or paged.
- Otherwise an alert at or above ``declare_from`` declares; below it goes to triage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from alerts.config import AlertsConfig, Grouping
from alerts.maintenance import MaintenanceWindow, window_for
from alerts.model import Alert, AlertStatus


@dataclass(frozen=True, slots=True)
class Known:
    """An alert already stored, as the decision needs it."""

    id: int
    alert: Alert
    first_seen: datetime
    last_seen: datetime
    resolved_at: datetime | None
    incident_id: int | None
    incident_open: bool


@dataclass(frozen=True, slots=True)
class Repeat:
    known: Known


@dataclass(frozen=True, slots=True)
class Recover:
    known: Known


@dataclass(frozen=True, slots=True)
class Attach:
    incident_id: int
    related: Known
    score: float


@dataclass(frozen=True, slots=True)
class Declare:
    pass


@dataclass(frozen=True, slots=True)
class Triage:
    pass


@dataclass(frozen=True, slots=True)
class UnderMaintenance:
    window: MaintenanceWindow


@dataclass(frozen=True, slots=True)
class Ignore:
    reason: str


Verdict = Repeat | Recover | Attach | Declare | Triage | UnderMaintenance | Ignore


def correlation(a: Alert, b: Alert, grouping: Grouping) -> float:
    """The seeds' score, in hundredths to keep 0.3 + 0.4 equal to 0.7."""
    hundredths = 0
    if a.service and a.service == b.service:
        hundredths += round(grouping.same_service * 100)
    if a.host and a.host == b.host:
        hundredths += round(grouping.same_host * 100)
    if _depends(a.service, b.service, grouping) or _depends(b.service, a.service, grouping):
        hundredths += round(grouping.dependency * 100)
    return hundredths / 100


def _depends(service: str, other: str, grouping: Grouping) -> bool:
    return bool(service and other and service != other and other in grouping.dependencies.get(service, ()))


def _same_alert(alert: Alert, known: Alert) -> bool:
    return alert.source == known.source and alert.key == known.key


def _same_signal(alert: Alert, known: Alert) -> bool:
    return (
        alert.source == known.source
        and alert.metric == known.metric
        and alert.service == known.service
        and alert.host == known.host
    )


def decide(
    alert: Alert,
    now: datetime,
    known: Sequence[Known],
    windows: Sequence[MaintenanceWindow],
    config: AlertsConfig,
) -> Verdict:
    """``known`` holds the stored alerts of the same source and key, and every alert seen
    within the larger of the two windows; ``windows`` the maintenance windows."""
    dedupe_since = now - config.dedupe_window
    if alert.status is AlertStatus.RESOLVED:
        firing = [k for k in known if _same_alert(alert, k.alert) and k.resolved_at is None]
        return Recover(firing[0]) if firing else Ignore("resolved alert never seen firing")
    for k in known:
        if _same_alert(alert, k.alert) and (k.resolved_at is None or k.last_seen >= dedupe_since):
            return Repeat(k)
    for k in known:
        if k.resolved_at is None and k.last_seen >= dedupe_since and _same_signal(alert, k.alert):
            return Repeat(k)
    window = window_for(alert.service, now, windows)
    if window is not None:
        return UnderMaintenance(window)
    if alert.group:
        for k in known:
            same_group = (k.alert.source, k.alert.group) == (alert.source, alert.group)
            if same_group and k.incident_id is not None and k.incident_open:
                return Attach(k.incident_id, k, 1.0)
    group_since = now - config.grouping.window
    best: tuple[float, Known] | None = None
    for k in known:
        if k.incident_id is None or not k.incident_open or k.last_seen < group_since:
            continue
        score = correlation(alert, k.alert, config.grouping)
        if best is None or score > best[0]:
            best = (score, k)
    if best is not None and best[0] >= config.grouping.threshold and best[1].incident_id is not None:
        return Attach(best[1].incident_id, best[1], best[0])
    if config.reaches(alert.severity, config.declare_from):
        return Declare()
    return Triage()
