"""The declare form: opened by ``/incident declare`` with no title or the global shortcut."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from chat.declare_form import CALLBACK_ID, declare_view, notice_view, read_values
from handlers.ports import Services
from i18n import t
from incident.commands import TITLE_LIMIT
from incident.decisions import Actor
from incident.service import DeclareRequest
from timeline.timeparse import TimeError, parse_when

log = logging.getLogger(__name__)


def form_view(services: Services, locale: str, channel_id: str = "") -> dict[str, Any]:
    severities = [(level.key, level.label(locale)) for level in services.scale.levels]
    return declare_view(locale, severities, services.scale.default, channel_id=channel_id)


async def open_declare_form(services: Services, trigger_id: str, locale: str, channel_id: str = "") -> None:
    # trigger_id expires 3 s after the click: this runs first, before any other work.
    await services.gateway.open_view(trigger_id, form_view(services, locale, channel_id))


def register(app: AsyncApp, services: Services) -> None:
    @app.shortcut("declare_incident")
    async def declare_shortcut(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        user = body["user"]["id"]
        locale = services.cached_locale(user)
        if not services.incidents.may_declare(await _actor(services, user)):
            await services.gateway.open_view(body["trigger_id"], notice_view(locale, "handlers.may_not_declare"))
            return
        await open_declare_form(services, body["trigger_id"], locale)

    @app.view(CALLBACK_ID)
    async def declare_submitted(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        locale = services.locale()
        values = read_values(view)
        errors: dict[str, str] = {}
        if not values.title:
            errors["title"] = t("form.error.title_required", locale)
        elif len(values.title) > TITLE_LIMIT:
            errors["title"] = t("form.error.title_too_long", locale, limit=str(TITLE_LIMIT))
        level = services.scale.get(values.severity or "")
        if level is None:
            errors["severity"] = t("form.error.unknown_severity", locale)
        started_at = None
        if values.started:
            parsed = parse_started(services, values.started, locale)
            if isinstance(parsed, str):
                errors["started"] = parsed
            else:
                started_at = parsed
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        assert level is not None
        user = body["user"]["id"]
        request = DeclareRequest(
            title=values.title,
            severity=level.key,
            declared_by=user,
            groups=(await _actor(services, user)).groups,
            description=values.description,
            started_at=started_at,
            services=values.services,
            # A double-clicked submit posts the same view twice: its id makes it one declare.
            idempotency_key=f"view:{view['id']}",
        )
        services.tasks.spawn(_declare(services, request, user, locale), name="declare-form")


def parse_started(services: Services, text: str, locale: str) -> datetime | str:
    """The started-at time, or the message explaining why it cannot be read."""
    result = parse_when(text, now=services.clock.now(), tz=services.team.tz)
    if isinstance(result, TimeError):
        return t(result.key, locale, **result.params)
    return result


async def _actor(services: Services, user: str) -> Actor:
    return Actor(user, await services.directory.groups_of(user, services.permissions.groups_in_use))


async def _declare(services: Services, request: DeclareRequest, user: str, locale: str) -> None:
    outcome = await services.incidents.declare(request)
    if outcome.key == "core.duplicate_request":
        return
    dm = await services.gateway.open_dm(user)
    await services.gateway.post(dm, t(outcome.key, locale, **outcome.params))
