"""The status machine: every legal move works, every illegal one is refused unchanged."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest

from i18n import catalog
from incident.lifecycle import ALLOWED, REOPEN, Refusal, Transition, apply, transition
from incident.model import Incident, IncidentRef, Status

NOW = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)
TARGETS = [*Status, REOPEN]


def _incident(status: Status) -> Incident:
    declared = datetime(2026, 11, 22, 5, 0, tzinfo=UTC)
    incident = Incident(1, IncidentRef(2026, 1), "t", "high", status, "U1", declared, declared)
    if status in (Status.RESOLVED, Status.CLOSED):
        incident.resolved_at = incident.mitigated_at = declared
    return incident


LEGAL = {
    (Status.INVESTIGATING, Status.IDENTIFIED),
    (Status.INVESTIGATING, Status.MITIGATED),
    (Status.INVESTIGATING, Status.RESOLVED),
    (Status.IDENTIFIED, Status.MITIGATED),
    (Status.IDENTIFIED, Status.RESOLVED),
    (Status.MITIGATED, Status.RESOLVED),
    (Status.RESOLVED, Status.CLOSED),
    (Status.RESOLVED, REOPEN),
}


@pytest.mark.parametrize("current", list(Status))
@pytest.mark.parametrize("target", TARGETS)
def test_every_pair_of_status_and_target(current: Status, target: Status | str) -> None:
    incident = _incident(current)
    before = copy.deepcopy(incident)
    result = transition(incident, target, now=NOW)  # type: ignore[arg-type]  # TARGETS includes bad words on purpose
    assert incident == before, "deciding must not change the incident"
    if (current, target) in LEGAL:
        assert isinstance(result, Transition)
        apply(incident, result)
        expected = Status.INVESTIGATING if target == REOPEN else target
        assert incident.status is expected
    else:
        assert isinstance(result, Refusal)
        assert catalog().has(result.key)


def test_the_table_and_the_expectations_agree() -> None:
    table = {(a, b) for a, targets in ALLOWED.items() for b in targets if b is not Status.INVESTIGATING}
    assert table | {(Status.RESOLVED, REOPEN)} == LEGAL


def test_resolving_records_mitigation_and_resolution_times() -> None:
    incident = _incident(Status.INVESTIGATING)
    change = transition(incident, Status.RESOLVED, now=NOW)
    assert isinstance(change, Transition)
    apply(incident, change)
    assert incident.resolved_at == incident.mitigated_at == NOW


def test_reopening_clears_the_resolution() -> None:
    incident = _incident(Status.RESOLVED)
    change = transition(incident, REOPEN, now=NOW)
    assert isinstance(change, Transition)
    apply(incident, change)
    assert incident.status is Status.INVESTIGATING and incident.resolved_at is None


def test_resolving_twice_says_it_is_already_resolved() -> None:
    result = transition(_incident(Status.RESOLVED), Status.RESOLVED, now=NOW)
    assert isinstance(result, Refusal) and result.key == "lifecycle.already_resolved"


def test_anything_on_a_closed_incident_is_refused_as_final() -> None:
    for target in TARGETS:
        result = transition(_incident(Status.CLOSED), target, now=NOW)
        assert isinstance(result, Refusal) and result.key == "lifecycle.closed_final"
