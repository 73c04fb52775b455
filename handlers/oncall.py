"""``/oncall``: who holds each level now and the next hand-off; overrides and swaps."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from chat.dates import slack_date
from escalation.oncall_commands import OnCallError, OverrideLevel, ShowOnCall, SwapLevel, parse_oncall
from handlers.ports import Services
from i18n import t


def register(app: AsyncApp, services: Services) -> None:
    @app.command("/oncall")
    async def oncall(ack: AsyncAck, command: dict[str, Any]) -> None:
        locale = services.cached_locale(str(command.get("user_id", "")))
        if not services.escalation.has_roster:
            await ack(response_type="ephemeral", text=t("oncall.no_roster", locale))
            return
        parsed = parse_oncall(str(command.get("text", "")), services.escalation.level_names)
        if isinstance(parsed, OnCallError):
            await ack(response_type="ephemeral", text=t(parsed.key, locale, **parsed.params))
            return
        await ack()
        work = _show(services, command, locale) if isinstance(parsed, ShowOnCall) else _override(
            services, command, locale, parsed
        )
        services.tasks.spawn(work, name="oncall")


async def _override(
    services: Services, command: dict[str, Any], locale: str, cmd: OverrideLevel | SwapLevel
) -> None:
    override = await services.escalation.set_override(cmd, services.clock.now(), str(command.get("user_id", "")))
    if override is None:
        text = t("oncall.cannot_swap", locale, level=cmd.level)
    else:
        text = t(
            "oncall.override_set",
            locale,
            level=override.level,
            user=f"<@{override.user_id}>",
            until=slack_date(override.end, services.team.tz),
        )
    await services.gateway.respond(str(command.get("response_url", "")), text)


async def _show(services: Services, command: dict[str, Any], locale: str) -> None:
    lines = [t("oncall.header", locale)]
    for holder, handoff in await services.escalation.on_call(services.clock.now()):
        lines.append(
            t(
                "oncall.line",
                locale,
                level=holder.level,
                users=", ".join(f"<@{u}>" for u in holder.user_ids),
                source=t(f"oncall.source.{holder.source}", locale),
                next=slack_date(handoff, services.team.tz) if handoff else "—",
            )
        )
    await services.gateway.respond(str(command.get("response_url", "")), "\n".join(lines))
