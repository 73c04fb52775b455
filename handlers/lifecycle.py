"""Declare and resolve."""

from __future__ import annotations

from bot.container import Services
from handlers.context import CommandContext, reply
from handlers.declare_form import open_declare_form
from handlers.routes import route
from incident.commands import Declare, Resolve
from incident.service import DeclareRequest


@route(Declare)
async def declare(services: Services, cmd: Declare, ctx: CommandContext) -> None:
    if not cmd.title:
        await open_declare_form(services, ctx.trigger_id, ctx.locale, ctx.channel_id)
        return
    severity = cmd.severity or services.scale.default
    outcome = await services.incidents.declare(
        DeclareRequest(
            title=cmd.title or "",
            severity=severity,
            declared_by=ctx.user_id,
            description=cmd.description,
            locale=cmd.lang,
            idempotency_key=ctx.idempotency_key,
        )
    )
    await reply(services, ctx, outcome.key, **outcome.params)


@route(Resolve)
async def resolve(services: Services, cmd: Resolve, ctx: CommandContext) -> None:
    outcome = await services.incidents.resolve(ctx.channel_id, ctx.user_id, cmd.summary)
    await reply(services, ctx, outcome.key, **outcome.params)
