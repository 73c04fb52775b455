"""Arguments are read however slack_sdk (or anyone) sends them, and merged into one dict."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from fakeslack import FakeSlack

AUTH = {"Authorization": "Bearer xoxb-test"}


async def _post(url: str, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as session, session.post(url, **kwargs) as response:
        return response.status, await response.json()


async def test_slack_sdk_sends_create_as_a_post_query_string(fake: FakeSlack, client: AsyncWebClient) -> None:
    await client.conversations_create(name="inc-3")

    call = fake.last("conversations.create")
    assert (call.http_method, call.args) == ("POST", {"name": "inc-3"})


async def test_slack_sdk_sends_post_message_as_json(fake: FakeSlack, client: AsyncWebClient) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*hi*"}}]

    await client.chat_postMessage(channel="C0GENERAL", text="hi", blocks=blocks)

    call = fake.last("chat.postMessage")
    assert call.http_method == "POST"
    assert call.args == {"channel": "C0GENERAL", "text": "hi", "blocks": blocks}


async def test_slack_sdk_sends_users_info_as_a_get(fake: FakeSlack, client: AsyncWebClient) -> None:
    await client.users_info(user="U0ALICE")

    call = fake.last("users.info")
    assert (call.http_method, call.args) == ("GET", {"user": "U0ALICE"})


async def test_a_form_post_is_read_and_json_encoded_blocks_are_decoded(fake: FakeSlack) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "form"}}]
    form = {"channel": "C0GENERAL", "text": "form", "blocks": json.dumps(blocks)}

    _, body = await _post(f"{fake.api_url}chat.postMessage", data=form, headers=AUTH)

    assert body["ok"] is True
    assert fake.last("chat.postMessage").args["blocks"] == blocks
    assert fake.messages("C0GENERAL")[0].blocks == blocks


async def test_query_string_and_body_are_merged(fake: FakeSlack) -> None:
    url = f"{fake.api_url}chat.postMessage?channel=C0GENERAL"

    _, body = await _post(url, json={"text": "merged"}, headers=AUTH)

    assert body["ok"] is True
    assert fake.last("chat.postMessage").args == {"channel": "C0GENERAL", "text": "merged"}


async def test_a_token_in_the_form_is_accepted_like_slack_accepts_it(fake: FakeSlack) -> None:
    _, body = await _post(f"{fake.api_url}auth.test", data={"token": "xoxb-x"})

    assert body["ok"] is True


async def test_unknown_methods_answer_200_unknown_method(fake: FakeSlack) -> None:
    status, body = await _post(f"{fake.api_url}files.upload", headers=AUTH)

    assert (status, body) == (200, {"ok": False, "error": "unknown_method"})
