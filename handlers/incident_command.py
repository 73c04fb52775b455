"""The ``/incident`` listener: parse, ack at once, run the work after the ack."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from handlers import alerts, commanding, knowledge, lifecycle, paging, postmortem, timeline  # noqa: F401 - they register their routes
from handlers.context import CommandContext, reply
from handlers.ports import Services
from handlers.routes import Route, route_for
from i18n import t
from incident.command_types import CommandError, Help
from incident.commands import parse_command, usage_text

log = logging.getLogger(__name__)


def register(app: AsyncApp, services: Services) -> None:
    @app.command("/incident")
    async def incident_command(ack: AsyncAck, command: dict[str, Any]) -> None:
        parsed = parse_command(str(command.get("text", "")), services.scale)
        user = str(command.get("user_id", ""))
        locale = services.cached_locale(user, getattr(parsed, "lang", None))
        if services.directory.cached_locale(user) is None:
            # Learn the person's Slack language after this ack, for the next answers.
            services.tasks.spawn(services.directory.locale_of(user), name="warm-locale")
        if isinstance(parsed, CommandError):
            await ack(response_type="ephemeral", text=t(parsed.key, locale, **parsed.params))
            return
        if isinstance(parsed, Help):
            await ack(response_type="ephemeral", text=usage_text(locale))
            return
        handler = route_for(parsed)
        if handler is None:
            await ack(response_type="ephemeral", text=t("commands.not_available", locale))
            return
        await ack()
        services.tasks.spawn(_run(services, handler, parsed, command), name=f"incident:{type(parsed).__name__}")


async def _run(services: Services, route: Route, parsed: Any, command: dict[str, Any]) -> None:
    """Who asked, in which language, with which groups, about which incident: resolved once here."""
    ctx = CommandContext.from_command(command, services.locale())
    try:
        user = ctx.user_id
        ctx = replace(
            ctx,
            locale=await services.user_locale(user, parsed.lang),
            groups=await services.directory.groups_of(user, services.permissions.groups_in_use),
        )
        if route.in_incident:
            incident = await services.store.by_channel(ctx.channel_id)
            if incident is None:
                await reply(services, ctx, "core.not_an_incident_channel")
                return
            ctx = replace(ctx, incident=incident)
        await route.handler(services, parsed, ctx)
    except Exception:
        log.exception("/incident %s failed", type(parsed).__name__)
        await reply(services, ctx, "core.internal_error")
