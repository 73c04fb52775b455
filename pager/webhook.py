"""A generic JSON webhook, signed with HMAC-SHA256 so the receiver can trust it.

Headers: ``X-Hikeshi-Timestamp: <unix seconds>`` and
``X-Hikeshi-Signature: sha256=<hex HMAC(secret, "{timestamp}.{body}")>``. Receivers check it
with ``verify_signature`` and refuse timestamps older than five minutes (replays).

The body (``event_payload``), UTF-8 JSON with sorted keys::

    {"event": "trigger" | "acknowledge" | "resolve",
     "incident": "INC-2026-0001", "title": "...", "severity": "critical",
     "level": "level1", "users": ["U0..."], "status": "investigating",
     "channel": "C0..." | null, "channel_link": "https://..." | null,
     "at": "2026-11-22T05:30:00+00:00"}
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiohttp
from pydantic import SecretStr

from pager.delivery import DEFAULT_RETRY, DeliveryResult, RetryPolicy, Sleep, post_with_retries

TOLERANCE = 300


@dataclass(frozen=True)
class WebhookTarget:
    """Where to POST and the shared secret; the repr hides both (URLs often carry tokens)."""

    url: str
    secret: SecretStr

    def __repr__(self) -> str:
        return "WebhookTarget(url=<hidden>)"


EVENTS = ("trigger", "acknowledge", "resolve")


def event_payload(
    event: str,
    *,
    incident_ref: str,
    title: str,
    severity: str,
    level: str,
    users: Sequence[str],
    status: str,
    channel_id: str | None,
    channel_link: str | None,
    at: datetime,
) -> dict[str, Any]:
    """The documented webhook body (see the module docstring)."""
    if event not in EVENTS:
        raise ValueError(f"webhook event must be one of {', '.join(EVENTS)}, not {event!r}")
    return {
        "event": event,
        "incident": incident_ref,
        "title": title,
        "severity": severity,
        "level": level,
        "users": list(users),
        "status": status,
        "channel": channel_id,
        "channel_link": channel_link,
        "at": at.isoformat(),
    }


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """``sha256=<hex>`` over ``"{timestamp}.{body}"``."""
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
    """Sign and POST ``payload`` with retries (see ``pager.delivery``); never raises."""
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()

    def headers() -> dict[str, str]:
        ts = int(clock())
        return {
            "Content-Type": "application/json",
            "X-Hikeshi-Timestamp": str(ts),
            "X-Hikeshi-Signature": signature(target.secret.get_secret_value(), ts, body),
        }

    kwargs = {"sleep": sleep} if sleep else {}
    return await post_with_retries(session, target.url, body, headers, policy=policy, name="webhook", **kwargs)
