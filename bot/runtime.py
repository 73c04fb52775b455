"""Starting and stopping the bot: the same path for `serve`, the demo and the tests."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings, TeamConfig, require_slack_secrets
from bot.container import Services, build_services
from bot.server import build_web_app
from bot.slack_app import build_bolt_app
from bot.slack_identity import SlackIdentity
from incident.clock import Clock

log = logging.getLogger(__name__)


@dataclass
class RunningBot:
    services: Services
    bolt: AsyncApp
    runner: web.AppRunner
    url: str
    identity: SlackIdentity
    identity_check: asyncio.Task[None]

    @property
    def events_url(self) -> str:
        return f"{self.url}/slack/events"

    async def stop(self, grace: float | None = None) -> None:
        """Graceful: stop taking requests and finish those in flight, then let deadlines and
        background work in flight finish (deadlines not done by then are handed back), all
        within ``grace`` seconds (``HIKESHI_SHUTDOWN_GRACE``) in total."""
        grace = self.services.settings.shutdown_grace if grace is None else grace
        loop = asyncio.get_running_loop()
        until = loop.time() + grace
        self.identity_check.cancel()
        await self.runner.cleanup()  # its own shutdown_timeout is the same grace
        await self.services.stop(grace=max(0.0, until - loop.time()))


def build_bot(
    settings: Settings,
    team: TeamConfig,
    clock: Clock,
    *,
    client: AsyncWebClient | None = None,
    drive_wall_clock: bool = True,
) -> tuple[Services, AsyncApp, SlackIdentity]:
    _, secret = require_slack_secrets(settings)
    services = build_services(settings, team, clock, client=client, drive_wall_clock=drive_wall_clock)
    identity = SlackIdentity(services.client)
    bolt = build_bolt_app(services, secret.get_secret_value(), identity)
    return services, bolt, identity


async def start_bot(
    settings: Settings,
    team: TeamConfig,
    clock: Clock,
    *,
    host: str | None = None,
    port: int | None = None,
    migrate: bool = True,
    drive_wall_clock: bool = True,
) -> RunningBot:
    services, bolt, identity = build_bot(settings, team, clock, drive_wall_clock=drive_wall_clock)
    await services.start(migrate=migrate)
    identity_check = asyncio.create_task(identity.check(), name="slack-auth-check")

    async def ready() -> bool:
        return identity.checked and await services.ready()

    intake = services.alert_intake
    more_routes = intake.add_routes if intake.config.enabled else None
    runner = web.AppRunner(
        build_web_app(
            bolt,
            ready,
            services.metrics,
            services.auditor.refresh_gauges,
            incident_in_channel=services.refs.in_channel,
            more_routes=more_routes,
        ),
        access_log=None,
        shutdown_timeout=settings.shutdown_grace,  # requests in flight on stop may finish
    )
    await runner.setup()
    site = web.TCPSite(runner, host or settings.host, settings.port if port is None else port)
    await site.start()
    bound = runner.addresses[0]
    url = f"http://{bound[0]}:{bound[1]}"
    log.info("hikeshi listening on %s", url)
    return RunningBot(
        services=services, bolt=bolt, runner=runner, url=url, identity=identity, identity_check=identity_check
    )
