"""PagerDuty and signed webhooks against a local receiver: shapes, signatures, retries."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr

from pager import pagerduty, webhook
from pager.delivery import RetryPolicy
from tests.pager.receiver import Receiver

AT = datetime(2026, 11, 22, 5, 30, tzinfo=UTC)
FAST = RetryPolicy(attempts=4, base_delay=0.01, timeout=0.2)


async def no_sleep(_: float) -> None:
    return None


def _pd(receiver: Receiver) -> pagerduty.PagerDutyTarget:
    return pagerduty.PagerDutyTarget(SecretStr("R0UTINGKEYSECRET"), receiver.url)


async def test_pagerduty_trigger_ack_resolve_share_one_dedup_key(receiver: Receiver) -> None:
    target = _pd(receiver)
    async with aiohttp.ClientSession() as http:
        for action in ("trigger", "acknowledge", "resolve"):
            body = pagerduty.event_body(
                target,
                action,
                incident_ref="INC-2026-0001",
                level="level1",
                title="Checkout down",
                severity="critical",
                at=AT,
                link=None,
            )
            assert (await pagerduty.send(http, target, body, policy=FAST, sleep=no_sleep)).ok
    sent = [json.loads(body) for _, body in receiver.requests]
    assert [s["event_action"] for s in sent] == ["trigger", "acknowledge", "resolve"]
    assert {s["dedup_key"] for s in sent} == {"hikeshi-INC-2026-0001-level1"}
    assert sent[0]["payload"]["severity"] == "critical" and sent[0]["payload"]["source"] == "hikeshi"
    assert sent[0]["routing_key"] == "R0UTINGKEYSECRET"


async def test_a_500_is_retried_until_it_succeeds(receiver: Receiver) -> None:
    receiver.answers = [500, 500]
    target = _pd(receiver)
    async with aiohttp.ClientSession() as http:
        body = pagerduty.event_body(
            target,
            "trigger",
            incident_ref="INC-2026-0001",
            level="level1",
            title="t",
            severity="high",
            at=AT,
            link=None,
        )
        result = await pagerduty.send(http, target, body, policy=FAST, sleep=no_sleep)
    assert result.ok and result.attempts == 3


async def test_a_400_is_not_retried(receiver: Receiver) -> None:
    receiver.answers = [400]
    target = _pd(receiver)
    async with aiohttp.ClientSession() as http:
        body = pagerduty.event_body(
            target, "trigger", incident_ref="INC-1", level="level1", title="t", severity="high", at=AT, link=None
        )
        result = await pagerduty.send(http, target, body, policy=FAST, sleep=no_sleep)
    assert not result.ok and result.attempts == 1 and len(receiver.requests) == 1


async def test_a_timeout_is_retried(receiver: Receiver) -> None:
    receiver.hang = True
    target = webhook.WebhookTarget(receiver.url, SecretStr("s3cret"))
    async with aiohttp.ClientSession() as http:
        result = await webhook.send(http, target, {"event": "trigger"}, policy=FAST, sleep=no_sleep)
    # The first attempt hangs past the timeout and is retried; a loaded machine may need one more.
    assert result.ok and result.attempts >= 2 and len(receiver.requests) == result.attempts


async def test_the_webhook_signature_verifies_and_a_tampered_body_does_not(receiver: Receiver) -> None:
    target = webhook.WebhookTarget(receiver.url, SecretStr("s3cret"))
    async with aiohttp.ClientSession() as http:
        await webhook.send(
            http,
            target,
            {"event": "trigger", "incident": "INC-2026-0001", "title": "決済"},
            policy=FAST,
            clock=lambda: 1_800_000_000,
        )
    headers, body = receiver.requests[0]
    ts, sig = headers["X-Hikeshi-Timestamp"], headers["X-Hikeshi-Signature"]
    assert webhook.verify_signature("s3cret", ts, body, sig, now=1_800_000_010)
    assert not webhook.verify_signature("s3cret", ts, body + b" ", sig, now=1_800_000_010)
    assert not webhook.verify_signature("s3cret", ts, body, sig, now=1_800_000_000 + 301)
    assert json.loads(body)["title"] == "決済"


async def test_secrets_stay_out_of_logs_and_reprs(receiver: Receiver, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    receiver.answers = [400]
    target = _pd(receiver)
    async with aiohttp.ClientSession() as http:
        body = pagerduty.event_body(
            target, "trigger", incident_ref="INC-1", level="level1", title="t", severity="high", at=AT, link=None
        )
        await pagerduty.send(http, target, body, policy=FAST, sleep=no_sleep)
    assert "R0UTINGKEYSECRET" not in caplog.text
    assert "R0UTINGKEYSECRET" not in repr(target)
    assert "s3cret" not in repr(webhook.WebhookTarget("http://x", SecretStr("s3cret")))


class Sleeps:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


async def test_back_off_doubles_and_gives_up_after_the_last_attempt(receiver: Receiver) -> None:
    receiver.answers = [500, 503, 502, 500]
    sleeps = Sleeps()
    target = webhook.WebhookTarget(receiver.url, SecretStr("s3cret"))
    async with aiohttp.ClientSession() as http:
        result = await webhook.send(http, target, {"event": "trigger"}, policy=FAST, sleep=sleeps)
    assert (result.ok, result.attempts, result.status, result.error) == (False, 4, 500, "http_500")
    assert sleeps.delays == [0.01, 0.02, 0.04] and len(receiver.requests) == 4


async def test_a_429_waits_for_retry_after_then_succeeds(receiver: Receiver) -> None:
    receiver.answers = [429]
    receiver.retry_after = "0.3"
    sleeps = Sleeps()
    target = _pd(receiver)
    async with aiohttp.ClientSession() as http:
        result = await pagerduty.send(http, target, {"event_action": "trigger"}, policy=FAST, sleep=sleeps)
    assert result.ok and result.attempts == 2 and sleeps.delays == [0.3]


async def test_an_unreachable_receiver_is_retried_and_never_raises() -> None:
    sleeps = Sleeps()
    target = webhook.WebhookTarget("http://127.0.0.1:9/hook", SecretStr("s3cret"))
    async with aiohttp.ClientSession() as http:
        result = await webhook.send(http, target, {"event": "trigger"}, policy=FAST, sleep=sleeps)
    assert not result.ok and result.attempts == 4 and result.error is not None and len(sleeps.delays) == 3


async def test_a_malformed_url_fails_once_without_retrying() -> None:
    target = webhook.WebhookTarget("not a url", SecretStr("s3cret"))
    async with aiohttp.ClientSession() as http:
        result = await webhook.send(http, target, {"event": "trigger"}, policy=FAST, sleep=no_sleep)
    assert not result.ok and result.attempts == 1


def test_an_unknown_webhook_event_is_refused() -> None:
    # The body actually POSTed is checked in tests/e2e/test_outgoing_pagers.py.
    with pytest.raises(ValueError):
        webhook.event_payload(
            "page",
            incident_ref="INC-2026-0001",
            title="t",
            severity="critical",
            level="level1",
            users=[],
            status="investigating",
            channel_id=None,
            channel_link=None,
            at=AT,
        )


def test_only_the_trigger_carries_a_payload_and_links() -> None:
    target = pagerduty.PagerDutyTarget(SecretStr("k"), "http://x")
    common: dict[str, Any] = {
        "incident_ref": "INC-2026-0001",
        "level": "level2",
        "title": "t",
        "severity": "medium",
        "at": AT,
    }
    trigger = pagerduty.event_body(target, "trigger", link="https://example.slack.com/archives/C0INC", **common)
    resolve = pagerduty.event_body(target, "resolve", link=None, **common)
    assert trigger["payload"]["severity"] == "warning" and trigger["payload"]["component"] == "level2"
    assert trigger["links"][0]["href"].endswith("C0INC")
    assert "payload" not in resolve and resolve["dedup_key"] == trigger["dedup_key"] == "hikeshi-INC-2026-0001-level2"
    with pytest.raises(ValueError):
        pagerduty.event_body(target, "snooze", link=None, **common)


async def test_webhook_secrets_stay_out_of_logs(receiver: Receiver, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    receiver.answers = [500, 500, 500, 500]
    target = webhook.WebhookTarget(receiver.url + "?token=T0KENINURL", SecretStr("s3cretvalue"))
    async with aiohttp.ClientSession() as http:
        await webhook.send(http, target, {"event": "trigger"}, policy=FAST, sleep=no_sleep)
    ours = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("aiohttp.access"))
    assert "webhook failed after 4 attempts" in ours  # the receiver's own access log is not ours
    assert "s3cretvalue" not in ours and "T0KENINURL" not in ours
