"""What a slash command tells us about who asked, where, and how to answer them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from handlers.ports import Services
from i18n import t
from incident.decisions import Actor
from incident.model import Incident


@dataclass(frozen=True, slots=True)
class CommandContext:
    user_id: str
    channel_id: str
    response_url: str
    trigger_id: str
    locale: str
    groups: frozenset[str] = frozenset()
    incident: Incident | None = None  # the channel's incident, resolved once for incident commands

    @classmethod
    def from_command(cls, command: dict[str, Any], locale: str) -> CommandContext:
        return cls(
            user_id=str(command.get("user_id", "")),
            channel_id=str(command.get("channel_id", "")),
            response_url=str(command.get("response_url", "")),
            trigger_id=str(command.get("trigger_id", "")),
            locale=locale,
        )

    @property
    def here(self) -> Incident:
        """The incident of the channel, for a command routed ``in_incident``."""
        if self.incident is None:
            raise LookupError("this command was not resolved in an incident channel")
        return self.incident

    @property
    def actor(self) -> Actor:
        return Actor(self.user_id, self.groups)

    @property
    def idempotency_key(self) -> str | None:
        # Slack gives each invocation its own trigger_id; a retried delivery repeats it.
        return f"command:{self.trigger_id}" if self.trigger_id else None


async def reply(services: Services, ctx: CommandContext, key: str, **params: Any) -> None:
    """An ephemeral answer to the person who ran the command."""
    await reply_text(services, ctx, t(key, ctx.locale, **params))


async def reply_text(
    services: Services, ctx: CommandContext, text: str, blocks: list[dict[str, Any]] | None = None
) -> None:
    if ctx.response_url:
        await services.gateway.respond(ctx.response_url, text, blocks=blocks)
    else:
        await services.gateway.post_ephemeral(ctx.channel_id, ctx.user_id, text, blocks)
