"""Small modals opened from buttons and shortcuts: the status update and "add to timeline"."""

from __future__ import annotations

from typing import Any

from chat.blockkit import modal_title, option
from i18n import t
from timeline.kinds import SHORTCUT_KINDS, label

UPDATE_FORM = "status_update_form"
TIMELINE_SHORTCUT_FORM = "timeline_add_message_form"


def update_form_view(locale: str, incident_id: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": UPDATE_FORM,
        "private_metadata": incident_id,
        "title": modal_title(t("reminders.update_form_title", locale)),
        "submit": {"type": "plain_text", "text": t("reminders.update_form_submit", locale)},
        "blocks": [
            {
                "type": "input",
                "block_id": "text",
                "label": {"type": "plain_text", "text": t("reminders.update_form_label", locale)},
                "element": {"type": "plain_text_input", "action_id": "value", "multiline": True, "max_length": 2500},
            }
        ],
    }


def timeline_shortcut_view(locale: str, metadata: str) -> dict[str, Any]:
    options = [option(label(k, locale), k) for k in SHORTCUT_KINDS]
    return {
        "type": "modal",
        "callback_id": TIMELINE_SHORTCUT_FORM,
        "private_metadata": metadata,
        "title": modal_title(t("timeline.shortcut_title", locale)),
        "submit": {"type": "plain_text", "text": t("timeline.shortcut_submit", locale)},
        "blocks": [
            {
                "type": "input",
                "block_id": "kind",
                "label": {"type": "plain_text", "text": t("timeline.shortcut_kind", locale)},
                "element": {
                    "type": "static_select",
                    "action_id": "value",
                    "options": options,
                    "initial_option": options[0],
                },
            }
        ],
    }
