"""The escalation engine: runs the planner's decisions against storage, timers and pagers.

Reacts to incident events (declared, severity changed, mitigated/resolved), to acks and
"escalate now", and to its own deadlines. Per incident, one decision at a time: optimistic
versioning of the stored state (an in-process lock only saves needless retries), and every
page has a unique key, so a racing ack, a re-delivered click or a re-fired timer cannot page
twice.

A decision is stored before anything is sent: the new state, the next deadlines and the
effects that carry the pages out (a DM row, a channel-notice row, an outgoing-pager row) in
one transaction. The effects then run at once from the timers' table, and when Slack is down
or the process dies they run later, from the table, until Slack answers.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
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
from incident.ports import ChannelError, IncidentStore, NewEntry, Scheduled, StaleIncident, Timers, channel_lane

log = logging.getLogger(__name__)

DEADLINE = "escalation"
# Effects, one stored row each (``deliver`` runs them):
PAGE_DM = "page_dm"  # the page to each paged person, in a DM
PAGE_NOTICE = "page_notice"  # the paged people invited into the channel, and named there
PAGE_OUTGOING = "page_outgoing"  # the level's outgoing pagers
HERE = "page_here"  # @here in the channel
ACK_NOTICE = "page_acked"  # the page DMs marked acknowledged, the channel told
EFFECTS = (PAGE_DM, PAGE_NOTICE, PAGE_OUTGOING, HERE, ACK_NOTICE)


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
                incident = await self.incidents.get(incident_id)
                if incident is None:
                    return []
                plan = await self._what_to_store(incident, state, actions, now, actor)
                try:
                    await self.store.save(
                        state,
                        version,
                        now=now,
                        cancel_prefix=f"esc:{incident_id}:" if any(isinstance(a, CancelAll) for a in actions) else None,
                        schedule=plan.schedule,
                        pages=plan.pages,
                    )
                except StaleEscalation:
                    continue
                break
            else:
                log.error("escalation for incident %s kept changing under us", incident_id)
                return []
        # Stored: the next decision need not wait for this one's messages (a Slack back-off).
        await self._carry_out(incident, actions, plan, now)
        return actions

    async def _what_to_store(
        self,
        incident: Incident,
        state: EscalationState,
        actions: list[planner.Action],
        now: datetime,
        actor: str | None,
    ) -> _Plan:
        """What a decision stores: its pages and the rows that follow (deadlines, then effects)."""
        cached: list[list[Override]] = []

        async def overrides() -> list[Override]:
            # Read once per decision: every step paged in it sees the same roster.
            if not cached:
                cached.append(await self.store.overrides(now))
            return cached[0]

        plan = _Plan()
        lane = channel_lane(incident.id)
        for action in actions:
            if isinstance(action, Arm):
                payload: dict[str, object] = {
                    "incident_id": state.incident_id,
                    "kind": action.kind,
                    "step": action.step,
                    "generation": state.generation,
                }
                plan.deadlines.append(Scheduled(action.key, DEADLINE, action.due_at, payload))
            elif isinstance(action, Page | Fyi):
                kind, index = ("page", action.step) if isinstance(action, Page) else ("fyi", -1)
                step = state.steps[action.step] if isinstance(action, Page) else Step(level=action.level)
                reason = action.reason if isinstance(action, Page) else "fyi"
                users = await self._targets(step, now, overrides)
                key = f"{incident.id}:{state.generation}:{kind}:{step.label}:{index}:{reason}:{int(now.timestamp())}"
                plan.pages.append(PageRecord(key, incident.id, index, step.label, kind, reason, users, now))
                effect = {"incident_id": incident.id, "page": key}
                plan.effects.append(Scheduled(f"{key}:dm", PAGE_DM, now, effect))
                if kind == "page":
                    plan.effects.append(Scheduled(f"{key}:notice", PAGE_NOTICE, now, effect, lane))
                    plan.effects.append(Scheduled(f"{key}:out", PAGE_OUTGOING, now, effect))
                plan.entries.append(_page_entry(step.label, users, index, reason, kind, now, actor))
            elif isinstance(action, MentionHere):
                key = f"{incident.id}:{state.generation}:here"
                plan.effects.append(Scheduled(key, HERE, now, {"incident_id": incident.id}, lane))
            elif isinstance(action, Acked):
                key = f"{incident.id}:{state.generation}:acked:{action.user_id}"
                effect = {"incident_id": incident.id, "user": action.user_id, "at": now.isoformat()}
                plan.effects.append(Scheduled(key, ACK_NOTICE, now, effect, lane))
        return plan

    async def _carry_out(self, incident: Incident, actions: list[planner.Action], plan: _Plan, now: datetime) -> None:
        """After the decision is stored: send what it decided, then record it on the timeline."""
        for action in actions:
            if isinstance(action, Acked):
                await self._acked(incident, action, now)
        # The page itself is awaited; the outgoing pagers (their own retries, maybe slow) are not.
        self.timers.run_soon([e.key for e in plan.effects if e.kind == PAGE_OUTGOING])
        now_keys = [e.key for e in plan.effects if e.kind != PAGE_OUTGOING]
        if now_keys:
            await self.timers.run_now(now_keys)
        if plan.entries:
            # One write for every page of the decision, then one event per entry.
            await self.incidents.add_entries(incident.id, plan.entries)
            for entry in plan.entries:
                await self.bus.publish(IncidentEvent(events.ENTRY_ADDED, incident, entry.actor, {"kind": entry.kind}))
        for action in actions:
            if isinstance(action, Acked):
                await self.bus.publish(
                    IncidentEvent(events.ACKNOWLEDGED, incident, action.user_id, {"step": action.step})
                )

    # -- effects, run from the timers' table -----------------------------------------------------

    async def deliver(self, kind: str, payload: dict[str, object], *, first_try: bool = True) -> None:
        """Run one stored effect. Raises ``ChannelError`` (retryable) to be tried again later.
        ``first_try``: no earlier attempt at this row can have reached Slack."""
        incident = await self.incidents.get(int(str(payload["incident_id"])))
        if incident is None:
            return
        if kind == HERE:
            await self.pager.mention_here(incident)
            return
        if kind == ACK_NOTICE:
            at = datetime.fromisoformat(str(payload["at"]))
            await self.pager.acknowledged(incident, str(payload["user"]), at, await self.store.pages(incident.id))
            return
        page = await self.store.page(str(payload["page"]))
        if page is None:
            return
        if kind == PAGE_NOTICE:
            await self.pager.notice(incident, page, first_try=first_try)
        elif kind == PAGE_OUTGOING:
            await self.pager.outgoing(incident, page)
        elif kind == PAGE_DM:
            await self._send_dms(incident, page, first_try=first_try)

    async def _send_dms(self, incident: Incident, page: PageRecord, *, first_try: bool) -> None:
        """Each paged person's DM, exactly once: after an attempt that may have reached Slack
        (a failure, a crash, a hand-back), a message not noted as sent is looked for in the DM
        before it is sent again."""
        minutes = int((page.paged_at - incident.declared_at).total_seconds() // 60)
        sent = {m.get("user") for m in page.messages if m.get("ts")}
        for user in page.user_ids:
            if user in sent:
                continue  # a retry after a partial failure: this one has it already
            try:
                message = await self.pager.dm(incident, page, user, minutes, first_try=first_try)
            except ChannelError as exc:
                if exc.retryable:
                    raise
                log.warning("page DM to %s for %s refused: %s", user, incident.ref, exc.code)
                continue
            await self.store.add_message(page.key, message)

    async def audit(self) -> int:
        """Re-arm the deadline each escalation still waiting on one should have (a row lost or
        deleted behind our back); returns how many were missing."""
        fixed = 0
        for state in await self.store.active():
            expected = planner.expected_deadline(state)
            if expected is None:
                continue
            payload: dict[str, object] = {
                "incident_id": state.incident_id,
                "kind": expected.kind,
                "step": expected.step,
                "generation": state.generation,
            }
            if await self.timers.arm(expected.key, kind=DEADLINE, due_at=expected.due_at, payload=payload):
                log.warning("escalation deadline %s was missing: re-armed", expected.key)
                fixed += 1
        return fixed

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


@dataclass(slots=True)
class _Plan:
    pages: list[PageRecord] = field(default_factory=list)
    deadlines: list[Scheduled] = field(default_factory=list)
    effects: list[Scheduled] = field(default_factory=list)
    entries: list[NewEntry] = field(default_factory=list)

    @property
    def schedule(self) -> list[Scheduled]:
        # Deadlines first: whatever happens to the sends, the rest of the escalation is armed.
        return [*self.deadlines, *self.effects]


def _page_entry(
    target: str, users: list[str], index: int, reason: str, kind: str, now: datetime, actor: str | None
) -> NewEntry:
    entry_kind = {
        "fyi": "fyi",
        "manual": "escalated",
        "ack_timeout": "escalated",
        "handle_timeout": "escalated",
    }.get(reason if kind == "page" else "fyi", "page")
    text = f"{target}: " + ", ".join(f"<@{u}>" for u in users)
    data: dict[str, object] = {"target": target, "users": users, "reason": reason, "step": index}
    return NewEntry(kind=entry_kind, text=text, actor=actor, occurred_at=now, source=EntrySource.AUTOMATIC, data=data)
