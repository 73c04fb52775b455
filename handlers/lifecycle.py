"""Declare, resolve, reopen, close, status and severity."""

from __future__ import annotations

from handlers.context import CommandContext, reply
from handlers.declare_form import open_declare_form, parse_started
from handlers.ports import Services
from handlers.routes import route
from incident.command_types import Close, Declare, Reopen, Resolve, Sev, StatusCmd
from incident.lifecycle import REOPEN
from incident.model import Status
from incident.service import DeclareRequest


@route(Declare, in_incident=False)
async def declare(services: Services, cmd: Declare, ctx: CommandContext) -> None:
    if not cmd.title:
        if not services.incidents.may_declare(ctx.actor):
            await reply(services, ctx, "handlers.may_not_declare")
            return
        await open_declare_form(services, ctx.trigger_id, ctx.locale, ctx.channel_id)
        return
    started_at = None
    if cmd.started:
        started = parse_started(services, cmd.started, ctx.locale)
        if isinstance(started, str):
            await reply(services, ctx, "handlers.bad_started", reason=started)
            return
        started_at = started
    outcome = await services.incidents.declare(
        DeclareRequest(
            title=cmd.title,
            severity=cmd.severity or services.scale.default,
            declared_by=ctx.user_id,
            groups=ctx.groups,
            description=cmd.description,
            started_at=started_at,
            locale=cmd.lang,
            idempotency_key=ctx.idempotency_key,
        )
    )
    await reply(services, ctx, outcome.key, **outcome.params)


@route(Resolve)
async def resolve(services: Services, cmd: Resolve, ctx: CommandContext) -> None:
    outcome = await services.incidents.resolve(ctx.channel_id, ctx.actor, cmd.summary)
    await reply(services, ctx, outcome.key, **outcome.params)


@route(Reopen)
async def reopen(services: Services, cmd: Reopen, ctx: CommandContext) -> None:
    outcome = await services.incidents.move_status(ctx.channel_id, REOPEN, ctx.actor, cmd.reason)
    await reply(services, ctx, outcome.key, **outcome.params)


@route(Close)
async def close(services: Services, cmd: Close, ctx: CommandContext) -> None:
    outcome = await services.incidents.move_status(ctx.channel_id, Status.CLOSED, ctx.actor)
    await reply(services, ctx, outcome.key, **outcome.params)


@route(StatusCmd)
async def status(services: Services, cmd: StatusCmd, ctx: CommandContext) -> None:
    outcome = await services.incidents.move_status(ctx.channel_id, cmd.status, ctx.actor)
    await reply(services, ctx, outcome.key, **outcome.params)


@route(Sev)
async def severity(services: Services, cmd: Sev, ctx: CommandContext) -> None:
    outcome = await services.incidents.change_severity(ctx.channel_id, cmd.severity, ctx.actor)
    params = dict(outcome.params)
    if outcome.ok:
        for key in ("from", "to"):
            params[key] = services.severity_label(params[key], ctx.locale)
    await reply(services, ctx, outcome.key, **params)
