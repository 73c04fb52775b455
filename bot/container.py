"""The one place that builds concrete objects and wires them together."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine

from alerts.service import AlertService
from bot.alert_routes import AlertIntake
from bot.alert_wiring import build_alerts
from bot.auditor import Auditor
from bot.config import ConfigError, Settings, TeamConfig, knowledge_card_interval
from bot.escalation_wiring import build_escalation
from bot.logs import IncidentLoggingBus, IncidentRefs
from bot.metrics import Metrics
from bot.offload import ProcessOffload
from bot.postmortem_wiring import build_postmortems
from bot.reports import month_report
from bot.scheduler import DeadlineScheduler
from bot.tasks import BackgroundTasks
from chat.directory import SlackDirectory
from chat.gateway import SlackGateway, build_web_client
from chat.incident_channel import ChannelSettings, SlackIncidentChannel
from chat.kb_cards import SlackSuggestionPoster
from chat.live_timeline import LiveTimeline
from escalation.service import Escalation
from incident.clock import Clock
from incident.events import EventBus
from incident.permissions import PermissionConfigError, Permissions
from incident.reminders_service import NUDGE, ReminderService
from incident.service import ANNOUNCE, CHANNEL_SETUP, NOTICE, PIN_SUMMARY, IncidentService
from incident.severity import DEFAULT_SCALE, SeverityScale
from knowledge.index import lower_priority
from knowledge.rank import DEFAULT_THRESHOLD as KB_THRESHOLD
from knowledge.service import KnowledgeService
from postmortem.service import PostmortemService
from storage.database import create_engine
from storage.deadlines import Deadline, SqlDeadlineStore
from storage.incidents import SqlIncidentStore
from storage.knowledge import SqlKnowledgeStore
from storage.migrate import upgrade
from storage.postmortems import SqlPostmortemStore
from storage.timeline import SqlTimelineStore
from timeline.coalesce import Coalescer
from timeline.service import TimelineService

log = logging.getLogger(__name__)


def build_scale(team: TeamConfig) -> SeverityScale:
    try:
        scale = SeverityScale.from_config({"levels": team.severities}) if team.severities else DEFAULT_SCALE
        if team.default_severity:
            scale = scale.with_default(team.default_severity)
    except ValueError as exc:
        raise ConfigError("severities", str(exc)) from None
    return scale


class HttpSessions:
    """One client session for outgoing pagers, made on first use inside the running loop."""

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    def __call__(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


@dataclass(frozen=True)
class Services:
    """Everything a handler may call, built once per process."""

    settings: Settings
    team: TeamConfig
    clock: Clock
    engine: AsyncEngine
    client: AsyncWebClient
    gateway: SlackGateway
    store: SqlIncidentStore
    incidents: IncidentService
    scale: SeverityScale
    bus: EventBus
    timers: DeadlineScheduler
    permissions: Permissions
    directory: SlackDirectory
    tasks: BackgroundTasks
    timeline: TimelineService
    live_timeline: LiveTimeline
    knowledge: KnowledgeService
    escalation: Escalation
    postmortem: PostmortemService
    postmortems: SqlPostmortemStore
    postmortem_later: Coalescer[int]
    http: HttpSessions
    alerts: AlertService
    alert_intake: AlertIntake
    metrics: Metrics
    auditor: Auditor
    refs: IncidentRefs
    exports: ProcessOffload  # the worker process spreadsheets and large Markdown are built in

    def locale(self, requested: str | None = None) -> str:
        return requested or self.team.locale

    def severity_label(self, key: str, locale: str) -> str:
        level = self.scale.get(key)
        return level.label(locale) if level else key

    def cached_locale(self, user_id: str, requested: str | None = None) -> str:
        """Before an ack: the flag, else the user's Slack language if known, else the team's."""
        if requested:
            return requested
        if self.team.follow_slack_locale:
            return self.directory.cached_locale(user_id) or self.team.locale
        return self.team.locale

    async def user_locale(self, user_id: str, requested: str | None = None) -> str:
        if requested:
            return requested
        if self.team.follow_slack_locale:
            return await self.directory.locale_of(user_id) or self.team.locale
        return self.team.locale

    async def month_report(self, month: str, locale: str) -> bytes:
        return await month_report(self, month, locale)

    async def start(self, *, migrate: bool = True) -> None:
        if migrate:
            await asyncio.to_thread(upgrade, self.settings.database)
        # A large knowledge base takes seconds to index: do it beside serving, not before.
        self.tasks.spawn(self.knowledge.load(), name="knowledge-index")
        await self.timers.start()
        self.auditor.start()
        if self.alerts is not None:  # alerts stored before a crash or stop and not yet acted on
            self.tasks.spawn(self.alerts.process_pending(), name="alerts-resume")

    async def ready(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                await conn.exec_driver_sql("SELECT 1")
        except Exception:
            return False
        return True

    async def settle(self, timeout: float = 30.0) -> None:
        """Finish work in flight, including the live timeline's pending edit."""
        await self.tasks.drain(timeout)
        await self.live_timeline.coalescer.drain()
        await self.postmortem_later.drain()
        await self.tasks.drain(timeout)

    async def stop(self, grace: float | None = None) -> None:
        """Within ``grace`` seconds: finish the work requests started (their effects are sent),
        let deadlines in flight finish and flush the outbox, then hand back what is left."""
        grace = self.settings.shutdown_grace if grace is None else grace
        loop = asyncio.get_running_loop()
        until = loop.time() + grace
        await self.auditor.stop()
        await self.settle(timeout=max(0.0, until - loop.time()))
        await self.timers.stop(grace=max(0.0, until - loop.time()))
        await self.settle(timeout=max(0.0, until - loop.time()))
        await self.http.close()
        self.knowledge.close()
        await self.exports.close()
        await self.engine.dispose()


