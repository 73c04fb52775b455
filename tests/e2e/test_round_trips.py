"""A declare makes no Slack call twice: no repeated look-up, no edit that changes nothing."""

from __future__ import annotations

import json

import pytest

from bot.config import TeamConfig
from bot.local_stack import ANNOUNCE_CHANNEL, LocalStack

ROSTER = {
    "levels": {"level1": {"members": ["U0BOB"]}, "level2": {"members": ["U0CAROL"]}, "level3": {"members": ["U0FRANK"]}}
}


@pytest.fixture
def team() -> TeamConfig:
    return TeamConfig(announcement_channel=ANNOUNCE_CHANNEL, roster=ROSTER)


async def test_a_critical_declare_repeats_no_slack_call(stack: LocalStack) -> None:
    await stack.settle()
    stack.fake.reset_calls()
    await stack.command("declare Checkout down --sev critical")
    await stack.settle()
    seen = [(c.method, json.dumps(c.args, sort_keys=True, default=str)) for c in stack.fake.calls]
    repeated = {call for call in seen if seen.count(call) > 1}
    assert repeated == set()
    looked_up = [c.args["user"] for c in stack.fake.calls_to("users.info")]
    assert len(looked_up) == len(set(looked_up))  # each person once: the declarer, then each paged reader
