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

from openpyxl.chart import BarChart, Reference
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from i18n import t
from postmortem.cells import Printing, table, workbook
from postmortem.model import ActionItem

# Domain §9: under half of the month's error budget left, feature releases freeze.
FREEZE_BELOW_PERCENT = 50.0
# Severities whose impact is downtime (team config postmortem.outage_severities); a cosmetic
# low incident is not an outage and must not eat the error budget.
DEFAULT_OUTAGE_SEVERITIES = frozenset({"critical", "high"})
# KPI targets from the operations-report template (seeds/003: 対応時間 30分以下) and domain §9.
MTTA_TARGET_MINUTES = 30.0
MTTR_TARGET_MINUTES = 60.0
WITHIN_TARGET_GOAL = 100.0
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
        """The source's formula: impact lasts from the start to the resolution."""
        return self.resolved_at


@dataclass(frozen=True, slots=True)
class OpenAction:
    """An improvement action not done yet, with the incident it belongs to."""

    ref: str
    item: ActionItem


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


Window = tuple[datetime, datetime]


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
    total_minutes: float = 0.0  # the calendar month
    planned_minutes: float = 0.0  # maintenance windows inside it
    unplanned_minutes: float = 0.0  # outage-severity impact outside planned windows, any service
    weekly: dict[int, Counter[str]] = field(default_factory=dict)  # week 1 = days 1–7, … week 5 = days 29–31

    @property
    def overall_availability(self) -> float:
        """Uptime over the time the service was meant to be up (planned downtime left out)."""
        scheduled = self.total_minutes - self.planned_minutes
        return 100.0 if scheduled <= 0 else (scheduled - self.unplanned_minutes) / scheduled * 100


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


def _merged(windows: Sequence[Window]) -> list[Window]:
    out: list[Window] = []
    for start, end in sorted(w for w in windows if w[1] > w[0]):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _minus(windows: Sequence[Window], cut: Sequence[Window]) -> list[Window]:
    """``windows`` with the parts inside ``cut`` taken out (planned downtime is not an outage)."""
    out: list[Window] = []
    for start, end in _merged(windows):
        pieces = [(start, end)]
        for c_start, c_end in _merged(cut):
            pieces = [
                part for s, e in pieces for part in ((s, min(e, c_start)), (max(s, c_end), e)) if part[1] > part[0]
            ]
        out += pieces
    return out


def _total(windows: Sequence[Window]) -> float:
    return sum(_minutes(e - s) for s, e in _merged(windows))


def _clip(windows: Sequence[Window], start: datetime, end: datetime) -> list[Window]:
    return [(max(s, start), min(e, end)) for s, e in windows if s < end and e > start]


def _outages(
    incidents: Sequence[ReportIncident], outage: frozenset[str], as_of: datetime
) -> list[tuple[ReportIncident, Window]]:
    return [(i, (i.started_at, i.impact_end or as_of)) for i in incidents if i.severity in outage]


def _availability(
    outages: Sequence[tuple[ReportIncident, Window]],
    service: str,
    slo: float,
    start: datetime,
    end: datetime,
    planned: Sequence[Window],
) -> ServiceAvailability:
    windows = _clip([w for i, w in outages if service in i.services], start, end)
    down = _total(_minus(windows, planned))
    month_minutes = _minutes(end - start) - _total(planned)  # the calendar month, less planned downtime
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
    outage_severities: frozenset[str] = DEFAULT_OUTAGE_SEVERITIES,
    planned: Sequence[Window] = (),
) -> MonthFigures:
    """The month's numbers. Counts and times cover incidents that started in the month;
    availability counts every minute of outage-severity impact inside it, outside the planned
    windows (an incident still open counts up to ``as_of``, or the month's end)."""
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
    planned_in = _clip(planned, start, end)
    outages = _outages(incidents, outage_severities, until)
    for service, slo in sorted(services_slo.items()):
        figures.availability[service] = _availability(outages, service, slo, start, end, planned_in)
    figures.total_minutes = _minutes(end - start)
    figures.planned_minutes = _total(planned_in)
    figures.unplanned_minutes = _total(_minus(_clip([w for _, w in outages], start, end), planned_in))
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


