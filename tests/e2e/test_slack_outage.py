"""A Slack outage delays what the bot must say; it never drops or doubles it.

Slack answers 503 to every call for 60 s from the moment of a declare (on the injected clock:
the bot's retries come due as the clock moves). Afterwards the channel, its summary and pin,
the announcement and the level1 page arrive once each, in order in the channel; the rest of
the escalation runs on from that page.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete
from sqlmodel import col

from bot.config import TeamConfig
from bot.local_stack import ANNOUNCE_CHANNEL, LocalStack
from storage.deadline_tables import DeadlineRow
from tests.e2e.test_escalation import is_page, paged_users

ROSTER = {
    "levels": {"level1": {"members": ["U0BOB"]}, "level2": {"members": ["U0CAROL"]}, "level3": {"members": ["U0FRANK"]}}
}
OUTAGE = timedelta(seconds=60)
STEP = timedelta(seconds=15)


@pytest.fixture
def team() -> TeamConfig:
    return TeamConfig(announcement_channel=ANNOUNCE_CHANNEL, roster=ROSTER)


@pytest.fixture(autouse=True)
def no_sdk_retries(stack: LocalStack) -> None:
    """The SDK's own quick retries (real seconds of back-off per call) only slow this test:
    what is under test is the bot's retrying from its table, on the injected clock."""
    for handler in stack.services.client.retry_handlers:
        handler.max_retry_count = 0


async def ride_out_the_outage(stack: LocalStack, *, until: timedelta) -> None:
    """Move the clock in steps, Slack down for the first ``OUTAGE`` of it."""
    start = stack.clock.now()
    while stack.clock.now() - start < until:
        stack.fake.set_down(stack.clock.now() - start < OUTAGE)
        await stack.advance(STEP)


async def test_a_60_second_outage_at_a_declare_delays_the_channel_and_pages_but_loses_and_doubles_nothing(
    stack: LocalStack,
) -> None:
    await stack.settle()
    stack.fake.reset_calls()
    stack.fake.set_down()
    response = await stack.command("declare Checkout down --sev critical")
    assert response.status == 200 and response.elapsed < 3.0
    await stack.settle()
    assert not [c for c in stack.fake.calls if c.ok]  # nothing got through
    [incident] = await stack.services.store.list_open()  # but the incident is stored

    await ride_out_the_outage(stack, until=OUTAGE + 2 * STEP)

    created = [c for c in stack.fake.calls_to("conversations.create") if c.ok]
    assert len(created) == 1
    channel = created[0].response["channel"]["id"]
    incident = await stack.services.store.get(incident.id)
    assert incident is not None and incident.channel_id == channel and incident.summary_ts
    pins = stack.fake.pins(channel)
    assert incident.summary_ts in pins and len(pins) == len(set(pins)) == 2  # the summary and the live timeline
    announced = [m for m in stack.fake.messages(ANNOUNCE_CHANNEL) if str(incident.ref) in m.text]
    assert len(announced) == 1
    assert paged_users(stack) == ["U0BOB"]
    in_channel = stack.fake.messages(channel)
    assert in_channel[0].ts == incident.summary_ts  # the summary first, then what follows
    assert len([m for m in in_channel if m.ts == incident.summary_ts]) == 1

    # Unacknowledged, level2 comes 15 minutes after the (late) level1 page, once; level3 30 later.
    [level1_page] = [e for e in await stack.services.store.entries(incident.id) if e.kind == "page"]
    await stack.advance(timedelta(minutes=15) - (stack.clock.now() - level1_page.occurred_at) - timedelta(seconds=1))
    assert paged_users(stack) == ["U0BOB"]
    await stack.advance(timedelta(seconds=1))
    assert paged_users(stack) == ["U0BOB", "U0CAROL"]
    await stack.advance(timedelta(minutes=30))
    assert paged_users(stack) == ["U0BOB", "U0CAROL", "U0FRANK"]
    notices = [m.text for m in stack.fake.messages(channel) if "<@U0BOB>" in m.text and not is_page(m.text)]
    assert len(notices) == 1  # the level1 notice in the channel, once


async def test_a_page_that_slack_refused_during_an_outage_is_sent_when_it_is_back(stack: LocalStack) -> None:
    await stack.command("declare Checkout down --sev critical")
    await stack.settle()
    assert paged_users(stack) == ["U0BOB"]
    stack.fake.set_down()
    await stack.advance(timedelta(minutes=15))  # level2 is due while Slack is down
    assert paged_users(stack) == ["U0BOB"]
    stack.fake.set_down(False)
    await stack.advance(STEP)
    assert paged_users(stack) == ["U0BOB", "U0CAROL"]
    await stack.advance(STEP)
    assert paged_users(stack) == ["U0BOB", "U0CAROL"]


async def test_a_deadline_deleted_behind_the_bots_back_is_rearmed_by_the_auditor(stack: LocalStack) -> None:
    await stack.command("declare Checkout down --sev critical")
    await stack.settle()
    async with stack.services.engine.begin() as conn:
        await conn.execute(delete(DeadlineRow).where(col(DeadlineRow.kind) == "escalation"))
    assert await stack.services.escalation.audit() == 1
    assert await stack.services.escalation.audit() == 0  # once fixed, nothing more to do
    await stack.advance(timedelta(minutes=15))
    assert paged_users(stack) == ["U0BOB", "U0CAROL"]
