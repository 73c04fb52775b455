"""The monthly operations report (domain §9): counts by severity and service, MTTA/MTTR (mean
and p90), availability per service against its SLO with the error budget left, the
"response within target" KPI, every incident, and a stacked weekly chart by severity.

``month_report_figures`` computes the numbers; ``build_month_report`` lays them out, so the
sheet and the tests share one computation. Pure and synchronous: callers run it in a thread.
"""

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
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from i18n import t
from postmortem.cells import Printing, table

# Domain §9: under half of the month's error budget left, feature releases freeze.
FREEZE_BELOW_PERCENT = 50.0
CHART_ROWS = 20  # rows the weekly chart covers below its table


@dataclass(frozen=True, slots=True)
class ReportIncident:
    """One incident as the report needs it; the texts are already joined by the caller."""

    ref: str
    title: str
    severity: str
    services: tuple[str, ...]
    started_at: datetime
    acknowledged_at: datetime | None
    mitigated_at: datetime | None
    resolved_at: datetime | None
    response_target: timedelta | None  # the severity's acknowledgement target, if it has one
    impact: str = ""
    cause: str = ""
    response: str = ""
    prevention: str = ""
    detected_at: datetime | None = None

    @property
    def tta(self) -> timedelta | None:
        """Time to acknowledge, from detection (the start when detection was not recorded)."""
        since = self.detected_at or self.started_at
        return max(self.acknowledged_at - since, timedelta(0)) if self.acknowledged_at else None

    @property
    def ttr(self) -> timedelta | None:
        """Time to resolve, from the start: what users lived through."""
        return self.resolved_at - self.started_at if self.resolved_at else None

    @property
    def impact_end(self) -> datetime | None:
        return self.mitigated_at or self.resolved_at


@dataclass(frozen=True, slots=True)
class ServiceAvailability:
    """One service's month: downtime (overlapping incidents counted once) against its SLO."""

    service: str
    slo: float
    downtime_minutes: float
    availability: float
    budget_minutes: float
    budget_left_percent: float

    @property
    def freeze(self) -> bool:
        return self.budget_left_percent < FREEZE_BELOW_PERCENT


@dataclass(slots=True)
class MonthFigures:
    """Every number the report shows."""

    month: str
    count: int
    severities: list[str]
    by_severity: dict[str, int]
    by_service: dict[str, int]
    mtta_mean: float | None
    mtta_p90: float | None
    mttr_mean: float | None
    mttr_p90: float | None
    within_target_rate: float | None  # 0..1, among incidents whose severity has a target
    availability: dict[str, ServiceAvailability] = field(default_factory=dict)
    weekly: dict[int, Counter[str]] = field(default_factory=dict)  # week 1 = days 1–7, … week 5 = days 29–31


