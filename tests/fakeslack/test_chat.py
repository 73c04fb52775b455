"""chat.*, pins.* and reactions.*: messages behave like Slack's, with Block Kit limits."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from fakeslack import FakeSlack


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


async def test_post_message_answers_channel_increasing_ts_and_the_message(
    client: AsyncWebClient,
) -> None:
    first = await client.chat_postMessage(channel="C0GENERAL", text="one")
    second = await client.chat_postMessage(channel="C0GENERAL", text="two")

    assert first["channel"] == "C0GENERAL"
    assert first["message"]["text"] == "one"
    assert first["message"]["bot_id"] == "B0BOT"
    seconds, micros = first["ts"].split(".")
    assert len(micros) == 6 and seconds.isdigit()
    assert float(second["ts"]) > float(first["ts"])


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
async def test_post_message_needs_text_or_blocks(client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as refused:
        await client.chat_postMessage(channel="C0GENERAL", text="")

    assert refused.value.response["error"] == "no_text"


async def test_post_message_refuses_unknown_channels_and_channels_without_the_bot(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    private = fake.add_channel("secret", members=["U0ALICE"], bot_is_member=False)

    with pytest.raises(SlackApiError) as unknown:
        await client.chat_postMessage(channel="C0MISSING", text="hi")
    with pytest.raises(SlackApiError) as outside:
        await client.chat_postMessage(channel=private, text="hi")

    assert unknown.value.response["error"] == "channel_not_found"
    assert outside.value.response["error"] == "not_in_channel"


async def test_post_message_to_a_user_id_lands_in_a_dm(fake: FakeSlack, client: AsyncWebClient) -> None:
    response = await client.chat_postMessage(channel="U0ALICE", text="you are paged")

    assert response["channel"].startswith("D")
    assert [m.text for m in fake.dm_messages("U0ALICE")] == ["you are paged"]
    assert fake.messages(response["channel"])[0].text == "you are paged"


@pytest.mark.parametrize(
    "blocks",
    [
        [_section("x")] * 51,
        [_section("x" * 3001)],
        [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}],
        [{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}],
        [{"text": "no type"}],
    ],
    ids=["51-blocks", "long-section", "long-header", "11-fields", "no-type"],
)
async def test_post_message_enforces_block_kit_limits(client: AsyncWebClient, blocks: list[dict[str, Any]]) -> None:
    with pytest.raises(SlackApiError) as refused:
        await client.chat_postMessage(channel="C0GENERAL", text="t", blocks=blocks)

    assert refused.value.response["error"] == "invalid_blocks"
    assert refused.value.response["errors"]


async def test_post_message_accepts_blocks_at_the_limits(client: AsyncWebClient) -> None:
    blocks = [{"type": "header", "text": {"type": "plain_text", "text": "h" * 150}}]
    blocks += [_section("x" * 3000)] * 49

    response = await client.chat_postMessage(channel="C0GENERAL", text="t", blocks=blocks)

    assert len(response["message"]["blocks"]) == 50


async def test_update_changes_the_stored_message_and_needs_an_existing_ts(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    posted = await client.chat_postMessage(channel="C0GENERAL", text="investigating")

    await client.chat_update(channel="C0GENERAL", ts=posted["ts"], text="mitigated")
    with pytest.raises(SlackApiError) as refused:
        await client.chat_update(channel="C0GENERAL", ts="1.000001", text="x")

    [message] = fake.messages("C0GENERAL")
    assert (message.text, message.edits) == ("mitigated", 1)
    assert fake.last("chat.update").args["text"] == "x"
    assert refused.value.response["error"] == "message_not_found"


async def test_post_ephemeral_answers_message_ts_and_is_kept_apart(fake: FakeSlack, client: AsyncWebClient) -> None:
    response = await client.chat_postEphemeral(channel="C0GENERAL", user="U0ALICE", text="only you")

    assert response["message_ts"]
    assert fake.messages("C0GENERAL") == []
    assert [(e.user, e.text) for e in fake.ephemerals("C0GENERAL")] == [("U0ALICE", "only you")]


async def test_get_permalink_is_an_https_link_to_the_message(client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(channel="C0GENERAL", text="summary")

    link = await client.chat_getPermalink(channel="C0GENERAL", message_ts=posted["ts"])

    assert link["permalink"].startswith("https://")
    assert link["permalink"].endswith("/archives/C0GENERAL/p" + posted["ts"].replace(".", ""))


async def test_pins_add_pins_once(fake: FakeSlack, client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(channel="C0GENERAL", text="summary")

    await client.pins_add(channel="C0GENERAL", timestamp=posted["ts"])
    with pytest.raises(SlackApiError) as refused:
        await client.pins_add(channel="C0GENERAL", timestamp=posted["ts"])

    assert fake.pins("C0GENERAL") == [posted["ts"]]
    assert refused.value.response["error"] == "already_pinned"


async def test_reactions_add_marks_a_message_a_person_wrote(fake: FakeSlack, client: AsyncWebClient) -> None:
    ts = fake.add_message("C0GENERAL", "U0ALICE", "DB is down")

    await client.reactions_add(channel="C0GENERAL", name="eyes", timestamp=ts)

    assert fake.messages("C0GENERAL")[0].reactions == {"eyes": ["U0BOT"]}
