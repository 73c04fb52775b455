"""Configuration: secrets and endpoints from the environment, team settings from YAML.

A bad setting stops start-up with one line naming it (``ConfigError``); secret values are
``SecretStr`` so they never reach a log line or a repr.
"""

from __future__ import annotations

import difflib
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from incident.durations import DurationError, parse_duration
from storage.database import DatabaseUrl, normalize_database_url

SLACK_API_DEFAULT = "https://slack.com/api/"


class ConfigError(Exception):
    """A setting that is missing or malformed; ``str()`` is the one line to show."""

    def __init__(self, setting: str, reason: str) -> None:
        super().__init__(f"{setting}: {reason}")
        self.setting = setting
        self.reason = reason


class Settings(BaseSettings):
    """Process settings, read from the environment (and a ``.env`` file when present)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    slack_bot_token: SecretStr | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default=SLACK_API_DEFAULT, alias="SLACK_API_URL")
    database_url: str = Field(default="sqlite:///hikeshi.db", alias="DATABASE_URL")
    hikeshi_config: Path | None = Field(default=None, alias="HIKESHI_CONFIG")
    host: str = Field(default="0.0.0.0", alias="HIKESHI_HOST")  # noqa: S104 - a server in a container listens on all interfaces
    port: int = Field(default=3000, alias="HIKESHI_PORT", ge=1, le=65535)
    log_level: str = Field(default="INFO", alias="HIKESHI_LOG_LEVEL")
    # Seconds a stopping process gives requests, deadlines and background work in flight.
    shutdown_grace: float = Field(default=20.0, alias="HIKESHI_SHUTDOWN_GRACE", ge=0, le=3600)
    log_format: Literal["text", "json"] = Field(default="text", alias="HIKESHI_LOG_FORMAT")
    # A dead-man's switch (a healthchecks-style URL) pinged after each audit cycle that succeeded.
    heartbeat_url: SecretStr | None = Field(default=None, alias="HIKESHI_HEARTBEAT_URL")
    audit_interval: float = Field(default=60.0, alias="HIKESHI_AUDIT_INTERVAL", gt=0)

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return value.upper()

    @field_validator("heartbeat_url")
    @classmethod
    def _heartbeat_is_http(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_ends_with_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value if value.endswith("/") else value + "/"

    @property
    def database(self) -> DatabaseUrl:
        return normalize_database_url(self.database_url)


class _Section(BaseModel):
    """A nested YAML section checked for misspelt keys and wrong types; the section is kept
    as the mapping its owner reads, so only the check lives here."""

    model_config = ConfigDict(extra="forbid")


class _KnowledgeSection(_Section):
    threshold: float = 3.0
    card_interval: str | int = "30m"

    @field_validator("card_interval")
    @classmethod
    def _a_duration(cls, value: str | int) -> str | int:
        try:
            parse_duration(value)
        except DurationError as exc:
            raise ValueError(str(exc)) from None
        return value


class _PostmortemSection(_Section):
    model_config = ConfigDict(extra="allow")  # the postmortem owner adds keys; typos are caught below

    review_within: str | int | None = None
    customer_report_within: str | int | None = None
    sla_target: float = Field(default=99.9, gt=0, le=100)


_SECTIONS: dict[str, type[_Section]] = {"knowledge": _KnowledgeSection, "postmortem": _PostmortemSection}


def _suggestion(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


class TeamConfig(BaseModel):
    """The team's YAML settings. Sections for later capabilities are kept as raw mappings
    and validated by the domain module that owns them."""

    model_config = ConfigDict(extra="forbid")

    timezone: str = "Asia/Tokyo"
    locale: str = "en"
    timeline_reaction: str = "pushpin"  # reacting with it records the message in the timeline
    ack_on_reply: bool = True  # a paged person's message in the channel acknowledges
    follow_slack_locale: bool = True  # answer each person in their Slack language (en/ja)
    announcement_channel: str | None = None
    default_severity: str | None = None
    severities: list[dict[str, Any]] | None = None
    permissions: dict[str, Any] = Field(default_factory=dict)
    roster: dict[str, Any] | None = None
    policy: dict[str, Any] | None = None
    pagers: dict[str, Any] = Field(default_factory=dict)
    reminders: dict[str, Any] = Field(default_factory=dict)
    timeline: dict[str, Any] = Field(default_factory=dict)
    knowledge: dict[str, Any] = Field(default_factory=dict)
    postmortem: dict[str, Any] = Field(default_factory=dict)
    services: dict[str, Any] = Field(default_factory=dict)
    alerts: dict[str, Any] = Field(default_factory=dict)  # validated by alerts.config

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        if value not in ("en", "ja"):
            raise ValueError("must be en or ja")
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _first_error(exc: ValidationError, prefix: str = "", known: list[str] | None = None) -> ConfigError:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"]) or "config"
    message = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden" and known is not None:
        message = f"unknown key{_suggestion(str(err['loc'][-1]), known)}"
    elif isinstance(err.get("ctx", {}).get("error"), ValueError) and "\n" not in str(err["ctx"]["error"]):
        message = str(err["ctx"]["error"])
    # Pydantic's message is safe to show: secrets are SecretStr and inputs are not echoed here.
    return ConfigError(prefix + loc, message.splitlines()[0])


def load_settings(env: dict[str, str] | None = None) -> Settings:
    try:
        if env is None:
            return Settings()
        return Settings.model_validate(env)
    except ValidationError as exc:
        raise _first_error(exc) from None


def load_team_config(path: Path | None) -> TeamConfig:
    if path is None:
        return TeamConfig()
    if not path.is_file():
        raise ConfigError("HIKESHI_CONFIG", f"no file at {path}")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise ConfigError("HIKESHI_CONFIG", f"{path} is not valid YAML{where}") from None
    if not isinstance(raw, dict):
        raise ConfigError("HIKESHI_CONFIG", f"{path} must hold a mapping at the top level")
    try:
        team = TeamConfig.model_validate(raw)
    except ValidationError as exc:
        raise _first_error(exc, prefix=f"{path.name}: ", known=list(TeamConfig.model_fields)) from None
    for name, section in _SECTIONS.items():
        _check_section(f"{path.name}: {name}.", section, getattr(team, name))
    return team


def _check_section(prefix: str, section: type[_Section], value: dict[str, Any]) -> None:
    known = list(section.model_fields)
    for key in value:
        # A section open to its owner's additions still refuses a near-miss of a known key.
        if str(key) not in known and difflib.get_close_matches(str(key), known, n=1, cutoff=0.75):
            raise ConfigError(prefix + str(key), f"unknown key{_suggestion(str(key), known)}")
    try:
        section.model_validate(value)
    except ValidationError as exc:
        raise _first_error(exc, prefix=prefix, known=known) from None


def knowledge_card_interval(team: TeamConfig) -> timedelta:
    """`knowledge.card_interval`: the least time between two card posts nobody asked for."""
    return parse_duration(team.knowledge.get("card_interval", "30m"))


def require_slack_secrets(settings: Settings) -> tuple[SecretStr, SecretStr]:
    """The bot token and signing secret, or a ConfigError naming the one that is missing."""
    token = settings.slack_bot_token
    secret = settings.slack_signing_secret
    if token is None or not token.get_secret_value():
        raise ConfigError("SLACK_BOT_TOKEN", "is not set (a bot token starting with xoxb-)")
    if not token.get_secret_value().startswith("xoxb-"):
        raise ConfigError("SLACK_BOT_TOKEN", "must start with xoxb-")
    if secret is None or not secret.get_secret_value():
        raise ConfigError("SLACK_SIGNING_SECRET", "is not set (Basic Information → Signing Secret)")
    return token, secret
