"""Configuration stops start-up with one clear line, and never shows a secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings, load_team_config, require_slack_secrets


def test_defaults_need_no_environment() -> None:
    settings = load_settings({})
    assert settings.database.async_url == "sqlite+aiosqlite:///hikeshi.db"
    assert settings.slack_api_url == "https://slack.com/api/"


def test_plain_postgres_urls_get_the_async_driver() -> None:
    settings = load_settings({"DATABASE_URL": "postgresql://ops@db.internal/hikeshi"})
    assert settings.database.async_url == "postgresql+asyncpg://ops@db.internal/hikeshi"
    assert settings.database.sync_url == "postgresql+psycopg://ops@db.internal/hikeshi"


def test_a_missing_bot_token_names_the_setting() -> None:
    with pytest.raises(ConfigError) as err:
        require_slack_secrets(load_settings({"SLACK_SIGNING_SECRET": "s"}))
    assert err.value.setting == "SLACK_BOT_TOKEN"


def test_a_malformed_port_names_the_setting() -> None:
    with pytest.raises(ConfigError) as err:
        load_settings({"HIKESHI_PORT": "eighty"})
    assert "HIKESHI_PORT" in str(err.value)


@pytest.mark.parametrize(
    ("setting", "raw"),
    [
        ("HIKESHI_LOG_LEVEL", "loud"),
        ("HIKESHI_LOG_FORMAT", "xml"),
        ("HIKESHI_AUDIT_INTERVAL", "0"),
        ("HIKESHI_HEARTBEAT_URL", "hc-ping.com/abc"),
    ],
)
def test_malformed_operations_settings_name_themselves(setting: str, raw: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings({setting: raw})
    assert err.value.setting == setting


def test_operations_settings_default_and_parse() -> None:
    assert (load_settings({}).log_level, load_settings({}).audit_interval) == ("INFO", 60.0)
    settings = load_settings({"HIKESHI_LOG_LEVEL": "warning", "HIKESHI_HEARTBEAT_URL": "https://hc.example/ping/x"})
    assert settings.log_level == "WARNING" and settings.heartbeat_url is not None
    assert "ping/x" not in repr(settings)


def test_secrets_never_appear_in_reprs() -> None:
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-very-secret", "SLACK_SIGNING_SECRET": "hush-hush"})
    shown = repr(settings) + str(settings) + str(settings.model_dump())
    assert "xoxb-very-secret" not in shown and "hush-hush" not in shown


def test_yaml_errors_give_the_line(tmp_path: Path) -> None:
    path = tmp_path / "hikeshi.yaml"
    path.write_text("timezone: Asia/Tokyo\nlocale: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_team_config(path)
    assert "line" in str(err.value)


def test_an_unknown_time_zone_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "hikeshi.yaml"
    path.write_text("timezone: Mars/Olympus\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_team_config(path)
    assert "timezone" in str(err.value)


@pytest.mark.parametrize("threshold", ["3.0", "high", "-0.1"])
def test_a_knowledge_threshold_outside_0_to_1_is_one_clear_error(tmp_path: Path, threshold: str) -> None:
    from bot.container import build_services
    from incident.clock import FakeClock

    path = tmp_path / "hikeshi.yaml"
    path.write_text(f"knowledge: {{threshold: {threshold}}}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"knowledge\.threshold"):
        build_services(load_settings(), load_team_config(path), FakeClock(), drive_wall_clock=False)
