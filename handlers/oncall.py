"""``/oncall``: who holds each level now and the next hand-off; overrides and swaps."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.container import Services
from chat.dates import slack_date
from escalation.roster import Override
from i18n import t
from incident.durations import DurationError, parse_duration

_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")


def register(app: AsyncApp, services: Services) -> None:
    @app.command("/oncall")
    async def oncall(ack: AsyncAck, command: dict[str, Any]) -> None:
        user = str(command.get("user_id", ""))
        locale = services.cached_locale(user)
        words = str(command.get("text", "")).replace("\u3000", " ").split()
        engine = services.escalation
        if engine is None:
            await ack(response_type="ephemeral", text=t("oncall.no_roster", locale))
            return
        now = services.clock.now()
        roster = engine.roster
        if not words:
            await ack()
            services.tasks.spawn(_show(services, command, locale), name="oncall-show")
            return
        verb = words[0].lower()
        if verb == "override" and len(words) == 4:
            level, who, length = words[1], _MENTION.match(words[2]), words[3]
            if level not in roster.levels or who is None:
                await ack(
                    response_type="ephemeral", text=t("oncall.usage", locale, levels=", ".join(roster.level_names))
                )
                return
            try:
                duration = parse_duration(length)
            except DurationError as exc:
                await ack(response_type="ephemeral", text=t("oncall.bad_duration", locale, reason=str(exc)))
                return
            override = Override(level, who.group(1), now, now + duration, user)
        elif verb == "swap" and len(words) == 2 and words[1] in roster.levels:
            swapped = roster.swap(words[1], now, user)
            if swapped is None:
                await ack(response_type="ephemeral", text=t("oncall.cannot_swap", locale, level=words[1]))
                return
            override = swapped
        else:
            await ack(response_type="ephemeral", text=t("oncall.usage", locale, levels=", ".join(roster.level_names)))
            return
        await ack(
            response_type="ephemeral",
            text=t(
                "oncall.override_set",
                locale,
                level=override.level,
                user=f"<@{override.user_id}>",
                until=slack_date(override.end, services.team.tz),
            ),
        )
        services.tasks.spawn(engine.store.add_override(override), name="oncall-override")


async def _show(services: Services, command: dict[str, Any], locale: str) -> None:
    engine = services.escalation
    assert engine is not None
    now = services.clock.now()
    overrides = await engine.store.overrides(now)
    lines = [t("oncall.header", locale)]
    for level in engine.roster.level_names:
        holder = engine.roster.on_call(level, now, overrides)
        handoff = engine.roster.next_handoff(level, now)
        lines.append(
            t(
                "oncall.line",
                locale,
                level=level,
                users=", ".join(f"<@{u}>" for u in holder.user_ids),
                source=t(f"oncall.source.{holder.source}", locale),
                next=slack_date(handoff, services.team.tz) if handoff else "—",
            )
        )
    await services.gateway.respond(str(command.get("response_url", "")), "\n".join(lines))
