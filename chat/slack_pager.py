"""``escalation.ports.Pager`` on Slack, plus the team's outgoing pagers per level.

A page is a DM with Acknowledge / Escalate now, an invitation into the incident channel and
a mention there, and the level's outgoing pagers (PagerDuty, webhooks): each is its own stored
effect (``escalation.engine``), so a slow receiver never delays Slack and a failure is retried.
The acknowledgement and resolution calls to outgoing pagers run as owned background tasks.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp

from chat.errors import ChannelNotFound, ChatError
from chat.gateway import SlackGateway
from chat.page_blocks import acknowledged_blocks, page_blocks, when
from escalation.ports import PageRecord
from i18n import t
from incident.model import Incident
from pager import pagerduty, webhook

log = logging.getLogger(__name__)

Spawn = Callable[[Coroutine[Any, Any, Any]], object]


@dataclass
class OutgoingPagers:
    by_level: Mapping[str, Sequence[pagerduty.PagerDutyTarget | webhook.WebhookTarget]] = field(default_factory=dict)


class SlackPager:
    def __init__(
        self,
        gateway: SlackGateway,
        *,
        tz: ZoneInfo,
        locale: str,
        severity_label: Callable[[str, str], str],
        outgoing: OutgoingPagers,
        spawn: Spawn,
        http: Callable[[], aiohttp.ClientSession],
        reader_locale: Callable[[str], Awaitable[str | None]] | None = None,
        on_page: Callable[[str, str], None] | None = None,
        on_ack: Callable[[], None] | None = None,
    ) -> None:
        self.gateway = gateway
        self.on_page = on_page  # (level, reason) of each page that went out: the bot counts them
        self.on_ack = on_ack
        self.reader_locale = reader_locale  # a paged person's Slack language, when the team follows it
        self.tz = tz
        self.locale = locale
        self.severity_label = severity_label
        self.outgoing_pagers = outgoing
        # A person's DM channel with the bot does not change: opened once per process, it saves
        # a round trip before every later page.
        self._dm_channels: dict[str, str] = {}
        self.spawn = spawn
        self.http = http

    def _locale(self, incident: Incident) -> str:
        return incident.locale or self.locale

    async def _render(
        self, incident: Incident, page: PageRecord, user_id: str, since_declared_minutes: int
    ) -> tuple[str, list[dict[str, Any]]]:
        reader = (await self.reader_locale(user_id) if self.reader_locale else None) or self._locale(incident)
        return page_blocks(
            incident,
            severity=self.severity_label(incident.severity, reader),
            minutes=since_declared_minutes,
            target=page.target,
            locale=reader,
            fyi=page.kind == "fyi",
        )

    async def _dm_channel(self, user_id: str) -> str:
        dm = self._dm_channels.get(user_id)
        if dm is None:
            dm = self._dm_channels[user_id] = await self.gateway.open_dm(user_id)
        return dm

    async def dm(
        self, incident: Incident, page: PageRecord, user_id: str, since_declared_minutes: int, *, first_try: bool = True
    ) -> dict[str, str]:
        text, blocks = await self._render(incident, page, user_id, since_declared_minutes)
        seen_since = None if first_try else page.paged_at.timestamp() - 1
        cached = user_id in self._dm_channels
        dm = await self._dm_channel(user_id)
        try:
            ts, posted = await self.gateway.post_once(dm, text, blocks, seen_since=seen_since)
        except ChannelNotFound:
            if not cached:
                raise
            del self._dm_channels[user_id]  # Slack closed it: open it again
            dm = await self._dm_channel(user_id)
            ts, posted = await self.gateway.post_once(dm, text, blocks, seen_since=seen_since)
        if posted:
            self._sent(page)
        return {"channel": dm, "ts": ts, "user": user_id, "text": text}

    def _sent(self, page: PageRecord) -> None:
        if self.on_page is not None and page.kind == "page":
            self.on_page(page.target, page.reason)

    async def notice(self, incident: Incident, page: PageRecord, *, first_try: bool = True) -> None:
        if not (incident.channel_id and page.user_ids):
            return
        await self.gateway.invite(incident.channel_id, page.user_ids)
        mention = " ".join(f"<@{u}>" for u in page.user_ids)
        await self.gateway.post_once(
            incident.channel_id,
            t("paging.in_channel", self._locale(incident), users=mention, target=page.target, ref=str(incident.ref)),
            seen_since=None if first_try else page.paged_at.timestamp() - 1,
        )

    async def outgoing(self, incident: Incident, page: PageRecord) -> None:
        targets = self.outgoing_pagers.by_level.get(page.target, ())
        await asyncio.gather(
            *(
                self._send(target, incident, page.target, "trigger", page.paged_at, tuple(page.user_ids))
                for target in targets
            )
        )

    async def mention_here(self, incident: Incident) -> None:
        if incident.channel_id:
            await self.gateway.post(
                incident.channel_id, t("paging.here", self._locale(incident), ref=str(incident.ref))
            )

    async def acknowledged(self, incident: Incident, user_id: str, at: datetime, pages: Sequence[PageRecord]) -> None:
        """Mark every page DM acknowledged, tell the channel, then the outgoing pagers. Raises
        only while Slack is away (the edits repeat harmlessly on the retry)."""
        locale = self._locale(incident)
        for page in pages:
            for message in page.messages:
                if not message.get("ts"):
                    continue  # never sent
                reader = message.get("user")
                dm_locale = (await self.reader_locale(reader) if self.reader_locale and reader else None) or locale
                try:
                    await self.gateway.update(
                        message["channel"],
                        message["ts"],
                        message.get("text", ""),
                        acknowledged_blocks(
                            message.get("text", ""), user_id=user_id, at_text=when(at, self.tz), locale=dm_locale
                        ),
                    )
                except ChatError as exc:
                    if exc.retryable:
                        raise
                    log.warning("updating a page DM failed: %s", exc.code)
        if incident.channel_id:
            try:
                await self.gateway.post(
                    incident.channel_id,
                    t("paging.acknowledged_in_channel", locale, user=f"<@{user_id}>", ref=str(incident.ref)),
                )
            except ChatError as exc:
                if exc.retryable:
                    raise
                log.warning("acknowledgement notice for %s refused: %s", incident.ref, exc.code)
        for page in pages:
            if page.kind == "page":
                self._outgoing(incident, page.target, "acknowledge", at, [user_id])
        if self.on_ack is not None:
            self.on_ack()

    async def resolved(self, incident: Incident, pages: Sequence[PageRecord]) -> None:
        paged: dict[str, list[str]] = {}
        for page in pages:
            if page.kind == "page":
                users = paged.setdefault(page.target, [])
                users.extend(u for u in page.user_ids if u not in users)
        for target, users in paged.items():
            self._outgoing(incident, target, "resolve", incident.resolved_at or incident.declared_at, users)

    def _outgoing(self, incident: Incident, level: str, action: str, at: datetime, users: Sequence[str]) -> None:
        for target in self.outgoing_pagers.by_level.get(level, ()):
            self.spawn(self._send(target, incident, level, action, at, tuple(users)))

    async def _send(
        self,
        target: pagerduty.PagerDutyTarget | webhook.WebhookTarget,
        incident: Incident,
        level: str,
        action: str,
        at: datetime,
        users: Sequence[str],
    ) -> None:
        link = channel_link(incident.channel_id)
        session = self.http()
        if isinstance(target, pagerduty.PagerDutyTarget):
            body = pagerduty.event_body(
                target,
                action,
                incident_ref=str(incident.ref),
                level=level,
                title=incident.title,
                severity=incident.severity,
                at=at,
                link=link,
            )
            await pagerduty.send(session, target, body)
            return
        payload = webhook.event_payload(
            action,
            incident_ref=str(incident.ref),
            title=incident.title,
            severity=incident.severity,
            level=level,
            users=users,
            status=incident.status.value,
            channel_id=incident.channel_id,
            channel_link=link,
            at=at,
        )
        await webhook.send(session, target, payload)


def channel_link(channel_id: str | None) -> str | None:
    """A link that opens the incident channel in Slack, from a phone or a browser."""
    return f"https://slack.com/app_redirect?channel={channel_id}" if channel_id else None
