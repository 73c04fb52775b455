"""The monthly operations report (domain §9): counts, MTTA/MTTR, availability against SLOs,
the response-within-target rate, every incident, and a weekly chart by severity."""

from __future__ import annotations

import io
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

from i18n import t
from postmortem.cells import table


@dataclass(frozen=True, slots=True)
class ReportIncident:
    ref: str
    title: str
    severity: str
    services: tuple[str, ...]
    started_at: datetime
    acknowledged_at: datetime | None
    mitigated_at: datetime | None
    resolved_at: datetime | None
    response_target: timedelta | None
    impact: str = ""
    cause: str = ""
    response: str = ""
    prevention: str = ""

    @property
    def tta(self) -> timedelta | None:
        return self.acknowledged_at - self.started_at if self.acknowledged_at else None

    @property
    def ttr(self) -> timedelta | None:
        return self.resolved_at - self.started_at if self.resolved_at else None

    @property
    def downtime(self) -> timedelta:
        end = self.mitigated_at or self.resolved_at
        return end - self.started_at if end else timedelta(0)


def _minutes(values: Sequence[timedelta]) -> list[float]:
    return sorted(v.total_seconds() / 60 for v in values)


def _p90(sorted_minutes: list[float]) -> float | None:
    if not sorted_minutes:
        return None
    rank = math.ceil(0.9 * len(sorted_minutes)) - 1  # nearest-rank
    return sorted_minutes[rank]


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


@dataclass(slots=True)
class MonthFigures:
    month: str
    count: int
    by_severity: dict[str, int]
    by_service: dict[str, int]
    mtta_mean: float | None
    mtta_p90: float | None
    mttr_mean: float | None
    mttr_p90: float | None
    within_target_rate: float | None
    availability: dict[str, tuple[float, float, float]] = field(
        default_factory=dict
    )  # service → (actual %, SLO %, budget left %)
    weekly: dict[int, Counter[str]] = field(default_factory=dict)


def month_bounds(month: str, tz: ZoneInfo) -> tuple[datetime, datetime]:
    year, mon = (int(x) for x in month.split("-"))
    start = datetime(year, mon, 1, tzinfo=tz)
    end = datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def month_figures(
    incidents: Sequence[ReportIncident], month: str, *, services_slo: Mapping[str, float], tz: ZoneInfo
) -> MonthFigures:
    start, end = month_bounds(month, tz)
    chosen = [i for i in incidents if start <= i.started_at < end]
    tta = _minutes([i.tta for i in chosen if i.tta is not None])
    ttr = _minutes([i.ttr for i in chosen if i.ttr is not None])
    with_target = [i for i in chosen if i.response_target is not None]
    within = [i for i in with_target if i.tta is not None and i.tta <= i.response_target]  # type: ignore[operator]
    figures = MonthFigures(
        month=month,
        count=len(chosen),
        by_severity=dict(Counter(i.severity for i in chosen)),
        by_service=dict(Counter(s for i in chosen for s in i.services)),
        mtta_mean=_mean(tta),
        mtta_p90=_p90(tta),
        mttr_mean=_mean(ttr),
        mttr_p90=_p90(ttr),
        within_target_rate=len(within) / len(with_target) if with_target else None,
    )
    month_minutes = (end - start).total_seconds() / 60
    for service, slo in services_slo.items():
        down = sum(i.downtime.total_seconds() / 60 for i in chosen if service in i.services)
        actual = 100 - down / month_minutes * 100
        budget = (100 - slo) / 100 * month_minutes
        left = 100.0 if budget == 0 and down == 0 else max(0.0, (budget - down) / budget * 100) if budget else 0.0
        figures.availability[service] = (actual, slo, left)
    for i in chosen:
        week = (i.started_at.astimezone(tz).day - 1) // 7 + 1
        figures.weekly.setdefault(week, Counter())[i.severity] += 1
    return figures


def build_month_report(
    incidents: Sequence[ReportIncident],
    month: str,
    *,
    services_slo: Mapping[str, float],
    severities: Sequence[str],
    tz: ZoneInfo,
    locale: str,
) -> bytes:
    f = month_figures(incidents, month, services_slo=services_slo, tz=tz)
    wb = Workbook(write_only=True)
    rows = [
        ["Month", f.month],
        ["Incidents", f.count],
        ["MTTA mean (min)", f.mtta_mean],
        ["MTTA p90 (min)", f.mtta_p90],
        ["MTTR mean (min)", f.mttr_mean],
        ["MTTR p90 (min)", f.mttr_p90],
        ["Response within target (%)", f.within_target_rate * 100 if f.within_target_rate is not None else None],
    ]
    rows += [[f"Severity: {s}", f.by_severity.get(s, 0)] for s in severities]
    rows += [[f"Service: {s}", n] for s, n in sorted(f.by_service.items())]
    table(wb.create_sheet("Summary"), ["Figure", "Value"], rows, tz)
    table(
        wb.create_sheet("Availability"),
        ["Service", "Availability (%)", "SLO (%)", "Error budget left (%)"],
        [[s, a, slo, left] for s, (a, slo, left) in sorted(f.availability.items())],
        tz,
    )
    start, end = month_bounds(month, tz)
    chosen = sorted((i for i in incidents if start <= i.started_at < end), key=lambda i: i.started_at)
    zone = f" ({tz})"
    table(
        wb.create_sheet("Incidents"),
        [
            "ID",
            "Title",
            "Severity",
            "Services",
            "Started" + zone,
            "TTA (min)",
            "TTR (min)",
            "Impact",
            "Cause",
            "Response",
            "Prevention",
        ],
        [
            [
                i.ref,
                i.title,
                i.severity,
                ", ".join(i.services),
                i.started_at,
                round(i.tta.total_seconds() / 60, 1) if i.tta else None,
                round(i.ttr.total_seconds() / 60, 1) if i.ttr else None,
                i.impact,
                i.cause,
                i.response,
                i.prevention,
            ]
            for i in chosen
        ],
        tz,
        wrap_cols=frozenset({7, 8, 9, 10}),
    )
    weekly = wb.create_sheet("Weekly")
    weekly.append(["Week", *severities])
    weeks = range(1, 6)
    for week in weeks:
        weekly.append([f"W{week}", *[f.weekly.get(week, Counter()).get(s, 0) for s in severities]])
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "col", "stacked", 100
    chart.title = t("postmortem.report_chart", locale, month=month)
    data = Reference(weekly, min_col=2, max_col=1 + len(severities), min_row=1, max_row=1 + len(weeks))
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(weekly, min_col=1, min_row=2, max_row=1 + len(weeks)))
    weekly.add_chart(chart, "H2")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
