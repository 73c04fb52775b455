"""The pair works with a real slack-bolt app: Bolt verifies the sender and calls the fake."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from fakeslack import RESPONSE_URL, FakeSlack, SlackSender

SECRET = "bolt-signing-secret"


@pytest.fixture
async def bolt_url(fake: FakeSlack) -> AsyncIterator[str]:
    app = AsyncApp(
        client=AsyncWebClient(base_url=fake.api_url, token="xoxb-test"),
        signing_secret=SECRET,
        process_before_response=True,
    )

    @app.command("/incident")
    async def incident(ack: Any, command: dict[str, Any], client: Any, respond: Any) -> None:
        await ack()
        await client.chat_postMessage(channel=command["channel_id"], text=command["text"])
        await respond(text="declared")

    @app.event("reaction_added")
    async def reacted(event: dict[str, Any], client: Any) -> None:
        item = event["item"]
        await client.pins_add(channel=item["channel"], timestamp=item["ts"])

    async def handle(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    web_app = web.Application()
    web_app.router.add_post("/slack/events", handle)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    yield f"http://{host}:{port}/slack/events"
    await runner.cleanup()


async def test_a_bolt_command_listener_posts_and_responds_through_the_fake(fake: FakeSlack, bolt_url: str) -> None:
    sender = SlackSender(bolt_url, SECRET, fake=fake)

    sent = await sender.command("declare Checkout down")
    await fake.wait_for(RESPONSE_URL)

    assert sent.status == 200
    assert fake.calls_to("auth.test")
    assert [m.text for m in fake.messages("C0GENERAL")] == ["declare Checkout down"]
    assert [r.text for r in fake.responses] == ["declared"]


async def test_a_bolt_event_listener_pins_the_message_the_sender_invented(fake: FakeSlack, bolt_url: str) -> None:
    sender = SlackSender(bolt_url, SECRET, fake=fake)
    message = sender.message("C0GENERAL", "U0ALICE", "DB failover done")

    sent = await sender.event(sender.reaction_added("U0DAVE", "pushpin", "C0GENERAL", message["ts"], "U0ALICE"))
    await fake.wait_for("pins.add")

    assert sent.status == 200
    assert fake.pins("C0GENERAL") == [message["ts"]]


async def test_bolt_refuses_a_forged_signature(fake: FakeSlack, bolt_url: str) -> None:
    sender = SlackSender(bolt_url, SECRET, fake=fake)

    sent = await sender.command("declare x", signature="v0=bad")

    assert sent.status == 401
    assert fake.calls_to("chat.postMessage") == []
