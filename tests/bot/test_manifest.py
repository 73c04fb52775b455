"""The manifest a team pastes into Slack lists everything the code uses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.manifest import BOT_SCOPES, manifest_yaml

ROOT = Path(__file__).resolve().parents[2]


def _code() -> str:
    return "\n".join(
        p.read_text(encoding="utf-8") for d in ("handlers", "chat", "bot") for p in (ROOT / d).rglob("*.py")
    )


def test_the_manifest_is_yaml_with_every_command_the_code_listens_to(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["manifest"]) == 0
    data = yaml.safe_load(capsys.readouterr().out)
    commands = {c["command"] for c in data["features"]["slash_commands"]}
    used = set(re.findall(r'\.command\("(/[a-z]+)"\)', _code()))
    assert used and used <= commands


def test_the_manifest_lists_every_shortcut_the_code_listens_to() -> None:
    data = yaml.safe_load(manifest_yaml())
    callbacks = {s["callback_id"] for s in data["features"]["shortcuts"]}
    used = set(re.findall(r'\.(?:shortcut|message_shortcut)\("([a-z_]+)"\)', _code()))
    assert used <= callbacks


def test_every_web_api_method_the_code_calls_has_its_scope() -> None:
    needs = {
        "conversations.create": "channels:manage",
        "conversations.invite": "channels:manage",
        "conversations.setTopic": "channels:manage",
        "chat.postMessage": "chat:write",
        "pins.add": "pins:write",
        "users.info": "users:read",
        "usergroups.users.list": "usergroups:read",
        "conversations.open": "im:write",
        "files.getUploadURLExternal": "files:write",
        "conversations.info": "channels:read",
    }
    called = set(re.findall(r'_call\(\s*"([a-zA-Z.]+)"', _code()))
    for method in called:
        if method in needs:
            assert needs[method] in BOT_SCOPES, method
    assert "commands" in BOT_SCOPES


def test_interactivity_and_events_point_at_the_request_url() -> None:
    data = yaml.safe_load(manifest_yaml("https://ops.example.jp/slack/events"))
    assert data["settings"]["interactivity"]["request_url"] == "https://ops.example.jp/slack/events"
    assert "reaction_added" in data["settings"]["event_subscriptions"]["bot_events"]


def test_every_subscribed_event_has_work_and_no_scope_is_granted_for_nothing() -> None:
    import handlers  # noqa: F401 - registers the event work
    from handlers.events import _WORK, LISTENED_EVENTS

    assert set(LISTENED_EVENTS) == set(_WORK)
    assert "app_mentions:read" not in BOT_SCOPES
