"""The page a person receives by DM, and how it reads once acknowledged."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from chat.blockkit import context, section
from chat.dates import slack_date
from i18n import t
from incident.model import Incident

ACK_BUTTON = "page_ack"
ESCALATE_BUTTON = "page_escalate"


def page_blocks(
    incident: Incident, *, severity: str, minutes: int, target: str, locale: str, fyi: bool
) -> tuple[str, list[dict[str, Any]]]:
    key = "paging.fyi" if fyi else "paging.page"
    text = t(key, locale, ref=str(incident.ref), title=incident.title, severity=severity, target=target)
    channel = f"<#{incident.channel_id}>" if incident.channel_id else "—"
    if minutes < 1:
        detail = t("paging.detail_now", locale, channel=channel)
    else:
        detail = t("paging.detail", locale, minutes=str(minutes), channel=channel)
    blocks: list[dict[str, Any]] = [
        section(text),
        context(detail),
    ]
    if not fyi:
        blocks.append(
            {
                "type": "actions",
                "block_id": "page_actions",
                "elements": [
                    {
                        "type": "button",
                        "style": "primary",
                        "action_id": ACK_BUTTON,
                        "value": str(incident.id),
                        "text": {"type": "plain_text", "text": t("paging.ack_button", locale)},
                    },
                    {
                        "type": "button",
                        "style": "danger",
                        "action_id": ESCALATE_BUTTON,
                        "value": str(incident.id),
                        "text": {"type": "plain_text", "text": t("paging.escalate_button", locale)},
                    },
                ],
            }
        )
    return text, blocks


def acknowledged_blocks(original_text: str, *, user_id: str, at_text: str, locale: str) -> list[dict[str, Any]]:
    done = t("paging.acknowledged_by", locale, user=f"<@{user_id}>", time=at_text)
    return [
        section(original_text),
        context(done),
    ]


def when(at: Any, tz: ZoneInfo) -> str:
    return slack_date(at, tz)
