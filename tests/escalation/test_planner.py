"""The paging state machine on the default policy, minute by minute."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from escalation import planner
from escalation.planner import Arm, CancelAll, EscalationState, Fyi, MentionHere, Page
from escalation.policy import DEFAULT_POLICY_CONFIG, EscalationPolicy
from escalation.snapshot import EscalationSnapshot

T0 = datetime(2026, 11, 22, 5, 30, tzinfo=UTC)
POLICY = EscalationPolicy.from_config(
    DEFAULT_POLICY_CONFIG, ["level1", "level2", "level3"], ["critical", "high", "medium", "low"]
)


def plan(severity: str, now: datetime) -> EscalationSnapshot:
    return EscalationSnapshot.freeze(severity, POLICY.for_severity(severity), now)


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


class Run:
    """Drives the planner like the engine does: fire due deadlines in order."""

    def __init__(self, severity: str = "critical") -> None:
        self.state = planner.snapshot(1, severity, POLICY.for_severity(severity), T0)
        self.pending: dict[str, Arm] = {}
        self.pages: list[tuple[float, int, str]] = []
        self.other: list[planner.Action] = []
        self.apply(planner.start(self.state, T0), T0)

    def apply(self, actions: list[planner.Action], now: datetime) -> None:
        for action in actions:
            if isinstance(action, CancelAll):
                self.pending.clear()
            elif isinstance(action, Arm):
                self.pending[action.key] = action
            elif isinstance(action, Page):
                self.pages.append(((now - T0).total_seconds() / 60, action.step, action.reason))
            else:
                self.other.append(action)

    def until(self, end: datetime) -> None:
        while True:
            due = sorted((a for a in self.pending.values() if a.due_at <= end), key=lambda a: a.due_at)
            if not due:
                return
            arm = due[0]
            del self.pending[arm.key]
            generation = int(arm.key.split(":")[2])
            self.apply(planner.on_deadline(self.state, arm.kind, arm.step, generation, arm.due_at), arm.due_at)


def test_critical_unacknowledged_pages_level1_level2_level3_at_0_15_45() -> None:
    run = Run("critical")
    run.until(minutes(24 * 60))
    assert run.pages == [(0, 0, "declared"), (15, 1, "ack_timeout"), (45, 2, "ack_timeout")]


def test_an_ack_at_10_minutes_stops_level2_and_the_handling_timer_pulls_it_in_at_70() -> None:
    run = Run("critical")
    run.until(minutes(10))
    run.apply(planner.on_ack(run.state, "U0ALICE", minutes(10)), minutes(10))
    run.until(minutes(69))
    assert [p[1] for p in run.pages] == [0]
    run.until(minutes(70))
    assert run.pages[-1] == (70, 1, "handle_timeout")


def test_a_second_ack_changes_nothing() -> None:
    run = Run("critical")
    first = planner.on_ack(run.state, "U0ALICE", minutes(5))
    assert planner.on_ack(run.state, "U0BOB", minutes(6)) == []
    assert run.state.acked_by == "U0ALICE" and first


def test_a_stale_generation_does_nothing() -> None:
    run = Run("critical")
    planner.replan(run.state, plan("high", minutes(1)), minutes(1))
    assert planner.on_deadline(run.state, planner.ACK, 0, 0, minutes(15)) == []


def test_upgrade_replans_from_now_with_faster_deadlines() -> None:
    run = Run("high")
    run.until(minutes(20))
    run.apply(planner.replan(run.state, plan("critical", minutes(20)), minutes(20)), minutes(20))
    run.until(minutes(35))
    assert run.pages[-1] == (35, 1, "ack_timeout")


def test_downgrade_to_low_cancels_pending_pages() -> None:
    run = Run("critical")
    run.apply(planner.replan(run.state, plan("low", minutes(5)), minutes(5)), minutes(5))
    run.until(minutes(600))
    assert [p[1] for p in run.pages] == [0] and run.state.done


def test_low_pages_nobody() -> None:
    run = Run("low")
    assert run.pages == [] and run.state.done


def test_repeat_re_pages_the_last_step_until_acknowledged() -> None:
    policy = EscalationPolicy.from_config(
        {"critical": {"steps": [{"level": "level1", "ack_within": "5m"}, {"level": "level2"}], "repeat": "10m"}},
        ["level1", "level2"],
        ["critical"],
    ).for_severity("critical")
    state = planner.snapshot(1, "critical", policy, T0)
    run = Run.__new__(Run)
    run.state, run.pending, run.pages, run.other = state, {}, [], []
    run.apply(planner.start(state, T0), T0)
    run.until(minutes(26))
    assert [(p[0], p[1]) for p in run.pages] == [(0, 0), (5, 1), (15, 1), (25, 1)]


def test_manual_escalation_pages_the_next_step_now() -> None:
    run = Run("critical")
    run.apply(planner.escalate_now(run.state, minutes(2)), minutes(2))
    assert run.pages[-1] == (2, 1, "manual")


def test_the_state_survives_a_round_trip_through_json() -> None:
    run = Run("critical")
    planner.on_ack(run.state, "U0ALICE", minutes(3))
    assert EscalationState.from_dict(run.state.to_dict()) == run.state


def test_a_re_delivered_declare_pages_nobody_twice() -> None:
    run = Run("critical")
    assert planner.start(run.state, minutes(0)) == []


def test_after_mitigation_a_severity_change_does_not_page_again_but_a_reopen_does() -> None:
    run = Run("high")
    run.apply(planner.stop(run.state), minutes(5))
    run.apply(planner.replan(run.state, plan("critical", minutes(6)), minutes(6)), minutes(6))
    run.until(minutes(600))
    assert [p[1] for p in run.pages] == [0]
    run.apply(planner.replan(run.state, plan("critical", minutes(700)), minutes(700), revive=True), minutes(700))
    run.until(minutes(715))
    assert run.pages[-1] == (715, 1, "ack_timeout")


def test_escalate_now_after_an_ack_pulls_in_the_next_level_with_its_handling_clock() -> None:
    run = Run("critical")
    run.apply(planner.on_ack(run.state, "U0ALICE", minutes(10)), minutes(10))
    run.apply(planner.escalate_now(run.state, minutes(20)), minutes(20))
    run.until(minutes(139))
    assert run.pages == [(0, 0, "declared"), (20, 1, "manual")]
    run.until(minutes(140))  # level2 handles within 2h of joining, else level3 comes
    assert run.pages[-1] == (140, 2, "handle_timeout")


def test_the_handling_timer_of_the_last_level_pages_nobody_new() -> None:
    run = Run("critical")
    run.until(minutes(45))
    run.apply(planner.on_ack(run.state, "U0FRANK", minutes(50)), minutes(50))
    run.until(minutes(24 * 60))
    assert [p[1] for p in run.pages] == [0, 1, 2]


def test_a_timer_for_a_step_that_is_no_longer_current_does_nothing() -> None:
    run = Run("critical")
    run.apply(planner.escalate_now(run.state, minutes(2)), minutes(2))
    assert planner.on_deadline(run.state, planner.ACK, 0, run.state.generation, minutes(15)) == []


def test_an_upgrade_to_critical_sends_the_fyis_and_here_once() -> None:
    run = Run("high")
    run.apply(planner.replan(run.state, plan("critical", minutes(5)), minutes(5)), minutes(5))
    run.apply(planner.replan(run.state, plan("critical", minutes(6)), minutes(6)), minutes(6))
    assert run.other == [Fyi("level2"), Fyi("level3"), MentionHere()]


def test_an_upgrade_from_low_starts_paging_from_now() -> None:
    run = Run("low")
    run.apply(planner.replan(run.state, plan("critical", minutes(30)), minutes(30)), minutes(30))
    run.until(minutes(45))
    assert run.pages == [(30, 0, "declared"), (45, 1, "ack_timeout")]
    assert MentionHere() in run.other


def test_every_armed_deadline_key_is_unique_and_names_its_generation() -> None:
    run = Run("critical")
    keys: list[str] = []
    original = run.apply

    def spy(actions: list[planner.Action], now: datetime) -> None:
        keys.extend(a.key for a in actions if isinstance(a, Arm))
        original(actions, now)

    run.apply = spy  # type: ignore[method-assign]  # spying on the run's own apply
    run.apply(planner.replan(run.state, plan("critical", minutes(1)), minutes(1)), minutes(1))
    run.until(minutes(24 * 60))
    assert len(keys) == len(set(keys)) and all(k.startswith("esc:1:1:") for k in keys)


def test_the_ack_records_who_acknowledged_which_step_and_when() -> None:
    run = Run("critical")
    run.until(minutes(20))
    run.apply(planner.on_ack(run.state, "U0DAVE", minutes(20)), minutes(20))
    assert (run.state.acked_at, run.state.acked_step) == (minutes(20), 1)
    assert run.state.paged_at[1] == minutes(15)


def test_a_policy_edit_cannot_change_an_escalation_in_flight() -> None:
    run = Run("critical")
    stored = json.loads(json.dumps(run.state.to_dict()))
    edited = EscalationPolicy.from_config(
        {**DEFAULT_POLICY_CONFIG, "critical": {"steps": [{"level": "level1", "ack_within": "2h"}]}},
        ["level1", "level2", "level3"],
        ["critical", "high", "medium", "low"],
    )
    assert edited.for_severity("critical").steps[0].ack_within == timedelta(hours=2)
    state = EscalationState.from_dict(stored)
    assert state.plan.severity == "critical" and state.steps[0].ack_within == timedelta(minutes=15)
    assert planner.on_deadline(state, planner.ACK, 0, 0, minutes(15)) == [
        Page(1, "ack_timeout"),
        Arm("esc:1:0:ack:1", "ack", 1, minutes(45)),
    ]


def test_the_snapshot_survives_a_round_trip_through_json() -> None:
    snap = plan("critical", T0)
    assert EscalationSnapshot.from_dict(json.loads(json.dumps(snap.to_dict()))) == snap


def test_a_state_stored_before_snapshots_still_loads() -> None:
    old = {
        "incident_id": 1,
        "steps": [{"level": "level1", "ack_within": 900.0}],
        "repeat_every": None,
        "generation": 0,
        "current_step": 0,
        "paged_at": {"0": T0.isoformat()},
        "done": False,
    }
    state = EscalationState.from_dict(old)
    assert state.steps[0].ack_within == timedelta(minutes=15) and state.plan.started_at == T0
