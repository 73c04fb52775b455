"""PagerDuty Events API v2: trigger, acknowledge and resolve one alert per incident and level."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiohttp
from pydantic import SecretStr

from pager.delivery import DEFAULT_RETRY, DeliveryResult, RetryPolicy, Sleep, post_with_retries

EVENTS_URL = "https://events.pagerduty.com/v2/enqueue"
_SEVERITY = {"critical": "critical", "high": "error", "medium": "warning", "low": "info"}


def dedup_key(incident_ref: str, level: str) -> str:
    """Stable per incident and level, so trigger, acknowledge and resolve meet the same alert."""
    return f"hikeshi-{incident_ref}-{level}"


@dataclass(frozen=True)
class PagerDutyTarget:
    """An Events API v2 integration; the routing key is a secret and stays out of reprs and logs."""

    routing_key: SecretStr
    url: str = EVENTS_URL

    def __repr__(self) -> str:
        return f"PagerDutyTarget(url={self.url!r})"


def event_body(
    target: PagerDutyTarget,
    action: str,
    *,
    incident_ref: str,
    level: str,
    title: str,
    severity: str,
    at: datetime,
    link: str | None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An Events API v2 body; ``action`` is trigger, acknowledge or resolve (only trigger carries a payload)."""
    if action not in ("trigger", "acknowledge", "resolve"):
        raise ValueError(f"PagerDuty event_action must be trigger, acknowledge or resolve, not {action!r}")
    body: dict[str, Any] = {
        "routing_key": target.routing_key.get_secret_value(),
        "event_action": action,
        "dedup_key": dedup_key(incident_ref, level),
    }
    if action == "trigger":
        body["payload"] = {
            "summary": f"[{severity.upper()}] {incident_ref} {title}"[:1024],
            "source": "hikeshi",
            "severity": _SEVERITY.get(severity, "error"),
            "timestamp": at.isoformat(),
            "component": level,
            "group": incident_ref,
            "class": "incident",
            "custom_details": details or {},
        }
        if link:
            body["links"] = [{"href": link, "text": "Incident channel"}]
    return body


async def send(
    session: aiohttp.ClientSession,
    target: PagerDutyTarget,
    body: dict[str, Any],
    *,
    policy: RetryPolicy = DEFAULT_RETRY,
    sleep: Sleep | None = None,
) -> DeliveryResult:
    """POST the event with retries (see ``pager.delivery``); never raises."""
    kwargs = {"sleep": sleep} if sleep else {}
    return await post_with_retries(
        session,
        target.url,
        json.dumps(body).encode(),
        {"Content-Type": "application/json"},
        policy=policy,
        name="pagerduty",
        **kwargs,
    )
