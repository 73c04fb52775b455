"""The incident service: decisions about an incident's life, then their side effects.

Every change is stored before Slack hears of it, so a Slack outage loses nothing: the
record exists and the caller is told what could not be done in Slack. A declared incident's
channel set-up is stored with it, in the same transaction, as a row of the timers' table
(the outbox), run at once and retried from the table until Slack answers.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from incident import events
from incident.clock import Clock
from incident.decisions import Actor, Decision, change_severity, move_status
from incident.events import EventBus, IncidentEvent
from incident.lifecycle import Refusal, Target
from incident.model import Incident, Status
from incident.permissions import Permissions
from incident.ports import (
    LATER,
    IncidentChannel,
    IncidentStore,
    NewEntry,
    NewIncident,
    Scheduled,
    StaleIncident,
    Timers,
    channel_lane,
)
from incident.severity import SeverityScale

log = logging.getLogger(__name__)

_SAVE_ATTEMPTS = 5
# Rows of the timers' table that set up a declared incident's channel:
CHANNEL_SETUP = "channel_retry"  # create the channel, invite, topic, post the summary, then start the rest
PIN_SUMMARY = "summary_pin"
ANNOUNCE = "announce_declared"  # the announcement channel hears of it
NOTICE = "channel_notice"  # a message (or invitation, or summary refresh) for an incident's channel

Say = Callable[[Incident], list[dict[str, object]]]


def _setup_key(incident_id: int) -> str:
    return f"channel:{incident_id}"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What to tell the person who asked: a catalog key and its parameters."""

    key: str
    params: dict[str, str] = field(default_factory=dict)
    incident: Incident | None = None
    ok: bool = True
    facts: dict[str, object] = field(default_factory=dict)  # what the decision found, e.g. ``announce``


@dataclass(frozen=True, slots=True)
class DeclareRequest:
    title: str
    severity: str
    declared_by: str
    description: str = ""
    started_at: datetime | None = None
    locale: str | None = None
    idempotency_key: str | None = None
    services: tuple[str, ...] = ()
    groups: frozenset[str] = frozenset()  # the declarer's Slack user groups, for the declare permission
    # An authenticated monitoring source the team configured declares without a person's permission.
    trusted_source: bool = False


