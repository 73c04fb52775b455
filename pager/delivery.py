"""POST with retries: back off on 5xx, 429, timeouts and connection errors; never on other
4xx (a bad request stays bad, and retrying it would only storm the receiver)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

import aiohttp

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    """How a delivery ended: ``error`` is a short code (``http_500``, ``TimeoutError``), never a secret."""

    ok: bool
    attempts: int
    status: int | None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Attempts in all, first back-off in seconds (doubling), its cap, and the per-attempt timeout."""

    attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 30.0
    timeout: float = 10.0


DEFAULT_RETRY = RetryPolicy()


async def post_with_retries(
    session: aiohttp.ClientSession,
    url: str,
    body: bytes,
    headers: Mapping[str, str] | Callable[[], Mapping[str, str]],
    *,
    policy: RetryPolicy | None = None,
    sleep: Sleep = asyncio.sleep,
    name: str = "pager",
) -> DeliveryResult:
    """POST ``body``; never raises. ``headers`` may be a function so a signature is fresh on each attempt.

    Retried: 5xx, 408, 429 (honouring a numeric Retry-After up to ``max_delay``), timeouts and
    connection errors. Not retried: other 4xx and a malformed URL, which cannot get better.
    """
    policy = policy or DEFAULT_RETRY
    status: int | None = None
    error: str | None = None
    for attempt in range(1, policy.attempts + 1):
        delay = min(policy.max_delay, policy.base_delay * 2 ** (attempt - 1))
        try:
            current = headers() if callable(headers) else headers
            async with session.post(
                url, data=body, headers=dict(current), timeout=aiohttp.ClientTimeout(total=policy.timeout)
            ) as resp:
                status = resp.status
                if 200 <= status < 300:
                    return DeliveryResult(True, attempt, status)
                if status not in (408, 429) and status < 500:
                    log.warning("%s refused with %s; not retrying", name, status)
                    return DeliveryResult(False, attempt, status, f"http_{status}")
                error = f"http_{status}"
                delay = max(delay, _retry_after(resp.headers.get("Retry-After"), policy.max_delay))
        except aiohttp.InvalidURL:
            # Logged without the URL: it may carry a token.
            log.warning("%s has a malformed URL; not retrying", name)
            return DeliveryResult(False, attempt, None, "invalid_url")
        except (aiohttp.ClientError, TimeoutError) as exc:
            # The URL may carry a secret, so only the exception type is logged.
            error = type(exc).__name__
        except Exception as exc:  # a pager must never take the caller down with it
            log.warning("%s failed unexpectedly (%s); not retrying", name, type(exc).__name__)
            return DeliveryResult(False, attempt, status, type(exc).__name__)
        if attempt < policy.attempts:
            await sleep(delay)
    log.warning("%s failed after %s attempts (%s)", name, policy.attempts, error)
    return DeliveryResult(False, policy.attempts, status, error)


def _retry_after(value: str | None, cap: float) -> float:
    try:
        return min(cap, max(0.0, float(value))) if value else 0.0
    except ValueError:
        return 0.0  # an HTTP date: fall back to our own back-off
