"""The RCA template is pre-filled only with what responders wrote."""

from __future__ import annotations

from datetime import date

import pytest

from postmortem.model import ActionItem
from postmortem.root_cause import SECTIONS, prefill
from tests.postmortem.example import entry, jst


def test_the_first_root_cause_is_direct_and_later_ones_underlying_in_time_order() -> None:
    rca = prefill(
        [
            entry(2, jst(15, 50), "root_cause", "no alert on pool saturation"),
            entry(1, jst(15, 40), "root_cause", "config push halved the pool"),
            entry(3, jst(15, 55), "root_cause", "retracted", deleted=True),
        ]
    )
    assert rca.items("direct") == ["config push halved the pool"]
    assert rca.items("underlying") == ["no alert on pool saturation"]


def test_process_and_organisational_causes_are_left_for_the_review() -> None:
    rca = prefill(
        [entry(1, jst(15, 40), "root_cause", "bad deploy of config"), entry(2, jst(15, 0), "escalation", "x")]
    )
    for part in ("development", "deployment", "communication", "skills"):
        assert rca.items(part) == []


def test_hypotheses_and_verifications_are_evidence_on_one_line() -> None:
    rca = prefill(
        [entry(1, jst(14, 50), "hypothesis", "pool\nexhausted"), entry(2, jst(15, 5), "verification", "200/200")]
    )
    assert rca.hypotheses == ["pool exhausted"] and rca.verifications == ["200/200"]


def test_actions_are_grouped_by_horizon_in_number_order() -> None:
    items = [
        ActionItem(2, "short", "b", None, date(2026, 12, 1), False),
        ActionItem(1, "short", "a", None, date(2026, 12, 1), True),
        ActionItem(3, "long", "c", None, date(2027, 5, 1), False),
    ]
    rca = prefill([], items)
    assert [a.n for a in rca.actions["short"]] == [1, 2]
    assert rca.actions["medium"] == [] and [a.n for a in rca.actions["long"]] == [3]


def test_the_template_has_the_sources_six_parts() -> None:
    assert [p for _, parts in SECTIONS for p in parts] == [
        "direct",
        "underlying",
        "development",
        "deployment",
        "communication",
        "skills",
    ]
    with pytest.raises(KeyError):
        prefill([]).items("hypotheses")
