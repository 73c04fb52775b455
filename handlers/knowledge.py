"""`/incident kb`, feedback on suggestions, and saving a resolved incident as knowledge."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from chat.kb_cards import HELPED, NOT_RELEVANT, SAVE_BUTTON, SAVE_VIEW, save_view
from handlers.context import CommandContext, reply, reply_text
from handlers.ports import Services
from handlers.routes import route
from i18n import t
from incident.command_types import Kb
from knowledge.drafts import draft_from_incident


@route(Kb, in_incident=False)
async def kb(services: Services, cmd: Kb, ctx: CommandContext) -> None:
    incident = await services.store.by_channel(ctx.channel_id)
    if incident is not None and await services.knowledge.suggest(incident, cmd.query, again=True):
        return
    hits = services.knowledge.search(cmd.query, limit=5)
    if not hits:
        await reply(services, ctx, "knowledge.none", query=cmd.query)
        return
    lines = [f"• *{h.title}* (`{h.entry_id}`, {h.score:.1f}) — {', '.join(h.why)}" for h in hits]
    await reply_text(services, ctx, "\n".join(lines))


def _value(view: dict[str, Any], block: str) -> str:
    return str(view["state"]["values"][block]["value"].get("value") or "").strip()


def register(app: AsyncApp, services: Services) -> None:
    async def feedback(body: dict[str, Any], action: dict[str, Any], helped: bool) -> None:
        value = json.loads(action.get("value") or "{}")
        user = str(body["user"]["id"])
        rate = await services.knowledge.feedback(int(value["incident"]), str(value["entry"]), helped, user)
        if rate is not None and body.get("response_url"):
            locale = await services.user_locale(user)
            await services.gateway.respond(
                str(body["response_url"]), t("knowledge.thanks", locale, entry=value["entry"], rate=f"{rate:.2f}")
            )

    @app.action(HELPED)
    async def helped(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        services.tasks.spawn(feedback(body, action, True), name="kb-helped")

    @app.action(NOT_RELEVANT)
    async def not_relevant(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        services.tasks.spawn(feedback(body, action, False), name="kb-not-relevant")

    @app.action(SAVE_BUTTON)
    async def open_save(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        incident = await services.store.get(int(action.get("value") or 0))
        if incident is None:
            return
        locale = services.cached_locale(str(body["user"]["id"]))
        draft = draft_from_incident(
            incident, await services.store.entries(incident.id), incident.locale or services.team.locale
        )
        await services.gateway.open_view(str(body["trigger_id"]), save_view(locale, incident.id, draft))

    @app.view(SAVE_VIEW)
    async def saved(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        await ack()
        meta = json.loads(view.get("private_metadata") or "{}")
        user = str(body["user"]["id"])

        async def save() -> None:
            incident = await services.store.get(int(meta.get("incident", 0)))
            if incident is None:
                return
            draft = draft_from_incident(
                incident, await services.store.entries(incident.id), incident.locale or services.team.locale
            )
            draft.title = _value(view, "title") or draft.title
            draft.symptom = _value(view, "symptom")
            draft.causes = [
                {"description": c, "likelihood": "high"} for c in _value(view, "causes").splitlines() if c.strip()
            ]
            draft.resolution = [r for r in _value(view, "resolution").splitlines() if r.strip()]
            draft.keywords = [k.strip() for k in _value(view, "keywords").split(",") if k.strip()]
            await services.knowledge.save(draft)
            if incident.channel_id:
                locale = await services.user_locale(user)
                await services.gateway.post(incident.channel_id, t("knowledge.saved", locale, entry=draft.id))

        services.tasks.spawn(save(), name="kb-save")
