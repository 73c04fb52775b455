"""Events API bodies as Slack sends them: the ``event_callback`` envelope and common events.

Plain functions over dicts; ``SlackSender`` fills in the team and app ids and posts them.
"""

from __future__ import annotations

import secrets
import string
from typing import Any

_ID_ALPHABET = string.ascii_uppercase + string.digits


def new_event_id() -> str:
    """An id in Slack's ``Ev…`` shape; Slack reuses it when it retries a delivery."""
    return "Ev" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(9))


def envelope(
    event: dict[str, Any],
    *,
    team_id: str,
    api_app_id: str,
    bot_user_id: str,
    event_id: str,
    event_time: int,
    verification_token: str,
) -> dict[str, Any]:
    """Wrap an event in the ``event_callback`` envelope Slack posts to the bot."""
    return {
        "token": verification_token,
        "team_id": team_id,
        "context_team_id": team_id,
        "context_enterprise_id": None,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": "4-" + secrets.token_urlsafe(48),
    }


def reaction_added(user: str, reaction: str, channel: str, ts: str, item_user: str, *, event_ts: str) -> dict[str, Any]:
    """Someone added an emoji reaction to a message."""
    return {
        "type": "reaction_added",
        "user": user,
        "reaction": reaction,
        "item_user": item_user,
        "item": {"type": "message", "channel": channel, "ts": ts},
        "event_ts": event_ts,
    }


def reaction_removed(
    user: str, reaction: str, channel: str, ts: str, item_user: str, *, event_ts: str
) -> dict[str, Any]:
    """Someone removed an emoji reaction from a message."""
    body = reaction_added(user, reaction, channel, ts, item_user, event_ts=event_ts)
    body["type"] = "reaction_removed"
    return body


def message(
    channel: str,
    user: str,
    text: str,
    ts: str,
    *,
    team_id: str,
    thread_ts: str | None = None,
    files: list[dict[str, Any]] | None = None,
    channel_type: str = "channel",
) -> dict[str, Any]:
    """A person's message; with files it carries the ``file_share`` subtype, as Slack's does."""
    body: dict[str, Any] = {
        "type": "message",
        "client_msg_id": secrets.token_hex(16),
        "text": text,
        "user": user,
        "ts": ts,
        "team": team_id,
        "channel": channel,
        "event_ts": ts,
        "channel_type": channel_type,
    }
    if files:
        body["subtype"] = "file_share"
        body["files"] = files
        body["upload"] = False
    if thread_ts is not None:
        body["thread_ts"] = thread_ts
    return body


def member_joined_channel(
    user: str,
    channel: str,
    *,
    team_id: str,
    event_ts: str,
    inviter: str | None = None,
    channel_type: str = "C",
) -> dict[str, Any]:
    """A member joined (or was invited to) a channel."""
    body: dict[str, Any] = {
        "type": "member_joined_channel",
        "user": user,
        "channel": channel,
        "channel_type": channel_type,
        "team": team_id,
        "event_ts": event_ts,
    }
    if inviter is not None:
        body["inviter"] = inviter
    return body


def app_mention(
    user: str,
    text: str,
    channel: str,
    ts: str,
    *,
    team_id: str,
    thread_ts: str | None = None,
) -> dict[str, Any]:
    """A message that mentions the bot (``<@U0BOT>`` in ``text``)."""
    body: dict[str, Any] = {
        "type": "app_mention",
        "client_msg_id": secrets.token_hex(16),
        "user": user,
        "text": text,
        "ts": ts,
        "team": team_id,
        "channel": channel,
        "event_ts": ts,
    }
    if thread_ts is not None:
        body["thread_ts"] = thread_ts
    return body
