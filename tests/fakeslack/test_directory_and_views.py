"""auth.test, users.*, usergroups.* and views.*: identities and modals as Slack answers them."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from fakeslack import FakeSlack


def _modal(callback_id: str = "declare", text: str = "x") -> dict[str, object]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": {"type": "plain_text", "text": "Declare"},
        "private_metadata": "C0GENERAL",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
    }


async def test_auth_test_names_the_bot_and_team(client: AsyncWebClient) -> None:
    response = await client.auth_test()

    assert response["user_id"] == "U0BOT"
    assert response["bot_id"] == "B0BOT"
    assert response["team_id"] == "T0HIKESHI"
    assert response["url"].startswith("https://")


async def test_users_info_gives_profile_and_tz_and_locale_only_on_request(
    client: AsyncWebClient,
) -> None:
    plain = await client.users_info(user="U0DAVE")
    with_locale = await client.users_info(user="U0DAVE", include_locale=True)

    assert plain["user"]["real_name"] == "Dave Ito"
    assert plain["user"]["profile"]["display_name"] == "dave"
    assert plain["user"]["tz"] == "Europe/London"
    assert "locale" not in plain["user"]
    assert with_locale["user"]["locale"] == "en-GB"


async def test_unknown_users_are_refused(client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as by_id:
        await client.users_info(user="U0NOBODY")
    with pytest.raises(SlackApiError) as by_email:
        await client.users_lookupByEmail(email="nobody@example.com")

    assert by_id.value.response["error"] == "user_not_found"
    assert by_email.value.response["error"] == "users_not_found"


async def test_lookup_by_email_and_usergroups_use_the_seeded_directory(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.add_user("U0ERIN", "erin", email="erin@example.com")
    fake.add_usergroup("S0OPS", "ops-level1", ["U0ALICE", "U0ERIN"])

    found = await client.users_lookupByEmail(email="Erin@Example.com")
    group = await client.usergroups_users_list(usergroup="S0OPS")

    assert found["user"]["id"] == "U0ERIN"
    assert group["users"] == ["U0ALICE", "U0ERIN"]


async def test_views_open_then_update_then_push(fake: FakeSlack, client: AsyncWebClient) -> None:
    opened = await client.views_open(trigger_id=fake.issue_trigger_id(), view=_modal())
    view = opened["view"]
    updated = await client.views_update(view_id=view["id"], hash=view["hash"], view=_modal(text="y"))
    pushed = await client.views_push(trigger_id=fake.issue_trigger_id(), view=_modal("step2"))

    assert view["id"].startswith("V")
    assert view["callback_id"] == "declare"
    assert view["private_metadata"] == "C0GENERAL"
    assert updated["view"]["blocks"][0]["text"]["text"] == "y"
    assert pushed["view"]["previous_view_id"] == view["id"]
    assert [v.view["callback_id"] for v in fake.views] == ["declare", "step2"]


async def test_views_update_with_a_stale_hash_conflicts(fake: FakeSlack, client: AsyncWebClient) -> None:
    view = (await client.views_open(trigger_id=fake.issue_trigger_id(), view=_modal()))["view"]
    await client.views_update(view_id=view["id"], hash=view["hash"], view=_modal(text="y"))

    with pytest.raises(SlackApiError) as refused:
        await client.views_update(view_id=view["id"], hash=view["hash"], view=_modal(text="z"))

    assert refused.value.response["error"] == "hash_conflict"


async def test_views_refuse_missing_triggers_and_views_over_250_kb(fake: FakeSlack, client: AsyncWebClient) -> None:
    huge = _modal()
    huge["blocks"] = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 2900}} for _ in range(90)]

    with pytest.raises(SlackApiError) as no_trigger:
        await client.views_open(trigger_id="", view=_modal())
    with pytest.raises(SlackApiError) as too_large:
        await client.views_open(trigger_id=fake.issue_trigger_id(), view=huge)

    assert no_trigger.value.response["error"] == "invalid_trigger_id"
    assert too_large.value.response["error"] == "view_too_large"


async def test_strict_triggers_work_once_and_only_when_issued() -> None:
    async with FakeSlack(strict_triggers=True) as fake:
        client = AsyncWebClient(base_url=fake.api_url, token="xoxb-test")
        trigger = fake.issue_trigger_id()
        await client.views_open(trigger_id=trigger, view=_modal())

        with pytest.raises(SlackApiError) as reused:
            await client.views_open(trigger_id=trigger, view=_modal())
        with pytest.raises(SlackApiError) as invented:
            await client.views_open(trigger_id="123.456.abc", view=_modal())

    assert reused.value.response["error"] == "exchanged_trigger_id"
    assert invented.value.response["error"] == "invalid_trigger_id"


async def test_strict_triggers_expire_after_three_seconds() -> None:
    now = [1_700_000_000.0]
    async with FakeSlack(strict_triggers=True, clock=lambda: now[0]) as fake:
        client = AsyncWebClient(base_url=fake.api_url, token="xoxb-test")
        trigger = fake.issue_trigger_id()
        now[0] += 3.5

        with pytest.raises(SlackApiError) as expired:
            await client.views_open(trigger_id=trigger, view=_modal())

    assert expired.value.response["error"] == "expired_trigger_id"
