"""What the listeners need from the rest of Hikeshi, named here so ``handlers/`` never imports ``bot/``.

``bot.container.Services`` provides it; listeners only translate Slack into these calls.
"""

from __future__ import annotations

from collections.abc import Coroutine
from datetime import date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from alerts.service import AlertService
from chat.directory import SlackDirectory
from chat.gateway import SlackGateway
from escalation.service import Escalation
from incident.clock import Clock
from incident.permissions import Permissions
from incident.ports import IncidentStore
from incident.service import IncidentService
from incident.severity import SeverityScale
from knowledge.service import KnowledgeService
from postmortem.model import ActionItem
from postmortem.service import PostmortemService
from timeline.service import TimelineService


class TeamSettings(Protocol):
    @property
    def tz(self) -> ZoneInfo: ...

    @property
    def locale(self) -> str: ...

    @property
    def ack_on_reply(self) -> bool: ...

    @property
    def timeline_reaction(self) -> str: ...


class Spawner(Protocol):
    def spawn(self, work: Coroutine[Any, Any, Any], *, name: str) -> object: ...


class ActionItems(Protocol):
    async def add_action(
        self, incident_id: int, *, horizon: str, text: str, owner: str | None, due: date, created_by: str, at: datetime
    ) -> ActionItem: ...

    async def mark_done(self, incident_id: int, *, n: int) -> bool: ...


class Services(Protocol):
    @property
    def team(self) -> TeamSettings: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def gateway(self) -> SlackGateway: ...

    @property
    def directory(self) -> SlackDirectory: ...

    @property
    def store(self) -> IncidentStore: ...

    @property
    def incidents(self) -> IncidentService: ...

    @property
    def scale(self) -> SeverityScale: ...

    @property
    def permissions(self) -> Permissions: ...

    @property
    def tasks(self) -> Spawner: ...

    @property
    def timeline(self) -> TimelineService: ...

    @property
    def knowledge(self) -> KnowledgeService: ...

    @property
    def escalation(self) -> Escalation: ...

    @property
    def alerts(self) -> AlertService: ...

    @property
    def postmortem(self) -> PostmortemService: ...

    @property
    def postmortems(self) -> ActionItems: ...

    def locale(self, requested: str | None = None) -> str: ...

    def severity_label(self, key: str, locale: str) -> str: ...

    def cached_locale(self, user_id: str, requested: str | None = None) -> str: ...

    async def user_locale(self, user_id: str, requested: str | None = None) -> str: ...

    async def month_report(self, month: str, locale: str) -> bytes:
        """The month's operations report as an .xlsx workbook."""
        ...
