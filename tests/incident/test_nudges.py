"""Reminders are planned from the incident and explicit times, and go quiet when things move."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from incident import nudges
from incident.model import Incident, IncidentRef, Status
from incident.severity import DEFAULT_SCALE

DECLARED = datetime(2026, 11, 22, 14, 30, tzinfo=UTC)


def _incident(severity: str = "critical", *, commander: str | None = "U0BOB") -> Incident:
    return Incident(
        7,
        IncidentRef(2026, 7),
        "Checkout down",
        severity,
        Status.INVESTIGATING,
        "U0ALICE",
        DECLARED,
        DECLARED,
        commander=commander,
    )


def _due(incident: Incident, now: datetime, last_activity: datetime = DECLARED) -> list[str]:
    return [n.kind for n in nudges.planned(incident, DEFAULT_SCALE, last_activity) if n.due_at <= now]


def test_a_critical_incident_without_an_update_for_30_minutes_is_due_one_status_update() -> None:
    incident = _incident()
    assert _due(incident, DECLARED + timedelta(minutes=29)) == []
    assert _due(incident, DECLARED + timedelta(minutes=30)) == ["status_update"]


def test_the_cadence_follows_the_severity() -> None:
    (high,) = [n for n in nudges.planned(_incident("high"), DEFAULT_SCALE, DECLARED) if n.kind == "status_update"]
    assert high.due_at == DECLARED + timedelta(hours=2)
    low = nudges.planned(_incident("low"), DEFAULT_SCALE, DECLARED)
    assert "status_update" not in [n.kind for n in low]


def test_an_update_moves_the_next_status_update_and_silences_the_pending_one() -> None:
    incident = _incident()
    (pending,) = [n for n in nudges.planned(incident, DEFAULT_SCALE, DECLARED) if n.kind == "status_update"]
    incident.last_update_at = DECLARED + timedelta(minutes=20)
    assert not nudges.still_due("status_update", pending.basis, incident, DECLARED)
    assert _due(incident, DECLARED + timedelta(minutes=30)) == []
    assert _due(incident, DECLARED + timedelta(minutes=50)) == ["status_update"]


def test_a_fired_status_update_repeats_every_cadence_while_nobody_posts() -> None:
    incident = _incident()
    fired_at = DECLARED + timedelta(minutes=30)
    again = nudges.repeat("status_update", DECLARED, fired_at, incident, DEFAULT_SCALE)
    assert again is not None and again.due_at == DECLARED + timedelta(hours=1) and again.basis == DECLARED
    assert nudges.still_due("status_update", DECLARED, incident, DECLARED)


def test_no_commander_is_due_ten_minutes_after_declaring_and_only_once() -> None:
    incident = _incident(commander=None)
    assert _due(incident, DECLARED + timedelta(minutes=10)) == ["no_commander"]
    assert nudges.repeat("no_commander", DECLARED, DECLARED + timedelta(minutes=10), incident, DEFAULT_SCALE) is None
    incident.commander = "U0BOB"
    assert not nudges.still_due("no_commander", DECLARED, incident, DECLARED)


def test_a_day_without_activity_is_due_an_inactivity_reminder() -> None:
    incident = _incident("low")
    active = DECLARED + timedelta(hours=3)
    assert _due(incident, active + timedelta(hours=23, minutes=59), active) == []
    assert _due(incident, active + timedelta(hours=24), active) == ["inactive"]
    assert not nudges.still_due("inactive", DECLARED, incident, active)


def test_resolved_and_closed_incidents_get_no_reminders() -> None:
    for status in (Status.RESOLVED, Status.CLOSED):
        incident = _incident(commander=None)
        incident.status = status
        assert nudges.planned(incident, DEFAULT_SCALE, DECLARED) == []
        assert not nudges.still_due("status_update", DECLARED, incident, DECLARED)


def test_each_reminder_has_a_key_a_scheduler_can_deduplicate_on() -> None:
    first = nudges.planned(_incident(), DEFAULT_SCALE, DECLARED)
    second = nudges.planned(_incident(), DEFAULT_SCALE, DECLARED)
    assert [n.key(7) for n in first] == [n.key(7) for n in second]
    assert len({n.key(7) for n in first}) == len(first)
    assert all(n.key(7).startswith(nudges.prefix(7)) for n in first)


def test_pages_and_suggestions_are_not_activity_but_notes_are() -> None:
    assert not any(nudges.counts_as_activity(k) for k in ("page", "fyi", "escalated", "kb_suggestion"))
    assert all(nudges.counts_as_activity(k) for k in ("note", "status_update", "ack", "hypothesis"))
