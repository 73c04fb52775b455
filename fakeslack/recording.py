"""What the fake saw: Web API calls and posts to response URLs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class RecordedCall:
    """One Web API call as it arrived, with the answer the fake gave it."""

    method: str
    args: dict[str, Any]
    http_method: str
    at: datetime
    status: int = 200
    error: str | None = None
    response: dict[str, Any] = field(default_factory=dict)
    token: str = ""  # the bearer token it came with: tells apart processes that each have their own

    @property
    def ok(self) -> bool:
        """Whether the call succeeded (HTTP 200 and ``ok: true``)."""
        return self.status == 200 and self.error is None


@dataclass
class ResponseUrlPost:
    """A message the bot posted to a slash command's or action's ``response_url``."""

    token: str
    body: dict[str, Any]
    at: datetime

    @property
    def response_type(self) -> str:
        """``ephemeral`` unless the bot asked for ``in_channel`` (Slack's default)."""
        return str(self.body.get("response_type") or "ephemeral")

    @property
    def text(self) -> str:
        """The fallback text of the posted message."""
        return str(self.body.get("text") or "")

    @property
    def blocks(self) -> list[dict[str, Any]] | None:
        """The Block Kit blocks, if any were posted."""
        blocks = self.body.get("blocks")
        return blocks if isinstance(blocks, list) else None

    @property
    def replace_original(self) -> bool:
        """Whether the bot asked Slack to replace the message the action came from."""
        return bool(self.body.get("replace_original"))
