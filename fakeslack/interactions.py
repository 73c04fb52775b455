"""Interactivity payloads as Slack sends them: clicks, modal submissions and shortcuts.

Plain functions over dicts; ``SlackSender`` fills in the team, app, trigger and response URL
and posts them as ``payload=<json>``. State values use Slack's exact nesting,
``view.state.values[block_id][action_id]``; the ``*_value`` helpers build the leaves.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Origin:
    """Who the payload comes from: the workspace, the app and the acting user."""

    team_id: str
    team_domain: str
    api_app_id: str
    verification_token: str
    user_id: str
    user_name: str

    def team(self) -> dict[str, Any]:
        """The ``team`` object of a payload."""
        return {"id": self.team_id, "domain": self.team_domain}

    def user(self) -> dict[str, Any]:
        """The ``user`` object of a payload."""
        return {
            "id": self.user_id,
            "username": self.user_name,
            "name": self.user_name,
            "team_id": self.team_id,
        }


def plain_text_value(text: str) -> dict[str, Any]:
    """The state of a ``plain_text_input``."""
    return {"type": "plain_text_input", "value": text}


def static_select_value(value: str, text: str | None = None) -> dict[str, Any]:
    """The state of a ``static_select`` with one option chosen."""
    option = {"text": {"type": "plain_text", "text": text or value, "emoji": True}, "value": value}
    return {"type": "static_select", "selected_option": option}


def state_values(values: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Normalise state values: a bare string leaf is shorthand for a plain text input."""
    return {
        block_id: {
            action_id: plain_text_value(leaf) if isinstance(leaf, str) else leaf for action_id, leaf in actions.items()
        }
        for block_id, actions in values.items()
    }


def _action_ts() -> str:
    return f"{time.time():.6f}"


def block_actions(
    origin: Origin,
    action_id: str,
    *,
    value: str | None,
    channel_id: str | None,
    channel_name: str,
    message_ts: str | None,
    message: dict[str, Any] | None,
    block_id: str,
    action_type: str,
    response_url: str | None,
    trigger_id: str,
    view: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A click on an interactive element, in a message (default) or in a modal (``view``)."""
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": block_id,
        "type": action_type,
        "action_ts": _action_ts(),
    }
    if action_type == "button":
        action["text"] = {"type": "plain_text", "text": value or action_id, "emoji": True}
    if value is not None:
        action["value"] = value
    action.update(extra or {})
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": origin.user(),
        "api_app_id": origin.api_app_id,
        "token": origin.verification_token,
        "trigger_id": trigger_id,
        "team": origin.team(),
        "enterprise": None,
        "is_enterprise_install": False,
        "actions": [action],
    }
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view.get("id")}
        payload["view"] = view
        payload["state"] = view.get("state", {"values": {}})
        return payload
    payload["container"] = {
        "type": "message",
        "message_ts": message_ts,
        "channel_id": channel_id,
        "is_ephemeral": False,
    }
    payload["channel"] = {"id": channel_id, "name": channel_name}
    payload["message"] = message or {"type": "message", "ts": message_ts, "text": ""}
    payload["state"] = {"values": {}}
    payload["response_url"] = response_url
    return payload


def view_submission(
    origin: Origin,
    callback_id: str,
    values: dict[str, dict[str, Any]],
    *,
    private_metadata: str,
    view_id: str,
    view_hash: str,
    trigger_id: str,
    blocks: list[dict[str, Any]] | None = None,
    title: str = "Hikeshi",
) -> dict[str, Any]:
    """A modal's Submit button, with every input's state."""
    return {
        "type": "view_submission",
        "team": origin.team(),
        "user": origin.user(),
        "api_app_id": origin.api_app_id,
        "token": origin.verification_token,
        "trigger_id": trigger_id,
        "view": {
            "id": view_id,
            "team_id": origin.team_id,
            "type": "modal",
            "blocks": blocks or [],
            "private_metadata": private_metadata,
            "callback_id": callback_id,
            "state": {"values": state_values(values)},
            "hash": view_hash,
            "title": {"type": "plain_text", "text": title, "emoji": True},
            "clear_on_close": False,
            "notify_on_close": False,
            "close": None,
            "submit": {"type": "plain_text", "text": "Submit", "emoji": True},
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": origin.api_app_id,
            "external_id": "",
            "app_installed_team_id": origin.team_id,
            "bot_id": "B0BOT",
        },
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def message_action(
    origin: Origin,
    callback_id: str,
    *,
    channel_id: str,
    channel_name: str,
    message: dict[str, Any],
    response_url: str,
    trigger_id: str,
) -> dict[str, Any]:
    """A message shortcut ("More actions" on a message)."""
    return {
        "type": "message_action",
        "token": origin.verification_token,
        "action_ts": _action_ts(),
        "team": origin.team(),
        "user": origin.user(),
        "channel": {"id": channel_id, "name": channel_name},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": trigger_id,
        "response_url": response_url,
        "message_ts": message["ts"],
        "message": message,
    }


def shortcut(origin: Origin, callback_id: str, *, trigger_id: str) -> dict[str, Any]:
    """A global shortcut (from the shortcuts menu, not tied to a message)."""
    return {
        "type": "shortcut",
        "token": origin.verification_token,
        "action_ts": _action_ts(),
        "team": origin.team(),
        "user": origin.user(),
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": trigger_id,
    }
