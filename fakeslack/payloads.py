"""Bodies Slack would send the bot, built with the ids Slack would invent.

``PayloadBuilder`` is the half of ``SlackSender`` that makes event bodies and interactivity
payloads. Given a ``FakeSlack``, it hands out trigger_ids and response URLs the fake honours,
fills payloads from what the fake knows (the clicked message, the open modal), and makes
messages it invents exist on the fake so the bot can pin, react to or link them.
"""

from __future__ import annotations

import itertools
import secrets
import time
from collections.abc import Callable
from typing import Any

from fakeslack import events as ev
from fakeslack import interactions as ix
from fakeslack.objects import APP_ID, BOT_USER_ID, TEAM_DOMAIN, TEAM_ID
from fakeslack.server import FakeSlack


class PayloadBuilder:
    """Builds Slack's event bodies and interactivity payloads for one workspace and app."""

    def __init__(
        self,
        *,
        team_id: str = TEAM_ID,
        team_domain: str = TEAM_DOMAIN,
        api_app_id: str = APP_ID,
        verification_token: str = "fake-verification-token",  # noqa: S107 - Slack's legacy field
        bot_user_id: str = BOT_USER_ID,
        clock: Callable[[], float] = time.time,
        fake: FakeSlack | None = None,
    ) -> None:
        self.team_id = team_id
        self.team_domain = team_domain
        self.api_app_id = api_app_id
        self.verification_token = verification_token
        self.bot_user_id = bot_user_id
        self.clock = clock
        self.fake = fake
        self._counter = itertools.count(1)
        self._last_ts = 0.0

    # -- ids Slack would invent ----------------------------------------------------------------

    def next_ts(self) -> str:
        """A fresh, increasing message ts (shared with the fake's sequence when there is one)."""
        if self.fake is not None:
            return self.fake.next_ts()
        self._last_ts = round(max(self.clock(), self._last_ts + 0.0001), 6)
        return f"{self._last_ts:.6f}"

    def new_trigger_id(self) -> str:
        """A trigger_id; one the fake will accept in ``views.open`` when there is a fake."""
        if self.fake is not None:
            return self.fake.issue_trigger_id()
        return f"{next(self._counter)}.{secrets.randbelow(10**9)}.{secrets.token_hex(16)}"

    def new_response_url(self) -> str:
        """A response_url; a working one on the fake when there is a fake."""
        if self.fake is not None:
            return self.fake.response_url_for()
        token = secrets.token_urlsafe(18)
        return f"https://hooks.slack.com/commands/{self.team_id}/{next(self._counter)}/{token}"

    def _origin(self, user_id: str, user_name: str) -> ix.Origin:
        return ix.Origin(
            team_id=self.team_id,
            team_domain=self.team_domain,
            api_app_id=self.api_app_id,
            verification_token=self.verification_token,
            user_id=user_id,
            user_name=user_name,
        )

    # -- event bodies ----------------------------------------------------------------------------

    def reaction_added(self, user: str, reaction: str, channel: str, ts: str, item_user: str) -> dict[str, Any]:
        """A ``reaction_added`` event on the message at ``ts``."""
        return ev.reaction_added(user, reaction, channel, ts, item_user, event_ts=self.next_ts())

    def reaction_removed(self, user: str, reaction: str, channel: str, ts: str, item_user: str) -> dict[str, Any]:
        """A ``reaction_removed`` event on the message at ``ts``."""
        return ev.reaction_removed(user, reaction, channel, ts, item_user, event_ts=self.next_ts())

    def message(
        self,
        channel: str,
        user: str,
        text: str,
        ts: str | None = None,
        thread_ts: str | None = None,
        files: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """A person's ``message`` event; the message also appears on the fake, if any."""
        ts = ts or self.next_ts()
        self._remember(channel, user, text, ts, thread_ts=thread_ts, files=files)
        channel_type = "im" if channel.startswith("D") else "channel"
        return ev.message(
            channel,
            user,
            text,
            ts,
            team_id=self.team_id,
            thread_ts=thread_ts,
            files=files,
            channel_type=channel_type,
        )

    def member_joined_channel(self, user: str, channel: str, inviter: str | None = None) -> dict[str, Any]:
        """A ``member_joined_channel`` event."""
        return ev.member_joined_channel(user, channel, team_id=self.team_id, event_ts=self.next_ts(), inviter=inviter)

    def app_mention(
        self,
        user: str,
        text: str,
        channel: str,
        ts: str | None = None,
        thread_ts: str | None = None,
    ) -> dict[str, Any]:
        """An ``app_mention`` event; the message also appears on the fake, if any."""
        ts = ts or self.next_ts()
        self._remember(channel, user, text, ts, thread_ts=thread_ts)
        return ev.app_mention(user, text, channel, ts, team_id=self.team_id, thread_ts=thread_ts)

    def _remember(
        self,
        channel: str,
        user: str,
        text: str,
        ts: str,
        *,
        thread_ts: str | None = None,
        files: list[dict[str, Any]] | None = None,
    ) -> None:
        # The bot may pin, react to or link a message it heard about; on Slack it exists.
        if self.fake is not None and channel in self.fake.workspace.channels:
            self.fake.add_message(channel, user, text, ts, thread_ts=thread_ts, files=files)

    # -- interactivity payloads ------------------------------------------------------------------

    def block_actions(
        self,
        action_id: str,
        value: str | None = None,
        *,
        user_id: str = "U0ALICE",
        user_name: str = "alice",
        channel_id: str = "C0GENERAL",
        channel_name: str = "general",
        message_ts: str | None = None,
        message: dict[str, Any] | None = None,
        block_id: str | None = None,
        action_type: str = "button",
        view_id: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A click; on a message at ``message_ts`` (looked up on the fake) or in a modal."""
        view: dict[str, Any] | None = None
        if view_id is not None:
            view = self._known_view(view_id) or {"id": view_id, "state": {"values": {}}}
        elif message is None and message_ts is not None and self.fake is not None:
            message = self._known_message(channel_id, message_ts)
        return ix.block_actions(
            self._origin(user_id, user_name),
            action_id,
            value=value,
            channel_id=channel_id,
            channel_name=channel_name,
            message_ts=message_ts,
            message=message,
            block_id=block_id or secrets.token_urlsafe(4),
            action_type=action_type,
            response_url=self.new_response_url(),
            trigger_id=self.new_trigger_id(),
            view=view,
            extra=extra,
        )

    def view_submission(
        self,
        callback_id: str | None = None,
        values: dict[str, dict[str, Any]] | None = None,
        *,
        private_metadata: str | None = None,
        view_id: str | None = None,
        view_hash: str | None = None,
        user_id: str = "U0ALICE",
        user_name: str = "alice",
    ) -> dict[str, Any]:
        """A modal submission; a ``view_id`` the fake knows supplies the view's own fields.

        ``values`` is ``{block_id: {action_id: leaf}}``; a string leaf means a plain text input.
        """
        known = self._known_view(view_id) if view_id else self._latest_view(callback_id)
        resolved_callback = callback_id or (known or {}).get("callback_id") or ""
        return ix.view_submission(
            self._origin(user_id, user_name),
            resolved_callback,
            values or {},
            private_metadata=private_metadata
            if private_metadata is not None
            else (known or {}).get("private_metadata", ""),
            view_id=view_id or (known or {}).get("id") or f"V{secrets.token_hex(5).upper()}",
            view_hash=view_hash or (known or {}).get("hash") or secrets.token_hex(8),
            trigger_id=self.new_trigger_id(),
            blocks=(known or {}).get("blocks"),
        )

    def message_action(
        self,
        callback_id: str,
        *,
        message_ts: str | None = None,
        message_text: str = "",
        message_user: str = "U0BOB",
        files: list[dict[str, Any]] | None = None,
        channel_id: str = "C0GENERAL",
        channel_name: str = "general",
        user_id: str = "U0ALICE",
        user_name: str = "alice",
    ) -> dict[str, Any]:
        """A message shortcut on a message (created on the fake when it is not there yet)."""
        message_ts = message_ts or self.next_ts()
        message = self._known_message(channel_id, message_ts) if self.fake is not None else None
        if message is None:
            self._remember(channel_id, message_user, message_text, message_ts, files=files)
            message = {
                "type": "message",
                "user": message_user,
                "ts": message_ts,
                "text": message_text,
                "team": self.team_id,
            }
            if files:
                message["files"] = files
        return ix.message_action(
            self._origin(user_id, user_name),
            callback_id,
            channel_id=channel_id,
            channel_name=channel_name,
            message=message,
            response_url=self.new_response_url(),
            trigger_id=self.new_trigger_id(),
        )

    def shortcut(self, callback_id: str, *, user_id: str = "U0ALICE", user_name: str = "alice") -> dict[str, Any]:
        """A global shortcut."""
        return ix.shortcut(self._origin(user_id, user_name), callback_id, trigger_id=self.new_trigger_id())

    def _latest_view(self, callback_id: str | None) -> dict[str, Any] | None:
        # Without a view_id, submit the modal the bot opened last (with that callback_id).
        if self.fake is None:
            return None
        for stored in reversed(self.fake.views):
            view = stored.as_slack()
            if callback_id is None or view["callback_id"] == callback_id:
                return view
        return None

    def _known_view(self, view_id: str | None) -> dict[str, Any] | None:
        if self.fake is None or view_id is None:
            return None
        stored = self.fake.workspace.views.get(view_id)
        return stored.as_slack() if stored else None

    def _known_message(self, channel_id: str, ts: str) -> dict[str, Any] | None:
        if self.fake is None:
            return None
        for message in self.fake.workspace.messages.get(channel_id, []):
            if message.ts == ts:
                return message.as_slack()
        return None
