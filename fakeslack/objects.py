"""Slack's objects as the fake keeps them: users, conversations, messages, views, files.

Each renders itself in Slack's response shape (``as_slack``). Ids follow Slack's prefixes
(``U``/``C``/``D``/``V``/``F``) so code under test that branches on them behaves as on Slack.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

BOT_USER_ID = "U0BOT"
BOT_ID = "B0BOT"
BOT_NAME = "hikeshi"
TEAM_ID = "T0HIKESHI"
TEAM_NAME = "Hikeshi Fake"
TEAM_DOMAIN = "hikeshi-fake"
APP_ID = "A0HIKESHI"


class SlackError(Exception):
    """A Web API method refused the call: answered as ``{"ok": false, "error": name}``."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


@dataclass
class FakeUser:
    """A member of the fake workspace, as ``users.info`` describes it."""

    id: str
    name: str
    real_name: str
    display_name: str
    tz: str
    locale: str
    email: str
    is_bot: bool = False

    def as_slack(self, *, include_locale: bool) -> dict[str, Any]:
        """The user object in Slack's shape (``locale`` only when asked, as Slack does)."""
        user: dict[str, Any] = {
            "id": self.id,
            "team_id": TEAM_ID,
            "name": self.name,
            "deleted": False,
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": self.tz,
            "tz_offset": _tz_offset(self.tz),
            "is_bot": self.is_bot,
            "is_admin": False,
            "is_app_user": False,
            "profile": {
                "real_name": self.real_name,
                "real_name_normalized": self.real_name,
                "display_name": self.display_name,
                "display_name_normalized": self.display_name,
                "email": self.email,
                "team": TEAM_ID,
            },
        }
        if self.is_bot:
            user["profile"]["bot_id"] = BOT_ID
        if include_locale:
            user["locale"] = self.locale
        return user


@dataclass
class FakeChannel:
    """A conversation: public/private channel, IM (``D…``) or group DM."""

    id: str
    name: str
    created: int
    creator: str
    members: list[str] = field(default_factory=list)
    is_private: bool = False
    is_im: bool = False
    is_mpim: bool = False
    is_archived: bool = False
    topic: str = ""
    purpose: str = ""
    im_user: str | None = None

    def as_slack(self) -> dict[str, Any]:
        """The conversation object in Slack's shape."""
        if self.is_im:
            return {
                "id": self.id,
                "created": self.created,
                "is_im": True,
                "is_org_shared": False,
                "user": self.im_user,
                "is_user_deleted": False,
                "priority": 0,
            }
        return {
            "id": self.id,
            "name": self.name,
            "name_normalized": self.name,
            "is_channel": not self.is_private and not self.is_mpim,
            "is_group": self.is_private,
            "is_im": False,
            "is_mpim": self.is_mpim,
            "is_private": self.is_private,
            "is_archived": self.is_archived,
            "is_general": self.name == "general",
            "is_shared": False,
            "is_ext_shared": False,
            "is_org_shared": False,
            "is_member": BOT_USER_ID in self.members,
            "created": self.created,
            "creator": self.creator,
            "unlinked": 0,
            "num_members": len(self.members),
            "topic": {
                "value": self.topic,
                "creator": self.creator if self.topic else "",
                "last_set": 0,
            },
            "purpose": {"value": self.purpose, "creator": "", "last_set": 0},
            "previous_names": [],
        }


