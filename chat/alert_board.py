"""``alerts.ports.AlertBoard`` on Slack: the triage channel and maintenance announcements."""

from __future__ import annotations

import logging
from collections.abc import Callable
from zoneinfo import ZoneInfo

from alerts.maintenance import MaintenanceWindow
from alerts.ports import StoredAlert
from chat.errors import ChatError
from chat.gateway import SlackGateway
from i18n import t

log = logging.getLogger(__name__)

DECLARE_BUTTON = "alert_declare"


class SlackAlertBoard:
    def __init__(
        self,
        gateway: SlackGateway,
        *,
        triage_channel: str | None,
        announcement_channel: str | None,
        tz: ZoneInfo,
        severity_label: Callable[[str, str], str],
    ) -> None:
        self.gateway = gateway
        self.triage_channel = triage_channel
        self.announcement_channel = announcement_channel
        self.tz = tz
        self.severity_label = severity_label
        self._bot_user: str | None = None

    async def bot_user(self) -> str:
        """The bot's own user id: the declarer of incidents opened by an alert."""
        if self._bot_user is None:
            self._bot_user = await self.gateway.bot_user_id()
        return self._bot_user

    async def triage(self, stored: StoredAlert, reason: str, locale: str) -> None:
        if not self.triage_channel:
            log.info("alert %s recorded (%s); no triage_channel to show it in", stored.id, reason)
            return
        alert = stored.alert
        text = t(
            f"alerts.{reason}",
            locale,
            name=alert.name,
            severity=self.severity_label(alert.severity, locale),
            service=alert.service or "—",
            summary=alert.summary or alert.description or alert.name,
        )
        blocks: list[dict[str, object]] = [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
        if alert.generator_url:
            blocks.append(
                {"type": "context", "elements": [{"type": "mrkdwn", "text": f"<{alert.generator_url}|{alert.source}>"}]}
            )
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": DECLARE_BUTTON,
                        "value": str(stored.id),
                        "text": {"type": "plain_text", "text": t("alerts.declare_button", locale)},
                    }
                ],
            }
        )
        try:
            await self.gateway.post(self.triage_channel, text, blocks)
        except ChatError as exc:
            log.warning("triage message for alert %s not posted: %s", stored.id, exc.code)

    async def maintenance(self, window: MaintenanceWindow, key: str, locale: str) -> None:
        text = t(
            key,
            locale,
            service=window.service,
            until=window.ends_at.astimezone(self.tz).strftime("%Y-%m-%d %H:%M"),
            user=f"<@{window.created_by}>",
            reason=window.reason or "—",
        )
        for channel in dict.fromkeys(c for c in (self.announcement_channel, self.triage_channel) if c):
            try:
                await self.gateway.post(channel, text)
            except ChatError as exc:
                log.warning("maintenance announcement not posted in %s: %s", channel, exc.code)
