"""A generic JSON webhook, signed with HMAC-SHA256 so the receiver can trust it.

Headers: ``X-Hikeshi-Timestamp: <unix seconds>`` and
``X-Hikeshi-Signature: sha256=<hex HMAC(secret, "{timestamp}.{body}")>``. Receivers check it
with ``verify_signature`` and refuse timestamps older than five minutes (replays).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from pydantic import SecretStr

from pager.delivery import DEFAULT_RETRY, DeliveryResult, RetryPolicy, Sleep, post_with_retries

TOLERANCE = 300


@dataclass(frozen=True)
class WebhookTarget:
    url: str
    secret: SecretStr

    def __repr__(self) -> str:
        return "WebhookTarget(url=<hidden>)"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_signature(
    secret: str, timestamp: str, body: bytes, given: str, now: float, tolerance: int = TOLERANCE
) -> bool:
    try:
        ts = int(timestamp)
    except ValueError:
        return False
    if abs(now - ts) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, ts, body), given)


async def send(
    session: aiohttp.ClientSession,
    target: WebhookTarget,
    payload: dict[str, Any],
    *,
    policy: RetryPolicy = DEFAULT_RETRY,
    sleep: Sleep | None = None,
    clock: Callable[[], float] = time.time,
) -> DeliveryResult:
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()

    def headers() -> dict[str, str]:
        ts = int(clock())
        return {
            "Content-Type": "application/json",
            "X-Hikeshi-Timestamp": str(ts),
            "X-Hikeshi-Signature": signature(target.secret.get_secret_value(), ts, body),
        }

    kwargs = {"sleep": sleep} if sleep else {}
    return await post_with_retries(session, target.url, body, headers, policy=policy, name="webhook", **kwargs)  # type: ignore[arg-type]