@dataclass
class FakeMessage:
    """A message as it stands now in a channel (edits applied; ``edits`` counts them)."""

    channel: str
    ts: str
    text: str
    user: str = BOT_USER_ID
    blocks: list[dict[str, Any]] | None = None
    attachments: list[dict[str, Any]] | None = None
    thread_ts: str | None = None
    files: list[dict[str, Any]] | None = None
    metadata: dict[str, Any] | None = None
    edits: int = 0
    reactions: dict[str, list[str]] = field(default_factory=dict)

    def as_slack(self) -> dict[str, Any]:
        """The message object in Slack's shape."""
        message: dict[str, Any] = {"type": "message", "text": self.text, "user": self.user}
        message["ts"] = self.ts
        if self.user == BOT_USER_ID:
            message["bot_id"] = BOT_ID
            message["app_id"] = APP_ID
        message["team"] = TEAM_ID
        if self.blocks is not None:
            message["blocks"] = self.blocks
        if self.attachments is not None:
            message["attachments"] = self.attachments
        if self.thread_ts is not None:
            message["thread_ts"] = self.thread_ts
        if self.files is not None:
            message["files"] = self.files
        if self.metadata is not None:
            message["metadata"] = self.metadata
        if self.edits:
            message["edited"] = {"user": self.user, "ts": self.ts}
        if self.reactions:
            message["reactions"] = [
                {"name": name, "users": list(users), "count": len(users)} for name, users in self.reactions.items()
            ]
        return message


@dataclass
class EphemeralMessage:
    """A message only ``user`` saw; Slack keeps no history of these."""

    channel: str
    user: str
    message_ts: str
    text: str
    blocks: list[dict[str, Any]] | None = None
    thread_ts: str | None = None


@dataclass
class FakeView:
    """A modal the bot opened, pushed or updated."""

    id: str
    view: dict[str, Any]
    hash: str
    root_view_id: str
    previous_view_id: str | None = None
    external_id: str = ""

    def as_slack(self) -> dict[str, Any]:
        """The view object in Slack's shape, as ``views.*`` answer it."""
        return {
            "id": self.id,
            "team_id": TEAM_ID,
            "type": self.view.get("type", "modal"),
            "title": self.view.get("title"),
            "submit": self.view.get("submit"),
            "close": self.view.get("close"),
            "blocks": self.view.get("blocks", []),
            "private_metadata": self.view.get("private_metadata", ""),
            "callback_id": self.view.get("callback_id", ""),
            "external_id": self.external_id,
            "state": {"values": {}},
            "hash": self.hash,
            "clear_on_close": bool(self.view.get("clear_on_close", False)),
            "notify_on_close": bool(self.view.get("notify_on_close", False)),
            "root_view_id": self.root_view_id,
            "previous_view_id": self.previous_view_id,
            "app_id": APP_ID,
            "bot_id": BOT_ID,
        }


@dataclass
class FakeFile:
    """A file going through the upload v2 flow; ``content`` holds the bytes that arrived."""

    id: str
    filename: str
    length: int
    content: bytes | None = None
    title: str = ""
    channels: list[str] = field(default_factory=list)
    completed: bool = False

    def as_slack(self, permalink_base: str) -> dict[str, Any]:
        """The file object in Slack's shape."""
        return {
            "id": self.id,
            "created": int(time.time()),
            "name": self.filename,
            "title": self.title or self.filename,
            "mimetype": _guess_mimetype(self.filename),
            "filetype": self.filename.rsplit(".", 1)[-1] if "." in self.filename else "binary",
            "user": BOT_USER_ID,
            "size": len(self.content or b""),
            "is_external": False,
            "url_private": f"{permalink_base}/files-pri/{TEAM_ID}-{self.id}/{self.filename}",
            "permalink": f"{permalink_base}/files/{BOT_USER_ID}/{self.id}/{self.filename}",
            "channels": list(self.channels),
            "shares": {},
        }


def _tz_offset(tz: str) -> int:
    try:
        offset = datetime.now(UTC).astimezone(ZoneInfo(tz)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return 0
    return int(offset.total_seconds()) if offset else 0


def _guess_mimetype(filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return {
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "csv": "text/csv",
        "md": "text/markdown",
        "txt": "text/plain",
        "json": "application/json",
        "png": "image/png",
        "pdf": "application/pdf",
    }.get(suffix, "application/octet-stream")
