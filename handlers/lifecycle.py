"""Declare, resolve, reopen, close, status and severity."""

from __future__ import annotations

from bot.container import Services
from handlers.context import CommandContext, reply
from handlers.declare_form import open_declare_form, parse_started
from handlers.routes import route
from incident.command_types import Close, Declare, Reopen, Resolve, Sev, StatusCmd
from incident.decisions import change_severity, move_status
from incident.lifecycle import REOPEN
from incident.model import Status
from incident.service import DeclareRequest


@route(Declare)
async def declare(services: Services, cmd: Declare, ctx: CommandContext) -> None:
    if not services.permissions.may_declare(ctx.user_id, ctx.groups):
        await reply(services, ctx, "handlers.may_not_declare")
        return
    if not cmd.title:
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
            description=cmd.description,
            started_at=started_at,
            locale=cmd.lang,
            idempotency_key=ctx.idempotency_key,
        )
    )
    await reply(services, ctx, outcome.key, **outcome.params)


@route(Resolve)
async def resolve(services: Services, cmd: Resolve, ctx: CommandContext) -> None:
    outcome = await services.incidents.resolve(ctx.channel_id, ctx.actor, cmd.summary, services.permissions)
    await reply(services, ctx, outcome.key, **outcome.params)


@route(Reopen)
async def reopen(services: Services, cmd: Reopen, ctx: CommandContext) -> None:
    outcome = await services.incidents.change(
        ctx.channel_id, move_status(REOPEN, ctx.actor, services.permissions, cmd.reason)
    )
    await reply(services, ctx, outcome.key, **outcome.params)


@route(Close)
async def close(services: Services, cmd: Close, ctx: CommandContext) -> None:
    outcome = await services.incidents.change(
        ctx.channel_id, move_status(Status.CLOSED, ctx.actor, services.permissions)
    )
    await reply(services, ctx, outcome.key, **outcome.params)


@route(StatusCmd)
async def status(services: Services, cmd: StatusCmd, ctx: CommandContext) -> None:
    if cmd.status is Status.RESOLVED:
        await resolve(services, Resolve("", lang=cmd.lang), ctx)
        return
    outcome = await services.incidents.change(ctx.channel_id, move_status(cmd.status, ctx.actor, services.permissions))
    await reply(services, ctx, outcome.key, **outcome.params)


@route(Sev)
async def severity(services: Services, cmd: Sev, ctx: CommandContext) -> None:
    decide = change_severity(cmd.severity, ctx.actor, services.permissions, services.scale)
    outcome = await services.incidents.change(ctx.channel_id, decide)
    params = dict(outcome.params)
    if outcome.ok:
        for key in ("from", "to"):
            params[key] = services.severity_label(params[key], ctx.locale)
    await reply(services, ctx, outcome.key, **params)
    incident = outcome.incident
    if outcome.ok and incident is not None:
        level = services.scale.get(cmd.severity)
        announce = bool(
            level and level.notify_everyone and services.scale.is_upgrade(outcome.params["from"], cmd.severity)
        )
        locale = incident.locale or services.team.locale
        await services.incidents.notify(
            incident,
            "handlers.severity_changed_in_channel",
            {
                "ref": str(incident.ref),
                "user": f"<@{ctx.user_id}>",
                "from": services.severity_label(outcome.params["from"], locale),
                "to": services.severity_label(cmd.severity, locale),
                "channel": f"<#{incident.channel_id}>",
            },
            announce=announce,
        )