def knowledge_workers() -> ProcessPoolExecutor:
    """One worker process for the knowledge index build and batch embedding: CPU-bound work
    that, in a thread, held the interpreter so long that requests timed out. Started on first
    use (forkserver: the worker does not inherit the server's sockets and threads), at the
    lowest CPU priority: with it on the server's core, requests still come first."""
    return ProcessPoolExecutor(
        max_workers=1, mp_context=multiprocessing.get_context("forkserver"), initializer=lower_priority
    )


def _kb_threshold(team: TeamConfig) -> float:
    """``knowledge.threshold``: the confidence (0–1) a runbook needs to be posted unasked."""
    raw = team.knowledge.get("threshold", KB_THRESHOLD)
    try:
        threshold = float(raw)
    except (TypeError, ValueError):
        raise ConfigError("knowledge.threshold", f"a confidence between 0 and 1, not {raw!r}") from None
    if not 0.0 <= threshold <= 1.0:
        raise ConfigError("knowledge.threshold", f"a confidence between 0 and 1 (e.g. 0.25), not {raw!r}")
    return threshold


def build_services(
    settings: Settings,
    team: TeamConfig,
    clock: Clock,
    *,
    client: AsyncWebClient | None = None,
    drive_wall_clock: bool = True,
) -> Services:
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else ""
    client = client or build_web_client(token, settings.slack_api_url)
    metrics = Metrics()
    gateway = SlackGateway(client, on_error=metrics.slack_error)
    engine = create_engine(settings.database)
    store = SqlIncidentStore(engine)
    scale = build_scale(team)
    refs = IncidentRefs(store.get)
    bus = IncidentLoggingBus(refs)  # subscribers' log lines name the incident

    def severity_label(key: str, locale: str) -> str:
        level = scale.get(key)
        return level.label(locale) if level else key

    channel = SlackIncidentChannel(
        gateway,
        ChannelSettings(
            tz=team.tz,
            locale=team.locale,
            announcement_channel=team.announcement_channel,
            severity_label=severity_label,
        ),
    )
    deadlines = SqlDeadlineStore(engine)
    tasks = BackgroundTasks()
    timers = DeadlineScheduler(
        deadlines, clock, drive_wall_clock=drive_wall_clock, metrics=metrics, tasks=tasks, refs=refs
    )
    try:
        permissions = Permissions.from_config(team.permissions)
    except PermissionConfigError as exc:
        raise ConfigError("permissions", str(exc)) from None
    incidents = IncidentService(store, channel, clock, bus, timers, permissions=permissions, scale=scale)

    async def set_up_channel(deadline: Deadline, now: datetime) -> None:
        await incidents.set_up_channel(int(deadline.payload["incident_id"]))

    async def pin_summary(deadline: Deadline, now: datetime) -> None:
        await incidents.pin_summary(int(deadline.payload["incident_id"]))

    async def announce(deadline: Deadline, now: datetime) -> None:
        await incidents.announce(int(deadline.payload["incident_id"]))

    async def post_notice(deadline: Deadline, now: datetime) -> None:
        await incidents.post_notice(deadline.payload, first_try=deadline.first_try)

    timers.on(CHANNEL_SETUP, set_up_channel)
    timers.on(NOTICE, post_notice)
    timers.on(PIN_SUMMARY, pin_summary)
    timers.on(ANNOUNCE, announce)
    reminders = ReminderService(store, timers, channel, scale, clock)
    reminders.subscribe(bus)

    async def fire_nudge(deadline: Deadline, now: datetime) -> None:
        await reminders.fire({**deadline.payload, "fired_at": now.isoformat()})

    timers.on(NUDGE, fire_nudge)
    http = HttpSessions()
    directory = SlackDirectory(gateway, clock)
    knowledge = KnowledgeService(
        SqlKnowledgeStore(engine),
        store,
        clock,
        threshold=_kb_threshold(team),
        card_interval=knowledge_card_interval(team),
        workers=knowledge_workers(),
    )
    poster = SlackSuggestionPoster(gateway, team.locale)
    knowledge.poster = poster
    knowledge.subscribe(bus)
    live_timeline = LiveTimeline(gateway, store, tz=team.tz, locale=team.locale, clock=clock)
    live_timeline.subscribe(bus)
    escalation = build_escalation(
        team=team,
        scale=scale,
        engine_db=engine,
        incidents=store,
        timers=timers,
        gateway=gateway,
        clock=clock,
        bus=bus,
        tasks=tasks,
        http=http,
        severity_label=severity_label,
        metrics=metrics,
        refs=refs,
        reader_locale=directory.locale_of if team.follow_slack_locale else None,
    )
    exports = ProcessOffload()
    postmortem, postmortems, postmortem_later = build_postmortems(
        team=team,
        engine_db=engine,
        store=store,
        timers=timers,
        gateway=gateway,
        directory=directory,
        clock=clock,
        bus=bus,
        severity_label=severity_label,
        offload=exports,
        # On resolution the channel reads "resolved by …", the postmortem, then the invitation
        # to save what was learnt.
        after_draft=poster.offer_save,
    )
    alerts, alert_intake = build_alerts(
        team=team,
        scale=scale,
        engine_db=engine,
        incidents=incidents,
        store=store,
        gateway=gateway,
        timers=timers,
        bus=bus,
        clock=clock,
        tasks=tasks,
        severity_label=severity_label,
    )

    async def refresh() -> None:
        """The gauges read from the database (open incidents, overdue deadlines)."""
        await metrics.refresh(store, deadlines, clock.now(), list(scale.keys()))

    auditor = Auditor(
        escalation=escalation,
        metrics=metrics,
        refresh=refresh,
        clock=clock,
        http=http,
        interval=settings.audit_interval,
        heartbeat_url=settings.heartbeat_url,
        drive_wall_clock=drive_wall_clock,
        prune=deadlines.prune,
    )
    return Services(
        settings=settings,
        team=team,
        clock=clock,
        engine=engine,
        client=client,
        gateway=gateway,
        store=store,
        incidents=incidents,
        scale=scale,
        bus=bus,
        timers=timers,
        permissions=permissions,
        directory=directory,
        tasks=tasks,
        timeline=TimelineService(store, SqlTimelineStore(engine), clock, bus),
        live_timeline=live_timeline,
        knowledge=knowledge,
        escalation=escalation,
        postmortem=postmortem,
        postmortems=postmortems,
        postmortem_later=postmortem_later,
        http=http,
        alerts=alerts,
        alert_intake=alert_intake,
        metrics=metrics,
        auditor=auditor,
        refs=refs,
        exports=exports,
    )