def previous_month(month: str) -> str:
    year, mon = (int(x) for x in month.split("-"))
    return f"{year - (mon == 1)}-{(mon - 2) % 12 + 1:02d}"


def next_month(month: str) -> str:
    year, mon = (int(x) for x in month.split("-"))
    return f"{year + (mon == 12)}-{mon % 12 + 1:02d}"


# Weekly chart colours that mean something: critical red, high orange, medium amber, low grey.
SEVERITY_COLOURS = {"critical": "C00000", "high": "ED7D31", "medium": "FFC000", "low": "A5A5A5"}
OTHER_COLOURS = ("5B9BD5", "70AD47", "7F7F7F", "264478")


@dataclass(frozen=True, slots=True)
class Kpi:
    """One row of the KPI table: target, actual, achievement, verdict, the month before."""

    key: str
    target: float
    actual: float | None
    previous: float | None
    lower_is_better: bool

    @property
    def achievement(self) -> float | None:
        """Percent of the target reached, at most 100."""
        if self.actual is None:
            return None
        if self.lower_is_better:
            return 100.0 if self.actual <= 0 else min(100.0, self.target / self.actual * 100)
        return min(100.0, self.actual / self.target * 100) if self.target else 100.0

    @property
    def met(self) -> bool | None:
        if self.actual is None:
            return None
        return self.actual <= self.target if self.lower_is_better else self.actual >= self.target

    @property
    def change(self) -> float | None:
        return self.actual - self.previous if self.actual is not None and self.previous is not None else None


def kpis(f: MonthFigures, before: MonthFigures | None, sla_target: float) -> list[Kpi]:
    """Availability, MTTA, MTTR and response within target against their targets (seeds/003, domain §9)."""

    def rate(m: MonthFigures | None) -> float | None:
        return m.within_target_rate * 100 if m and m.within_target_rate is not None else None

    return [
        Kpi("availability", sla_target, f.overall_availability, before.overall_availability if before else None, False),
        Kpi("mtta", MTTA_TARGET_MINUTES, f.mtta_mean, before.mtta_mean if before else None, True),
        Kpi("mttr", MTTR_TARGET_MINUTES, f.mttr_mean, before.mttr_mean if before else None, True),
        Kpi("within_target", WITHIN_TARGET_GOAL, rate(f), rate(before), False),
    ]


