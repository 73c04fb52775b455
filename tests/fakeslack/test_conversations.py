"""conversations.*: the fake creates, invites, describes and archives like Slack."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from fakeslack import FakeSlack


async def test_create_returns_a_channel_with_the_bot_as_its_only_member(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    response = await client.conversations_create(name="inc-42-checkout")

    channel = response["channel"]
    assert response["ok"] is True
    assert channel["id"].startswith("C")
    assert channel["name"] == "inc-42-checkout"
    assert channel["is_member"] is True
    created = fake.channel_by_name("inc-42-checkout")
    assert created is not None and created.members == ["U0BOT"]


async def test_create_refuses_a_name_already_taken(client: AsyncWebClient) -> None:
    await client.conversations_create(name="inc-1")

    with pytest.raises(SlackApiError) as refused:
        await client.conversations_create(name="inc-1")

    assert refused.value.response.status_code == 200
    assert refused.value.response["error"] == "name_taken"


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("", "invalid_name_required"),
        ("x" * 81, "invalid_name_maxlength"),
        ("Inc-1", "invalid_name_specials"),
        ("inc 1", "invalid_name_specials"),
        ("inc.1", "invalid_name_specials"),
        ("café", "invalid_name_specials"),
        ("---", "invalid_name_punctuation"),
    ],
)
async def test_create_refuses_names_outside_slacks_rules(client: AsyncWebClient, name: str, error: str) -> None:
    with pytest.raises(SlackApiError) as refused:
        await client.conversations_create(name=name)

    assert refused.value.response["error"] == error


async def test_create_accepts_80_characters_and_japanese_letters_by_default(
    client: AsyncWebClient,
) -> None:
    longest = await client.conversations_create(name="a" * 80)
    japanese = await client.conversations_create(name="inc-7-決済障害")

    assert len(longest["channel"]["name"]) == 80
    assert japanese["channel"]["name"] == "inc-7-決済障害"


async def test_create_refuses_japanese_letters_when_the_flag_says_so(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.accept_non_latin_names = False

    with pytest.raises(SlackApiError) as refused:
        await client.conversations_create(name="inc-7-決済障害")

    assert refused.value.response["error"] == "invalid_name_specials"


async def test_invite_records_members_and_refuses_when_all_are_present(fake: FakeSlack, client: AsyncWebClient) -> None:
    channel_id = (await client.conversations_create(name="inc-2"))["channel"]["id"]

    await client.conversations_invite(channel=channel_id, users=["U0ALICE", "U0DAVE"])
    with pytest.raises(SlackApiError) as refused:
        await client.conversations_invite(channel=channel_id, users="U0ALICE,U0DAVE")

    assert refused.value.response["error"] == "already_in_channel"
    assert fake.channel(channel_id).members == ["U0BOT", "U0ALICE", "U0DAVE"]


@pytest.mark.parametrize(
    ("channel", "users", "error"),
    [
        ("C0NOPE", "U0ALICE", "channel_not_found"),
        ("C0GENERAL", "U0NOBODY", "user_not_found"),
        ("C0GENERAL", ",".join(f"U{n:04d}" for n in range(101)), "too_many_users"),
    ],
)
async def test_invite_refuses_unknown_channels_users_and_over_100_ids(
    client: AsyncWebClient, channel: str, users: str, error: str
) -> None:
    with pytest.raises(SlackApiError) as refused:
        await client.conversations_invite(channel=channel, users=users)

    assert refused.value.response["error"] == error


async def test_set_topic_info_and_members_describe_the_channel(
    client: AsyncWebClient,
) -> None:
    await client.conversations_setTopic(channel="C0GENERAL", topic="SEV1: checkout down")

    info = await client.conversations_info(channel="C0GENERAL")
    first = await client.conversations_members(channel="C0GENERAL", limit=2)
    rest = await client.conversations_members(channel="C0GENERAL", cursor=first["response_metadata"]["next_cursor"])

    assert info["channel"]["topic"]["value"] == "SEV1: checkout down"
    assert first["members"] == ["U0BOT", "U0ALICE"]
    assert rest["members"] == ["U0DAVE"]
    assert rest["response_metadata"]["next_cursor"] == ""


async def test_join_makes_the_bot_a_member_and_archive_stops_writes(fake: FakeSlack, client: AsyncWebClient) -> None:
    channel_id = fake.add_channel("ops", members=["U0ALICE"], bot_is_member=False)

    await client.conversations_join(channel=channel_id)
    again = await client.conversations_join(channel=channel_id)
    await client.conversations_archive(channel=channel_id)
    with pytest.raises(SlackApiError) as refused:
        await client.chat_postMessage(channel=channel_id, text="late")

    assert again["response_metadata"]["warnings"] == ["already_in_channel"]
    assert refused.value.response["error"] == "is_archived"
    assert fake.channel(channel_id).is_archived


async def test_open_gives_a_dm_channel_that_stays_the_same(client: AsyncWebClient) -> None:
    first = await client.conversations_open(users="U0ALICE")
    second = await client.conversations_open(users=["U0ALICE"])

    assert first["channel"]["id"].startswith("D")
    assert first["channel"]["id"] == second["channel"]["id"]
