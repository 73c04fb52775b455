"""The declare form (a Slack modal) and reading its submitted values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from chat.blockkit import modal_title, option, section
from i18n import t
from incident.commands import TITLE_LIMIT

CALLBACK_ID = "declare_incident"


@dataclass(frozen=True, slots=True)
class DeclareFormValues:
    title: str
    severity: str | None
    description: str
    services: tuple[str, ...]
    started: str | None


def declare_view(
    locale: str, severities: Sequence[tuple[str, str]], default: str, *, channel_id: str = ""
) -> dict[str, Any]:
    """``severities`` are (key, label) pairs in the scale's order."""
    options = [option(label, key) for key, label in severities]
    initial = next((o for o in options if o["value"] == default), options[0] if options else None)
    severity_select: dict[str, Any] = {"type": "static_select", "action_id": "value", "options": options}
    if initial:
        severity_select["initial_option"] = initial

    def text_input(
        block_id: str, label_key: str, *, multiline: bool = False, optional: bool = False, hint: str | None = None
    ) -> dict[str, Any]:
        block: dict[str, Any] = {
            "type": "input",
            "block_id": block_id,
            "optional": optional,
            "label": {"type": "plain_text", "text": t(label_key, locale)},
            "element": {"type": "plain_text_input", "action_id": "value", "multiline": multiline},
        }
        if hint:
            block["hint"] = {"type": "plain_text", "text": t(hint, locale)}
        return block

    title_block = text_input("title", "form.declare.title")
    title_block["element"]["max_length"] = TITLE_LIMIT
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "private_metadata": channel_id,
        "title": modal_title(t("form.declare.heading", locale)),
        "submit": {"type": "plain_text", "text": t("form.declare.submit", locale)},
        "close": {"type": "plain_text", "text": t("form.cancel", locale)},
        "blocks": [
            title_block,
            {
                "type": "input",
                "block_id": "severity",
                "label": {"type": "plain_text", "text": t("form.declare.severity", locale)},
                "element": severity_select,
            },
            text_input("description", "form.declare.description", multiline=True, optional=True),
            text_input("services", "form.declare.services", optional=True, hint="form.declare.services_hint"),
            text_input("started", "form.declare.started", optional=True, hint="form.declare.started_hint"),
        ],
    }


def _value(values: dict[str, Any], block_id: str) -> Any:
    element = values.get(block_id, {}).get("value", {})
    if element.get("type") == "static_select":
        option = element.get("selected_option") or {}
        return option.get("value")
    return element.get("value")


def read_values(view: dict[str, Any]) -> DeclareFormValues:
    values = view.get("state", {}).get("values", {})
    services = tuple(s.strip() for s in str(_value(values, "services") or "").split(",") if s.strip())
    return DeclareFormValues(
        title=str(_value(values, "title") or "").strip(),
        severity=_value(values, "severity"),
        description=str(_value(values, "description") or "").strip(),
        services=services,
        started=(str(_value(values, "started") or "").strip() or None),
    )


def notice_view(locale: str, key: str, **params: str) -> dict[str, Any]:
    """A modal that only explains (e.g. why the form is not offered), with a close button."""
    return {
        "type": "modal",
        "title": modal_title(t("form.declare.heading", locale)),
        "close": {"type": "plain_text", "text": t("form.cancel", locale)},
        "blocks": [section(t(key, locale, **params))],
    }
