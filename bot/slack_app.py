"""The slack-bolt app: signature checks and routing are Bolt's; listeners live in handlers/."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.response import BoltResponse

from bot.container import Services
from bot.slack_identity import SlackIdentity
from handlers import register_all

log = logging.getLogger(__name__)


class _NoTokenSkippedWarning(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment by itself and then warns, on every start,
    that our client's token wins. It is the same token: the warning says nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


logging.getLogger("slack_bolt.AsyncApp").addFilter(_NoTokenSkippedWarning())


def build_bolt_app(services: Services, signing_secret: str, identity: SlackIdentity) -> AsyncApp:
    # The client carries the token. process_before_response=True: a listener's ack() is the HTTP answer, so acks are not
    # delayed by Bolt's 10 ms polling; every slow step goes to services.tasks instead.
    app = AsyncApp(
        signing_secret=signing_secret,
        client=services.client,
        authorize=identity.authorizer(),  # from the configuration: no auth.test before an ack
        process_before_response=True,
        raise_error_for_unhandled_request=False,
    )

    @app.error
    async def on_error(error: Exception, body: dict[str, Any]) -> BoltResponse:
        # A listener bug must never show a stack trace to a user or make Slack retry.
        log.error("listener failed for %s", body.get("type") or body.get("command"), exc_info=error)
        return BoltResponse(status=200, body="")

    register_all(app, services)
    return app
