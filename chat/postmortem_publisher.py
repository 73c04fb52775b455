"""Posts postmortem drafts and reminders to Slack (``postmortem.service.Publisher``)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from chat.dates import slack_date
from chat.gateway import SlackGateway
from chat.postmortem_summary import render_summary_blocks
from i18n import t
from incident.model import Incident
from postmortem.model import PostmortemInput


class SlackPostmortemPublisher:
    def __init__(self, gateway: SlackGateway, tz: ZoneInfo, locale: str) -> None:
        self.gateway = gateway
        self.tz = tz
        self.locale = locale

    async def publish(self, incident: Incident, pm: PostmortemInput, markdown: str, workbook: bytes) -> None:
        if not incident.channel_id:
            return
        # The same figures as the files: one rendering of the summary (chat/postmortem_summary.py).
        text, blocks = render_summary_blocks(pm)
        await self.gateway.post(incident.channel_id, text, blocks)
        stem = f"{incident.ref}-postmortem" + (f"-v{pm.version}" if pm.version > 1 else "")
        await self.gateway.upload_file(
            incident.channel_id, f"{stem}.md", markdown.encode("utf-8"), f"{incident.ref} postmortem (Markdown)"
        )
        await self.gateway.upload_file(
            incident.channel_id, f"{stem}.xlsx", workbook, f"{incident.ref} postmortem (Excel)"
        )

    async def remind(self, incident: Incident, key: str, due: datetime) -> None:
        locale = incident.locale or self.locale
        who = f"<@{incident.commander}>" if incident.commander else "<!here>"
        text = t(key, locale, user=who, ref=str(incident.ref), due=slack_date(due, self.tz))
        if incident.channel_id:
            await self.gateway.post(incident.channel_id, text)
        if incident.commander:
            await self.gateway.post(await self.gateway.open_dm(incident.commander), text)
