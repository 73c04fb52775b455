"""End-to-end fixtures: the bot's real HTTP server against the fake Slack, on both databases."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import TeamConfig
from bot.local_stack import ANNOUNCE_CHANNEL, LocalStack, start_local_stack


@pytest.fixture
def team() -> TeamConfig:
    return TeamConfig(announcement_channel=ANNOUNCE_CHANNEL)


@pytest.fixture
async def stack(database: str, team: TeamConfig) -> AsyncIterator[LocalStack]:
    s = await start_local_stack(database, team=team)
    try:
        yield s
    finally:
        await s.close()
