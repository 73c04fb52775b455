"""The fake workspace's state: users, channels, messages, pins, views, files and triggers.

Plain Python with no HTTP in it, so the Web API methods can be read (and tested) as state
transitions. Ids follow Slack's prefixes (``U``/``C``/``D``/``V``/``F``) so code under test that
branches on them behaves as it would against Slack.
"""

from __future__ import annotations

import itertools
import re
import secrets
import time
from collections.abc import Callable, Iterable
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

# Slack documents a trigger_id as valid for three seconds and usable once.
TRIGGER_LIFETIME_SECONDS = 3.0


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
            "topic": {"value": self.topic, "creator": self.creator if self.topic else "", "last_set": 0},
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
                {"name": name, "users": list(users), "count": len(users)}
                for name, users in self.reactions.items()
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


class Workspace:
    """Everything the fake Slack remembers between calls."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        accept_non_latin_names: bool = True,
        strict_triggers: bool = False,
    ) -> None:
        self.clock = clock
        self.accept_non_latin_names = accept_non_latin_names
        self.strict_triggers = strict_triggers
        self.base_url = ""
        self.users: dict[str, FakeUser] = {}
        self.channels: dict[str, FakeChannel] = {}
        self.messages: dict[str, list[FakeMessage]] = {}
        self.ephemerals: list[EphemeralMessage] = []
        self.pins: dict[str, list[str]] = {}
        self.usergroups: dict[str, tuple[str, list[str]]] = {}
        self.views: dict[str, FakeView] = {}
        self.files: dict[str, FakeFile] = {}
        self.triggers: dict[str, float] = {}
        self._spent_triggers: set[str] = set()
        self._counter = itertools.count(1)
        self._last_ts = 0.0
        self.add_user(BOT_USER_ID, BOT_NAME, real_name="Hikeshi", is_bot=True)

    @property
    def permalink_base(self) -> str:
        """Where permalinks point: https, like Slack's, on a host nobody resolves."""
        return f"https://{TEAM_DOMAIN}.slack.com"

    def new_id(self, prefix: str) -> str:
        """A fresh Slack-style id (``C1000000001``), unique within this workspace."""
        return f"{prefix}1{next(self._counter):09d}"

    def next_ts(self) -> str:
        """A message ts: ``seconds.micros``, strictly increasing even within one microsecond."""
        candidate = max(self.clock(), self._last_ts + 0.0001)
        self._last_ts = round(candidate, 6)
        return f"{self._last_ts:.6f}"

    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        real_name: str | None = None,
        display_name: str | None = None,
        tz: str = "Asia/Tokyo",
        locale: str = "ja-JP",
        email: str | None = None,
        is_bot: bool = False,
    ) -> FakeUser:
        """Seed (or replace) a member of the workspace."""
        user = FakeUser(
            id=user_id,
            name=name,
            real_name=real_name or name,
            display_name=display_name if display_name is not None else name,
            tz=tz,
            locale=locale,
            email=email or f"{name}@{TEAM_DOMAIN}.example",
            is_bot=is_bot,
        )
        self.users[user_id] = user
        return user

    def add_channel(
        self,
        name: str,
        *,
        members: Iterable[str] = (),
        channel_id: str | None = None,
        is_private: bool = False,
        bot_is_member: bool = True,
        creator: str = BOT_USER_ID,
    ) -> FakeChannel:
        """Create a channel directly, bypassing the name rules of ``conversations.create``."""
        cid = channel_id or self._seeded_channel_id(name)
        member_list = list(dict.fromkeys(members))
        if bot_is_member and BOT_USER_ID not in member_list:
            member_list.insert(0, BOT_USER_ID)
        channel = FakeChannel(
            id=cid,
            name=name,
            created=int(self.clock()),
            creator=creator,
            members=member_list,
            is_private=is_private,
        )
        self.channels[cid] = channel
        self.messages.setdefault(cid, [])
        return channel

    def _seeded_channel_id(self, name: str) -> str:
        # "general" → "C0GENERAL" lets tests and the sender's defaults name seeded channels
        # without passing ids around.
        readable = "C0" + re.sub(r"[^A-Z0-9]", "", name.upper())
        if name.isascii() and len(readable) > 2 and readable not in self.channels:
            return readable
        return self.new_id("C")

    def channel(self, channel_id: str) -> FakeChannel:
        """The conversation with that id, or ``channel_not_found``."""
        found = self.channels.get(channel_id)
        if found is None:
            raise SlackError("channel_not_found")
        return found

    def channel_by_name(self, name: str) -> FakeChannel | None:
        """The channel with that name, archived ones included."""
        name = name.removeprefix("#")
        return next((c for c in self.channels.values() if c.name == name), None)

    def user(self, user_id: str) -> FakeUser:
        """The member with that id, or ``user_not_found``."""
        found = self.users.get(user_id)
        if found is None:
            raise SlackError("user_not_found")
        return found

    def open_im(self, user_id: str) -> FakeChannel:
        """The bot's DM with ``user_id``, opened on first use like ``conversations.open``."""
        self.user(user_id)
        for channel in self.channels.values():
            if channel.is_im and channel.im_user == user_id:
                return channel
        cid = self.new_id("D")
        channel = FakeChannel(
            id=cid,
            name=cid,
            created=int(self.clock()),
            creator=BOT_USER_ID,
            members=[BOT_USER_ID, user_id],
            is_private=True,
            is_im=True,
            im_user=user_id,
        )
        self.channels[cid] = channel
        self.messages[cid] = []
        return channel

    def resolve_post_target(self, channel_id: str) -> FakeChannel:
        """Where a post to ``channel_id`` lands: a user id opens a DM, as Slack does."""
        if channel_id.startswith(("U", "W")) and channel_id in self.users:
            return self.open_im(channel_id)
        return self.channel(channel_id)

    def message(self, channel_id: str, ts: str) -> FakeMessage:
        """The message at ``ts`` in the channel, or ``message_not_found``."""
        for message in self.messages.get(channel_id, []):
            if message.ts == ts:
                return message
        raise SlackError("message_not_found")

    def issue_trigger_id(self) -> str:
        """A trigger_id the ``views.open``/``views.push`` methods will accept once."""
        trigger = f"{next(self._counter)}.{secrets.randbelow(10**9)}.{secrets.token_hex(16)}"
        self.triggers[trigger] = self.clock()
        return trigger

    def consume_trigger(self, trigger_id: str) -> None:
        """Spend a trigger_id; strict mode refuses unknown, reused and expired ones."""
        if not trigger_id:
            raise SlackError("invalid_trigger_id")
        issued = self.triggers.pop(trigger_id, None)
        if not self.strict_triggers:
            return
        if trigger_id in self._spent_triggers:
            raise SlackError("exchanged_trigger_id")
        if issued is None:
            raise SlackError("invalid_trigger_id")
        self._spent_triggers.add(trigger_id)
        if self.clock() - issued > TRIGGER_LIFETIME_SECONDS:
            raise SlackError("expired_trigger_id")


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
