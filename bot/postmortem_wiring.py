"""Builds the postmortem service and connects it to storage, Slack, timers and events."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import ConfigError, TeamConfig
from bot.scheduler import DeadlineScheduler
from chat.directory import SlackDirectory
from chat.gateway import SlackGateway
from chat.postmortem_publisher import SlackPostmortemPublisher
from incident import events
from incident.clock import Clock
from incident.durations import DurationError, parse_duration
from incident.events import EventBus, IncidentEvent
from incident.impact import DEFAULT_SLA_TARGET
from incident.model import Incident, Status
from postmortem.model import PageSummary
from postmortem.money import CURRENCIES, known_currency
from postmortem.offload import Offload
from postmortem.service import POST_DRAFT, REVIEW, PostmortemService, PostmortemSettings
from storage.deadlines import Deadline
from storage.escalations import SqlEscalationStore
from storage.incidents import SqlIncidentStore
from storage.postmortems import SqlPostmortemStore
from timeline.coalesce import Coalescer
from timeline.mentions import readable_all


def _settings(team: TeamConfig) -> PostmortemSettings:
    raw = team.postmortem
    try:
        review = parse_duration(raw.get("review_within", "7d"))
        customer = parse_duration(raw["customer_report_within"]) if raw.get("customer_report_within") else None
        target = Decimal(str(raw.get("sla_target", DEFAULT_SLA_TARGET)))
    except (DurationError, ArithmeticError) as exc:
        raise ConfigError("postmortem", str(exc)) from None
    currency = str(raw.get("currency", "JPY")).upper()
    if not known_currency(currency):
        raise ConfigError("postmortem.currency", f"unknown currency {currency!r} (known: {', '.join(CURRENCIES)})")
    return PostmortemSettings(
        tz=team.tz,
        locale=team.locale,
        sla_target=target,
        currency=currency,
        review_within=review,
        customer_report_within=customer,
    )


def build_postmortems(
    *,
    team: TeamConfig,
    engine_db: AsyncEngine,
    store: SqlIncidentStore,
    timers: DeadlineScheduler,
    gateway: SlackGateway,
    directory: SlackDirectory,
    clock: Clock,
    bus: EventBus,
    severity_label: Callable[[str, str], str],
    offload: Offload,
    after_draft: Callable[[Incident], Awaitable[None]] | None = None,
) -> tuple[PostmortemService, SqlPostmortemStore, Coalescer[int]]:
    postmortems = SqlPostmortemStore(engine_db)

    async def names(ids: Sequence[str]) -> dict[str, str]:
        return {i: (await directory.user_name(i)) or i for i in ids}

    sent = SqlEscalationStore(engine_db)

    async def pages(incident_id: int) -> list[PageSummary]:
        # The pages as they were sent, whatever the roster or policy says today.
        return [
            PageSummary(p.target, p.kind, p.reason, tuple(p.user_ids), p.paged_at, p.acked_by, p.acked_at)
            for p in await sent.pages(incident_id)
        ]

    service = PostmortemService(
        store=store,
        postmortems=postmortems,
        publisher=SlackPostmortemPublisher(gateway, team.tz, team.locale),
        timers=timers,
        clock=clock,
        settings=_settings(team),
        severity_label=severity_label,
        names=names,
        readable=lambda texts: readable_all(texts, directory),
        pages=pages,
        offload=offload,
    )
    service.subscribe(bus, after_draft=after_draft)

    async def regenerate(incident_id: int) -> None:
        await service.draft(incident_id)

    # Changes after resolution (late notes, feedback) regenerate the draft, at most once a minute.
    later = Coalescer(regenerate, clock=clock, interval=timedelta(minutes=1))

    async def changed_after_resolution(event: IncidentEvent) -> None:
        if event.incident.status is Status.RESOLVED:
            later.notify(event.incident.id)

    bus.subscribe(events.ENTRY_ADDED, changed_after_resolution)

    async def on_review(deadline: Deadline, now: datetime) -> None:
        await service.remind(deadline.payload)

    async def on_post(deadline: Deadline, now: datetime) -> None:
        await service.post_draft(int(deadline.payload["incident_id"]))

    timers.on(REVIEW, on_review)
    timers.on(POST_DRAFT, on_post)
    return service, postmortems, later
