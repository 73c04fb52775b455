"""The files upload v2 flow end to end, and slash-command response URLs."""

from __future__ import annotations

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from fakeslack import RESPONSE_URL, FakeSlack


async def test_files_upload_v2_reaches_the_channel_with_the_bytes(fake: FakeSlack, client: AsyncWebClient) -> None:
    content = "時刻,内容\n10:00,detected\n".encode()

    response = await client.files_upload_v2(
        channel="C0GENERAL",
        content=content,
        filename="timeline.csv",
        title="Timeline",
        initial_comment="INC-1 timeline",
    )

    assert response["file"]["title"] == "Timeline"
    assert response["file"]["name"] == "timeline.csv"
    assert response["file"]["permalink"].startswith("https://")
    [upload] = fake.uploads
    assert upload.content == content
    assert upload.completed
    [message] = fake.messages("C0GENERAL")
    assert message.text == "INC-1 timeline"
    assert message.files is not None
    assert message.files[0]["id"] == upload.id
    assert fake.last("files.getUploadURLExternal").args["length"] == str(len(content))


async def test_the_upload_url_is_absolute_on_the_fake(fake: FakeSlack, client: AsyncWebClient) -> None:
    reserved = await client.files_getUploadURLExternal(filename="a.txt", length=3)

    assert reserved["upload_url"].startswith(fake.base_url + "/")
    assert reserved["file_id"].startswith("F")


async def test_completing_an_upload_whose_bytes_never_arrived_fails(
    client: AsyncWebClient,
) -> None:
    reserved = await client.files_getUploadURLExternal(filename="a.txt", length=3)

    with pytest.raises(SlackApiError) as refused:
        await client.files_completeUploadExternal(
            files=[{"id": reserved["file_id"], "title": "a"}], channel_id="C0GENERAL"
        )

    assert refused.value.response["error"] == "file_not_found"


async def test_posts_to_a_response_url_are_recorded_with_their_type(fake: FakeSlack) -> None:
    url = fake.response_url_for("abc")
    webhook = AsyncWebhookClient(url)

    await webhook.send(text="only you see this")
    await webhook.send(text="everyone", response_type="in_channel", replace_original=False)
    await fake.wait_for(RESPONSE_URL, count=2)

    assert url == f"{fake.base_url}/response/abc"
    assert [(r.response_type, r.text) for r in fake.responses] == [
        ("ephemeral", "only you see this"),
        ("in_channel", "everyone"),
    ]


async def test_a_response_url_works_five_times(fake: FakeSlack) -> None:
    url = fake.response_url_for()

    async with aiohttp.ClientSession() as session:
        statuses = []
        for n in range(6):
            async with session.post(url, json={"text": str(n)}) as response:
                statuses.append(response.status)

    assert statuses == [200] * 5 + [404]
    assert len(fake.responses) == 5
