"""Log lines: one per event, plain or JSON, with the incident they concern and no secret in them.

``HIKESHI_LOG_FORMAT=json`` writes one JSON object per line (ts, level, logger, message, and
``incident`` when the line concerns one); ``HIKESHI_LOG_LEVEL`` sets the level. The incident
comes from ``extra={"incident": ref}``, from the incident whose work is running (a context
variable set where events and deadlines are handled), or from a ref the message names.
An expected Slack failure (a ``ChatError``: refusals, rate limits, 5xx, Slack unreachable) is
one line with method and code, never a traceback. Every line, exception text included, passes
through the redaction: Slack tokens by their shape, and the configured secrets by value.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TextIO

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.config import Settings, TeamConfig
from chat.errors import ChatError
from incident.events import EventBus, IncidentEvent
from incident.model import Incident
from storage.deadlines import Deadline

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "[redacted]"
# Slack tokens: bot (xoxb-), user (xoxp-), app-level (xapp-) and the other xox? kinds.
_TOKEN = re.compile(r"\b(?:xox[abposr]|xapp)-[A-Za-z0-9-]+")
_REF = re.compile(r"\bINC-\d{4}-\d{3,}\b")
_MIN_SECRET = 6  # shorter "secrets" would redact ordinary words

_incident: contextvars.ContextVar[str | None] = contextvars.ContextVar("hikeshi_incident", default=None)


@contextmanager
def concerning(ref: str | None) -> Iterator[None]:
    """Log lines written inside (and in tasks started inside) name this incident."""
    token = _incident.set(ref)
    try:
        yield
    finally:
        _incident.reset(token)


class IncidentRefs:
    """Incident id (or channel) → ref, for work that knows only the id (a deadline's payload) or
    the channel (a request from Slack)."""

    def __init__(self, lookup: Callable[[int], Awaitable[Incident | None]]) -> None:
        self._lookup = lookup
        self._refs: dict[int, str] = {}
        self._by_channel: dict[str, str] = {}

    def seen(self, incident: Incident) -> None:
        self._refs[incident.id] = str(incident.ref)
        if incident.channel_id:
            self._by_channel[incident.channel_id] = str(incident.ref)

    def in_channel(self, channel_id: str | None) -> str | None:
        """The ref of the incident whose channel this is, if this process has seen it (no query:
        this runs before every ack)."""
        return self._by_channel.get(channel_id) if channel_id else None

    async def ref(self, incident_id: int) -> str | None:
        if incident_id not in self._refs:
            incident = await self._lookup(incident_id)
            if incident is None:
                return None
            self.seen(incident)
        return self._refs[incident_id]

    async def of_deadline(self, deadline: Deadline) -> str | None:
        """The ref of the incident a deadline's payload names, if any (never raises: naming the
        incident must never stop its deadline)."""
        raw = deadline.payload.get("incident_id")
        try:
            return await self.ref(int(raw)) if isinstance(raw, int | str) and str(raw).isdigit() else None
        except Exception:
            return None


class IncidentLoggingBus(EventBus):
    """The event bus whose subscribers (their own tasks) log with the event's incident ref."""

    def __init__(self, refs: IncidentRefs) -> None:
        super().__init__()
        self._refs = refs

    async def publish(self, event: IncidentEvent) -> None:
        self._refs.seen(event.incident)
        with concerning(str(event.incident.ref)):
            await super().publish(event)


class Redactor:
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: list[str] = []
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        fresh = {s for s in secrets if s and len(s) >= _MIN_SECRET} - set(self._secrets)
        # Longest first, so a secret that contains another is removed whole.
        self._secrets = sorted([*self._secrets, *fresh], key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return _TOKEN.sub(REDACTED, text)


def _expected_slack_failure(exc: BaseException | None) -> str | None:
    """The one-line form of a Slack failure that is part of normal life, else None."""
    if isinstance(exc, ChatError):
        return str(exc)  # "method: code"
    if isinstance(exc, SlackApiError):
        status = getattr(exc.response, "status_code", 200)
        code = exc.response.get("error") if status < 400 else f"http_{status}"
        return f"{exc.response.api_url.rsplit('/', 1)[-1]}: {code}"
    if isinstance(exc, SlackClientError):
        return f"slack: {type(exc).__name__}"
    return None


class _Lines(logging.Filter):
    """Shapes each record before any formatter sees it: Slack failures lose their traceback,
    and the record learns the incident it concerns."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            short = _expected_slack_failure(record.exc_info[1])
            if short is not None:
                record.msg = f"{record.getMessage()} ({short})"
                record.args = None
                record.exc_info = None
                record.exc_text = None
        if not getattr(record, "incident", None):
            ref = _incident.get()
            if ref is None:
                named = _REF.search(record.getMessage())
                ref = named.group(0) if named else None
            record.incident = ref
        return True


class TextFormatter(logging.Formatter):
    def __init__(self, redact: Redactor) -> None:
        super().__init__(TEXT_FORMAT)
        self._redact = redact

    def formatMessage(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(record)
        incident = getattr(record, "incident", None)
        return f"{line} [{incident}]" if incident and incident not in line else line

    def format(self, record: logging.LogRecord) -> str:
        # One line per event: a traceback's lines stay in the same record, indented.
        return self._redact(super().format(record)).replace("\n", "\n    ")


class JsonFormatter(logging.Formatter):
    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self._redact = redact

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": self._redact(record.getMessage()),
        }
        incident = getattr(record, "incident", None)
        if incident:
            entry["incident"] = str(incident)
        if record.exc_info:
            entry["exception"] = self._redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class _Handler(logging.StreamHandler[TextIO]):
    """The handler ``configure`` installs, told apart from anyone else's."""


def configure(
    *, level: str = "INFO", fmt: str = "text", secrets: Iterable[str] = (), stream: TextIO | None = None
) -> logging.Handler:
    """Route every log line through one handler on the root logger (replacing the one an earlier call installed)."""
    redact = Redactor(secrets)
    handler = _Handler(stream or sys.stderr)
    handler.addFilter(_Lines())
    handler.setFormatter(JsonFormatter(redact) if fmt == "json" else TextFormatter(redact))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _Handler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # it logs every poll tick at INFO
    return handler


def secrets_of(settings: Settings, team: TeamConfig) -> list[str]:
    """Every configured value that must never appear in a log line."""
    found = [
        s.get_secret_value()
        for s in (
            settings.slack_bot_token,
            settings.slack_signing_secret,
            settings.slack_app_token,
            settings.heartbeat_url,
        )
        if s is not None
    ]
    for targets in team.pagers.values():
        for target in targets or []:
            if isinstance(target, dict):
                found.extend(str(target[k]) for k in ("routing_key", "secret") if target.get(k))
    for source in team.alerts.get("sources") or []:
        if isinstance(source, dict):
            found.extend(str(source[k]) for k in ("token", "api_key") if source.get(k))
    return found
