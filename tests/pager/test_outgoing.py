"""PagerDuty and signed webhooks against a local receiver: shapes, signatures, retries."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import aiohttp
import pytest
from aiohttp import web
from pydantic import SecretStr

from pager import pagerduty, webhook
from pager.delivery import RetryPolicy

AT = datetime(2026, 11, 22, 5, 30, tzinfo=UTC)
FAST = RetryPolicy(attempts=4, base_delay=0.01, timeout=0.5)


class Receiver:
    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.answers: list[int] = []
        self.hang = False
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append((dict(request.headers), await request.read()))
        if self.hang:
            self.hang = False
            import asyncio

            await asyncio.sleep(2)
        status = self.answers.pop(0) if self.answers else 202
        return web.json_response({"status": "success"}, status=status)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    r = Receiver()
    app = web.Application()
    app.router.add_post("/{tail:.*}", r.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    r.url = f"http://{host}:{port}/v2/enqueue"
    yield r
    await runner.cleanup()


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
    assert result.ok and result.attempts == 2


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
