"""The engine against in-memory storage, timers and pager: who is paged, and never twice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from escalation.engine import DEADLINE, EscalationEngine
from escalation.planner import EscalationState
from escalation.policy import DEFAULT_POLICY_CONFIG, EscalationPolicy
from escalation.ports import PageRecord, StaleEscalation
from escalation.roster import Override, Roster
from incident import events
from incident.clock import FakeClock
from incident.events import EventBus, IncidentEvent
from incident.model import Incident, IncidentRef, Status
from incident.ports import NewEntry, Scheduled

T0 = datetime(2026, 11, 24, 5, 30, tzinfo=UTC)
ROSTER = Roster.from_config(
    {
        "levels": {
            "level1": {"members": ["U0BOB"]},
            "level2": {"members": ["U0DAVE"]},
            "level3": {"members": ["U0FRANK"]},
        }
    },
    ZoneInfo("Asia/Tokyo"),
)
SEVERITIES = ["critical", "high", "medium", "low"]


class Store:
    def __init__(self) -> None:
        self.states: dict[int, tuple[dict[str, Any], int]] = {}
        self.records: dict[str, PageRecord] = {}

    async def load(self, incident_id: int) -> tuple[EscalationState, int] | None:
        found = self.states.get(incident_id)
        return (EscalationState.from_dict(found[0]), found[1]) if found else None

    timers: Timers

    async def save(
        self,
        state: EscalationState,
        version: int | None,
        *,
        now: datetime,
        cancel_prefix: str | None = None,
        schedule: Sequence[Scheduled] = (),
        pages: Sequence[PageRecord] = (),
    ) -> int:
        current = self.states.get(state.incident_id)
        if (current[1] if current else None) != version:
            raise StaleEscalation(str(state.incident_id))
        self.states[state.incident_id] = (state.to_dict(), (version or 0) + 1)
        if cancel_prefix is not None:
            await self.timers.cancel_prefix(cancel_prefix)
        for page in pages:
            self.records.setdefault(page.key, page)
        for row in schedule:
            await self.timers.arm(row.key, kind=row.kind, due_at=row.due_at, payload=row.payload, lane=row.lane)
        return (version or 0) + 1

    async def page(self, key: str) -> PageRecord | None:
        return self.records.get(key)

    async def add_message(self, key: str, message: dict[str, str]) -> None:
        record = self.records[key]
        record.messages = [*(m for m in record.messages if m.get("user") != message.get("user")), message]

    async def active(self) -> list[EscalationState]:
        states = [EscalationState.from_dict(raw) for raw, _ in self.states.values()]
        return [s for s in states if not (s.done or s.stopped)]

    async def mark_acked(self, incident_id: int, user_id: str, at: datetime) -> None:
        return None

    async def pages(self, incident_id: int) -> list[PageRecord]:
        return [p for p in self.records.values() if p.incident_id == incident_id]

    async def overrides(self, at: datetime) -> list[Override]:
        return []

    async def add_override(self, override: Override) -> None:
        return None


class Timers:
    """Deadlines wait in ``pending``; effects run when ``run_now`` asks, through the engine."""

    def __init__(self) -> None:
        self.pending: dict[str, tuple[datetime, dict[str, object]]] = {}
        self.effects: dict[str, tuple[str, dict[str, object]]] = {}
        self.used: set[str] = set()
        self.deliver: Any = None
        self.soon: list[str] = []

    async def arm(
        self, key: str, *, kind: str, due_at: datetime, payload: dict[str, object], lane: str | None = None
    ) -> bool:
        if key in self.used:
            return False
        self.used.add(key)
        if kind == DEADLINE:
            self.pending[key] = (due_at, payload)
        else:
            self.effects[key] = (kind, payload)
        return True

    def run_soon(self, keys: Sequence[str]) -> None:
        self.soon.extend(keys)

    async def run_now(self, keys: Sequence[str]) -> dict[str, str | None]:
        for key in keys:
            if key in self.effects:
                kind, payload = self.effects.pop(key)
                await self.deliver(kind, payload)
        return dict.fromkeys(keys)

    async def cancel(self, key: str) -> bool:
        return self.pending.pop(key, None) is not None

    async def cancel_prefix(self, prefix: str) -> int:
        gone = [k for k in self.pending if k.startswith(prefix)]
        for key in gone:
            del self.pending[key]
        return len(gone)


class Incidents:
    def __init__(self, incident: Incident) -> None:
        self.incident = incident
        self.entries: list[NewEntry] = []

    async def get(self, incident_id: int) -> Incident | None:
        return self.incident

    async def save(self, incident: Incident) -> Incident:
        self.incident = incident
        return incident

    async def add_entries(self, incident_id: int, entries: Sequence[NewEntry]) -> None:
        self.entries.extend(entries)


class Pager:
    def __init__(self) -> None:
        self.paged: list[tuple[str, tuple[str, ...], str]] = []

    async def dm(
        self, incident: Incident, page: PageRecord, user_id: str, minutes: int, *, first_try: bool = True
    ) -> dict[str, str]:
        already = any(key == page.key and user_id in users for _, users, key in self.paged)
        if not first_try and already:  # Slack has it: found, not sent again
            return {"channel": "D" + user_id, "ts": "1.0", "user": user_id}
        if not self.paged or self.paged[-1][2] != page.key:
            self.paged.append((page.kind, (), page.key))
        kind, users, key = self.paged[-1]
        self.paged[-1] = (kind, (*users, user_id), key)
        return {"channel": "D" + user_id, "ts": "1.0", "user": user_id}

    async def notice(self, incident: Incident, page: PageRecord, *, first_try: bool = True) -> None:
        return None

    async def outgoing(self, incident: Incident, page: PageRecord) -> None:
        return None

    async def mention_here(self, incident: Incident) -> None:
        self.paged.append(("here", (), ""))

    async def acknowledged(self, incident: Incident, user_id: str, at: datetime, pages: Sequence[PageRecord]) -> None:
        return None

    async def resolved(self, incident: Incident, pages: Sequence[PageRecord]) -> None:
        return None


class Harness:
    def __init__(self, severity: str = "critical", policy: dict[str, Any] | None = None, groups: Any = None) -> None:
        self.clock = FakeClock(T0)
        self.incident = Incident(
            1, IncidentRef(2026, 1), "Checkout down", severity, Status.INVESTIGATING, "U0ALICE", T0, T0
        )
        self.incidents, self.store, self.timers, self.pager = Incidents(self.incident), Store(), Timers(), Pager()
        self.bus = EventBus()
        self.engine = EscalationEngine(
            store=self.store,
            incidents=self.incidents,  # type: ignore[arg-type]  # a partial fake: only the reads the engine makes
            timers=self.timers,
            pager=self.pager,
            roster=ROSTER,
            policy=EscalationPolicy.from_config(policy or DEFAULT_POLICY_CONFIG, ROSTER.level_names, SEVERITIES),
            clock=self.clock,
            bus=self.bus,
            usergroup_members=groups,
        )
        self.engine.subscribe(self.bus)
        self.store.timers = self.timers
        self.timers.deliver = self.engine.deliver

    async def publish(self, kind: str, **changes: Any) -> None:
        self.incidents.incident = replace(self.incidents.incident, **changes)
        await self.bus.publish(IncidentEvent(kind, self.incidents.incident))

    async def advance(self, delta: timedelta) -> None:
        end = self.clock.now() + delta
        while due := sorted((d, k) for k, (d, _) in self.timers.pending.items() if d <= end):
            at, key = due[0]
            self.clock.set(at)
            _, payload = self.timers.pending.pop(key)
            await self.engine.on_deadline(payload)
        self.clock.set(end)

    def pages(self) -> list[tuple[str, ...]]:
        return [users for kind, users, _ in self.pager.paged if kind == "page"]


async def test_a_re_delivered_declaration_pages_once() -> None:
    h = Harness()
    await h.publish(events.DECLARED)
    await h.publish(events.DECLARED)
    assert h.pages() == [("U0BOB",)]
    assert [k for k, *_ in h.pager.paged].count("fyi") == 2 and [k for k, *_ in h.pager.paged].count("here") == 1


async def test_nobody_acks_level1_level2_level3_at_0_15_45() -> None:
    h = Harness()
    await h.publish(events.DECLARED)
    await h.advance(timedelta(minutes=14))
    assert h.pages() == [("U0BOB",)]
    await h.advance(timedelta(minutes=1))
    assert h.pages() == [("U0BOB",), ("U0DAVE",)]
    await h.advance(timedelta(minutes=30))
    assert h.pages() == [("U0BOB",), ("U0DAVE",), ("U0FRANK",)]


async def test_a_duplicate_ack_is_one_ack() -> None:
    h = Harness()
    await h.publish(events.DECLARED)
    assert await h.engine.acknowledge(1, "U0BOB") is True
    assert await h.engine.acknowledge(1, "U0BOB") is False
    assert [e.kind for e in h.incidents.entries].count("ack") == 1


async def test_a_severity_change_after_mitigation_pages_nobody() -> None:
    h = Harness("high")
    await h.publish(events.DECLARED)
    await h.publish(events.STATUS_CHANGED, status=Status.MITIGATED)
    await h.publish(events.SEVERITY_CHANGED, severity="critical")
    await h.advance(timedelta(hours=10))
    assert h.pages() == [("U0BOB",)] and h.timers.pending == {}


async def test_a_usergroup_step_pages_its_members_at_the_moment_of_the_page() -> None:
    async def members(group: str) -> list[str]:
        return ["U0SRE1", "U0SRE2"] if group == "S0SRE" else []

    policy = {**DEFAULT_POLICY_CONFIG, "critical": {"steps": [{"usergroup": "S0SRE", "ack_within": "5m"}]}}
    h = Harness(policy=policy, groups=members)
    await h.publish(events.DECLARED)
    assert h.pages() == [("U0SRE1", "U0SRE2")]


async def test_a_page_dm_sent_just_before_a_crash_is_found_not_sent_again() -> None:
    h = Harness()
    await h.publish(events.DECLARED)
    [page] = [p for p in h.store.records.values() if p.kind == "page"]
    page.messages = []  # the crash: sent, never noted
    await h.engine.deliver("page_dm", {"incident_id": 1, "page": page.key}, first_try=False)
    assert h.pages() == [("U0BOB",)]
    assert page.messages == [{"channel": "DU0BOB", "ts": "1.0", "user": "U0BOB"}]


async def test_a_page_dm_a_dead_try_never_sent_is_sent_on_the_retry() -> None:
    h = Harness()
    await h.publish(events.DECLARED)
    [page] = [p for p in h.store.records.values() if p.kind == "page"]
    h.pager.paged.clear()  # Slack never got it
    page.messages = []
    await h.engine.deliver("page_dm", {"incident_id": 1, "page": page.key}, first_try=False)
    assert h.pages() == [("U0BOB",)]
