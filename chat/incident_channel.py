"""``incident.ports.IncidentChannel`` on Slack: channel creation, summary, announcements."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from chat import channel_names
from chat.errors import ChatError, InvalidChannelName, NameTaken
from chat.gateway import SlackGateway
from chat.summary_blocks import render_summary, topic_text
from i18n import t
from incident.model import Incident

log = logging.getLogger(__name__)

_NAME_ATTEMPTS = 20
UPDATE_BUTTON = "open_update_form"


@dataclass(frozen=True, slots=True)
class ChannelSettings:
    tz: ZoneInfo
    locale: str
    announcement_channel: str | None
    severity_label: Callable[[str, str], str]  # (severity key, locale) -> label


class SlackIncidentChannel:
    def __init__(self, gateway: SlackGateway, settings: ChannelSettings) -> None:
        self.gateway = gateway
        self.settings = settings
        self._topics: dict[str, str] = {}  # the topic last set per channel, so it is never set again unchanged

    async def _set_topic(self, incident: Incident) -> None:
        assert incident.channel_id is not None
        topic = topic_text(incident, self._locale(incident), self._label(incident))
        if self._topics.get(incident.channel_id) == topic:
            return
        await self.gateway.set_topic(incident.channel_id, topic)
        self._topics[incident.channel_id] = topic

    def _locale(self, incident: Incident) -> str:
        return incident.locale or self.settings.locale

    def _label(self, incident: Incident) -> Callable[[str], str]:
        locale = self._locale(incident)
        return lambda key: self.settings.severity_label(key, locale)

    async def open(self, incident: Incident) -> tuple[str, str]:
        day = incident.declared_at.astimezone(self.settings.tz).date()
        try:
            return await self._create(channel_names.candidate_name(incident.ref, day, incident.title))
        except InvalidChannelName:
            # The workspace refused non-Latin letters (or the slug): fall back to ASCII.
            ascii_name = channel_names.candidate_name(incident.ref, day, incident.title, ascii_only=True)
            return await self._create(ascii_name)

    async def _create(self, name: str) -> tuple[str, str]:
        for attempt in range(1, _NAME_ATTEMPTS + 1):
            candidate = name if attempt == 1 else channel_names.with_suffix(name, attempt)
            try:
                return await self.gateway.create_channel(candidate)
            except NameTaken:
                continue
        raise ChatError("conversations.create", "name_taken")

    async def prepare(self, incident: Incident, invitees: Sequence[str]) -> None:
        assert incident.channel_id is not None
        await asyncio.gather(self.gateway.invite(incident.channel_id, invitees), self._set_topic(incident))

    async def post_summary(self, incident: Incident) -> str:
        assert incident.channel_id is not None
        text, blocks = render_summary(
            incident, locale=self._locale(incident), tz=self.settings.tz, severity_label=self._label(incident)
        )
        return await self.gateway.post(incident.channel_id, text, blocks)

    async def pin_summary(self, incident: Incident) -> None:
        assert incident.channel_id is not None and incident.summary_ts is not None
        await self.gateway.pin(incident.channel_id, incident.summary_ts)

    async def refresh_summary(self, incident: Incident) -> None:
        if not (incident.channel_id and incident.summary_ts):
            return
        text, blocks = render_summary(
            incident, locale=self._locale(incident), tz=self.settings.tz, severity_label=self._label(incident)
        )
        await self.gateway.update(incident.channel_id, incident.summary_ts, text, blocks)
        await self._set_topic(incident)

    async def severity_changed(self, incident: Incident, *, by: str, before: str, announce: bool) -> None:
        label = self._label(incident)
        await self.notify(
            incident,
            "handlers.severity_changed_in_channel",
            {
                "ref": str(incident.ref),
                "user": f"<@{by}>",
                "from": label(before),
                "to": label(incident.severity),
                "channel": f"<#{incident.channel_id}>",
            },
            announce=announce,
        )

    async def announce_declared(self, incident: Incident) -> None:
        target = self.settings.announcement_channel
        if not target:
            return
        locale = self._locale(incident)
        text = t(
            "core.announce_declared",
            locale,
            ref=str(incident.ref),
            title=incident.title,
            severity=self.settings.severity_label(incident.severity, locale),
            channel=f"<#{incident.channel_id}>",
            user=f"<@{incident.declared_by}>",
        )
        await self.gateway.post(target, text)

    async def invite(self, incident: Incident, users: Sequence[str]) -> None:
        if incident.channel_id:
            await self.gateway.invite(incident.channel_id, users)

    async def nudge(self, incident: Incident, kind: str) -> None:
        if not incident.channel_id:
            return
        locale = self._locale(incident)
        who = f"<@{incident.commander}>" if incident.commander else "<!here>"
        text = t(f"reminders.{kind}", locale, user=who, ref=str(incident.ref))
        blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
        if kind == "status_update":
            blocks.append(
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "action_id": UPDATE_BUTTON,
                            "value": str(incident.id),
                            "text": {"type": "plain_text", "text": t("reminders.post_update_button", locale)},
                        }
                    ],
                }
            )
        await self.gateway.post(incident.channel_id, text, blocks)

    async def notify(
        self,
        incident: Incident,
        key: str,
        params: dict[str, str],
        *,
        announce: bool = False,
        seen_since: datetime | None = None,
    ) -> None:
        text = t(key, self._locale(incident), **params)
        since = seen_since.timestamp() - 1 if seen_since else None
        if incident.channel_id:
            await self.gateway.post_once(incident.channel_id, text, seen_since=since)
        if announce and self.settings.announcement_channel:
            await self.gateway.post_once(self.settings.announcement_channel, text, seen_since=since)
