"""Auth refusals, planned failures, outages, delays, and waiting on the recording."""

from __future__ import annotations

import asyncio

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from fakeslack import FakeSlack


async def test_a_revoked_token_gets_invalid_auth(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.revoke_token("xoxb-test")

    with pytest.raises(SlackApiError) as refused:
        await client.auth_test()

    assert refused.value.response["error"] == "invalid_auth"


async def test_an_unknown_token_gets_invalid_auth_when_tokens_are_listed() -> None:
    async with FakeSlack(tokens=["xoxb-good"]) as fake:
        good = AsyncWebClient(base_url=fake.api_url, token="xoxb-good")
        bad = AsyncWebClient(base_url=fake.api_url, token="xoxb-other")
        await good.auth_test()

        with pytest.raises(SlackApiError) as refused:
            await bad.auth_test()

    assert refused.value.response["error"] == "invalid_auth"


async def test_no_token_gets_not_authed(fake: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as refused:
        await AsyncWebClient(base_url=fake.api_url).auth_test()

    assert refused.value.response["error"] == "not_authed"


async def test_fail_next_refuses_that_many_calls_then_recovers(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.fail_next("conversations.create", "name_taken", times=2)

    for _ in range(2):
        with pytest.raises(SlackApiError) as refused:
            await client.conversations_create(name="inc-9")
        assert refused.value.response["error"] == "name_taken"
    await client.conversations_create(name="inc-9")

    assert [c.ok for c in fake.calls_to("conversations.create")] == [False, False, True]
    assert fake.channel_by_name("inc-9") is not None


async def test_rate_limit_answers_429_with_an_integer_retry_after(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.rate_limit_next("chat.postMessage", retry_after=7)

    with pytest.raises(SlackApiError) as limited:
        await client.chat_postMessage(channel="C0GENERAL", text="hi")

    assert limited.value.response.status_code == 429
    assert limited.value.response.headers["Retry-After"] == "7"
    assert limited.value.response["error"] == "ratelimited"


async def test_slack_sdks_rate_limit_handler_retries_through_the_fake(fake: FakeSlack) -> None:
    client = AsyncWebClient(
        base_url=fake.api_url,
        token="xoxb-test",
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)],
    )
    fake.rate_limit_next("chat.postMessage", retry_after=0)

    response = await client.chat_postMessage(channel="C0GENERAL", text="hi")

    assert response["ok"] is True
    assert [c.status for c in fake.calls_to("chat.postMessage")] == [429, 200]


async def test_server_error_next_answers_that_status(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.server_error_next("pins.add", status=502)

    with pytest.raises(SlackApiError) as failed:
        await client.pins_add(channel="C0GENERAL", timestamp="1.000001")

    assert failed.value.response.status_code == 502


async def test_an_outage_answers_503_to_everything_until_it_ends(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.set_down(True)
    with pytest.raises(SlackApiError) as down:
        await client.auth_test()
    fake.set_down(False)

    assert down.value.response.status_code == 503
    assert (await client.auth_test())["ok"] is True


async def test_delay_holds_the_answer_while_the_call_is_already_recorded(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    fake.delay("chat.postMessage", 0.2)

    posting = asyncio.create_task(client.chat_postMessage(channel="C0GENERAL", text="slow"))
    [call] = await fake.wait_for("chat.postMessage")
    assert not posting.done()
    response = await posting

    assert call.args["text"] == "slow"
    assert response["ok"] is True


async def test_wait_for_filters_and_explains_a_timeout(fake: FakeSlack, client: AsyncWebClient) -> None:
    await client.chat_postMessage(channel="C0GENERAL", text="a")
    found = await fake.wait_for("chat.postMessage", where=lambda c: c.args["text"] == "a")

    with pytest.raises(TimeoutError, match=r"chat\.postMessage"):
        await fake.wait_for("chat.update", timeout=0.05)

    assert len(found) == 1


async def test_reset_calls_forgets_the_recording_but_keeps_state(fake: FakeSlack, client: AsyncWebClient) -> None:
    await client.chat_postMessage(channel="C0GENERAL", text="kept")

    fake.reset_calls()

    assert fake.calls == []
    assert [m.text for m in fake.messages("C0GENERAL")] == ["kept"]
