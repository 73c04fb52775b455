"""Builds the alert service and its HTTP intake when the team YAML has ``alerts.sources``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from alerts.config import AlertConfigError, AlertsConfig
from alerts.service import MAINTENANCE_END, AlertService
from bot.alert_routes import AlertIntake
from bot.config import ConfigError, TeamConfig
from bot.scheduler import DeadlineScheduler
from bot.tasks import BackgroundTasks
from chat.alert_board import SlackAlertBoard
from chat.gateway import SlackGateway
from incident.clock import Clock
from incident.events import EventBus
from incident.service import IncidentService
from incident.severity import SeverityScale
from storage.alerts import SqlAlertStore
from storage.deadlines import Deadline
from storage.incidents import SqlIncidentStore


def build_alerts(
    *,
    team: TeamConfig,
    scale: SeverityScale,
    engine_db: AsyncEngine,
    incidents: IncidentService,
    store: SqlIncidentStore,
    gateway: SlackGateway,
    timers: DeadlineScheduler,
    bus: EventBus,
    clock: Clock,
    tasks: BackgroundTasks,
    severity_label: Callable[[str, str], str],
) -> tuple[AlertService, AlertIntake]:
    try:
        config = AlertsConfig.from_config(team.alerts, tuple(scale.keys()))
    except AlertConfigError as exc:
        setting, _, reason = str(exc).partition(": ")
        raise ConfigError(setting, reason) from None
    alert_store = SqlAlertStore(engine_db)
    board = SlackAlertBoard(
        gateway,
        triage_channel=config.triage_channel,
        announcement_channel=team.announcement_channel,
        tz=team.tz,
        severity_label=severity_label,
    )
    service = AlertService(
        config=config,
        store=alert_store,
        incidents=incidents,
        incident_store=store,
        board=board,
        timers=timers,
        bus=bus,
        clock=clock,
        locale=team.locale,
        spawn=lambda work, name: tasks.spawn(work, name=name),
    )

    async def maintenance_over(deadline: Deadline, now: datetime) -> None:
        await service.maintenance_over(int(deadline.payload["window_id"]))

    timers.on(MAINTENANCE_END, maintenance_over)
    # Maintenance commands work without sources; the HTTP hooks are served only with some.
    return service, AlertIntake(config, alert_store, clock, tasks, service.process_pending)
