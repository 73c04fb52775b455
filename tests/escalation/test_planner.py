"""The paging state machine on the default policy, minute by minute."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from escalation import planner
from escalation.planner import Arm, CancelAll, EscalationState, Page
from escalation.policy import DEFAULT_POLICY_CONFIG, EscalationPolicy

T0 = datetime(2026, 11, 22, 5, 30, tzinfo=UTC)
POLICY = EscalationPolicy.from_config(
    DEFAULT_POLICY_CONFIG, ["level1", "level2", "level3"], ["critical", "high", "medium", "low"]
)


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


class Run:
    """Drives the planner like the engine does: fire due deadlines in order."""

    def __init__(self, severity: str = "critical") -> None:
        self.state = planner.snapshot(1, POLICY.for_severity(severity))
        self.pending: dict[str, Arm] = {}
        self.pages: list[tuple[float, int, str]] = []
        self.apply(planner.start(self.state, POLICY.for_severity(severity), T0), T0)

    def apply(self, actions: list[planner.Action], now: datetime) -> None:
        for action in actions:
            if isinstance(action, CancelAll):
                self.pending.clear()
            elif isinstance(action, Arm):
                self.pending[action.key] = action
            elif isinstance(action, Page):
                self.pages.append(((now - T0).total_seconds() / 60, action.step, action.reason))

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
    planner.replan(run.state, POLICY.for_severity("high"), minutes(1))
    assert planner.on_deadline(run.state, planner.ACK, 0, 0, minutes(15)) == []


def test_upgrade_replans_from_now_with_faster_deadlines() -> None:
    run = Run("high")
    run.until(minutes(20))
    run.apply(planner.replan(run.state, POLICY.for_severity("critical"), minutes(20)), minutes(20))
    run.until(minutes(35))
    assert run.pages[-1] == (35, 1, "ack_timeout")


def test_downgrade_to_low_cancels_pending_pages() -> None:
    run = Run("critical")
    run.apply(planner.replan(run.state, POLICY.for_severity("low"), minutes(5)), minutes(5))
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
    state = planner.snapshot(1, policy)
    run = Run.__new__(Run)
    run.state, run.pending, run.pages = state, {}, []
    run.apply(planner.start(state, policy, T0), T0)
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
