"""``SlackSender``: Slack's side of requests to the bot — slash commands, events, clicks.

Requests go over real HTTP, signed exactly as Slack signs them (``v0=`` HMAC-SHA256 of
``v0:{timestamp}:{raw body}``), so the bot's own signature check, parsing and routing are
exercised. Given a :class:`FakeSlack`, commands carry a working ``response_url`` and a
``trigger_id`` the fake accepts, and messages the sender invents exist on the fake too.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import urlencode

import aiohttp

from fakeslack import events as ev
from fakeslack.objects import APP_ID, BOT_USER_ID, TEAM_DOMAIN, TEAM_ID
from fakeslack.payloads import PayloadBuilder
from fakeslack.server import FakeSlack

USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


@dataclass
class SentRequest:
    """What the bot answered to one request, and what was sent."""

    status: int
    headers: dict[str, str]
    text: str
    elapsed: float
    sent_body: bytes
    sent_headers: dict[str, str]

    @property
    def json(self) -> Any:
        """The answer parsed as JSON, or None when it is empty or not JSON."""
        try:
            return json.loads(self.text) if self.text else None
        except ValueError:
            return None


def sign(signing_secret: str, timestamp: int, body: bytes) -> str:
    """Slack's request signature: ``v0=`` + hex HMAC-SHA256 of ``v0:{ts}:{body}``."""
    base = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


class SlackSender(PayloadBuilder):
    """Sends signed HTTP requests to the bot as Slack would (and builds their bodies)."""

    def __init__(
        self,
        url: str,
        signing_secret: str,
        *,
        team_id: str = TEAM_ID,
        team_domain: str = TEAM_DOMAIN,
        api_app_id: str = APP_ID,
        verification_token: str = "fake-verification-token",  # noqa: S107 - Slack's legacy field
        bot_user_id: str = BOT_USER_ID,
        clock: Callable[[], float] = time.time,
        fake: FakeSlack | None = None,
        timeout: float = 30.0,
    ) -> None:
        super().__init__(
            team_id=team_id,
            team_domain=team_domain,
            api_app_id=api_app_id,
            verification_token=verification_token,
            bot_user_id=bot_user_id,
            clock=clock,
            fake=fake,
        )
        self.url = url
        self._secret = signing_secret
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> SlackSender:
        self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the kept-alive session (only used inside ``async with``)."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    # -- requests ------------------------------------------------------------------------------

    async def command(
        self,
        text: str,
        *,
        command: str = "/incident",
        user_id: str = "U0ALICE",
        user_name: str = "alice",
        channel_id: str = "C0GENERAL",
        channel_name: str = "general",
        enterprise_id: str | None = None,
        enterprise_name: str | None = None,
        response_url: str | None = None,
        trigger_id: str | None = None,
        signature: str | None = None,
        timestamp: int | None = None,
        raw_body: bytes | str | None = None,
    ) -> SentRequest:
        """A slash command, form-encoded with every field Slack sends, in Slack's order."""
        fields: list[tuple[str, str]] = [
            ("token", self.verification_token),
            ("team_id", self.team_id),
            ("team_domain", self.team_domain),
        ]
        if enterprise_id is not None:
            fields += [("enterprise_id", enterprise_id), ("enterprise_name", enterprise_name or "")]
        fields += [
            ("channel_id", channel_id),
            ("channel_name", channel_name),
            ("user_id", user_id),
            ("user_name", user_name),
            ("command", command),
            ("text", text),
            ("api_app_id", self.api_app_id),
            ("is_enterprise_install", "false"),
            ("response_url", response_url or self.new_response_url()),
            ("trigger_id", trigger_id or self.new_trigger_id()),
        ]
        # Sent as-is even when it contains "payload": the bot's glue must cope (a Bolt trap).
        body = urlencode(fields).encode()
        return await self.post(body, FORM, raw_body=raw_body, signature=signature, timestamp=timestamp)

    async def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        event_time: int | None = None,
        signature: str | None = None,
        timestamp: int | None = None,
        raw_body: bytes | str | None = None,
    ) -> SentRequest:
        """An Events API delivery; ``retry_num`` makes it a retry, as Slack marks them."""
        body = ev.envelope(
            event,
            team_id=self.team_id,
            api_app_id=self.api_app_id,
            bot_user_id=self.bot_user_id,
            event_id=event_id or ev.new_event_id(),
            event_time=event_time if event_time is not None else int(self.clock()),
            verification_token=self.verification_token,
        )
        headers: dict[str, str] = {}
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason
        encoded = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        return await self.post(
            encoded,
            JSON,
            extra_headers=headers,
            raw_body=raw_body,
            signature=signature,
            timestamp=timestamp,
        )

    async def interactivity(
        self,
        payload: dict[str, Any],
        *,
        signature: str | None = None,
        timestamp: int | None = None,
        raw_body: bytes | str | None = None,
    ) -> SentRequest:
        """A click, submission or shortcut: one form field ``payload=<url-encoded JSON>``."""
        encoded = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        body = urlencode({"payload": encoded}).encode()
        return await self.post(body, FORM, raw_body=raw_body, signature=signature, timestamp=timestamp)

    async def post(
        self,
        body: bytes,
        content_type: str,
        *,
        extra_headers: dict[str, str] | None = None,
        raw_body: bytes | str | None = None,
        signature: str | None = None,
        timestamp: int | None = None,
    ) -> SentRequest:
        """POST ``body`` (or ``raw_body``) to the bot, signed unless ``signature`` overrides."""
        if raw_body is not None:
            body = raw_body.encode() if isinstance(raw_body, str) else raw_body
        ts = int(self.clock()) if timestamp is None else timestamp
        headers = {
            "Content-Type": content_type,
            "User-Agent": USER_AGENT,
            "Accept": "application/json,*/*",
            "Accept-Encoding": "gzip,deflate",
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": signature or sign(self._secret, ts, body),
            **(extra_headers or {}),
        }
        started = time.perf_counter()
        if self._session is not None:
            result = await self._send(self._session, body, headers)
        else:
            async with aiohttp.ClientSession(timeout=self._timeout) as session:
                result = await self._send(session, body, headers)
        status, answer_headers, text = result
        return SentRequest(
            status=status,
            headers=answer_headers,
            text=text,
            elapsed=time.perf_counter() - started,
            sent_body=body,
            sent_headers=headers,
        )

    async def _send(
        self, session: aiohttp.ClientSession, body: bytes, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], str]:
        async with session.post(self.url, data=body, headers=headers) as response:
            text = await response.text()
            return response.status, dict(response.headers), text
