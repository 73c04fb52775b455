"""Acknowledging and escalating pages: DM buttons, ``/incident ack``, a reply in the channel."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from chat.page_blocks import ACK_BUTTON, ESCALATE_BUTTON
from handlers.context import CommandContext, reply
from handlers.events import on_event
from handlers.ports import Services
from handlers.routes import route
from i18n import t
from incident.command_types import Ack

_ACK_ANSWER = {"recorded": "paging.ack_recorded", "already": "paging.already_acked", "nothing": "paging.nothing_to_ack"}


async def acknowledge(services: Services, incident_id: int, user_id: str) -> str:
    """The catalog key of the answer to give the person."""
    return _ACK_ANSWER[await services.escalation.acknowledge_page(incident_id, user_id)]


@route(Ack)
async def ack_command(services: Services, cmd: Ack, ctx: CommandContext) -> None:
    incident = ctx.here
    key = await acknowledge(services, incident.id, ctx.user_id)
    await reply(services, ctx, key, ref=str(incident.ref))


@on_event("message")
async def reply_acknowledges(services: Services, event: dict[str, Any]) -> None:
    """A paged person writing in the incident channel has clearly seen the page."""
    if not services.team.ack_on_reply or not services.escalation.has_roster:
        return
    if event.get("subtype") or event.get("bot_id") or not event.get("user"):
        return
    incident = await services.store.by_channel(str(event.get("channel", "")))
    if incident is None or not incident.is_open:
        return
    await services.escalation.acknowledge_by_reply(incident.id, str(event["user"]))


def register(app: AsyncApp, services: Services) -> None:
    @app.action(ACK_BUTTON)
    async def ack_button(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        services.tasks.spawn(_button(services, body, action, escalate=False), name="page-ack")

    @app.action(ESCALATE_BUTTON)
    async def escalate_button(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        services.tasks.spawn(_button(services, body, action, escalate=True), name="page-escalate")


async def _button(services: Services, body: dict[str, Any], action: dict[str, Any], *, escalate: bool) -> None:
    user = str(body["user"]["id"])
    incident = await services.store.get(int(action.get("value") or 0))
    if incident is None:
        return
    locale = await services.user_locale(user)
    if escalate:
        done = await services.escalation.escalate_now(incident.id, user)
        key = "paging.escalated" if done else "paging.cannot_escalate"
    else:
        key = await acknowledge(services, incident.id, user)
    response_url = body.get("response_url")
    if response_url and key != "paging.ack_recorded":
        await services.gateway.respond(str(response_url), t(key, locale, ref=str(incident.ref)))
