"""The gateway survives Slack's rate limits and outages and maps errors to types."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from chat.errors import ChannelNotFound, NameTaken, SlackUnavailable
from chat.gateway import SlackGateway, build_web_client
from fakeslack.server import FakeSlack


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as f:
        f.add_channel("general", members=["U0ALICE"])
        yield f


def _gateway(fake: FakeSlack, retries: int = 2) -> SlackGateway:
    return SlackGateway(build_web_client("xoxb-test", fake.api_url, max_retries=retries))


async def test_a_429_is_retried_after_retry_after(fake: FakeSlack) -> None:
    fake.rate_limit_next("chat.postMessage", retry_after=1)
    ts = await _gateway(fake).post("C0GENERAL", "hello")
    assert ts
    assert [c.status for c in fake.calls_to("chat.postMessage")] == [429, 200]


async def test_a_5xx_is_retried(fake: FakeSlack) -> None:
    fake.server_error_next("chat.postMessage", status=503)
    assert await _gateway(fake).post("C0GENERAL", "hello")


async def test_an_outage_becomes_slack_unavailable(fake: FakeSlack) -> None:
    fake.set_down(True)
    with pytest.raises(SlackUnavailable):
        await _gateway(fake, retries=0).post("C0GENERAL", "hello")


async def test_slack_errors_become_typed_exceptions(fake: FakeSlack) -> None:
    gateway = _gateway(fake)
    await gateway.create_channel("inc-1")
    with pytest.raises(NameTaken):
        await gateway.create_channel("inc-1")
    with pytest.raises(ChannelNotFound):
        await gateway.post("C0NOPE", "hello")


async def test_invites_are_sent_in_batches_of_one_hundred(fake: FakeSlack) -> None:
    users = [fake.add_user(f"U{i:04d}", f"user{i}") for i in range(150)]
    gateway = _gateway(fake)
    channel, _ = await gateway.create_channel("inc-big")
    await gateway.invite(channel, users)
    batches = [c.args["users"].split(",") for c in fake.calls_to("conversations.invite")]
    assert [len(b) for b in batches] == [100, 50]


async def test_the_upload_flow_reaches_the_channel(fake: FakeSlack) -> None:
    gateway = _gateway(fake)
    await gateway.upload_file("C0GENERAL", "INC-2026-0001-postmortem.md", "# 振り返り".encode(), "Postmortem")
    assert [c.method for c in fake.calls if c.method.startswith("files.")] == [
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
    ]
    assert fake.uploads[0].content == "# 振り返り".encode()
