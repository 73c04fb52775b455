"""Knowledge-base suggestions as Block Kit cards, and the "save to knowledge base" form."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from chat.blockkit import modal_title
from chat.gateway import SlackGateway
from i18n import t
from incident.model import Incident
from knowledge.entry import KbEntry
from knowledge.rank import Hit
from knowledge.service import Shown, shown

HELPED = "kb_helped"
NOT_RELEVANT = "kb_not_relevant"
SAVE_BUTTON = "kb_save"
SAVE_VIEW = "kb_save_form"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def cards(
    incident: Incident, hits: Sequence[Hit], entries: Sequence[KbEntry], locale: str
) -> tuple[str, list[dict[str, Any]]]:
    blocks: list[dict[str, Any]] = [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": t("knowledge.suggest_header", locale, ref=str(incident.ref))},
        }
    ]
    for hit, entry in zip(hits, entries, strict=True):
        steps = (entry.diagnosis or entry.resolution)[:2]
        link = next((link for link in entry.links if link.startswith("http")), None)
        lines = [
            f"*{_clip(entry.title, 200)}*"
            + (f"  <{link}|{t('knowledge.open', locale)}>" if link else f"  `{entry.id}`")
        ]
        if steps:
            lines.append(t("knowledge.first_steps", locale) + "\n" + "\n".join(f"• {_clip(s, 300)}" for s in steps))
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _clip("\n".join(lines), 2900)}})
        why = _why(shown(hit, entry), locale)
        if why:
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": _clip(why, 2900)}]})
        value = json.dumps({"incident": incident.id, "entry": entry.id})
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": HELPED,
                        "value": value,
                        "text": {"type": "plain_text", "text": t("knowledge.helped", locale)},
                    },
                    {
                        "type": "button",
                        "action_id": NOT_RELEVANT,
                        "value": value,
                        "text": {"type": "plain_text", "text": t("knowledge.not_relevant", locale)},
                    },
                ],
            }
        )
    text = t("knowledge.suggest_fallback", locale, ref=str(incident.ref), titles=", ".join(h.title for h in hits))
    return _clip(text, 3000), blocks


def _why(said: Shown, locale: str) -> str:
    terms = ", ".join(said.terms)
    if said.rate is not None and terms:
        return t("knowledge.why", locale, terms=terms, rate=f"{said.rate:.0%}")
    if said.rate is not None:
        return t("knowledge.why_rate_only", locale, rate=f"{said.rate:.0%}")
    return t("knowledge.why_terms_only", locale, terms=terms) if terms else ""


class SlackSuggestionPoster:
    def __init__(self, gateway: SlackGateway, locale: str) -> None:
        self.gateway = gateway
        self.locale = locale

    async def post(self, incident: Incident, hits: Sequence[Hit], entries: Sequence[KbEntry]) -> None:
        if incident.channel_id:
            text, blocks = cards(incident, hits, entries, incident.locale or self.locale)
            await self.gateway.post(incident.channel_id, text, blocks)

    async def offer_save(self, incident: Incident) -> None:
        if not incident.channel_id:
            return
        locale = incident.locale or self.locale
        text = t("knowledge.offer_save", locale, ref=str(incident.ref))
        await self.gateway.post(
            incident.channel_id,
            text,
            [
                {"type": "section", "text": {"type": "mrkdwn", "text": text}},
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "action_id": SAVE_BUTTON,
                            "value": str(incident.id),
                            "text": {"type": "plain_text", "text": t("knowledge.save_button", locale)},
                        }
                    ],
                },
            ],
        )


def save_view(locale: str, incident_id: int, draft: KbEntry) -> dict[str, Any]:
    def field(block_id: str, label: str, value: str, multiline: bool = True) -> dict[str, Any]:
        return {
            "type": "input",
            "block_id": block_id,
            "label": {"type": "plain_text", "text": t(label, locale)},
            "element": {
                "type": "plain_text_input",
                "action_id": "value",
                "multiline": multiline,
                "initial_value": _clip(value, 2900),
            },
        }

    return {
        "type": "modal",
        "callback_id": SAVE_VIEW,
        "private_metadata": json.dumps({"incident": incident_id, "id": draft.id}),
        "title": modal_title(t("knowledge.save_title", locale)),
        "submit": {"type": "plain_text", "text": t("knowledge.save_submit", locale)},
        "blocks": [
            field("title", "knowledge.field_title", draft.title, multiline=False),
            field("symptom", "knowledge.field_symptom", draft.symptom),
            field("causes", "knowledge.field_causes", "\n".join(c["description"] for c in draft.causes)),
            field("resolution", "knowledge.field_resolution", "\n".join(draft.resolution)),
            field("keywords", "knowledge.field_keywords", ", ".join(draft.keywords), multiline=False),
        ],
    }
