"""The alert service: act on what the intake stored, one event at a time, in arrival order.

Intake (the HTTP edge) only parses and stores; this service runs after the answer, and again
on start-up for whatever a crash left unprocessed (``processed_at`` still empty).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta
from typing import Any

from alerts.config import AlertsConfig
from alerts.maintenance import MaintenanceWindow
from alerts.model import Alert, AlertStatus
from alerts.noise import Attach, Declare, Ignore, Known, Recover, Repeat, Triage, UnderMaintenance, decide
from alerts.ports import AlertBoard, AlertEvent, AlertStore, StoredAlert
from incident import events
from incident.clock import Clock
from incident.decisions import Actor
from incident.events import EventBus, IncidentEvent
from incident.model import Incident, Status
from incident.ports import IncidentStore, NewEntry, Timers
from incident.service import DeclareRequest, IncidentService

log = logging.getLogger(__name__)

MAINTENANCE_END = "maintenance_end"
_DECLARING = "declaring"
_OPEN = (Status.INVESTIGATING, Status.IDENTIFIED, Status.MITIGATED)


class AlertService:
    def __init__(
        self,
        *,
        config: AlertsConfig,
        store: AlertStore,
        incidents: IncidentService,
        incident_store: IncidentStore,
        board: AlertBoard,
        timers: Timers,
        bus: EventBus,
        clock: Clock,
        locale: str,
        spawn: Callable[[Coroutine[Any, Any, None], str], object],
    ) -> None:
        self.config = config
        self.store = store
        self.incidents = incidents
        self.incident_store = incident_store
        self.board = board
        self.timers = timers
        self.bus = bus
        self.clock = clock
        self.locale = locale
        self.spawn = spawn  # owned background work: a slow Slack must not hold up the next alert
        self._lock = asyncio.Lock()

    async def process_pending(self) -> int:
        """Act on every stored, unprocessed event; one runner at a time keeps the order."""
        done = 0
        async with self._lock:
            while batch := await self.store.unprocessed():
                for event in batch:
                    try:
                        await self._handle(event)
                    except Exception:
                        log.exception("alert event %s failed; it is kept and marked done", event.id)
                    await self.store.mark_processed(event.id, self.clock.now())
                    done += 1
        return done

    async def _handle(self, event: AlertEvent) -> None:
        if event.action == "alert":
            await self._alert(Alert.from_data(event.data))
            return
        stored = await self.store.by_alias(event.source, event.alias)
        if stored is None:
            log.info("opsgenie %s for unknown alias from %s", event.action, event.source)
            return
        if event.action == "close":
            await self._alert(_resolved(stored.alert))
            return
        field_name = "summary" if event.action == "message" else "description"
        data = {**stored.alert.as_data(), field_name: str(event.data.get("text", ""))[:3000]}
        await self.store.set_data(stored.id, data)
        if stored.incident_id is not None:
            await self._entry(stored.incident_id, Alert.from_data(data), "updated", count=stored.count)

    async def _known(self, alert: Alert, now: datetime) -> list[Known]:
        since = now - max(self.config.dedupe_window, self.config.grouping.window)
        open_by_id: dict[int, bool] = {}
        known: list[Known] = []
        for s in await self.store.related(alert, since):
            if s.incident_id is not None and s.incident_id not in open_by_id:
                incident = await self.incident_store.get(s.incident_id)
                open_by_id[s.incident_id] = incident is not None and incident.status in _OPEN
            known.append(
                Known(
                    id=s.id,
                    alert=s.alert,
                    first_seen=s.first_seen,
                    last_seen=s.last_seen,
                    resolved_at=s.resolved_at,
                    incident_id=s.incident_id,
                    incident_open=open_by_id.get(s.incident_id, False) if s.incident_id is not None else False,
                )
            )
        return known

    async def _alert(self, alert: Alert) -> None:
        now = self.clock.now()
        known = await self._known(alert, now)
        verdict = decide(alert, now, known, await self.store.windows(now), self.config)
        match verdict:
            case Repeat(known=k):
                before = await self.store.get(k.id)
                if before is not None and before.outcome == _DECLARING and before.incident_id is None:
                    await self._declare(before)  # a crash interrupted this alert's declare: finish it
                    return
                stored = await self.store.seen_again(k.id, alert, now)
                if stored.incident_id is not None:
                    await self._entry(stored.incident_id, alert, "repeat", count=stored.count)
            case Recover(known=k):
                await self.store.resolve(k.id, now)
                if k.incident_id is not None:
                    await self._recovered(k.incident_id, alert)
            case Attach(incident_id=incident_id, score=score):
                await self.store.add(alert, now, "attached", incident_id)
                await self._entry(incident_id, alert, "grouped", score=score)
            case Declare():
                await self._declare(await self.store.add(alert, now, _DECLARING))
            case Triage():
                stored = await self.store.add(alert, now, "triage")
                self.spawn(self.board.triage(stored, "triage", self.locale), "alert-triage")
            case UnderMaintenance():
                stored = await self.store.add(alert, now, "maintenance")
                self.spawn(self.board.triage(stored, "maintenance", self.locale), "alert-maintenance")
            case Ignore(reason=reason):
                log.info("alert %s from %s ignored: %s", alert.key, alert.source, reason)

    async def _declare(self, stored: StoredAlert, by: Actor | None = None) -> Incident | None:
        """Declare through the same path as ``/incident declare``: store, channel, pages, permissions.

        ``by`` is the person who pressed **Declare incident**; without one, the authenticated
        monitoring source the team configured declares.
        """
        alert = stored.alert
        outcome = await self.incidents.declare(
            DeclareRequest(
                title=alert.title,
                severity=alert.severity,
                declared_by=by.user_id if by else await self.board.bot_user(),
                groups=by.groups if by else frozenset(),
                trusted_source=by is None,
                description=alert.text,
                started_at=alert.starts_at,
                idempotency_key=f"alert:{stored.id}",
                services=(alert.service,) if alert.service else (),
            )
        )
        incident = outcome.incident
        if incident is None:  # declared before a crash: link it, and finish its channel and pages
            incident = await self._declared_before(stored)
            if incident is not None and not incident.summary_ts:
                await self.incidents.finish_channel(incident.id)
        await self.store.set_incident(stored.id, incident.id if incident else None, "declared")
        if incident is not None:
            await self._entry(incident.id, alert, "declared", count=stored.count)
        return incident

    async def _declared_before(self, stored: StoredAlert) -> Incident | None:
        """After a crash between the declare and linking it: find the incident it made."""
        title = stored.alert.title
        return next(
            (
                i
                for i in await self.incident_store.list_open()
                if i.title == title and i.declared_at >= stored.first_seen
            ),
            None,
        )

    async def declare_from_triage(self, alert_id: int, actor: Actor) -> tuple[str, Incident | None]:
        """The triage message's **Declare incident** button."""
        if not self.incidents.may_declare(actor):
            return "handlers.may_not_declare", None
        async with self._lock:
            stored = await self.store.get(alert_id)
            if stored is None:
                return "alerts.unknown_alert", None
            if stored.incident_id is not None:
                return "alerts.already_declared", await self.incident_store.get(stored.incident_id)
            await self.store.set_incident(stored.id, None, _DECLARING)
            incident = await self._declare(stored, by=actor)
        return ("alerts.declared_from_triage", incident) if incident else ("alerts.declare_failed", None)

    async def _entry(self, incident_id: int, alert: Alert, what: str, **extra: object) -> None:
        incident = await self.incident_store.get(incident_id)
        if incident is None:
            return
        data: dict[str, object] = {
            "what": what,
            "source": alert.source,
            "labels": dict(alert.labels),
            "generator_url": alert.generator_url,
            "severity": alert.severity,
            **extra,
        }
        text = alert.text if not alert.generator_url else f"{alert.text} <{alert.generator_url}|source>"
        await self.incident_store.add_entries(
            incident_id, [NewEntry(kind="alert", text=text, actor=None, occurred_at=self.clock.now(), data=data)]
        )
        await self.bus.publish(IncidentEvent(events.ENTRY_ADDED, incident, None, {"kind": "alert", "text": alert.text}))

    async def _recovered(self, incident_id: int, alert: Alert) -> None:
        incident = await self.incident_store.get(incident_id)
        if incident is None:
            return
        now = self.clock.now()
        await self.incident_store.add_entries(
            incident_id,
            [
                NewEntry(
                    kind="recovery",
                    text=f"{alert.name} resolved",
                    actor=None,
                    occurred_at=alert.ends_at or now,
                    data={"source": alert.source, "labels": dict(alert.labels), "generator_url": alert.generator_url},
                )
            ],
        )
        await self.bus.publish(IncidentEvent(events.ENTRY_ADDED, incident, None, {"kind": "recovery"}))
        remaining = [s for s in await self.store.of_incident(incident_id) if s.resolved_at is None]
        await self.incidents.notify(
            incident,
            "alerts.recovered" if remaining else "alerts.all_recovered",
            {"name": alert.name, "ref": str(incident.ref), "left": str(len(remaining))},
        )
        if not remaining and self.config.on_resolved == "mitigate" and incident.status in _OPEN:
            actor = Actor(await self.board.bot_user())
            await self.incidents.move_incident_status(incident_id, Status.MITIGATED, actor)

    # Maintenance windows --------------------------------------------------------------

    async def start_maintenance(
        self, service: str, duration: timedelta, reason: str, by: Actor
    ) -> MaintenanceWindow | None:
        """Open a window; None when ``by`` may not declare (a window silences what would declare)."""
        if not self.incidents.may_declare(by):
            return None
        now = self.clock.now()
        window = await self.store.open_window(service, now, now + duration, reason, by.user_id)
        await self.timers.arm(
            f"maintenance:{window.id}", kind=MAINTENANCE_END, due_at=window.ends_at, payload={"window_id": window.id}
        )
        await self.board.maintenance(window, "alerts.maintenance_started", self.locale)
        return window

    async def end_maintenance(self, service: str) -> list[MaintenanceWindow]:
        ended = await self.store.end_windows(service, self.clock.now())
        for window in ended:
            await self.timers.cancel(f"maintenance:{window.id}")
            await self.board.maintenance(window, "alerts.maintenance_ended", self.locale)
        return ended

    async def maintenance_windows(self) -> list[MaintenanceWindow]:
        return await self.store.windows(self.clock.now())

    async def maintenance_over(self, window_id: int) -> None:
        """The window's end time came (the timer): announce it once."""
        if not await self.store.claim_end_announcement(window_id):
            return
        window = await self.store.window(window_id)
        if window is not None:
            await self.board.maintenance(window, "alerts.maintenance_ended", self.locale)


def _resolved(alert: Alert) -> Alert:
    data = alert.as_data()
    data["status"] = AlertStatus.RESOLVED.value
    return Alert.from_data(data)
