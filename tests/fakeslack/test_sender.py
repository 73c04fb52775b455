"""SlackSender: requests reach the bot signed and shaped exactly as Slack sends them.

The receiving side is a tiny aiohttp app that checks signatures with slack_sdk's own
SignatureVerifier and parses bodies with slack-bolt's request class, as the bot does.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import aiohttp
import pytest
from aiohttp import web
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from fakeslack import FakeSlack, SlackSender
from fakeslack.interactions import static_select_value

SECRET = "test-signing-secret"


@dataclass
class Received:
    raw: str
    headers: dict[str, str]
    verified: bool
    bolt: AsyncBoltRequest


@dataclass
class Receiver:
    url: str = ""
    requests: list[Received] = field(default_factory=list)

    @property
    def last(self) -> Received:
        return self.requests[-1]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    state = Receiver()
    verifier = SignatureVerifier(SECRET)

    async def handle(request: web.Request) -> web.Response:
        raw = await request.text()
        headers = dict(request.headers)
        verified = verifier.is_valid_request(raw, headers)
        bolt = AsyncBoltRequest(body=raw, headers={k.lower(): v for k, v in headers.items()})
        state.requests.append(Received(raw, headers, verified, bolt))
        if not verified:
            return web.json_response({"error": "invalid request"}, status=401)
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/slack/events", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    state.url = f"http://{host}:{port}/slack/events"
    yield state
    await runner.cleanup()


@pytest.fixture
def sender(receiver: Receiver, fake: FakeSlack) -> SlackSender:
    return SlackSender(receiver.url, SECRET, fake=fake)


async def test_a_command_is_signed_form_encoded_and_carries_every_field(
    sender: SlackSender, receiver: Receiver
) -> None:
    sent = await sender.command("declare Checkout returns 500s", user_id="U0DAVE", user_name="dave")

    got = receiver.last
    body = got.bolt.body
    assert sent.status == 200 and sent.json == {"ok": True}
    assert got.verified
    assert got.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert got.headers["User-Agent"] == "Slackbot 1.0 (+https://api.slack.com/robots)"
    assert got.headers["X-Slack-Signature"].startswith("v0=")
    assert body["command"] == "/incident"
    assert body["text"] == "declare Checkout returns 500s"
    assert (body["user_id"], body["user_name"]) == ("U0DAVE", "dave")
    assert (body["channel_id"], body["channel_name"]) == ("C0GENERAL", "general")
    assert body["team_id"] == "T0HIKESHI"
    expected = {"token", "team_domain", "api_app_id", "is_enterprise_install", "trigger_id"}
    assert expected <= body.keys()
    assert got.bolt.context.user_id == "U0DAVE"
    assert got.bolt.context.channel_id == "C0GENERAL"


async def test_a_command_containing_payload_is_sent_as_is(sender: SlackSender, receiver: Receiver) -> None:
    await sender.command("declare payload API down")

    got = receiver.last
    assert got.verified
    assert parse_qs(got.raw)["text"] == ["declare payload API down"]
    # The slack-bolt trap the bot's glue must work around: Bolt sees an empty body here.
    assert got.bolt.body == {}


async def test_a_commands_response_url_and_trigger_work_on_the_fake(receiver: Receiver) -> None:
    strict = FakeSlack(strict_triggers=True)
    sender = SlackSender(receiver.url, SECRET, fake=strict)
    async with strict:
        await sender.command("new")
        body = receiver.last.bolt.body
        client = AsyncWebClient(base_url=strict.api_url, token="xoxb-test")
        modal = {"type": "modal", "title": {"type": "plain_text", "text": "t"}, "blocks": []}
        opened = await client.views_open(trigger_id=body["trigger_id"], view=modal)
        async with aiohttp.ClientSession() as session:
            await session.post(body["response_url"], json={"text": "ok"})

    assert opened["ok"] is True
    assert [r.text for r in strict.responses] == ["ok"]


async def test_bad_signatures_and_stale_timestamps_are_refused_by_the_verifier(
    sender: SlackSender, receiver: Receiver
) -> None:
    forged = await sender.command("declare x", signature="v0=bad")
    stale = await sender.command("declare x", timestamp=1_000_000_000)
    tampered = await sender.command("declare x", raw_body="text=other")

    assert [forged.status, stale.status] == [401, 401]
    assert receiver.requests[2].verified  # raw_body alone is re-signed: a valid odd body
    assert tampered.sent_body == b"text=other"


async def test_an_event_comes_in_slacks_envelope(sender: SlackSender, receiver: Receiver) -> None:
    event = sender.reaction_added("U0ALICE", "fire", "C0GENERAL", "1700000000.000100", "U0DAVE")

    await sender.event(event, event_id="Ev0001")

    got = receiver.last
    body = json.loads(got.raw)
    assert got.verified
    assert got.headers["Content-Type"] == "application/json"
    assert body["type"] == "event_callback"
    assert body["event_id"] == "Ev0001"
    assert body["event"]["item"] == {
        "type": "message",
        "channel": "C0GENERAL",
        "ts": "1700000000.000100",
    }
    assert body["authorizations"][0]["user_id"] == "U0BOT"
    assert {"token", "team_id", "api_app_id", "event_time", "event_context"} <= body.keys()
    assert got.bolt.context.team_id == "T0HIKESHI"
    assert "X-Slack-Retry-Num" not in got.headers


async def test_a_retried_event_carries_slacks_retry_headers(sender: SlackSender, receiver: Receiver) -> None:
    await sender.event(sender.app_mention("U0ALICE", "<@U0BOT> help", "C0GENERAL"), retry_num=1)

    assert receiver.last.headers["X-Slack-Retry-Num"] == "1"
    assert receiver.last.headers["X-Slack-Retry-Reason"] == "http_timeout"


async def test_invented_messages_exist_on_the_fake_so_the_bot_can_pin_them(
    sender: SlackSender, fake: FakeSlack
) -> None:
    event = sender.message("C0GENERAL", "U0ALICE", "restarted the db")
    thread = sender.message("C0GENERAL", "U0DAVE", "confirmed", thread_ts=event["ts"])
    client = AsyncWebClient(base_url=fake.api_url, token="xoxb-test")

    await client.pins_add(channel="C0GENERAL", timestamp=event["ts"])

    assert float(thread["ts"]) > float(event["ts"])
    assert thread["thread_ts"] == event["ts"]
    assert [m.text for m in fake.messages("C0GENERAL")] == ["restarted the db", "confirmed"]


async def test_a_button_click_is_a_block_actions_payload_on_the_clicked_message(
    sender: SlackSender, receiver: Receiver, fake: FakeSlack
) -> None:
    client = AsyncWebClient(base_url=fake.api_url, token="xoxb-test")
    posted = await client.chat_postMessage(channel="C0GENERAL", text="INC-1 summary")

    await sender.interactivity(sender.block_actions("ack", "INC-1", message_ts=posted["ts"], user_id="U0DAVE"))

    got = receiver.last
    payload = got.bolt.body
    assert got.verified
    assert got.raw.startswith("payload=")
    assert payload["type"] == "block_actions"
    assert payload["actions"][0]["action_id"] == "ack"
    assert payload["actions"][0]["value"] == "INC-1"
    assert payload["container"]["message_ts"] == posted["ts"]
    assert payload["message"]["text"] == "INC-1 summary"
    assert payload["user"]["id"] == "U0DAVE"
    assert payload["response_url"].startswith(fake.base_url)
    assert payload["trigger_id"]


async def test_a_view_submission_fills_in_the_modal_the_bot_opened(
    sender: SlackSender, receiver: Receiver, fake: FakeSlack
) -> None:
    client = AsyncWebClient(base_url=fake.api_url, token="xoxb-test")
    modal = {
        "type": "modal",
        "callback_id": "declare",
        "private_metadata": '{"channel": "C0GENERAL"}',
        "title": {"type": "plain_text", "text": "Declare"},
        "blocks": [],
    }
    opened = await client.views_open(trigger_id=fake.issue_trigger_id(), view=modal)

    await sender.interactivity(
        sender.view_submission(
            values={
                "title": {"title_input": "Checkout down"},
                "severity": {"severity_select": static_select_value("critical")},
            }
        )
    )

    view = receiver.last.bolt.body["view"]
    assert receiver.last.bolt.body["type"] == "view_submission"
    assert view["id"] == opened["view"]["id"]
    assert view["callback_id"] == "declare"
    assert view["private_metadata"] == '{"channel": "C0GENERAL"}'
    assert view["state"]["values"]["title"]["title_input"] == {
        "type": "plain_text_input",
        "value": "Checkout down",
    }
    assert view["state"]["values"]["severity"]["severity_select"]["selected_option"]["value"] == ("critical")


async def test_message_and_global_shortcuts_have_slacks_shapes(
    sender: SlackSender, receiver: Receiver, fake: FakeSlack
) -> None:
    files = [{"id": "F0GRAPH", "name": "graph.png"}]
    await sender.interactivity(sender.message_action("add_to_timeline", message_text="CPU at 100%", files=files))
    on_message: dict[str, Any] = receiver.last.bolt.body
    await sender.interactivity(sender.shortcut("declare_incident"))
    global_shortcut: dict[str, Any] = receiver.last.bolt.body

    assert on_message["type"] == "message_action"
    assert on_message["callback_id"] == "add_to_timeline"
    assert on_message["message"]["text"] == "CPU at 100%"
    assert on_message["message"]["files"] == files
    assert on_message["channel"]["id"] == "C0GENERAL"
    assert fake.messages("C0GENERAL")[0].ts == on_message["message_ts"]
    assert global_shortcut["type"] == "shortcut"
    assert global_shortcut["callback_id"] == "declare_incident"
    assert "response_url" not in global_shortcut


async def test_the_sender_works_without_a_fake_and_keeps_a_session_when_entered(
    receiver: Receiver,
) -> None:
    async with SlackSender(receiver.url, SECRET, clock=lambda: 1_700_000_000.0) as sender:
        first = await sender.command("help")
        second = await sender.command("help")

    assert receiver.requests[0].verified is False  # 2023 timestamp: stale for the verifier
    assert first.sent_headers["X-Slack-Request-Timestamp"] == "1700000000"
    assert second.elapsed >= 0
    assert parse_qs(first.sent_body.decode())["response_url"][0].startswith("https://hooks.")
    assert float(sender.next_ts()) < float(sender.next_ts())
