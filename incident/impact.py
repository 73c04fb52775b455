"""Impact by the source's formulas (domain §5), exact to the digit.

duration = end − start in minutes; lost transactions = tps × minutes × 60; revenue loss =
lost transactions × revenue per transaction; downtime % = duration / (30 × 24 × 60) × 100;
availability = 100 − downtime %; SLA violation = max(0, target − availability).

Decimal throughout: the worked example must give 99.6875 and 0.2125, not 99.68749999.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

# The source's "month" is always 30 days, whatever the calendar says.
MONTH_MINUTES = Decimal(30 * 24 * 60)
DEFAULT_SLA_TARGET = Decimal("99.9")


@dataclass(frozen=True, slots=True)
class ImpactFigures:
    """The figures of one incident's impact; None where an input was missing."""

    duration_minutes: Decimal | None
    affected_users: int | None
    lost_transactions: Decimal | None
    revenue_loss: Decimal | None
    downtime_percent: Decimal | None
    availability: Decimal | None
    sla_target: Decimal
    sla_violation: Decimal | None


def _dec(value: float | int | Decimal) -> Decimal:
    # str() first: Decimal(0.1) would carry the binary float's noise into the figures.
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _exact_minutes(delta: timedelta) -> Decimal:
    seconds = Decimal(delta.days * 86400 + delta.seconds) + Decimal(delta.microseconds) / Decimal(10**6)
    minutes = seconds / 60
    return minutes.quantize(Decimal(1)) if minutes == minutes.to_integral_value() else minutes


def compute_impact(
    start: datetime | None,
    end: datetime | None,
    *,
    users: int | None = None,
    tps: float | Decimal | None = None,
    revenue_per_txn: float | Decimal | None = None,
    target: float | Decimal = DEFAULT_SLA_TARGET,
) -> ImpactFigures:
    """Apply the source's formulas. Missing inputs give None figures, never an error.

    An end before the start (a mistyped time) counts as no downtime rather than negative.
    """
    goal = _dec(target)
    minutes = _exact_minutes(max(end - start, timedelta(0))) if start and end else None
    lost = _dec(tps) * minutes * 60 if tps is not None and minutes is not None else None
    revenue = lost * _dec(revenue_per_txn) if lost is not None and revenue_per_txn is not None else None
    downtime = minutes / MONTH_MINUTES * 100 if minutes is not None else None
    availability = 100 - downtime if downtime is not None else None
    return ImpactFigures(
        duration_minutes=minutes,
        affected_users=users,
        lost_transactions=lost,
        revenue_loss=revenue,
        downtime_percent=downtime,
        availability=availability,
        sla_target=goal,
        sla_violation=max(Decimal(0), goal - availability) if availability is not None else None,
    )


def plain(value: Decimal | int | None, places: int = 4) -> str:
    """A figure as people write it: no exponent, no trailing zeros, thousands separated; — when absent."""
    if value is None:
        return "—"
    quantized = Decimal(value).quantize(Decimal(1).scaleb(-places))
    text = f"{quantized:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
