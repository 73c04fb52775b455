"""A started FakeSlack with a small seeded workspace, and slack_sdk's real client pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from fakeslack import FakeSlack


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as started:
        started.add_user("U0ALICE", "alice", real_name="Alice Tanaka", tz="Asia/Tokyo")
        started.add_user("U0DAVE", "dave", real_name="Dave Ito", tz="Europe/London", locale="en-GB")
        started.add_channel("general", members=["U0ALICE", "U0DAVE"])
        yield started


@pytest.fixture
def client(fake: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(base_url=fake.api_url, token="xoxb-test")
