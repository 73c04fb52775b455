"""The fake workspace's state: everything the fake Slack remembers between calls.

Plain Python with no HTTP in it, so the Web API methods read as state transitions.
"""

from __future__ import annotations

import itertools
import re
import secrets
import time
from collections.abc import Callable, Iterable

from fakeslack.objects import (
    BOT_NAME,
    BOT_USER_ID,
    TEAM_DOMAIN,
    EphemeralMessage,
    FakeChannel,
    FakeFile,
    FakeMessage,
    FakeUser,
    FakeView,
    SlackError,
)

# Slack documents a trigger_id as valid for three seconds and usable once.
TRIGGER_LIFETIME_SECONDS = 3.0


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
