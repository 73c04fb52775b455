"""Who the bot is in Slack, learned at start-up so that no request waits on ``auth.test``.

Bolt's single-team mode calls ``auth.test`` on the first request; during a Slack outage that
request missed Slack's 3-second deadline and its work was dropped. Here ``auth.test`` runs at
start-up, retried with back-off and one log line per failure, and ``/readyz`` stays false
until it succeeded. Requests are authorized from the configured token meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from slack_bolt.authorization import AuthorizeResult
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

FIRST_RETRY = 0.5
MAX_RETRY = 30.0


class SlackIdentity:
    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client
        self.team_id: str | None = None
        self.bot_user_id: str | None = None
        self.bot_id: str | None = None

    @property
    def checked(self) -> bool:
        return self.bot_user_id is not None

    async def check(self) -> None:
        """Call ``auth.test`` until it answers; a revoked token is logged and not retried."""
        delay = FIRST_RETRY
        while True:
            try:
                answer = await self._client.auth_test()
            except SlackApiError as exc:
                code = str(exc.response.get("error") or f"http_{exc.response.status_code}")
                if code in ("invalid_auth", "not_authed", "account_inactive", "token_revoked"):
                    log.error("slack auth.test refused the bot token: %s; not ready", code)
                    return
                log.warning("slack auth.test failed: %s; retrying in %.1fs", code, delay)
            except (SlackClientError, OSError, TimeoutError) as exc:
                log.warning("slack auth.test failed: %s; retrying in %.1fs", type(exc).__name__, delay)
            else:
                self.team_id = answer.get("team_id")
                self.bot_id = answer.get("bot_id")
                self.bot_user_id = answer.get("user_id")
                log.info("slack auth checked: bot user %s in team %s", self.bot_user_id, self.team_id)
                return
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_RETRY)

    def authorizer(self) -> Callable[..., Awaitable[AuthorizeResult]]:
        """Bolt's ``authorize``: answers from the configuration, never from Slack."""

        async def authorize(enterprise_id: str | None, team_id: str | None, user_id: str | None) -> AuthorizeResult:
            return AuthorizeResult(
                enterprise_id=enterprise_id,
                team_id=self.team_id or team_id,
                bot_token=self._client.token,
                bot_id=self.bot_id,
                bot_user_id=self.bot_user_id,
                user_id=user_id,
            )

        return authorize
