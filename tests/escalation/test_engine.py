"""The engine against in-memory storage, timers and pager: who is paged, and never twice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from escalation.engine import EscalationEngine
from escalation.planner import EscalationState
from escalation.policy import DEFAULT_POLICY_CONFIG, EscalationPolicy
from escalation.ports import PageRecord, StaleEscalation
from escalation.roster import Override, Roster
from incident import events
from incident.clock import FakeClock
from incident.events import EventBus, IncidentEvent
from incident.model import Incident, IncidentRef, Status
from incident.ports import NewEntry

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

    async def save(self, state: EscalationState, version: int | None) -> int:
        current = self.states.get(state.incident_id)
        if (current[1] if current else None) != version:
            raise StaleEscalation(str(state.incident_id))
        self.states[state.incident_id] = (state.to_dict(), (version or 0) + 1)
        return (version or 0) + 1

    async def record_page(self, page: PageRecord) -> bool:
        if page.key in self.records:
            return False
        self.records[page.key] = page
        return True

    async def set_messages(self, key: str, messages: list[dict[str, str]]) -> None:
        self.records[key].messages = messages

    async def mark_acked(self, incident_id: int, user_id: str, at: datetime) -> None:
        return None

    async def pages(self, incident_id: int) -> list[PageRecord]:
        return [p for p in self.records.values() if p.incident_id == incident_id]

    async def overrides(self, at: datetime) -> list[Override]:
        return []

    async def add_override(self, override: Override) -> None:
        return None


class Timers:
    def __init__(self) -> None:
        self.pending: dict[str, tuple[datetime, dict[str, object]]] = {}
        self.used: set[str] = set()

    async def arm(self, key: str, *, kind: str, due_at: datetime, payload: dict[str, object]) -> bool:
        if key in self.used:
            return False
        self.used.add(key)
        self.pending[key] = (due_at, payload)
        return True

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
        self.paged: list[tuple[str, tuple[str, ...]]] = []

    async def page(self, incident: Incident, page: PageRecord, since_declared_minutes: int) -> list[dict[str, str]]:
        self.paged.append((page.kind, tuple(page.user_ids)))
        return []

    async def mention_here(self, incident: Incident) -> None:
        self.paged.append(("here", ()))

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
        return [users for kind, users in self.pager.paged if kind == "page"]


async def test_a_re_delivered_declaration_pages_once() -> None:
    h = Harness()
    await h.publish(events.DECLARED)
    await h.publish(events.DECLARED)
    assert h.pages() == [("U0BOB",)]
    assert [k for k, _ in h.pager.paged].count("fyi") == 2 and [k for k, _ in h.pager.paged].count("here") == 1


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
