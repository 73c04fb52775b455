"""Impact by the source's formulas (domain §5), exact to the digit.

duration = end − start in minutes; lost transactions = tps × minutes × 60; revenue loss =
lost transactions × revenue per transaction; downtime % = duration / (30 × 24 × 60) × 100;
availability = 100 − downtime %; SLA violation = max(0, target − availability).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

MONTH_MINUTES = Decimal(30 * 24 * 60)


@dataclass(frozen=True, slots=True)
class ImpactFigures:
    duration_minutes: Decimal
    affected_users: int | None
    lost_transactions: Decimal | None
    revenue_loss: Decimal | None
    downtime_percent: Decimal
    availability: Decimal
    sla_target: Decimal
    sla_violation: Decimal


def _dec(value: float | int | Decimal) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def compute_impact(
    start: datetime,
    end: datetime,
    *,
    users: int | None = None,
    tps: float | None = None,
    revenue_per_txn: float | None = None,
    target: float | Decimal = Decimal("99.9"),
) -> ImpactFigures:
    minutes = _dec((end - start).total_seconds()) / 60
    lost = _dec(tps) * minutes * 60 if tps is not None else None
    revenue = lost * _dec(revenue_per_txn) if lost is not None and revenue_per_txn is not None else None
    downtime = minutes / MONTH_MINUTES * 100
    availability = 100 - downtime
    goal = _dec(target)
    return ImpactFigures(
        duration_minutes=minutes.normalize() if minutes == minutes.to_integral() else minutes,
        affected_users=users,
        lost_transactions=lost,
        revenue_loss=revenue,
        downtime_percent=downtime,
        availability=availability,
        sla_target=goal,
        sla_violation=max(Decimal(0), goal - availability),
    )


def plain(value: Decimal | None, places: int = 4) -> str:
    """A figure as people write it: no exponent, no trailing zeros, thousands separated."""
    if value is None:
        return "—"
    quantized = value.quantize(Decimal(1).scaleb(-places)).normalize()
    text = f"{quantized:,f}"
    return text
