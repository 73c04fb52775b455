"""The escalation engine: runs the planner's decisions against storage, timers and pagers.

Reacts to incident events (declared, severity changed, mitigated/resolved), to acks and
"escalate now", and to its own deadlines. Per incident, one decision at a time: an
in-process lock plus optimistic versioning of the stored state, and every page has a unique
key, so a racing ack, a re-delivered click or a re-fired timer cannot page twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import datetime

from escalation import planner
from escalation.oncall_commands import OverrideLevel, SwapLevel
from escalation.planner import Acked, Arm, CancelAll, EscalationState, Fyi, MentionHere, Page
from escalation.policy import EscalationPolicy, Step
from escalation.ports import EscalationStore, Pager, PageRecord, StaleEscalation
from escalation.roster import OnCall, Override, Roster
from escalation.service import AckResult
from escalation.snapshot import EscalationSnapshot
from incident import events
from incident.clock import Clock
from incident.events import IncidentEvent
from incident.model import EntrySource, Incident, Status
from incident.ports import IncidentStore, NewEntry, StaleIncident, Timers

log = logging.getLogger(__name__)

DEADLINE = "escalation"


class EscalationEngine:
    def __init__(
        self,
        *,
        store: EscalationStore,
        incidents: IncidentStore,
        timers: Timers,
        pager: Pager,
        roster: Roster,
        policy: EscalationPolicy,
        clock: Clock,
        bus: events.EventBus,
        usergroup_members: Callable[[str], Awaitable[list[str]]] | None = None,
    ) -> None:
        self.store = store
        self.incidents = incidents
        self.timers = timers
        self.pager = pager
        self.roster = roster
        self.policy = policy
        self.clock = clock
        self.bus = bus
        self.usergroup_members = usergroup_members
        self._locks: dict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    def subscribe(self, bus: events.EventBus) -> None:
        bus.subscribe(events.DECLARED, self._on_declared)
        bus.subscribe(events.SEVERITY_CHANGED, self._on_severity)
        bus.subscribe(events.STATUS_CHANGED, self._on_status)
        bus.subscribe(events.RESOLVED, self._on_stop)
        bus.subscribe(events.CLOSED, self._on_stop)
        bus.subscribe(events.REOPENED, self._on_reopened)

    # -- reactions ---------------------------------------------------------------------------

    def _plan(self, event: IncidentEvent) -> Callable[[datetime], EscalationSnapshot]:
        """Freeze the incident's current severity policy at decision time."""
        severity = event.incident.severity
        policy = self.policy.for_severity(severity)
        return lambda now: EscalationSnapshot.freeze(severity, policy, now)

    async def _on_declared(self, event: IncidentEvent) -> None:
        await self._decide(event.incident.id, lambda s, now: planner.start(s, now), create=self._plan(event))

    async def _on_reopened(self, event: IncidentEvent) -> None:
        plan = self._plan(event)
        await self._decide(
            event.incident.id, lambda s, now: planner.replan(s, plan(now), now, revive=True), create=plan
        )

    async def _on_severity(self, event: IncidentEvent) -> None:
        plan = self._plan(event)
        await self._decide(event.incident.id, lambda s, now: planner.replan(s, plan(now), now), create=plan)

    async def _on_status(self, event: IncidentEvent) -> None:
        if event.incident.status is Status.MITIGATED:
            await self._decide(event.incident.id, lambda s, now: planner.stop(s))

    async def _on_stop(self, event: IncidentEvent) -> None:
        await self._decide(event.incident.id, lambda s, now: planner.stop(s))
        pages = await self.store.pages(event.incident.id)
        if pages:
            await self.pager.resolved(event.incident, pages)

    async def acknowledge(self, incident_id: int, user_id: str) -> bool:
        """True when this was the acknowledgement; False when it was already acknowledged."""
        results = await self._decide(incident_id, lambda s, now: planner.on_ack(s, user_id, now))
        return any(isinstance(a, Acked) for a in results)

    async def escalate_now(self, incident_id: int, user_id: str) -> bool:
        results = await self._decide(incident_id, lambda s, now: planner.escalate_now(s, now), actor=user_id)
        return any(isinstance(a, Page) for a in results)

    async def on_deadline(self, payload: dict[str, object]) -> None:
        incident_id = int(str(payload["incident_id"]))
        kind, step, generation = str(payload["kind"]), int(str(payload["step"])), int(str(payload["generation"]))
        await self._decide(incident_id, lambda s, now: planner.on_deadline(s, kind, step, generation, now))

    async def was_paged(self, incident_id: int, user_id: str) -> bool:
        return any(user_id in p.user_ids for p in await self.store.pages(incident_id) if p.kind == "page")

    # -- what the rest of Hikeshi asks (escalation.service.Escalation) ----------------------------

    has_roster = True

    @property
    def level_names(self) -> tuple[str, ...]:
        return tuple(self.roster.level_names)

    async def acknowledge_page(self, incident_id: int, user_id: str) -> AckResult:
        if await self.store.load(incident_id) is None:
            return "nothing"
        return "recorded" if await self.acknowledge(incident_id, user_id) else "already"

    async def acknowledge_by_reply(self, incident_id: int, user_id: str) -> bool:
        loaded = await self.store.load(incident_id)
        if loaded is None or loaded[0].acked_by is not None:
            return False
        return await self.was_paged(incident_id, user_id) and await self.acknowledge(incident_id, user_id)

    async def on_call(self, at: datetime) -> list[tuple[OnCall, datetime | None]]:
        overrides = await self.store.overrides(at)
        return [
            (self.roster.on_call(level, at, overrides), self.roster.next_handoff(level, at))
            for level in self.roster.level_names
        ]

    async def set_override(self, cmd: OverrideLevel | SwapLevel, at: datetime, by: str) -> Override | None:
        if isinstance(cmd, SwapLevel):
            override = self.roster.swap(cmd.level, at, by)
            if override is None:
                return None
        else:
            override = Override(cmd.level, cmd.user_id, at, at + cmd.duration, by)
        await self.store.add_override(override)
        return override

    # -- the decision loop ---------------------------------------------------------------------

    async def _decide(
        self,
        incident_id: int,
        decide: Callable[[EscalationState, datetime], list[planner.Action]],
        *,
        create: Callable[[datetime], EscalationSnapshot] | None = None,
        actor: str | None = None,
    ) -> list[planner.Action]:
        async with self._locks[incident_id]:
            for _ in range(5):
                loaded = await self.store.load(incident_id)
                now = self.clock.now()
                if loaded is None:
                    if create is None:
                        return []
                    state, version = planner.new_state(incident_id, create(now)), None
                else:
                    state, version = loaded
                actions = decide(state, now)
                try:
                    await self.store.save(state, version)
                except StaleEscalation:
                    continue
                await self._perform(state, actions, now, actor)
                return actions
        log.error("escalation for incident %s kept changing under us", incident_id)
        return []

    async def _perform(
        self, state: EscalationState, actions: list[planner.Action], now: datetime, actor: str | None
    ) -> None:
        incident = await self.incidents.get(state.incident_id)
        if incident is None:
            return
        cached: list[list[Override]] = []

        async def overrides() -> list[Override]:
            # Read once per decision: every step paged in it sees the same roster.
            if not cached:
                cached.append(await self.store.overrides(now))
            return cached[0]

        recorded: list[NewEntry] = []
        # The next deadlines are stored before anyone is paged: a crash right after a page
        # must still leave the rest of the escalation armed.
        timers = [a for a in actions if isinstance(a, CancelAll | Arm)]
        for action in [*timers, *(a for a in actions if not isinstance(a, CancelAll | Arm))]:
            if isinstance(action, CancelAll):
                await self.timers.cancel_prefix(f"esc:{state.incident_id}:")
            elif isinstance(action, Arm):
                await self.timers.arm(
                    action.key,
                    kind=DEADLINE,
                    due_at=action.due_at,
                    payload={
                        "incident_id": state.incident_id,
                        "kind": action.kind,
                        "step": action.step,
                        "generation": state.generation,
                    },
                )
            elif isinstance(action, Page):
                step = state.steps[action.step]
                users = await self._targets(step, now, overrides)
                entry = await self._page(incident, state, step, users, action.step, action.reason, "page", now, actor)
                recorded.extend([entry] if entry else [])
            elif isinstance(action, Fyi):
                step = Step(level=action.level)
                users = await self._targets(step, now, overrides)
                entry = await self._page(incident, state, step, users, -1, "fyi", "fyi", now, actor)
                recorded.extend([entry] if entry else [])
            elif isinstance(action, MentionHere):
                await self.pager.mention_here(incident)
            elif isinstance(action, Acked):
                await self._acked(incident, action, now)
        if recorded:
            # One write for every page of the decision, then one event per entry.
            await self.incidents.add_entries(incident.id, recorded)
            for entry in recorded:
                await self.bus.publish(IncidentEvent(events.ENTRY_ADDED, incident, entry.actor, {"kind": entry.kind}))

    async def _page(
        self,
        incident: Incident,
        state: EscalationState,
        step: Step,
        users: list[str],
        index: int,
        reason: str,
        kind: str,
        now: datetime,
        actor: str | None,
    ) -> NewEntry | None:
        """Page (or tell) ``users`` once; the timeline entry to record, None if already paged."""
        target = step.label
        key = f"{incident.id}:{state.generation}:{kind}:{target}:{index}:{reason}:{int(now.timestamp())}"
        page = PageRecord(key, incident.id, index, target, kind, reason, users, now)
        if not await self.store.record_page(page):
            return None
        minutes = int((now - incident.declared_at).total_seconds() // 60)
        try:
            messages = await self.pager.page(incident, page, minutes)
            await self.store.set_messages(key, messages)
        except Exception:
            log.exception("paging %s for %s failed", target, incident.ref)
        entry_kind = {
            "fyi": "fyi",
            "manual": "escalated",
            "ack_timeout": "escalated",
            "handle_timeout": "escalated",
        }.get(reason if kind == "page" else "fyi", "page")
        text = f"{target}: " + ", ".join(f"<@{u}>" for u in users)
        data: dict[str, object] = {"target": target, "users": users, "reason": reason, "step": index}
        return NewEntry(
            kind=entry_kind, text=text, actor=actor, occurred_at=now, source=EntrySource.AUTOMATIC, data=data
        )

    async def _targets(
        self, step: Step, now: datetime, overrides: Callable[[], Awaitable[list[Override]]]
    ) -> list[str]:
        """The people behind a step at this moment (roster and overrides as of ``now``)."""
        users: list[str] = []
        if step.users:
            users = list(step.users)
        elif step.level and step.level in self.roster.levels:
            users = list(self.roster.on_call(step.level, now, await overrides()).user_ids)
        elif step.usergroup and self.usergroup_members is not None:
            try:
                users = list(await self.usergroup_members(step.usergroup))
            except Exception:
                log.exception("resolving usergroup %s failed", step.usergroup)
        if not users:
            # Still recorded (the timeline shows the gap), but loudly: a page to nobody is a lost page.
            log.error("escalation step %s resolved to nobody", step.label)
        return users

    async def _acked(self, incident: Incident, action: Acked, now: datetime) -> None:
        await self.store.mark_acked(incident.id, action.user_id, now)
        if incident.acknowledged_at is None:
            incident.acknowledged_at = now
            await self._save_ack_time(incident)
        await self._record(
            incident,
            "ack",
            "",
            action.user_id,
            now,
            {"step": action.step, "after_seconds": int(action.after.total_seconds())},
        )
        await self.pager.acknowledged(incident, action.user_id, now, await self.store.pages(incident.id))
        await self.bus.publish(IncidentEvent(events.ACKNOWLEDGED, incident, action.user_id, {"step": action.step}))

    async def _save_ack_time(self, incident: Incident) -> None:
        for _ in range(5):
            try:
                await self.incidents.save(incident)
                return
            except StaleIncident:
                fresh = await self.incidents.get(incident.id)
                if fresh is None or fresh.acknowledged_at is not None:
                    return
                fresh.acknowledged_at = incident.acknowledged_at
                incident = fresh

    async def _record(
        self, incident: Incident, kind: str, text: str, actor: str | None, now: datetime, data: dict[str, object]
    ) -> None:
        await self.incidents.add_entries(
            incident.id,
            [NewEntry(kind=kind, text=text, actor=actor, occurred_at=now, source=EntrySource.AUTOMATIC, data=data)],
        )
        await self.bus.publish(IncidentEvent(events.ENTRY_ADDED, incident, actor, {"kind": kind}))

    async def audit(self) -> int: return 0  # the lead replaces this
