"""The monthly report agrees with figures worked out by hand."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from postmortem.report import ReportIncident, build_month_report, month_bounds, month_report_figures, p90

TOKYO = ZoneInfo("Asia/Tokyo")
MONTH_MINUTES = 30 * 24 * 60  # November


def inc(
    ref: str,
    sev: str,
    start: datetime,
    tta: int,
    ttr: int,
    target: int | None,
    services: tuple[str, ...] = ("checkout",),
) -> ReportIncident:
    start = start.astimezone(UTC)
    return ReportIncident(
        ref,
        f"incident {ref}",
        sev,
        services,
        start,
        start + timedelta(minutes=tta),
        start + timedelta(minutes=ttr),
        start + timedelta(minutes=ttr),
        timedelta(minutes=target) if target else None,
        cause=f"cause {ref}",
        prevention=f"=prevent {ref}",
    )


def nov(day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=TOKYO)


INCIDENTS = [
    inc("A", "critical", nov(2), 10, 60, 15),
    inc("A2", "high", nov(2, 10, 30), 5, 60, 60),  # overlaps A on checkout: 10:00–11:30 is 90 minutes, not 120
    inc("B", "high", nov(9), 30, 120, 60),
    inc("C", "medium", nov(16), 300, 600, 240, ("search",)),
    inc("D", "low", nov(23), 20, 40, None),
    inc("E", "high", nov(30), 90, 200, 60, ("checkout", "search")),
    inc("X", "critical", nov(1, 0, 0), 5, 5, 15),  # midnight 1 Nov in Tokyo is still 31 Oct in UTC
    # Started in October, impact runs one hour into November: availability only.
    inc("Y", "medium", datetime(2026, 10, 31, 23, 0, tzinfo=TOKYO), 10, 120, 240, ("search",)),
    inc("Z", "critical", datetime(2026, 12, 1, 0, 0, tzinfo=TOKYO), 1, 1, 15),  # December
]
SLO = {"checkout": 99.9, "search": 95.0, "auth": 99.9}
SEVERITIES = ["critical", "high", "medium", "low"]


def summary(book: Workbook) -> dict[object, object]:
    return {r[0].value: r[1].value for r in book.worksheets[2].iter_rows(min_row=2)}


@pytest.fixture(scope="module")
def book() -> Workbook:
    data = build_month_report(INCIDENTS, "2026-11", services_slo=SLO, severities=SEVERITIES, tz=TOKYO, locale="en")
    return load_workbook(io.BytesIO(data))


def test_the_month_is_taken_in_the_teams_zone() -> None:
    start, end = month_bounds("2026-11", TOKYO)
    assert start == datetime(2026, 10, 31, 15, 0, tzinfo=UTC) and end == datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
    assert month_bounds("2026-12", TOKYO)[1] == datetime(2026, 12, 31, 15, 0, tzinfo=UTC)


def test_counts_by_severity_and_service(book: Workbook) -> None:
    s = summary(book)
    assert book.sheetnames == ["Report", "KPIs", "By class", "Availability", "Incidents", "Open actions", "Weekly"]
    assert s["Month"] == "2026-11" and s["Incidents"] == 7
    counts = [s[f"Severity: {x}"] for x in SEVERITIES]
    assert counts == [2, 3, 1, 1]
    assert s["Service: checkout"] == 6 and s["Service: search"] == 2


def test_mtta_mttr_mean_and_p90_by_hand(book: Workbook) -> None:
    s = summary(book)
    tta = [10, 5, 30, 300, 20, 90, 5]
    ttr = [60, 60, 120, 600, 40, 200, 5]
    assert s["MTTA mean (min)"] == pytest.approx(sum(tta) / 7, abs=5e-4)
    assert s["MTTR mean (min)"] == pytest.approx(sum(ttr) / 7, abs=5e-4)
    assert s["MTTA p90 (min)"] == 300 and s["MTTR p90 (min)"] == 600  # nearest rank: ceil(0.9 × 7) = 7th of 7


def test_response_within_target_rate_by_hand(book: Workbook) -> None:
    # A 10 ≤ 15, A2 5 ≤ 60, B 30 ≤ 60, X 5 ≤ 15 meet it; C 300 > 240 and E 90 > 60 miss; D has no target.
    assert summary(book)["Response within target (%)"] == pytest.approx(4 / 6 * 100, abs=5e-4)


def test_availability_and_error_budget_by_hand(book: Workbook) -> None:
    rows = {r[0].value: [c.value for c in r[1:]] for r in book["Availability"].iter_rows(min_row=2)}
    checkout_down = 90 + 120 + 200 + 5  # A and A2 merged; D is low: not an outage
    availability, slo, down, left, freeze = rows["checkout"]
    assert down == checkout_down and availability == pytest.approx(100 - checkout_down / MONTH_MINUTES * 100, abs=5e-4)
    assert (slo, left, freeze) == (99.9, 0, "yes (under 50 % of the budget left)")  # 43.2 min of budget, gone
    search_down = 200  # E; C and Y are medium: not outages by default
    availability, slo, down, left, freeze = rows["search"]
    budget = 0.05 * MONTH_MINUTES  # 2,160 minutes
    assert down == search_down and availability == pytest.approx(100 - search_down / MONTH_MINUTES * 100, abs=5e-4)
    assert left == pytest.approx((budget - search_down) / budget * 100, abs=5e-4) and freeze == "no"
    assert rows["auth"] == [100, 99.9, 0, 100, "no"]


def test_every_incident_of_the_month_is_listed_with_its_texts(book: Workbook) -> None:
    sheet = book["Incidents"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["ID", "Title", "Severity", "Started (Asia/Tokyo)"]
    assert header[-4:] == ["Impact", "Cause", "Response", "Prevention"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert [r[0] for r in rows] == ["X", "A", "A2", "B", "C", "D", "E"]
    x = rows[0]
    assert x[3] == datetime(2026, 11, 1, 0, 0) and x[5] == 5 and x[6] == 5 and x[7] == "yes"
    assert rows[5][7] is None and rows[4][7] == "no"  # D has no target (empty cell); C missed it
    evil = next(sheet.iter_rows(min_row=2, max_row=2))[-1]
    assert evil.value == "=prevent X" and evil.data_type == "s"


def test_the_weekly_table_and_its_stacked_chart(book: Workbook) -> None:
    weekly = [[c.value for c in r] for r in book["Weekly"].iter_rows()]
    assert weekly[0] == ["Week", *SEVERITIES]
    assert weekly[1] == ["Week 1 (11/01–11/07)", 2, 1, 0, 0]
    assert [r[1:] for r in weekly[2:]] == [[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0, 1, 0, 0]]
    assert weekly[5][0] == "Week 5 (11/29–11/30)"


def test_the_report_file_carries_a_stacked_bar_chart_in_japanese() -> None:
    labels = {"critical": "重大", "high": "高", "medium": "中", "low": "低"}
    data = build_month_report(INCIDENTS, "2026-11", services_slo=SLO, tz=TOKYO, locale="ja", severity_labels=labels)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        chart = next(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        xml = z.read(chart).decode()
    assert "<barChart>" in xml and '<grouping val="stacked" />' in xml and "週別インシデント件数" in xml
    book = load_workbook(io.BytesIO(data))
    s = summary(book)
    assert s["インシデント件数"] == 7 and s["重大度: 重大"] == 2
    sheets = ["報告書", "主要指標", "分類別件数", "可用性", "インシデント", "未完了の再発防止策", "週別"]
    assert book.sheetnames == sheets
    assert [c.value for c in book["可用性"][1]][:2] == ["サービス", "可用性（%）"]


def test_severities_not_in_the_configured_scale_still_count() -> None:
    f = month_report_figures(INCIDENTS, "2026-11", services_slo={}, tz=TOKYO, severities=["critical"])
    assert f.severities == ["critical", "high", "medium", "low"]
    assert sum(f.by_severity.values()) == f.count == 7


def test_an_open_incident_counts_until_as_of() -> None:
    open_one = ReportIncident("O", "open", "high", ("api",), nov(10).astimezone(UTC), None, None, None, None)
    f = month_report_figures(
        [open_one], "2026-11", services_slo={"api": 99.9}, tz=TOKYO, as_of=nov(10, 12).astimezone(UTC)
    )
    assert f.availability["api"].downtime_minutes == 120
    assert f.mtta_mean is None and f.within_target_rate is None


def test_an_empty_month_has_no_averages() -> None:
    f = month_report_figures([], "2026-02", services_slo={"api": 99.9}, tz=TOKYO)
    assert (f.count, f.mtta_mean, f.mttr_p90) == (0, None, None)
    assert f.availability["api"].availability == 100 and f.availability["api"].budget_left_percent == 100


def test_p90_is_nearest_rank() -> None:
    assert p90([]) is None
    assert p90(list(range(1, 11))) == 9
    assert p90([5.0]) == 5.0


def test_only_outage_severities_count_and_planned_downtime_is_not_an_outage() -> None:
    low = inc("L", "low", nov(5), 5, 600, None, ("api",))
    f = month_report_figures([low], "2026-11", services_slo={"api": 99.9}, tz=TOKYO)
    assert f.availability["api"].downtime_minutes == 0 and not f.availability["api"].freeze
    f = month_report_figures(
        [low], "2026-11", services_slo={"api": 99.9}, tz=TOKYO, outage_severities=frozenset({"low"})
    )
    assert f.availability["api"].downtime_minutes == 600 and f.availability["api"].freeze
    crit = inc("K", "critical", nov(5), 5, 120, 15, ("api",))  # 10:00–12:00
    window = (nov(5, 11).astimezone(UTC), nov(5, 13).astimezone(UTC))  # maintenance 11:00–13:00
    f = month_report_figures([crit], "2026-11", services_slo={"api": 99.9}, tz=TOKYO, planned=[window])
    assert (f.planned_minutes, f.unplanned_minutes) == (120, 60)
    assert f.availability["api"].downtime_minutes == 60
    assert f.overall_availability == pytest.approx((MONTH_MINUTES - 120 - 60) / (MONTH_MINUTES - 120) * 100)


def _text(data: bytes) -> str:
    """The report as a person reads it: each sheet's cells, row by row."""
    book = load_workbook(io.BytesIO(data))
    out: list[str] = []
    for ws in book.worksheets:
        out.append(f"## {ws.title}")
        for row in ws.iter_rows():
            cells = ["" if c.value is None else str(c.value) for c in row]
            out.append(" | ".join(cells).rstrip(" |"))
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_the_report_text_matches_the_golden_file(locale: str) -> None:
    from datetime import date

    from postmortem.model import ActionItem
    from postmortem.report import OpenAction

    labels = {"critical": "重大", "high": "高", "medium": "中", "low": "低"} if locale == "ja" else {}
    actions = [
        OpenAction(
            "INC-2026-0003", ActionItem(1, "short", "Alert on pool saturation", "U0BOB", date(2026, 11, 20), False)
        ),
        OpenAction("INC-2026-0005", ActionItem(2, "medium", "Load-test config pushes", None, date(2027, 2, 1), False)),
    ]
    data = build_month_report(
        INCIDENTS,
        "2026-11",
        services_slo=SLO,
        severities=SEVERITIES,
        severity_labels=labels,
        tz=TOKYO,
        locale=locale,
        as_of=datetime(2026, 12, 1, 9, 0, tzinfo=TOKYO),
        actions=actions,
        names={"U0BOB": "bob"},
    )
    text = _text(data)
    golden = Path(__file__).parent / "golden" / f"report-{locale}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")
