"""The ``/incident`` listener: parse, ack at once, run the work after the ack."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.container import Services
from handlers import lifecycle  # noqa: F401 - registers its routes
from handlers.context import CommandContext, reply
from handlers.routes import handler_for
from i18n import t
from incident.commands import CommandError, Help, parse_command, usage_text

log = logging.getLogger(__name__)


def register(app: AsyncApp, services: Services) -> None:
    @app.command("/incident")
    async def incident_command(ack: AsyncAck, command: dict[str, Any]) -> None:
        parsed = parse_command(str(command.get("text", "")), services.scale)
        locale = services.locale(getattr(parsed, "lang", None))
        if isinstance(parsed, CommandError):
            await ack(response_type="ephemeral", text=t(parsed.key, locale, **parsed.params))
            return
        if isinstance(parsed, Help):
            await ack(response_type="ephemeral", text=usage_text(locale))
            return
        handler = handler_for(parsed)
        if handler is None:
            await ack(response_type="ephemeral", text=t("commands.not_available", locale))
            return
        await ack()
        ctx = CommandContext.from_command(command, locale)
        services.tasks.spawn(_run(services, handler, parsed, ctx), name=f"incident:{type(parsed).__name__}")


async def _run(services: Services, handler: Any, parsed: object, ctx: CommandContext) -> None:
    try:
        await handler(services, parsed, ctx)
    except Exception:
        log.exception("/incident %s failed", type(parsed).__name__)
        await reply(services, ctx, "core.internal_error")
