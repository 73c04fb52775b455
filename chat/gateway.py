"""The Slack Web API, narrowed to what Hikeshi calls, with errors mapped to ``chat.errors``."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from typing import Any

import aiohttp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from chat.blockkit import TOPIC_MAX, clip
from chat.errors import ChatError, map_error

log = logging.getLogger(__name__)


def build_web_client(token: str, base_url: str, *, max_retries: int = 3) -> AsyncWebClient:
    """A client that retries 429 (honouring Retry-After), 5xx and connection errors."""
    return AsyncWebClient(
        token=token,
        base_url=base_url,
        timeout=10,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=max_retries),
            AsyncRateLimitErrorRetryHandler(max_retry_count=max_retries),
            AsyncServerErrorRetryHandler(max_retry_count=max_retries),
        ],
    )


class SlackGateway:
    """Thin calls; every failure surfaces as a ``ChatError`` subclass."""

    def __init__(self, client: AsyncWebClient, *, on_error: Callable[[str, str], None] | None = None) -> None:
        self.client = client
        self._on_error = on_error  # (method, code) of each failed call: the bot counts them

    async def _call(self, method: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = await self.client.api_call(method, **_route(method, kwargs))
        except Exception as exc:
            error = map_error(method, exc)
            if self._on_error is not None:
                self._on_error(method, error.code)
            raise error from None
        return dict(response.data) if isinstance(response.data, dict) else {}

    async def bot_user_id(self) -> str:
        return str((await self._call("auth.test")).get("user_id", ""))

    async def create_channel(self, name: str) -> tuple[str, str]:
        data = await self._call("conversations.create", name=name, is_private=False)
        channel = data["channel"]
        return channel["id"], channel["name"]

    async def invite(self, channel: str, users: Sequence[str]) -> None:
        wanted = [u for u in dict.fromkeys(users) if u]
        for start in range(0, len(wanted), 100):  # Slack takes at most 100 ids per call
            try:
                await self._call("conversations.invite", channel=channel, users=",".join(wanted[start : start + 100]))
            except ChatError as exc:
                if exc.code not in ("already_in_channel", "cant_invite_self"):
                    raise

    async def set_topic(self, channel: str, topic: str) -> None:
        await self._call("conversations.setTopic", channel=channel, topic=clip(topic, TOPIC_MAX))

    async def post(self, channel: str, text: str, blocks: list[dict[str, Any]] | None = None) -> str:
        args: dict[str, Any] = {"channel": channel, "text": text, "unfurl_links": False}
        if blocks:
            args["blocks"] = blocks
        data = await self._call("chat.postMessage", **args)
        return str(data["ts"])

    async def post_once(
        self, channel: str, text: str, blocks: list[dict[str, Any]] | None = None, *, seen_since: float | None = None
    ) -> tuple[str, bool]:
        """``post``, unless ``seen_since`` (a Slack ts) is given and the channel already shows
        this text since then: a retry of a try that may have reached Slack before it died.
        Returns the message's ts and whether it was posted now."""
        if seen_since is not None:
            for message in await self.history(channel, oldest=seen_since):
                if message.get("text") == text:
                    return str(message["ts"]), False
        return await self.post(channel, text, blocks), True

    async def update(self, channel: str, ts: str, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        args: dict[str, Any] = {"channel": channel, "ts": ts, "text": text}
        if blocks is not None:
            args["blocks"] = blocks
        await self._call("chat.update", **args)

    async def pin(self, channel: str, ts: str) -> None:
        try:
            await self._call("pins.add", channel=channel, timestamp=ts)
        except ChatError as exc:
            if exc.code != "already_pinned":
                raise

    async def post_ephemeral(
        self, channel: str, user: str, text: str, blocks: list[dict[str, Any]] | None = None
    ) -> None:
        args: dict[str, Any] = {"channel": channel, "user": user, "text": text}
        if blocks:
            args["blocks"] = blocks
        await self._call("chat.postEphemeral", **args)

    async def permalink(self, channel: str, ts: str) -> str | None:
        try:
            data = await self._call("chat.getPermalink", channel=channel, message_ts=ts)
        except ChatError:
            return None
        return data.get("permalink")

    async def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        """One message by its ts (for shortcuts and reactions that name it)."""
        try:
            data = await self._call("conversations.history", channel=channel, latest=ts, inclusive=True, limit=1)
        except ChatError:
            return None
        found = [m for m in data.get("messages", []) if m.get("ts") == ts]
        return found[0] if found else None

    async def history(self, channel: str, *, oldest: float) -> list[dict[str, Any]]:
        """The channel's top-level messages since ``oldest`` (a Slack ts), newest first."""
        data = await self._call("conversations.history", channel=channel, oldest=f"{oldest:.6f}", limit=100)
        return list(data.get("messages", []))

    async def user_info(self, user: str) -> dict[str, Any] | None:
        try:
            data = await self._call("users.info", user=user, include_locale=True)
        except ChatError:
            return None
        return data.get("user")

    async def channel_info(self, channel: str) -> dict[str, Any] | None:
        try:
            data = await self._call("conversations.info", channel=channel)
        except ChatError:
            return None
        return data.get("channel")

    async def open_view(self, trigger_id: str, view: dict[str, Any]) -> str:
        data = await self._call("views.open", trigger_id=trigger_id, view=view)
        return str(data["view"]["id"])

    async def usergroup_members(self, usergroup: str) -> list[str]:
        data = await self._call("usergroups.users.list", usergroup=usergroup)
        return list(data.get("users", []))

    async def open_dm(self, user: str) -> str:
        data = await self._call("conversations.open", users=user)
        return str(data["channel"]["id"])

    async def upload_file(
        self, channel: str, filename: str, content: bytes, title: str, comment: str | None = None
    ) -> str:
        """Slack's upload flow: get an upload URL, POST the bytes there, complete into the channel."""
        data = await self._call("files.getUploadURLExternal", filename=filename, length=len(content))
        url, file_id = data["upload_url"], data["file_id"]
        try:
            async with aiohttp.ClientSession() as http, http.post(url, data=content) as resp:
                if resp.status >= 400:
                    raise ChatError("files.upload_url", f"http_{resp.status}")
        except aiohttp.ClientError as exc:
            raise map_error("files.upload_url", exc) from None
        args: dict[str, Any] = {
            "files": json.dumps([{"id": file_id, "title": title}]),
            "channel_id": channel,
        }
        if comment:
            args["initial_comment"] = comment
        await self._call("files.completeUploadExternal", **args)
        return str(file_id)

    async def respond(
        self, response_url: str, text: str, *, blocks: list[dict[str, Any]] | None = None, in_channel: bool = False
    ) -> None:
        """Answer a slash command through its response_url (ephemeral unless in_channel)."""
        body: dict[str, Any] = {"text": text, "response_type": "in_channel" if in_channel else "ephemeral"}
        if blocks:
            body["blocks"] = blocks
        try:
            async with aiohttp.ClientSession() as http, http.post(response_url, json=body) as resp:
                if resp.status >= 400:
                    log.warning("response_url answered %s", resp.status)
        except aiohttp.ClientError as exc:
            log.warning("response_url failed: %s", type(exc).__name__)


# slack_sdk's api_call sends ``params`` as the query string for GET and ``json`` for JSON
# methods; these are the forms Slack documents for each method.
_JSON_METHODS = ("chat.", "views.")
_GET_METHODS = ("users.info", "users.lookupByEmail", "usergroups.users.list", "chat.getPermalink", "conversations.info")


def _route(method: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    if method in _GET_METHODS:
        return {"http_verb": "GET", "params": kwargs}
    if method.startswith(_JSON_METHODS):
        return {"json": kwargs}
    return {"params": kwargs}