class IncidentService:
    def __init__(
        self,
        store: IncidentStore,
        channel: IncidentChannel,
        clock: Clock,
        bus: EventBus,
        timers: Timers,
        *,
        permissions: Permissions,
        scale: SeverityScale,
    ) -> None:
        self.permissions = permissions
        self.scale = scale
        self.timers = timers
        self.store = store
        self.channel = channel
        self.clock = clock
        self.bus = bus

    def may_declare(self, actor: Actor) -> bool:
        """The one declare permission, whatever the entry point (command, shortcut, form, alert)."""
        return self.permissions.may_declare(actor.user_id, actor.groups)

    async def declare(self, req: DeclareRequest) -> Outcome:
        if not (req.trusted_source or self.may_declare(Actor(req.declared_by, req.groups))):
            return Outcome("handlers.may_not_declare", ok=False)
        now = self.clock.now()
        started = req.started_at or now
        incident = await self.store.declare(
            NewIncident(
                year=now.year,
                title=req.title,
                severity=req.severity,
                declared_by=req.declared_by,
                declared_at=now,
                started_at=started,
                description=req.description,
                commander=req.declared_by,
                locale=req.locale,
            ),
            NewEntry(
                kind="declared",
                text=req.title,
                actor=req.declared_by,
                occurred_at=now,
                data={"severity": req.severity},
            ),
            idempotency_key=req.idempotency_key,
            follow_up=lambda incident_id: [
                Scheduled(_setup_key(incident_id), CHANNEL_SETUP, now, {"incident_id": incident_id})
            ],
        )
        if incident is None:
            return Outcome("core.duplicate_request", ok=False)
        if req.services:
            incident.impact.services = list(req.services)
            incident = await self.store.save(incident)
        failure = await self.finish_channel(incident.id)
        incident = await self.store.get(incident.id) or incident
        if failure == LATER and incident.channel_id is None:
            # Another replica is setting the channel up this very moment: nothing went wrong.
            return Outcome("core.declared_channel_coming", {"ref": str(incident.ref)}, incident)
        if failure is not None or incident.channel_id is None:
            log.warning("channel for %s not set up yet: %s", incident.ref, failure)
            return Outcome(
                "core.declared_without_channel",
                {"ref": str(incident.ref), "reason": failure or "later"},
                incident,
                ok=False,
            )
        return Outcome(
            "core.declared",
            {"ref": str(incident.ref), "channel": incident.channel_id or ""},
            incident,
        )

    async def finish_channel(self, incident_id: int) -> str | None:
        """Run the incident's stored channel set-up now, if it has not run; None when it is done,
        else why not (it is retried from the timers' table)."""
        key = _setup_key(incident_id)
        return (await self.timers.run_now([key])).get(key)

    async def set_up_channel(self, incident_id: int) -> None:
        """The ``CHANNEL_SETUP`` row: each step is stored as soon as it succeeds, so a retry
        continues where it stopped. Raising ``ChannelError`` makes the row try again later.

        Round trips before the page: create the channel; then invite, topic and the summary
        together; then the pin and the announcement beside the DECLARED event (the page)."""
        incident = await self.store.get(incident_id)
        if incident is None:
            return
        if incident.channel_id is None:
            channel_id, name = await self.channel.open(incident)
            incident.channel_id, incident.channel_name = channel_id, name
            incident = await self.store.save(incident)
        if incident.summary_ts is None:
            prepared, posted = await asyncio.gather(
                self.channel.prepare(incident, [incident.declared_by]),
                self.channel.post_summary(incident),
                return_exceptions=True,
            )
            if isinstance(posted, str):
                incident.summary_ts = posted
                incident = await self.store.save(incident)
            for outcome in (posted, prepared):
                if isinstance(outcome, BaseException):
                    raise outcome
        else:
            await self.channel.prepare(incident, [incident.declared_by])  # a retry: both are idempotent
        lane, now = channel_lane(incident.id), self.clock.now()
        pin, announce = f"pin:{incident.id}", f"announce:{incident.id}"
        await self.timers.arm(pin, kind=PIN_SUMMARY, due_at=now, payload={"incident_id": incident.id}, lane=lane)
        await self.timers.arm(announce, kind=ANNOUNCE, due_at=now, payload={"incident_id": incident.id})
        # The page does not wait for the pin or the announcement (a round trip less before it);
        # what Slack refuses for now is retried from the table.
        await asyncio.gather(
            self.timers.run_now([pin, announce]),
            self.bus.publish(IncidentEvent(events.DECLARED, incident, incident.declared_by)),
        )

    async def pin_summary(self, incident_id: int) -> None:
        incident = await self.store.get(incident_id)
        if incident is not None and incident.summary_ts:
            await self.channel.pin_summary(incident)

    async def announce(self, incident_id: int) -> None:
        incident = await self.store.get(incident_id)
        if incident is not None and incident.channel_id:
            await self.channel.announce_declared(incident)

    async def change(self, channel_id: str, decide: Decision, *, say: Say | None = None) -> Outcome:
        """Load the channel's incident, decide, store; on a concurrent change, decide again.
        ``say``: what to tell the channel, stored with the change and posted before anyone
        hears of it (before its event)."""
        for _ in range(_SAVE_ATTEMPTS):
            incident = await self.store.by_channel(channel_id)
            if incident is None:
                return Outcome("core.not_an_incident_channel", ok=False)
            return_value = await self._change(incident, decide, say)
            if return_value is not None:
                return return_value
        return Outcome("core.busy_retry", ok=False)

    async def change_incident(self, incident_id: int, decide: Decision) -> Outcome:
        for _ in range(_SAVE_ATTEMPTS):
            incident = await self.store.get(incident_id)
            if incident is None:
                return Outcome("core.not_an_incident_channel", ok=False)
            return_value = await self._change(incident, decide)
            if return_value is not None:
                return return_value
        return Outcome("core.busy_retry", ok=False)

    async def _change(self, incident: Incident, decide: Decision, say: Say | None = None) -> Outcome | None:
        now = self.clock.now()
        decision = decide(incident, now)
        if isinstance(decision, Refusal):
            return Outcome(decision.key, decision.params, incident, ok=False)
        notices: list[dict[str, object]] = [{"what": "summary"}] if decision.refresh_summary else []
        notices += say(incident) if say else []
        rows = self._notice_rows(incident, notices, now)
        try:
            incident = await self.store.save(incident, decision.entries, schedule=rows)
        except StaleIncident:
            return None
        await self.timers.run_now([row.key for row in rows])
        actor = decision.entries[0].actor if decision.entries else None
        await self.bus.publish(IncidentEvent(decision.event, incident, actor, decision.event_data))
        return Outcome(decision.reply_key, decision.reply_params, incident, facts=decision.event_data)

    async def move_status(self, channel_id: str, target: Target, actor: Actor, text: str = "") -> Outcome:
        """Investigating → identified → mitigated, reopen and close; resolving goes to ``resolve``."""
        if target is Status.RESOLVED:
            return await self.resolve(channel_id, actor, text)
        return await self.change(channel_id, move_status(target, actor, self.permissions, text))

    async def move_incident_status(self, incident_id: int, target: Target, actor: Actor, text: str = "") -> Outcome:
        """``move_status`` for an incident known by id (alerts, timers), not by its channel."""
        return await self.change_incident(incident_id, move_status(target, actor, self.permissions, text))

    async def change_severity(self, channel_id: str, severity: str, actor: Actor) -> Outcome:
        outcome = await self.change(channel_id, change_severity(severity, actor, self.permissions, self.scale))
        if outcome.ok and outcome.incident is not None:
            announce = bool(outcome.facts.get("announce"))
            notice = {"what": "severity", "by": actor.user_id, "before": outcome.params["from"], "announce": announce}
            await self._say(outcome.incident, notice)
        return outcome

    async def resolve(self, channel_id: str, actor: Actor, summary: str) -> Outcome:
        def say_who_resolved(incident: Incident) -> list[dict[str, object]]:
            # Before the postmortem and the save prompt, which the RESOLVED event brings.
            key = "core.resolved_in_channel_with_summary" if summary else "core.resolved_in_channel"
            params = {"ref": str(incident.ref), "user": f"<@{actor.user_id}>", "summary": summary}
            return [{"what": "notify", "key": key, "params": params}]

        return await self.change(
            channel_id, move_status(Status.RESOLVED, actor, self.permissions, summary), say=say_who_resolved
        )

    async def notify(self, incident: Incident, key: str, params: dict[str, str], *, announce: bool = False) -> None:
        await self._say(incident, {"what": "notify", "key": key, "params": params, "announce": announce})

    async def invite(self, incident: Incident, users: list[str]) -> None:
        await self._say(incident, {"what": "invite", "users": list(users)})

    async def _say(self, incident: Incident, *notices: dict[str, object]) -> None:
        """Store what to tell the incident's channel, then post it (retried from the table while
        Slack is away; in order with everything else posted there)."""
        rows = self._notice_rows(incident, list(notices), self.clock.now())
        for row in rows:
            await self.timers.arm(row.key, kind=row.kind, due_at=row.due_at, payload=row.payload, lane=row.lane)
        await self.timers.run_now([row.key for row in rows])

    @staticmethod
    def _notice_rows(incident: Incident, notices: list[dict[str, object]], now: datetime) -> list[Scheduled]:
        lane = channel_lane(incident.id)
        return [
            Scheduled(
                f"say:{incident.id}:{uuid.uuid4().hex}",
                NOTICE,
                now,
                {"incident_id": incident.id, "at": now.isoformat(), **n},
                lane,
            )
            for n in notices
        ]

    async def post_notice(self, payload: dict[str, object], *, first_try: bool = True) -> None:
        """The ``NOTICE`` row: one message (or invitation, or summary refresh) for the channel.
        After a try that may have reached Slack, a message the channel shows already is not posted again."""
        incident = await self.store.get(int(str(payload["incident_id"])))
        if incident is None or incident.channel_id is None:
            return
        what = payload["what"]
        if what == "summary":
            await self.channel.refresh_summary(incident)
        elif what == "invite":
            await self.channel.invite(incident, [str(u) for u in _listed(payload["users"])])
        elif what == "severity":
            await self.channel.severity_changed(
                incident, by=str(payload["by"]), before=str(payload["before"]), announce=bool(payload["announce"])
            )
        elif what == "notify":
            params = payload["params"]
            assert isinstance(params, dict)
            await self.channel.notify(
                incident,
                str(payload["key"]),
                {str(k): str(v) for k, v in params.items()},
                announce=bool(payload.get("announce")),
                seen_since=None if first_try else datetime.fromisoformat(str(payload["at"])),
            )


def _listed(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else []
