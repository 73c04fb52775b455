"""Roles, impact, status updates, listing and showing incidents."""

from __future__ import annotations

from chat.blockkit import context
from chat.dates import slack_date
from chat.summary_blocks import render_summary
from handlers.context import CommandContext, reply, reply_text
from handlers.ports import Services
from handlers.routes import route
from i18n import t
from incident.command_types import Commander, ImpactCmd, ListOpen, Role, Show, Update
from incident.decisions import assign_role, post_update, set_impact
from incident.durations import format_duration
from incident.model import Incident, IncidentRef


@route(Commander, Role)
async def assign(services: Services, cmd: Commander | Role, ctx: CommandContext) -> None:
    role = "commander" if isinstance(cmd, Commander) else cmd.role
    user = cmd.user_id or ctx.user_id
    outcome = await services.incidents.change(ctx.channel_id, assign_role(role, user, ctx.actor))
    params = dict(outcome.params)
    if outcome.ok:
        params["role"] = t(f"handlers.role.{role}", ctx.locale)
    await reply(services, ctx, outcome.key, **params)
    if outcome.ok and outcome.incident is not None:
        await services.incidents.invite(outcome.incident, [user])
        locale = outcome.incident.locale or services.team.locale
        await services.incidents.notify(
            outcome.incident,
            "handlers.role_in_channel",
            {"user": f"<@{user}>", "role": t(f"handlers.role.{role}", locale), "by": f"<@{ctx.user_id}>"},
        )


@route(ImpactCmd)
async def impact(services: Services, cmd: ImpactCmd, ctx: CommandContext) -> None:
    outcome = await services.incidents.change(ctx.channel_id, set_impact(cmd, ctx.actor))
    await reply(services, ctx, outcome.key, **outcome.params)


@route(Update)
async def update(services: Services, cmd: Update, ctx: CommandContext) -> None:
    outcome = await services.incidents.change(ctx.channel_id, post_update(cmd.text, ctx.actor))
    await reply(services, ctx, outcome.key, **outcome.params)
    await announce_update(services, outcome.incident if outcome.ok else None, cmd.text, ctx.user_id)


async def announce_update(services: Services, incident: Incident | None, text: str, user_id: str) -> None:
    """The communication duty: the update in the channel and the announcement channel."""
    if incident is None:
        return
    locale = incident.locale or services.team.locale
    await services.incidents.notify(
        incident,
        "handlers.status_update",
        {
            "ref": str(incident.ref),
            "title": incident.title,
            "severity": services.severity_label(incident.severity, locale),
            "status": t(f"core.status.{incident.status.value}", locale),
            "user": f"<@{user_id}>",
            "text": text,
            "channel": f"<#{incident.channel_id}>",
        },
        announce=True,
    )


@route(ListOpen, in_incident=False)
async def list_open(services: Services, cmd: ListOpen, ctx: CommandContext) -> None:
    incidents = await services.store.list_open()
    if not incidents:
        await reply(services, ctx, "handlers.list_empty")
        return
    now = services.clock.now()
    lines = [t("handlers.list_header", ctx.locale, count=str(len(incidents)))]
    for incident in incidents:
        lines.append(
            t(
                "handlers.list_line",
                ctx.locale,
                ref=str(incident.ref),
                title=incident.title,
                severity=services.severity_label(incident.severity, ctx.locale),
                status=t(f"core.status.{incident.status.value}", ctx.locale),
                age=format_duration(now - incident.declared_at, ctx.locale),
                commander=f"<@{incident.commander}>" if incident.commander else "—",
                channel=f"<#{incident.channel_id}>" if incident.channel_id else "—",
            )
        )
    await reply_text(services, ctx, "\n".join(lines))


@route(Show, in_incident=False)
async def show(services: Services, cmd: Show, ctx: CommandContext) -> None:
    if cmd.ref:
        ref = IncidentRef.parse(cmd.ref)
        incident = await services.store.by_ref(ref) if ref else None
        if incident is None:
            await reply(services, ctx, "handlers.no_such_incident", ref=cmd.ref)
            return
    else:
        incident = await services.store.by_channel(ctx.channel_id)
        if incident is None:
            await reply(services, ctx, "core.not_an_incident_channel")
            return
    text, blocks = render_summary(
        incident,
        locale=ctx.locale,
        tz=services.team.tz,
        severity_label=lambda key: services.severity_label(key, ctx.locale),
    )
    if incident.channel_id:
        blocks.append(context(f"<#{incident.channel_id}> · {slack_date(incident.declared_at, services.team.tz)}"))
    await reply_text(services, ctx, text, blocks)
