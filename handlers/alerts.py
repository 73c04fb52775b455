"""Alerts in Slack: the triage message's Declare button and ``/incident maintenance``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from chat.alert_board import DECLARE_BUTTON
from handlers.context import CommandContext, reply, reply_text
from handlers.ports import Services
from handlers.routes import route
from i18n import t
from incident.command_types import Maintenance
from incident.decisions import Actor


@route(Maintenance, in_incident=False)
async def maintenance(services: Services, cmd: Maintenance, ctx: CommandContext) -> None:
    alerts = services.alerts
    tz = services.team.tz
    if cmd.action == "start":
        window = await alerts.start_maintenance(
            cmd.service, timedelta(seconds=cmd.duration_seconds), cmd.reason, ctx.actor
        )
        if window is None:
            await reply(services, ctx, "handlers.may_not_declare")
            return
        until = window.ends_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        await reply(services, ctx, "alerts.maintenance_started_reply", service=window.service, until=until)
        return
    if cmd.action == "end":
        ended = await alerts.end_maintenance(cmd.service)
        if not ended:
            await reply(services, ctx, "alerts.maintenance_none_to_end")
            return
        names = ", ".join(dict.fromkeys(w.service for w in ended))
        await reply(services, ctx, "alerts.maintenance_ended_reply", names=names)
        return
    windows = await alerts.maintenance_windows()
    if not windows:
        await reply(services, ctx, "alerts.maintenance_list_empty")
        return
    lines = [
        t(
            "alerts.maintenance_list_line",
            ctx.locale,
            service=w.service,
            until=w.ends_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            user=f"<@{w.created_by}>",
            reason=w.reason or "—",
        )
        for w in windows
    ]
    await reply_text(services, ctx, "\n".join(lines))


def register(app: AsyncApp, services: Services) -> None:
    @app.action(DECLARE_BUTTON)
    async def declare_button(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        services.tasks.spawn(_declare(services, body, action), name="alert-declare")


async def _declare(services: Services, body: dict[str, Any], action: dict[str, Any]) -> None:
    user = str((body.get("user") or {}).get("id", ""))
    channel = str((body.get("channel") or {}).get("id", ""))
    locale = await services.user_locale(user)
    groups = await services.directory.groups_of(user, services.permissions.groups_in_use)
    try:
        alert_id = int(str(action.get("value", "")))
    except ValueError:
        return
    key, incident = await services.alerts.declare_from_triage(alert_id, Actor(user, groups))
    params = {
        "ref": str(incident.ref) if incident else "",
        "channel": f"<#{incident.channel_id}>" if incident and incident.channel_id else "",
    }
    if channel and user:
        await services.gateway.post_ephemeral(channel, user, t(key, locale, **params))