def _figure(value: float | None, unit: str, *, signed: bool = False, places: int = 3) -> str:
    if value is None:
        return "—"
    text = f"{value:+,.{places}f}" if signed else f"{value:,.{places}f}"
    return text.rstrip("0").rstrip(".") + unit


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
    outage_severities: frozenset[str] = DEFAULT_OUTAGE_SEVERITIES,
    planned: Sequence[Window] = (),
    sla_target: float = 99.9,
    actions: Sequence[OpenAction] = (),
    names: Mapping[str, str] | None = None,
) -> bytes:
    """The operations report as .xlsx bytes, after the template of seeds/003: the document
    block and period summary, KPIs against their targets with the month before, incidents by
    class, availability per service, each incident in prose, open and overdue actions across
    incidents, and the weekly chart. ``as_of`` is when it is written (default: the month's end)."""
    common = {"services_slo": services_slo, "tz": tz, "severities": severities, "as_of": as_of}
    common |= {"outage_severities": outage_severities, "planned": planned}
    f = month_report_figures(incidents, month, **common)  # type: ignore[arg-type]
    before = month_report_figures(incidents, previous_month(month), **common)  # type: ignore[arg-type]
    labels, people = severity_labels or {}, names or {}
    start, end = month_bounds(month, tz)
    written = (as_of or end).astimezone(tz)

    def L(key: str, **params: str) -> str:
        return t(f"postmortem.report.{key}", locale, **params)

    def sev(severity: str) -> str:
        return labels.get(severity, severity)

    wb = workbook()
    footer = t("postmortem.print.footer", locale)

    def sheet(key: str) -> tuple[WriteOnlyWorksheet, Printing]:
        name = L(f"sheet.{key}")
        return wb.create_sheet(name), Printing(f"{L('title', month=month)} {name}", footer)

    # The document block, the period summary, and the sections people write.
    to_fill = L("to_fill")
    last_day = (end.astimezone(tz) - timedelta(days=1)).date()
    following = next_month(month)
    document: list[list[object]] = [
        [L("doc.section"), ""],
        [L("doc.created"), written.date()],
        [L("doc.version"), "1.0"],
        [L("doc.author"), to_fill],
        [L("doc.reporter"), to_fill],
        [L("doc.approver"), to_fill],
        [L("doc.period"), f"{start.astimezone(tz).date().isoformat()} – {last_day.isoformat()}"],
        [L("doc.next"), L("doc.next_value", month=following, due=next_month(following))],
        [L("period.section"), ""],
        [L("period.total"), round(f.total_minutes / 60, 2)],
        [L("period.planned"), round(f.planned_minutes / 60, 2)],
        [L("period.unplanned"), round(f.unplanned_minutes / 60, 2)],
        [L("period.availability"), f.overall_availability],
        [L("review.section"), ""],
        [L("review.summary"), to_fill],
        [L("review.plan"), to_fill],
    ]
    ws, printing = sheet("report")
    table(ws, [L("item"), L("content")], document, tz, wrap_cols=frozenset({1}), printing=printing)

    units = {"availability": " %", "mtta": L("minutes_unit"), "mttr": L("minutes_unit"), "within_target": " %"}
    places = {"availability": 3, "mtta": 1, "mttr": 1, "within_target": 1}
    kpi_rows = [
        [
            L(f"kpi.{k.key}"),
            ("≤ " if k.lower_is_better else "≥ ") + _figure(k.target, units[k.key], places=places[k.key]),
            _figure(k.actual, units[k.key], places=places[k.key]),
            round(k.achievement, 1) if k.achievement is not None else None,
            "—" if k.met is None else L("kpi.met") if k.met else L("kpi.missed"),
            _figure(k.previous, units[k.key], places=places[k.key]),
            _figure(k.change, units[k.key], signed=True, places=places[k.key]),
        ]
        for k in kpis(f, before, sla_target)
    ]
    ws, printing = sheet("kpi")
    kpi_titles = [L(f"kpi.{c}") for c in ("name", "target", "actual", "achievement", "verdict", "previous", "change")]
    table(ws, kpi_titles, kpi_rows, tz, printing=printing)

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

    today = written.date()
    action_rows = [
        [
            a.ref,
            a.item.n,
            a.item.text,
            people.get(a.item.owner, a.item.owner) if a.item.owner else "",
            a.item.due,
            L("action_overdue") if a.item.due < today else L("action_open"),
        ]
        for a in sorted(actions, key=lambda a: (a.item.due, a.ref, a.item.n))
        if not a.item.done
    ]
    ws, printing = sheet("actions")
    action_titles = [t("postmortem.id", locale), *(t(f"postmortem.action.{k}", locale) for k in ("n", "text", "owner"))]
    action_titles += [t("postmortem.action.due", locale), t("postmortem.action.state", locale)]
    table(ws, action_titles, action_rows, tz, wrap_cols=frozenset({2}), printing=printing)

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
        weekly.add_chart(_weekly_chart(weekly, f, month, locale, len(weeks)), f"A{len(weeks) + 3}")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _weekly_chart(weekly: WriteOnlyWorksheet, f: MonthFigures, month: str, locale: str, weeks: int) -> BarChart:
    """Stacked columns per week, whole-number axis, the legend under the plot, severity colours."""
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "col", "stacked", 100
    chart.title = t("postmortem.report_chart", locale, month=month)
    chart.y_axis.title = t("postmortem.report.incidents", locale)
    most = max((sum(c.values()) for c in f.weekly.values()), default=0)
    chart.y_axis.majorUnit = 1 if most <= 10 else max(1, math.ceil(most / 10))
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = max(1, most)
    chart.y_axis.number_format = "0"
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    chart.legend.position = "b"
    last_col = 1 + len(f.severities)
    chart.add_data(Reference(weekly, min_col=2, max_col=last_col, min_row=1, max_row=1 + weeks), titles_from_data=True)
    chart.set_categories(Reference(weekly, min_col=1, min_row=2, max_row=1 + weeks))
    others = iter(OTHER_COLOURS * 4)
    for severity, series in zip(f.severities, chart.series, strict=False):
        colour = SEVERITY_COLOURS.get(severity) or next(others)
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
    chart.width, chart.height = 18, 9
    return chart