def month_bounds(month: str, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The month ``YYYY-MM`` in the team's zone, as a half-open UTC interval."""
    year, mon = (int(x) for x in month.split("-"))
    start = datetime(year, mon, 1, tzinfo=tz)
    end = datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def p90(values: Sequence[float]) -> float | None:
    """The nearest-rank 90th percentile (a value that occurred, never an interpolation)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _minutes(span: timedelta) -> float:
    return span.total_seconds() / 60


def _merged_minutes(windows: list[tuple[datetime, datetime]]) -> float:
    total, reach = 0.0, None
    for start, end in sorted(windows):
        if reach is not None and start < reach:
            start = reach
        if end > start:
            total += _minutes(end - start)
            reach = end if reach is None else max(reach, end)
    return total


def _availability(
    incidents: Sequence[ReportIncident], service: str, slo: float, start: datetime, end: datetime, as_of: datetime
) -> ServiceAvailability:
    windows = [
        (max(i.started_at, start), min(i.impact_end or as_of, end))
        for i in incidents
        if service in i.services and i.started_at < end and (i.impact_end or as_of) > start
    ]
    down = _merged_minutes(windows)
    month_minutes = _minutes(end - start)  # the calendar month, 28 to 31 days
    budget = (100 - slo) / 100 * month_minutes
    left = max(0.0, (budget - down) / budget * 100) if budget > 0 else (100.0 if down == 0 else 0.0)
    return ServiceAvailability(service, slo, down, 100 - down / month_minutes * 100, budget, left)


def month_report_figures(
    incidents: Sequence[ReportIncident],
    month: str,
    *,
    services_slo: Mapping[str, float],
    tz: ZoneInfo,
    severities: Sequence[str] = (),
    as_of: datetime | None = None,
) -> MonthFigures:
    """The month's numbers. Counts and times cover incidents that started in the month;
    availability counts every minute of impact inside it (an incident still open counts up to
    ``as_of``, or the month's end)."""
    start, end = month_bounds(month, tz)
    chosen = sorted((i for i in incidents if start <= i.started_at < end), key=lambda i: i.started_at)
    tta = [_minutes(i.tta) for i in chosen if i.tta is not None]
    ttr = [_minutes(i.ttr) for i in chosen if i.ttr is not None]
    with_target = [i for i in chosen if i.response_target is not None]
    within = [i for i in with_target if i.tta is not None and i.response_target and i.tta <= i.response_target]
    order = list(dict.fromkeys([*severities, *(i.severity for i in chosen)]))
    figures = MonthFigures(
        month=month,
        count=len(chosen),
        severities=order,
        by_severity={s: sum(1 for i in chosen if i.severity == s) for s in order},
        by_service=dict(sorted(Counter(s for i in chosen for s in i.services).items())),
        mtta_mean=_mean(tta),
        mtta_p90=p90(tta),
        mttr_mean=_mean(ttr),
        mttr_p90=p90(ttr),
        within_target_rate=len(within) / len(with_target) if with_target else None,
    )
    until = min(as_of, end) if as_of else end
    for service, slo in sorted(services_slo.items()):
        figures.availability[service] = _availability(incidents, service, slo, start, end, until)
    for i in chosen:
        week = (i.started_at.astimezone(tz).day - 1) // 7 + 1
        figures.weekly.setdefault(week, Counter())[i.severity] += 1
    return figures


def _week_label(month: str, week: int, tz: ZoneInfo, locale: str) -> str:
    start, end = month_bounds(month, tz)
    last_day = (end.astimezone(tz) - timedelta(days=1)).day
    first, last = (week - 1) * 7 + 1, min(week * 7, last_day)
    mon = start.astimezone(tz).month
    return f"{t('postmortem.report.week', locale)} {week} ({mon:02d}/{first:02d}–{mon:02d}/{last:02d})"


def build_month_report(
    incidents: Sequence[ReportIncident],
    month: str,
    *,
    services_slo: Mapping[str, float],
    tz: ZoneInfo,
    locale: str,
    severities: Sequence[str] = (),
    severity_labels: Mapping[str, str] | None = None,
    as_of: datetime | None = None,
) -> bytes:
    """The report as .xlsx bytes: Summary, Availability, Incidents, and Weekly with its chart."""
    f = month_report_figures(incidents, month, services_slo=services_slo, tz=tz, severities=severities, as_of=as_of)
    labels = severity_labels or {}

    def L(key: str, **params: str) -> str:
        return t(f"postmortem.report.{key}", locale, **params)

    def sev(severity: str) -> str:
        return labels.get(severity, severity)

    wb = Workbook(write_only=True)
    footer = t("postmortem.print.footer", locale)

    def sheet(key: str) -> tuple[WriteOnlyWorksheet, Printing]:
        name = L(f"sheet.{key}")
        return wb.create_sheet(name), Printing(f"{L('title', month=month)} {name}", footer)

    rate = f.within_target_rate * 100 if f.within_target_rate is not None else None
    rows: list[list[object]] = [
        [L("month"), f.month],
        [L("incidents"), f.count],
        [L("mtta_mean"), f.mtta_mean],
        [L("mtta_p90"), f.mtta_p90],
        [L("mttr_mean"), f.mttr_mean],
        [L("mttr_p90"), f.mttr_p90],
        [L("within_target"), rate],
    ]
    rows += [[L("by_severity", severity=sev(s)), n] for s, n in f.by_severity.items()]
    rows += [[L("by_service", service=s), n] for s, n in f.by_service.items()]
    ws, printing = sheet("summary")
    table(ws, [L("figure"), t("postmortem.value", locale)], rows, tz, printing=printing)

    freeze = {True: L("freeze_yes"), False: L("freeze_no")}
    ws, printing = sheet("availability")
    table(
        ws,
        [L("service"), L("availability"), L("slo"), L("downtime"), L("budget_left"), L("freeze")],
        [
            [a.service, a.availability, a.slo, round(a.downtime_minutes, 1), a.budget_left_percent, freeze[a.freeze]]
            for a in f.availability.values()
        ],
        tz,
        printing=printing,
    )

    start, end = month_bounds(month, tz)
    chosen = sorted((i for i in incidents if start <= i.started_at < end), key=lambda i: i.started_at)
    zone = f" ({tz})"
    columns = ["services", "tta", "ttr", "within", "impact", "cause", "response", "prevention"]
    titles = [
        t("postmortem.id", locale),
        t("postmortem.incident_title", locale),
        t("postmortem.severity", locale),
        t("postmortem.at.started", locale) + zone,
        *(L(c) for c in columns),
    ]

    def within(i: ReportIncident) -> str:
        if i.response_target is None:
            return ""
        return L("yes") if i.tta is not None and i.tta <= i.response_target else L("no")

    ws, printing = sheet("incidents")
    table(
        ws,
        titles,
        [
            [
                i.ref,
                i.title,
                sev(i.severity),
                i.started_at,
                ", ".join(i.services),
                round(_minutes(i.tta), 1) if i.tta is not None else None,
                round(_minutes(i.ttr), 1) if i.ttr is not None else None,
                within(i),
                i.impact,
                i.cause,
                i.response,
                i.prevention,
            ]
            for i in chosen
        ],
        tz,
        wrap_cols=frozenset({1, 8, 9, 10, 11}),
        printing=printing,
    )

    weeks = range(1, 6)
    weekly, printing = sheet("weekly")
    table(
        weekly,
        [L("week"), *(sev(s) for s in f.severities)],
        [
            [_week_label(month, w, tz, locale), *(f.weekly.get(w, Counter()).get(s, 0) for s in f.severities)]
            for w in weeks
        ],
        tz,
        printing=printing,
        print_rows=CHART_ROWS,
    )
    if f.severities:
        chart = BarChart()
        chart.type, chart.grouping, chart.overlap = "col", "stacked", 100
        chart.title = t("postmortem.report_chart", locale, month=month)
        chart.y_axis.title = L("incidents")
        last_col = 1 + len(f.severities)
        chart.add_data(
            Reference(weekly, min_col=2, max_col=last_col, min_row=1, max_row=1 + len(weeks)), titles_from_data=True
        )
        chart.set_categories(Reference(weekly, min_col=1, min_row=2, max_row=1 + len(weeks)))
        chart.width, chart.height = 18, 9
        weekly.add_chart(chart, f"A{len(weeks) + 3}")  # below the table: on the same printed page
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
