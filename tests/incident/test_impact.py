"""Impact maths: the source's formulas and its worked example, to the digit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from incident.impact import compute_impact, plain

START = datetime(2026, 11, 22, 14, 30, tzinfo=UTC)
END = datetime(2026, 11, 22, 16, 45, tzinfo=UTC)


def test_the_worked_example_gives_the_sources_figures_exactly() -> None:
    f = compute_impact(START, END, users=10_000, tps=50, revenue_per_txn=10, target=99.9)
    assert f.duration_minutes == 135
    assert f.affected_users == 10_000
    assert f.lost_transactions == 405_000
    assert f.revenue_loss == 4_050_000
    assert f.downtime_percent == Decimal("0.3125")
    assert f.availability == Decimal("99.6875")
    assert f.sla_violation == Decimal("0.2125")


def test_the_default_target_is_99_9() -> None:
    assert compute_impact(START, END).sla_target == Decimal("99.9")
    assert compute_impact(START, END).sla_violation == Decimal("0.2125")


def test_missing_load_figures_are_none_not_errors() -> None:
    f = compute_impact(START, END)
    assert (f.affected_users, f.lost_transactions, f.revenue_loss) == (None, None, None)
    assert f.duration_minutes == 135 and f.availability == Decimal("99.6875")


def test_revenue_needs_both_tps_and_price() -> None:
    assert compute_impact(START, END, tps=50).revenue_loss is None
    assert compute_impact(START, END, revenue_per_txn=10).lost_transactions is None


def test_an_incident_without_an_end_has_no_duration_figures() -> None:
    f = compute_impact(START, None, users=5, tps=1)
    assert f.duration_minutes is None and f.availability is None and f.sla_violation is None
    assert f.lost_transactions is None and f.affected_users == 5


def test_availability_above_target_is_no_violation() -> None:
    f = compute_impact(START, START + timedelta(minutes=30))
    assert f.availability == Decimal(100) - Decimal(30) / Decimal(43200) * 100
    assert f.sla_violation == 0


def test_an_end_before_the_start_counts_as_no_downtime() -> None:
    f = compute_impact(END, START)
    assert f.duration_minutes == 0 and f.availability == 100


def test_seconds_and_decimal_inputs_stay_exact() -> None:
    f = compute_impact(START, START + timedelta(minutes=1, seconds=30), tps=Decimal("0.1"), revenue_per_txn=0.3)
    assert f.duration_minutes == Decimal("1.5")
    assert f.lost_transactions == Decimal("9")
    assert f.revenue_loss == Decimal("2.7")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("4050000"), "4,050,000"),
        (Decimal("99.6875"), "99.6875"),
        (Decimal("130"), "130"),
        (Decimal("1.3E+2"), "130"),
        (Decimal("0.21250000"), "0.2125"),
        (Decimal(100) - Decimal(7) / Decimal(432), "99.9838"),
        (None, "—"),
    ],
)
def test_plain_writes_figures_as_people_do(value: Decimal | None, text: str) -> None:
    assert plain(value) == text
