"""The declare form: field errors, and one declare even when submitted twice."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.config import TeamConfig
from bot.local_stack import ANNOUNCE_CHANNEL, LocalStack
from fakeslack.interactions import static_select_value
from incident.model import Status


async def open_form(stack: LocalStack) -> dict[str, Any]:
    await stack.command("declare")
    await stack.settle()
    view: dict[str, Any] = stack.fake.last("views.open").args["view"]
    return view


def submission(
    stack: LocalStack, title: str, severity: str = "high", started: str = "", user_id: str = "U0ALICE"
) -> dict[str, Any]:
    return stack.sender.view_submission(
        callback_id="declare_incident",
        user_id=user_id,
        values={
            "title": {"value": title},
            "severity": {"value": static_select_value(severity)},
            "description": {"value": "5xx from checkout since the 14:20 deploy"},
            "services": {"value": "checkout, payments"},
            "started": {"value": started},
        },
    )


async def test_declare_without_a_title_opens_the_form(stack: LocalStack) -> None:
    view = await open_form(stack)
    assert view["callback_id"] == "declare_incident"
    assert [b["block_id"] for b in view["blocks"]] == ["title", "severity", "description", "services", "started"]


async def test_an_empty_title_gets_field_errors_and_declares_nothing(stack: LocalStack) -> None:
    await open_form(stack)
    response = await stack.sender.interactivity(submission(stack, "", started="yesterday-ish"))
    assert response.status == 200
    assert response.json["response_action"] == "errors"
    assert set(response.json["errors"]) == {"title", "started"}
    await stack.settle()
    assert await stack.services.store.list_open() == []


async def test_a_valid_submit_declares_exactly_once_even_when_posted_twice(stack: LocalStack) -> None:
    await open_form(stack)
    payload = submission(stack, "Checkout API returns 500s", "critical", "-10m")
    first, second = await asyncio.gather(stack.sender.interactivity(payload), stack.sender.interactivity(payload))
    assert first.status == second.status == 200
    await stack.settle()
    incidents = await stack.services.store.list_open()
    assert len(incidents) == 1
    incident = incidents[0]
    assert incident.severity == "critical" and incident.status is Status.INVESTIGATING
    assert incident.impact.services == ["checkout", "payments"]
    assert (incident.declared_at - incident.started_at).total_seconds() == 600
    assert "5xx from checkout" in incident.description
    assert len(stack.fake.calls_to("conversations.create")) == 1


async def test_two_commanders_racing_lose_no_update(stack: LocalStack) -> None:
    from tests.e2e.test_declare_and_resolve import declare

    channel = await declare(stack, "Checkout down")
    await asyncio.gather(
        stack.command("role comms <@U0BOB>", channel_id=channel),
        stack.command("impact users=500", channel_id=channel, user_id="U0CAROL"),
        stack.command("role scribe <@U0DAVE>", channel_id=channel, user_id="U0ERIN"),
    )
    await stack.settle()
    incident = await stack.services.store.by_channel(channel)
    assert incident is not None
    assert incident.roles == {"comms": "U0BOB", "scribe": "U0DAVE"}
    assert incident.impact.users == 500


@pytest.fixture
def team() -> TeamConfig:
    return TeamConfig(announcement_channel=ANNOUNCE_CHANNEL, permissions={"declare": ["U0ALICE"]})


async def test_the_declare_permission_holds_for_the_shortcut_and_the_form(stack: LocalStack) -> None:
    await stack.sender.interactivity(stack.sender.shortcut("declare_incident", user_id="U0BOB", user_name="bob"))
    await stack.settle()
    shown = stack.fake.last("views.open").args["view"]
    assert shown.get("callback_id") != "declare_incident"  # bob gets an explanation, not the form
    assert "may declare" in str(shown["blocks"])
    # A submission bob crafts anyway (a stale form, a replayed payload) declares nothing.
    response = await stack.sender.interactivity(submission(stack, "Checkout API returns 500s", user_id="U0BOB"))
    assert response.status == 200
    await stack.settle()
    assert await stack.services.store.list_open() == []
    dm = stack.fake.calls_to("chat.postMessage")[-1]
    assert "may declare" in str(dm.args["text"])
    # alice, who is on the list, still declares from the form.
    await stack.sender.interactivity(stack.sender.shortcut("declare_incident"))
    await stack.sender.interactivity(submission(stack, "Checkout API returns 500s"))
    await stack.settle()
    assert len(await stack.services.store.list_open()) == 1
