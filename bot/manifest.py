"""The Slack app manifest: paste it at api.slack.com/apps → Create New App → From a manifest."""

from __future__ import annotations

from typing import Any

import yaml

from handlers.events import SUBSCRIBED_EVENTS

SLASH_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("/incident", "Declare and run incidents (help: /incident help)", "declare <title> [--sev high]"),
    ("/oncall", "Who is on call, overrides and swaps", "[override level1 @user 3h | swap level1]"),
)
SHORTCUTS: tuple[tuple[str, str, str, str], ...] = (
    ("message", "Add to incident timeline", "timeline_add_message", "Record this message in the incident timeline"),
    ("global", "Declare an incident", "declare_incident", "Open the declare form"),
)
BOT_SCOPES: tuple[str, ...] = (
    "channels:manage",
    "channels:read",
    "channels:history",
    "groups:read",
    "chat:write",
    "chat:write.public",
    "commands",
    "pins:write",
    "reactions:read",
    "users:read",
    "usergroups:read",
    "im:write",
    "files:write",
)


def manifest(request_url: str = "https://hikeshi.example.com/slack/events") -> dict[str, Any]:
    return {
        "display_information": {
            "name": "Hikeshi",
            "description": "Incident command for operations teams / 運用チームのインシデント指揮",
            "background_color": "#b22222",
        },
        "features": {
            "bot_user": {"display_name": "hikeshi", "always_online": True},
            "slash_commands": [
                {"command": c, "url": request_url, "description": d, "usage_hint": u, "should_escape": False}
                for c, d, u in SLASH_COMMANDS
            ],
            "shortcuts": [
                {"name": n, "type": kind, "callback_id": cb, "description": d} for kind, n, cb, d in SHORTCUTS
            ],
        },
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": {
            "event_subscriptions": {"request_url": request_url, "bot_events": list(SUBSCRIBED_EVENTS)},
            "interactivity": {"is_enabled": True, "request_url": request_url},
            "org_deploy_enabled": False,
            "socket_mode_enabled": False,
            "token_rotation_enabled": False,
        },
    }


def manifest_yaml(request_url: str | None = None) -> str:
    data = manifest(request_url) if request_url else manifest()
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
