"""The status-update form, opened from a reminder's button."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from chat.incident_channel import UPDATE_BUTTON
from chat.modals import UPDATE_FORM as CALLBACK_ID
from chat.modals import update_form_view
from handlers.commanding import announce_update
from handlers.ports import Services
from i18n import t
from incident.decisions import Actor, post_update


def register(app: AsyncApp, services: Services) -> None:
    @app.action(UPDATE_BUTTON)
    async def open_form(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        locale = services.cached_locale(body["user"]["id"])
        await services.gateway.open_view(body["trigger_id"], update_form_view(locale, str(action.get("value", ""))))

    @app.view(CALLBACK_ID)
    async def submitted(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        text = str(view["state"]["values"]["text"]["value"].get("value") or "").strip()
        locale = services.cached_locale(body["user"]["id"])
        if not text:
            await ack(response_action="errors", errors={"text": t("commands.needs_text", locale)})
            return
        await ack()
        user = body["user"]["id"]
        incident_id = int(view.get("private_metadata") or 0)

        async def post() -> None:
            if not await services.store.claim(f"view:{view['id']}:{view.get('hash', '')}", services.clock.now()):
                return
            outcome = await services.incidents.change_incident(incident_id, post_update(text, Actor(user)))
            await announce_update(services, outcome.incident if outcome.ok else None, text, user)

        services.tasks.spawn(post(), name="update-form")
