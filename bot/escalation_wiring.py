"""Builds the escalation engine from the team config (roster, policy, outgoing pagers)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import aiohttp
from pydantic import SecretStr

from bot.config import ConfigError, TeamConfig
from bot.logs import IncidentRefs
from bot.metrics import Metrics
from bot.scheduler import DeadlineScheduler
from bot.tasks import BackgroundTasks
from chat.gateway import SlackGateway
from chat.slack_pager import OutgoingPagers, SlackPager
from escalation.engine import DEADLINE, EFFECTS, EscalationEngine
from escalation.errors import PolicyError
from escalation.null import NoEscalation
from escalation.policy import EscalationPolicy, default_policy_for
from escalation.roster import Roster
from escalation.service import Escalation
from incident.clock import Clock
from incident.events import EventBus
from incident.severity import SeverityScale
from pager.pagerduty import EVENTS_URL, PagerDutyTarget
from pager.webhook import WebhookTarget
from storage.deadlines import Deadline
from storage.escalations import SqlEscalationStore
from storage.incidents import SqlIncidentStore


def _outgoing(raw: dict[str, Any]) -> OutgoingPagers:
    by_level: dict[str, list[PagerDutyTarget | WebhookTarget]] = {}
    for level, targets in raw.items():
        for i, target in enumerate(targets or []):
            where = f"pagers.{level}[{i}]"
            kind = target.get("type")
            if kind == "pagerduty" and target.get("routing_key"):
                by_level.setdefault(level, []).append(
                    PagerDutyTarget(SecretStr(str(target["routing_key"])), str(target.get("url", EVENTS_URL)))
                )
            elif kind == "webhook" and target.get("url") and target.get("secret"):
                by_level.setdefault(level, []).append(
                    WebhookTarget(str(target["url"]), SecretStr(str(target["secret"])))
                )
            else:
                raise ConfigError(where, "type pagerduty (routing_key) or webhook (url, secret)")
    return OutgoingPagers(by_level)


def build_escalation(
    *,
    team: TeamConfig,
    scale: SeverityScale,
    engine_db: Any,
    incidents: SqlIncidentStore,
    timers: DeadlineScheduler,
    gateway: SlackGateway,
    clock: Clock,
    bus: EventBus,
    tasks: BackgroundTasks,
    http: Callable[[], aiohttp.ClientSession],
    severity_label: Callable[[str, str], str],
    metrics: Metrics,
    refs: IncidentRefs,
    reader_locale: Callable[[str], Awaitable[str | None]] | None = None,
) -> Escalation:
    """``NoEscalation`` when the team has no roster: declarations then stay in the channel, unpaged."""
    if team.roster is None:
        return NoEscalation()
    try:
        roster = Roster.from_config(team.roster, team.tz)
        policy = EscalationPolicy.from_config(
            team.policy or default_policy_for(set(roster.level_names)), roster.level_names, scale.keys()
        )
    except PolicyError as exc:
        setting, _, reason = str(exc).partition(": ")
        raise ConfigError(setting, reason) from None
    pager = SlackPager(
        gateway,
        tz=team.tz,
        locale=team.locale,
        severity_label=severity_label,
        outgoing=_outgoing(team.pagers),
        spawn=lambda work: tasks.spawn(work, name="outgoing-pager"),
        http=http,
        reader_locale=reader_locale,
        on_page=metrics.page_sent,
        on_ack=metrics.page_acknowledged,
    )
    engine = EscalationEngine(
        store=SqlEscalationStore(engine_db),
        incidents=incidents,
        timers=timers,
        usergroup_members=gateway.usergroup_members,
        pager=pager,
        roster=roster,
        policy=policy,
        clock=clock,
        bus=bus,
    )
    engine.subscribe(bus)

    async def on_deadline(deadline: Deadline, now: datetime) -> None:
        await engine.on_deadline(deadline.payload)

    async def on_effect(deadline: Deadline, now: datetime) -> None:
        await engine.deliver(deadline.kind, deadline.payload, first_try=deadline.first_try)

    timers.on(DEADLINE, on_deadline)
    for effect in EFFECTS:
        timers.on(effect, on_effect)
    return engine
