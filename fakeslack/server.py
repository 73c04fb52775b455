"""``FakeSlack``: a local stand-in for Slack's Web API, served over real HTTP on loopback.

Hand ``fake.api_url`` to ``AsyncWebClient(base_url=...)``. Every call is recorded with its
merged arguments; the workspace state answers like Slack (envelopes, error names, 429 with
``Retry-After``), and failures can be planned per method. It also serves the byte upload of
the files v2 flow and slash-command ``response_url``s.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

from aiohttp import web

from fakeslack.faults import CallHook, Fault, FaultPlan
from fakeslack.objects import (
    BOT_USER_ID,
    EphemeralMessage,
    FakeChannel,
    FakeFile,
    FakeMessage,
    FakeView,
)
from fakeslack.recording import RecordedCall, ResponseUrlPost
from fakeslack.routes import SlackRoutes, TokenPolicy
from fakeslack.workspace import Workspace

# The pseudo-method name ``wait_for`` accepts to wait for posts to response URLs.
RESPONSE_URL = "response_url"
_POLL_SECONDS = 0.005


class FakeSlack:
    """A fake Slack Web API with workspace state, call recording and fault injection."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        accept_non_latin_names: bool = True,
        strict_triggers: bool = False,
        tokens: Iterable[str] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._host = host
        self._port = port
        self.workspace = Workspace(
            clock=clock,
            accept_non_latin_names=accept_non_latin_names,
            strict_triggers=strict_triggers,
        )
        self.tokens = TokenPolicy(tokens)
        self.faults = FaultPlan()
        self.calls: list[RecordedCall] = []
        self.responses: list[ResponseUrlPost] = []
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on ``host:port`` (port 0 picks a free one) and set ``base_url``."""
        if self._runner is not None:
            return
        routes = SlackRoutes(self.workspace, self.faults, self.tokens, self.calls, self.responses)
        app = routes.build_app()
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self._host, self._port)
        await site.start()
        host, port = runner.addresses[0][:2]
        self._runner = runner
        self.base_url = f"http://{host}:{port}"
        self.workspace.base_url = self.base_url

    async def stop(self) -> None:
        """Stop listening; the recorded calls and state stay readable."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeSlack:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def api_url(self) -> str:
        """The base URL for slack_sdk: it appends the method name to it."""
        if not self.base_url:
            raise RuntimeError("FakeSlack is not started: await fake.start() first")
        return f"{self.base_url}/api/"

    # -- seeding -----------------------------------------------------------------------------

    @property
    def accept_non_latin_names(self) -> bool:
        """Whether ``conversations.create`` keeps names in non-Latin scripts (Slack does)."""
        return self.workspace.accept_non_latin_names

    @accept_non_latin_names.setter
    def accept_non_latin_names(self, value: bool) -> None:
        self.workspace.accept_non_latin_names = value

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
    ) -> str:
        """Seed a workspace member; returns its id."""
        self.workspace.add_user(
            user_id,
            name,
            real_name=real_name,
            display_name=display_name,
            tz=tz,
            locale=locale,
            email=email,
        )
        return user_id

    def add_channel(
        self,
        name: str,
        members: Iterable[str] = (),
        *,
        channel_id: str | None = None,
        is_private: bool = False,
        bot_is_member: bool = True,
    ) -> str:
        """Seed a channel (``general`` gets id ``C0GENERAL`` unless given one); returns its id."""
        return self.workspace.add_channel(
            name,
            members=members,
            channel_id=channel_id,
            is_private=is_private,
            bot_is_member=bot_is_member,
        ).id

    def add_usergroup(self, usergroup_id: str, handle: str, users: Iterable[str]) -> str:
        """Seed a user group (``S…``) for ``usergroups.users.list``; returns its id."""
        self.workspace.usergroups[usergroup_id] = (handle, list(users))
        return usergroup_id

    def add_message(
        self,
        channel_id: str,
        user: str,
        text: str,
        ts: str | None = None,
        *,
        thread_ts: str | None = None,
        files: list[dict[str, Any]] | None = None,
    ) -> str:
        """Seed a message a person wrote (so the bot can pin, react to or link it)."""
        self.workspace.channel(channel_id)
        message = FakeMessage(
            channel=channel_id,
            ts=ts or self.workspace.next_ts(),
            text=text,
            user=user,
            thread_ts=thread_ts,
            files=files,
        )
        existing = self.workspace.messages.setdefault(channel_id, [])
        if not any(m.ts == message.ts for m in existing):
            existing.append(message)
            existing.sort(key=lambda m: float(m.ts))
        return message.ts

    def revoke_token(self, token: str) -> None:
        """Make calls with ``token`` answer ``invalid_auth`` from now on."""
        self.tokens.revoked.add(token)

    def issue_trigger_id(self) -> str:
        """A trigger_id ``views.open`` will accept (what a slash command or click carries)."""
        return self.workspace.issue_trigger_id()

    def next_ts(self) -> str:
        """A fresh message ts from the same sequence the fake uses for its own messages."""
        return self.workspace.next_ts()

    def response_url_for(self, token: str | None = None) -> str:
        """An absolute response_url on this fake; posts to it land in ``responses``."""
        return f"{self.base_url}/response/{token or secrets.token_urlsafe(12)}"

    # -- reading state -----------------------------------------------------------------------

    def channels(self) -> list[dict[str, Any]]:
        """Every conversation in Slack's shape."""
        return [c.as_slack() for c in self.workspace.channels.values()]

    def channel(self, channel: str) -> FakeChannel:
        """A conversation by id or ``#name``; raises KeyError when there is none."""
        found = self.workspace.channels.get(channel) or self.workspace.channel_by_name(channel)
        if found is None:
            raise KeyError(channel)
        return found

    def channel_by_name(self, name: str) -> FakeChannel | None:
        """The channel with that name (``#`` optional), or None."""
        return self.workspace.channel_by_name(name)

    def messages(self, channel: str) -> list[FakeMessage]:
        """The channel's messages as they stand now (edits applied), oldest first."""
        return list(self.workspace.messages.get(self.channel(channel).id, []))

    def ephemerals(self, channel: str | None = None) -> list[EphemeralMessage]:
        """Ephemeral messages the bot showed, optionally for one channel."""
        found = self.workspace.ephemerals
        if channel is None:
            return list(found)
        channel_id = self.channel(channel).id
        return [e for e in found if e.channel == channel_id]

    def pins(self, channel: str) -> list[str]:
        """The ts values of the channel's pinned messages, in pin order."""
        return list(self.workspace.pins.get(self.channel(channel).id, []))

    def dm_messages(self, user_id: str) -> list[FakeMessage]:
        """Messages the bot sent to ``user_id`` directly."""
        for channel in self.workspace.channels.values():
            if channel.is_im and channel.im_user == user_id:
                return list(self.workspace.messages.get(channel.id, []))
        return []

    @property
    def uploads(self) -> list[FakeFile]:
        """Files whose bytes arrived (``.content``), completed or not."""
        return [f for f in self.workspace.files.values() if f.content is not None]

    @property
    def views(self) -> list[FakeView]:
        """Modals the bot opened or pushed, in order."""
        return list(self.workspace.views.values())

    def calls_to(self, method: str) -> list[RecordedCall]:
        """Every recorded call to ``method``, failed ones included."""
        return [c for c in self.calls if c.method == method]

    def last(self, method: str) -> RecordedCall:
        """The most recent call to ``method``; AssertionError when there was none."""
        found = self.calls_to(method)
        if not found:
            seen = sorted({c.method for c in self.calls})
            raise AssertionError(f"no call to {method}; calls seen: {seen}")
        return found[-1]

    def reset_calls(self) -> None:
        """Forget recorded calls and response-URL posts (state stays)."""
        self.calls.clear()
        self.responses.clear()

    async def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 2.0,
        *,
        where: Callable[[RecordedCall], bool] | None = None,
    ) -> list[RecordedCall]:
        """Poll until ``count`` calls to ``method`` (matching ``where``) were recorded.

        ``method=RESPONSE_URL`` waits for posts to response URLs instead and returns [].
        Raises TimeoutError naming what did arrive, so a failing test explains itself.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if method == RESPONSE_URL:
                if len(self.responses) >= count:
                    return []
            else:
                found = [c for c in self.calls_to(method) if where is None or where(c)]
                if len(found) >= count:
                    return found
            if loop.time() >= deadline:
                seen = [c.method for c in self.calls]
                raise TimeoutError(
                    f"waited {timeout}s for {count} x {method}; calls seen: {seen}; "
                    f"response_url posts: {len(self.responses)}"
                )
            await asyncio.sleep(_POLL_SECONDS)

    # -- fault injection ---------------------------------------------------------------------

    def fail_next(self, method: str, error: str = "name_taken", times: int = 1) -> None:
        """The next ``times`` calls to ``method`` answer ``{"ok": false, "error": error}``."""
        self.faults.add(method, Fault(kind="error", error=error), times)

    def rate_limit_next(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        """The next ``times`` calls answer HTTP 429 with ``Retry-After: retry_after``."""
        self.faults.add(method, Fault(kind="rate_limit", retry_after=retry_after), times)

    def server_error_next(self, method: str, status: int = 500, times: int = 1) -> None:
        """The next ``times`` calls answer with HTTP ``status``."""
        self.faults.add(method, Fault(kind="server_error", status=status), times)

    def set_down(self, down: bool = True) -> None:
        """An outage: while down, every request answers HTTP 503."""
        self.faults.down = down

    def delay(self, method: str, seconds: float) -> None:
        """Hold answers to ``method`` (``*`` for all) for ``seconds``; 0 removes the delay."""
        self.faults.set_delay(method, seconds)

    def after_call(self, method: str, hook: CallHook) -> None:
        """Await ``hook(call)`` once a call to ``method`` (``*`` for all) succeeded, before it is
        answered: the message exists in Slack but the caller does not know yet. A hook that sleeps
        holds the answer; one that kills the caller kills it at exactly that point."""
        self.faults.hook(method, hook)

    # -- HTTP --------------------------------------------------------------------------------


__all__ = ["BOT_USER_ID", "RESPONSE_URL", "FakeSlack"]
